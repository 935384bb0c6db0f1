"""Decisions of the engine for this kernel's caller: `%abac why` and `%abac can`."""

from __future__ import annotations

from collections.abc import Mapping

from ..policy import Decision, Request, build_request_context, evaluate
from ..policy.explanation import StatementTrace
from .caller import KernelCaller

TAGGING_PREFIXES = ("Create", "AddTags", "TagResource")


def decide(
    caller: KernelCaller, action: str, resource: str, request_tags: Mapping[str, str] | None
) -> Decision | str:
    """The engine's decision on the caller's known policies, or why it cannot decide."""
    identity = caller.identity()
    if identity is None:
        return f"who you are is unknown: {caller.failure}"
    known = caller.policies()
    if known.policies is None:
        return f"your policies are unknown: {known.reason}"
    service, _, operation = action.partition(":")
    sends_tags = operation.startswith(TAGGING_PREFIXES) and not operation.startswith(
        "CreatePresigned"
    )
    resource_tags = caller.resource_tags(resource) if resource != "*" else None
    context = build_request_context(
        principal_arn=identity.arn,
        principal_tags=identity.principal_tags,
        resource_tags=resource_tags,
        request_tags=dict(request_tags or {}) if sends_tags else None,
        service=service.lower(),
    )
    request = Request(action=action, resource=resource, principal_arn=identity.arn, context=context)
    return evaluate(request, known.policies)


def _statement(trace: StatementTrace) -> str:
    name = f"{trace.policy}/{trace.sid}" if trace.sid else f"{trace.policy}#{trace.index}"
    failing = [c for c in trace.conditions if not c.result]
    lines = [f"  {trace.effect} statement {name}"]
    for condition in failing:
        lines.append(f"    {condition.operator} {condition.key}: {condition.reason}")
    return "\n".join(lines)


def describe(decision: Decision | str) -> str:
    if isinstance(decision, str):
        return f"studio-abac cannot explain it: {decision}"
    lines = [decision.summary()]
    explanation = decision.explanation
    if explanation is not None:
        shown = explanation.deciding or explanation.closest
        if shown:
            label = "deciding" if explanation.deciding else "closest"
            lines.append(f"{label} statement(s):")
            lines += [_statement(trace) for trace in shown]
    return "\n".join(lines)
