"""Recommended fixes: policy statements that close each kind of finding.

Every fix is a JSON list of statements to add to (or to replace the granting statement in) the
team's execution role policy. They use the configured tag keys, and the hardened example policies
in ``isolation/examples/hardened/`` apply all of them together.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .world import TagKeys

Statement = dict[str, Any]


def _render(statements: Sequence[Statement]) -> str:
    return json.dumps(list(statements), indent=2)


def _same_team(keys: TagKeys) -> dict[str, Any]:
    return {"StringEquals": {f"aws:ResourceTag/{keys.team}": f"${{aws:PrincipalTag/{keys.team}}}"}}


def _sorted_actions(actions: Sequence[str], limit: int = 20) -> list[str]:
    """The actions to name in a snippet; long lists are cut (the finding lists them all)."""
    return sorted(set(actions))[:limit]


def scope_to_team(keys: TagKeys, actions: Sequence[str]) -> str:
    """Allow these actions only on resources tagged with the caller's team."""
    return _render(
        [
            {
                "Sid": "OnlyOnOwnTeamResources",
                "Effect": "Allow",
                "Action": _sorted_actions(actions),
                "Resource": "*",
                "Condition": _same_team(keys),
            }
        ]
    )


def deny_outside_team(keys: TagKeys, actions: Sequence[str]) -> str:
    """Deny these actions on any resource whose team tag is missing or not the caller's."""
    return _render(
        [
            {
                "Sid": "DenyOutsideOwnTeam",
                "Effect": "Deny",
                "Action": _sorted_actions(actions),
                "Resource": "*",
                "Condition": {
                    "StringNotEquals": {
                        f"aws:ResourceTag/{keys.team}": f"${{aws:PrincipalTag/{keys.team}}}"
                    }
                },
            }
        ]
    )


def add_tags_only_on_create(keys: TagKeys) -> str:
    """AddTags only as part of a Create* call (SageMaker then sets sagemaker:TaggingAction)."""
    return _render(
        [
            {
                "Sid": "AddTagsOnlyWhenCreating",
                "Effect": "Allow",
                "Action": "sagemaker:AddTags",
                "Resource": "*",
                "Condition": {"Null": {"sagemaker:TaggingAction": "false"}},
            },
            {
                "Sid": "DenyRetaggingExistingResources",
                "Effect": "Deny",
                "Action": "sagemaker:AddTags",
                "Resource": "*",
                "Condition": {
                    "ForAnyValue:StringEquals": {"aws:TagKeys": [keys.team, keys.user]},
                    "Null": {"sagemaker:TaggingAction": "true"},
                },
            },
        ]
    )


def deny_team_tag_removal(keys: TagKeys) -> str:
    return _render(
        [
            {
                "Sid": "DenyRemovingIsolationTags",
                "Effect": "Deny",
                "Action": "sagemaker:DeleteTags",
                "Resource": "*",
                "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": [keys.team, keys.user]}},
            }
        ]
    )


def require_team_tag_on_create(keys: TagKeys) -> str:
    return _render(
        [
            {
                "Sid": "CreateOnlyWithOwnTeamTag",
                "Effect": "Allow",
                "Action": "sagemaker:Create*",
                "Resource": "*",
                "Condition": {
                    "ForAnyValue:StringEquals": {"aws:TagKeys": [keys.team]},
                    "StringEquals": {
                        f"aws:RequestTag/{keys.team}": f"${{aws:PrincipalTag/{keys.team}}}"
                    },
                },
            }
        ]
    )


def deny_children_outside_team(keys: TagKeys, parents: Mapping[str, Sequence[str]]) -> str:
    """Deny creating inside a parent (an experiment for CreateTrial) not tagged with the
    caller's team. One statement per parent type: the Resource pattern must name the parent
    only, or the Deny would also hit the new, still untagged resource."""
    statements: list[Statement] = []
    for parent_type, actions in sorted(parents.items()):
        statements.append(
            {
                "Sid": "DenyCreatingInside" + "".join(p.title() for p in parent_type.split("-")),
                "Effect": "Deny",
                "Action": _sorted_actions(actions),
                "Resource": f"arn:aws:sagemaker:*:*:{parent_type}/*",
                "Condition": {
                    "StringNotEquals": {
                        f"aws:ResourceTag/{keys.team}": f"${{aws:PrincipalTag/{keys.team}}}"
                    }
                },
            }
        )
    return _render(statements)


def own_apps_and_profile_only(keys: TagKeys, profile_actions: Sequence[str]) -> str:
    """Studio apps sit under a user profile in their ARN, and profiles carry the user tag;
    match both to the session's source identity (the profile name, set by SageMaker when the
    domain's ExecutionRoleIdentityConfig is USER_PROFILE_NAME)."""
    statements: list[Statement] = [
        {
            "Sid": "DenyOtherUsersStudioApps",
            "Effect": "Deny",
            "Action": ["sagemaker:CreateApp", "sagemaker:DeleteApp"],
            "NotResource": "arn:aws:sagemaker:*:*:app/*/${aws:SourceIdentity}/*",
        }
    ]
    if profile_actions:
        statements.append(
            {
                "Sid": "DenyOtherUsersProfiles",
                "Effect": "Deny",
                "Action": _sorted_actions(profile_actions),
                "Resource": "arn:aws:sagemaker:*:*:user-profile/*",
                "Condition": {
                    "StringNotEquals": {
                        f"sagemaker:ResourceTag/{keys.user}": "${aws:SourceIdentity}"
                    }
                },
            }
        )
    return _render(statements)


def pass_own_team_role_only(keys: TagKeys) -> str:
    return _render(
        [
            {
                "Sid": "PassOwnTeamRoleToSageMakerOnly",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": "arn:aws:iam::*:role/*",
                "Condition": {
                    "StringEquals": {
                        "iam:PassedToService": "sagemaker.amazonaws.com",
                        f"aws:ResourceTag/{keys.team}": f"${{aws:PrincipalTag/{keys.team}}}",
                    }
                },
            }
        ]
    )


def deny_identity_changes(actions: Sequence[str]) -> str:
    return _render(
        [
            {
                "Sid": "DenyChangingIdentitiesAndTheirTags",
                "Effect": "Deny",
                "Action": _sorted_actions(actions),
                "Resource": "*",
            }
        ]
    )


def assume_only_own_team_roles(keys: TagKeys) -> str:
    return _render(
        [
            {
                "Sid": "DenyAssumingOtherTeamsRoles",
                "Effect": "Deny",
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Resource": "*",
                "Condition": {
                    "StringNotEquals": {
                        f"aws:ResourceTag/{keys.team}": f"${{aws:PrincipalTag/{keys.team}}}"
                    }
                },
            }
        ]
    )


def scope_reads(keys: TagKeys, actions: Sequence[str]) -> str:
    """Describe* can be scoped by tag; List*/Search have no resource and stay account-wide."""
    return _render(
        [
            {
                "Sid": "DescribeOnlyOwnTeamResources",
                "Effect": "Allow",
                "Action": _sorted_actions([a for a in actions if ":Describe" in a] or actions),
                "Resource": "*",
                "Condition": _same_team(keys),
            }
        ]
    )
