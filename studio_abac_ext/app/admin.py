"""Admin endpoints, answered with the caller's own AWS permissions."""

from __future__ import annotations

import re
from typing import Any

from ..aws.athena_sql import parse_denials_source
from ..aws.cloudtrail import DenialLookup, lookup_denials
from ..aws.iam_policies import RolePolicies, load_role_policies, role_name_from_arn
from ..isolation.checker import check_isolation
from ..isolation.world import TagKeys
from ..policy import (
    PolicyParseError,
    PolicySet,
    Request,
    build_request_context,
    evaluate,
    parse_policy,
)
from ..policy.arns import session_of
from . import athena_denials
from .access_denied import explains_denials
from .caller_requests import as_context
from .errors import RequestValidationError
from .inputs import DenialsQuery, SimulateInput
from .services import Services
from .whatif import decision_body, live_resource_tags

ROLE_NAME = re.compile(r"[A-Za-z0-9+=,.@_-]{1,64}")
ROLE_NAME_RULE = "1-64 letters, digits and + = , . @ _ -"


@explains_denials
async def denials(services: Services, query: DenialsQuery) -> dict[str, Any]:
    """Recent denials from the configured source, which the answer names."""
    table = parse_denials_source(services.config.denials_source)
    if table is not None:
        return await athena_denials.denials(services, table, query)
    events = await lookup_denials(
        services.runner,
        DenialLookup(query.user, query.action, query.limit, services.config.denial_pages),
    )
    return {"source": "cloudtrail", "events": events}


def _athena_table(services: Services) -> athena_denials.AthenaTable:
    table = parse_denials_source(services.config.denials_source)
    if table is None:
        raise RequestValidationError(
            "id",
            "an Athena denials source",
            "Denials come from CloudTrail LookupEvents here (c.StudioAbac.denials_source), "
            "which runs no queries.",
        )
    return table


@explains_denials
async def denials_query(services: Services, query_id: str) -> dict[str, Any]:
    """A running Athena denials query's progress, or its events once it succeeded."""
    return await athena_denials.progress(services, _athena_table(services), query_id)


@explains_denials
async def cancel_denials_query(services: Services, query_id: str) -> dict[str, Any]:
    return await athena_denials.cancel(services, _athena_table(services), query_id)


def _role_name(principal: str, field: str) -> str:
    """A role name from a name, a role ARN or a role session's ARN."""
    session = session_of(principal)
    if session is not None:
        name = session[0]
    else:
        try:
            name = str(role_name_from_arn(principal))
        except ValueError as error:
            raise RequestValidationError(field, "role name or role ARN", str(error)) from None
    if not ROLE_NAME.fullmatch(name):
        raise RequestValidationError(
            field, ROLE_NAME_RULE, f"{name!r} is not an IAM role name ({ROLE_NAME_RULE})."
        )
    return name


async def _role(services: Services, name: str) -> RolePolicies:
    iam = services.clients.get("iam")
    role: RolePolicies = await services.runner.run(lambda: load_role_policies(iam, name))
    return role


def _inline_policies(texts: list[str]) -> PolicySet:
    policies = []
    for index, text in enumerate(texts):
        try:
            policies.append(parse_policy(text, name=f"policy-{index + 1}"))
        except PolicyParseError as error:
            raise RequestValidationError(
                f"$.policies[{index}]", "IAM policy JSON", str(error)
            ) from None
    return PolicySet(identity=policies)


@explains_denials
async def simulate(services: Services, body: SimulateInput) -> dict[str, Any]:
    principal_arn = body.principal if body.principal.startswith("arn:") else None
    tags: dict[str, str] = {}
    if body.policies is not None:
        texts = body.policies
        policies = await services.evaluate(lambda: _inline_policies(texts))
    else:
        role = await _role(services, _role_name(body.principal, "$.principal"))
        policies = role.to_policy_set()
        tags = dict(role.tags)
        principal_arn = principal_arn or role.role_arn
    resource_tags = body.resource_tags
    gives_tags = any("resourcetag/" in key.lower() for key in body.context)
    if resource_tags is None and not gives_tags:
        # Explaining a recorded denial: the resource's tags as they are now decide.
        resource_tags = await live_resource_tags(services, body.resource)
    context = build_request_context(
        principal_arn=principal_arn,
        principal_tags=tags,
        resource_tags=resource_tags,
        request_tags=body.request_tags,
        service=body.action.split(":", 1)[0].lower(),
        extra=as_context(body.context),
    )
    request = Request(body.action, body.resource, principal_arn, context)
    return await services.evaluate(lambda: decision_body(evaluate(request, policies)))


@explains_denials
async def isolation(services: Services, role: str | None) -> dict[str, Any]:
    identity = await services.identity()
    name = _role_name(role, "role") if role else identity.parsed.role_name
    if not name:
        raise RequestValidationError(
            "role", "required", "You are not a role: name the role to check."
        )
    loaded = await _role(services, name)
    policy_set = loaded.to_policy_set()
    keys = TagKeys(team=services.team_key, user=services.user_key)
    findings = await services.evaluate(
        lambda: check_isolation(
            policy_set, tag_keys=keys, account_id=identity.account, region=services.region
        )
    )
    return {"role": loaded.role_arn, "findings": [f.to_dict() for f in findings]}
