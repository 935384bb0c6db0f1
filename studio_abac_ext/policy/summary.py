"""Turning an evaluation into an explanation: what decided, the closest misses, short text.

The closest candidates of an implicit deny are Allow statements of the layer that refused
whose action, resource and principal matched but whose conditions did not hold, ranked by
how few conditions failed (then by how many held, then by policy order).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any, Protocol

from .explanation import (
    ConditionTrace,
    Explanation,
    MissingKeyDeny,
    PolicySource,
    StatementTrace,
    UnevaluableStatement,
)
from .matching import resource_part
from .operators import parse_operator

if TYPE_CHECKING:
    from .evaluate import Decision
    from .statements import StatementResult

_MAX_CLOSEST = 5

_LAYER_PHRASES = {
    "identity": "no statement allows",
    "resource": "the resource-based policy does not allow (cross-account access needs it)",
    "boundary": "the permissions boundary does not allow",
    "session": "the session policy does not allow",
}


class _LayerView(Protocol):
    name: str
    allows: list[tuple[StatementResult, Any, int]]
    denies: list[tuple[StatementResult, Any, int]]
    traces: list[StatementTrace]
    unevaluable: list[UnevaluableStatement]


def _closeness(trace: StatementTrace) -> tuple[int, int]:
    failed = sum(1 for c in trace.conditions if not c.result)
    held = len(trace.conditions) - failed
    return failed, -held


def _closest(layer: _LayerView | None) -> tuple[StatementTrace, ...]:
    if layer is None:
        return ()
    candidates = [
        trace
        for trace in layer.traces
        if trace.effect == "Allow"
        and trace.action_matched
        and trace.resource_matched
        and trace.principal_matched is not False
        and not trace.matched
    ]
    ranked = sorted(enumerate(candidates), key=lambda item: (_closeness(item[1]), item[0]))
    return tuple(trace for _, trace in ranked[:_MAX_CLOSEST])


def _absent_keys(traces: Sequence[StatementTrace], *, for_deny: bool) -> tuple[str, ...]:
    keys: dict[str, str] = {}
    for trace in traces:
        for condition in trace.conditions:
            relevant = condition.result if for_deny else not condition.result
            if not relevant:
                continue
            if not condition.key_present:
                keys.setdefault(condition.key.lower(), condition.key)
            for key in condition.unresolved_keys:
                keys.setdefault(key.lower(), key)
    return tuple(keys.values())


def _keys_missing_for(condition: ConditionTrace) -> tuple[str, ...]:
    """The absent keys that made a Deny's condition hold (or fail closed); () if none did."""
    if condition.unevaluable:
        return condition.unresolved_keys
    if condition.result and not condition.key_present:
        return (condition.key,)
    return ()


def _deny_because_missing(deciding: Sequence[StatementTrace]) -> tuple[MissingKeyDeny, ...]:
    found: list[MissingKeyDeny] = []
    for trace in deciding:
        held = [(c, _keys_missing_for(c)) for c in trace.conditions]
        held = [(c, keys) for c, keys in held if keys]
        if not held:
            continue
        keys = tuple(dict.fromkeys(key for _, ks in held for key in ks))
        found.append(
            MissingKeyDeny(
                policy=trace.policy,
                policy_type=trace.policy_type,
                sid=trace.sid,
                index=trace.index,
                span=trace.span,
                missing_keys=keys,
                conditions=tuple(c for c, _ in held),
            )
        )
    return tuple(found)


def build_explanation(
    value: str,
    denied_at: str | None,
    layers: Sequence[_LayerView],
    sources: tuple[PolicySource, ...],
) -> Explanation:
    statements = tuple(chain.from_iterable(layer.traces for layer in layers))
    by_name = {layer.name: layer for layer in layers}
    deciding: tuple[StatementTrace, ...] = ()
    closest: tuple[StatementTrace, ...] = ()
    missing_denies: tuple[MissingKeyDeny, ...] = ()
    if value == "explicitDeny":
        deciding = tuple(r.trace for layer in layers for r, _, _ in layer.denies if r.trace)
        absent = _absent_keys(deciding, for_deny=True)
        missing_denies = _deny_because_missing(deciding)
    elif value == "allowed":
        granting = [by_name[name] for name in ("resource", "identity") if name in by_name]
        deciding = tuple(r.trace for layer in granting for r, _, _ in layer.allows if r.trace)
        if not deciding:
            deciding = tuple(r.trace for layer in layers for r, _, _ in layer.allows if r.trace)
        absent = ()
    else:
        closest = _closest(by_name.get(denied_at or ""))
        absent = _absent_keys(closest, for_deny=False)
    return Explanation(
        statements=statements,
        deciding=deciding,
        closest=closest,
        unevaluable=tuple(u for layer in layers for u in layer.unevaluable),
        policies=sources,
        denied_at=denied_at,
        absent_keys_that_mattered=absent,
        deny_because_missing=missing_denies,
    )


def statement_label(trace: StatementTrace) -> str:
    start, end = trace.span.lines
    lines = f"line {start}" if start == end else f"lines {start}-{end}"
    return f"{trace.label} (policy {trace.policy}, {lines})"


def _shown_policy_values(condition: ConditionTrace) -> str:
    shown: list[str] = []
    for written, resolved in zip(
        condition.policy_values, condition.resolved_policy_values, strict=False
    ):
        if resolved is None:
            shown.append(f"{written} (missing)")
        elif resolved != written:
            shown.append(f"{written} ({resolved})")
        else:
            shown.append(written)
    return " or ".join(shown)


def requirement(condition: ConditionTrace) -> str:
    """What a condition asks for, with the request's values: the words of the summary."""
    parsed = parse_operator(condition.operator)
    spec = parsed.spec
    if condition.unevaluable or spec is None:
        return f"{condition.operator} on {condition.key} can be evaluated ({condition.reason})"
    request = ", ".join(condition.request_values) if condition.key_present else "missing"
    if spec.family == "Null":
        wants_absent = any(v.lower() == "true" for v in condition.policy_values)
        return f"{condition.key} ({request}) is {'absent' if wants_absent else 'present'}"
    verb = spec.negated_verb if spec.negated else spec.verb
    subject = f"{condition.key} ({request})"
    if parsed.qualifier == "ForAnyValue":
        subject = f"some value of {subject}"
    elif parsed.qualifier == "ForAllValues":
        subject = f"every value of {subject}"
    text = f"{subject} {verb} {_shown_policy_values(condition)}"
    if parsed.if_exists:
        text += " (or the key is absent)"
    return text


def _allowed_summary(explanation: Explanation | None, action: str, target: str) -> str:
    if not (explanation and explanation.deciding):
        return f"Allowed: {action} on {target}."
    grant = explanation.deciding[0]
    text = f"Allowed: {statement_label(grant)} allows {action} on {target}"
    if grant.conditions:
        text += " because " + " and ".join(c.reason for c in grant.conditions[:2])
    return text + "."


def _explicit_deny_summary(explanation: Explanation | None, action: str, target: str) -> str:
    if not (explanation and explanation.deciding):
        return f"Denied explicitly: a Deny statement covers {action} on {target}."
    deny = explanation.deciding[0]
    text = f"Denied explicitly: {statement_label(deny)} denies {action} on {target}"
    if deny.unevaluable_reason:
        text += f"; it could not be evaluated ({deny.unevaluable_reason}), so it denies"
    elif deny.conditions:
        text += " because " + " and ".join(c.reason for c in deny.conditions[:2])
    return text + "." + _missing_key_note(explanation, deny)


def _missing_key_note(explanation: Explanation, deny: StatementTrace) -> str:
    """Say so when a Deny held only because the request lacked keys: the fix is to send them."""
    notes: list[str] = []
    for entry in explanation.deny_because_missing:
        keys = ", ".join(entry.missing_keys)
        is_first = (entry.policy, entry.index) == (deny.policy, deny.index)
        subject = "It" if is_first else f"{entry.label} (policy {entry.policy}) also"
        notes.append(f" {subject} denies only because the request lacks {keys}.")
    return "".join(notes)


def _implicit_deny_summary(
    explanation: Explanation | None, layer: str, action: str, target: str
) -> str:
    phrase = _LAYER_PHRASES.get(layer, f"the service control policies ({layer}) do not allow")
    text = f"Denied: {phrase} {action} on {target}."
    if explanation is None:
        return text
    if explanation.closest:
        best = explanation.closest[0]
        if best.unevaluable_reason:
            text += (
                f" Closest: {statement_label(best)} could not be evaluated "
                f"({best.unevaluable_reason}), so it allows nothing."
            )
        else:
            needs = " and ".join(requirement(c) for c in best.failed_conditions)
            text += f" Closest: {statement_label(best)} allows it only when {needs}."
    if explanation.absent_keys_that_mattered:
        missing = ", ".join(explanation.absent_keys_that_mattered)
        text += f" Missing from the request: {missing}."
    return text


def render_summary(decision: Decision) -> str:
    """A short human sentence or two saying what decided and why."""
    target = resource_part(decision.resource)
    if decision.decision == "allowed":
        return _allowed_summary(decision.explanation, decision.action, target)
    if decision.decision == "explicitDeny":
        return _explicit_deny_summary(decision.explanation, decision.action, target)
    layer = decision.denied_at or "identity"
    return _implicit_deny_summary(decision.explanation, layer, decision.action, target)


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    """The JSON shape the REST API and the frontend rely on (``aws_output`` writes the same
    keys, in the same order, as text: change both together)."""
    explanation = decision.explanation
    body: dict[str, Any] = {
        "decision": decision.decision,
        "action": decision.action,
        "resource": decision.resource,
        "principal": decision.principal,
        "summary": render_summary(decision),
        "deciding": [],
        "closest": [],
        "missingContextKeys": list(decision.missing_context_keys),
        "unevaluable": [],
        "statements": [],
        "policies": [],
        "deniedAt": decision.denied_at,
        "matchedStatements": [ref.to_dict() for ref in decision.matched_statements],
        "absentKeysThatMattered": [],
        "denyBecauseMissing": [],
    }
    if explanation is not None:
        body["deciding"] = [t.to_dict() for t in explanation.deciding]
        body["closest"] = [t.to_dict() for t in explanation.closest]
        body["unevaluable"] = [u.to_dict() for u in explanation.unevaluable]
        body["statements"] = [t.to_dict() for t in explanation.statements]
        body["policies"] = [p.to_dict() for p in explanation.policies]
        body["absentKeysThatMattered"] = list(explanation.absent_keys_that_mattered)
        body["denyBecauseMissing"] = [d.to_dict() for d in explanation.deny_because_missing]
    return body
