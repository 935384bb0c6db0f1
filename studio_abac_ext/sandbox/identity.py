"""Who is calling: access keys to principals, and principals' tags and policies read live from IAM.

Tags and policies come from moto's IAM backend at each request, so an admin who re-tags a role or
attaches a policy through the IAM API changes what the next request may do, as in AWS.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from moto.iam.models import IAMBackend, iam_backends

from studio_abac_ext.scenario import Scenario, derive_access_key

STUDIO_SESSION_NAME = "SageMaker"


@dataclass(frozen=True)
class StudioProfileRef:
    domain_id: str
    profile_name: str
    profile_arn: str


@dataclass(frozen=True)
class RoleSession:
    """An STS role session: a Studio session of a user profile or the result of AssumeRole."""

    role_name: str
    session_name: str
    tags: dict[str, str] = field(default_factory=dict)
    transitive_tag_keys: tuple[str, ...] = ()
    session_policy: str | None = None
    studio_profile: StudioProfileRef | None = None
    source_identity: str | None = None
    # The SAML provider of a session made by AssumeRoleWithSAML (a federated sign-in).
    saml_provider_arn: str | None = None


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str | None
    user_name: str | None = None
    session: RoleSession | None = None


@dataclass(frozen=True)
class NamedPolicy:
    name: str
    text: str


@dataclass(frozen=True)
class Caller:
    """The authenticated principal of one request, with what IAM evaluation needs about it."""

    arn: str
    principal_arn: str
    account_id: str
    user_id: str
    username: str | None
    tags: dict[str, str]
    identity_policies: tuple[NamedPolicy, ...]
    boundary: NamedPolicy | None
    session: RoleSession | None
    access_key_id: str

    @property
    def is_role_session(self) -> bool:
        return self.session is not None


def session_access_key(account_id: str, principal: str) -> tuple[str, str, str]:
    """Stable fake session credentials (key, secret, token) for a named sandbox role session."""
    key = derive_access_key(account_id, principal, prefix="ASIA")
    token = base64.b64encode(hashlib.sha256(f"token:{key.access_key_id}".encode()).digest())
    return key.access_key_id, key.secret_access_key, "FQoGZXIvYXdzE" + token.decode()


class IdentityDirectory:
    """Maps access keys to credentials and turns credentials into a Caller using live IAM state."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.account_id = scenario.account_id
        self._lock = threading.Lock()
        self._sessions: dict[str, Credentials] = {}

    @property
    def iam(self) -> IAMBackend:
        backend: IAMBackend = iam_backends[self.account_id]["global"]
        return backend

    def reset(self) -> None:
        """Forget every AssumeRole session and recreate the Studio sessions of the scenario."""
        with self._lock:
            self._sessions.clear()
        domain = self.scenario.domain
        region = self.scenario.region
        for profile in self.scenario.user_profiles:
            principal = f"{profile.owner}@studio"
            key_id, secret, token = session_access_key(self.account_id, principal)
            profile_arn = (
                f"arn:aws:sagemaker:{region}:{self.account_id}:"
                f"user-profile/{domain.domain_id}/{profile.name.lower()}"
            )
            session = RoleSession(
                role_name=profile.execution_role,
                session_name=STUDIO_SESSION_NAME,
                studio_profile=StudioProfileRef(domain.domain_id, profile.name, profile_arn),
            )
            self.add_session(Credentials(key_id, secret, token, session=session))

    def add_session(self, credentials: Credentials) -> None:
        with self._lock:
            self._sessions[credentials.access_key_id] = credentials

    def new_assumed_session(self, session: RoleSession) -> Credentials:
        key_id = "ASIA" + secrets.token_hex(8).upper()
        credentials = Credentials(
            access_key_id=key_id,
            secret_access_key=secrets.token_urlsafe(30)[:40],
            session_token="FQoGZXIvYXdzE" + secrets.token_urlsafe(96),
            session=session,
        )
        self.add_session(credentials)
        return credentials

    def new_user_session(self, user_name: str) -> Credentials:
        """GetSessionToken: session credentials that act as the IAM user itself."""
        credentials = Credentials(
            access_key_id="ASIA" + secrets.token_hex(8).upper(),
            secret_access_key=secrets.token_urlsafe(30)[:40],
            session_token="FQoGZXIvYXdzE" + secrets.token_urlsafe(96),
            user_name=user_name,
        )
        self.add_session(credentials)
        return credentials

    def credentials_for(self, access_key_id: str) -> Credentials | None:
        with self._lock:
            found = self._sessions.get(access_key_id)
        if found is not None:
            return found
        for user in list(self.iam.users.values()):
            for key in user.access_keys:
                if key.access_key_id == access_key_id and key.status == "Active":
                    return Credentials(key.access_key_id, key.secret_access_key, None, user.name)
        return None

    def caller(self, credentials: Credentials) -> Caller | None:
        """The Caller behind credentials, or None when its user or role no longer exists."""
        if credentials.session is not None:
            return self._session_caller(credentials)
        user = self.iam.users.get(credentials.user_name or "")
        if user is None:
            return None
        policies = [_managed_policy(p) for p in user.managed_policies.values()]
        policies += [NamedPolicy(name, text) for name, text in user.policies.items()]
        for group in self.iam.get_groups_for_user(user.name):
            policies += [_managed_policy(p) for p in group.managed_policies.values()]
            policies += [NamedPolicy(name, text) for name, text in group.policies.items()]
        tags = {
            t["Key"]: t["Value"] for t in self.iam.tagger.list_tags_for_resource(user.arn)["Tags"]
        }
        return Caller(
            arn=user.arn,
            principal_arn=user.arn,
            account_id=self.account_id,
            user_id=f"AIDA{user.id.upper()[:17]}",
            username=user.name,
            tags=tags,
            identity_policies=tuple(policies),
            boundary=self._boundary(getattr(user, "permissions_boundary_arn", None)),
            session=None,
            access_key_id=credentials.access_key_id,
        )

    def _session_caller(self, credentials: Credentials) -> Caller | None:
        session = credentials.session
        assert session is not None
        role = next((r for r in self.iam.roles.values() if r.name == session.role_name), None)
        if role is None:
            return None
        tags = {entry["Key"]: entry["Value"] for entry in role_tags(role)}
        tags.update(session.tags)  # session tags take precedence over role tags
        policies = [_managed_policy(p) for p in role.managed_policies.values()]
        policies += [NamedPolicy(name, text) for name, text in role.policies.items()]
        return Caller(
            arn=f"arn:aws:sts::{self.account_id}:assumed-role/{role.name}/{session.session_name}",
            principal_arn=role.arn,
            account_id=self.account_id,
            user_id=f"{role.id}:{session.session_name}",
            username=None,
            tags=tags,
            identity_policies=tuple(policies),
            boundary=self._boundary(role.permissions_boundary_arn),
            session=session,
            access_key_id=credentials.access_key_id,
        )

    def _boundary(self, policy_arn: str | None) -> NamedPolicy | None:
        if not policy_arn:
            return None
        policy = self.iam.managed_policies.get(policy_arn)
        return _managed_policy(policy) if policy is not None else None


def role_tags(role: Any) -> list[dict[str, str]]:
    """moto keeps role tags keyed by lower-cased key; AWS shows them as a list."""
    tags = role.tags or {}
    if isinstance(tags, dict):
        return [dict(entry) for entry in tags.values()]
    return [dict(entry) for entry in tags]


def _managed_policy(policy: Any) -> NamedPolicy:
    default = next((v for v in policy.versions if v.is_default), policy.versions[-1])
    document = default.document
    text = document if isinstance(document, str) else str(document)
    return NamedPolicy(policy.name, text)
