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
