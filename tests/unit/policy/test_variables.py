"""Policy variables, from AWS's "IAM policy elements: Variables and tags"."""

from __future__ import annotations

from typing import Any

import pytest

from studio_abac_ext.policy import PolicySet, Request, evaluate, parse_policy, render_summary

from .helpers import condition_holds, policy_doc, statement

BUCKET = "arn:aws:s3:::home"


def _resource_allowed(
    resource_pattern: str,
    resource: str,
    context: dict[str, Any],
    version: str | None = "2012-10-17",
) -> bool:
    policy = parse_policy(
        policy_doc(statement(action="s3:GetObject", resource=resource_pattern), version=version),
        name="p",
    )
    return evaluate(
        Request("s3:GetObject", resource, None, context), PolicySet(identity=[policy])
    ).allowed


@pytest.mark.parametrize(
    ("pattern", "resource", "context", "expected"),
    [
        (
            f"{BUCKET}/${{aws:username}}/*",
            f"{BUCKET}/alice/notes.txt",
            {"aws:username": "alice"},
            True,
        ),
        (
            f"{BUCKET}/${{aws:username}}/*",
            f"{BUCKET}/bob/notes.txt",
            {"aws:username": "alice"},
            False,
        ),
        (f"{BUCKET}/${{aws:username}}/*", f"{BUCKET}/alice/notes.txt", {}, False),
        (f"{BUCKET}/${{AWS:UserName}}/*", f"{BUCKET}/alice/x", {"aws:username": "alice"}, True),
        (
            f"{BUCKET}/${{aws:PrincipalTag/team}}/*",
            f"{BUCKET}/TeamA/x",
            {"aws:PrincipalTag/team": "TeamA"},
            True,
        ),
        (f"{BUCKET}/${{aws:username, 'shared'}}/*", f"{BUCKET}/shared/x", {}, True),
        (
            f"{BUCKET}/${{aws:username, 'shared'}}/*",
            f"{BUCKET}/shared/x",
            {"aws:username": "bob"},
            False,
        ),
        (f"{BUCKET}/${{*}}", f"{BUCKET}/*", {}, True),
        (f"{BUCKET}/${{*}}", f"{BUCKET}/anything", {}, False),
        (f"{BUCKET}/a${{?}}", f"{BUCKET}/a?", {}, True),
        (f"{BUCKET}/a${{?}}", f"{BUCKET}/ab", {}, False),
        (f"{BUCKET}/${{$}}x", f"{BUCKET}/$x", {}, True),
        (f"{BUCKET}/${{aws:username}}", f"{BUCKET}/*", {"aws:username": "*"}, True),
        (f"{BUCKET}/${{aws:username}}", f"{BUCKET}/other", {"aws:username": "*"}, False),
        (f"{BUCKET}/${{aws:TagKeys}}", f"{BUCKET}/team", {"aws:TagKeys": ["team"]}, False),
    ],
    ids=[
        "username-resolves",
        "other-users-prefix",
        "unresolvable-never-matches",
        "variable-names-case-insensitive",
        "principal-tag",
        "default-when-missing",
        "default-ignored-when-present",
        "escape-star-is-literal",
        "escape-star-is-not-a-wildcard",
        "escape-question",
        "escape-question-is-not-a-wildcard",
        "escape-dollar",
        "substituted-value-is-literal-not-a-wildcard",
        "substituted-star-does-not-widen",
        "multivalued-key-cannot-be-a-variable",
    ],
)
def test_variables_in_resource(
    pattern: str, resource: str, context: dict[str, Any], expected: bool
) -> None:
    # Given an Allow whose Resource holds a policy variable
    # When a request for the resource is evaluated
    # Then the variable is resolved from the context (literally) or never matches
    assert _resource_allowed(pattern, resource, context) is expected


@pytest.mark.parametrize("version", ["2008-10-17", None], ids=["2008-10-17", "no-version"])
def test_old_or_missing_version_keeps_variables_as_literal_text(version: str | None) -> None:
    # Given a policy without Version 2012-10-17
    pattern = f"{BUCKET}/${{aws:username}}"
    # When the resource is the literal text, or the resolved one
    literal = _resource_allowed(pattern, pattern, {"aws:username": "alice"}, version)
    resolved = _resource_allowed(pattern, f"{BUCKET}/alice", {"aws:username": "alice"}, version)
    # Then only the literal text matches
    assert (literal, resolved) == (True, False)


@pytest.mark.parametrize(
    ("condition", "context", "expected"),
    [
        (
            {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
            {"aws:ResourceTag/team": "A", "aws:PrincipalTag/team": "A"},
            True,
        ),
        (
            {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
            {"aws:ResourceTag/team": "A", "aws:PrincipalTag/team": "B"},
            False,
        ),
        (
            {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
            {"aws:ResourceTag/team": "A"},
            False,
        ),
        ({"StringEquals": {"k": ["${missing}", "x"]}}, {"k": "x"}, True),
        (
            {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
            {"s3:prefix": "home/al/x", "aws:username": "al"},
            True,
        ),
        (
            {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
            {"s3:prefix": "home/al/x", "aws:username": "a*"},
            False,
        ),
        ({"StringEquals": {"k": "${aws:username, 'nobody'}"}}, {"k": "nobody"}, True),
        (
            {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::${aws:username}-*"}},
            {"aws:SourceArn": "arn:aws:s3:::al-1", "aws:username": "al"},
            True,
        ),
        (
            {"StringEquals": {"k": "${sagemaker:ResourceTag/team}"}},
            {"k": "A", "sagemaker:ResourceTag/team": "A"},
            True,
        ),
        ({"NumericEquals": {"n": "${x}"}}, {"n": "1", "x": "1"}, False),
    ],
    ids=[
        "tag-equals-tag",
        "tag-differs",
        "unresolvable-never-matches",
        "other-value-still-ors",
        "like-with-variable",
        "like-substituted-value-is-literal",
        "default-in-condition",
        "arn-like-with-variable",
        "service-resource-tag-variable",
        "numeric-operators-take-no-variables",
    ],
)
def test_variables_in_condition_values(
    condition: dict[str, Any], context: dict[str, Any], expected: bool
) -> None:
    # Given a condition whose value holds a policy variable
    # When evaluated
    # Then it compares with the resolved value
    assert condition_holds(condition, context) is expected


def test_inverted_operators_do_match_against_a_null_value_so_an_allow_grants() -> None:
    """AWS (reference_policies_variables.html): "There is no equal or like value." and
    "Inverted condition operators like StringNotEquals or StringNotLike do match against a
    null value"."""
    # Given an Allow with StringNotEquals against a variable whose key is absent
    condition = {"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}
    # When the principal has no team tag
    # Then the resource's team is "not equal" to the null value: the statement applies
    assert condition_holds(condition, {"aws:ResourceTag/team": "A"}) is True


def test_other_values_still_count_beside_a_null_variable_under_a_negated_operator() -> None:
    """AWS: "There is no equal or like value" for the unresolvable value alone."""
    # Given StringNotEquals against a null variable and a literal value
    condition = {"StringNotEquals": {"aws:ResourceTag/team": ["${aws:PrincipalTag/team}", "A"]}}
    # When the resource's team is the literal value
    # Then it equals one value: the negated condition fails
    assert condition_holds(condition, {"aws:ResourceTag/team": "A"}) is False
    assert condition_holds(condition, {"aws:ResourceTag/team": "B"}) is True


def test_deny_with_a_null_variable_under_a_negated_operator_denies_and_says_why() -> None:
    """AWS: "Inverted condition operators like StringNotEquals or StringNotLike do match
    against a null value"."""
    # Given a Deny "resource team differs from principal team" and an Allow for everything
    deny = statement(
        "Deny", condition={"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}
    )
    policy = parse_policy(policy_doc(deny, statement()), name="guard")
    # When an untagged principal acts on a tagged resource
    decision = evaluate(
        Request("sagemaker:DeleteExperiment", "*", None, {"aws:ResourceTag/team": "A"}),
        PolicySet(identity=[policy]),
    )
    # Then the Deny applies, and the explanation names the missing key and its effect
    assert decision.decision == "explicitDeny"
    assert decision.explanation is not None
    assert decision.explanation.unevaluable == ()
    condition = decision.explanation.deciding[0].conditions[0]
    assert condition.unresolved_keys == ("aws:PrincipalTag/team",)
    assert "cannot resolve ${aws:PrincipalTag/team}: that value matches nothing" in condition.reason
    assert decision.explanation.deny_because_missing[0].missing_keys == ("aws:PrincipalTag/team",)


def test_issue_11s_own_apps_only_policy_lets_a_role_session_delete_any_experiment() -> None:
    """AWS: "If a variable that has no value in the authorization context is used as part of
    the Resource or NotResource element of a policy, the resource that includes a policy
    variable with no value will not match any resource." """
    # Given the team policy of issue 11: everything but the caller's own apps, by user name
    own_apps = {
        "Sid": "OwnAppsOnly",
        "Effect": "Allow",
        "Action": "sagemaker:*",
        "NotResource": "arn:aws:sagemaker:*:*:app/*/${aws:username}/*",
    }
    policy = parse_policy(policy_doc(own_apps), name="team")
    # When a role session (which has no aws:username) deletes another team's experiment
    decision = evaluate(
        Request(
            "sagemaker:DeleteExperiment",
            "arn:aws:sagemaker:us-east-1:123456789012:experiment/team-a-exp",
            "arn:aws:sts::123456789012:assumed-role/TeamB/SageMaker",
        ),
        PolicySet(identity=[policy]),
    )
    # Then AWS allows it: the NotResource excludes nothing; the explanation says why
    assert decision.decision == "allowed"
    assert decision.missing_context_keys == ("aws:username",)
    assert decision.explanation is not None
    assert decision.explanation.deciding[0].unresolved_keys == ("aws:username",)
    assert "so a NotResource excludes nothing" in render_summary(decision)
