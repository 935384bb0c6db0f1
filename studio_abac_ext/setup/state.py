"""What ``studio-abac setup`` knows of an account, and the calls its plan makes: plain data.

``aws/account_setup.py`` fills ``AccountState`` from Get/List/Describe calls and runs
``SetupCall``s; ``plan.py`` compares the two. Nothing here talks to AWS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The parameters that name what a call acts on, most specific first (for messages and logs).
_TARGET_PARAMS = (
    "SAMLProviderArn",
    "PolicyArn",
    "ResourceArn",
    "RoleName",
    "UserName",
    "UserProfileName",
    "PolicyName",
    "Name",
)


@dataclass(frozen=True)
class SetupCall:
    """One AWS call of a plan: ``action`` is the IAM action name (``iam:CreateRole``), which is
    also the API operation; ``params`` are its exact parameters."""

    action: str
    params: dict[str, Any]

    @property
    def service(self) -> str:
        return self.action.split(":", 1)[0]

    @property
    def operation(self) -> str:
        return self.action.split(":", 1)[1]

    @property
    def target(self) -> str:
        """What the call acts on (an ARN or a name), or ``""``."""
        for key in _TARGET_PARAMS:
            if key in self.params:
                return str(self.params[key])
        return ""


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
    # The IAM Identity Center user an SSO domain's profile is bound to ("" when none).
    sso_identifier: str = ""
    sso_value: str = ""


@dataclass(frozen=True)
class SamlProviderState:
    arn: str
    metadata: str  # the SAMLMetadataDocument IAM keeps


@dataclass
class AccountState:
    """What exists now; ``None`` values mean "does not exist"."""

    account_id: str
    domain_exists: bool
    policies: dict[str, PolicyState | None] = field(default_factory=dict)
    roles: dict[str, PrincipalState | None] = field(default_factory=dict)
    users: dict[str, PrincipalState | None] = field(default_factory=dict)
    profiles: dict[str, ProfileState | None] = field(default_factory=dict)
    saml_providers: dict[str, SamlProviderState | None] = field(default_factory=dict)
    domain_auth_mode: str = ""


def policy_arn(account_id: str, name: str) -> str:
    """The ARN of the customer managed policy ``name`` (no path) in ``account_id``."""
    return f"arn:aws:iam::{account_id}:policy/{name}"
