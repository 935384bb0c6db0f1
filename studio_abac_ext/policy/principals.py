"""Matching the caller against the Principal element of a resource-based policy.

How a principal is named matters for the decision (AWS's evaluation logic):
- ``direct``: the caller's own ARN (IAM user, role session, service, federated provider) or
  ``"*"``; within one account such a grant is enough on its own;
- ``role``: the role ARN of a role session; the grant is still limited by the permissions
  boundary and the session policy;
- ``account``: the account (``123456789012`` or ``arn:aws:iam::123456789012:root``); the
  account's identity policies must also allow.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from .arns import arn_account, role_of_session, without_role_path
from .model import PrincipalEntry

GrantKind = Literal["direct", "role", "account"]
_STRENGTH: dict[GrantKind, int] = {"direct": 3, "role": 2, "account": 1}


def _match_one(entry: PrincipalEntry, principal_arn: str | None) -> GrantKind | None:
    if entry.kind == "*":
        return "direct"
    if principal_arn is None:
        return None
    if entry.value == principal_arn:
        return "direct"
    if entry.kind != "AWS":
        return None
    if entry.value.isdigit() or entry.value.endswith(":root"):
        account = entry.value if entry.value.isdigit() else arn_account(entry.value)
        return "account" if account and account == arn_account(principal_arn) else None
    role = role_of_session(principal_arn)
    if role is not None and without_role_path(entry.value) == role:
        return "role"
    return None


def match_principal(
    entries: Iterable[PrincipalEntry], principal_arn: str | None
) -> GrantKind | None:
    """The strongest way ``principal_arn`` is named among ``entries``, or ``None``."""
    best: GrantKind | None = None
    for entry in entries:
        kind = _match_one(entry, principal_arn)
        if kind is not None and (best is None or _STRENGTH[kind] > _STRENGTH[best]):
            best = kind
    return best
