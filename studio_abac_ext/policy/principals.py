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

from collections.abc import Iterable, Sequence
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


def not_principal_exempts(entries: Sequence[PrincipalEntry], principal_arn: str | None) -> bool:
    """Whether a NotPrincipal list spares the caller: its own ARN (or, for a role session,
    its role's) is listed, or ``"*"``. An account entry alone spares no one: in AWS's example
    "all principals except the user named Bob" are denied although Bob's account is listed.
    AWS "might validate the account first": whether an unlisted account denies a listed
    principal is left open (docs/engine.md); we spare it."""
    if principal_arn is None:
        return False
    role = role_of_session(principal_arn)
    for entry in entries:
        if entry.kind == "*" or entry.value == principal_arn:
            return True
        if role is not None and entry.kind == "AWS" and without_role_path(entry.value) == role:
            return True
    return False
