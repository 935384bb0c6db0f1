"""Who the caller is: STS, then the team and user tags from wherever they can be read.

Order for the team and the Studio user id: the session tags the sign-in reported (a role session
only), the caller's role or IAM user tags (when IAM lets the caller read them), the Studio user
profile's tags, then the configuration. AWS has no API that returns a session's own tags, so
session tags are only ever known from what the sign-in hands over (``StudioAbac.session_tags``,
``STUDIO_ABAC_SESSION_TAGS``); as in AWS, a session tag overrides a role tag of the same key.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..policy.arns import session_of, split_arn
from .clients import AwsRunner
from .errors import AwsAccessDeniedError, AwsError, AwsUnavailableError
from .studio_metadata import StudioSpace, read_studio_space

log = logging.getLogger(__name__)

PrincipalType = Literal["AssumedRole", "IAMUser", "Role", "FederatedUser", "Root"]
Source = Literal["role-tag", "user-tag", "session-tag", "user-profile-tag", "config"]


@dataclass(frozen=True)
class Attribute:
    """A value about the caller with where it came from, or None and why it is unknown."""

    value: str | None
    source: Source | None
    reason: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {"value": self.value, "source": self.source, "reason": self.reason}


@dataclass(frozen=True)
class ParsedArn:
    principal_type: PrincipalType | None
    user_name: str | None = None
    role_name: str | None = None
    session_name: str | None = None


@dataclass(frozen=True)
class CallerIdentity:
    arn: str
    account: str
    parsed: ParsedArn
    team: Attribute
    studio_user_id: Attribute
    studio: StudioSpace | None
    principal_tags: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "account": self.account,
            "principalType": self.parsed.principal_type,
            "userName": self.parsed.user_name,
            "roleName": self.parsed.role_name,
            "sessionName": self.parsed.session_name,
            "team": self.team.to_dict(),
            "studioUserId": self.studio_user_id.to_dict(),
            "studio": self.studio.to_dict() if self.studio else None,
        }


@dataclass(frozen=True)
class IdentitySettings:
    team_tag_key: str
    user_tag_key: str
    configured_team: str
    configured_user_id: str
    metadata_path: str
    read_iam_tags: bool
    # What the sign-in says the session carries (AssumeRoleWithSAML's PrincipalTag attributes,
    # AssumeRole's Tags): unverifiable by the session itself, so only ever taken from settings.
    session_tags: Mapping[str, str] = field(default_factory=dict)


def parse_caller_arn(arn: str) -> ParsedArn:
    """The principal type and names in an STS caller ARN."""
    parts = split_arn(arn)
    if parts is None:
        return ParsedArn(None)
    if parts.resource == "root":
        return ParsedArn("Root")
    session = session_of(arn)
    if session is not None:
        return ParsedArn("AssumedRole", role_name=session[0], session_name=session[1])
    kind, _, rest = parts.resource.partition("/")
    if kind == "user":
        return ParsedArn("IAMUser", user_name=rest.rsplit("/", 1)[-1])
    if kind == "role":
        return ParsedArn("Role", role_name=rest.rsplit("/", 1)[-1])
    if kind == "federated-user":
        return ParsedArn("FederatedUser", user_name=rest)
    return ParsedArn(None)


def _tag_map(tags: Any) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in tags or []}


async def _principal_tags(
    runner: AwsRunner, parsed: ParsedArn, settings: IdentitySettings
) -> tuple[dict[str, str], Source | None, str]:
    """The role's or user's tags, the source name, and why they are missing when they are."""
    if not settings.read_iam_tags:
        return {}, None, "reading IAM tags is turned off (StudioAbac.read_iam_tags)"
    try:
        if parsed.role_name:
            reply = await runner.call("iam", "list_role_tags", RoleName=parsed.role_name)
            return _tag_map(reply.get("Tags")), "role-tag", ""
        if parsed.principal_type == "IAMUser" and parsed.user_name:
            reply = await runner.call("iam", "list_user_tags", UserName=parsed.user_name)
            return _tag_map(reply.get("Tags")), "user-tag", ""
    except AwsAccessDeniedError as denied:
        return {}, None, f"your policies do not allow {denied.action} to read your own tags"
    except AwsUnavailableError:
        raise
    except AwsError as error:
        return {}, None, f"IAM did not return your tags ({error.code})"
    return {}, None, "this kind of principal has no IAM tags"


async def _profile_tags(runner: AwsRunner, space: StudioSpace | None) -> tuple[dict[str, str], str]:
    if space is None:
        return {}, "not in a Studio space, so there is no user profile"
    try:
        profile = await runner.call(
            "sagemaker",
            "describe_user_profile",
            DomainId=space.domain_id,
            UserProfileName=space.user_profile_name,
        )
        reply = await runner.call("sagemaker", "list_tags", ResourceArn=profile["UserProfileArn"])
    except AwsUnavailableError:
        raise
    except AwsError as error:
        return {}, f"the user profile's tags are not readable ({error.code})"
    return _tag_map(reply.get("Tags")), ""


@dataclass(frozen=True)
class _SessionTags:
    tags: dict[str, str]
    reason: str


def _session_tags(parsed: ParsedArn, settings: IdentitySettings) -> _SessionTags:
    """The sign-in's session tags, kept only for a role session (the only kind that has them
    here: AssumeRole, AssumeRoleWithSAML and AssumeRoleWithWebIdentity all make one)."""
    if not settings.session_tags:
        return _SessionTags({}, "")
    if parsed.principal_type != "AssumedRole":
        log.warning(
            "session tags are configured but the caller is a %s, not a role session: ignored",
            parsed.principal_type,
        )
        return _SessionTags({}, "session tags are configured but you are not a role session")
    return _SessionTags(dict(settings.session_tags), "")


def _lookup(tags: Mapping[str, str], key: str) -> str | None:
    """A tag's value by key, read case-insensitively as IAM and STS compare tag keys."""
    if key in tags:
        return tags[key]
    folded = key.casefold()
    return next((value for name, value in tags.items() if name.casefold() == folded), None)


def _pick(
    key: str,
    session: _SessionTags,
    principal: tuple[dict[str, str], Source | None, str],
    profile: tuple[dict[str, str], str],
    configured: str,
) -> Attribute:
    tags, source, principal_reason = principal
    from_session = _lookup(session.tags, key)
    if from_session is not None:
        return Attribute(from_session, "session-tag", None)
    if key in tags and source is not None:
        return Attribute(tags[key], source, None)
    if key in profile[0]:
        return Attribute(profile[0][key], "user-profile-tag", None)
    if configured:
        return Attribute(configured, "config", None)
    reasons = []
    if session.tags:
        reasons.append(f"your sign-in's session tags have no {key!r}")
    elif session.reason:
        reasons.append(session.reason)
    reasons.append(principal_reason or f"your {source} tags have no {key!r}")
    reasons.append(profile[1] or f"the user profile has no {key!r} tag")
    reasons.append("nothing is configured")
    return Attribute(None, None, f"Unknown {key}: " + "; ".join(reasons) + ".")


def _with_session_tags(tags: dict[str, str], session: Mapping[str, str]) -> dict[str, str]:
    """The principal's tags as AWS sees them: "session tags override a role tag with the same
    key" (STS AssumeRole, Tags), keys compared case-insensitively."""
    folded = {key.casefold() for key in session}
    merged = {key: value for key, value in tags.items() if key.casefold() not in folded}
    merged.update(session)
    return merged


async def resolve_identity(runner: AwsRunner, settings: IdentitySettings) -> CallerIdentity:
    """Ask STS who we are, then look for the team and user id (AWS outages propagate)."""
    caller = await runner.call("sts", "get_caller_identity")
    arn = str(caller["Arn"])
    parsed = parse_caller_arn(arn)
    space, _ = read_studio_space(settings.metadata_path)
    session = _session_tags(parsed, settings)
    principal = await _principal_tags(runner, parsed, settings)
    profile = await _profile_tags(runner, space)
    team = _pick(settings.team_tag_key, session, principal, profile, settings.configured_team)
    user = _pick(settings.user_tag_key, session, principal, profile, settings.configured_user_id)
    tags = _with_session_tags(principal[0], session.tags)
    # What the engine assumes the caller carries: a profile tag or configured team stands in for
    # the role tag the admin set but the caller cannot read. A user profile's studiouserid is
    # not a principal tag of the execution role's session, so it stays out.
    if team.value is not None:
        tags.setdefault(settings.team_tag_key, team.value)
    if user.value is not None and user.source in ("role-tag", "user-tag", "session-tag"):
        tags.setdefault(settings.user_tag_key, user.value)
    return CallerIdentity(
        arn=arn,
        account=str(caller["Account"]),
        parsed=parsed,
        team=team,
        studio_user_id=user,
        studio=space,
        principal_tags=tags,
    )
