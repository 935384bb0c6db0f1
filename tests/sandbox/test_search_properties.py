"""Search agrees with a plain reading of its filters, for any tags and any AND'ed filter list."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio_abac_ext.sandbox import Sandbox

KEYS = ("team", "project", "stage")
VALUES = ("a", "b", "ab")
OPERATORS = ("Equals", "NotEquals", "Contains", "Exists", "NotExists")

tag_sets = st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=3)
filters = st.lists(
    st.tuples(st.sampled_from(KEYS), st.sampled_from(OPERATORS), st.sampled_from(VALUES)),
    min_size=1,
    max_size=3,
)


def expected_match(tags: dict[str, str], key: str, operator: str, value: str) -> bool:
    present = key in tags
    return {
        "Equals": present and tags.get(key) == value,
        "NotEquals": not present or tags.get(key) != value,
        "Contains": present and value in tags.get(key, ""),
        "Exists": present,
        "NotExists": not present,
    }[operator]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(experiments=st.lists(tag_sets, min_size=1, max_size=5), chosen=filters)
def test_search_matches_the_filters_reading(
    sandbox: Sandbox, experiments: list[dict[str, str]], chosen: list[tuple[str, str, str]]
) -> None:
    # Given experiments with arbitrary tags (besides the seeded ones)
    sandbox.reset()
    client: Any = sandbox.session_for("admin").client("sagemaker")
    creator: Any = sandbox.session_for("usera1@studio").client("sagemaker")
    for index, tags in enumerate(experiments):
        tag_list = [{"Key": "team", "Value": "TeamA"}] if "team" not in tags else []
        tag_list += [{"Key": k, "Value": v} for k, v in tags.items()]
        if tags.get("team", "TeamA") != "TeamA":
            continue  # Team A may only create team=TeamA resources
        creator.create_experiment(ExperimentName=f"prop-{index}", Tags=tag_list)
    # When Search gets the filters AND'ed
    expression = {
        "Filters": [
            {"Name": f"Tags.{key}", "Operator": operator}
            | ({} if operator in ("Exists", "NotExists") else {"Value": value})
            for key, operator, value in chosen
        ]
    }
    found: set[str] = set()
    token: dict[str, str] = {}
    while True:
        page = client.search(
            Resource="Experiment", SearchExpression=expression, MaxResults=100, **token
        )
        found |= {r["Experiment"]["ExperimentName"] for r in page["Results"]}
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    # Then exactly the experiments whose tags satisfy every filter come back
    everything = client.search(Resource="Experiment", MaxResults=100)["Results"]
    expected = {
        r["Experiment"]["ExperimentName"]
        for r in everything
        if all(
            expected_match({t["Key"]: t["Value"] for t in r["Experiment"]["Tags"]}, k, o, v)
            for k, o, v in chosen
        )
    }
    assert found == expected
