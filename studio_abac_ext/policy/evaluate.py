"""AWS's policy evaluation logic over a set of policies, for one request.

Order, from AWS's "policy evaluation logic": an explicit Deny in any policy wins; then every
level of service control policies must allow; then a resource-based policy may allow; then
identity-based policies must allow, within the permissions boundary and the session policy;
anything else is an implicit deny. Statements that cannot be evaluated never allow, and a
Deny that cannot be evaluated denies (fail closed) and is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .arns import ANONYMOUS, caller_account, owner_account, split_arn
from .context import ContextValue, normalize_context
from .explainer import Entry, Layer, build_explanation
from .explanation import Explanation, PolicySource, StatementRef, UnevaluableStatement
from .model import Policy, Statement
from .statements import PreparedRequest, StatementResult, evaluate_statement, explained_plan
from .summary import summarize
from .variables import NormalizedContext
from .wire import decision_to_dict

DecisionValue = Literal["allowed", "explicitDeny", "implicitDeny"]
_TRUST_POLICY_ACTIONS = frozenset(
    {
        "sts:assumerole",
        "sts:assumerolewithsaml",
        "sts:assumerolewithwebidentity",
        "sts:tagsession",
        "sts:setsourceidentity",
        "sts:setcontext",
    }
)


@dataclass(frozen=True)
class Request:
    """One API call to decide: who, which action, on which resource, with which context.

    ``resource_owner`` is AWS's ResourceOwner: the account (ID or ``arn:aws:iam::ID:root``)
    owning a resource whose ARN names none (an S3 bucket).
    """

    action: str
    resource: str = "*"
    principal_arn: str | None = None
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    resource_owner: str | None = None


@dataclass(frozen=True)
class PolicySet:
    """The policies in force for a request; ``None`` means that layer is absent."""

    identity: Sequence[Policy] = ()
    resource: Sequence[Policy] = ()
    boundary: Sequence[Policy] | None = None
    session: Sequence[Policy] | None = None
    scps: Sequence[Sequence[Policy]] | None = None


@dataclass(frozen=True)
class Decision:
    """The answer, AWS's MatchedStatements and MissingContextValues, and the explanation."""

    decision: DecisionValue
    action: str
    resource: str
    principal: str | None
    matched_statements: tuple[StatementRef, ...]
    missing_context_keys: tuple[str, ...]
    explanation: Explanation | None
    denied_at: str | None = None

    @property
    def allowed(self) -> bool:
        return self.decision == "allowed"

    def summary(self) -> str:
        """A short human sentence or two saying what decided and why."""
        return summarize(
            self.decision, self.action, self.resource, self.denied_at, self.explanation
        )

    def wire_fields(self) -> dict[str, Any]:
        """The arguments of :mod:`.wire`'s encoders for this decision."""
        return {
            "decision": self.decision,
            "action": self.action,
            "resource": self.resource,
            "principal": self.principal,
            "summary": self.summary(),
            "denied_at": self.denied_at,
            "matched": self.matched_statements,
            "missing": self.missing_context_keys,
            "explanation": self.explanation,
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the REST API (:func:`.wire.decision_to_dict`)."""
        return decision_to_dict(**self.wire_fields())


def render_summary(decision: Decision) -> str:
    """A short human sentence or two saying what decided and why."""
    return decision.summary()


_EMPTY_LAYERS = {name: Layer(name) for name in ("resource", "identity", "boundary", "session")}
"""Shared by every request without such policies: nothing is ever added to them."""


def _evaluate_layer(
    name: str,
    policies: Sequence[Policy],
    request: PreparedRequest,
    explain: bool,
    missing: dict[str, str],
) -> Layer:
    if not policies and name in _EMPTY_LAYERS:
        return _EMPTY_LAYERS[name]
    layer = Layer(name)
    for policy in policies:
        if not explain:
            for statement in policy.statements_for_action(request.action_lower):
                result = evaluate_statement(policy, statement, request, False, True)
                _record(layer, policy, statement, result, request, missing)
            continue
        for statement, known in explained_plan(policy, request.action_lower):
            if known is not None and known.trace is not None:  # out of scope, whatever else
                layer.traces.append(known.trace)
                continue
            result = evaluate_statement(policy, statement, request, True, False)
            if result.trace is not None:
                layer.traces.append(result.trace)
            _record(layer, policy, statement, result, request, missing)
    return layer


def _record(
    layer: Layer,
    policy: Policy,
    statement: Statement,
    result: StatementResult,
    request: PreparedRequest,
    missing: dict[str, str],
) -> None:
    """Note what a statement said: the keys it wanted, and an Allow or Deny that applies."""
    if result.scoped:
        for key in statement.referenced_keys:
            lowered = key.lower()
            if lowered not in request.context:
                missing.setdefault(lowered, key)
    if result.status == "no":
        return
    if result.status == "unevaluable":
        layer.unevaluable.append(
            UnevaluableStatement(
                policy.name,
                statement.sid,
                statement.index,
                statement.effect,
                result.reason or "cannot be evaluated",
            )
        )
    entry = (result, policy, statement.index)
    if statement.effect == "Deny":
        layer.denies.append(entry)
    elif result.status == "applies":
        layer.allows.append(entry)


def _ref(entry: Entry) -> StatementRef:
    """The statement's MatchedStatements entry (made once per policy)."""
    _, policy, index = entry
    refs = policy.derived.get("refs")
    if refs is None:
        refs = policy.derived["refs"] = tuple(
            StatementRef(policy.name, policy.policy_type, s.sid, s.index, s.span)
            for s in policy.statements
        )
    ref: StatementRef = refs[index]
    return ref


def _is_cross_account(request: Request) -> bool:
    """An IAM user or role session acting on a resource of another customer account."""
    principal = request.principal_arn
    if principal is None:
        return False
    caller = caller_account(principal)
    if caller is None:
        return False
    owner = owner_account(request.resource, request.resource_owner)
    return owner is not None and caller != owner


def _needs_resource_allow(request: PreparedRequest, policies: PolicySet) -> bool:
    """Role trust policies and KMS key policies "must explicitly allow access for principals":
    given such a policy, an identity-policy allow alone is not enough."""
    if not policies.resource:
        return False
    parts = split_arn(request.resource)
    if parts is None:
        return False
    if request.action_lower in _TRUST_POLICY_ACTIONS:
        return parts.service == "iam" and parts.resource.startswith("role/")
    return parts.service == "kms" and parts.resource.startswith("key/")


def _decide(
    request: PreparedRequest,
    cross_account: bool,
    layers: dict[str, Layer],
    scp_levels: list[Layer],
    policies: PolicySet,
) -> tuple[DecisionValue, str | None]:
    """The decision and, for an implicit deny, the layer that did not allow."""
    every = [*scp_levels, *layers.values()]
    if any(layer.denies for layer in every):
        return "explicitDeny", None
    for level in scp_levels:
        if not level.allowed:
            return "implicitDeny", level.name
    resource_grant = layers["resource"].strongest_grant()
    identity_allowed = layers["identity"].allowed
    if cross_account or _needs_resource_allow(request, policies):
        if resource_grant is None:
            return "implicitDeny", "resource"
        if cross_account:
            resource_grant = None  # the caller's own account must allow too
    if resource_grant == "direct":
        return "allowed", None
    if not (identity_allowed or resource_grant == "role"):
        return "implicitDeny", "identity"
    if policies.boundary is not None and not layers["boundary"].allowed:
        return "implicitDeny", "boundary"
    if policies.session is not None and not layers["session"].allowed:
        return "implicitDeny", "session"
    return "allowed", None


def evaluate(request: Request, policies: PolicySet, *, explain: bool = True) -> Decision:
    """Decide ``request`` against ``policies`` the way AWS does; explain it when asked."""
    sources = _sources(policies) if explain else ()
    return _evaluate_prepared(
        request, normalize_context(request.context), policies, explain, sources
    )


def evaluate_many(
    requests: Iterable[Request], policies: PolicySet, *, explain: bool = True
) -> list[Decision]:
    """``evaluate`` for each request, in order, sharing the work they have in common.

    Requests that share one context object (AWS's ActionNames x ResourceArns fan-out) have it
    normalized once, and the policy sources of the explanation are gathered once.
    """
    sources = _sources(policies) if explain else ()
    normalized: dict[int, tuple[Mapping[str, ContextValue], NormalizedContext]] = {}
    decisions: list[Decision] = []
    for request in requests:
        seen = normalized.get(id(request.context))
        if seen is None or seen[0] is not request.context:
            seen = (request.context, normalize_context(request.context))
            normalized[id(request.context)] = seen
        decisions.append(_evaluate_prepared(request, seen[1], policies, explain, sources))
    return decisions


def _evaluate_prepared(
    request: Request,
    context: NormalizedContext,
    policies: PolicySet,
    explain: bool,
    sources: tuple[PolicySource, ...],
) -> Decision:
    prepared = PreparedRequest(
        action=request.action,
        action_lower=request.action.lower(),
        resource=request.resource,
        principal_arn=request.principal_arn,
        context=context,
        has_boundary=policies.boundary is not None,
    )
    missing: dict[str, str] = {}
    scp_levels = [
        _evaluate_layer("scp", level, prepared, explain, missing)
        for level in _scp_levels_for(request, policies)
    ]
    for number, level in enumerate(scp_levels, start=1):
        level.name = f"scp level {number}"
    layers: dict[str, Layer] = {
        "resource": _evaluate_layer("resource", policies.resource, prepared, explain, missing),
        "identity": _evaluate_layer("identity", policies.identity, prepared, explain, missing),
        "boundary": _evaluate_layer(
            "boundary", policies.boundary or (), prepared, explain, missing
        ),
        "session": _evaluate_layer("session", policies.session or (), prepared, explain, missing),
    }
    value, denied_at = _decide(prepared, _is_cross_account(request), layers, scp_levels, policies)
    every = [*scp_levels, *layers.values()]
    if value == "explicitDeny":
        matched = [_ref(entry) for layer in every for entry in layer.denies]
    elif value == "allowed":
        matched = [_ref(entry) for layer in every for entry in layer.allows]
    else:
        matched = []
    explanation = None
    if explain:
        explanation = build_explanation(value, denied_at, every, sources)
    return Decision(
        decision=value,
        action=request.action,
        resource=request.resource,
        principal=request.principal_arn,
        matched_statements=tuple(matched),
        missing_context_keys=tuple(missing.values()),
        explanation=explanation,
        denied_at=denied_at,
    )


def _scp_levels_for(request: Request, policies: PolicySet) -> Sequence[Sequence[Policy]]:
    """SCPs "apply to principals of the account where the SCPs are attached": an anonymous
    caller is not one."""
    if request.principal_arn == ANONYMOUS:
        return ()
    return policies.scps or ()


_last_sources: tuple[tuple[Policy, ...], tuple[PolicySource, ...]] = ((), ())


def _sources(policies: PolicySet) -> tuple[PolicySource, ...]:
    """The policies in the order an explanation lists them. The same policies as the call
    before (a batch reusing its policies) give the same tuple, so encoders can reuse the text
    they wrote for it."""
    global _last_sources
    ordered: tuple[Policy, ...] = (
        *(p for level in policies.scps or () for p in level),
        *policies.resource,
        *policies.identity,
        *(policies.boundary or ()),
        *(policies.session or ()),
    )
    last_ordered, last = _last_sources
    if ordered == last_ordered:  # Policy objects compare by identity
        return last
    seen: dict[int, PolicySource] = {}
    for policy in ordered:
        seen.setdefault(id(policy), PolicySource(policy.name, policy.policy_type, policy.text))
    found = tuple(seen.values())
    _last_sources = (ordered, found)
    return found
