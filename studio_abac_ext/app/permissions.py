"""Per-item permissions (delete/update) from the caller's policies: allowed, denied or unknown.

A page decides all its items together: one quick pass without explanations, then explanations
for the denied ones only, with request contexts shared between items that carry the same tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..aws.identity import CallerIdentity
from ..aws.policy_sources import KnownPolicies
from ..aws.resources import KINDS, ResourceRecord
from ..policy import PolicySet, Request, evaluate_many, render_summary
from .caller_requests import CallerRequests, unknown_principal_keys

Perm = dict[str, Any]
CHANGES = ("delete", "update")


def _perm(decision: str, summary: str | None) -> Perm:
    return {"decision": decision, "summary": summary}


@dataclass(frozen=True)
class _Pending:
    """A permission that needs the engine: which item, which change, which request."""

    item: int
    change: str
    request: Request


def _action(record: ResourceRecord, change: str) -> str | None:
    kind = KINDS[record.type]
    return kind.delete_action if change == "delete" else kind.update_action


def _decide_pending(
    policies: PolicySet, pending: list[_Pending], perms: list[dict[str, Perm]]
) -> None:
    quick = evaluate_many([p.request for p in pending], policies, explain=False)
    denied: list[_Pending] = []
    for entry, decision in zip(pending, quick, strict=True):
        missing = [] if decision.allowed else unknown_principal_keys(decision)
        if decision.allowed:
            perms[entry.item][entry.change] = _perm("allowed", None)
        elif missing:
            perms[entry.item][entry.change] = _perm(
                "unknown",
                f"Your policies compare {', '.join(missing)}, which could not be read for you.",
            )
        else:
            denied.append(entry)
    explained = evaluate_many([p.request for p in denied], policies)
    for entry, decision in zip(denied, explained, strict=True):
        perms[entry.item][entry.change] = _perm("denied", render_summary(decision))


def permissions(
    policies: KnownPolicies, identity: CallerIdentity, records: Sequence[ResourceRecord]
) -> list[dict[str, Perm]]:
    """For each record, its ``delete`` and ``update`` permission."""
    perms: list[dict[str, Perm]] = [{} for _ in records]
    requests = CallerRequests(identity)
    pending: list[_Pending] = []
    for item, record in enumerate(records):
        for change in CHANGES:
            action = _action(record, change)
            if action is None:
                perms[item][change] = _perm(
                    "unknown", f"SageMaker has no action that changes a {record.type} in place."
                )
            elif policies.policies is None:
                perms[item][change] = _perm(
                    "unknown", f"Your policies are unknown: {policies.reason}"
                )
            else:
                pending.append(
                    _Pending(item, change, requests.about(action, record.arn, record.tags))
                )
    if policies.policies is not None and pending:
        _decide_pending(policies.policies, pending, perms)
    return perms


def resource_items(
    policies: KnownPolicies,
    identity: CallerIdentity,
    records: Sequence[ResourceRecord],
    team_key: str,
    user_key: str,
) -> list[dict[str, Any]]:
    """The REST API's Resource for each record, decided together."""
    return [
        _item(record, perms, team_key, user_key)
        for record, perms in zip(records, permissions(policies, identity, records), strict=True)
    ]


def resource_item(
    policies: KnownPolicies,
    identity: CallerIdentity,
    record: ResourceRecord,
    team_key: str,
    user_key: str,
) -> dict[str, Any]:
    """The REST API's Resource for one record."""
    return resource_items(policies, identity, [record], team_key, user_key)[0]


def _item(
    record: ResourceRecord, perms: dict[str, Perm], team_key: str, user_key: str
) -> dict[str, Any]:
    delete, update = perms["delete"], perms["update"]
    created = record.created.isoformat() if record.created else None
    return {
        "name": record.name,
        "arn": record.arn,
        "type": record.type,
        "created": created,
        "team": record.tags.get(team_key),
        "owner": record.tags.get(user_key) or record.created_by_profile,
        "tags": record.tags,
        "permissions": {"delete": delete, "update": update},
        "readOnly": delete["decision"] == "denied" and update["decision"] != "allowed",
    }
