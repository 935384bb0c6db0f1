"""Search honours every filter, operator, nesting, sort and page (moto stops at the first tag)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from studio_abac_ext.sandbox import Sandbox


@pytest.fixture
def admin(fresh_sandbox: Sandbox) -> Any:
    return fresh_sandbox.session_for("admin").client("sagemaker")


def names(result: dict[str, Any], kind: str = "Experiment") -> list[str]:
    return [r[kind][f"{kind}Name"] for r in result["Results"]]


def search(client: Any, filters: list[dict[str, str]], **kwargs: Any) -> list[str]:
    expression = {"Filters": filters}
    return sorted(
        names(client.search(Resource="Experiment", SearchExpression=expression, **kwargs))
    )


def test_filters_are_anded_not_cut_short(admin: Any) -> None:
    # Given experiments of both teams
    # When two filters are given, the first on a tag
    found = search(
        admin,
        [
            {"Name": "Tags.team", "Operator": "Equals", "Value": "TeamA"},
            {"Name": "ExperimentName", "Operator": "Contains", "Value": "usera2"},
        ],
    )
    # Then both apply
    assert found == ["usera2teamaexperiment1"]


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("Equals", "TeamB", ["userb1teambexperiment1"]),
        ("NotEquals", "TeamB", ["teama-seeded-experiment", "usera2teamaexperiment1"]),
        (
            "Contains",
            "Team",
            ["teama-seeded-experiment", "usera2teamaexperiment1", "userb1teambexperiment1"],
        ),
        ("In", "TeamB,TeamC", ["userb1teambexperiment1"]),
    ],
)
def test_tag_operators(admin: Any, operator: str, value: str, expected: list[str]) -> None:
    # Given the seeded experiments, When filtered by the team tag with an operator
    # Then exactly the matching ones come back
    assert search(admin, [{"Name": "Tags.team", "Operator": operator, "Value": value}]) == expected


def test_exists_and_not_exists(fresh_sandbox: Sandbox, admin: Any) -> None:
    # Given an experiment without a project tag next to one with it
    team_a = fresh_sandbox.session_for("usera1@studio").client("sagemaker")
    team_a.create_experiment(
        ExperimentName="with-project",
        Tags=[{"Key": "team", "Value": "TeamA"}, {"Key": "project", "Value": "p1"}],
    )
    # When filtered on the tag's presence
    present = search(admin, [{"Name": "Tags.project", "Operator": "Exists"}])
    absent = search(admin, [{"Name": "Tags.project", "Operator": "NotExists"}])
    # Then each side holds exactly its experiments
    assert present == ["with-project"]
    assert "with-project" not in absent and len(absent) == 3


def test_created_by_nested_property(admin: Any) -> None:
    # Given experiments made in Studio by different users
    # When filtered on CreatedBy.UserProfileName
    found = search(
        admin, [{"Name": "CreatedBy.UserProfileName", "Operator": "Equals", "Value": "userb1"}]
    )
    # Then only that user's remain
    assert found == ["userb1teambexperiment1"]


def test_trial_components_filter_by_parent_trial_and_nested_filters(admin: Any) -> None:
    # Given seeded trial components, each in one trial
    expression = {
        "NestedFilters": [
            {
                "NestedPropertyName": "Parents",
                "Filters": [
                    {
                        "Name": "Parents.TrialName",
                        "Operator": "Equals",
                        "Value": "userb1teambtrial1",
                    }
                ],
            }
        ]
    }
    # When searched with a nested filter on the parents
    result = admin.search(Resource="ExperimentTrialComponent", SearchExpression=expression)
    # Then only Team B's component is found, with its parents
    assert names(result, "TrialComponent") == ["userb1teambpreprocessing"]
    assert (
        result["Results"][0]["TrialComponent"]["Parents"][0]["ExperimentName"]
        == "userb1teambexperiment1"
    )


def test_sub_expressions_with_or(admin: Any) -> None:
    # Given two sub-expressions combined with Or
    expression = {
        "Operator": "Or",
        "SubExpressions": [
            {
                "Filters": [
                    {
                        "Name": "ExperimentName",
                        "Operator": "Equals",
                        "Value": "teama-seeded-experiment",
                    }
                ]
            },
            {
                "Filters": [
                    {
                        "Name": "ExperimentName",
                        "Operator": "Equals",
                        "Value": "userb1teambexperiment1",
                    }
                ]
            },
        ],
    }
    # When searched, Then either match counts
    result = admin.search(Resource="Experiment", SearchExpression=expression)
    assert sorted(names(result)) == ["teama-seeded-experiment", "userb1teambexperiment1"]


def test_sort_and_pages(admin: Any) -> None:
    # Given three experiments
    pages: list[str] = []
    token: dict[str, str] = {}
    # When paged one at a time, sorted by name ascending
    while True:
        result = admin.search(
            Resource="Experiment",
            SortBy="ExperimentName",
            SortOrder="Ascending",
            MaxResults=1,
            **token,
        )
        pages += names(result)
        if "NextToken" not in result:
            break
        token = {"NextToken": result["NextToken"]}
    # Then every experiment comes once, in order
    assert pages == ["teama-seeded-experiment", "usera2teamaexperiment1", "userb1teambexperiment1"]


def test_training_jobs_are_searchable_by_tag(admin: Any) -> None:
    # Given seeded training jobs tagged by team
    result = admin.search(
        Resource="TrainingJob",
        SearchExpression={
            "Filters": [{"Name": "Tags.team", "Operator": "Equals", "Value": "TeamB"}]
        },
    )
    # Then Team B's job is found with its tags
    assert [r["TrainingJob"]["TrainingJobName"] for r in result["Results"]] == [
        "userb1teambtraining1"
    ]


def test_bad_search_input_is_a_validation_error(admin: Any) -> None:
    # Given an invalid page token
    # When searching with it, Then SageMaker's ValidationException comes back
    with pytest.raises(ClientError) as caught:
        admin.search(Resource="Experiment", NextToken="garbage")
    assert caught.value.response["Error"]["Code"] == "ValidationException"
