"""AWS's policy evaluation logic across policy types (IAM "Policy evaluation logic")."""

from __future__ import annotations

from typing import Any

import pytest

from studio_abac_ext.policy import Policy, PolicySet, Request, evaluate, parse_policy

from .helpers import ACTION, RESOURCE, policy_doc, statement

ACCOUNT = "123456789012"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/alice"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/Dev"
USER = f"arn:aws:iam::{ACCOUNT}:user/bob"


def allow(name: str, policy_type: str = "identity", **kwargs: Any) -> Policy:
    return parse_policy(
        policy_doc(statement("Allow", **kwargs)), name=name, policy_type=policy_type
    )  # type: ignore[arg-type]


def deny(name: str, policy_type: str = "identity", **kwargs: Any) -> Policy:
    return parse_policy(policy_doc(statement("Deny", **kwargs)), name=name, policy_type=policy_type)  # type: ignore[arg-type]


def resource_policy(effect: str, principal: Any) -> Policy:
    doc = policy_doc(
        {"Effect": effect, "Principal": principal, "Action": ACTION, "Resource": RESOURCE}
    )
    return parse_policy(doc, name="bucket-policy", policy_type="resource")


def other(name: str, policy_type: str = "identity") -> Policy:
    return allow(name, policy_type, action="s3:GetObject")


def decide(policies: PolicySet, principal: str | None = SESSION, resource: str = RESOURCE) -> str:
    return evaluate(Request(ACTION, resource, principal, {}), policies).decision


CASES: list[tuple[str, PolicySet, str]] = [
    ("no_policies_is_implicit_deny", PolicySet(), "implicitDeny"),
    ("identity_allow", PolicySet(identity=[allow("i")]), "allowed"),
    ("explicit_deny_wins_over_allow", PolicySet(identity=[allow("i"), deny("d")]), "explicitDeny"),
    (
        "deny_in_boundary_wins",
        PolicySet(identity=[allow("i")], boundary=[deny("b", "boundary")]),
        "explicitDeny",
    ),
    (
        "deny_in_session_policy_wins",
        PolicySet(identity=[allow("i")], session=[deny("s", "session")]),
        "explicitDeny",
    ),
    (
        "deny_in_scp_wins",
        PolicySet(identity=[allow("i")], scps=[[allow("root", "scp"), deny("scp", "scp")]]),
        "explicitDeny",
    ),
    (
        "boundary_must_allow_too",
        PolicySet(identity=[allow("i")], boundary=[other("b", "boundary")]),
        "implicitDeny",
    ),
    ("boundary_alone_grants_nothing", PolicySet(boundary=[allow("b", "boundary")]), "implicitDeny"),
    (
        "identity_and_boundary_allow",
        PolicySet(identity=[allow("i")], boundary=[allow("b", "boundary")]),
        "allowed",
    ),
    ("empty_boundary_list_denies", PolicySet(identity=[allow("i")], boundary=[]), "implicitDeny"),
    (
        "session_policy_must_allow_too",
        PolicySet(identity=[allow("i")], session=[other("s", "session")]),
        "implicitDeny",
    ),
    (
        "session_policy_alone_grants_nothing",
        PolicySet(session=[allow("s", "session")]),
        "implicitDeny",
    ),
    (
        "every_scp_level_must_allow",
        PolicySet(identity=[allow("i")], scps=[[allow("root", "scp")], [other("ou", "scp")]]),
        "implicitDeny",
    ),
    (
        "all_scp_levels_allow",
        PolicySet(identity=[allow("i")], scps=[[allow("root", "scp")], [allow("ou", "scp")]]),
        "allowed",
    ),
    ("scp_allow_alone_grants_nothing", PolicySet(scps=[[allow("root", "scp")]]), "implicitDeny"),
    (
        "resource_policy_naming_the_session_allows_alone",
        PolicySet(resource=[resource_policy("Allow", {"AWS": SESSION})]),
        "allowed",
    ),
    (
        "resource_policy_naming_the_session_ignores_boundary",
        PolicySet(
            resource=[resource_policy("Allow", {"AWS": SESSION})], boundary=[other("b", "boundary")]
        ),
        "allowed",
    ),
    (
        "resource_policy_naming_the_role_allows_sessions_of_it",
        PolicySet(resource=[resource_policy("Allow", {"AWS": ROLE})]),
        "allowed",
    ),
    (
        "resource_policy_naming_the_role_is_limited_by_the_boundary",
        PolicySet(
            resource=[resource_policy("Allow", {"AWS": ROLE})], boundary=[other("b", "boundary")]
        ),
        "implicitDeny",
    ),
    (
        "resource_policy_naming_the_account_needs_identity_allow",
        PolicySet(resource=[resource_policy("Allow", {"AWS": ACCOUNT})]),
        "implicitDeny",
    ),
    (
        "resource_policy_naming_the_account_root_with_identity_allow",
        PolicySet(
            identity=[allow("i")],
            resource=[resource_policy("Allow", {"AWS": f"arn:aws:iam::{ACCOUNT}:root"})],
        ),
        "allowed",
    ),
    (
        "resource_policy_star_principal_allows",
        PolicySet(resource=[resource_policy("Allow", "*")]),
        "allowed",
    ),
    (
        "resource_policy_other_principal_does_not_allow",
        PolicySet(resource=[resource_policy("Allow", {"AWS": USER})]),
        "implicitDeny",
    ),
    (
        "resource_policy_deny_wins",
        PolicySet(identity=[allow("i")], resource=[resource_policy("Deny", {"AWS": ROLE})]),
        "explicitDeny",
    ),
    (
        "resource_policy_scp_still_applies",
        PolicySet(resource=[resource_policy("Allow", "*")], scps=[[other("root", "scp")]]),
        "implicitDeny",
    ),
    (
        "resource_not_principal_deny_spares_the_named_role",
        PolicySet(
            identity=[allow("i")],
            resource=[
                parse_policy(
                    policy_doc(
                        {
                            "Effect": "Deny",
                            "NotPrincipal": {"AWS": ROLE},
                            "Action": "*",
                            "Resource": "*",
                        }
                    ),
                    name="np",
                    policy_type="resource",
                )
            ],
        ),
        "allowed",
    ),
    (
        "resource_not_principal_deny_hits_others",
        PolicySet(
            identity=[allow("i")],
            resource=[
                parse_policy(
                    policy_doc(
                        {
                            "Effect": "Deny",
                            "NotPrincipal": {"AWS": USER},
                            "Action": "*",
                            "Resource": "*",
                        }
                    ),
                    name="np",
                    policy_type="resource",
                )
            ],
        ),
        "explicitDeny",
    ),
    (
        "not_action_allows_everything_else",
        PolicySet(
            identity=[
                parse_policy(
                    policy_doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
                    name="na",
                )
            ]
        ),
        "allowed",
    ),
    (
        "not_action_excludes_listed",
        PolicySet(
            identity=[
                parse_policy(
                    policy_doc(
                        {"Effect": "Allow", "NotAction": "sagemaker:Delete*", "Resource": "*"}
                    ),
                    name="na",
                )
            ]
        ),
        "implicitDeny",
    ),
    (
        "not_resource_allows_other_resources",
        PolicySet(
            identity=[
                parse_policy(
                    policy_doc({"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::*"}),
                    name="nr",
                )
            ]
        ),
        "allowed",
    ),
    (
        "not_resource_excludes_listed",
        PolicySet(
            identity=[
                parse_policy(
                    policy_doc(
                        {
                            "Effect": "Allow",
                            "Action": "*",
                            "NotResource": "arn:aws:sagemaker:*:*:experiment/*",
                        }
                    ),
                    name="nr",
                )
            ]
        ),
        "implicitDeny",
    ),
]


@pytest.mark.parametrize(
    ("policies", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_evaluation_logic(policies: PolicySet, expected: str) -> None:
    # Given a set of policies across identity, resource, boundary, session and SCP layers
    # When a role session's request is evaluated
    # Then the layers combine the way AWS documents
    assert decide(policies) == expected


def test_cross_account_needs_both_identity_and_resource_policy() -> None:
    # Given a caller from another account
    caller = "arn:aws:sts::999999999999:assumed-role/Dev/alice"
    grant = parse_policy(
        policy_doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": caller},
                "Action": ACTION,
                "Resource": RESOURCE,
            }
        ),
        name="rp",
        policy_type="resource",
    )
    # When only one side allows, or both
    only_identity = decide(PolicySet(identity=[allow("i")]), caller)
    only_resource = decide(PolicySet(resource=[grant]), caller)
    both = decide(PolicySet(identity=[allow("i")], resource=[grant]), caller)
    # Then both must allow
    assert (only_identity, only_resource, both) == ("implicitDeny", "implicitDeny", "allowed")


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("sagemaker:DeleteExperiment", "sagemaker:deleteexperiment", True),
        ("SageMaker:Delete*", "sagemaker:DeleteExperiment", True),
        ("sagemaker:*App", "sagemaker:CreateApp", True),
        ("sagemaker:*App", "sagemaker:CreateAppImageConfig", False),
        ("sagemaker:Describe?ction", "sagemaker:DescribeAction", True),
        ("sagemaker:Describe?ction", "sagemaker:DescribeAAction", False),
        ("*", "anything:AtAll", True),
        ("s3:*", "sagemaker:ListApps", False),
    ],
)
def test_action_matching_is_case_insensitive_with_wildcards(
    pattern: str, action: str, expected: bool
) -> None:
    # Given an Allow for an action pattern
    policy = parse_policy(policy_doc(statement(action=pattern)), name="p")
    # When a request for an action is evaluated
    decision = evaluate(Request(action, "*"), PolicySet(identity=[policy]))
    # Then wildcards and case-insensitivity decide
    assert decision.allowed is expected


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        ("arn:aws:sagemaker:*:*:experiment/*", RESOURCE, True),
        ("arn:aws:sagemaker:*:*:Experiment/*", RESOURCE, False),
        ("arn:aws:sagemaker:us-east-1:123456789012:experiment/?", RESOURCE, True),
        ("arn:aws:sagemaker:*:123456789012:*", RESOURCE, True),
        ("arn:aws:sagemaker:*", RESOURCE, True),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b/c", True),
        (
            "arn:aws:sagemaker:us-*:*:experiment/x",
            "arn:aws:sagemaker:us-east-1:x:y:experiment/x",
            True,
        ),
        (
            "arn:aws:sagemaker:u*t-1:123456789012:experiment/x",
            "arn:aws:sagemaker:us:east-1:123456789012:experiment/x",
            False,
        ),
        ("<S3 BucketName>", "arn:aws:s3:::bucket", False),
        ("*", "not-an-arn", True),
    ],
    ids=[
        "wildcards-per-segment",
        "resource-is-case-sensitive",
        "question-mark",
        "star-in-resource-part",
        "if-the-wildcard-is-the-last-character-of-a-segment-it-can-expand-beyond-the-colon",
        "resource-part-may-hold-colons",
        "a-segment-ending-wildcard-may-match-several-segments",
        "a-wildcard-inside-a-segment-does-not-cross-colons",
        "placeholder-matches-nothing-real",
        "star-matches-anything",
    ],
)
def test_resource_matching(pattern: str, resource: str, expected: bool) -> None:
    """AWS (reference_policies_elements_resource.html): "You can use multiple * or ?
    characters in each segment. If the * wildcard is the last character of a resource ARN
    segment, it can expand to match beyond the colon boundaries." """
    # Given an Allow for a resource pattern
    policy = parse_policy(policy_doc(statement(resource=pattern)), name="p")
    # When the request names a resource
    decision = evaluate(Request(ACTION, resource), PolicySet(identity=[policy]))
    # Then ARN segments and wildcards decide, case-sensitively
    assert decision.allowed is expected


def test_explicit_deny_explanation_names_the_denying_statement() -> None:
    # Given an Allow and a Deny on the same action
    guard = parse_policy(
        policy_doc(
            {"Sid": "NoDeletes", "Effect": "Deny", "Action": "sagemaker:Delete*", "Resource": "*"}
        ),
        name="guard",
    )
    # When evaluated
    decision = evaluate(Request(ACTION, RESOURCE), PolicySet(identity=[allow("i"), guard]))
    # Then the deciding statement is the Deny, and it is AWS's matched statement
    body = decision.to_dict()
    assert body["decision"] == "explicitDeny"
    assert [d["sid"] for d in body["deciding"]] == ["NoDeletes"]
    assert [ref.sid for ref in decision.matched_statements] == ["NoDeletes"]
    assert body["summary"].startswith("Denied explicitly: NoDeletes (policy guard, lines")


def test_boundary_denial_is_named_in_the_summary() -> None:
    # Given an identity allow outside the permissions boundary
    decision = evaluate(
        Request(ACTION, RESOURCE, SESSION),
        PolicySet(identity=[allow("i")], boundary=[other("b", "boundary")]),
    )
    # Then the summary says the boundary refused
    assert decision.denied_at == "boundary"
    assert decision.to_dict()["summary"].startswith(
        "Denied: the permissions boundary does not allow sagemaker:DeleteExperiment"
    )


def test_to_dict_has_the_contract_keys_and_every_statement() -> None:
    # Given two policies
    policies = PolicySet(identity=[allow("i"), other("o")])
    # When a decision is serialised
    body = evaluate(Request(ACTION, RESOURCE, SESSION), policies).to_dict()
    # Then it has the keys the REST API and frontend rely on
    for key in (
        "decision",
        "action",
        "resource",
        "principal",
        "summary",
        "deciding",
        "closest",
        "missingContextKeys",
        "unevaluable",
        "statements",
        "policies",
    ):
        assert key in body
    assert [s["policy"] for s in body["statements"]] == ["i", "o"]
    assert body["statements"][1]["actionMatched"] is False
    assert body["statements"][1]["conditionsMatched"] is None
    assert body["policies"][0]["type"] == "identity"
    assert body["policies"][0]["text"].startswith("{")
    statement_keys = {
        "policy",
        "policyType",
        "sid",
        "index",
        "effect",
        "lines",
        "actionMatched",
        "resourceMatched",
        "principalMatched",
        "conditionsMatched",
        "matched",
        "conditions",
    }
    assert statement_keys <= set(body["statements"][0])


def test_explain_false_gives_the_same_decision_without_explanation() -> None:
    # Given a request
    policies = PolicySet(identity=[allow("i")], boundary=[other("b", "boundary")])
    # When evaluated with and without explanation
    with_explanation = evaluate(Request(ACTION, RESOURCE, SESSION), policies)
    without = evaluate(Request(ACTION, RESOURCE, SESSION), policies, explain=False)
    # Then only the explanation differs
    assert without.explanation is None
    assert (without.decision, without.matched_statements, without.missing_context_keys) == (
        with_explanation.decision,
        with_explanation.matched_statements,
        with_explanation.missing_context_keys,
    )
    assert without.to_dict()["statements"] == []
