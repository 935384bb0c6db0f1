"""The structured trace of a decision: what every statement and condition did.

Plain data, built while evaluating (:mod:`.explainer`), put into words by :mod:`.summary` and
encoded as JSON by :mod:`.wire` (the one encoder: its field names are the contract with the
REST API, the CLI and the TypeScript frontend).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    unresolved_keys: tuple[str, ...] = ()
    """Keys of policy variables in Resource/NotResource that the request lacks: those
    patterns matched nothing (so a NotResource excluded nothing)."""

    @property
    def label(self) -> str:
        """How a person would name it: the Sid, or its position in the policy."""
        return self.sid or f"statement {self.index + 1}"

    @property
    def failed_conditions(self) -> tuple[ConditionTrace, ...]:
        return tuple(c for c in self.conditions if not c.result)


@dataclass(frozen=True)
class StatementRef:
    """A statement that decided (AWS's MatchedStatements entry)."""

    policy: str
    policy_type: str
    sid: str | None
    index: int
    span: Span


@dataclass(frozen=True)
class UnevaluableStatement:
    """A statement the engine could not evaluate: it never grants; a Deny denies."""

    policy: str
    sid: str | None
    index: int
    effect: str
    reason: str


@dataclass(frozen=True)
class PolicySource:
    name: str
    policy_type: str
    text: str


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
