"""ARNs of principals and resources: their parts, and the role behind a role session.

``arn:partition:service:region:account:resource``. The rules written once here:

- the account of an ARN (``aws`` for AWS-owned resources such as managed policies, which
  belong to no customer account);
- the resource part after the fifth colon (``experiment/x``);
- a role session ``arn:aws:sts::1:assumed-role/Role/session`` acts for the role
  ``arn:aws:iam::1:role/Role`` (AWS's ``aws:PrincipalArn``; a session ARN carries no path);
- what kind of principal an ARN names (AWS's ``aws:PrincipalType``).
"""

from __future__ import annotations

from typing import NamedTuple

ARN_SEPARATORS = 5
ANONYMOUS = "anonymous"
"""The principal of an unauthenticated request (``Principal: "*"`` is the only match)."""
AWS_OWNED_ACCOUNT = "aws"
"""The account field of AWS-owned resources (``arn:aws:iam::aws:policy/...``)."""


class ArnParts(NamedTuple):
    partition: str
    service: str
    region: str
    account: str
    resource: str


def split_arn(arn: str) -> ArnParts | None:
    """The six parts of an ARN, or ``None`` for text that is not one."""
    parts = arn.split(":", ARN_SEPARATORS)
    if len(parts) != ARN_SEPARATORS + 1 or parts[0] != "arn":
        return None
    return ArnParts(parts[1], parts[2], parts[3], parts[4], parts[5])


def arn_account(arn: str) -> str | None:
    """The account field of an ARN (``None`` when empty or not an ARN)."""
    parts = split_arn(arn)
    return parts.account if parts is not None and parts.account else None


def customer_account(arn: str) -> str | None:
    """The customer account that owns an ARN: ``None`` for AWS-owned ones (``aws``)."""
    account = arn_account(arn)
    return None if account == AWS_OWNED_ACCOUNT else account


def resource_part(arn: str) -> str:
    """The part of an ARN after its fifth colon (``experiment/x``), or the text itself."""
    parts = arn.split(":", ARN_SEPARATORS)
    return parts[ARN_SEPARATORS] if len(parts) > ARN_SEPARATORS else arn


def session_of(arn: str) -> tuple[str, str | None] | None:
    """``(role name, session name)`` of a role session ARN, else ``None``."""
    parts = split_arn(arn)
    if parts is None or parts.service != "sts" or not parts.resource.startswith("assumed-role/"):
        return None
    role, _, session = parts.resource[len("assumed-role/") :].partition("/")
    return role, session or None


def role_of_session(arn: str) -> str | None:
    """The role ARN a role session acts for (``assumed-role/R/s`` -> ``role/R``), else None."""
    session = session_of(arn)
    if session is None:
        return None
    parts = split_arn(arn)
    assert parts is not None
    return f"arn:{parts.partition}:iam::{parts.account}:role/{session[0]}"


def principal_arn_of(arn: str) -> str:
    """``aws:PrincipalArn``: the role's ARN for a role session, the ARN itself otherwise."""
    return role_of_session(arn) or arn


def without_role_path(role_arn: str) -> str:
    """``arn:aws:iam::1:role/path/Name`` -> ``arn:aws:iam::1:role/Name``: sessions drop paths."""
    head, _, resource = role_arn.partition(":role/")
    if not resource:
        return role_arn
    return f"{head}:role/{resource.rsplit('/', 1)[-1]}"


def principal_type_and_name(arn: str) -> tuple[str | None, str | None]:
    """AWS's ``aws:PrincipalType`` of an ARN and, for an IAM user, the user name."""
    resource = resource_part(arn)
    if arn.endswith(":root"):
        return "Account", None
    if resource.startswith("user/"):
        return "User", resource.rsplit("/", 1)[-1]
    if resource.startswith("assumed-role/"):
        return "AssumedRole", None
    if resource.startswith("federated-user/"):
        return "FederatedUser", None
    return None, None


_CALLER_KINDS = ("user/", "assumed-role/", "federated-user/")


def caller_account(arn: str) -> str | None:
    """The account of an IAM user, role session or federated user (a principal that makes
    calls itself), else ``None``."""
    parts = arn.split(":", ARN_SEPARATORS)
    if len(parts) != ARN_SEPARATORS + 1 or parts[0] != "arn" or parts[2] not in ("iam", "sts"):
        return None
    account = parts[4]
    return account if account.isdigit() and parts[5].startswith(_CALLER_KINDS) else None


def owner_account(resource: str, resource_owner: str | None = None) -> str | None:
    """The customer account owning a resource: its ARN's, else AWS's ResourceOwner (an account
    ID or ``arn:...:root``) when the ARN names none. AWS-owned ARNs (``aws``) have none."""
    if resource == "*":
        return None
    parts = resource.split(":", ARN_SEPARATORS)
    if len(parts) == ARN_SEPARATORS + 1 and parts[0] == "arn" and parts[4]:
        return None if parts[4] == AWS_OWNED_ACCOUNT else parts[4]
    if not resource_owner:
        return None
    return resource_owner if resource_owner.isdigit() else customer_account(resource_owner)
