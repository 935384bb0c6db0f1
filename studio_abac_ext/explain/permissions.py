"""Per-item permissions (delete/update) from the caller's policies: allowed, denied or unknown."""

from __future__ import annotations

from typing import Any

from ..aws.identity import CallerIdentity
from ..aws.policy_sources import KnownPolicies
from ..aws.resources import KINDS, ResourceRecord
from ..policy import render_summary
from .context import caller_request, decide, unknown_principal_keys

Perm = dict[str, Any]


def _perm(decision: str, summary: str | None) -> Perm:
    return {"decision": decision, "summary": summary}


def permission(
    policies: KnownPolicies, identity: CallerIdentity, action: str | None, record: ResourceRecord
) -> Perm:
    if action is None:
        return _perm("unknown", f"SageMaker has no action that changes a {record.type} in place.")
    if policies.policies is None:
        return _perm("unknown", f"Your policies are unknown: {policies.reason}")
    request = caller_request(identity, action, record.arn, resource_tags=record.tags)
    quick = decide(policies.policies, request, explain=False)
    if quick.allowed:
        return _perm("allowed", None)
    missing = unknown_principal_keys(quick)
    if missing:
        return _perm(
            "unknown",
            f"Your policies compare {', '.join(missing)}, which could not be read for you.",
        )
    return _perm("denied", render_summary(decide(policies.policies, request)))


def resource_item(
    policies: KnownPolicies,
    identity: CallerIdentity,
    record: ResourceRecord,
    team_key: str,
    user_key: str,
) -> dict[str, Any]:
    """The REST API's Resource for one record."""
    kind = KINDS[record.type]
    delete = permission(policies, identity, kind.delete_action, record)
    update = permission(policies, identity, kind.update_action, record)
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
