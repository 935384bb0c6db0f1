"""Experiments: created with the caller's tags, changed and deleted where denials are explained."""

from __future__ import annotations

import json

import pytest

from tests.http_errors import expect_http_error


def post(jp_fetch, path: str, body: dict):
    return jp_fetch("studio-abac-ext", path, method="POST", body=json.dumps(body))


def sandbox_tags(sandbox, persona: str, name: str) -> dict[str, str]:
    sagemaker = sandbox.session_for(persona).client("sagemaker")
    arn = f"arn:aws:sagemaker:us-east-1:123456789012:experiment/{name}"
    return {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=arn)["Tags"]}


async def test_create_adds_team_and_user_tags(jp_fetch, fresh_sandbox):
    # Given UserA1 in Team A
    # When they create an experiment with a tag of their own
    response = await post(jp_fetch, "experiments", {"name": "churn-1", "tags": {"stage": "dev"}})
    # Then it is created with the server's team and user tags as well
    assert response.code == 201
    item = json.loads(response.body)
    assert item["team"] == "TeamA" and item["owner"] == "usera1"
    assert item["permissions"]["delete"]["decision"] == "allowed"
    tags = sandbox_tags(fresh_sandbox, "usera1@studio", "churn-1")
    assert tags["team"] == "TeamA" and tags["studiouserid"] == "usera1" and tags["stage"] == "dev"


async def test_a_client_cannot_choose_another_team(jp_fetch, fresh_sandbox):
    # Given UserA1 in Team A
    # When they try to tag a new experiment as Team B's
    body = await expect_http_error(
        post(jp_fetch, "experiments", {"name": "sneaky", "tags": {"team": "TeamB"}}),
        400,
        "ValidationError",
    )
    # Then the tag field is named and nothing is created
    assert body["field"] == "$.tags.team"
    names = await team_names(jp_fetch)
    assert "sneaky" not in names


async def team_names(jp_fetch) -> set[str]:
    response = await jp_fetch("studio-abac-ext", "resources", params={"scope": "all"})
    return {item["name"] for item in json.loads(response.body)["items"]}


@pytest.mark.parametrize("persona", ["usera1"])
async def test_unknown_team_creates_nothing(jp_fetch, fresh_sandbox):
    # Given IAM user credentials outside Studio: nobody knows the caller's team
    # When they create an experiment
    body = await expect_http_error(
        post(jp_fetch, "experiments", {"name": "orphan"}), 409, "TeamUnknown"
    )
    # Then the reason says why and nothing is created
    assert "team" in body["message"].lower()
    admin = fresh_sandbox.session_for("admin").client("sagemaker")
    names = {e["ExperimentName"] for e in admin.list_experiments()["ExperimentSummaries"]}
    assert "teama-seeded-experiment" in names
    assert "orphan" not in names


async def test_same_name_twice_is_a_conflict(jp_fetch):
    # Given an experiment that exists
    # When one with the same name is created
    # Then it is a conflict
    await expect_http_error(
        post(jp_fetch, "experiments", {"name": "teama-seeded-experiment"}), 409, "Conflict"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "-bad"}, "$.name"),
        ({"name": "a" * 121}, "$.name"),
        ({}, "$.name"),
        ({"name": "ok", "description": "x" * 3073}, "$.description"),
        ({"name": "ok", "tags": {"aws:team": "x"}}, "$.tags.aws:team"),
        ({"name": "ok", "tags": {"k": "bad<value>"}}, "$.tags.k"),
        ({"name": "ok", "tags": {f"k{i}": "v" for i in range(51)}}, "$.tags"),
        ({"name": "ok", "tags": {f"k{i}": "v" for i in range(49)}}, "$.tags"),
        ({"name": "ok", "colour": "red"}, "$.colour"),
    ],
)
async def test_invalid_input_names_the_field(jp_fetch, body, field):
    # Given an invalid experiment (the last tags case is 49 + the server's 2 > 50)
    # When it is posted
    answer = await expect_http_error(post(jp_fetch, "experiments", body), 400, "ValidationError")
    # Then the field and the rule are named
    assert answer["field"] == field
    assert answer["rule"]


async def test_preflight_shows_locked_tags_and_creates_nothing(jp_fetch):
    # Given UserA1 in Team A
    # When they preflight a new experiment
    response = await post(jp_fetch, "experiments/preflight", {"name": "planned"})
    # Then the decision is allowed, the server's tags are locked with a reason
    result = json.loads(response.body)
    assert result["decision"] == "allowed"
    locked = {lock["key"]: lock for lock in result["lockedTags"]}
    assert locked["team"]["value"] == "TeamA"
    assert "your policies require it" in locked["team"]["reason"]
    assert result["tags"] == {"team": "TeamA", "studiouserid": "usera1"}
    assert "planned" not in await team_names(jp_fetch)


@pytest.mark.parametrize("persona", ["userb1@studio"])
async def test_team_b_deleting_team_a_experiment_is_explained(jp_fetch, fresh_sandbox):
    # Given UserB1 in Team B and an experiment of Team A
    # When UserB1 deletes it
    body = await expect_http_error(
        jp_fetch("studio-abac-ext", "experiments", "teama-seeded-experiment", method="DELETE"),
        403,
        "AccessDenied",
        message_contains="is not authorized to perform: sagemaker:DeleteExperiment",
    )
    # Then the deciding statement and both teams are named, with a next step
    explanation = body["explanation"]
    assert body["action"] == "sagemaker:DeleteExperiment"
    assert body["resource"].endswith(":experiment/teama-seeded-experiment")
    assert explanation["decision"] == "implicitDeny"
    closest = explanation["closest"][0]
    assert closest["sid"] == "AmazonSageMakerUpdateDeleteExecutePolicy"
    compared = closest["conditions"][0]
    assert compared["requestValues"] == ["TeamB"]
    assert compared["resolvedPolicyValues"] == ["TeamA"]
    assert "TeamA" in body["nextStep"] and "TeamB" in body["nextStep"]
    # And the experiment is still there
    assert "team" in sandbox_tags(fresh_sandbox, "usera1@studio", "teama-seeded-experiment")


async def test_owner_team_deletes_and_updates(jp_fetch, fresh_sandbox):
    # Given UserA1 and Team A's experiment of UserA2, whose trial is emptied and deleted first
    # (SageMaker deletes no experiment that has trials)
    team_a = fresh_sandbox.session_for("usera1@studio").client("sagemaker")
    team_a.disassociate_trial_component(
        TrialComponentName="usera1teamapreprocessing", TrialName="usera1teamatrial1"
    )
    team_a.delete_trial(TrialName="usera1teamatrial1")
    # When UserA1 changes its description, then deletes it
    response = await jp_fetch(
        "studio-abac-ext",
        "experiments",
        "usera2teamaexperiment1",
        method="PATCH",
        body=json.dumps({"description": "taken over"}),
    )
    item = json.loads(response.body)
    deleted = await jp_fetch(
        "studio-abac-ext", "experiments", "usera2teamaexperiment1", method="DELETE"
    )
    # Then both succeed and the experiment is gone
    assert item["name"] == "usera2teamaexperiment1" and item["team"] == "TeamA"
    assert deleted.code == 204
    assert "usera2teamaexperiment1" not in await team_names(jp_fetch)


async def test_deleting_a_missing_experiment_is_denied_and_says_it_does_not_exist(jp_fetch):
    # Given no experiment called ghost (AWS authorizes before it looks, as the sandbox does)
    # When it is deleted
    body = await expect_http_error(
        jp_fetch("studio-abac-ext", "experiments", "ghost", method="DELETE"), 403, "AccessDenied"
    )
    # Then the next step says the experiment does not exist
    assert "does not exist" in body["nextStep"]


@pytest.mark.parametrize("persona", ["userb1@studio"])
async def test_team_b_cannot_update_team_a_experiment(jp_fetch):
    # Given UserB1 and Team A's experiment
    # When UserB1 changes its description
    body = await expect_http_error(
        jp_fetch(
            "studio-abac-ext",
            "experiments",
            "teama-seeded-experiment",
            method="PATCH",
            body=json.dumps({"description": "mine now"}),
        ),
        403,
        "AccessDenied",
    )
    # Then the denial is explained by the same statement
    assert body["explanation"]["closest"][0]["sid"] == "AmazonSageMakerUpdateDeleteExecutePolicy"
