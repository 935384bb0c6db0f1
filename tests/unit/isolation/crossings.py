"""Concrete requests across the team or user boundary, as AWS would authorize them.

A ``Crossing`` is one API call a Team A member's Studio execution role session might make: on
another team's resource, an untagged one, another user's app or profile (``existing``); creating a
resource tagged as another team's, without the team tag, inside another team's or an untagged
parent, or under another user's profile (``creations``); re-tagging another team's resource as
its own or stripping its team tag (``retaggings``).

One call can need several authorizations, each a request of its own (every one must be allowed):

- a Create* call is authorized on the new resource and on each parent it names (``CreateTrial``
  on the trial and on its experiment), all with the call's request tags;
- a Create* call with tags is also authorized as ``sagemaker:AddTags`` on the new resource, with
  ``sagemaker:TaggingAction`` set to the creating action (``Null`` on it tells the two apart);
- tags in a call set ``aws:RequestTag/<key>`` for each tag and ``aws:TagKeys`` (the keys);
  a call without tags sets neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from studio_abac_ext.isolation.checker import Finding
from studio_abac_ext.policy import build_request_context

ACCOUNT = "123456789012"
ROLE = "SageMakerStudioDeveloperTeamARole"
OWN_TEAM, OTHER_TEAM = "TeamA", "TeamB"
DOMAIN = "d-abc"

# (action, resource type, write?) acting on an existing resource
ACTIONS = (
    ("sagemaker:DeleteExperiment", "experiment", True),
    ("sagemaker:UpdateExperiment", "experiment", True),
    ("sagemaker:DescribeExperiment", "experiment", False),
    ("sagemaker:StopTrainingJob", "training-job", True),
    ("sagemaker:DescribeTrainingJob", "training-job", False),
)
USER_ACTIONS = (
    ("sagemaker:DeleteApp", "app", True),
    ("sagemaker:DescribeApp", "app", False),
    ("sagemaker:UpdateUserProfile", "user-profile", True),
    ("sagemaker:DeleteUserProfile", "user-profile", True),
)
# (action, created type, parent type or None)
CREATES = (
    ("sagemaker:CreateExperiment", "experiment", None),
    ("sagemaker:CreateTrainingJob", "training-job", None),
    ("sagemaker:CreateTrial", "experiment-trial", "experiment"),
)
USER_CREATES = (
    ("sagemaker:CreateApp", "app"),
    ("sagemaker:CreateUserProfile", "user-profile"),
)
TAGGABLE = ("experiment", "training-job", "experiment-trial")
NAMES = ("teamb-experiment", "x", "xylophone", "TeamA-x", "prod")
OWN_USERS = ("teama-user1", "alice")
OTHER_USERS = ("teama-user2", "bob", "teamb-user1")
EXTRA_TAGS: tuple[dict[str, str], ...] = ({}, {"project": "x"}, {"project": "alpha"})


@dataclass(frozen=True)
class Call:
    """One authorization of a call: an action on a resource in a request context."""

    action: str
    resource: str
    context: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "resource": self.resource, "context": self.context}


@dataclass(frozen=True)
class Crossing:
    """A concrete call across the boundary and the finding kinds that must cover it."""

    family: str
    calls: tuple[Call, ...]
    kinds: frozenset[str]

    @property
    def action(self) -> str:
        """The API call's action (the first authorization's)."""
        return self.calls[0].action

    def covered_by(self, findings: list[Finding]) -> bool:
        return any(f.kind in self.kinds and self.action in f.actions for f in findings)


def arn(region: str, resource_type: str, name: str, user: str = "") -> str:
    prefix = f"arn:aws:sagemaker:{region}:{ACCOUNT}"
    if resource_type == "app":
        return f"{prefix}:app/{DOMAIN}/{user}/JupyterLab/default"
    if resource_type == "user-profile":
        return f"{prefix}:user-profile/{DOMAIN}/{user}"
    return f"{prefix}:{resource_type}/{name}"


@dataclass(frozen=True)
class Caller:
    """The Team A member's session and the keys a caller of the simulator may claim."""

    principal: str
    extra: dict[str, Any]

    def call(
        self,
        action: str,
        resource: str,
        resource_tags: dict[str, str] | None = None,
        request_tags: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Call:
        context = build_request_context(
            principal_arn=self.principal,
            principal_tags={"team": OWN_TEAM},
            resource_tags=resource_tags,
            request_tags=request_tags or None,
            extra={**self.extra, **(extra or {})},
        )
        return Call(action, resource, context)


@st.composite
def callers(draw: st.DrawFn, own_user: str, region: str) -> Caller:
    session = draw(st.sampled_from(["SageMaker", own_user]))
    extra: dict[str, Any] = {"aws:SourceIdentity": own_user}
    if draw(st.booleans()):
        extra["aws:SourceIp"] = draw(st.sampled_from(["10.1.2.3", "192.0.2.7"]))
    if draw(st.booleans()):
        extra["aws:RequestedRegion"] = region
    if draw(st.booleans()):  # what a caller of the simulator may claim
        extra["aws:username"] = draw(st.sampled_from([own_user, *OTHER_USERS]))
    if draw(st.booleans()):
        extra["aws:PrincipalTag/studiouserid"] = own_user
    return Caller(f"arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/{session}", extra)


@dataclass(frozen=True)
class Draws:
    """What every crossing draws: where, who, which name."""

    region: str
    own_user: str
    other_user: str
    name: str
    caller: Caller


@st.composite
def draws(draw: st.DrawFn) -> Draws:
    region = draw(st.sampled_from(["us-east-1", "eu-west-1"]))
    own_user = draw(st.sampled_from(OWN_USERS))
    caller = draw(callers(own_user, region))
    return Draws(
        region,
        own_user,
        draw(st.sampled_from(OTHER_USERS)),
        draw(st.sampled_from(NAMES)),
        caller,
    )


@st.composite
def existing(draw: st.DrawFn) -> Crossing:
    """An action on another team's, an untagged, or another user's existing resource."""
    d = draw(draws())
    family = draw(st.sampled_from(["cross-team", "untagged", "other-user"]))
    if family == "other-user":
        action, resource_type, write = draw(st.sampled_from([a for a in USER_ACTIONS if a[2]]))
    elif family == "untagged":
        action, resource_type, write = draw(st.sampled_from([a for a in ACTIONS if a[2]]))
    else:
        action, resource_type, write = draw(st.sampled_from(ACTIONS + USER_ACTIONS))
    tags: dict[str, str] = {}
    if family == "cross-team":
        tags["team"] = OTHER_TEAM
    if resource_type == "user-profile" and family != "untagged":
        tags["studiouserid"] = d.other_user
    if resource_type == "app":
        tags["sagemaker:user-profile-arn"] = arn(d.region, "user-profile", "", d.other_user)
    resource = arn(d.region, resource_type, d.name, d.other_user)
    if not write:
        kinds = {"read-exposure"}
    elif resource_type in ("app", "user-profile"):
        kinds = {"other-users-studio"}
    elif family == "untagged":
        kinds = {"untagged-write", "cross-team-write"}
    else:
        kinds = {"cross-team-write"}
    return Crossing(family, (d.caller.call(action, resource, tags),), frozenset(kinds))


def _creation(
    caller: Caller,
    action: str,
    new_arn: str,
    request_tags: dict[str, str],
    parents: tuple[tuple[str, dict[str, str]], ...] = (),
) -> tuple[Call, ...]:
    """The authorizations of one Create* call (see the module docstring)."""
    calls = [caller.call(action, new_arn, request_tags=request_tags)]
    calls += [caller.call(action, p, tags, request_tags) for p, tags in parents]
    if request_tags:
        tagging = {"sagemaker:TaggingAction": action.split(":", 1)[1]}
        calls.append(caller.call("sagemaker:AddTags", new_arn, None, request_tags, tagging))
    return tuple(calls)


def _tag_kinds(team: str | None) -> set[str]:
    if team is None:
        return {"create-without-team-tag"}
    return {"create-with-other-team-tag"} if team == OTHER_TEAM else set()


@st.composite
def creations(draw: st.DrawFn) -> Crossing:
    """Create with another team's tag or none, inside another team's or an untagged parent,
    or under another user's profile."""
    d = draw(draws())
    extra_tags = draw(st.sampled_from(EXTRA_TAGS))
    family = draw(
        st.sampled_from(["foreign-tag", "untagged", "child-other", "child-untagged", "user"])
    )
    if family == "user":
        action, created = draw(st.sampled_from(USER_CREATES))
        tags = draw(
            st.sampled_from(
                [
                    {},
                    {"team": OWN_TEAM},
                    {"studiouserid": d.own_user},
                    {"studiouserid": d.other_user},
                ]
            )
        )
        new_arn = arn(d.region, created, "", d.other_user)
        calls = _creation(d.caller, action, new_arn, {**tags, **extra_tags})
        return Crossing(family, calls, frozenset({"other-users-studio"}))
    children = family.startswith("child")
    action, created, parent = draw(st.sampled_from([c for c in CREATES if c[2] or not children]))
    if family == "foreign-tag":
        team: str | None = OTHER_TEAM
    elif family == "untagged":
        team = None
    else:
        team = draw(st.sampled_from([OWN_TEAM, OTHER_TEAM, None]))
    request_tags = {**({"team": team} if team else {}), **extra_tags}
    parent_owner = {"child-other": OTHER_TEAM, "child-untagged": None}.get(family, OWN_TEAM)
    parents: tuple[tuple[str, dict[str, str]], ...] = ()
    if parent:
        parent_name = draw(st.sampled_from(NAMES))
        parent_tags = {"team": parent_owner} if parent_owner else {}
        parents = ((arn(d.region, parent, parent_name), parent_tags),)
    kinds = _tag_kinds(team)
    if family == "child-other":
        kinds.add("cross-team-children")
    elif family == "child-untagged":
        kinds |= {"untagged-children", "cross-team-children"}
    calls = _creation(d.caller, action, arn(d.region, created, d.name), request_tags, parents)
    return Crossing(family, calls, frozenset(kinds))


@st.composite
def retaggings(draw: st.DrawFn) -> Crossing:
    """AddTags team=<own> on another team's or an untagged resource, AddTags of the caller's
    user on another user's profile, DeleteTags of another team's team tag."""
    d = draw(draws())
    extra_tags = draw(st.sampled_from(EXTRA_TAGS))
    family = draw(st.sampled_from(["retag", "claim", "profile", "untag"]))
    if family == "profile":
        profile = arn(d.region, "user-profile", "", d.other_user)
        call = d.caller.call(
            "sagemaker:AddTags",
            profile,
            {"studiouserid": d.other_user},
            {"studiouserid": d.own_user, **extra_tags},
        )
        return Crossing(family, (call,), frozenset({"profile-retag"}))
    resource_type = draw(st.sampled_from(TAGGABLE))
    resource = arn(d.region, resource_type, d.name)
    if family == "untag":
        keys = ["team", *extra_tags]
        call = d.caller.call(
            "sagemaker:DeleteTags", resource, {"team": OTHER_TEAM}, extra={"aws:TagKeys": keys}
        )
        return Crossing(family, (call,), frozenset({"tag-removal"}))
    owner_tags = {"team": OTHER_TEAM} if family == "retag" else {}
    call = d.caller.call(
        "sagemaker:AddTags", resource, owner_tags, {"team": OWN_TEAM, **extra_tags}
    )
    kinds = {"retag-takeover"} if family == "retag" else {"claim-untagged", "retag-takeover"}
    return Crossing(family, (call,), frozenset(kinds))
