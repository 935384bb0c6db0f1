"""Soundness of the isolation proof: whatever the simulator allows across the team boundary,
check-isolation reports.

Random team policies (the engine's property-test generator, fed SageMaker words: variables,
Not* elements, wildcards) x random concrete requests of a Team A member's Studio execution role
session: on another team's resource, on an untagged one, on another user's app or profile. Each
request goes through ``simulate_custom_policy`` as ``studio-abac simulate-custom-policy`` runs
it; when it is allowed, a finding of the same kind (certain or possible) must list its action.

``make test`` runs a few examples; ``make fuzz-isolation`` (ISOLATION_FUZZ_EXAMPLES=2000) many.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio_abac_ext.isolation.checker import Finding, check_isolation
from studio_abac_ext.policy import PolicySet, build_request_context, parse_policy
from studio_abac_ext.simulator.custom_policy import simulate_custom_policy
from tests.strategies import PolicyVocabulary, statements

ACCOUNT = "123456789012"
ROLE = "SageMakerStudioDeveloperTeamARole"
EXAMPLES = int(os.environ.get("ISOLATION_FUZZ_EXAMPLES", "15"))

VOCABULARY = PolicyVocabulary(
    action_patterns=(
        "sagemaker:*",
        "sagemaker:Delete*",
        "sagemaker:DeleteExperiment",
        "sagemaker:*App",
        "sagemaker:DeleteApp",
        "sagemaker:UpdateUserProfile",
        "sagemaker:Describe*",
        "sagemaker:StopTrainingJob",
        "*",
    ),
    resource_patterns=(
        "*",
        "arn:aws:sagemaker:*:*:experiment/*",
        "arn:aws:sagemaker:*",
        "arn:aws:sagemaker:us-east-1:*",
        "arn:aws:sagemaker:eu-west-1:*:*",
        "arn:aws:sagemaker:*:*:experiment/x*",
        "arn:aws:sagemaker:*:*:experiment/${aws:PrincipalTag/team}-*",
        "arn:aws:sagemaker:*:*:app/*/${aws:username}/*",
        "arn:aws:sagemaker:*:*:app/*/${aws:SourceIdentity}/*",
        "arn:aws:sagemaker:*:*:app/*/bob/*",
        "arn:aws:sagemaker:*:*:user-profile/*/${aws:PrincipalTag/studiouserid}",
        "arn:aws:sagemaker:*:*:training-job/*",
    ),
    keys=(
        "aws:ResourceTag/team",
        "sagemaker:ResourceTag/team",
        "aws:PrincipalTag/team",
        "sagemaker:ResourceTag/studiouserid",
        "aws:PrincipalTag/studiouserid",
        "aws:SourceIdentity",
        "aws:username",
        "aws:SourceIp",
        "aws:RequestedRegion",
    ),
    operators=(
        "StringEquals",
        "StringNotEquals",
        "StringLike",
        "StringNotLike",
        "StringEqualsIfExists",
        "StringNotEqualsIfExists",
        "Null",
        "IpAddress",
        "NotIpAddress",
        "ForAnyValue:StringEquals",
    ),
    values=(
        "TeamA",
        "TeamB",
        "${aws:PrincipalTag/team}",
        "${aws:username}",
        "${aws:SourceIdentity}",
        "true",
        "false",
        "10.0.0.0/8",
        "us-east-1",
        "teama-*",
        "*",
    ),
    sids=("OwnAppsOnly", "TeamScoped", "Deny1"),
)

# (action, resource type, write?) acting on an existing resource
ACTIONS = (
    ("sagemaker:DeleteExperiment", "experiment", True),
    ("sagemaker:UpdateExperiment", "experiment", True),
    ("sagemaker:DescribeExperiment", "experiment", False),
    ("sagemaker:StopTrainingJob", "training-job", True),
    ("sagemaker:DescribeTrainingJob", "training-job", False),
)
USER_ACTIONS = (
    ("sagemaker:DeleteApp", "app", True),
    ("sagemaker:DescribeApp", "app", False),
    ("sagemaker:UpdateUserProfile", "user-profile", True),
    ("sagemaker:DeleteUserProfile", "user-profile", True),
)
NAMES = ("teamb-experiment", "x", "xylophone", "TeamA-x", "prod")
OWN_USERS = ("teama-user1", "alice")
OTHER_USERS = ("teama-user2", "bob", "teamb-user1")


@dataclass(frozen=True)
class Crossing:
    """A concrete request across the boundary and the finding kinds that must cover it."""

    family: str
    action: str
    resource: str
    context: dict[str, Any]
    kinds: frozenset[str]

    def covered_by(self, findings: list[Finding]) -> bool:
        return any(f.kind in self.kinds and self.action in f.actions for f in findings)


def _arn(region: str, resource_type: str, name: str, user: str) -> str:
    prefix = f"arn:aws:sagemaker:{region}:{ACCOUNT}"
    if resource_type == "app":
        return f"{prefix}:app/d-abc/{user}/JupyterLab/default"
    if resource_type == "user-profile":
        return f"{prefix}:user-profile/d-abc/{user}"
    return f"{prefix}:{resource_type}/{name}"


@st.composite
def crossings(draw: st.DrawFn) -> Crossing:
    family = draw(st.sampled_from(["cross-team", "untagged", "other-user"]))
    region = draw(st.sampled_from(["us-east-1", "eu-west-1"]))
    own_user = draw(st.sampled_from(OWN_USERS))
    other_user = draw(st.sampled_from(OTHER_USERS))
    session = draw(st.sampled_from(["SageMaker", own_user]))
    name = draw(st.sampled_from(NAMES))
    if family == "other-user":
        action, resource_type, write = draw(st.sampled_from([a for a in USER_ACTIONS if a[2]]))
    elif family == "untagged":
        action, resource_type, write = draw(st.sampled_from([a for a in ACTIONS if a[2]]))
    else:
        action, resource_type, write = draw(st.sampled_from(ACTIONS + USER_ACTIONS))
    resource = _arn(region, resource_type, name, other_user)
    tags: dict[str, str] = {}
    if family == "cross-team":
        tags["team"] = "TeamB"
    if resource_type == "user-profile" and family != "untagged":
        tags["studiouserid"] = other_user
    if resource_type == "app":
        tags["sagemaker:user-profile-arn"] = _arn(region, "user-profile", name, other_user)
    extra: dict[str, Any] = {"aws:SourceIdentity": own_user}
    if draw(st.booleans()):
        extra["aws:SourceIp"] = draw(st.sampled_from(["10.1.2.3", "192.0.2.7"]))
    if draw(st.booleans()):
        extra["aws:RequestedRegion"] = region
    if draw(st.booleans()):  # what a caller of the simulator may claim
        extra["aws:username"] = draw(st.sampled_from([own_user, other_user]))
    if draw(st.booleans()):
        extra["aws:PrincipalTag/studiouserid"] = own_user
    principal = f"arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/{session}"
    context = build_request_context(
        principal_arn=principal,
        principal_tags={"team": "TeamA"},
        resource_tags=tags,
        extra=extra,
    )
    user_scoped = resource_type in ("app", "user-profile")
    if not write:
        kinds = {"read-exposure"}
    elif user_scoped:
        kinds = {"other-users-studio"}
    elif family == "untagged":
        kinds = {"untagged-write", "cross-team-write"}
    else:
        kinds = {"cross-team-write"}
    return Crossing(family, action, resource, context, frozenset(kinds))


@dataclass(frozen=True)
class TeamPolicies:
    """A team role's identity policies and optional boundary, as JSON texts (a short repr)."""

    identity: tuple[str, ...]
    boundary: str | None = None

    def policy_set(self) -> PolicySet:
        return _policy_set(self)


@cache
def _policy_set(team: TeamPolicies) -> PolicySet:
    identity = [parse_policy(text, name=f"team-{i}") for i, text in enumerate(team.identity)]
    boundary = None
    if team.boundary is not None:
        boundary = [parse_policy(team.boundary, name="boundary", policy_type="boundary")]
    return PolicySet(identity=identity, boundary=boundary)


@st.composite
def documents(draw: st.DrawFn) -> str:
    document: dict[str, Any] = {
        "Statement": draw(st.lists(statements(vocabulary=VOCABULARY), min_size=1, max_size=3))
    }
    if draw(st.integers(0, 5)):
        document["Version"] = "2012-10-17"
    return json.dumps(document)


team_policies = st.builds(
    TeamPolicies,
    identity=st.lists(documents(), min_size=1, max_size=2).map(tuple),
    boundary=st.one_of(st.none(), documents()),
)


def _entries(context: dict[str, Any]) -> list[dict[str, Any]]:
    entries = []
    for key, value in context.items():
        values = value if isinstance(value, list) else [value]
        kind = "ip" if key == "aws:SourceIp" else "stringList" if len(values) > 1 else "string"
        entries.append(
            {
                "ContextKeyName": key,
                "ContextKeyValues": [str(v) for v in values],
                "ContextKeyType": kind,
            }
        )
    return entries


def simulator_allows(team: TeamPolicies, crossing: Crossing) -> bool:
    """The decision of ``simulate-custom-policy`` for the crossing, CallerArn and all."""
    payload: dict[str, Any] = {
        "PolicyInputList": list(team.identity),
        "ActionNames": [crossing.action],
        "ResourceArns": [crossing.resource],
        "CallerArn": crossing.context["aws:PrincipalArn"],
        "ContextEntries": _entries(crossing.context),
    }
    if team.boundary is not None:
        payload["PermissionsBoundaryPolicyInputList"] = [team.boundary]
    output, _ = simulate_custom_policy(payload, explain=False)
    return bool(output["EvaluationResults"][0]["EvalDecision"] == "allowed")


@cache
def findings_of(team: TeamPolicies) -> list[Finding]:
    return check_isolation(team.policy_set())


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(team=team_policies, requests=st.lists(crossings(), min_size=1, max_size=12))
def test_whatever_the_simulator_allows_across_the_boundary_is_a_finding(
    team: TeamPolicies, requests: list[Crossing]
) -> None:
    # Given random team policies and concrete requests across the team or user boundary
    allowed = [crossing for crossing in requests if simulator_allows(team, crossing)]
    if not allowed:
        return
    # When check-isolation checks the same policies
    findings = findings_of(team)
    # Then every request the simulator allows falls under a finding of its kind
    missed = [c for c in allowed if not c.covered_by(findings)]
    assert not missed, describe(team, missed, findings)


def describe(team: TeamPolicies, missed: list[Crossing], findings: list[Finding]) -> str:
    return json.dumps(
        {
            "policies": [json.loads(text) for text in team.identity],
            "boundary": json.loads(team.boundary) if team.boundary else None,
            "missed": [
                {"action": c.action, "resource": c.resource, "context": c.context} for c in missed
            ],
            "findings": [(f.id, f.actions[:5]) for f in findings],
        },
        indent=1,
    )
