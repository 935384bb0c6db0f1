"""Explanations: what decided, closest candidates and their ranking, the human summary."""

from __future__ import annotations

import json

from studio_abac_ext.policy import PolicySet, Request, evaluate, parse_policy, render_summary

from .helpers import ACTION, RESOURCE, policy_doc, statement

TEAM_CONTEXT = {"aws:PrincipalTag/team": "TeamB", "aws:ResourceTag/team": "TeamA"}


def test_closest_candidates_are_ranked_by_fewest_failed_conditions() -> None:
    # Given two Allow statements that both fail: one on two conditions, one on one
    far = statement(
        Sid="Far",
        condition={"StringEquals": {"aws:PrincipalTag/team": "TeamA", "aws:ResourceTag/team": "X"}},
    )
    near = statement(
        Sid="Near",
        condition={
            "StringEquals": {"aws:PrincipalTag/team": "TeamA"},
            "StringLike": {"aws:ResourceTag/team": "Team*"},
        },
    )
    unrelated = statement(Sid="OtherAction", action="s3:GetObject")
    policy = parse_policy(policy_doc(far, near, unrelated), name="p")
    # When the request is implicitly denied
    decision = evaluate(Request(ACTION, RESOURCE, None, TEAM_CONTEXT), PolicySet(identity=[policy]))
    # Then the candidate with fewer failed conditions comes first; unrelated actions are out
    assert decision.explanation is not None
    assert [t.sid for t in decision.explanation.closest] == ["Near", "Far"]
    assert decision.explanation.closest[0].conditions[1].result is True


def test_allowed_summary_gives_the_conditions_that_held() -> None:
    # Given an Allow whose condition holds
    allow = statement(
        Sid="SameTeam", condition={"StringEquals": {"aws:PrincipalTag/team": "TeamB"}}
    )
    policy = parse_policy(policy_doc(allow), name="team")
    # When evaluated
    decision = evaluate(Request(ACTION, RESOURCE, None, TEAM_CONTEXT), PolicySet(identity=[policy]))
    # Then the summary names the statement, its lines and why it applied
    assert render_summary(decision) == (
        "Allowed: SameTeam (policy team, lines 3-13) allows sagemaker:DeleteExperiment on "
        "experiment/x because aws:PrincipalTag/team (TeamB) equals TeamB."
    )


def test_scp_denial_names_the_level_and_its_closest_statement() -> None:
    # Given an identity allow and an SCP level that allows only another team
    scp = parse_policy(
        policy_doc(
            statement(
                Sid="OnlyTeamA", condition={"StringEquals": {"aws:PrincipalTag/team": "TeamA"}}
            )
        ),
        name="org-root",
        policy_type="scp",
    )
    identity = parse_policy(policy_doc(statement()), name="dev")
    # When evaluated
    decision = evaluate(
        Request(ACTION, RESOURCE, None, TEAM_CONTEXT), PolicySet(identity=[identity], scps=[[scp]])
    )
    # Then the summary says which SCP level refused and what it needs
    summary = render_summary(decision)
    assert decision.denied_at == "scp level 1"
    assert summary.startswith("Denied: the service control policies (scp level 1) do not allow")
    assert "Closest: OnlyTeamA (policy org-root" in summary


def test_unevaluable_allow_is_named_in_the_summary() -> None:
    # Given the only Allow uses an unknown operator
    policy = parse_policy(
        policy_doc(statement(Sid="Typo", condition={"StringEqual": {"k": "v"}})), name="p"
    )
    # When evaluated
    decision = evaluate(Request(ACTION, RESOURCE, None, {"k": "v"}), PolicySet(identity=[policy]))
    # Then the summary says it could not be evaluated, and why
    assert (
        "Closest: Typo (policy p, lines 3-13) could not be evaluated "
        "(cannot evaluate: unknown operator 'StringEqual'), so it allows nothing."
        in (render_summary(decision))
    )
    assert decision.to_dict()["unevaluable"] == [
        {"policy": "p", "sid": "Typo", "reason": "cannot evaluate: unknown operator 'StringEqual'"}
    ]


def test_statement_lines_point_into_the_policy_text_served_with_the_decision() -> None:
    # Given a decision serialised for the REST API
    policy = parse_policy(policy_doc(statement(Sid="S")), name="p")
    body = json.loads(
        json.dumps(evaluate(Request(ACTION, RESOURCE), PolicySet(identity=[policy])).to_dict())
    )
    # When the statement's lines are looked up in the served policy text
    start, end = body["deciding"][0]["lines"]
    lines = body["policies"][0]["text"].splitlines()[start - 1 : end]
    # Then they are exactly that statement
    assert json.loads("\n".join(lines))["Sid"] == "S"


def test_summary_without_explanation_is_short() -> None:
    # Given a decision made without explanation
    policy = parse_policy(policy_doc(statement()), name="p")
    decision = evaluate(
        Request("s3:GetObject", RESOURCE), PolicySet(identity=[policy]), explain=False
    )
    # Then the summary still says what was decided
    assert render_summary(decision) == "Denied: no statement allows s3:GetObject on experiment/x."


def _deny_all_but_allowed(deny_condition: dict[str, object], sid: str = "Guard") -> PolicySet:
    deny = statement("Deny", Sid=sid, condition=deny_condition)
    return PolicySet(identity=[parse_policy(policy_doc(deny, statement("Allow")), name="guard")])


def test_deny_that_holds_because_a_negated_key_is_missing_is_flagged() -> None:
    # Given a Deny on every team but TeamA, and a request without the resource tag
    policies = _deny_all_but_allowed({"StringNotEquals": {"aws:ResourceTag/team": "TeamA"}})
    context = {"aws:PrincipalTag/team": "TeamA"}
    # When evaluated
    decision = evaluate(Request(ACTION, RESOURCE, None, context), policies)
    # Then the Deny is listed as holding only because the key is missing, and the summary says so
    body = decision.to_dict()
    assert decision.decision == "explicitDeny"
    [flagged] = body["denyBecauseMissing"]
    assert (flagged["sid"], flagged["missingKeys"]) == ("Guard", ["aws:ResourceTag/team"])
    assert [c["operator"] for c in flagged["conditions"]] == ["StringNotEquals"]
    assert body["summary"].endswith(
        "It denies only because the request lacks aws:ResourceTag/team."
    )


def test_if_exists_and_null_denies_on_absent_keys_are_flagged() -> None:
    # Given a Deny whose IfExists and Null conditions both hold when their keys are absent
    policies = _deny_all_but_allowed(
        {
            "StringNotEqualsIfExists": {"aws:RequestTag/team": "TeamA"},
            "Null": {"aws:PrincipalTag/team": "true"},
        }
    )
    # When evaluated with neither key
    decision = evaluate(Request(ACTION, RESOURCE, None, {}), policies)
    # Then both keys are named
    assert decision.explanation is not None
    [flagged] = decision.explanation.deny_because_missing
    assert flagged.missing_keys == ("aws:RequestTag/team", "aws:PrincipalTag/team")


def test_deny_that_holds_on_present_values_is_not_flagged() -> None:
    # Given the same Deny and a request tagged with another team
    policies = _deny_all_but_allowed({"StringNotEquals": {"aws:ResourceTag/team": "TeamA"}})
    context = {"aws:ResourceTag/team": "TeamB"}
    # When evaluated
    decision = evaluate(Request(ACTION, RESOURCE, None, context), policies)
    # Then it denies for the value it saw, and nothing is flagged
    body = decision.to_dict()
    assert decision.decision == "explicitDeny"
    assert body["denyBecauseMissing"] == []
    assert "lacks" not in body["summary"]


def test_deny_failing_closed_on_an_unresolved_variable_is_flagged() -> None:
    # Given a Deny comparing the resource's team with the principal's, which is not sent
    policies = _deny_all_but_allowed(
        {"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}
    )
    context = {"aws:ResourceTag/team": "TeamA"}
    # When evaluated
    decision = evaluate(Request(ACTION, RESOURCE, None, context), policies)
    # Then the unresolvable variable's key is what the Deny lacked
    body = decision.to_dict()
    assert decision.decision == "explicitDeny"
    assert body["denyBecauseMissing"][0]["missingKeys"] == ["aws:PrincipalTag/team"]


def test_second_deny_holding_on_a_missing_key_is_named_in_the_summary() -> None:
    # Given an unconditional Deny first and a Deny on a missing key second
    first = statement("Deny", Sid="NoDeletes")
    second = statement(
        "Deny", Sid="TagRequired", condition={"ForAllValues:StringEquals": {"aws:TagKeys": "x"}}
    )
    policies = PolicySet(identity=[parse_policy(policy_doc(first, second), name="guard")])
    # When evaluated without tag keys
    decision = evaluate(Request(ACTION, RESOURCE), policies)
    # Then only the second is flagged, by name
    summary = render_summary(decision)
    assert summary.startswith("Denied explicitly: NoDeletes")
    assert summary.endswith(
        "TagRequired (policy guard) also denies only because the request lacks aws:TagKeys."
    )
    assert decision.explanation is not None
    assert [d.sid for d in decision.explanation.deny_because_missing] == ["TagRequired"]
