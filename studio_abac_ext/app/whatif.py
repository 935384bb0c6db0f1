"""POST explain: what would AWS decide for the caller, without calling the action."""

from __future__ import annotations

from typing import Any

from ..aws.errors import AwsError, AwsUnavailableError
from ..aws.resources import resource_tags
from ..policy import Decision, render_summary
from .access_denied import explains_denials
from .caller_requests import as_context, caller_request, decide, unknown_principal_keys
from .inputs import ExplainInput
from .services import Services


def decision_body(decision: Decision) -> dict[str, Any]:
    value: str = decision.decision
    if not decision.allowed and unknown_principal_keys(decision):
        value = "unknown"
    return {
        "decision": value,
        "summary": render_summary(decision),
        "explanation": decision.to_dict(),
    }


async def live_resource_tags(services: Services, resource: str) -> dict[str, str] | None:
    """A SageMaker resource's tags as AWS sees them now, or None when they cannot be known."""
    if not resource.startswith("arn:aws:sagemaker:"):
        return None
    try:
        return await resource_tags(services.runner, resource)
    except AwsUnavailableError:
        raise
    except AwsError:
        return None  # a resource that does not exist yet, or one we may not read


@explains_denials
async def explain(services: Services, body: ExplainInput) -> dict[str, Any]:
    identity = await services.identity()
    policies = await services.policies()
    if policies.policies is None:
        return {
            "decision": "unknown",
            "summary": f"Your policies are unknown: {policies.reason}",
            "explanation": None,
        }
    gives_tags = any("resourcetag/" in key.lower() for key in body.context)
    tags = None if gives_tags else await live_resource_tags(services, body.resource)
    request = caller_request(
        identity, body.action, body.resource, resource_tags=tags, extra=as_context(body.context)
    )
    known = policies.policies
    return await services.evaluate(lambda: decision_body(decide(known, request)))
