"""Search pages, sorts and filters as one: the sandbox builds only the records a page needs, so
pages must still cover every match once, in order, whatever the filters' shape."""

from __future__ import annotations

from typing import Any

import pytest

from studio_abac_ext.sandbox import Sandbox

SEEDED_TEAM_A = ["teama-seeded-experiment", "usera2teamaexperiment1"]


@pytest.fixture
def admin(fresh_sandbox: Sandbox) -> Any:
    return fresh_sandbox.session_for("admin").client("sagemaker")


def create(sandbox: Sandbox, persona: str, team: str, names: list[str], **tags: str) -> None:
    client = sandbox.session_for(persona).client("sagemaker")
    extra = [{"Key": key, "Value": value} for key, value in tags.items()]
    for name in names:
        client.create_experiment(ExperimentName=name, Tags=[{"Key": "team", "Value": team}, *extra])


def names(result: dict[str, Any]) -> list[str]:
    return [r["Experiment"]["ExperimentName"] for r in result["Results"]]


def all_pages(client: Any, **params: Any) -> tuple[list[str], int]:
    found: list[str] = []
    pages = 0
    token: dict[str, str] = {}
    while True:
        result = client.search(Resource="Experiment", **params, **token)
        found += names(result)
        pages += 1
        if "NextToken" not in result:
            return found, pages
        token = {"NextToken": result["NextToken"]}


def test_pages_of_a_tag_filtered_search_hold_every_match_once_in_order(
    fresh_sandbox: Sandbox, admin: Any
) -> None:
    # Given 7 more Team A experiments among 5 more of Team B
    team_a = [f"a-{n}" for n in range(7)]
    create(fresh_sandbox, "usera1@studio", "TeamA", team_a)
    create(fresh_sandbox, "userb1@studio", "TeamB", [f"b-{n}" for n in range(5)])
    # When Team A's are paged 3 at a time, by name
    found, pages = all_pages(
        admin,
        SearchExpression={
            "Filters": [{"Name": "Tags.team", "Operator": "Equals", "Value": "TeamA"}]
        },
        SortBy="ExperimentName",
        SortOrder="Ascending",
        MaxResults=3,
    )
    # Then the 9 come once each, in name order, on 3 pages and no empty fourth
    assert found == sorted(team_a + SEEDED_TEAM_A)
    assert pages == 3


def test_default_page_is_ten_with_a_token_for_the_rest(fresh_sandbox: Sandbox, admin: Any) -> None:
    # Given 12 Team A experiments besides the seeded ones
    create(fresh_sandbox, "usera1@studio", "TeamA", [f"a-{n:02}" for n in range(12)])
    # When searched without MaxResults, newest first
    result = admin.search(
        Resource="Experiment",
        SearchExpression={
            "Filters": [{"Name": "Tags.team", "Operator": "Equals", "Value": "TeamA"}]
        },
    )
    # Then 10 come back, the newest first, with a token for the rest
    assert len(result["Results"]) == 10
    assert names(result)[0] == "a-11"
    assert "NextToken" in result


def test_tag_filters_joined_by_or_are_not_narrowed_to_the_first(admin: Any) -> None:
    # Given the seeded experiments of Team A and Team B
    # When two team filters are joined with Or
    result = admin.search(
        Resource="Experiment",
        SearchExpression={
            "Operator": "Or",
            "Filters": [
                {"Name": "Tags.team", "Operator": "Equals", "Value": "TeamA"},
                {"Name": "Tags.team", "Operator": "Equals", "Value": "TeamB"},
            ],
        },
    )
    # Then both teams' experiments come back
    assert sorted(names(result)) == [*SEEDED_TEAM_A, "userb1teambexperiment1"]


def test_two_values_for_one_tag_match_nothing(admin: Any) -> None:
    # Given the seeded experiments
    # When one tag must equal two different values at once
    result = admin.search(
        Resource="Experiment",
        SearchExpression={
            "Filters": [
                {"Name": "Tags.team", "Operator": "Equals", "Value": "TeamA"},
                {"Name": "Tags.team", "Operator": "Equals", "Value": "TeamB"},
            ]
        },
    )
    # Then nothing matches
    assert result["Results"] == []


def test_sort_by_a_tag_puts_untagged_records_last(fresh_sandbox: Sandbox, admin: Any) -> None:
    # Given three experiments with a stage tag, created out of order
    for name, stage in (("s-2", "2"), ("s-1", "1"), ("s-3", "3")):
        create(fresh_sandbox, "usera1@studio", "TeamA", [name], stage=stage)
    # When all experiments are sorted by that tag
    found, _ = all_pages(admin, SortBy="Tags.stage", SortOrder="Ascending", MaxResults=2)
    # Then the tagged ones come in tag order, the seeded (untagged) ones after them
    assert found[:3] == ["s-1", "s-2", "s-3"]
    assert sorted(found[3:]) == [*SEEDED_TEAM_A, "userb1teambexperiment1"]


def test_trials_sort_and_page_with_their_components(admin: Any) -> None:
    # Given the seeded trials, each with its trial components
    # When paged one at a time by name
    first = admin.search(
        Resource="ExperimentTrial", SortBy="TrialName", SortOrder="Ascending", MaxResults=1
    )
    # Then the first page holds one trial, built with its component summaries, and a token
    trial = first["Results"][0]["Trial"]
    assert len(first["Results"]) == 1 and "NextToken" in first
    assert trial["TrialComponentSummaries"]
