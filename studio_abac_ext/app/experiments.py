"""Experiments: preflight, create with the caller's team and user tags, update, delete."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from ..aws import experiments as aws_experiments
from ..aws.identity import Attribute, CallerIdentity
from ..aws.policy_sources import KnownPolicies
from ..policy import Decision, PolicySet, StatementRef, render_summary
from .access_denied import denials_explained, explains_denials
from .caller_requests import caller_request, decide, unknown_principal_keys
from .errors import RequestValidationError, TeamUnknownError
from .inputs import ExperimentChange, ExperimentInput
from .permissions import resource_item
from .services import Services

CREATE = "sagemaker:CreateExperiment"
SOURCE_WORDS = {
    "role-tag": "your role's tag",
    "user-tag": "your IAM user's tag",
    "session-tag": "your sign-in's session tag",
    "user-profile-tag": "your Studio user profile's tag",
    "config": "the extension's configuration",
}
FOR_ADMINS = "added so admins can see who made it"
# Letters that look like Latin ones (Cyrillic, Greek) in keys, folded to the Latin letter they
# imitate; NFKC already folds full-width and other compatibility forms.
LOOKALIKES = str.maketrans(
    "аеорсухкмтнвіјѕԁɡաոеαβεικνορτυχ",
    "aeopcyxkmthbijsdgwneabeiknoptux",
)


def key_skeleton(key: str) -> str:
    """What a tag key reads as: NFKC, trimmed, case-folded, lookalike letters made Latin, and
    spaces, zero-width and control characters dropped, so ``Team``, ``TEAM``, ``team ``, a
    full-width ``m`` (U+FF4D) or a Cyrillic ``e`` (U+0435) all read ``team``."""
    folded = unicodedata.normalize("NFKC", key).strip().casefold().translate(LOOKALIKES)
    return "".join(c for c in folded if unicodedata.category(c)[0] not in "ZC")


@dataclass(frozen=True)
class CreatePlan:
    identity: CallerIdentity
    arn: str
    tags: dict[str, str]
    locked: list[tuple[str, Attribute]]


def _refuse_spellings(tags: dict[str, str], keys: tuple[str, ...]) -> None:
    """The server's keys in another spelling would give a resource two team tags, and which one
    the engine (reading keys case-insensitively) compares would depend on their order."""
    skeletons = {key_skeleton(key): key for key in keys}
    for given in tags:
        meant = skeletons.get(key_skeleton(given))
        if meant is not None and given != meant:
            raise RequestValidationError(
                f"$.tags.{given}",
                f"not the {meant!r} key in another spelling",
                f"Tag key {given!r} reads as the server's {meant!r} key (ignoring case, spaces "
                f"and lookalike letters); the server sets {meant!r} itself.",
            )


def _lock(tags: dict[str, str], key: str, attribute: Attribute) -> bool:
    if attribute.value is None:
        return False
    given = tags.get(key)
    if given is not None and given != attribute.value:
        raise RequestValidationError(
            f"$.tags.{key}",
            f"must equal your {key} ({attribute.value})",
            f"The {key} tag is set by the server to {attribute.value!r}; "
            f"{given!r} is not yours to choose.",
        )
    tags[key] = attribute.value
    return True


async def plan_create(services: Services, body: ExperimentInput) -> CreatePlan:
    identity = await services.identity()
    if identity.team.value is None:
        raise TeamUnknownError(
            f"Your team is unknown, so the experiment cannot get its team tag and nothing was "
            f"created. {identity.team.reason}",
            reason=identity.team.reason,
        )
    tags = dict(body.tags)
    _refuse_spellings(tags, (services.team_key, services.user_key))
    locked = [
        (key, attribute)
        for key, attribute in (
            (services.team_key, identity.team),
            (services.user_key, identity.studio_user_id),
        )
        if _lock(tags, key, attribute)
    ]
    if len(tags) > aws_experiments.MAX_TAGS:
        raise RequestValidationError(
            "$.tags",
            f"at most {aws_experiments.MAX_TAGS} tags in all",
            "With the server's tags, too many tags.",
        )
    arn = aws_experiments.experiment_arn(services.region, identity.account, body.name)
    return CreatePlan(identity, arn, tags, locked)


def _required_by(without: Decision, with_tag: Decision) -> StatementRef | None:
    """The statement that makes a tag necessary: the Deny that applies without it, or the Allow
    that matches only with it."""
    if without.decision == "explicitDeny" and without.matched_statements:
        return without.matched_statements[0]
    before = {(s.policy, s.index) for s in without.matched_statements}
    return next((s for s in with_tag.matched_statements if (s.policy, s.index) not in before), None)


def tag_reason(
    policies: PolicySet | None, plan: CreatePlan, key: str, with_tag: Decision | None
) -> dict[str, Any]:
    """Whether the create needs ``key``, decided by the engine: without it denied, with it
    allowed."""
    if policies is None or with_tag is None or not with_tag.allowed:
        return {"required": False, "text": FOR_ADMINS}
    tags = {k: v for k, v in plan.tags.items() if k != key}
    request = caller_request(plan.identity, CREATE, plan.arn, request_tags=tags)
    without = decide(policies, request)
    statement = None if without.allowed else _required_by(without, with_tag)
    if statement is None:
        return {"required": False, "text": FOR_ADMINS}
    name = f"{statement.policy}/{statement.sid or f'statement {statement.index + 1}'}"
    return {
        "required": True,
        "statement": {"policy": statement.policy, "sid": statement.sid},
        "text": f"required by {name}",
    }


def _locked_tag(key: str, attribute: Attribute, reason: dict[str, Any]) -> dict[str, str]:
    origin = SOURCE_WORDS.get(attribute.source or "", "what is known about you")
    why = f"your policies require it ({reason['text']})" if reason["required"] else FOR_ADMINS
    return {"key": key, "value": str(attribute.value), "reason": f"added from {origin}; {why}"}


async def preflight(services: Services, body: ExperimentInput) -> dict[str, Any]:
    plan = await plan_create(services, body)
    policies = await services.policies()
    decision = None
    if policies.policies is not None:
        request = caller_request(plan.identity, CREATE, plan.arn, request_tags=plan.tags)
        decision = decide(policies.policies, request)
    reasons = {key: tag_reason(policies.policies, plan, key, decision) for key, _ in plan.locked}
    result: dict[str, Any] = {
        "tags": plan.tags,
        "lockedTags": [_locked_tag(key, attr, reasons[key]) for key, attr in plan.locked],
        "tagReasons": reasons,
    }
    if decision is None:
        return {
            **result,
            "decision": "unknown",
            "summary": f"Your policies are unknown: {policies.reason}",
            "explanation": None,
        }
    value: str = decision.decision
    if not decision.allowed and unknown_principal_keys(decision):
        value = "unknown"
    return {
        **result,
        "decision": value,
        "summary": render_summary(decision),
        "explanation": decision.to_dict(),
    }


async def _item(services: Services, identity: CallerIdentity, arn: str, name: str) -> Any:
    record = await aws_experiments.experiment_record(services.runner, arn, name)
    policies: KnownPolicies = await services.policies()
    return resource_item(policies, identity, record, services.team_key, services.user_key)


@explains_denials
async def create(services: Services, body: ExperimentInput) -> dict[str, Any]:
    plan = await plan_create(services, body)
    # It does not exist yet: no resource tags; the request's tags are what AWS compared.
    async with denials_explained(services, resource_tags={}, request_tags=plan.tags):
        arn = await aws_experiments.create_experiment(
            services.runner, plan.arn, body.name, plan.tags, body.description, body.display_name
        )
    # The answer shows the tags AWS stored (read back), never the request's.
    item: dict[str, Any] = await _item(services, plan.identity, arn, body.name)
    return item


@explains_denials
async def update(services: Services, name: str, change: ExperimentChange) -> dict[str, Any]:
    identity = await services.identity()
    arn = aws_experiments.experiment_arn(services.region, identity.account, name)
    await aws_experiments.update_experiment(
        services.runner, arn, name, change.description, change.display_name
    )
    item: dict[str, Any] = await _item(services, identity, arn, name)
    return item


@explains_denials
async def delete(services: Services, name: str) -> None:
    identity = await services.identity()
    arn = aws_experiments.experiment_arn(services.region, identity.account, name)
    await aws_experiments.delete_experiment(services.runner, arn, name)
