"""The boto3 side of ``studio-abac setup``: read an account's state, then apply a plan's calls.

Credentials come from boto3's default chain and the endpoint from ``AWS_ENDPOINT_URL`` (the
sandbox sets it), so the same code runs against the sandbox and AWS.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from ..scenario import Role, Scenario, User
from .iam_policies import document_text

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_sagemaker import SageMakerClient
    from mypy_boto3_sts import STSClient

log = logging.getLogger(__name__)

CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=30, retries={"mode": "standard"})
ACCESS_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})
NOT_FOUND_CODES = frozenset({"NoSuchEntity", "ResourceNotFound"})


class SetupError(Exception):
    """An AWS call failed; names the IAM action (the permission needed) and AWS's words."""

    def __init__(self, action: str, code: str, message: str, target: str = "") -> None:
        where = f" on {target}" if target else ""
        hint = f" (the caller needs {action}{where})" if code in ACCESS_DENIED_CODES else ""
        super().__init__(f"{action} failed: {code}: {message}{hint}")
        self.action = action
        self.code = code
        self.message = message
        self.applied_before = 0

    @property
    def is_access_denied(self) -> bool:
        return self.code in ACCESS_DENIED_CODES


@dataclass(frozen=True)
class ApiCall:
    """One AWS call: ``action`` is the IAM action name (``iam:CreateRole``), also the method."""

    action: str
    params: dict[str, Any]

    @property
    def service(self) -> str:
        return self.action.split(":", 1)[0]

    @property
    def operation(self) -> str:
        return self.action.split(":", 1)[1]


@dataclass(frozen=True)
class PolicyState:
    arn: str
    document: dict[str, Any]
    default_version: str
    other_versions: tuple[str, ...]  # oldest first


@dataclass(frozen=True)
class PrincipalState:
    """A role or user as IAM has it (``trust`` is None for users)."""

    tags: dict[str, str]
    attached_arns: frozenset[str]
    inline: dict[str, dict[str, Any]]
    trust: dict[str, Any] | None = None


@dataclass(frozen=True)
class ProfileState:
    arn: str
    execution_role: str | None
    tags: dict[str, str]


@dataclass
class AccountState:
    """What exists now; ``None`` values mean "does not exist"."""

    account_id: str
    domain_exists: bool
    policies: dict[str, PolicyState | None] = field(default_factory=dict)
    roles: dict[str, PrincipalState | None] = field(default_factory=dict)
    users: dict[str, PrincipalState | None] = field(default_factory=dict)
    profiles: dict[str, ProfileState | None] = field(default_factory=dict)


def policy_arn(account_id: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:policy/{name}"


@dataclass(frozen=True)
class AccountClients:
    iam: IAMClient
    sts: STSClient
    sagemaker: SageMakerClient

    @classmethod
    def from_environment(cls, region: str, session: boto3.Session | None = None) -> AccountClients:
        chosen = session or boto3.Session()
        return cls(
            iam=chosen.client("iam", config=CLIENT_CONFIG),
            sts=chosen.client("sts", region_name=region, config=CLIENT_CONFIG),
            sagemaker=chosen.client("sagemaker", region_name=region, config=CLIENT_CONFIG),
        )


def _snake(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


def _error(error: ClientError | BotoCoreError, action: str, target: str = "") -> SetupError:
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return SetupError(
            action, str(details.get("Code", "Unknown")), str(details.get("Message", "")), target
        )
    return SetupError(action, type(error).__name__, str(error), target)


def _read(action: str, function: Any, **params: Any) -> Any | None:
    """Call a read API; ``None`` when the thing does not exist."""
    try:
        return function(**params)
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in NOT_FOUND_CODES:
            return None
        raise _error(error, action) from error
    except BotoCoreError as error:
        raise _error(error, action) from error


def _policy_state(iam: IAMClient, arn: str) -> PolicyState | None:
    found = _read("iam:GetPolicy", iam.get_policy, PolicyArn=arn)
    if found is None:
        return None
    default = found["Policy"]["DefaultVersionId"]
    version = _read(
        "iam:GetPolicyVersion", iam.get_policy_version, PolicyArn=arn, VersionId=default
    )
    versions = _read("iam:ListPolicyVersions", iam.list_policy_versions, PolicyArn=arn) or {}
    others = sorted(
        (v for v in versions.get("Versions", []) if not v["IsDefaultVersion"]),
        key=lambda v: v["CreateDate"],
    )
    return PolicyState(
        arn=arn,
        document=_as_dict(version["PolicyVersion"]["Document"]) if version else {},
        default_version=default,
        other_versions=tuple(v["VersionId"] for v in others),
    )


def _as_dict(document: Any) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(document_text(document))
    return parsed


def _tags(raw: list[Any] | None) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in raw or []}


def _role_state(iam: IAMClient, name: str) -> PrincipalState | None:
    found = _read("iam:GetRole", iam.get_role, RoleName=name)
    if found is None:
        return None
    trust = _as_dict(found["Role"]["AssumeRolePolicyDocument"])
    return _principal_state(iam, "Role", name, trust)


def _user_state(iam: IAMClient, name: str) -> PrincipalState | None:
    if _read("iam:GetUser", iam.get_user, UserName=name) is None:
        return None
    return _principal_state(iam, "User", name, trust=None)


def _principal_state(
    iam: IAMClient, kind: Literal["Role", "User"], name: str, trust: dict[str, Any] | None
) -> PrincipalState:
    """Tags and policies of a role or user: IAM names both families of calls alike."""
    noun = kind.lower()
    key = {f"{kind}Name": name}

    def read(action: str, method: str, **params: Any) -> Any:
        return _read(f"iam:{action}", getattr(iam, method), **key, **params)

    tags = read(f"List{kind}Tags", f"list_{noun}_tags") or {}
    attached = read(f"ListAttached{kind}Policies", f"list_attached_{noun}_policies") or {}
    names = read(f"List{kind}Policies", f"list_{noun}_policies") or {}
    inline = {}
    for policy in names.get("PolicyNames", []):
        got = read(f"Get{kind}Policy", f"get_{noun}_policy", PolicyName=policy)
        if got is not None:
            inline[policy] = _as_dict(got["PolicyDocument"])
    return PrincipalState(
        tags=_tags(tags.get("Tags")),
        attached_arns=frozenset(p["PolicyArn"] for p in attached.get("AttachedPolicies", [])),
        inline=inline,
        trust=trust,
    )


def _profile_state(sagemaker: SageMakerClient, domain_id: str, name: str) -> ProfileState | None:
    found = _read(
        "sagemaker:DescribeUserProfile",
        sagemaker.describe_user_profile,
        DomainId=domain_id,
        UserProfileName=name,
    )
    if found is None:
        return None
    arn = found["UserProfileArn"]
    tags = _read("sagemaker:ListTags", sagemaker.list_tags, ResourceArn=arn) or {}
    return ProfileState(
        arn=arn,
        execution_role=found.get("UserSettings", {}).get("ExecutionRole"),
        tags=_tags(tags.get("Tags")),
    )


def read_account_state(scenario: Scenario, clients: AccountClients) -> AccountState:
    """Everything the plan compares, read with Get/List/Describe calls only."""
    identity = _read("sts:GetCallerIdentity", clients.sts.get_caller_identity) or {}
    account = str(identity.get("Account", ""))
    domain = _read(
        "sagemaker:DescribeDomain",
        clients.sagemaker.describe_domain,
        DomainId=scenario.domain.domain_id,
    )
    state = AccountState(account_id=account, domain_exists=domain is not None)
    principals: list[Role | User] = [*scenario.roles, *scenario.users]
    for principal in principals:
        for policy in principal.managed_policies:
            if policy.name not in state.policies:
                state.policies[policy.name] = _policy_state(
                    clients.iam, policy_arn(account, policy.name)
                )
    state.roles = {role.name: _role_state(clients.iam, role.name) for role in scenario.roles}
    state.users = {user.name: _user_state(clients.iam, user.name) for user in scenario.users}
    if state.domain_exists:
        state.profiles = {
            profile.name: _profile_state(clients.sagemaker, scenario.domain.domain_id, profile.name)
            for profile in scenario.user_profiles
        }
    return state


def _target_of(call: ApiCall) -> str:
    for key in (
        "PolicyArn",
        "ResourceArn",
        "RoleName",
        "UserName",
        "UserProfileName",
        "PolicyName",
    ):
        if key in call.params:
            return str(call.params[key])
    return ""


def apply_call(clients: AccountClients, call: ApiCall) -> None:
    client = getattr(clients, call.service)
    method = getattr(client, _snake(call.operation))
    try:
        method(**call.params)
    except (ClientError, BotoCoreError) as error:
        raise _error(error, call.action, _target_of(call)) from error
    log.info("setup: %s %s", call.action, _target_of(call))


def apply_calls(calls: Sequence[ApiCall], clients: AccountClients) -> int:
    """Run every call in order; stops at the first failure (``SetupError``). Returns the count."""
    done = 0
    for call in calls:
        try:
            apply_call(clients, call)
        except SetupError as error:
            error.applied_before = done
            raise
        done += 1
    return done
