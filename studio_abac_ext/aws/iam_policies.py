"""Read a role's policies live from IAM and hand them to the policy engine.

Inline policies come from ListRolePolicies/GetRolePolicy, attached managed policies from
ListAttachedRolePolicies/GetPolicy/GetPolicyVersion (the default version), and the permissions
boundary from GetRole. ``RolePolicies.to_policy_set()`` parses them for ``policy.evaluate``::

    from studio_abac_ext.aws.iam_policies import load_role_policies
    role = load_role_policies(boto3.client("iam"), "SageMakerStudioDeveloperTeamARole")
    decision = evaluate(request, role.to_policy_set())
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..policy import Policy, PolicySet, PolicyType, parse_policy
from .clients import call, new_client, pages

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

PolicyKind = Literal["inline", "managed", "boundary"]


def default_iam_client() -> IAMClient:
    """An IAM client from boto3's default credential chain (``AWS_ENDPOINT_URL`` honoured)."""
    client: IAMClient = new_client("iam")
    return client


@dataclass(frozen=True)
class RolePolicy:
    """One policy of a role, as JSON text; ``arn`` is set for managed policies."""

    name: str
    kind: PolicyKind
    text: str
    arn: str | None = None
    version_id: str | None = None

    def parse(self) -> Policy:
        """The engine's compiled policy; raises ``PolicyParseError`` for an unreadable one."""
        policy_type: PolicyType = "boundary" if self.kind == "boundary" else "identity"
        return parse_policy(self.text, name=self.name, policy_type=policy_type)


@dataclass(frozen=True)
class RolePolicies:
    """Everything IAM says decides what a role's sessions may do (SCPs aside)."""

    role_name: str
    role_arn: str
    tags: Mapping[str, str] = field(default_factory=dict)
    inline: tuple[RolePolicy, ...] = ()
    attached: tuple[RolePolicy, ...] = ()
    boundary: RolePolicy | None = None

    @property
    def identity(self) -> tuple[RolePolicy, ...]:
        return self.attached + self.inline

    def to_policy_set(self, scps: list[list[Policy]] | None = None) -> PolicySet:
        boundary = [self.boundary.parse()] if self.boundary else None
        return PolicySet(
            identity=[policy.parse() for policy in self.identity], boundary=boundary, scps=scps
        )


def role_name_from_arn(role: str) -> str:
    """``arn:aws:iam::123:role/path/Name`` → ``Name``; a bare name is returned as is."""
    if role.startswith("arn:"):
        parts = role.split(":", 5)
        if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
            raise ValueError(
                f"{role!r} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"
            )
        return parts[5].rsplit("/", 1)[-1]
    if not role or "/" in role:
        raise ValueError(f"{role!r} is not a role name or role ARN")
    return role


def document_text(document: Any) -> str:
    """IAM documents arrive decoded (a dict) from boto3, or URL-encoded JSON from raw APIs."""
    if isinstance(document, str):
        decoded = urllib.parse.unquote(document)
        return json.dumps(json.loads(decoded), indent=2)
    return json.dumps(document, indent=2)


def _managed_policy(iam: IAMClient, arn: str, kind: PolicyKind) -> RolePolicy:
    policy = call(iam, "get_policy", arn, PolicyArn=arn)["Policy"]
    version_id = policy["DefaultVersionId"]
    version = call(iam, "get_policy_version", arn, PolicyArn=arn, VersionId=version_id)
    return RolePolicy(
        name=policy["PolicyName"],
        kind=kind,
        text=document_text(version["PolicyVersion"]["Document"]),
        arn=arn,
        version_id=version_id,
    )


def _inline_policies(iam: IAMClient, role_name: str, role_arn: str) -> tuple[RolePolicy, ...]:
    listed = pages(iam, "list_role_policies", role_arn, RoleName=role_name)
    names = [name for page in listed for name in page["PolicyNames"]]
    policies = []
    for name in names:
        response = call(iam, "get_role_policy", role_arn, RoleName=role_name, PolicyName=name)
        policies.append(RolePolicy(name, "inline", document_text(response["PolicyDocument"])))
    return tuple(policies)


def _attached_policies(iam: IAMClient, role_name: str, role_arn: str) -> tuple[RolePolicy, ...]:
    listed = pages(iam, "list_attached_role_policies", role_arn, RoleName=role_name)
    arns = [attached["PolicyArn"] for page in listed for attached in page["AttachedPolicies"]]
    return tuple(_managed_policy(iam, arn, "managed") for arn in arns)


def load_role_policies(iam_client: IAMClient, role_name: str) -> RolePolicies:
    """Read ``role_name``'s (or a role ARN's) policies, tags and boundary from IAM.

    Raises the ``AwsError`` kind of the IAM call that failed (``AwsNotFoundError`` for a missing
    role, ``AwsAccessDeniedError`` naming the action when the caller lacks that permission).
    """
    name = role_name_from_arn(role_name)
    wanted = role_name if role_name.startswith("arn:") else f"arn:aws:iam::*:role/{name}"
    role = call(iam_client, "get_role", wanted, RoleName=name)["Role"]
    tags = {tag["Key"]: tag["Value"] for tag in role.get("Tags", [])}
    boundary_arn = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
    boundary = _managed_policy(iam_client, boundary_arn, "boundary") if boundary_arn else None
    return RolePolicies(
        role_name=name,
        role_arn=role["Arn"],
        tags=tags,
        inline=_inline_policies(iam_client, name, role["Arn"]),
        attached=_attached_policies(iam_client, name, role["Arn"]),
        boundary=boundary,
    )
