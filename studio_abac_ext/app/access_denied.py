"""AWS AccessDenied → the REST API's 403 body: AWS's words plus the engine's explanation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..aws.errors import AwsAccessDeniedError
from ..aws.identity import CallerIdentity
from ..aws.policy_sources import KnownPolicies
from ..policy import Decision
from .caller_requests import caller_request, decide

MISSING_STEP = (
    "Check the name: this resource does not exist. AWS checks permissions before existence, "
    "and a missing resource has no team tag, so it is denied rather than not found."
)


def _resource_kind(arn: str) -> str:
    resource = arn.split(":", 5)[-1]
    return resource.split("/", 1)[0].replace("experiment-", "") if "/" in resource else "resource"


def next_step(
    action: str,
    resource: str,
    identity: CallerIdentity | None,
    resource_tags: Mapping[str, str] | None,
    team_key: str,
    decision: Decision | None,
) -> str:
    """One concrete thing the caller can do about the denial."""
    kind = _resource_kind(resource)
    caller_team = identity.team.value if identity else None
    owner_team = (resource_tags or {}).get(team_key)
    if decision is not None and decision.decision == "explicitDeny":
        return f"An explicit Deny blocks {action}; only an administrator can lift it."
    if decision is not None and decision.allowed:
        beyond = (
            f"Your policies as the extension read them allow {action}, so they are out of date "
            "or something it cannot see denies it (a permissions boundary, session policy or "
            "service control policy): ask an administrator."
        )
        if owner_team and caller_team and owner_team != caller_team:
            return f"This {kind} belongs to {owner_team} and you are in {caller_team}. {beyond}"
        return beyond
    if owner_team and caller_team and owner_team != caller_team:
        return (
            f"This {kind} belongs to {owner_team} and you are in {caller_team}; "
            f"ask a {owner_team} member or an administrator."
        )
    if resource_tags is not None and not owner_team and resource != "*":
        return f"This {kind} has no {team_key!r} tag; ask an administrator to tag it."
    if identity is not None and caller_team is None:
        return (
            f"Your team is unknown ({identity.team.reason}); "
            "ask an administrator to tag your role or set c.StudioAbac.team."
        )
    return f"Ask an administrator which of your policies should allow {action}."


def _summary_without_policies(denied: AwsAccessDeniedError, policies: KnownPolicies) -> str:
    kind = "An explicit Deny" if denied.explicit else "No statement of your policies"
    return (
        f"{kind} allows {denied.action} here, AWS says. Which statement decided is unknown: "
        f"your policies could not be read ({policies.reason})."
    )


def denial_body(
    denied: AwsAccessDeniedError,
    identity: CallerIdentity | None,
    policies: KnownPolicies,
    resource_tags: Mapping[str, str] | None,
    team_key: str,
    missing: bool = False,
) -> dict[str, Any]:
    decision = None
    if identity is not None and policies.policies is not None:
        request = caller_request(
            identity,
            denied.action,
            denied.resource,
            resource_tags=resource_tags,
            request_tags=denied.request_tags,
        )
        decision = decide(policies.policies, request)
    explanation = decision.to_dict() if decision is not None else None
    if explanation is not None and decision is not None and decision.allowed:
        explanation["summary"] = (
            "AWS denied this, but your policies as read from "
            f"{policies.source} allow it: they may be out of date, or a permissions boundary, "
            "session policy or service control policy the extension cannot see denies it."
        )
    summary = explanation["summary"] if explanation else _summary_without_policies(denied, policies)
    return {
        "error": "AccessDenied",
        "message": denied.message,
        "action": denied.action,
        "resource": denied.resource,
        "caller": denied.caller or (identity.arn if identity else ""),
        "summary": summary,
        "explanation": explanation,
        "policies": policies.to_dict(),
        "nextStep": MISSING_STEP
        if missing
        else next_step(denied.action, denied.resource, identity, resource_tags, team_key, decision),
    }
