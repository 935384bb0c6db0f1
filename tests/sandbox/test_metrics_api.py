"""The SageMaker Metrics API in the sandbox: boto3's sagemaker-metrics client over HTTP."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from studio_abac_ext.sandbox import Sandbox

TEAM_A = [{"Key": "team", "Value": "TeamA"}]


def _component(sandbox: Sandbox, principal: str, name: str) -> str:
    sagemaker = sandbox.session_for(principal).client("sagemaker")
    return str(
        sagemaker.create_trial_component(TrialComponentName=name, Tags=TEAM_A)["TrialComponentArn"]
    )


def test_put_metrics_show_in_describe_and_search(fresh_sandbox: Sandbox) -> None:
    # Given a Team A trial component
    arn = _component(fresh_sandbox, "usera1@studio", "metrics-run-1")
    session = fresh_sandbox.session_for("usera1@studio")
    now = time.time()
    # When Team A puts three loss values through the metrics client
    reply = session.client("sagemaker-metrics").batch_put_metrics(
        TrialComponentName="metrics-run-1",
        MetricData=[
            {"MetricName": "loss", "Timestamp": now + i, "Step": i, "Value": v}
            for i, v in enumerate([0.9, 0.5, 0.4])
        ],
    )
    # Then every value is accepted
    assert reply.get("Errors", []) == []
    # And DescribeTrialComponent summarises them as SageMaker does
    sagemaker = session.client("sagemaker")
    (summary,) = sagemaker.describe_trial_component(TrialComponentName="metrics-run-1")["Metrics"]
    assert summary["MetricName"] == "loss"
    assert summary["SourceArn"] == arn
    assert (summary["Count"], summary["Min"], summary["Max"], summary["Last"]) == (3, 0.4, 0.9, 0.4)
    assert summary["Avg"] == pytest.approx(0.6)
    # And Search returns the same summaries
    found = sagemaker.search(
        Resource="ExperimentTrialComponent",
        SearchExpression={
            "Filters": [
                {"Name": "TrialComponentName", "Operator": "Equals", "Value": "metrics-run-1"}
            ]
        },
    )["Results"]
    assert [r["TrialComponent"]["Metrics"][0]["Count"] for r in found] == [3]
    # And BatchGetMetrics reads the values back by step
    (result,) = session.client("sagemaker-metrics").batch_get_metrics(
        MetricQueries=[
            {
                "MetricName": "loss",
                "ResourceArn": arn,
                "MetricStat": "Avg",
                "Period": "IterationNumber",
                "XAxisType": "IterationNumber",
            }
        ]
    )["MetricQueryResults"]
    assert result["Status"] == "Complete"
    assert (result["XAxisValues"], result["MetricValues"]) == ([0, 1, 2], [0.9, 0.5, 0.4])


def test_put_metrics_on_another_teams_component_is_denied_and_audited(
    fresh_sandbox: Sandbox,
) -> None:
    # Given a Team A trial component
    arn = _component(fresh_sandbox, "usera1@studio", "metrics-run-2")
    # When a Team B member puts a metric on it
    metrics = fresh_sandbox.session_for("userb1@studio").client("sagemaker-metrics")
    with pytest.raises(ClientError) as denied:
        metrics.batch_put_metrics(
            TrialComponentName="metrics-run-2",
            MetricData=[{"MetricName": "loss", "Timestamp": time.time(), "Value": 1.0}],
        )
    # Then it is SageMaker's AccessDeniedException for sagemaker:BatchPutMetrics on the component
    error = denied.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert f"sagemaker:BatchPutMetrics on resource: {arn}" in error["Message"]
    # And the audit names the call by its real name
    events = [e for e in fresh_sandbox.audit.events() if e["eventName"] == "BatchPutMetrics"]
    assert [(e["decision"], e["resource"]) for e in events][-1] == ("implicitDeny", arn)
    # And nothing was stored
    sagemaker = fresh_sandbox.session_for("usera1@studio").client("sagemaker")
    assert sagemaker.describe_trial_component(TrialComponentName="metrics-run-2")["Metrics"] == []


def test_put_metrics_reports_invalid_values_by_index(fresh_sandbox: Sandbox) -> None:
    # Given a Team A trial component
    _component(fresh_sandbox, "usera1@studio", "metrics-run-3")
    unchecked = Config(parameter_validation=False)
    session = fresh_sandbox.session_for("usera1@studio")
    metrics = session.client("sagemaker-metrics", config=unchecked)
    # When one of two values has a negative step (a client that skips botocore's checks)
    reply = metrics.batch_put_metrics(
        TrialComponentName="metrics-run-3",
        MetricData=[
            {"MetricName": "acc", "Timestamp": time.time(), "Value": 0.1, "Step": 1},
            {"MetricName": "acc", "Timestamp": time.time(), "Value": 0.2, "Step": -1},
        ],
    )
    # Then SageMaker's per-metric error names it, and the valid one is kept
    assert reply["Errors"] == [{"Code": "VALIDATION_ERROR", "MetricIndex": 1}]
    sagemaker = fresh_sandbox.session_for("usera1@studio").client("sagemaker")
    (summary,) = sagemaker.describe_trial_component(TrialComponentName="metrics-run-3")["Metrics"]
    assert summary["Count"] == 1


def test_sdk_config_of_sandbox_env_names_the_scenarios_bucket(fresh_sandbox: Sandbox) -> None:
    # Given the environment `sandbox env usera1@studio` prints
    env = fresh_sandbox.env_for("usera1@studio")
    # Then it points the SageMaker SDK at a config file whose default bucket is the scenario's
    text = Path(env["SAGEMAKER_USER_CONFIG_OVERRIDE"]).read_text(encoding="utf-8")
    assert 'DefaultS3Bucket: "sagemaker-studio-abac-sandbox"' in text
