"""Read findings off the action matrix: each detector names one way past the team boundary."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..policy import PolicySet, Request, evaluate
from . import fixes
from .findings import ExampleRequest, Finding, GrantingStatement, Severity
from .matrix import ActionKind, ActionOutcome, Probe, Question, QuestionKey, created_type
from .world import Owner, World

# Explaining is the slow path; a finding's statements come from its first probes only.
EXPLAINED_PROBES_PER_FINDING = 400
PREFERRED_EXAMPLE_VERBS = ("Delete", "Stop", "Update", "Create", "Start", "Describe")


@dataclass(frozen=True)
class Evidence:
    """The actions behind a finding and the probes that showed each one allowed."""

    actions: tuple[str, ...]
    probes: tuple[Probe, ...]

    def __bool__(self) -> bool:
        return bool(self.actions)


def collect(
    outcomes: Iterable[ActionOutcome],
    keep: Callable[[ActionOutcome], bool],
    questions: Sequence[QuestionKey],
) -> Evidence:
    actions: list[str] = []
    probes: list[Probe] = []
    for outcome in outcomes:
        if not keep(outcome):
            continue
        probe = next((outcome.allowed[q] for q in questions if q in outcome.allowed), None)
        if probe is not None:
            actions.append(outcome.name)
            probes.append(probe)
    return Evidence(tuple(actions), tuple(probes))


class FindingFactory:
    """Turns evidence into findings: explains the probes and picks a vivid example."""

    def __init__(self, world: World, policies: PolicySet) -> None:
        self.world = world
        self.policies = policies
        # The evidence behind each finding made, by finding id (``unknowns.depends_on`` reads it).
        self.evidence: dict[str, Evidence] = {}

    def statements(self, probes: Sequence[Probe]) -> tuple[GrantingStatement, ...]:
        refs: set[GrantingStatement] = set()
        for probe in probes[:EXPLAINED_PROBES_PER_FINDING]:
            for request in probe.requests:
                decision = evaluate(request, self.policies, explain=True)
                for matched in decision.matched_statements:
                    refs.add(GrantingStatement(matched.policy, matched.sid))
        return tuple(sorted(refs, key=lambda ref: (ref.policy, ref.sid or "")))

    def example(self, request: Request, steps: Sequence[str] = ()) -> ExampleRequest:
        return ExampleRequest(
            principal=self.world.principal_arn,
            action=request.action,
            resource=request.resource,
            context=dict(request.context),
            steps=tuple(steps),
        )

    def make(
        self,
        finding_id: str,
        severity: Severity,
        title: str,
        detail: str,
        evidence: Evidence,
        fix: str,
        *,
        example_request: Request | None = None,
        steps: Sequence[str] = (),
    ) -> Finding:
        request = example_request or pick_example(evidence).first
        self.evidence[finding_id] = evidence
        return Finding(
            id=finding_id,
            severity=severity,
            title=title,
            detail=detail,
            actions=evidence.actions,
            statements=self.statements(evidence.probes),
            example=self.example(request, steps),
            fix=fix,
        )


def pick_example(evidence: Evidence) -> Probe:
    for verb in PREFERRED_EXAMPLE_VERBS:
        for action, probe in zip(evidence.actions, evidence.probes, strict=True):
            if action.split(":", 1)[1].startswith(verb):
                return probe
    return evidence.probes[0]


def _is(kind: ActionKind, *, user_scoped: bool | None = None) -> Callable[[ActionOutcome], bool]:
    def keep(outcome: ActionOutcome) -> bool:
        if outcome.kind is not kind:
            return False
        return user_scoped is None or outcome.user_scoped == user_scoped

    return keep


def _names(actions: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(actions[:limit])
    return shown + (f" and {len(actions) - limit} more" if len(actions) > limit else "")


class Detectors:
    """One method per kind of finding; each returns ``None`` when the policies hold."""

    def __init__(self, factory: FindingFactory, outcomes: list[ActionOutcome]) -> None:
        self.factory = factory
        self.world = factory.world
        self.outcomes = outcomes
        self.by_name = {outcome.spec.name: outcome for outcome in outcomes}

    def all(self) -> list[Finding]:
        found = [
            self.cross_team_write(),
            self.untagged_write(),
            self.other_users_studio(),
            self.children_of_other_team(),
            self.children_of_untagged(),
            self.create_without_team_tag(),
            self.create_with_other_team_tag(),
            self.retag_takeover(),
            self.profile_retag(),
            self.tag_removal(),
            self.account_wide_write(),
            self.read_exposure(),
        ]
        return [finding for finding in found if finding is not None]

    @property
    def team_key(self) -> str:
        return self.world.tag_keys.team

    def cross_team_write(self) -> Finding | None:
        evidence = collect(
            self.outcomes, _is(ActionKind.WRITE, user_scoped=False), [Owner.OTHER_TEAM]
        )
        if not evidence:
            return None
        other = self.world.other_team
        return self.factory.make(
            "cross-team-write",
            Severity.CRITICAL,
            f"{self.world.own_team} can change, start/stop or delete {other}'s resources",
            f"These actions are allowed on a resource tagged {self.team_key}={other}: "
            f"{_names(evidence.actions)}. A statement grants them without comparing the "
            f"resource's {self.team_key} tag with the caller's.",
            evidence,
            fixes.scope_to_team(self.world.tag_keys, evidence.actions),
        )

    def untagged_write(self) -> Finding | None:
        evidence = collect(
            self.outcomes,
            lambda o: (
                o.kind is ActionKind.WRITE
                and not o.user_scoped
                and Owner.OTHER_TEAM not in o.allowed
            ),
            [Owner.UNTAGGED],
        )
        if not evidence:
            return None
        return self.factory.make(
            "untagged-write",
            Severity.MEDIUM,
            f"Resources without a {self.team_key} tag can be changed by any team",
            f"On a resource with no {self.team_key} tag (made before tagging was enforced, or by "
            f"a service) these actions are allowed: {_names(evidence.actions)}.",
            evidence,
            fixes.scope_to_team(self.world.tag_keys, evidence.actions),
        )

    def other_users_studio(self) -> Finding | None:
        writes = collect(
            self.outcomes,
            _is(ActionKind.WRITE, user_scoped=True),
            [Owner.TEAMMATE, Owner.OTHER_TEAM],
        )
        creates = collect(
            self.outcomes,
            _is(ActionKind.CREATE),
            [Question.CREATE_FOR_TEAMMATE, Question.CREATE_FOR_OTHER_TEAM_USER],
        )
        evidence = Evidence(writes.actions + creates.actions, writes.probes + creates.probes)
        if not evidence:
            return None
        profile_actions = [
            action
            for action, probe in zip(evidence.actions, evidence.probes, strict=True)
            if probe.resource_type == "user-profile"
        ]
        return self.factory.make(
            "other-users-studio",
            Severity.HIGH,
            "Team members can act on other users' Studio apps or profiles",
            f"{_names(evidence.actions)} are allowed on another user's Studio app or user "
            "profile (a teammate's or another team's). A wildcard such as sagemaker:*App on "
            "Resource * grants DeleteApp and CreateApp for every user of the domain.",
            evidence,
            fixes.own_apps_and_profile_only(self.world.tag_keys, profile_actions),
        )

    def children_of_other_team(self) -> Finding | None:
        evidence = collect(self.outcomes, _is(ActionKind.CREATE), [Question.CHILD_OF_OTHER_TEAM])
        if not evidence:
            return None
        other = self.world.other_team
        return self.factory.make(
            "cross-team-children",
            Severity.HIGH,
            f"{self.world.own_team} can add children (trials...) to {other}'s resources",
            f"{_names(evidence.actions)} are allowed when the parent resource (an experiment "
            f"for CreateTrial) is tagged {self.team_key}={other}: the Create* statement checks "
            "only the request tags, never the parent's tags.",
            evidence,
            fixes.deny_children_outside_team(self.world.tag_keys, self._parents(evidence)),
            **self._child_example(evidence),
        )

    def _child_example(self, evidence: Evidence) -> dict[str, Any]:
        """Show the parent's request (the one no statement should allow), CreateTrial first."""
        pairs = list(zip(evidence.actions, evidence.probes, strict=True))
        action, probe = next(((a, p) for a, p in pairs if a == "sagemaker:CreateTrial"), pairs[0])
        parent = probe.requests[1] if len(probe.requests) > 1 else probe.first
        step = f"{action} (tagged as the caller's team) inside {parent.resource}: allowed"
        return {"example_request": parent, "steps": [step]}

    def children_of_untagged(self) -> Finding | None:
        evidence = collect(
            self.outcomes,
            lambda o: o.kind is ActionKind.CREATE and Question.CHILD_OF_OTHER_TEAM not in o.allowed,
            [Question.CHILD_OF_UNTAGGED],
        )
        if not evidence:
            return None
        return self.factory.make(
            "untagged-children",
            Severity.MEDIUM,
            f"Children can be added to resources without a {self.team_key} tag",
            f"{_names(evidence.actions)} are allowed when the parent resource has no "
            f"{self.team_key} tag, so anyone can add trials to an untagged experiment.",
            evidence,
            fixes.deny_children_outside_team(self.world.tag_keys, self._parents(evidence)),
            **self._child_example(evidence),
        )

    def _parents(self, evidence: Evidence) -> dict[str, list[str]]:
        parents: dict[str, list[str]] = {}
        for action in evidence.actions:
            spec = self.by_name[action.split(":", 1)[1]].spec
            made = created_type(spec)
            for parent in spec.required_resource_types:
                if parent != made:
                    parents.setdefault(parent, []).append(action)
        return parents

    def create_without_team_tag(self) -> Finding | None:
        evidence = collect(self.outcomes, _is(ActionKind.CREATE), [Question.CREATE_UNTAGGED])
        if not evidence:
            return None
        return self.factory.make(
            "create-without-team-tag",
            Severity.MEDIUM,
            f"Resources can be created without a {self.team_key} tag",
            f"{_names(evidence.actions)} are allowed with no {self.team_key} tag in the "
            "request; such resources belong to no team and tag-scoped statements cannot "
            "protect them.",
            evidence,
            fixes.require_team_tag_on_create(self.world.tag_keys),
        )

    def create_with_other_team_tag(self) -> Finding | None:
        evidence = collect(self.outcomes, _is(ActionKind.CREATE), [Question.CREATE_FOREIGN_TAG])
        if not evidence:
            return None
        other = self.world.other_team
        return self.factory.make(
            "create-with-other-team-tag",
            Severity.MEDIUM,
            f"Resources can be created tagged as {other}'s",
            f"{_names(evidence.actions)} are allowed with {self.team_key}={other} in the "
            "request, planting resources in another team's space.",
            evidence,
            fixes.require_team_tag_on_create(self.world.tag_keys),
        )

    def _unlocked(self, types: frozenset[str], before: Owner, after: Owner) -> Evidence:
        """Write actions denied on ``before``'s resources but allowed once they look ``after``."""

        def keep(outcome: ActionOutcome) -> bool:
            probe = outcome.allowed.get(after)
            return (
                outcome.kind is ActionKind.WRITE
                and not outcome.user_scoped
                and before not in outcome.allowed
                and probe is not None
                and probe.resource_type in types
            )

        return collect(self.outcomes, keep, [after])

    def retag_takeover(self) -> Finding | None:
        add_tags = self.by_name.get("AddTags")
        if add_tags is None:
            return None
        for question, owner, severity in (
            (Question.RETAG_OTHER_TEAM, Owner.OTHER_TEAM, Severity.HIGH),
            (Question.RETAG_UNTAGGED, Owner.UNTAGGED, Severity.MEDIUM),
        ):
            if question in add_tags.allowed:
                return self._retag_finding(add_tags, question, owner, severity)
        return None

    def _retag_finding(
        self, add_tags: ActionOutcome, question: Question, owner: Owner, severity: Severity
    ) -> Finding:
        types = frozenset(add_tags.allowed_by_type[question])
        unlocked = self._unlocked(types, owner, Owner.OWN)
        retag_probe = _probe_on(add_tags, question, "experiment")
        victim = "another team's" if owner is Owner.OTHER_TEAM else "an untagged"
        steps = [
            f"sagemaker:AddTags {self.team_key}={self.world.own_team} on {victim} "
            f"{retag_probe.resource_type}: allowed",
        ]
        follow_up = _follow_up(unlocked, retag_probe.resource_type)
        if follow_up:
            steps.append(f"{follow_up} on the re-tagged resource: now allowed")
        evidence = Evidence(
            ("sagemaker:AddTags", *unlocked.actions), (retag_probe, *unlocked.probes)
        )
        return self.factory.make(
            "retag-takeover" if owner is Owner.OTHER_TEAM else "claim-untagged",
            severity,
            f"AddTags can re-tag {victim} resources as {self.world.own_team}'s, then act on them",
            f"sagemaker:AddTags is allowed with {self.team_key}={self.world.own_team} on "
            f"{victim} resources ({len(types)} resource types). After re-tagging, "
            f"{len(unlocked.actions)} more actions become allowed on them, e.g. "
            f"{_names(unlocked.actions, 4) or 'none'}.",
            evidence,
            fixes.add_tags_only_on_create(self.world.tag_keys),
            example_request=retag_probe.first,
            steps=steps,
        )

    def profile_retag(self) -> Finding | None:
        add_tags = self.by_name.get("AddTags")
        if add_tags is None or Question.RETAG_PROFILE not in add_tags.allowed:
            return None
        probe = add_tags.allowed[Question.RETAG_PROFILE]
        user_key = self.world.tag_keys.user
        return self.factory.make(
            "profile-retag",
            Severity.HIGH,
            f"AddTags can rewrite another user's {user_key} tag on a Studio user profile",
            f"sagemaker:AddTags is allowed on a teammate's user profile with {user_key} set to "
            f"the caller's user. The presigned-URL policy compares exactly that tag, so the "
            "caller's own IAM identity could then open the teammate's Studio.",
            Evidence(("sagemaker:AddTags",), (probe,)),
            fixes.add_tags_only_on_create(self.world.tag_keys),
            example_request=probe.first,
        )

    def tag_removal(self) -> Finding | None:
        delete_tags = self.by_name.get("DeleteTags")
        if delete_tags is None or Question.UNTAG_OTHER_TEAM not in delete_tags.allowed:
            return None
        types = frozenset(delete_tags.allowed_by_type[Question.UNTAG_OTHER_TEAM])
        unlocked = self._unlocked(types, Owner.OTHER_TEAM, Owner.UNTAGGED)
        probe = _probe_on(delete_tags, Question.UNTAG_OTHER_TEAM, "experiment")
        steps = [f"sagemaker:DeleteTags {self.team_key} on another team's {probe.resource_type}"]
        follow_up = _follow_up(unlocked, probe.resource_type)
        if follow_up:
            steps.append(f"{follow_up} on the now untagged resource: allowed")
        return self.factory.make(
            "tag-removal",
            Severity.HIGH,
            f"DeleteTags can strip the {self.team_key} tag from another team's resources",
            f"sagemaker:DeleteTags of the {self.team_key} key is allowed on resources of "
            f"{self.world.other_team}; they then belong to no team. Allowed on untagged "
            f"resources afterwards: {_names(unlocked.actions, 4) or 'nothing more'}.",
            Evidence(("sagemaker:DeleteTags", *unlocked.actions), (probe, *unlocked.probes)),
            fixes.deny_team_tag_removal(self.world.tag_keys),
            example_request=probe.first,
            steps=steps,
        )

    def account_wide_write(self) -> Finding | None:
        evidence = collect(self.outcomes, _is(ActionKind.UNSCOPED_WRITE), [Owner.OTHER_TEAM])
        if not evidence:
            return None
        return self.factory.make(
            "account-wide-write",
            Severity.LOW,
            "Write actions that no tag can scope are allowed",
            f"{_names(evidence.actions)} take no taggable resource, so they act account-wide "
            "for every team. Grant them to an admin role instead of a team role.",
            evidence,
            fixes.deny_identity_changes(evidence.actions),
        )

    def read_exposure(self) -> Finding | None:
        scoped = collect(self.outcomes, _is(ActionKind.READ), [Owner.OTHER_TEAM])
        unscoped = collect(self.outcomes, _is(ActionKind.UNSCOPED_READ), [Owner.OTHER_TEAM])
        evidence = Evidence(scoped.actions + unscoped.actions, scoped.probes + unscoped.probes)
        if not evidence:
            return None
        return self.factory.make(
            "read-exposure",
            Severity.INFO,
            f"{self.world.own_team} can read {self.world.other_team}'s resources (Describe/List/"
            "Search)",
            f"{len(scoped.actions)} Describe/Get actions are allowed on another team's resources "
            f"and {len(unscoped.actions)} List/Search actions are account-wide by nature. Names, "
            "parameters and metrics of other teams' work are visible; this is often intended.",
            evidence,
            fixes.scope_reads(self.world.tag_keys, scoped.actions or unscoped.actions),
        )


def _probe_on(outcome: ActionOutcome, question: Question, preferred_type: str) -> Probe:
    """The allowed probe for ``question``, on ``preferred_type`` when that type was allowed."""
    by_type = outcome.allowed_by_type.get(question, {})
    return by_type.get(preferred_type, outcome.allowed[question])


def _follow_up(unlocked: Evidence, resource_type: str | None) -> str | None:
    for action, probe in zip(unlocked.actions, unlocked.probes, strict=True):
        if probe.resource_type == resource_type and ":Delete" in action:
            return action
    return unlocked.actions[0] if unlocked.actions else None
