"""The imagined account the isolation checker asks questions about.

Two teams share a Studio domain. The principal is the Studio execution role session of a member
of the first team; resources belong to that member, a teammate, the other team, or nobody
(untagged). Every question the checker asks is a request built here, so the tag conventions
(``team`` on resources, ``studiouserid`` on user profiles, the profile name in app ARNs) live in
one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from ..data.iam_catalog import ResourceTypeSpec
from ..policy import Request, build_request_context
from ..policy.context import ContextValue

PARTITION = "aws"
SAGEMAKER_SERVICE_PRINCIPAL = "sagemaker.amazonaws.com"

# Resource types whose owner is a single user, not a team: apps sit under a user profile in
# their ARN, and the profile itself carries the user tag (the document's ``studiouserid``).
USER_SCOPED_TYPES = frozenset({"app", "user-profile"})
PROFILE_LINKED_TYPES = frozenset({"app"})


@dataclass(frozen=True)
class TagKeys:
    """The tag keys the policies compare: the team key and the per-user key."""

    team: str = "team"
    user: str = "studiouserid"


class Owner(str, Enum):
    """Whose resource a request targets, seen from the principal."""

    OWN = "own"
    TEAMMATE = "teammate"
    OTHER_TEAM = "other-team"
    UNTAGGED = "untagged"


@dataclass(frozen=True)
class Target:
    """A resource in a request: its ARN and the tags IAM would see on it."""

    arn: str
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class World:
    tag_keys: TagKeys
    own_team: str
    other_team: str
    account_id: str
    region: str
    domain_id: str = "d-isolationcheck"

    # people ----------------------------------------------------------------------------
    def team_of(self, owner: Owner) -> str | None:
        if owner is Owner.UNTAGGED:
            return None
        return self.other_team if owner is Owner.OTHER_TEAM else self.own_team

    def user_of(self, owner: Owner) -> str:
        if owner is Owner.OTHER_TEAM:
            return f"{_short(self.other_team)}-user1"
        if owner is Owner.TEAMMATE:
            return f"{_short(self.own_team)}-user2"
        if owner is Owner.UNTAGGED:
            return "unowned-user"
        return f"{_short(self.own_team)}-user1"

    def role_name(self, team: str) -> str:
        return f"SageMakerStudioDeveloper{team}Role"

    def role_arn(self, team: str) -> str:
        return f"arn:{PARTITION}:iam::{self.account_id}:role/{self.role_name(team)}"

    @property
    def principal_arn(self) -> str:
        """The Studio execution role session of the first team's member."""
        role = self.role_name(self.own_team)
        return f"arn:{PARTITION}:sts::{self.account_id}:assumed-role/{role}/SageMaker"

    @property
    def principal_tags(self) -> dict[str, str]:
        return {self.tag_keys.team: self.own_team}

    @property
    def principal_extra(self) -> dict[str, ContextValue]:
        # With the domain's ExecutionRoleIdentityConfig=USER_PROFILE_NAME, SageMaker sets the
        # user profile name as the session's source identity: the only per-user signal an
        # execution role session carries.
        return {"aws:SourceIdentity": self.user_of(Owner.OWN)}

    # resources -------------------------------------------------------------------------
    def profile_arn(self, owner: Owner, user: str | None = None) -> str:
        return (
            f"arn:{PARTITION}:sagemaker:{self.region}:{self.account_id}:"
            f"user-profile/{self.domain_id}/{user or self.user_of(owner)}"
        )

    @property
    def variable_values(self) -> dict[str, str]:
        """What the principal's policy variables resolve to (lower-cased keys)."""
        values = {f"aws:principaltag/{k.lower()}": v for k, v in self.principal_tags.items()}
        values |= {k.lower(): str(v) for k, v in self.principal_extra.items()}
        return values

    def sagemaker_target(
        self,
        spec: ResourceTypeSpec,
        owner: Owner,
        existing: bool,
        *,
        name: str | None = None,
        user: str | None = None,
        region: str | None = None,
    ) -> Target:
        """``owner``'s resource of type ``spec``; a resource being created has no tags yet.

        ``name``, ``user`` and ``region`` replace the world's own choices (``variants.py``)."""
        user = user or self.user_of(owner)
        names = {
            "DomainId": self.domain_id,
            "UserProfileName": user,
            "AppType": "JupyterLab",
            "AppName": "default",
        }
        prefix = self.team_of(owner) or "untagged"
        default_name = name or f"{prefix.lower()}-{spec.name}"
        arn = spec.arn(PARTITION, region or self.region, self.account_id, names, default_name)
        if not existing or not spec.supports_resource_tags:
            return Target(arn)
        return Target(arn, self._sagemaker_tags(spec.name, owner, user))

    def _sagemaker_tags(self, resource_type: str, owner: Owner, user: str) -> dict[str, str]:
        if owner is Owner.UNTAGGED:
            return {}
        if resource_type == "user-profile":
            return {self.tag_keys.user: user}
        if resource_type in PROFILE_LINKED_TYPES:
            # Studio tags the apps it starts with their user profile, not with a team.
            return {"sagemaker:user-profile-arn": self.profile_arn(owner, user)}
        team = self.team_of(owner)
        return {self.tag_keys.team: team} if team else {}

    def role_target(self, owner: Owner, name: str | None = None) -> Target:
        """A team's role (tagged with its team) or, for ``UNTAGGED``, an unrelated admin role;
        ``name`` replaces the world's role name (``variants.py``)."""
        team = self.team_of(owner)
        if team is None:
            name = name or "AccountAdministratorRole"
            return Target(f"arn:{PARTITION}:iam::{self.account_id}:role/{name}")
        arn = f"arn:{PARTITION}:iam::{self.account_id}:role/{name}" if name else self.role_arn(team)
        return Target(arn, {self.tag_keys.team: team})

    def user_target(self, owner: Owner) -> Target:
        user = self.user_of(owner)
        return Target(
            f"arn:{PARTITION}:iam::{self.account_id}:user/{user}", {self.tag_keys.user: user}
        )

    # requests --------------------------------------------------------------------------
    def request(
        self,
        action: str,
        target: Target,
        *,
        request_tags: Mapping[str, str] | None = None,
        extra: Mapping[str, ContextValue] | None = None,
    ) -> Request:
        service = action.split(":", 1)[0]
        context = build_request_context(
            principal_arn=self.principal_arn,
            principal_tags=self.principal_tags,
            resource_tags=target.tags,
            request_tags=request_tags,
            service=service,
            extra={**self.principal_extra, **(extra or {})},
        )
        return Request(
            action=action, resource=target.arn, principal_arn=self.principal_arn, context=context
        )


def _short(team: str) -> str:
    return team.lower().replace(" ", "")
