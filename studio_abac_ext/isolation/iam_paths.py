"""IAM and STS paths out of a team: passing, assuming or rewriting roles and users."""

from __future__ import annotations

from ..policy import Request
from . import fixes
from .detectors import Evidence, FindingFactory
from .findings import Finding, Severity
from .matrix import Evaluator, Probe
from .variants import resource_variants
from .world import SAGEMAKER_SERVICE_PRINCIPAL, Owner, Target, World

ROLE_CHANGING_ACTIONS = (
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
)
POLICY_CHANGING_ACTIONS = ("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion")


class IamDetectors:
    def __init__(self, factory: FindingFactory, evaluator: Evaluator) -> None:
        self.factory = factory
        self.world: World = factory.world
        self.evaluator = evaluator

    def all(self) -> list[Finding]:
        found = [self.pass_role(), self.identity_tampering(), self.assume_other_team_role()]
        return [finding for finding in found if finding is not None]

    def _allowed(self, candidates: list[tuple[str, Request]]) -> Evidence:
        actions: list[str] = []
        probes: list[Probe] = []
        for action, request in candidates:
            probe = Probe((request,))
            if action not in actions and self.evaluator.allows(probe):
                actions.append(action)
                probes.append(probe)
        return Evidence(tuple(actions), tuple(probes))

    def _role_names(self) -> tuple[str | None, ...]:
        """The world's role name, then the names the policies' role patterns give."""
        variants = resource_variants(self.evaluator.policies, "iam", "", self.world.variable_values)
        return (None, *variants.names_for("role"))

    def pass_role(self) -> Finding | None:
        passed_to = {"iam:PassedToService": SAGEMAKER_SERVICE_PRINCIPAL}
        candidates = [
            (
                "iam:PassRole",
                self.world.request(
                    "iam:PassRole", self.world.role_target(owner, name), extra=passed_to
                ),
            )
            for owner in (Owner.OTHER_TEAM, Owner.UNTAGGED)
            for name in self._role_names()
        ]
        evidence = self._allowed(candidates)
        if not evidence:
            return None
        other = self.world.other_team
        return self.factory.make(
            "passrole-other-roles",
            Severity.HIGH,
            f"iam:PassRole reaches roles outside the team (e.g. {other}'s execution role)",
            f"iam:PassRole is allowed on {self.world.role_name(other)} or an untagged role. A "
            f"training job or app started with that role runs with {other}'s permissions, "
            "stepping around every tag condition.",
            evidence,
            fixes.pass_own_team_role_only(self.world.tag_keys),
        )

    def identity_tampering(self) -> Finding | None:
        keys = self.world.tag_keys
        own_role = self.world.role_target(Owner.OWN)
        other_role = self.world.role_target(Owner.OTHER_TEAM)
        policy = Target(f"arn:aws:iam::{self.world.account_id}:policy/*")
        candidates: list[tuple[str, Request]] = []
        for role in (own_role, other_role):
            candidates.append(
                (
                    "iam:TagRole",
                    self.world.request(
                        "iam:TagRole", role, request_tags={keys.team: self.world.other_team}
                    ),
                )
            )
            candidates.append(
                (
                    "iam:UntagRole",
                    self.world.request("iam:UntagRole", role, extra={"aws:TagKeys": [keys.team]}),
                )
            )
            candidates += [(a, self.world.request(a, role)) for a in ROLE_CHANGING_ACTIONS]
        for user_action in ("iam:TagUser", "iam:UntagUser"):
            target = self.world.user_target(Owner.TEAMMATE)
            tags = {keys.user: self.world.user_of(Owner.OWN)}
            candidates.append(
                (
                    user_action,
                    self.world.request(user_action, target, request_tags=tags)
                    if user_action == "iam:TagUser"
                    else self.world.request(
                        user_action, target, extra={"aws:TagKeys": [keys.user]}
                    ),
                )
            )
        candidates += [(a, self.world.request(a, policy)) for a in POLICY_CHANGING_ACTIONS]
        evidence = self._allowed(candidates)
        if not evidence:
            return None
        return self.factory.make(
            "identity-tampering",
            Severity.CRITICAL,
            "The team role can rewrite roles, users or policies (including its own team tag)",
            f"{', '.join(evidence.actions)} allowed: the team could change its own {keys.team} "
            "tag or permissions, or another user's tags, and so leave its boundary at will.",
            evidence,
            fixes.deny_identity_changes(evidence.actions),
        )

    def assume_other_team_role(self) -> Finding | None:
        session_tags = {self.world.tag_keys.team: self.world.other_team}
        candidates: list[tuple[str, Request]] = []
        for name in self._role_names():
            other_role = self.world.role_target(Owner.OTHER_TEAM, name)
            candidates += [
                ("sts:AssumeRole", self.world.request("sts:AssumeRole", other_role)),
                (
                    "sts:TagSession",
                    self.world.request("sts:TagSession", other_role, request_tags=session_tags),
                ),
            ]
        evidence = self._allowed(candidates)
        if "sts:AssumeRole" not in evidence.actions:
            return None
        other_role_name = self.world.role_name(self.world.other_team)
        return self.factory.make(
            "assume-other-team-role",
            Severity.HIGH,
            f"The team role may assume {self.world.other_team}'s role",
            f"{', '.join(evidence.actions)} allowed on {other_role_name} by the identity "
            "policy; only that role's trust policy stands in the way.",
            evidence,
            fixes.assume_only_own_team_roles(self.world.tag_keys),
        )
