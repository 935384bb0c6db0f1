"""Every statement of the document's policies, decided for Team A, Team B, untagged and admin.

The team roles carry the three team policies; "untagged" is a role with the same policies but
no ``team`` tag; the admin is an IAM user with the admin and presigned-URL policies only.
The resource acted on was made by Team A (tagged ``team=TeamA``) unless the action is a list.
"""

from __future__ import annotations

import pytest

from studio_abac_ext.policy import PolicySet, Request, build_request_context, evaluate

from .conftest import ACCOUNT, REGION_PREFIX, load_policy, team_role_arn

ADMIN_ARN = f"arn:aws:iam::{ACCOUNT}:user/studio-admin"
TEAM_A_EXPERIMENT = f"{REGION_PREFIX}:experiment/usera1teamaexperiment1"

PRINCIPALS = {
    "TeamA": (team_role_arn("TeamA"), {"team": "TeamA"}),
    "TeamB": (team_role_arn("TeamB"), {"team": "TeamB"}),
    "untagged": (team_role_arn("Untagged"), {}),
    "admin": (ADMIN_ARN, {}),
}

# (statement that should decide, action, resource, request tags, principals allowed)
ROWS: list[tuple[str, str, str, dict[str, str] | None, set[str]]] = [
    (
        "AmazonSageMakerDescribeReadyOnlyPolicy",
        "sagemaker:DescribeExperiment",
        TEAM_A_EXPERIMENT,
        None,
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerDescribeReadyOnlyPolicy",
        "sagemaker:GetSearchSuggestions",
        "*",
        None,
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerListOnlyPolicy",
        "sagemaker:ListExperiments",
        "*",
        None,
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerUIandMetricsOnlyPolicy",
        "sagemaker:DeleteApp",
        f"{REGION_PREFIX}:app/d-1/a1/jupyterserver/default",
        None,
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerUIandMetricsOnlyPolicy",
        "sagemaker:Search",
        "*",
        None,
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerUIandMetricsOnlyPolicy",
        "sagemaker:BatchGetMetrics",
        TEAM_A_EXPERIMENT,
        None,
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerEC2ReadOnlyPolicy",
        "ec2:DescribeVpcs",
        "*",
        None,
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerIAMReadOnlyPolicy",
        "iam:ListRoles",
        "*",
        None,
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerCRUDAccessS3Policy",
        "s3:GetObject",
        "arn:aws:s3:::team-bucket/data.csv",
        None,
        set(),
    ),
    (
        "AmazonSageMakerReadOnlyAccessKMSPolicy",
        "kms:DescribeKey",
        f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k",
        None,
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerCRUDAccessECRPolicy",
        "ecr:BatchGetImage",
        f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/r",
        None,
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerCRUDAccessCloudWatchPolicy",
        "logs:PutLogEvents",
        "*",
        None,
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerStudioCreateApp",
        "sagemaker:CreateApp",
        f"{REGION_PREFIX}:app/d-1/a1/jupyterserver/default",
        None,
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerStudioIAMPassRole",
        "iam:PassRole",
        f"arn:aws:iam::{ACCOUNT}:role/Exec",
        None,
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerInvokeEndPointRole",
        "sagemaker:InvokeEndpoint",
        f"{REGION_PREFIX}:endpoint/e",
        None,
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerAddTags",
        "sagemaker:AddTags",
        TEAM_A_EXPERIMENT,
        {"team": "TeamB"},
        {"TeamA", "TeamB", "untagged"},
    ),
    (
        "AmazonSageMakerCreate",
        "sagemaker:CreateExperiment",
        f"{REGION_PREFIX}:experiment/new",
        {"team": "TeamA"},
        {"TeamA"},
    ),
    (
        "AmazonSageMakerUpdateDeleteExecutePolicy",
        "sagemaker:DeleteExperiment",
        TEAM_A_EXPERIMENT,
        None,
        {"TeamA"},
    ),
    (
        "AmazonSageMakerUpdateDeleteExecutePolicy",
        "sagemaker:UpdateExperiment",
        TEAM_A_EXPERIMENT,
        None,
        {"TeamA"},
    ),
    (
        "AmazonSageMakerUpdateDeleteExecutePolicy",
        "sagemaker:AssociateTrialComponent",
        f"{REGION_PREFIX}:experiment-trial/t",
        None,
        {"TeamA"},
    ),
    (
        "CreateSageMakerStudioUserProfilePolicy",
        "sagemaker:CreateUserProfile",
        f"{REGION_PREFIX}:user-profile/d-1/usera1",
        {"studiouserid": "usera1"},
        {"admin"},
    ),
]


def _policies_for(principal: str) -> PolicySet:
    if principal == "admin":
        return PolicySet(
            identity=[
                load_policy("admin-create-user-profile"),
                load_policy("presigned-url-iam-user"),
            ]
        )
    names = ("team-1-sagemaker-read-only", "team-2-supporting-services", "team-3-studio-developer")
    return PolicySet(identity=[load_policy(name) for name in names])


@pytest.mark.parametrize("principal", sorted(PRINCIPALS))
@pytest.mark.parametrize(
    ("sid", "action", "resource", "request_tags", "allowed_for"),
    ROWS,
    ids=[f"{row[0]}-{row[1]}" for row in ROWS],
)
def test_document_statement_decides_for_each_principal(
    principal: str,
    sid: str,
    action: str,
    resource: str,
    request_tags: dict[str, str] | None,
    allowed_for: set[str],
) -> None:
    # Given a principal of the document and a resource made by Team A
    arn, tags = PRINCIPALS[principal]
    context = build_request_context(
        principal_arn=arn,
        principal_tags=tags,
        resource_tags={"team": "TeamA"} if resource != "*" else {},
        request_tags=request_tags,
    )
    # When the request is evaluated against that principal's policies
    decision = evaluate(Request(action, resource, arn, context), _policies_for(principal))
    # Then it is allowed exactly for the expected principals, by the expected statement
    assert decision.allowed == (principal in allowed_for), decision.to_dict()["summary"]
    if decision.allowed:
        assert sid in {ref.sid for ref in decision.matched_statements}
    else:
        assert decision.decision == "implicitDeny"
        assert decision.matched_statements == ()


def test_team_b_cannot_delete_team_a_experiment_and_the_summary_names_the_closest_statement(
    team_policies: PolicySet,
) -> None:
    # Given Team B's role and an experiment Team A made
    arn = team_role_arn("TeamB")
    context = build_request_context(
        principal_arn=arn, principal_tags={"team": "TeamB"}, resource_tags={"team": "TeamA"}
    )
    # When Team B deletes it
    decision = evaluate(
        Request("sagemaker:DeleteExperiment", TEAM_A_EXPERIMENT, arn, context), team_policies
    )
    # Then it is an implicit deny whose closest candidate is the update/delete statement
    assert decision.decision == "implicitDeny"
    assert decision.explanation is not None
    closest = decision.explanation.closest[0]
    assert closest.sid == "AmazonSageMakerUpdateDeleteExecutePolicy"
    assert closest.span.lines == (54, 72)
    failed = closest.failed_conditions[0]
    assert (failed.key, failed.request_values, failed.resolved_policy_values) == (
        "aws:PrincipalTag/team",
        ("TeamB",),
        ("TeamA",),
    )
    assert decision.to_dict()["summary"] == (
        "Denied: no statement allows sagemaker:DeleteExperiment on "
        "experiment/usera1teamaexperiment1. Closest: AmazonSageMakerUpdateDeleteExecutePolicy "
        "(policy team-3-studio-developer, lines 54-72) allows it only when aws:PrincipalTag/team "
        "(TeamB) equals ${sagemaker:ResourceTag/team} (TeamA)."
    )


def test_untagged_principal_is_denied_and_the_missing_principal_tag_is_named(
    team_policies: PolicySet,
) -> None:
    # Given a role without a team tag
    arn = team_role_arn("Untagged")
    context = build_request_context(principal_arn=arn, resource_tags={"team": "TeamA"})
    # When it deletes Team A's experiment
    decision = evaluate(
        Request("sagemaker:DeleteExperiment", TEAM_A_EXPERIMENT, arn, context), team_policies
    )
    # Then it is denied and aws:PrincipalTag/team is the key whose absence mattered
    assert decision.decision == "implicitDeny"
    assert "aws:PrincipalTag/team" in decision.missing_context_keys
    assert decision.explanation is not None
    assert decision.explanation.absent_keys_that_mattered == ("aws:PrincipalTag/team",)


def test_team_a_cannot_delete_an_untagged_resource_because_the_variable_is_unresolvable(
    team_policies: PolicySet,
) -> None:
    # Given Team A's role and a resource with no team tag
    arn = team_role_arn("TeamA")
    context = build_request_context(principal_arn=arn, principal_tags={"team": "TeamA"})
    # When Team A deletes it
    decision = evaluate(
        Request("sagemaker:DeleteExperiment", TEAM_A_EXPERIMENT, arn, context), team_policies
    )
    # Then the unresolvable ${sagemaker:ResourceTag/team} never matches
    assert decision.decision == "implicitDeny"
    assert "sagemaker:ResourceTag/team" in decision.missing_context_keys
    assert decision.explanation is not None
    condition = decision.explanation.closest[0].conditions[0]
    assert condition.resolved_policy_values == (None,)


@pytest.mark.parametrize(
    ("request_tags", "allowed"),
    [
        ({"team": "TeamA"}, True),
        ({"team": "TeamA", "project": "p"}, True),
        ({"team": "TeamB"}, False),
        ({"project": "p"}, False),
        ({}, False),
        (None, False),
    ],
)
def test_team_a_creates_only_with_its_own_team_tag(
    team_policies: PolicySet, request_tags: dict[str, str] | None, allowed: bool
) -> None:
    # Given Team A's role creating an experiment with some request tags
    arn = team_role_arn("TeamA")
    context = build_request_context(
        principal_arn=arn, principal_tags={"team": "TeamA"}, request_tags=request_tags
    )
    # When the CreateExperiment request is evaluated
    decision = evaluate(
        Request("sagemaker:CreateExperiment", f"{REGION_PREFIX}:experiment/e", arn, context),
        team_policies,
    )
    # Then only a team tag equal to the principal's own team allows it
    assert decision.allowed is allowed


@pytest.mark.parametrize(
    ("caller", "profile_owner", "allowed"),
    [("usera1", "usera1", True), ("usera2", "usera1", False), ("usera1", None, False)],
)
def test_iam_user_opens_only_their_own_studio_profile(
    caller: str, profile_owner: str | None, allowed: bool
) -> None:
    # Given an IAM user and a Studio user profile tagged with its owner
    arn = f"arn:aws:iam::{ACCOUNT}:user/{caller}"
    tags = {"studiouserid": profile_owner} if profile_owner else {}
    context = build_request_context(principal_arn=arn, resource_tags=tags)
    policies = PolicySet(identity=[load_policy("presigned-url-iam-user")])
    # When the user asks for a presigned URL of that profile
    decision = evaluate(
        Request(
            "sagemaker:CreatePresignedDomainUrl",
            f"{REGION_PREFIX}:user-profile/d-1/{profile_owner}",
            arn,
            context,
        ),
        policies,
    )
    # Then only the owner gets it
    assert decision.allowed is allowed


@pytest.mark.parametrize(
    ("session_tag", "profile_owner", "allowed"),
    [("usera1", "usera1", True), ("usera2", "usera1", False), (None, "usera1", False)],
)
def test_federated_user_opens_only_the_profile_matching_their_session_tag(
    session_tag: str | None, profile_owner: str, allowed: bool
) -> None:
    # Given a federated session whose studiouserid tag came from the identity provider
    arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/StudioFederatedRole/{session_tag or 'anonymous'}"
    principal_tags = {"studiouserid": session_tag} if session_tag else {}
    context = build_request_context(
        principal_arn=arn,
        principal_tags=principal_tags,
        resource_tags={"studiouserid": profile_owner},
    )
    policies = PolicySet(identity=[load_policy("presigned-url-federated")])
    # When a presigned URL is requested for the profile
    decision = evaluate(
        Request(
            "sagemaker:CreatePresignedDomainUrl",
            f"{REGION_PREFIX}:user-profile/d-1/{profile_owner}",
            arn,
            context,
        ),
        policies,
    )
    # Then it is allowed only when the tag names the profile's owner
    assert decision.allowed is allowed


@pytest.mark.parametrize(
    ("transitive_keys", "allowed"),
    [(["studiouserid"], True), (["studiouserid", "team"], False), (None, True)],
    ids=["only-studiouserid", "extra-key", "missing-key-forallvalues-is-true"],
)
def test_federation_trust_statement_passes_only_studiouserid_as_transitive_tag(
    transitive_keys: list[str] | None, allowed: bool
) -> None:
    # Given the document's trust statement, wrapped as a role trust (resource) policy
    import json

    statement = json.loads((DATA_STATEMENT).read_text(encoding="utf-8"))
    from studio_abac_ext.policy import parse_policy

    trust = parse_policy(
        {"Version": "2012-10-17", "Statement": [statement]}, name="trust", policy_type="resource"
    )
    provider = statement["Principal"]["Federated"]
    extra = {"sts:TransitiveTagKeys": transitive_keys} if transitive_keys is not None else {}
    # When the identity provider tags the session
    decision = evaluate(
        Request(
            "sts:TagSession",
            f"arn:aws:iam::{ACCOUNT}:role/StudioFederatedRole",
            provider,
            build_request_context(extra=extra),
        ),
        PolicySet(resource=[trust]),
    )
    # Then only studiouserid may be transitive
    assert decision.allowed is allowed


from .conftest import DATA  # noqa: E402

DATA_STATEMENT = DATA / "federation-trust-transitive-tags-statement.json"
