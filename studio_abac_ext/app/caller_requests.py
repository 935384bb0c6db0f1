"""Engine requests for the caller, with a context built the way AWS builds it."""

from __future__ import annotations

from collections.abc import Mapping

from ..aws.identity import CallerIdentity
from ..policy import ContextValue, Decision, PolicySet, Request, build_request_context, evaluate


def caller_request(
    identity: CallerIdentity,
    action: str,
    resource: str,
    *,
    resource_tags: Mapping[str, str] | None = None,
    request_tags: Mapping[str, str] | None = None,
    extra: Mapping[str, ContextValue] | None = None,
) -> Request:
    """Resource tags as ``aws:`` and ``<service>:ResourceTag`` keys, request tags with
    ``aws:TagKeys``, the caller's principal tags; ``extra`` (a what-if) wins over all."""
    service = action.split(":", 1)[0].lower()
    context = build_request_context(
        principal_arn=identity.arn,
        principal_tags=identity.principal_tags,
        resource_tags=resource_tags,
        request_tags=request_tags,
        service=service,
        extra=extra,
    )
    return Request(action=action, resource=resource, principal_arn=identity.arn, context=context)


class CallerRequests:
    """The caller's requests about many resources, as for one page: resources with the same tags
    share one context object, which ``evaluate_many`` then normalizes once."""

    def __init__(self, identity: CallerIdentity) -> None:
        self.identity = identity
        self._contexts: dict[tuple[str, frozenset[tuple[str, str]]], Request] = {}

    def about(self, action: str, resource: str, resource_tags: Mapping[str, str]) -> Request:
        key = (action.split(":", 1)[0].lower(), frozenset(resource_tags.items()))
        shared = self._contexts.get(key)
        if shared is None:
            shared = caller_request(self.identity, action, resource, resource_tags=resource_tags)
            self._contexts[key] = shared
        return Request(action, resource, self.identity.arn, shared.context)


def as_context(values: Mapping[str, str | list[str]]) -> dict[str, ContextValue]:
    """A what-if context from JSON: strings, or lists of strings for multi-valued keys."""
    return {key: list(value) if isinstance(value, list) else value for key, value in values.items()}


def unknown_principal_keys(decision: Decision) -> list[str]:
    """Principal tags the decision needed but nobody could tell us."""
    return [k for k in decision.missing_context_keys if k.lower().startswith("aws:principaltag/")]


def decide(policies: PolicySet, request: Request, *, explain: bool = True) -> Decision:
    return evaluate(request, policies, explain=explain)
