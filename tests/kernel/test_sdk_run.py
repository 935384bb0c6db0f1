"""The SageMaker Python SDK's Run, written without tags, in a real kernel as a Team A member."""

from __future__ import annotations

import pytest

from studio_abac_ext.sandbox import Sandbox

from .notebooks import denials_of, last_json, run_cells, text_of

SETUP = """
import json, boto3, sagemaker
from sagemaker.experiments.run import Run, load_run, list_runs
%load_ext studio_abac_ext
session = sagemaker.Session(boto3.Session())
sm = boto3.client("sagemaker")
def tags(arn):
    return {t["Key"]: t["Value"] for t in sm.list_tags(ResourceArn=arn)["Tags"]}
"""
RUN = """
with Run(experiment_name="kernel-exp", run_name="run-1", sagemaker_session=session) as run:
    run.log_parameter("learning_rate", 0.1)
    run.log_metric(name="loss", value=0.5, step=1)
    run.log_metric(name="loss", value=0.25, step=2)
"""
LOAD_RUN = """
with load_run(experiment_name="kernel-exp", run_name="run-1", sagemaker_session=session) as run:
    run.log_metric(name="loss", value=0.125, step=3)
"""
LIST_RUNS = """
runs = list_runs(experiment_name="kernel-exp", sagemaker_session=session)
print(json.dumps([r.run_name for r in runs]))
"""
REPORT = """
component = sm.describe_trial_component(TrialComponentName="kernel-exp-run-1")
trial = sm.list_trials(ExperimentName="kernel-exp")["TrialSummaries"][0]
experiment = sm.describe_experiment(ExperimentName="kernel-exp")
print(json.dumps({
    "experiment": tags(experiment["ExperimentArn"]),
    "trial": tags(trial["TrialArn"]),
    "component": tags(component["TrialComponentArn"]),
    "parameters": sorted(component.get("Parameters", {})),
    "loss": [(m["Count"], m["Last"]) for m in component["Metrics"] if m["MetricName"] == "loss"],
}))
"""


@pytest.mark.sandbox
def test_run_without_tags_succeeds_with_auto_tagging(fresh_sandbox: Sandbox) -> None:
    # Given usera1's Studio kernel with the extension (auto-tagging on, the default)
    # When the SDK's Run, load_run and list_runs run as written in SageMaker's examples
    cells = run_cells(fresh_sandbox, "usera1@studio", [SETUP, RUN, LOAD_RUN, LIST_RUNS, REPORT])
    _setup, run, load, listed, report = cells
    # Then every cell succeeds
    for cell in cells:
        assert "Error" not in text_of(cell), text_of(cell)
    # And the kernel said once what it adds and how to turn it off
    said = text_of(run) + text_of(load) + text_of(listed)
    assert said.count("studio-abac: adding team=TeamA, studiouserid=usera1") == 1
    assert "%abac autotag off" in said
    # And the experiment, the trial and the trial component all carry the team's tags
    found = last_json(report)
    for kind in ("experiment", "trial", "component"):
        assert found[kind]["team"] == "TeamA", (kind, found[kind])
        assert found[kind]["studiouserid"] == "usera1", (kind, found[kind])
    # And the parameter and the three metric values (BatchPutMetrics) were stored
    assert found["parameters"] == ["learning_rate"]
    assert found["loss"] == [[3, 0.125]]
    assert last_json(listed) == ["run-1"]


@pytest.mark.sandbox
def test_run_without_tags_is_denied_when_auto_tagging_is_off(fresh_sandbox: Sandbox) -> None:
    # Given usera1's Studio kernel with auto-tagging turned off
    _setup, run = run_cells(fresh_sandbox, "usera1@studio", [SETUP, RUN], STUDIO_ABAC_AUTOTAG="off")
    # When the SDK's Run creates its experiment without tags
    # Then AWS's denial is shown (the SDK's traceback), with the exact request under it
    assert "AccessDeniedException" in text_of(run)
    assert "sagemaker:CreateExperiment" in text_of(run)
    (denial,) = denials_of(run)
    assert denial == {
        "operation": "CreateExperiment",
        "service": "sagemaker",
        "action": "sagemaker:CreateExperiment",
        "resource": "arn:aws:sagemaker:us-east-1:123456789012:experiment/kernel-exp",
        "requestTags": {},
        "message": denial["message"],
        "code": "AccessDeniedException",
    }
    assert "is not authorized to perform: sagemaker:CreateExperiment" in denial["message"]
