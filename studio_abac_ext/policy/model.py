"""Policy documents: the immutable, compiled form of a policy and the model types it is made of.

Parsing and validation live in :mod:`.parsing`; this module holds what they produce so the
evaluator and the explanation code depend on plain data, not on the parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .matching import ActionMatcher, Glob
from .operators import ParsedOperator, Prepared
from .variables import Template

PolicyType = Literal["identity", "resource", "boundary", "session", "scp"]
POLICY_TYPES: tuple[PolicyType, ...] = ("identity", "resource", "boundary", "session", "scp")
Effect = Literal["Allow", "Deny"]
VARIABLES_VERSION = "2012-10-17"
_ACTION_INDEX_LIMIT = 4096


class PolicyParseError(ValueError):
    """A policy that cannot be read: names the JSON path and the rule it breaks."""

    def __init__(
        self, path: str, rule: str, *, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(f"{path}: {rule}")
        self.path = path
        self.rule = rule
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Span:
    """Where an element sits in its policy's text: 1-based lines and columns, inclusive."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int

    @property
    def lines(self) -> tuple[int, int]:
        return (self.start_line, self.end_line)


@dataclass(frozen=True, eq=False)
class ConditionClause:
    """One operator + key pair of a Condition block, with its values compiled."""

    operator: ParsedOperator
    key: str
    key_lower: str
    values: tuple[str, ...]
    templates: tuple[Template, ...]
    static_prepared: tuple[Prepared, ...] | None
    problem: str | None
    span: Span

    @property
    def has_variables(self) -> bool:
        return any(template.has_variables for template in self.templates)


@dataclass(frozen=True)
class PrincipalEntry:
    """One principal named in a resource policy: ``("AWS", arn)``, ``("*", "*")``..."""

    kind: str
    value: str


@dataclass(frozen=True, eq=False)
class Statement:
    """One statement, compiled: matchers for actions and resources, conditions, its span."""

    sid: str | None
    effect: Effect
    index: int
    span: Span
    actions: tuple[str, ...]
    not_action: bool
    action_matcher: ActionMatcher
    resources: tuple[Template, ...] | None
    not_resource: bool
    static_resources: tuple[Glob, ...] | None
    """The Resource/NotResource patterns compiled, when they have no policy variables."""
    principals: tuple[PrincipalEntry, ...] | None
    not_principal: bool
    conditions: tuple[ConditionClause, ...]
    referenced_keys: tuple[str, ...]
    out_of_scope_results: dict[tuple[bool, bool, bool], Any] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Cache of evaluation results for requests this statement does not cover."""

    def matches_action(self, action_lower: str) -> bool:
        return self.action_matcher.matches(action_lower) != self.not_action


@dataclass(frozen=True, eq=False)
class Policy:
    """A parsed policy. Immutable; equal texts parse to the same cached object."""

    name: str
    policy_type: PolicyType
    text: str
    version: str | None
    statements: tuple[Statement, ...]
    policy_id: str | None = None
    warnings: tuple[str, ...] = ()
    _action_index: dict[str, tuple[Statement, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    derived: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    """Values the evaluator derives from this policy and keeps, under keys of its own."""

    @property
    def variables_enabled(self) -> bool:
        return self.version == VARIABLES_VERSION

    def statements_for_action(self, action_lower: str) -> tuple[Statement, ...]:
        """The statements whose Action/NotAction covers ``action_lower`` (cached index)."""
        found = self._action_index.get(action_lower)
        if found is None:
            found = tuple(s for s in self.statements if s.matches_action(action_lower))
            if len(self._action_index) >= _ACTION_INDEX_LIMIT:
                self._action_index.clear()
            self._action_index[action_lower] = found
        return found
