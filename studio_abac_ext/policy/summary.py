"""The prose of a decision: one or two sentences saying what decided and why.

Reads the explanation's data (:mod:`.explanation`) only; it is built by :mod:`.explainer`.
"""

from __future__ import annotations

from .arns import resource_part
from .explanation import ConditionTrace, Explanation, StatementTrace
from .operators import parse_operator

_LAYER_PHRASES = {
    "identity": "no statement allows",
    "resource": (
        "the resource-based policy does not allow (cross-account access, role trust policies"
        " and KMS key policies need it)"
    ),
    "boundary": "the permissions boundary does not allow",
    "session": "the session policy does not allow",
}


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
    return text + "." + _unresolved_resource_note(grant)


def _unresolved_resource_note(trace: StatementTrace) -> str:
    """A Resource/NotResource pattern whose variable has no value matches nothing."""
    if not trace.unresolved_keys:
        return ""
    keys = ", ".join(trace.unresolved_keys)
    return (
        f" Its resource patterns with {keys} match nothing (the request lacks {keys}), "
        "so a NotResource excludes nothing."
    )


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


def summarize(
    decision: str,
    action: str,
    resource: str,
    denied_at: str | None,
    explanation: Explanation | None,
) -> str:
    """A short human sentence or two saying what decided and why."""
    target = resource_part(resource)
    if decision == "allowed":
        return _allowed_summary(explanation, action, target)
    if decision == "explicitDeny":
        return _explicit_deny_summary(explanation, action, target)
    return _implicit_deny_summary(explanation, denied_at or "identity", action, target)
