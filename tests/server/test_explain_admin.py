"""What-if explanations for the caller; admin endpoints answered with the caller's rights."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.http_errors import expect_http_error

TEAM_A_EXPERIMENT = "arn:aws:sagemaker:us-east-1:123456789012:experiment/teama-seeded-experiment"
TEAM_B_ROLE = "SageMakerStudioDeveloperTeamBRole"


async def post(jp_fetch, path: str, body: dict) -> dict:
    response = await jp_fetch(
        "studio-abac-ext", *path.split("/"), method="POST", body=json.dumps(body)
    )
    return json.loads(response.body)


@pytest.mark.parametrize("persona", ["userb1@studio"])
async def test_what_if_reads_the_resource_tags_like_aws(jp_fetch):
    # Given UserB1 and Team A's experiment
    # When UserB1 asks whether they may delete it
    result = await post(
        jp_fetch, "explain", {"action": "sagemaker:DeleteExperiment", "resource": TEAM_A_EXPERIMENT}
    )
    # Then the engine says no, from the resource's real team tag
    assert result["decision"] == "implicitDeny"
    condition = result["explanation"]["closest"][0]["conditions"][0]
    assert condition["resolvedPolicyValues"] == ["TeamA"]


@pytest.mark.parametrize("persona", ["userb1@studio"])
async def test_what_if_context_overrides_the_tags(jp_fetch):
    # Given UserB1 and Team A's experiment
    # When UserB1 asks what would happen were it tagged TeamB
    result = await post(
        jp_fetch,
        "explain",
        {
            "action": "sagemaker:DeleteExperiment",
            "resource": TEAM_A_EXPERIMENT,
            "context": {"sagemaker:ResourceTag/team": "TeamB", "aws:ResourceTag/team": "TeamB"},
        },
    )
    # Then it would be allowed by the update/delete statement
    assert result["decision"] == "allowed"
    assert result["explanation"]["deciding"][0]["sid"] == "AmazonSageMakerUpdateDeleteExecutePolicy"


async def test_what_if_rejects_a_malformed_action(jp_fetch):
    # Given an action without a service prefix
    # When it is explained
    body = await expect_http_error(
        jp_fetch(
            "studio-abac-ext",
            "explain",
            method="POST",
            body=json.dumps({"action": "DeleteExperiment", "resource": "*"}),
        ),
        400,
        "ValidationError",
    )
    # Then the action field is named
    assert body["field"] == "$.action"


@pytest.mark.parametrize("persona", ["admin"])
async def test_admin_sees_recent_denials(jp_fetch, fresh_sandbox):
    # Given UserB1 was denied deleting Team A's experiment
    sagemaker = fresh_sandbox.session_for("userb1@studio").client("sagemaker")
    with pytest.raises(ClientError):
        sagemaker.delete_experiment(ExperimentName="teama-seeded-experiment")
    # When the admin lists recent denials
    response = await jp_fetch(
        "studio-abac-ext", "admin", "denials", params={"action": "sagemaker:DeleteExperiment"}
    )
    # Then that denial is there with who, what and AWS's message
    events = json.loads(response.body)["events"]
    event = events[0]
    assert event["action"] == "sagemaker:DeleteExperiment"
    assert TEAM_B_ROLE in event["principal"]
    assert event["errorCode"] in {"AccessDenied", "AccessDeniedException"}
    assert "teama-seeded-experiment" in event["message"]


async def test_team_member_cannot_read_cloudtrail_and_is_told_why(jp_fetch):
    # Given UserA1, whose policies do not allow CloudTrail
    # When they ask for the denials
    body = await expect_http_error(
        jp_fetch("studio-abac-ext", "admin", "denials"), 403, "AccessDenied"
    )
    # Then the explanation says no statement allows it
    assert body["action"] == "cloudtrail:LookupEvents"
    assert body["explanation"]["decision"] == "implicitDeny"


@pytest.mark.parametrize("persona", ["admin"])
async def test_admin_simulates_a_role_from_live_iam(jp_fetch):
    # Given the admin may read IAM
    # When they simulate Team B's role deleting Team A's experiment
    result = await post(
        jp_fetch,
        "admin/simulate",
        {
            "principal": TEAM_B_ROLE,
            "action": "sagemaker:DeleteExperiment",
            "resource": TEAM_A_EXPERIMENT,
            "resourceTags": {"team": "TeamA"},
        },
    )
    # Then the role's tag (TeamB) and the resource's (TeamA) decide: denied
    assert result["decision"] == "implicitDeny"
    condition = result["explanation"]["closest"][0]["conditions"][0]
    assert condition["requestValues"] == ["TeamB"]


@pytest.mark.parametrize("persona", ["admin"])
async def test_admin_simulates_inline_policies(jp_fetch):
    # Given a policy given inline that allows every SageMaker delete
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sagemaker:Delete*", "Resource": "*"}],
        }
    )
    # When it is simulated
    result = await post(
        jp_fetch,
        "admin/simulate",
        {
            "principal": "arn:aws:iam::123456789012:role/Anyone",
            "action": "sagemaker:DeleteExperiment",
            "resource": TEAM_A_EXPERIMENT,
            "policies": [policy],
        },
    )
    # Then it is allowed
    assert result["decision"] == "allowed"


@pytest.mark.parametrize("persona", ["admin"])
async def test_admin_isolation_lists_findings_for_a_team_role(jp_fetch):
    # Given the document's team role
    # When the admin checks its isolation
    response = await jp_fetch("studio-abac-ext", "admin", "isolation", params={"role": TEAM_B_ROLE})
    # Then findings come back, each with a severity and a fix
    findings = json.loads(response.body)["findings"]
    assert findings
    assert all(f["severity"] in {"critical", "high", "medium", "low", "info"} for f in findings)
    assert all(f["fix"] for f in findings)


async def test_team_member_isolation_check_is_denied_with_an_explanation(jp_fetch):
    # Given UserA1, whose role may not read IAM
    # When they check their own role
    body = await expect_http_error(
        jp_fetch("studio-abac-ext", "admin", "isolation"), 403, "AccessDenied"
    )
    # Then the denied IAM action is named
    assert body["action"].startswith("iam:")
