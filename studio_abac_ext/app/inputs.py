"""What the use cases take: the REST API's request bodies and queries, already validated.

``web/request_models.py`` builds these from JSON and query strings (a bad field is a 400 there);
the use cases trust them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ContextValues = dict[str, str | list[str]]


@dataclass(frozen=True)
class ExperimentInput:
    """POST experiments and experiments/preflight."""

    name: str
    description: str | None = None
    display_name: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExperimentChange:
    """PATCH experiments/{name}."""

    description: str | None
    display_name: str | None


@dataclass(frozen=True)
class ExplainInput:
    """POST explain."""

    action: str
    resource: str
    context: ContextValues


@dataclass(frozen=True)
class SimulateInput:
    """POST admin/simulate."""

    principal: str
    action: str
    resource: str
    context: ContextValues
    resource_tags: dict[str, str] | None
    request_tags: dict[str, str] | None
    policies: list[str] | None


@dataclass(frozen=True)
class ResourcesQuery:
    """GET resources."""

    type: str
    scope: str
    text: str
    next_token: str | None


@dataclass(frozen=True)
class DenialsQuery:
    """GET admin/denials."""

    user: str | None
    action: str | None
    limit: int
    # The Athena source's window and account filter (LookupEvents reads its 90 days, one account).
    days: int = 7
    account: str | None = None
