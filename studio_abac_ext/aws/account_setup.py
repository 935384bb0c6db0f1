"""The boto3 side of ``studio-abac setup``: read an account's state, then apply a plan's calls.

Credentials come from boto3's default chain and the endpoint from ``AWS_ENDPOINT_URL`` (the
sandbox sets it), so the same code runs against the sandbox and AWS. Clients carry the package's
one configuration (``clients.new_client``); listings go through boto3's paginators
(``clients.pages``); every failure leaves as an ``AwsError`` kind from ``errors.classify``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import boto3
from botocore import xform_name

from ..scenario import Role, Scenario, User
from ..setup.state import (
    AccountState,
    PolicyState,
    PrincipalState,
    ProfileState,
    SamlProviderState,
    SetupCall,
    policy_arn,
)
from .clients import call, new_client, pages
from .errors import AwsNotFoundError
from .iam_policies import document_text

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_sagemaker import SageMakerClient
    from mypy_boto3_sts import STSClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountClients:
    iam: IAMClient
    sts: STSClient
    sagemaker: SageMakerClient

    @classmethod
    def from_environment(cls, region: str, session: boto3.Session | None = None) -> AccountClients:
        return cls(
            iam=new_client("iam", region, session),
            sts=new_client("sts", region, session),
            sagemaker=new_client("sagemaker", region, session),
        )


def _snake(operation: str) -> str:
    """boto3's method name of an operation (``CreateSAMLProvider`` -> ``create_saml_provider``)."""
    return xform_name(operation)


def _read(client: Any, method: str, **params: Any) -> Any | None:
    """Call a read API; ``None`` when the thing does not exist."""
    try:
        return call(client, method, **params)
    except AwsNotFoundError:
        return None


def _listed(client: Any, method: str, key: str, **params: Any) -> list[Any]:
    """Every item under ``key`` of every page of a listing; ``[]`` when the owner is gone."""
    try:
        return [item for page in pages(client, method, **params) for item in page.get(key, [])]
    except AwsNotFoundError:
        return []


def _policy_state(iam: IAMClient, arn: str) -> PolicyState | None:
    found = _read(iam, "get_policy", PolicyArn=arn)
    if found is None:
        return None
    default = found["Policy"]["DefaultVersionId"]
    version = _read(iam, "get_policy_version", PolicyArn=arn, VersionId=default)
    versions = _listed(iam, "list_policy_versions", "Versions", PolicyArn=arn)
    others = sorted(
        (v for v in versions if not v["IsDefaultVersion"]), key=lambda v: v["CreateDate"]
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


def _tags(raw: list[Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in raw}


def _role_state(iam: IAMClient, name: str) -> PrincipalState | None:
    found = _read(iam, "get_role", RoleName=name)
    if found is None:
        return None
    trust = _as_dict(found["Role"]["AssumeRolePolicyDocument"])
    return _principal_state(iam, "Role", name, trust)


def _user_state(iam: IAMClient, name: str) -> PrincipalState | None:
    if _read(iam, "get_user", UserName=name) is None:
        return None
    return _principal_state(iam, "User", name, trust=None)


def _principal_state(
    iam: IAMClient, kind: Literal["Role", "User"], name: str, trust: dict[str, Any] | None
) -> PrincipalState:
    """Tags and policies of a role or user: IAM names both families of calls alike."""
    noun = kind.lower()
    key = {f"{kind}Name": name}
    tags = _listed(iam, f"list_{noun}_tags", "Tags", **key)
    attached = _listed(iam, f"list_attached_{noun}_policies", "AttachedPolicies", **key)
    inline = {}
    for policy in _listed(iam, f"list_{noun}_policies", "PolicyNames", **key):
        got = _read(iam, f"get_{noun}_policy", PolicyName=policy, **key)
        if got is not None:
            inline[policy] = _as_dict(got["PolicyDocument"])
    return PrincipalState(
        tags=_tags(tags),
        attached_arns=frozenset(p["PolicyArn"] for p in attached),
        inline=inline,
        trust=trust,
    )


def _profile_state(sagemaker: SageMakerClient, domain_id: str, name: str) -> ProfileState | None:
    found = _read(sagemaker, "describe_user_profile", DomainId=domain_id, UserProfileName=name)
    if found is None:
        return None
    arn = found["UserProfileArn"]
    return ProfileState(
        arn=arn,
        execution_role=found.get("UserSettings", {}).get("ExecutionRole"),
        tags=_tags(_listed(sagemaker, "list_tags", "Tags", ResourceArn=arn)),
        sso_identifier=str(found.get("SingleSignOnUserIdentifier", "")),
        sso_value=str(found.get("SingleSignOnUserValue", "")),
    )


def _saml_provider_state(iam: IAMClient, arn: str) -> SamlProviderState | None:
    found = _read(iam, "get_saml_provider", SAMLProviderArn=arn)
    if found is None:
        return None
    return SamlProviderState(arn=arn, metadata=str(found.get("SAMLMetadataDocument", "")))


def read_account_state(scenario: Scenario, clients: AccountClients) -> AccountState:
    """Everything the plan compares, read with Get/List/Describe calls only; raises ``AwsError``
    kinds (``AwsAccessDeniedError`` names the action the caller lacks)."""
    identity = _read(clients.sts, "get_caller_identity") or {}
    account = str(identity.get("Account", ""))
    domain = _read(clients.sagemaker, "describe_domain", DomainId=scenario.domain.domain_id)
    state = AccountState(account_id=account, domain_exists=domain is not None)
    state.domain_auth_mode = str((domain or {}).get("AuthMode", ""))
    state.saml_providers = {
        provider.name: _saml_provider_state(clients.iam, provider.arn(account))
        for provider in scenario.saml_providers
    }
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


def apply_call(clients: AccountClients, setup_call: SetupCall) -> None:
    """Run one call of a plan; raises an ``AwsError`` kind when AWS refuses it."""
    client = getattr(clients, setup_call.service)
    call(client, _snake(setup_call.operation), setup_call.target or "*", **setup_call.params)
    log.info("setup: %s %s", setup_call.action, setup_call.target)
