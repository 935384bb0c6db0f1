"""GET resources: a team's resources through one Search call, with preflight permissions."""

from __future__ import annotations

import json

import pytest

from tests.http_errors import expect_http_error


async def list_names(jp_fetch, **params: str) -> list[dict]:
    response = await jp_fetch("studio-abac-ext", "resources", params=params)
    return json.loads(response.body)["items"]


@pytest.mark.parametrize(
    ("persona", "own", "other"),
    [
        ("usera1@studio", {"teama-seeded-experiment", "usera2teamaexperiment1"}, "TeamB"),
        ("userb1@studio", {"userb1teambexperiment1"}, "TeamA"),
    ],
)
async def test_each_team_sees_only_its_own_experiments(jp_fetch, own, other):
    # Given the document's experiments of Team A and Team B
    # When a member of one team lists the team's experiments
    items = await list_names(jp_fetch, type="experiment", scope="team")
    # Then only that team's experiments appear, each deletable by the caller
    assert {item["name"] for item in items} == own
    assert all(item["team"] != other for item in items)
    assert all(item["permissions"]["delete"]["decision"] == "allowed" for item in items)


async def test_mine_is_what_my_profile_created(jp_fetch):
    # Given UserA1 and UserA2 both have a Team A experiment
    # When UserA1 lists their own
    items = await list_names(jp_fetch, type="experiment", scope="mine")
    # Then only UserA1's appears
    assert [item["name"] for item in items] == ["teama-seeded-experiment"]
    assert items[0]["owner"] == "usera1"


async def test_all_marks_other_teams_read_only_with_the_reason(jp_fetch):
    # Given the read-only policy lets every team search everything
    # When UserA1 lists all experiments
    items = await list_names(jp_fetch, type="experiment", scope="all")
    # Then Team B's experiment is there, read-only, and the summary names both teams
    theirs = next(item for item in items if item["team"] == "TeamB")
    assert theirs["readOnly"] is True
    delete = theirs["permissions"]["delete"]
    assert delete["decision"] == "denied"
    assert "TeamA" in delete["summary"] and "TeamB" in delete["summary"]
    assert all(not item["readOnly"] for item in items if item["team"] == "TeamA")


async def test_newest_first_with_text_filter(jp_fetch, fresh_sandbox):
    # Given two more Team A experiments created one after the other
    sagemaker = fresh_sandbox.session_for("usera1@studio").client("sagemaker")
    for name in ("filterme-old", "filterme-new"):
        sagemaker.create_experiment(ExperimentName=name, Tags=[{"Key": "team", "Value": "TeamA"}])
    # When the team's experiments are filtered by text
    items = await list_names(jp_fetch, type="experiment", scope="team", q="filterme")
    # Then only the matches appear, newest first
    assert [item["name"] for item in items] == ["filterme-new", "filterme-old"]


async def test_pages_carry_a_next_token(jp_fetch, fresh_sandbox):
    # Given 105 Team A experiments beyond the document's two
    sagemaker = fresh_sandbox.session_for("usera1@studio").client("sagemaker")
    for number in range(105):
        sagemaker.create_experiment(
            ExperimentName=f"bulk-{number}", Tags=[{"Key": "team", "Value": "TeamA"}]
        )
    # When the first page is fetched and then the next one
    first = json.loads(
        (await jp_fetch("studio-abac-ext", "resources", params={"scope": "team"})).body
    )
    second = json.loads(
        (
            await jp_fetch(
                "studio-abac-ext", "resources", params={"scope": "team", "next": first["next"]}
            )
        ).body
    )
    # Then a page holds 100 and the second page has the rest, without repeats
    assert len(first["items"]) == 100 and first["next"]
    names = [i["name"] for i in first["items"]] + [i["name"] for i in second["items"]]
    assert len(names) == 107 == len(set(names))
    assert second["next"] is None


async def test_training_jobs_are_listed_by_team(jp_fetch):
    # Given one training job per team
    # When Team A lists its training jobs
    items = await list_names(jp_fetch, type="training-job", scope="team")
    # Then only Team A's appears
    assert [item["name"] for item in items] == ["usera1teamatraining1"]


async def test_unknown_type_is_a_validation_error(jp_fetch):
    # Given a resource type the API does not know
    # When it is asked for
    body = await expect_http_error(
        jp_fetch("studio-abac-ext", "resources", params={"type": "notebook"}),
        400,
        "ValidationError",
    )
    # Then the field and rule are named
    assert body["field"] == "type"
    assert "experiment" in body["rule"]


@pytest.mark.parametrize("persona", ["usera1"])
async def test_team_scope_without_a_team_is_a_conflict(jp_fetch):
    # Given IAM user credentials outside Studio: nobody knows the caller's team
    # When the team's resources are asked for
    # Then the answer says the team is unknown
    await expect_http_error(
        jp_fetch("studio-abac-ext", "resources", params={"scope": "team"}), 409, "TeamUnknown"
    )


async def test_a_page_is_one_aws_call_and_says_so_in_server_timing(jp_fetch, fresh_sandbox):
    # Given the caller's identity and policies are already known
    await jp_fetch("studio-abac-ext", "identity")
    before = len(fresh_sandbox.audit.events())
    # When the team's experiments are listed
    response = await jp_fetch("studio-abac-ext", "resources", params={"scope": "team"})
    # Then the sandbox saw one AWS call, and the Server-Timing header counts that one call
    # apart from the extension's own time
    assert len(fresh_sandbox.audit.events()) - before == 1
    timing = response.headers["Server-Timing"]
    assert "aws;dur=" in timing and 'desc="1 AWS call"' in timing
    assert "app;dur=" in timing and "total;dur=" in timing
