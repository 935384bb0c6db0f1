"""Where the sandbox answers as AWS does for what real clients send (boto3 over HTTP)."""

from __future__ import annotations

import json

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from studio_abac_ext.sandbox import Sandbox

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("list_associations", {}),
        ("list_actions", {}),
        ("list_artifacts", {}),
        ("list_contexts", {}),
        ("list_images", {}),
        ("list_studio_lifecycle_configs", {}),
        ("list_code_repositories", {}),
    ],
)
def test_an_unimplemented_operation_answers_unknown_operation_at_once(
    fresh_sandbox: Sandbox, operation: str, params: dict[str, str]
) -> None:
    # Given the admin, whose policies allow SageMaker reads
    sagemaker = fresh_sandbox.session_for("admin").client("sagemaker", config=NO_RETRIES)
    # When it calls an operation the sandbox does not implement
    with pytest.raises(ClientError) as caught:
        getattr(sagemaker, operation)(**params)
    # Then the answer is the JSON protocol's UnknownOperationException (a 400 clients do not
    # retry), never a 500 with an XML body
    response = caught.value.response
    assert response["Error"]["Code"] == "UnknownOperationException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"].get("RetryAttempts", 0) == 0


def test_get_session_token_needs_no_permission(fresh_sandbox: Sandbox) -> None:
    # Given usera1, whose only policy allows CreatePresignedDomainUrl
    sts = fresh_sandbox.session_for("usera1").client("sts")
    # When it asks for a session token (AWS: "No permissions are required")
    credentials = sts.get_session_token(DurationSeconds=900)["Credentials"]
    # Then it gets credentials that act as usera1 itself
    session_sts = fresh_sandbox.session_for("usera1").client(
        "sts",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    assert session_sts.get_caller_identity()["Arn"].endswith(":user/usera1")


def test_get_session_token_refuses_role_session_credentials(fresh_sandbox: Sandbox) -> None:
    sts = fresh_sandbox.session_for("usera1@studio").client("sts")
    with pytest.raises(ClientError) as caught:
        sts.get_session_token()
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_search_returns_total_hits(fresh_sandbox: Sandbox) -> None:
    sagemaker = fresh_sandbox.session_for("admin").client("sagemaker")
    team_a = {"Filters": [{"Name": "Tags.team", "Operator": "Equals", "Value": "TeamA"}]}
    result = sagemaker.search(Resource="Experiment", SearchExpression=team_a)
    assert result["TotalHits"] == {"Value": 2, "Relation": "EqualTo"}
    first = sagemaker.search(Resource="Experiment", SearchExpression=team_a, MaxResults=1)
    assert first["TotalHits"]["Relation"] == "GreaterThanOrEqualTo"


def test_search_on_parameters_compares_numbers_as_numbers(fresh_sandbox: Sandbox) -> None:
    # Given trial components with a numeric and a string parameter
    sagemaker = fresh_sandbox.session_for("usera1@studio").client("sagemaker")
    team_a = [{"Key": "team", "Value": "TeamA"}]
    for name, rate, kind in (("lr-small", 9, "adam"), ("lr-large", 10, "sgd")):
        sagemaker.create_trial_component(
            TrialComponentName=name,
            Tags=team_a,
            Parameters={"rate": {"NumberValue": rate}, "optimizer": {"StringValue": kind}},
        )

    def names(name: str, operator: str, value: str) -> list[str]:
        found = sagemaker.search(
            Resource="ExperimentTrialComponent",
            SearchExpression={"Filters": [{"Name": name, "Operator": operator, "Value": value}]},
        )
        return sorted(r["TrialComponent"]["TrialComponentName"] for r in found["Results"])

    # When Search compares Parameters.rate with 9.5, then Parameters.optimizer with "b"
    # Then 10 > 9.5 as numbers (as strings "10" < "9.5"), and "sgd" > "b" as strings
    assert names("Parameters.rate", "GreaterThan", "9.5") == ["lr-large"]
    assert names("Parameters.rate", "Equals", "10.0") == ["lr-large"]
    assert names("Parameters.optimizer", "GreaterThan", "b") == ["lr-large"]


def test_get_search_suggestions_names_search_properties_beginning_with_the_hint(
    fresh_sandbox: Sandbox,
) -> None:
    # Given a trial component with parameters and the seeded team-tagged experiments
    sagemaker = fresh_sandbox.session_for("usera1@studio").client("sagemaker")
    sagemaker.create_trial_component(
        TrialComponentName="tuned",
        Tags=[{"Key": "team", "Value": "TeamA"}],
        Parameters={"rate": {"NumberValue": 1}, "optimizer": {"StringValue": "adam"}},
    )

    def suggestions(resource: str, hint: str) -> list[str]:
        found = sagemaker.get_search_suggestions(
            Resource=resource, SuggestionQuery={"PropertyNameQuery": {"PropertyNameHint": hint}}
        )
        return [s["PropertyName"] for s in found["PropertyNameSuggestions"]]

    # When it asks for property names beginning with a hint
    # Then it gets the names Search filters on, as SageMaker Studio's search box offers them
    assert suggestions("ExperimentTrialComponent", "Parameters.") == [
        "Parameters.optimizer",
        "Parameters.rate",
    ]
    assert "Tags.team" in suggestions("Experiment", "tags.")
    assert suggestions("Experiment", "ExperimentN") == ["ExperimentName"]
    assert suggestions("Experiment", "NoSuchProperty") == []


@pytest.mark.parametrize("kind", ["experiment", "trial", "trial_component"])
def test_a_parent_with_children_is_not_deleted(fresh_sandbox: Sandbox, kind: str) -> None:
    # Given an experiment with a trial that holds a trial component
    # (DeleteExperiment: "All trials associated with the experiment must be deleted first";
    # DeleteTrial: "All trial components that make up the trial must be deleted first";
    # DeleteTrialComponent: "A trial component must be disassociated from all trials before the
    # trial component can be deleted" -- the SageMaker API reference)
    sagemaker = fresh_sandbox.session_for("usera1@studio").client("sagemaker")
    team_a = [{"Key": "team", "Value": "TeamA"}]
    sagemaker.create_experiment(ExperimentName="parent", Tags=team_a)
    sagemaker.create_trial(TrialName="child", ExperimentName="parent", Tags=team_a)
    sagemaker.create_trial_component(TrialComponentName="grandchild", Tags=team_a)
    sagemaker.associate_trial_component(TrialComponentName="grandchild", TrialName="child")
    delete = {
        "experiment": lambda: sagemaker.delete_experiment(ExperimentName="parent"),
        "trial": lambda: sagemaker.delete_trial(TrialName="child"),
        "trial_component": lambda: sagemaker.delete_trial_component(
            TrialComponentName="grandchild"
        ),
    }
    # When it deletes the one still in use, then SageMaker's ValidationException refuses it
    with pytest.raises(ClientError) as caught:
        delete[kind]()
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    # And once the children are gone, in order, each delete succeeds
    sagemaker.disassociate_trial_component(TrialComponentName="grandchild", TrialName="child")
    delete["trial_component"]()
    delete["trial"]()
    delete["experiment"]()
    assert "parent" not in [
        e["ExperimentName"] for e in sagemaker.list_experiments()["ExperimentSummaries"]
    ]


def test_an_unimplemented_query_operation_answers_invalid_action_at_once(
    fresh_sandbox: Sandbox,
) -> None:
    # Given the admin, who may call any IAM action
    iam = fresh_sandbox.session_for("admin").client("iam", config=NO_RETRIES)
    # When it calls an IAM operation moto does not implement
    with pytest.raises(ClientError) as caught:
        iam.get_service_last_accessed_details(JobId="0" * 36)
    # Then the query protocol's answer to an unknown action comes back (an XML 400 error that
    # botocore parses and does not retry), never moto's 500
    response = caught.value.response
    assert response["Error"]["Code"] == "InvalidAction"
    assert "iam:GetServiceLastAccessedDetails" in response["Error"]["Message"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"].get("RetryAttempts", 0) == 0


def cloudtrail_events(sandbox: Sandbox, event_name: str) -> list[dict[str, object]]:
    cloudtrail = sandbox.session_for("admin").client("cloudtrail")
    found = cloudtrail.lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": event_name}]
    )
    return [json.loads(e["CloudTrailEvent"]) for e in found["Events"]]


def test_cloudtrail_records_every_failed_call_and_the_callers_user_agent(
    fresh_sandbox: Sandbox,
) -> None:
    # Given usera1's Studio session, with a user agent of its own
    session = fresh_sandbox.session_for("usera1@studio")
    sagemaker = session.client("sagemaker", config=Config(user_agent_extra="notebook/cell-7"))
    # When an allowed call fails (no such experiment) and another succeeds
    with pytest.raises(ClientError) as caught:
        sagemaker.describe_experiment(ExperimentName="never-created")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFound"
    sagemaker.list_experiments()
    # Then CloudTrail records the failure with the error the caller got, as AWS does for any
    # failed call (not only denials), and the success without one
    (failed,) = cloudtrail_events(fresh_sandbox, "DescribeExperiment")
    assert failed["errorCode"] == "ResourceNotFound"
    assert "never-created" in str(failed["errorMessage"])
    (succeeded,) = cloudtrail_events(fresh_sandbox, "ListExperiments")
    assert "errorCode" not in succeeded
    # And both carry the request's User-Agent header
    for event in (failed, succeeded):
        assert "Botocore/" in str(event["userAgent"])
        assert "notebook/cell-7" in str(event["userAgent"])


def test_cloudtrail_records_a_validation_error_of_a_query_call(fresh_sandbox: Sandbox) -> None:
    # Given the admin creates a user that exists already (IAM refuses with EntityAlreadyExists)
    iam = fresh_sandbox.session_for("admin").client("iam")
    with pytest.raises(ClientError) as caught:
        iam.create_user(UserName="usera1")
    assert caught.value.response["Error"]["Code"] == "EntityAlreadyExists"
    # Then its CloudTrail event names that error
    (event,) = cloudtrail_events(fresh_sandbox, "CreateUser")
    assert event["errorCode"] == "EntityAlreadyExists"
