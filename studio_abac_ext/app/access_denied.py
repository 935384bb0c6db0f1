"""AWS AccessDenied → the REST API's 403 body: AWS's words plus the engine's explanation.

The one builder of 403 bodies. A use case runs its AWS calls inside ``denials_explained`` (or is
decorated with ``explains_denials``): an ``AwsAccessDeniedError`` leaves it as an
``ExplainedDenialError`` carrying the finished body, which ``web/`` maps like any other error.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, ParamSpec, TypeVar

from ..aws.errors import AwsAccessDeniedError, AwsError, AwsNotFoundError
from ..aws.identity import CallerIdentity
from ..aws.policy_sources import KnownPolicies
from ..aws.resources import resource_tags as read_resource_tags
from ..policy import Decision
from ..policy.arns import resource_part
from .caller_requests import caller_request, decide
from .errors import ExplainedDenialError
from .services import Services

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

MISSING_STEP = (
    "Check the name: this resource does not exist. AWS checks permissions before existence, "
    "and a missing resource has no team tag, so it is denied rather than not found."
)


def _resource_kind(arn: str) -> str:
    resource = resource_part(arn)
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
    request_tags: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    decision = None
    if identity is not None and policies.policies is not None:
        request = caller_request(
            identity,
            denied.action,
            denied.resource,
            resource_tags=resource_tags,
            request_tags=request_tags,
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


def unexplained_body(denied: AwsAccessDeniedError) -> dict[str, Any]:
    """AWS's words alone, when explaining them failed."""
    return {
        "error": "AccessDenied",
        "message": denied.message,
        "action": denied.action,
        "resource": denied.resource,
        "caller": denied.caller or "",
        "explanation": None,
        "nextStep": "Ask an administrator which policy should allow this.",
    }


def refused_body(message: str) -> dict[str, Any]:
    """A 403 of the Jupyter server itself (no or a wrong token, a missing XSRF cookie)."""
    return {"error": "AccessDenied", "message": message}


async def explain_denial(
    services: Services,
    denied: AwsAccessDeniedError,
    resource_tags: Mapping[str, str] | None = None,
    request_tags: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The 403 body for an AWS denial, explained as far as what can be read allows; the
    resource's tags are read when the caller does not know them."""
    identity: CallerIdentity | None
    try:
        identity = await services.identity()
        policies = await services.policies()
    except AwsError as error:
        identity = None
        policies = KnownPolicies(None, None, f"AWS failed while reading them ({error.code})")
    tags = resource_tags
    missing = False
    if tags is None and denied.resource.startswith("arn:aws:sagemaker:"):
        try:
            tags = await read_resource_tags(services.runner, denied.resource)
        except AwsNotFoundError:
            missing = True
        except AwsError as error:
            log.info("no tags for %s to explain a denial: %s", denied.resource, error.code)
    return denial_body(
        denied, identity, policies, tags, services.team_key, missing, request_tags=request_tags
    )


@asynccontextmanager
async def denials_explained(
    services: Services,
    resource_tags: Mapping[str, str] | None = None,
    request_tags: Mapping[str, str] | None = None,
) -> AsyncIterator[None]:
    """Inside: an ``AwsAccessDeniedError`` becomes an ``ExplainedDenialError`` (the tags, when the
    use case knows them, spare an AWS call and describe what was asked)."""
    try:
        yield
    except AwsAccessDeniedError as denied:
        try:
            body = await explain_denial(services, denied, resource_tags, request_tags)
        except Exception:  # the denial itself must still reach the user
            log.exception("explaining an AWS AccessDenied failed")
            body = unexplained_body(denied)
        raise ExplainedDenialError(body) from denied


def explains_denials(
    use_case: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[R]]:
    """A use case ``(services, ...)`` whose AWS denials leave it explained."""

    @functools.wraps(use_case)
    async def explained(*args: P.args, **kwargs: P.kwargs) -> R:
        services = args[0]
        assert isinstance(services, Services)
        async with denials_explained(services):
            return await use_case(*args, **kwargs)

    return explained
