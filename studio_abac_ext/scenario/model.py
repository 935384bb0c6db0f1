"""The typed scenario: the accounts, identities and resources a sandbox (or `setup`) creates.

Every policy text is already read from its file, with placeholders substituted, so consumers never
touch the file system again and never send a placeholder to AWS.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RESOURCE_KINDS = ("experiment", "trial", "trial_component", "training_job")
FEDERATED_PREFIX = "fed:"


class ScenarioError(ValueError):
    """A scenario file breaks a rule; the message names the file, the path in it and the rule."""

    def __init__(self, source: str, path: str, rule: str) -> None:
        self.source = source
        self.path = path
        self.rule = rule
        super().__init__(f"{source}: {path}: {rule}")


@dataclass(frozen=True)
class PolicyDocument:
    """A named IAM policy document (the JSON text, placeholders substituted)."""

    name: str
    text: str


@dataclass(frozen=True)
class AccessKey:
    """A fake local access key pair. Never a real AWS credential."""

    access_key_id: str
    secret_access_key: str


@dataclass(frozen=True)
class Role:
    name: str
    tags: dict[str, str]
    trust_policy: str
    managed_policies: tuple[PolicyDocument, ...] = ()
    inline_policies: tuple[PolicyDocument, ...] = ()
    description: str = ""

    def arn(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:role/{self.name}"


@dataclass(frozen=True)
class User:
    name: str
    tags: dict[str, str]
    access_keys: tuple[AccessKey, ...]
    managed_policies: tuple[PolicyDocument, ...] = ()
    inline_policies: tuple[PolicyDocument, ...] = ()

    def arn(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:user/{self.name}"


@dataclass(frozen=True)
class SamlProvider:
    """An IAM SAML provider; an empty `metadata` means the sandbox's own IdP (made at start-up)."""

    name: str
    metadata: str = ""

    def arn(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:saml-provider/{self.name}"


@dataclass(frozen=True)
class FederatedUser:
    """A person of the SAML IdP: who they sign in as, and the attributes the IdP asserts.

    `session_tags` become `https://aws.amazon.com/SAML/Attributes/PrincipalTag:<key>` attributes,
    `transitive_tag_keys` the `TransitiveTagKeys` attribute; `fed:<name>` is the sandbox persona.
    """

    name: str
    provider: str
    role: str
    session_tags: dict[str, str] = field(default_factory=dict)
    transitive_tag_keys: tuple[str, ...] = ()
    source_identity: str = ""


@dataclass(frozen=True)
class Domain:
    name: str
    domain_id: str
    auth_mode: str
    default_execution_role: str
    tags: dict[str, str] = field(default_factory=dict)

    def arn(self, account_id: str, region: str) -> str:
        return f"arn:aws:sagemaker:{region}:{account_id}:domain/{self.domain_id}"


@dataclass(frozen=True)
class UserProfile:
    """A Studio user profile; `owner` is the IAM user whose `<owner>@studio` session it gives."""

    name: str
    owner: str
    execution_role: str
    tags: dict[str, str]
    # An SSO domain binds a profile to an IAM Identity Center user (as CreateUserProfile takes it).
    single_sign_on_user_identifier: str = ""
    single_sign_on_user_value: str = ""


@dataclass(frozen=True)
class Resource:
    """A SageMaker resource created before anyone signs in, as `created_by` would have made it."""

    kind: str
    name: str
    tags: dict[str, str]
    created_by: str = ""
    parent: str = ""
    description: str = ""


@dataclass(frozen=True)
class OrganizationTrail:
    """An organisation trail's S3 bucket and the Athena table over it (CloudTrail's layout:
    ``s3://<bucket>/AWSLogs/<organization_id>/<account>/CloudTrail/<region>/YYYY/MM/DD/``)."""

    bucket: str
    organization_id: str
    workgroup: str
    database: str
    table: str
    output_location: str

    @property
    def source(self) -> str:
        """The table as ``c.StudioAbac.denials_source`` names it."""
        return f"athena://{self.workgroup}/{self.database}/{self.table}"


@dataclass(frozen=True)
class Scenario:
    """Everything a sandbox seeds and `setup` applies; `source` is the file it came from."""

    account_id: str
    region: str
    teams: tuple[str, ...]
    policies: tuple[PolicyDocument, ...]
    roles: tuple[Role, ...]
    users: tuple[User, ...]
    domain: Domain
    user_profiles: tuple[UserProfile, ...]
    resources: tuple[Resource, ...]
    source: str = ""
    saml_providers: tuple[SamlProvider, ...] = ()
    federated_users: tuple[FederatedUser, ...] = ()
    organization_trail: OrganizationTrail | None = None

    def role(self, name: str) -> Role:
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(name)

    def user(self, name: str) -> User:
        for user in self.users:
            if user.name == name:
                return user
        raise KeyError(name)

    def profile_of(self, owner: str) -> UserProfile:
        for profile in self.user_profiles:
            if profile.owner == owner:
                return profile
        raise KeyError(owner)

    def federated_user(self, name: str) -> FederatedUser:
        for user in self.federated_users:
            if user.name == name:
                return user
        raise KeyError(name)

    def saml_provider(self, name: str) -> SamlProvider:
        for provider in self.saml_providers:
            if provider.name == name:
                return provider
        raise KeyError(name)

    def principals(self) -> list[str]:
        """Every principal name a sandbox accepts: IAM users, `<owner>@studio` sessions and
        `fed:<name>` sessions of federated users (signed in through the SAML IdP)."""
        names = [user.name for user in self.users]
        names += [f"{profile.owner}@studio" for profile in self.user_profiles]
        names += [f"{FEDERATED_PREFIX}{user.name}" for user in self.federated_users]
        return names
