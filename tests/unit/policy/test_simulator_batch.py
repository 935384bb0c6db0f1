"""The batch simulator: AWS's fan-out, remembered policies, and responses written as text
that say exactly what ``simulate_custom_policy`` and ``Decision.to_dict()`` say."""

from __future__ import annotations

import json
from typing import Any

import pytest

from studio_abac_ext.simulator.batch import BatchSimulator
from studio_abac_ext.simulator.custom_policy import SimulationInputError, simulate_custom_policy

from .conftest import DATA, REGION_PREFIX, team_role_arn
from .helpers import policy_doc, statement

TEAM3 = (DATA / "team-3-studio-developer.json").read_text(encoding="utf-8")
TEAM1 = (DATA / "team-1-sagemaker-read-only.json").read_text(encoding="utf-8")
GUARD = json.dumps(
    policy_doc(
        statement(
            "Deny",
            Sid="OnlyTaggedTeams",
            action="sagemaker:Delete*",
            condition={"StringNotEqualsIfExists": {"aws:ResourceTag/team": "TeamA"}},
        )
    ),
    indent=2,
)
SCP = json.dumps(policy_doc(statement(action="sagemaker:*")), indent=2)
EXPERIMENTS = [f"{REGION_PREFIX}:experiment/e{i}" for i in range(3)]
ACTIONS = ["sagemaker:DeleteExperiment", "sagemaker:DescribeExperiment", "sagemaker:CreateApp"]


def _entry(key: str, value: str) -> dict[str, Any]:
    return {"ContextKeyName": key, "ContextKeyValues": [value], "ContextKeyType": "string"}


def _input(principal_team: str, resource_team: str | None, **extra: Any) -> dict[str, Any]:
    entries = [_entry("aws:PrincipalTag/team", principal_team)]
    if resource_team:
        entries.append(_entry("sagemaker:ResourceTag/team", resource_team))
    return {
        "PolicyInputList": [TEAM1, TEAM3],
        "ActionNames": ACTIONS,
        "ResourceArns": EXPERIMENTS,
        "CallerArn": team_role_arn(principal_team),
        "ContextEntries": entries,
        **extra,
    }


INPUTS = [
    _input("TeamA", "TeamA"),
    _input("TeamB", "TeamA"),
    _input("TeamB", None, PermissionsBoundaryPolicyInputList=[GUARD]),
    _input("TeamA", "TeamA", ServiceControlPolicyInputList=[[SCP]], ResourcePolicy=None),
    _input("TeamB", "TeamB", PolicyInputList=[TEAM3, GUARD]),
]


def _expected(payload: dict[str, Any], *, explain: bool) -> dict[str, Any]:
    """simulate_custom_policy's response, reshaped as the batch writes it: policy texts once."""
    output, _ = simulate_custom_policy(payload, explain=explain)
    output["IsTruncated"] = False
    if explain:
        output["Policies"] = output["EvaluationResults"][0]["Explanation"]["policies"]
        for result in output["EvaluationResults"]:
            named = [{"name": p["name"], "type": p["type"]} for p in output["Policies"]]
            result["Explanation"]["policies"] = named
    return output


@pytest.mark.parametrize("explain", [True, False], ids=["explained", "decision-only"])
def test_batch_responses_say_what_simulate_custom_policy_says(explain: bool) -> None:
    # Given one simulator for a stream of inputs that repeat and vary their policies
    simulator = BatchSimulator(explain=explain)
    for payload in [*INPUTS, *INPUTS]:
        # When each input line is simulated
        response = json.loads(simulator.simulate_line(json.dumps(payload)))
        # Then the response equals simulate_custom_policy's, policy texts given once
        expected = _expected(payload, explain=explain)
        assert response == expected
        if explain:
            first = response["EvaluationResults"][0]["Explanation"]
            assert list(first) == list(expected["EvaluationResults"][0]["Explanation"])


def test_one_input_fans_out_to_every_action_on_every_resource_in_aws_order() -> None:
    # Given an input with three actions and three resources
    simulator = BatchSimulator(explain=False)
    # When simulated
    response = json.loads(simulator.simulate_line(json.dumps(INPUTS[1])))
    # Then there are nine results, action by action, resources in the order given
    pairs = [(r["EvalActionName"], r["EvalResourceName"]) for r in response["EvaluationResults"]]
    assert pairs == [(action, resource) for action in ACTIONS for resource in EXPERIMENTS]
    assert "Policies" not in response


def test_deny_on_a_missing_tag_is_flagged_in_the_batch_explanation() -> None:
    # Given the guard as a boundary and no resource tag
    simulator = BatchSimulator(explain=True)
    # When simulated
    response = json.loads(simulator.simulate_line(json.dumps(INPUTS[2])))
    # Then the delete is denied by the guard, flagged as holding only for the missing tag
    delete = response["EvaluationResults"][0]
    assert delete["EvalDecision"] == "explicitDeny"
    [flagged] = delete["Explanation"]["denyBecauseMissing"]
    assert flagged["sid"] == "OnlyTaggedTeams"
    assert flagged["missingKeys"] == ["aws:ResourceTag/team"]


def test_a_bad_policy_is_reported_on_every_line_that_repeats_it() -> None:
    # Given two lines with the same policy that cannot be parsed
    broken = "{" + " " * 300 + '"Statement": {"Effect": "Alow"}}'
    line = json.dumps({"PolicyInputList": [broken], "ActionNames": ["s3:GetObject"]})
    simulator = BatchSimulator(explain=False)
    # When each is simulated
    errors = []
    for _ in range(2):
        with pytest.raises(SimulationInputError) as raised:
            simulator.simulate_line(line)
        errors.append(str(raised.value))
    # Then both name the field and the rule, the same way
    assert errors == ['PolicyInputList[0]: $.Statement.Effect: must be "Allow" or "Deny"'] * 2


def test_remembered_policies_follow_the_text_not_the_position() -> None:
    # Given a line with team-3's policy, then one with only the read-only policy
    simulator = BatchSimulator(explain=False)
    allowed = _input("TeamA", "TeamA", PolicyInputList=[TEAM3])
    read_only = _input("TeamA", "TeamA", PolicyInputList=[TEAM1])
    # When both are simulated, twice over
    decisions = [
        json.loads(simulator.simulate_line(json.dumps(payload)))["EvaluationResults"][0]
        for payload in (allowed, read_only, allowed, read_only)
    ]
    # Then each line is decided by its own policies
    assert [d["EvalDecision"] for d in decisions] == [
        "allowed",
        "implicitDeny",
        "allowed",
        "implicitDeny",
    ]
