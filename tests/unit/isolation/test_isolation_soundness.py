"""Soundness of the isolation proof: whatever the simulator allows across the team boundary,
check-isolation reports.

Random team policies (the engine's property-test generator, fed SageMaker words: variables,
Not* elements, wildcards) x random concrete calls of a Team A member's Studio execution role
session (``crossings.py``): on another team's resource, on an untagged one, on another user's app
or profile; creating with another team's tag or without the team tag, inside another team's or an
untagged parent, under another user's profile; re-tagging another team's resource as its own,
stripping its team tag. Each authorization a call needs goes through ``simulate_custom_policy`` as
``studio-abac simulate-custom-policy`` runs it; when all are allowed, a finding of the same kind
(certain or possible) must list the call's action.

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
from studio_abac_ext.policy import PolicySet, parse_policy
from studio_abac_ext.simulator.custom_policy import simulate_custom_policy
from tests.strategies import PolicyVocabulary, statements
from tests.unit.isolation.crossings import Call, Crossing, creations, existing, retaggings

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


TAGGING_VOCABULARY = PolicyVocabulary(
    action_patterns=(
        "sagemaker:*",
        "sagemaker:Create*",
        "sagemaker:CreateExperiment",
        "sagemaker:CreateTrial",
        "sagemaker:CreateApp",
        "sagemaker:AddTags",
        "sagemaker:DeleteTags",
        "sagemaker:*Tags",
        "sagemaker:Delete*",
        "*",
    ),
    resource_patterns=(
        "*",
        "arn:aws:sagemaker:*:*:experiment/*",
        "arn:aws:sagemaker:*:*:experiment-trial/*",
        "arn:aws:sagemaker:*",
        "arn:aws:sagemaker:eu-west-1:*:*",
        "arn:aws:sagemaker:*:*:experiment/x*",
        "arn:aws:sagemaker:*:*:*/${aws:PrincipalTag/team}-*",
        "arn:aws:sagemaker:*:*:app/*/${aws:SourceIdentity}/*",
        "arn:aws:sagemaker:*:*:app/*/bob/*",
        "arn:aws:sagemaker:*:*:user-profile/*/${aws:username}",
        "arn:aws:sagemaker:*:*:training-job/*",
    ),
    keys=(
        "aws:RequestTag/team",
        "aws:RequestTag/project",
        "aws:RequestTag/studiouserid",
        "aws:TagKeys",
        "sagemaker:TaggingAction",
        "aws:ResourceTag/team",
        "aws:PrincipalTag/team",
        "aws:SourceIdentity",
        "aws:username",
    ),
    operators=(
        "StringEquals",
        "StringNotEquals",
        "StringLike",
        "StringNotLike",
        "StringEqualsIfExists",
        "StringNotEqualsIfExists",
        "Null",
        "ForAnyValue:StringEquals",
        "ForAllValues:StringEquals",
        "ForAnyValue:StringNotLike",
    ),
    values=(
        "TeamA",
        "TeamB",
        "${aws:PrincipalTag/team}",
        "${aws:SourceIdentity}",
        "${aws:username}",
        "team",
        "project",
        "studiouserid",
        "CreateExperiment",
        "CreateTrial",
        "true",
        "false",
        "x",
        "*",
    ),
    sids=("TagOnCreate", "TeamScoped", "Deny1"),
)


@st.composite
def documents(
    draw: st.DrawFn, vocabulary: PolicyVocabulary = VOCABULARY, grant_first: bool = False
) -> str:
    """A policy of one to three random statements; ``grant_first`` makes the first an Allow
    (a Create* call needs two grants, so all-random policies would seldom allow one)."""
    first = [draw(statements("Allow", vocabulary=vocabulary))] if grant_first else []
    rest = draw(st.lists(statements(vocabulary=vocabulary), min_size=1 - len(first), max_size=2))
    document: dict[str, Any] = {"Statement": first + rest}
    if draw(st.integers(0, 5)):
        document["Version"] = "2012-10-17"
    return json.dumps(document)


def team_policies(
    vocabulary: PolicyVocabulary, grant_first: bool = False
) -> st.SearchStrategy[TeamPolicies]:
    """Identity policies and, at times (a third of them when ``grant_first``), a boundary."""
    boundary = documents(vocabulary, grant_first)
    nones = [st.none(), st.none()] if grant_first else [st.none()]
    return st.builds(
        TeamPolicies,
        identity=st.lists(documents(vocabulary, grant_first), min_size=1, max_size=2).map(tuple),
        boundary=st.one_of(*nones, boundary),
    )


def _entries(context: dict[str, Any]) -> list[dict[str, Any]]:
    entries = []
    for key, value in context.items():
        values = value if isinstance(value, list) else [value]
        kind = (
            "ip" if key == "aws:SourceIp" else "stringList" if isinstance(value, list) else "string"
        )
        entries.append(
            {
                "ContextKeyName": key,
                "ContextKeyValues": [str(v) for v in values],
                "ContextKeyType": kind,
            }
        )
    return entries


def simulator_allows_call(team: TeamPolicies, call: Call) -> bool:
    """The decision of ``simulate-custom-policy`` for one authorization, CallerArn and all."""
    payload: dict[str, Any] = {
        "PolicyInputList": list(team.identity),
        "ActionNames": [call.action],
        "ResourceArns": [call.resource],
        "CallerArn": call.context["aws:PrincipalArn"],
        "ContextEntries": _entries(call.context),
    }
    if team.boundary is not None:
        payload["PermissionsBoundaryPolicyInputList"] = [team.boundary]
    output, _ = simulate_custom_policy(payload, explain=False)
    return bool(output["EvaluationResults"][0]["EvalDecision"] == "allowed")


def simulator_allows(team: TeamPolicies, crossing: Crossing) -> bool:
    """AWS allows the call when it allows every authorization the call needs."""
    return all(simulator_allows_call(team, call) for call in crossing.calls)


@cache
def findings_of(team: TeamPolicies) -> list[Finding]:
    return check_isolation(team.policy_set())


def assert_covered(team: TeamPolicies, requests: list[Crossing]) -> None:
    allowed = [crossing for crossing in requests if simulator_allows(team, crossing)]
    if not allowed:
        return
    # When check-isolation checks the same policies
    findings = findings_of(team)
    # Then every call the simulator allows falls under a finding of its kind
    missed = [c for c in allowed if not c.covered_by(findings)]
    assert not missed, describe(team, missed, findings)


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(team=team_policies(VOCABULARY), requests=st.lists(existing(), min_size=1, max_size=12))
def test_whatever_the_simulator_allows_across_the_boundary_is_a_finding(
    team: TeamPolicies, requests: list[Crossing]
) -> None:
    # Given random team policies and concrete requests on resources across the team or user
    # boundary
    assert_covered(team, requests)


@FUZZ
@given(
    team=team_policies(TAGGING_VOCABULARY, grant_first=True),
    requests=st.lists(st.one_of(creations(), retaggings()), min_size=1, max_size=12),
)
def test_whatever_the_simulator_allows_to_create_or_retag_across_the_boundary_is_a_finding(
    team: TeamPolicies, requests: list[Crossing]
) -> None:
    # Given random team policies and concrete Create*, AddTags and DeleteTags calls across the
    # team or user boundary (each with every authorization AWS makes for it)
    assert_covered(team, requests)


def describe(team: TeamPolicies, missed: list[Crossing], findings: list[Finding]) -> str:
    return json.dumps(
        {
            "policies": [json.loads(text) for text in team.identity],
            "boundary": json.loads(team.boundary) if team.boundary else None,
            "missed": [[call.to_dict() for call in c.calls] for c in missed[:3]],
            "missedKinds": [sorted(c.kinds) for c in missed[:3]],
            "findings": [(f.id, f.actions[:5]) for f in findings],
        },
        indent=1,
    )
