"""The structured trace of a decision: what every statement and condition did, JSON-ready.

Field names in ``to_dict`` are the contract with the REST API and the TypeScript frontend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import Span


@dataclass(frozen=True)
class ConditionTrace:
    """One operator + key of a condition, as evaluated for one request."""

    operator: str
    key: str
    key_present: bool
    request_values: tuple[str, ...]
    policy_values: tuple[str, ...]
    resolved_policy_values: tuple[str | None, ...]
    result: bool
    reason: str
    span: Span
    unevaluable: bool = False
    unresolved_keys: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "operator": self.operator,
            "key": self.key,
            "keyPresent": self.key_present,
            "requestValues": list(self.request_values),
            "policyValues": list(self.policy_values),
            "resolvedPolicyValues": list(self.resolved_policy_values),
            "result": self.result,
            "reason": self.reason,
            "lines": list(self.span.lines),
            "unevaluable": self.unevaluable,
            "unresolvedKeys": list(self.unresolved_keys),
        }


@dataclass(frozen=True)
class StatementTrace:
    """One statement of one policy, as evaluated for one request."""

    policy: str
    policy_type: str
    sid: str | None
    index: int
    effect: str
    span: Span
    action_matched: bool
    resource_matched: bool
    principal_matched: bool | None
    conditions_matched: bool | None
    matched: bool
    conditions: tuple[ConditionTrace, ...]
    unevaluable_reason: str | None = None

    @property
    def label(self) -> str:
        """How a person would name it: the Sid, or its position in the policy."""
        return self.sid or f"statement {self.index + 1}"

    @property
    def failed_conditions(self) -> tuple[ConditionTrace, ...]:
        return tuple(c for c in self.conditions if not c.result)

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "policyType": self.policy_type,
            "sid": self.sid,
            "index": self.index,
            "effect": self.effect,
            "lines": list(self.span.lines),
            "actionMatched": self.action_matched,
            "resourceMatched": self.resource_matched,
            "principalMatched": self.principal_matched,
            "conditionsMatched": self.conditions_matched,
            "matched": self.matched,
            "conditions": [c.to_dict() for c in self.conditions],
        }


@dataclass(frozen=True)
class StatementRef:
    """A statement that decided (AWS's MatchedStatements entry)."""

    policy: str
    policy_type: str
    sid: str | None
    index: int
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "policyType": self.policy_type,
            "sid": self.sid,
            "index": self.index,
            "start": {"line": self.span.start_line, "column": self.span.start_column},
            "end": {"line": self.span.end_line, "column": self.span.end_column},
        }


@dataclass(frozen=True)
class UnevaluableStatement:
    """A statement the engine could not evaluate: it never grants; a Deny denies."""

    policy: str
    sid: str | None
    index: int
    effect: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"policy": self.policy, "sid": self.sid, "reason": self.reason}


@dataclass(frozen=True)
class PolicySource:
    name: str
    policy_type: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.policy_type, "text": self.text}


@dataclass(frozen=True)
class MissingKeyDeny:
    """A Deny statement that applied only because the request lacked context keys.

    A negated operator, ``...IfExists``, ``ForAllValues`` or ``Null: true`` holds when its key
    is absent, and a negated operator on an unresolvable policy variable fails closed: the
    request is denied for what it does not carry, not for what it does.
    """

    policy: str
    policy_type: str
    sid: str | None
    index: int
    span: Span
    missing_keys: tuple[str, ...]
    conditions: tuple[ConditionTrace, ...]
    """The conditions that held (or failed closed) because their keys were missing."""

    @property
    def label(self) -> str:
        return self.sid or f"statement {self.index + 1}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "policyType": self.policy_type,
            "sid": self.sid,
            "index": self.index,
            "lines": list(self.span.lines),
            "missingKeys": list(self.missing_keys),
            "conditions": [c.to_dict() for c in self.conditions],
        }


@dataclass(frozen=True)
class Explanation:
    """Everything behind a decision; ``denied_at`` names the layer that refused, if any."""

    statements: tuple[StatementTrace, ...]
    deciding: tuple[StatementTrace, ...]
    closest: tuple[StatementTrace, ...]
    unevaluable: tuple[UnevaluableStatement, ...]
    policies: tuple[PolicySource, ...]
    denied_at: str | None
    absent_keys_that_mattered: tuple[str, ...]
    deny_because_missing: tuple[MissingKeyDeny, ...] = ()
    """Deny statements that decided only because context keys were missing."""
