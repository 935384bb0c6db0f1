"""Evaluating one statement against one request: action, resource, principal, conditions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .conditions import evaluate_clause
from .explanation import ConditionTrace, StatementTrace
from .matching import compile_resource_glob
from .model import Policy, Statement
from .principals import GrantKind, match_principal, not_principal_exempts
from .variables import NormalizedContext

Status = Literal["applies", "no", "unevaluable"]


@dataclass(slots=True)
class PreparedRequest:
    """A request with its action lower-cased and its context normalized, made once."""

    action: str
    action_lower: str
    resource: str
    principal_arn: str | None
    context: NormalizedContext
    has_boundary: bool = False
    """The principal's IAM entity has a permissions boundary."""


@dataclass(slots=True)
class StatementResult:
    status: Status
    grant: GrantKind | None
    scoped: bool
    """True when action, resource and principal matched (the conditions were looked at)."""
    trace: StatementTrace | None
    reason: str | None


def _resource_matches(
    statement: Statement, request: PreparedRequest
) -> tuple[bool, tuple[str, ...]]:
    """Whether the Resource/NotResource element covers the request's resource, and the keys of
    its policy variables the request lacks. AWS: "the resource that includes a policy variable
    with no value will not match any resource", so under NotResource it excludes nothing."""
    if statement.resources is None:
        return True, ()
    resource = request.resource
    globs = statement.static_resources
    unresolved: tuple[str, ...] = ()
    if globs is None:
        found = []
        for template in statement.resources:
            segments = template.resolve(request.context)
            if segments is None:
                unresolved += tuple(v.key for v in template.unresolved(request.context))
            else:
                found.append(compile_resource_glob(segments))
        globs = tuple(found)
    for glob in globs:
        if glob.matches_everything or glob.matches(resource):
            return not statement.not_resource, unresolved
    return statement.not_resource, unresolved


def _principal(statement: Statement, request: PreparedRequest) -> tuple[bool, GrantKind | None]:
    if statement.principals is None:
        return True, "direct"
    if statement.not_principal and statement.effect == "Deny" and request.has_boundary:
        # AWS: "The NotPrincipal element with a Deny effect will always deny any IAM principal
        # that has a permissions boundary policy attached, regardless of the values specified
        # in the NotPrincipal element."
        return True, None
    if statement.not_principal:
        exempt = not_principal_exempts(statement.principals, request.principal_arn)
        return not exempt, (None if exempt else "direct")
    grant = match_principal(statement.principals, request.principal_arn)
    return grant is not None, grant


def _conditions(
    statement: Statement, request: PreparedRequest, explain: bool
) -> tuple[bool | None, tuple[ConditionTrace, ...], str | None]:
    """AND of the conditions, three-valued: False wins over unevaluable, which wins over True."""
    outcome: bool | None = True
    traces: list[ConditionTrace] = []
    reason: str | None = None
    for clause in statement.conditions:
        result, trace = evaluate_clause(
            clause, request.context, explain, deny=statement.effect == "Deny"
        )
        if trace is not None:
            traces.append(trace)
        if result is False:
            outcome = False
            if not explain:
                break
        elif result is None and outcome is not False:
            outcome = None
            reason = reason or (
                trace.reason if trace else f"cannot evaluate {clause.operator.written}"
            )
    if outcome is None and reason is None:
        reason = "a condition cannot be evaluated"
    return outcome, tuple(traces), (reason if outcome is None else None)


def evaluate_statement(
    policy: Policy,
    statement: Statement,
    request: PreparedRequest,
    explain: bool,
    action_known_to_match: bool,
) -> StatementResult:
    action_ok = action_known_to_match or statement.matches_action(request.action_lower)
    resource_ok, unresolved = (
        _resource_matches(statement, request) if (action_ok or explain) else (False, ())
    )
    principal_ok, grant = _principal(statement, request)
    scoped = action_ok and resource_ok and principal_ok
    if not scoped:
        if not explain:
            return _OUT_OF_SCOPE
        if unresolved:  # the trace says which keys left a pattern matching nothing
            return _out_of_scope_trace(
                policy, statement, action_ok, False, principal_ok, unresolved
            )
        return _out_of_scope_with_trace(policy, statement, action_ok, resource_ok, principal_ok)
    conditions_ok, condition_traces, reason = _conditions(statement, request, explain)
    status: Status = (
        "applies" if conditions_ok is True else "unevaluable" if conditions_ok is None else "no"
    )
    trace = None
    if explain:
        trace = _trace(
            policy,
            statement,
            (action_ok, resource_ok, principal_ok),
            conditions_ok is True,
            condition_traces,
            reason,
            unresolved,
        )
    return StatementResult(status, grant if status == "applies" else None, True, trace, reason)


_OUT_OF_SCOPE = StatementResult("no", None, False, None, None)
_PLANS_KEPT = 4096
Plan = tuple[tuple[Statement, StatementResult | None], ...]


def explained_plan(policy: Policy, action_lower: str) -> Plan:
    """Each statement of ``policy`` with, for an explained evaluation of ``action_lower``, its
    result when the action alone settles it: the action does not match, and whether the
    resource and the principal match cannot vary (``Resource: "*"``, no ``Principal``).
    Those results are shared objects; the other statements are evaluated per request."""
    plans = policy.derived
    key = ("explained-plan", action_lower)
    plan: Plan | None = plans.get(key)
    if plan is None:
        matching = policy.statements_for_action(action_lower)
        plan = tuple(
            (statement, None if statement in matching else _fixed_out_of_scope(policy, statement))
            for statement in policy.statements
        )
        if len(plans) >= _PLANS_KEPT:
            plans.clear()
        plans[key] = plan
    return plan


def _fixed_out_of_scope(policy: Policy, statement: Statement) -> StatementResult | None:
    if statement.principals is not None:
        return None
    if statement.resources is None:
        resource_ok = True
    elif statement.static_resources is not None and any(
        glob.matches_everything for glob in statement.static_resources
    ):
        resource_ok = not statement.not_resource
    else:
        return None
    return _out_of_scope_with_trace(policy, statement, False, resource_ok, True)


def _out_of_scope_with_trace(
    policy: Policy,
    statement: Statement,
    action_ok: bool,
    resource_ok: bool,
    principal_ok: bool,
) -> StatementResult:
    """A statement whose action, resource or principal did not match: its trace is fixed, so
    it is built once per statement and outcome and reused (most statements of most requests)."""
    key = (action_ok, resource_ok, principal_ok)
    cached = statement.out_of_scope_results.get(key)
    if cached is None:
        cached = _out_of_scope_trace(policy, statement, action_ok, resource_ok, principal_ok, ())
        statement.out_of_scope_results[key] = cached
    return cached


def _out_of_scope_trace(
    policy: Policy,
    statement: Statement,
    action_ok: bool,
    resource_ok: bool,
    principal_ok: bool,
    unresolved: tuple[str, ...],
) -> StatementResult:
    matched = (action_ok, resource_ok, principal_ok)
    trace = _trace(policy, statement, matched, None, (), None, unresolved)
    return StatementResult("no", None, False, trace, None)


def _trace(
    policy: Policy,
    statement: Statement,
    matched: tuple[bool, bool, bool],
    conditions_matched: bool | None,
    conditions: tuple[ConditionTrace, ...],
    unevaluable_reason: str | None,
    unresolved: tuple[str, ...],
) -> StatementTrace:
    """The statement's trace: what of action, resource and principal (``matched``) and of its
    conditions matched; it applies only when all of them did."""
    action_ok, resource_ok, principal_ok = matched
    return StatementTrace(
        policy=policy.name,
        policy_type=policy.policy_type,
        sid=statement.sid,
        index=statement.index,
        effect=statement.effect,
        span=statement.span,
        action_matched=action_ok,
        resource_matched=resource_ok,
        principal_matched=None if statement.principals is None else principal_ok,
        conditions_matched=conditions_matched,
        matched=conditions_matched is True and action_ok and resource_ok and principal_ok,
        conditions=conditions,
        unevaluable_reason=unevaluable_reason,
        unresolved_keys=unresolved,
    )
