"""What ``studio-abac setup`` would change: a pure diff of a scenario against an account's state.

The account's state (``state.AccountState``) is read by ``aws/account_setup.py``; this module
only compares and produces a plan of items (create / update / unchanged), each with the exact API
calls that apply it. Applying the plan twice changes nothing the second time: unchanged items
carry no calls.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..scenario import PolicyDocument, Role, SamlProvider, Scenario, User, UserProfile
from .state import (
    AccountState,
    PolicyState,
    PrincipalState,
    ProfileState,
    SamlProviderState,
    SetupCall,
    policy_arn,
)

MAX_POLICY_VERSIONS = 5


class Change(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class PlanItem:
    kind: str
    name: str
    change: Change
    details: tuple[str, ...] = ()
    calls: tuple[SetupCall, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "change": self.change.value,
            "details": list(self.details),
            "calls": [call.action for call in self.calls],
        }


@dataclass(frozen=True)
class Plan:
    items: tuple[PlanItem, ...]
    blockers: tuple[str, ...] = ()

    @property
    def calls(self) -> tuple[SetupCall, ...]:
        return tuple(call for item in self.items for call in item.calls)

    @property
    def changes(self) -> int:
        return sum(1 for item in self.items if item.change is not Change.UNCHANGED)

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [item.to_dict() for item in self.items],
            "blockers": list(self.blockers),
            "changes": self.changes,
        }

    def render(self) -> str:
        lines = []
        for item in self.items:
            lines.append(f"{item.change.value:<10} {item.kind:<15} {item.name}")
            lines += [f"{'':<27}- {detail}" for detail in item.details]
        lines += [f"BLOCKED: {blocker}" for blocker in self.blockers]
        summary = f"{self.changes} change(s), {len(self.calls)} API call(s)"
        return "\n".join([*lines, summary])


def _document(policy: PolicyDocument) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(policy.text)
    return document


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in sorted(tags.items())]


def _managed_policies(scenario: Scenario) -> list[PolicyDocument]:
    """The policies attached to a role or user (inline ones are put, not created)."""
    chosen: dict[str, PolicyDocument] = {}
    principals: list[Role | User] = [*scenario.roles, *scenario.users]
    for principal in principals:
        for policy in principal.managed_policies:
            chosen.setdefault(policy.name, policy)
    return list(chosen.values())


def _plan_policy(policy: PolicyDocument, state: PolicyState | None, account: str) -> PlanItem:
    text = json.dumps(_document(policy))
    if state is None:
        call = SetupCall("iam:CreatePolicy", {"PolicyName": policy.name, "PolicyDocument": text})
        return PlanItem("managed-policy", policy.name, Change.CREATE, (), (call,))
    if state.document == _document(policy):
        return PlanItem("managed-policy", policy.name, Change.UNCHANGED)
    calls = []
    if len(state.other_versions) + 1 >= MAX_POLICY_VERSIONS:
        oldest = state.other_versions[0]
        calls.append(
            SetupCall("iam:DeletePolicyVersion", {"PolicyArn": state.arn, "VersionId": oldest})
        )
    calls.append(
        SetupCall(
            "iam:CreatePolicyVersion",
            {"PolicyArn": state.arn, "PolicyDocument": text, "SetAsDefault": True},
        )
    )
    details = (f"new default version (was {state.default_version})",)
    return PlanItem("managed-policy", policy.name, Change.UPDATE, details, tuple(calls))


def _plan_saml_provider(provider: SamlProvider, state: SamlProviderState | None) -> PlanItem | str:
    """The provider's item, or a blocker when it must be created but has no metadata."""
    if not provider.metadata:
        if state is None:
            return (
                f"SAML provider {provider.name} does not exist and the scenario gives no "
                "metadata_file: iam:CreateSAMLProvider needs the IdP's metadata document"
            )
        details = ("metadata kept: the scenario gives no metadata_file",)
        return PlanItem("saml-provider", provider.name, Change.UNCHANGED, details)
    if state is None:
        params = {"Name": provider.name, "SAMLMetadataDocument": provider.metadata}
        call = SetupCall("iam:CreateSAMLProvider", params)
        return PlanItem("saml-provider", provider.name, Change.CREATE, (), (call,))
    if state.metadata.strip() == provider.metadata.strip():
        return PlanItem("saml-provider", provider.name, Change.UNCHANGED)
    params = {"SAMLProviderArn": state.arn, "SAMLMetadataDocument": provider.metadata}
    call = SetupCall("iam:UpdateSAMLProvider", params)
    details = ("metadata (the IdP's signing certificate or endpoints changed)",)
    return PlanItem("saml-provider", provider.name, Change.UPDATE, details, (call,))


def _principal_calls(
    kind: str,
    name: str,
    principal: Role | User,
    state: PrincipalState | None,
    account: str,
) -> tuple[list[str], list[SetupCall]]:
    """Tags, attached and inline policies: the calls that bring ``state`` to ``principal``."""
    key = "RoleName" if kind == "role" else "UserName"
    noun = "Role" if kind == "role" else "User"
    details: list[str] = []
    calls: list[SetupCall] = []
    current_tags = state.tags if state else {}
    wrong_tags = {k: v for k, v in principal.tags.items() if current_tags.get(k) != v}
    if wrong_tags and state is not None:
        details.append(f"tags {wrong_tags}")
        calls.append(SetupCall(f"iam:Tag{noun}", {key: name, "Tags": _tag_list(wrong_tags)}))
    attached = state.attached_arns if state else frozenset()
    for policy in principal.managed_policies:
        arn = policy_arn(account, policy.name)
        if arn not in attached:
            details.append(f"attach {policy.name}")
            calls.append(SetupCall(f"iam:Attach{noun}Policy", {key: name, "PolicyArn": arn}))
    inline = state.inline if state else {}
    for policy in principal.inline_policies:
        if inline.get(policy.name) != _document(policy):
            details.append(f"inline policy {policy.name}")
            params = {key: name, "PolicyName": policy.name, "PolicyDocument": policy.text}
            calls.append(SetupCall(f"iam:Put{noun}Policy", params))
    return details, calls


@dataclass(frozen=True)
class Federation:
    """Federated sign-in through a SAML provider that passes the user tag as a session tag."""

    provider_arn: str
    team_key: str = "team"
    user_key: str = "studiouserid"


TRANSITIVE_TAGS_SID = "IdentifyTransitiveTags"


def with_transitive_tags(trust: dict[str, Any], federation: Federation) -> dict[str, Any]:
    """The trust policy plus the document's sts:TagSession statement (replaced if present)."""
    statements = trust.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    kept = [s for s in statements if s.get("Sid") != TRANSITIVE_TAGS_SID]
    kept.append(
        {
            "Sid": TRANSITIVE_TAGS_SID,
            "Effect": "Allow",
            "Principal": {"Federated": federation.provider_arn},
            "Action": "sts:TagSession",
            "Condition": {
                "ForAllValues:StringEquals": {"sts:TransitiveTagKeys": [federation.user_key]}
            },
        }
    )
    return {**trust, "Statement": kept}


def _desired_trust(role: Role, federation: Federation | None) -> dict[str, Any]:
    trust: dict[str, Any] = json.loads(role.trust_policy)
    if federation is not None and federation.team_key in role.tags:
        trust = with_transitive_tags(trust, federation)
    return trust


def _plan_role(
    role: Role, state: PrincipalState | None, account: str, federation: Federation | None
) -> PlanItem:
    calls: list[SetupCall] = []
    details: list[str] = []
    trust = _desired_trust(role, federation)
    if state is None:
        params: dict[str, Any] = {
            "RoleName": role.name,
            "AssumeRolePolicyDocument": json.dumps(trust),
            "Tags": _tag_list(role.tags),
        }
        if role.description:
            params["Description"] = role.description
        calls.append(SetupCall("iam:CreateRole", params))
    elif state.trust != trust:
        details.append("trust policy")
        calls.append(
            SetupCall(
                "iam:UpdateAssumeRolePolicy",
                {"RoleName": role.name, "PolicyDocument": json.dumps(trust)},
            )
        )
    more_details, more_calls = _principal_calls("role", role.name, role, state, account)
    return _item("role", role.name, state is None, details + more_details, calls + more_calls)


def _plan_user(user: User, state: PrincipalState | None, account: str) -> PlanItem:
    calls: list[SetupCall] = []
    if state is None:
        calls.append(
            SetupCall("iam:CreateUser", {"UserName": user.name, "Tags": _tag_list(user.tags)})
        )
    details, more_calls = _principal_calls("user", user.name, user, state, account)
    return _item("user", user.name, state is None, details, calls + more_calls)


def _plan_profile(
    profile: UserProfile, state: ProfileState | None, scenario: Scenario, account: str
) -> PlanItem:
    role_arn = f"arn:aws:iam::{account}:role/{profile.execution_role}"
    domain_id = scenario.domain.domain_id
    if state is None:
        params: dict[str, Any] = {
            "DomainId": domain_id,
            "UserProfileName": profile.name,
            "Tags": _tag_list(profile.tags),
            "UserSettings": {"ExecutionRole": role_arn},
        }
        if profile.single_sign_on_user_identifier:
            params["SingleSignOnUserIdentifier"] = profile.single_sign_on_user_identifier
            params["SingleSignOnUserValue"] = profile.single_sign_on_user_value
        call = SetupCall("sagemaker:CreateUserProfile", params)
        return PlanItem("user-profile", profile.name, Change.CREATE, (), (call,))
    details: list[str] = []
    calls: list[SetupCall] = []
    if state.execution_role != role_arn:
        details.append(f"execution role {state.execution_role} -> {role_arn}")
        calls.append(
            SetupCall(
                "sagemaker:UpdateUserProfile",
                {
                    "DomainId": domain_id,
                    "UserProfileName": profile.name,
                    "UserSettings": {"ExecutionRole": role_arn},
                },
            )
        )
    wrong_tags = {k: v for k, v in profile.tags.items() if state.tags.get(k) != v}
    if wrong_tags:
        details.append(f"tags {wrong_tags}")
        calls.append(
            SetupCall(
                "sagemaker:AddTags", {"ResourceArn": state.arn, "Tags": _tag_list(wrong_tags)}
            )
        )
    return _item("user-profile", profile.name, False, details, calls)


def _item(
    kind: str, name: str, created: bool, details: list[str], calls: list[SetupCall]
) -> PlanItem:
    change = Change.UPDATE if calls else Change.UNCHANGED
    if created:
        change = Change.CREATE
    return PlanItem(kind, name, change, tuple(details), tuple(calls))


def _sso_blockers(scenario: Scenario, state: AccountState) -> list[str]:
    """What setup cannot change: a domain's auth mode, an SSO profile's Identity Center user
    (UpdateDomain and UpdateUserProfile take neither)."""
    domain = scenario.domain
    blockers = []
    if state.domain_auth_mode and state.domain_auth_mode != domain.auth_mode:
        blockers.append(
            f"domain {domain.domain_id} is in {state.domain_auth_mode} mode, the scenario says "
            f"{domain.auth_mode}: a domain's auth mode is fixed when it is created"
        )
    for profile in scenario.user_profiles:
        found = state.profiles.get(profile.name)
        wanted = (profile.single_sign_on_user_identifier, profile.single_sign_on_user_value)
        if found is not None and (found.sso_identifier, found.sso_value) != wanted:
            blockers.append(
                f"user profile {profile.name} is bound to SSO user {found.sso_value!r}, the "
                f"scenario says {wanted[1]!r}: SageMaker cannot rebind a profile; delete it first"
            )
    return blockers


def build_plan(
    scenario: Scenario, state: AccountState, federation: Federation | None = None
) -> Plan:
    """The items that bring the account to the scenario; ``blockers`` stop any apply.

    With ``federation``, every team role (a role carrying the team tag) trusts the SAML provider
    to pass the user tag transitively (the document's IdentifyTransitiveTags statement)."""
    account = state.account_id
    blockers = []
    if account != scenario.account_id:
        blockers.append(
            f"the credentials are for account {account} but the scenario's account_id is "
            f"{scenario.account_id}: its policies name the wrong account"
        )
    if not state.domain_exists:
        blockers.append(
            f"domain {scenario.domain.domain_id} does not exist in {scenario.region}: "
            "setup does not create Studio domains; create it first (or fix domain.id)"
        )
    items: list[PlanItem] = []
    # Providers first: a trust policy may name only a SAML provider that exists.
    for provider in scenario.saml_providers:
        planned = _plan_saml_provider(provider, state.saml_providers.get(provider.name))
        if isinstance(planned, str):
            blockers.append(planned)
        else:
            items.append(planned)
    items += [
        _plan_policy(policy, state.policies.get(policy.name), account)
        for policy in _managed_policies(scenario)
    ]
    items += [
        _plan_role(role, state.roles.get(role.name), account, federation) for role in scenario.roles
    ]
    items += [_plan_user(user, state.users.get(user.name), account) for user in scenario.users]
    if state.domain_exists:
        blockers += _sso_blockers(scenario, state)
        items += [
            _plan_profile(profile, state.profiles.get(profile.name), scenario, account)
            for profile in scenario.user_profiles
        ]
    return Plan(tuple(items), tuple(blockers))
