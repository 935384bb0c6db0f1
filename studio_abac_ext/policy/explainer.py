"""Building the explanation while evaluating: what each layer said, and what decided.

The evaluator records each layer's statements in a :class:`Layer`; :func:`build_explanation`
turns the layers into an :class:`~.explanation.Explanation`. The closest candidates of an
implicit deny are Allow statements of the layer that refused whose action, resource and
principal matched but whose conditions did not hold, ranked by how few conditions failed
(then by how many held, then by policy order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

from .explanation import (
    ConditionTrace,
    Explanation,
    MissingKeyDeny,
    PolicySource,
    StatementTrace,
    UnevaluableStatement,
)
from .model import Policy
from .principals import GrantKind
from .statements import StatementResult

_MAX_CLOSEST = 5
Entry = tuple[StatementResult, Policy, int]


@dataclass
class Layer:
    """What one layer of policies (identity, resource, an SCP level...) said about a request."""

    name: str
    allows: list[Entry] = field(default_factory=list)
    denies: list[Entry] = field(default_factory=list)
    traces: list[StatementTrace] = field(default_factory=list)
    unevaluable: list[UnevaluableStatement] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return bool(self.allows)

    def strongest_grant(self) -> GrantKind | None:
        kinds = {result.grant for result, _, _ in self.allows}
        order: tuple[GrantKind, ...] = ("direct", "role", "account")
        return next((kind for kind in order if kind in kinds), None)


def _closeness(trace: StatementTrace) -> tuple[int, int]:
    failed = sum(1 for c in trace.conditions if not c.result)
    held = len(trace.conditions) - failed
    return failed, -held


def _closest(layer: Layer | None) -> tuple[StatementTrace, ...]:
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
        if for_deny:
            for key in trace.unresolved_keys:
                keys.setdefault(key.lower(), key)
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
    if not condition.result:
        return ()
    if not condition.key_present:
        return (condition.key,)
    return condition.unresolved_keys


def _deny_because_missing(deciding: Sequence[StatementTrace]) -> tuple[MissingKeyDeny, ...]:
    found: list[MissingKeyDeny] = []
    for trace in deciding:
        held = [(c, _keys_missing_for(c)) for c in trace.conditions]
        held = [(c, keys) for c, keys in held if keys]
        if not held and not trace.unresolved_keys:
            continue
        every = (*trace.unresolved_keys, *(key for _, ks in held for key in ks))
        found.append(
            MissingKeyDeny(
                policy=trace.policy,
                policy_type=trace.policy_type,
                sid=trace.sid,
                index=trace.index,
                span=trace.span,
                missing_keys=tuple(dict.fromkeys(every)),
                conditions=tuple(c for c, _ in held),
            )
        )
    return tuple(found)


def build_explanation(
    value: str,
    denied_at: str | None,
    layers: Sequence[Layer],
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
