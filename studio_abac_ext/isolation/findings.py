"""What the isolation checker reports: findings with a severity, evidence and a fix."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, Literal

Certainty = Literal["certain", "possible"]
POSSIBLE_SUFFIX = "-possible"


class Severity(str, Enum):
    """How bad a finding is; compare with ``rank`` (critical is the highest)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank

    @classmethod
    def parse(cls, text: str) -> Severity:
        """The severity named ``text`` (any case); ``ValueError`` names the accepted values."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            accepted = ", ".join(member.value for member in cls)
            raise ValueError(f"unknown severity {text!r}; use one of: {accepted}") from None


_RANKS = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


@dataclass(frozen=True, order=True)
class GrantingStatement:
    """A policy statement that grants (or, for denials, decides) a request."""

    policy: str
    sid: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"policy": self.policy, "sid": self.sid}


@dataclass(frozen=True)
class ExampleRequest:
    """A concrete request that demonstrates a finding (what the engine evaluated)."""

    principal: str
    action: str
    resource: str
    context: dict[str, Any] = field(default_factory=dict)
    steps: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "context": self.context,
        }
        if self.steps:
            data["steps"] = list(self.steps)
        return data


@dataclass(frozen=True)
class Finding:
    """One way a team member can reach past the team boundary (or, for ``info``, a remark).

    ``certainty`` is ``"certain"`` when the engine allowed the example request as it stands, and
    ``"possible"`` when it is allowed only for some values of the context keys in ``depends_on``,
    which the checker cannot see (``unknowns.py``); a possible finding's id ends in ``-possible``.
    """

    id: str
    severity: Severity
    title: str
    detail: str
    actions: tuple[str, ...]
    statements: tuple[GrantingStatement, ...]
    example: ExampleRequest
    fix: str
    certainty: Certainty = "certain"
    depends_on: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """The id without the ``-possible`` mark: what kind of way past the boundary it is."""
        return self.id.removesuffix(POSSIBLE_SUFFIX)

    def as_possible(self, depends_on: tuple[str, ...], actions: tuple[str, ...]) -> Finding:
        """This finding, reported as possible: allowed only for some values of ``depends_on``."""
        keys = ", ".join(depends_on)
        return replace(
            self,
            id=self.id + POSSIBLE_SUFFIX,
            title=f"Possibly: {self.title}",
            detail=f"{self.detail} Whether AWS allows it depends on {keys}, which the checker "
            "cannot see (a key it does not model, or a policy variable without a value for a "
            "Studio execution role session): check the values these keys take.",
            actions=actions,
            certainty="possible",
            depends_on=depends_on,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity.value,
            "title": self.title,
            "detail": self.detail,
            "actions": list(self.actions),
            "statements": [ref.to_dict() for ref in self.statements],
            "example": self.example.to_dict(),
            "fix": self.fix,
            "certainty": self.certainty,
            "dependsOn": list(self.depends_on),
        }


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Most severe first; ties keep a stable order by id."""
    return sorted(findings, key=lambda finding: (-finding.severity.rank, finding.id))


def worst_severity(findings: list[Finding]) -> Severity | None:
    return max((finding.severity for finding in findings), key=lambda s: s.rank, default=None)
