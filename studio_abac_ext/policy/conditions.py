"""Evaluating one condition (operator + key + values) against a request context.

The rules, from AWS's documentation of condition operators and multivalued keys:
- a missing key makes a condition false, except with IfExists, with a negated operator
  (StringNotEquals, NotIpAddress...) and with ForAllValues, where it is true;
- the policy's values are OR'ed (NOR for a negated operator); ForAnyValue needs one request
  value to pass, ForAllValues every one;
- AWS says "Multivalued context keys require a condition set operator" and not what a plain
  operator does with several request values. A plain operator passes when any value matches
  (as the IAM policy simulator does), a negated one when none does; but a negated one in a
  Deny applies when any value does not match, so that reading never lets a Deny fail open
  (docs/engine.md);
- a policy variable whose key is absent "is effectively null. There is no equal or like
  value": that one policy value matches nothing, the others still count, so a negated
  operator holds for it ("Inverted condition operators ... do match against a null value").
"""

from __future__ import annotations

from collections.abc import Sequence

from .explanation import ConditionTrace
from .model import ConditionClause
from .operators import OperatorSpec, Prepared
from .variables import NormalizedContext, joined

Outcome = bool | None


def _resolve_policy_values(
    clause: ConditionClause, spec: OperatorSpec, context: NormalizedContext
) -> tuple[list[Prepared | None], list[str | None]]:
    if clause.static_prepared is not None:
        return list(clause.static_prepared), list(clause.values)
    prepared: list[Prepared | None] = []
    texts: list[str | None] = []
    for template in clause.templates:
        segments = template.resolve(context)
        if segments is None:
            prepared.append(None)
            texts.append(None)
        else:
            prepared.append(spec.prepare(segments))
            texts.append(joined(segments))
    return prepared, texts


def _missing_key_outcome(clause: ConditionClause, spec: OperatorSpec) -> tuple[bool, str]:
    operator = clause.operator
    if operator.qualifier == "ForAllValues":
        return True, "ForAllValues is true when the key is absent"
    if operator.qualifier == "ForAnyValue":
        return False, "ForAnyValue is false when the key is absent"
    if operator.if_exists:
        return True, "IfExists is true when the key is absent"
    if spec.negated:
        return True, f"{spec.name} is true when the key is absent"
    return False, "the condition needs it"


def evaluate_clause(
    clause: ConditionClause, context: NormalizedContext, explain: bool, *, deny: bool = False
) -> tuple[Outcome, ConditionTrace | None]:
    """The condition's outcome (``None`` = unevaluable) and, when asked, its trace."""
    spec = clause.operator.spec
    entry = context.get(clause.key_lower)
    request_values: tuple[str, ...] = entry[0] if entry else ()
    if spec is None or clause.problem:
        reason = f"cannot evaluate: {clause.problem}"
        return None, _trace(clause, request_values, [], False, reason, True) if explain else None
    if spec.family == "Null":
        return _evaluate_null(clause, entry is not None, request_values, explain)
    try:
        prepared, resolved = _resolve_policy_values(clause, spec, context)
    except ValueError as exc:
        reason = f"cannot evaluate: invalid value for {spec.name}: {exc}"
        return None, _trace(clause, request_values, [], False, reason, True) if explain else None
    if entry is None:
        result, why = _missing_key_outcome(clause, spec)
        if not explain:
            return result, None
        return result, _trace(clause, (), resolved, result, f"{clause.key} is missing; {why}")
    matched = [_matches_any(spec, value, prepared) for value in request_values]
    several = entry is not None and entry[1] and len(request_values) > 1
    outcome = _combine(clause.operator.qualifier, spec, matched, several, deny)
    if not explain:
        return outcome, None
    reason = _describe(clause, spec, request_values, resolved, matched)
    if any(p is None for p in prepared):
        reason += f" ({_unresolved_text(clause, resolved)}: that value matches nothing)"
    return outcome, _trace(clause, request_values, resolved, outcome, reason)


def _matches_any(spec: OperatorSpec, value: str, prepared: Sequence[Prepared | None]) -> bool:
    test = spec.test
    return any(p is not None and test(value, p) for p in prepared)


def _combine(
    qualifier: str | None, spec: OperatorSpec, matched: list[bool], several: bool, deny: bool
) -> bool:
    """``matched[i]``: request value i equals (is like...) one of the policy values."""
    passed = [not m for m in matched] if spec.negated else matched
    if qualifier == "ForAnyValue":
        return any(passed)
    if qualifier == "ForAllValues":
        return all(passed)
    if several and spec.negated and deny:  # never let the reading make a Deny fail open
        return any(passed)
    return all(passed) if spec.negated else any(passed)


def _evaluate_null(
    clause: ConditionClause, present: bool, request_values: tuple[str, ...], explain: bool
) -> tuple[Outcome, ConditionTrace | None]:
    wanted = clause.static_prepared or ()
    result = any((value == "true") != present for value in wanted)
    if not explain:
        return result, None
    state = "present" if present else "absent"
    reason = f"{clause.key} is {state}"
    return result, _trace(clause, request_values, list(clause.values), result, reason)


def _unresolved_text(clause: ConditionClause, resolved: Sequence[str | None]) -> str:
    names = [
        variable.written
        for template, text in zip(clause.templates, resolved, strict=True)
        if text is None
        for variable in template.variables
    ]
    return "cannot resolve " + ", ".join(dict.fromkeys(names))


def describe_policy_values(clause: ConditionClause, resolved: Sequence[str | None]) -> str:
    shown: list[str] = []
    for written, text in zip(clause.values, resolved, strict=True):
        if text is None:
            shown.append(f"{written} (unresolved)")
        else:
            shown.append(text)
    return shown[0] if len(shown) == 1 else "one of " + ", ".join(shown)


def _describe(
    clause: ConditionClause,
    spec: OperatorSpec,
    request_values: tuple[str, ...],
    resolved: Sequence[str | None],
    matched: list[bool],
) -> str:
    policy_text = describe_policy_values(clause, resolved)
    shown = ", ".join(request_values)
    qualifier = clause.operator.qualifier
    if qualifier:
        count = sum(matched)
        return (
            f"{qualifier}: {count} of {len(matched)} value(s) of {clause.key} ({shown}) "
            f"{spec.verb} {policy_text}"
        )
    verb = spec.verb if any(matched) else spec.negated_verb
    return f"{clause.key} ({shown}) {verb} {policy_text}"


def _trace(
    clause: ConditionClause,
    request_values: tuple[str, ...],
    resolved: Sequence[str | None],
    result: bool,
    reason: str,
    unevaluable: bool = False,
) -> ConditionTrace:
    return ConditionTrace(
        operator=clause.operator.written,
        key=clause.key,
        key_present=bool(request_values),
        request_values=request_values,
        policy_values=clause.values,
        resolved_policy_values=tuple(resolved) if resolved else tuple(clause.values),
        result=result,
        reason=reason,
        span=clause.span,
        unevaluable=unevaluable,
        unresolved_keys=_unresolved_keys(clause, resolved),
    )


def _unresolved_keys(clause: ConditionClause, resolved: Sequence[str | None]) -> tuple[str, ...]:
    if not resolved or all(text is not None for text in resolved):
        return ()
    keys = [
        variable.key
        for template, text in zip(clause.templates, resolved, strict=True)
        if text is None
        for variable in template.variables
    ]
    return tuple(dict.fromkeys(keys))
