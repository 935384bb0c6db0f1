"""Experiments: preflight, create with the caller's team and user tags, update, delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..aws import experiments as aws_experiments
from ..aws.errors import AwsAccessDeniedError
from ..aws.identity import Attribute, CallerIdentity
from ..aws.policy_sources import KnownPolicies
from ..aws.resources import KINDS, ResourceRecord, find_by_name
from ..policy import render_summary
from ..web.request_models import MAX_TAGS, ExperimentChange, ExperimentInput, validate_entity_name
from .caller_requests import caller_request, decide, unknown_principal_keys
from .errors import NotFoundError, RequestValidationError, TeamUnknownError
from .permissions import resource_item
from .services import Services

SOURCE_WORDS = {
    "role-tag": "your role's tag",
    "user-tag": "your IAM user's tag",
    "session-tag": "your session's tag",
    "user-profile-tag": "your Studio user profile's tag",
    "config": "the extension's configuration",
}


@dataclass(frozen=True)
class CreatePlan:
    identity: CallerIdentity
    arn: str
    tags: dict[str, str]
    locked: list[dict[str, str]]


def _required_by(policies: KnownPolicies, key: str) -> bool:
    texts = [p.text for p in policies.policies.identity] if policies.policies else []
    return any(f"aws:RequestTag/{key}" in text or "aws:TagKeys" in text for text in texts)


def _lock(
    tags: dict[str, str], key: str, attribute: Attribute, policies: KnownPolicies
) -> dict[str, str] | None:
    if attribute.value is None:
        return None
    given = tags.get(key)
    if given is not None and given != attribute.value:
        raise RequestValidationError(
            f"$.tags.{key}",
            f"must equal your {key} ({attribute.value})",
            f"The {key} tag is set by the server to {attribute.value!r}; "
            f"{given!r} is not yours to choose.",
        )
    tags[key] = attribute.value
    why = "your policies require it" if _required_by(policies, key) else "it marks what is yours"
    origin = SOURCE_WORDS.get(attribute.source or "", "what is known about you")
    return {"key": key, "value": attribute.value, "reason": f"added from {origin}; {why}"}


async def plan_create(services: Services, body: ExperimentInput) -> CreatePlan:
    identity = await services.identity()
    if identity.team.value is None:
        raise TeamUnknownError(
            f"Your team is unknown, so the experiment cannot get its team tag and nothing was "
            f"created. {identity.team.reason}",
            reason=identity.team.reason,
        )
    policies = await services.policies()
    tags = dict(body.tags)
    locked = [
        lock
        for lock in (
            _lock(tags, services.team_key, identity.team, policies),
            _lock(tags, services.user_key, identity.studio_user_id, policies),
        )
        if lock is not None
    ]
    if len(tags) > MAX_TAGS:
        raise RequestValidationError(
            "$.tags", f"at most {MAX_TAGS} tags in all", "With the server's tags, too many tags."
        )
    arn = aws_experiments.experiment_arn(services.region, identity.account, body.name)
    return CreatePlan(identity, arn, tags, locked)


async def preflight(services: Services, body: ExperimentInput) -> dict[str, Any]:
    plan = await plan_create(services, body)
    policies = await services.policies()
    result: dict[str, Any] = {"tags": plan.tags, "lockedTags": plan.locked}
    if policies.policies is None:
        return {
            **result,
            "decision": "unknown",
            "summary": f"Your policies are unknown: {policies.reason}",
            "explanation": None,
        }
    request = caller_request(
        plan.identity, "sagemaker:CreateExperiment", plan.arn, request_tags=plan.tags
    )
    decision = decide(policies.policies, request)
    value = decision.decision
    if not decision.allowed and unknown_principal_keys(decision):
        value = "unknown"  # type: ignore[assignment]
    return {
        **result,
        "decision": value,
        "summary": render_summary(decision),
        "explanation": decision.to_dict(),
    }


async def create(services: Services, body: ExperimentInput) -> dict[str, Any]:
    plan = await plan_create(services, body)
    try:
        arn = await aws_experiments.create_experiment(
            services.runner, plan.arn, body.name, plan.tags, body.description, body.display_name
        )
    except AwsAccessDeniedError as denied:
        denied.request_tags = plan.tags
        denied.resource_tags = {}  # it does not exist yet
        raise
    profile = plan.identity.studio.user_profile_name if plan.identity.studio else None
    record = ResourceRecord(
        "experiment", body.name, arn, datetime.now(timezone.utc), plan.tags, profile
    )
    return resource_item(
        await services.policies(), plan.identity, record, services.team_key, services.user_key
    )


async def update(services: Services, name: str, change: ExperimentChange) -> dict[str, Any]:
    validate_entity_name(name, "name")
    identity = await services.identity()
    arn = aws_experiments.experiment_arn(services.region, identity.account, name)
    await aws_experiments.update_experiment(
        services.runner, arn, name, change.description, change.display_name
    )
    record = await find_by_name(services.runner, KINDS["experiment"], name)
    if record is None:
        raise NotFoundError(f"Experiment {name!r} was updated but cannot be found any more.")
    return resource_item(
        await services.policies(), identity, record, services.team_key, services.user_key
    )


async def delete(services: Services, name: str) -> None:
    validate_entity_name(name, "name")
    identity = await services.identity()
    arn = aws_experiments.experiment_arn(services.region, identity.account, name)
    await aws_experiments.delete_experiment(services.runner, arn, name)
