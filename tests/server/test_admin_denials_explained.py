"""The admin view's data: who was denied (the person, not the shared Studio session name), and a
recorded denial explained with the resource's live tags."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

TEAM_A_EXPERIMENT = "arn:aws:sagemaker:us-east-1:123456789012:experiment/teama-seeded-experiment"
TEAM_B_SESSION = (
    "arn:aws:sts::123456789012:assumed-role/SageMakerStudioDeveloperTeamBRole/SageMaker"
)


def userb1_deletes_team_a_experiment(sandbox) -> None:
    sagemaker = sandbox.session_for("userb1@studio").client("sagemaker")
    with pytest.raises(ClientError) as denied:
        sagemaker.delete_experiment(ExperimentName="teama-seeded-experiment")
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"


def usera1_is_denied_a_cloudtrail_read(sandbox) -> None:
    cloudtrail = sandbox.session_for("usera1@studio").client("cloudtrail")
    with pytest.raises(ClientError):
        cloudtrail.lookup_events()


async def denials(jp_fetch, **params: str) -> list[dict]:
    response = await jp_fetch("studio-abac-ext", "admin", "denials", params=params)
    return json.loads(response.body)["events"]


@pytest.mark.parametrize("persona", ["admin"])
async def test_a_studio_denial_names_the_person(jp_fetch, fresh_sandbox):
    # Given UserB1's Studio session was denied deleting Team A's experiment
    userb1_deletes_team_a_experiment(fresh_sandbox)
    # When the admin lists recent denials
    events = await denials(jp_fetch)
    # Then the denial names userb1 (the session's source identity), not the session name
    delete = next(e for e in events if e["action"] == "sagemaker:DeleteExperiment")
    assert delete["user"] == "userb1"
    assert delete["principal"] == TEAM_B_SESSION
    assert delete["resource"] == TEAM_A_EXPERIMENT


@pytest.mark.parametrize("persona", ["admin"])
async def test_filters_by_person_and_by_action_together(jp_fetch, fresh_sandbox):
    # Given two denials: UserB1's delete and UserA1's CloudTrail read
    userb1_deletes_team_a_experiment(fresh_sandbox)
    usera1_is_denied_a_cloudtrail_read(fresh_sandbox)
    # When the admin filters by person
    by_userb1 = await denials(jp_fetch, user="userb1")
    by_usera1 = await denials(jp_fetch, user="usera1")
    # Then each filter keeps that person's denials only
    assert {e["action"] for e in by_userb1} == {"sagemaker:DeleteExperiment"}
    assert {e["action"] for e in by_usera1} == {"cloudtrail:LookupEvents"}
    # When the admin filters by a person and an action that person was not denied
    # Then nothing matches (the person filter does not bypass the action filter)
    assert await denials(jp_fetch, user="usera1", action="sagemaker:DeleteExperiment") == []
    # And a role name still finds its sessions' denials
    by_role = await denials(jp_fetch, user="SageMakerStudioDeveloperTeamBRole")
    assert [e["user"] for e in by_role] == ["userb1"]


@pytest.mark.parametrize("persona", ["admin"])
async def test_explaining_a_recorded_denial_reads_the_resource_tags(jp_fetch, fresh_sandbox):
    # Given UserB1's recorded denial, which carries no tags
    userb1_deletes_team_a_experiment(fresh_sandbox)
    (event,) = await denials(jp_fetch, action="sagemaker:DeleteExperiment")
    # When the admin simulates it as recorded, without resource tags
    response = await jp_fetch(
        "studio-abac-ext",
        "admin",
        "simulate",
        method="POST",
        body=json.dumps(
            {
                "principal": event["principal"],
                "action": event["action"],
                "resource": event["resource"],
            }
        ),
    )
    result = json.loads(response.body)
    # Then the experiment's live team tag (TeamA) meets the role's (TeamB): denied, nothing missing
    assert result["decision"] == "implicitDeny"
    assert result["explanation"]["missingContextKeys"] == []
    condition = result["explanation"]["closest"][0]["conditions"][0]
    assert condition["requestValues"] == ["TeamB"]
    assert condition["resolvedPolicyValues"] == ["TeamA"]
