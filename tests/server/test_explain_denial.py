"""POST explain-denial: a denial as a notebook cell printed it, explained by the server with the
caller's policies and the resource's live tags, AWS's stated reason set beside the engine's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.http_errors import expect_http_error

ACCOUNT = "123456789012"
TEAM_A_EXPERIMENT = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:experiment/teama-seeded-experiment"
# The experiment the document's walk-through creates (the rich traceback's denial names it).
DOCUMENT_EXPERIMENT = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:experiment/usera1teamaexperiment1"
TEAM_B_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/SageMakerStudioDeveloperTeamBRole/SageMaker"
TEAM_A_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/SageMakerStudioDeveloperTeamARole/SageMaker"
SCP = f"arn:aws:organizations::{ACCOUNT}:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp"
RICH = Path(__file__).parent.parent / "unit" / "denial_messages" / "rich_traceback.txt"
pytestmark = pytest.mark.parametrize("persona", ["userb1@studio"])


async def explain_denial(jp_fetch, body: dict) -> dict:
    response = await jp_fetch(
        "studio-abac-ext", "explain-denial", method="POST", body=json.dumps(body)
    )
    assert response.code == 200
    return json.loads(response.body)


def denied_delete(sandbox, persona: str, name: str) -> str:
    """The text boto3 prints for a denied DeleteExperiment (str of the ClientError)."""
    sagemaker = sandbox.session_for(persona).client("sagemaker")
    with pytest.raises(ClientError) as denied:
        sagemaker.delete_experiment(ExperimentName=name)
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    return f"ClientError: {denied.value}"


async def create_experiment(jp_fetch, name: str) -> str:
    response = await jp_fetch(
        "studio-abac-ext", "experiments", method="POST", body=json.dumps({"name": name})
    )
    return json.loads(response.body)["arn"]


def implicit_deny_of_delete(principal: str, arn: str) -> str:
    return (
        "An error occurred (AccessDeniedException) when calling the DeleteExperiment "
        f"operation: User: {principal} is not authorized to perform: sagemaker:DeleteExperiment "
        f"on resource: {arn} because no identity-based policy allows the "
        "sagemaker:DeleteExperiment action"
    )


async def test_a_cells_denial_names_the_statement_and_both_teams(jp_fetch, fresh_sandbox):
    # Given the text a notebook cell shows when UserB1 deletes Team A's experiment (real sandbox)
    text = denied_delete(fresh_sandbox, "userb1@studio", "teama-seeded-experiment")
    # When the button asks the server to explain it
    body = await explain_denial(jp_fetch, {"message": text, "operation": "DeleteExperiment"})
    # Then it is the sidebar's 403 body: the deciding statement, TeamB against TeamA
    assert body["error"] == "AccessDenied"
    assert body["action"] == "sagemaker:DeleteExperiment"
    assert body["resource"] == TEAM_A_EXPERIMENT
    assert body["caller"] == TEAM_B_SESSION
    explanation = body["explanation"]
    assert explanation["decision"] == "implicitDeny"
    closest = explanation["closest"][0]
    assert closest["sid"] == "AmazonSageMakerUpdateDeleteExecutePolicy"
    assert closest["conditions"][0]["requestValues"] == ["TeamB"]
    assert closest["conditions"][0]["resolvedPolicyValues"] == ["TeamA"]
    assert "TeamA" in body["nextStep"] and "TeamB" in body["nextStep"]
    # And what AWS said is read back, with nothing to reconcile
    assert body["denial"]["reason"] == {
        "explicit": False,
        "policyType": "identity",
        "policyArn": None,
    }
    assert body["denial"]["code"] == "AccessDeniedException"
    assert body["notes"] == []


async def test_the_sdks_rich_traceback_is_explained_too(jp_fetch, fresh_sandbox):
    # Given the document's experiment, created by usera1 as its walk-through does
    fresh_sandbox.session_for("usera1@studio").client("sagemaker").create_experiment(
        ExperimentName="USERA1TEAMAEXPERIMENT1", Tags=[{"Key": "team", "Value": "TeamA"}]
    )
    # When the SageMaker SDK's rich traceback (ANSI, a code box, wrapped lines) of Team B's
    # denied delete of it is explained
    body = await explain_denial(jp_fetch, {"message": RICH.read_text()})
    # Then it explains that denial
    assert body["resource"] == DOCUMENT_EXPERIMENT
    assert body["explanation"]["closest"][0]["sid"] == "AmazonSageMakerUpdateDeleteExecutePolicy"


async def test_an_scp_deny_the_callers_policies_cannot_show_is_said_plainly(
    jp_fetch, fresh_sandbox
):
    # Given Team B's own experiment, which Team B's policies allow it to delete
    arn = await create_experiment(jp_fetch, "teambscpcase")
    # And a message saying an SCP (named by ARN) explicitly denied the delete
    message = (
        "An error occurred (AccessDeniedException) when calling the DeleteExperiment "
        f"operation: User: {TEAM_B_SESSION} is not authorized to perform: "
        f"sagemaker:DeleteExperiment on resource: {arn} with an explicit deny in a service "
        f"control policy: {SCP}"
    )
    body = await explain_denial(jp_fetch, {"message": message})
    # Then the engine allows, and the answer says AWS's SCP decided, naming its ARN
    assert body["explanation"]["decision"] == "allowed"
    expected = (
        f"AWS reports an explicit Deny in a service control policy ({SCP}) denied this; your "
        "organisation's SCPs are not visible to this account, so the statements below "
        "cannot show it."
    )
    assert body["explanation"]["summary"] == expected
    assert body["summary"] == expected
    assert SCP in body["nextStep"]
    assert [note["kind"] for note in body["notes"]] == ["awsReason"]
    assert body["denial"]["reason"] == {"explicit": True, "policyType": "scp", "policyArn": SCP}


async def test_a_boundary_denial_is_named_even_when_the_engine_also_denies(jp_fetch, fresh_sandbox):
    message = (
        f"User: {TEAM_B_SESSION} is not authorized to perform: sagemaker:DeleteExperiment on "
        f"resource: {TEAM_A_EXPERIMENT} because no permissions boundary allows the "
        "sagemaker:DeleteExperiment action"
    )
    body = await explain_denial(jp_fetch, {"message": message})
    # The engine's own reason (TeamB vs TeamA) stays the summary; AWS's layer is a note
    assert body["explanation"]["decision"] == "implicitDeny"
    (note,) = body["notes"]
    assert note["kind"] == "awsReason"
    assert "permissions boundary" in note["message"]


async def test_a_resource_created_moments_ago_whose_tags_match_may_be_propagation(
    jp_fetch, fresh_sandbox
):
    # Given Team B's experiment, created just now with Team B's tags
    arn = await create_experiment(jp_fetch, "teambjustcreated")
    # When a cell was denied deleting it (AWS had not seen the tags yet)
    body = await explain_denial(jp_fetch, {"message": implicit_deny_of_delete(TEAM_B_SESSION, arn)})
    # Then the engine allows with the live tags, and the answer says to try again
    assert body["explanation"]["decision"] == "allowed"
    assert body["summary"].startswith("Possibly tag or IAM propagation delay")
    assert "Try again" in body["summary"]
    assert [note["kind"] for note in body["notes"]] == ["propagation"]


async def test_another_principals_denial_says_whose_it_is(jp_fetch, fresh_sandbox):
    # Given a denial pasted from a Team A member's notebook
    text = implicit_deny_of_delete(TEAM_A_SESSION, TEAM_A_EXPERIMENT)
    body = await explain_denial(jp_fetch, {"message": text})
    # Then the answer says it is Team A's role's denial, not the caller's
    assert body["summary"].startswith(f"This is the denial of {TEAM_A_SESSION}, not yours")
    assert TEAM_B_SESSION in body["summary"]
    assert [note["kind"] for note in body["notes"]] == ["otherPrincipal"]


async def test_an_iam_role_resource_is_the_roles_arn(jp_fetch, fresh_sandbox):
    message = (
        "An error occurred (AccessDenied) when calling the GetRole operation: User: "
        f"{TEAM_B_SESSION} is not authorized to perform: iam:GetRole on resource: role "
        "SageMakerStudioDeveloperTeamARole because no identity-based policy allows the "
        "iam:GetRole action"
    )
    body = await explain_denial(jp_fetch, {"message": message})
    assert body["resource"] == f"arn:aws:iam::{ACCOUNT}:role/SageMakerStudioDeveloperTeamARole"
    assert body["denial"]["resourceAsWritten"] == "role SageMakerStudioDeveloperTeamARole"
    assert body["explanation"]["decision"] in ("implicitDeny", "explicitDeny")


async def test_an_ec2_encoded_message_is_decoded_under_the_callers_credentials(
    jp_fetch, fresh_sandbox
):
    # Given EC2's encoded denial (the sandbox cannot decode it)
    message = (
        "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: "
        "You are not authorized to perform this operation. Encoded authorization failure "
        "message: 4NwbhZXdrJx4KvTEAhQ7yEkqo1h8pT9f8V1gsHLz"
    )
    body = await explain_denial(jp_fetch, {"message": message, "operation": "ec2:RunInstances"})
    # Then the answer says decoding was tried and what came of it, and explains the operation
    assert body["action"] == "ec2:RunInstances"
    assert body["denial"]["encoded"] is True
    assert [note["kind"] for note in body["notes"]] == ["undecoded"]
    assert "sts:DecodeAuthorizationMessage" in body["notes"][0]["message"]


async def test_the_kernels_request_facts_fill_what_the_message_lacks(jp_fetch, fresh_sandbox):
    # Given S3's cross-account "Access Denied", which names nothing, and the kernel's facts
    body = await explain_denial(
        jp_fetch,
        {
            "message": "An error occurred (AccessDenied) when calling the GetObject operation: "
            "Access Denied",
            "operation": "s3:GetObject",
            "resource": "arn:aws:s3:::someone-elses-bucket/data.csv",
        },
    )
    assert body["action"] == "s3:GetObject"
    assert body["resource"] == "arn:aws:s3:::someone-elses-bucket/data.csv"
    assert body["message"] == "Access Denied"


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({}, "$.message", "required"),
        ({"message": 42}, "$.message", "string"),
        ({"message": ""}, "$.message", "1-32768 characters"),
        ({"message": "x" * 32769}, "$.message", "1-32768 characters"),
        ({"message": "ValueError: bad name"}, "$.message", "an AWS AccessDenied message"),
        (
            {"message": implicit_deny_of_delete(TEAM_B_SESSION, TEAM_A_EXPERIMENT), "op": "x"},
            "$.op",
            "known field",
        ),
        (
            {
                "message": implicit_deny_of_delete(TEAM_B_SESSION, TEAM_A_EXPERIMENT),
                "operation": "a b",
            },
            "$.operation",
            "Operation or service:Operation",
        ),
        (
            {
                "message": implicit_deny_of_delete(TEAM_B_SESSION, TEAM_A_EXPERIMENT),
                "requestTags": {"team": 1},
            },
            "$.requestTags",
            "object of strings",
        ),
    ],
)
async def test_bad_input_is_a_400_naming_the_field(jp_fetch, body, field, rule):
    error = await expect_http_error(
        jp_fetch("studio-abac-ext", "explain-denial", method="POST", body=json.dumps(body)),
        400,
        "ValidationError",
    )
    assert (error["field"], error["rule"]) == (field, rule)
