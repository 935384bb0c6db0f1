"""Ask the policy engine every SageMaker action against every ownership case.

The result is a table: for each action, which questions ("can I delete the other team's
resource?", "can I create one without the team tag?") the policies answer with *allowed*, and the
requests that showed it. Findings are read off this table (see ``detectors``); nothing here
decides what is bad.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum

from ..data.iam_catalog import ActionSpec, IamCatalog
from ..policy import ContextValue, PolicySet, Request, evaluate
from .variants import BASE, Placement, resource_variants
from .world import USER_SCOPED_TYPES, Owner, Target, World

SAGEMAKER = "sagemaker"
TAGGING_ACTIONS = frozenset({"AddTags", "DeleteTags"})
CREATE_PREFIXES = ("Create", "Import")


class ActionKind(str, Enum):
    READ = "read"
    WRITE = "write"
    CREATE = "create"
    TAGGING = "tagging"
    UNSCOPED_READ = "unscoped-read"
    UNSCOPED_WRITE = "unscoped-write"


class Question(str, Enum):
    """What a probe asks, beyond plain ownership (``Owner`` values are questions too)."""

    CREATE_OWN = "create-own"
    CREATE_UNTAGGED = "create-untagged"
    CREATE_FOREIGN_TAG = "create-foreign-tag"
    CHILD_OF_OTHER_TEAM = "child-of-other-team"
    CHILD_OF_UNTAGGED = "child-of-untagged"
    CREATE_FOR_TEAMMATE = "create-for-teammate"
    CREATE_FOR_OTHER_TEAM_USER = "create-for-other-team-user"
    RETAG_OTHER_TEAM = "retag-other-team"
    RETAG_UNTAGGED = "retag-untagged"
    RETAG_PROFILE = "retag-profile"
    UNTAG_OTHER_TEAM = "untag-other-team"


QuestionKey = Owner | Question


@dataclass(frozen=True)
class Probe:
    """One step a principal might take: every request in it must be allowed."""

    requests: tuple[Request, ...]
    resource_type: str | None = None

    @property
    def first(self) -> Request:
        return self.requests[0]


@dataclass
class ActionOutcome:
    spec: ActionSpec
    kind: ActionKind
    allowed: dict[QuestionKey, Probe] = field(default_factory=dict)
    # For tagging actions: every resource type on which the question is answered "allowed".
    allowed_by_type: dict[QuestionKey, dict[str, Probe]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.qualified_name

    @property
    def user_scoped(self) -> bool:
        return bool(set(self.spec.resource_types) & USER_SCOPED_TYPES)


class Evaluator:
    """Counts the engine's decisions; the engine itself caches parsed policies."""

    def __init__(self, policies: PolicySet) -> None:
        self.policies = policies
        self.evaluations = 0

    def allows(self, probe: Probe) -> bool:
        for request in probe.requests:
            self.evaluations += 1
            if not evaluate(request, self.policies, explain=False).allowed:
                return False
        return True

    def first_allowed(self, probes: Iterable[Probe]) -> Probe | None:
        for probe in probes:
            if self.allows(probe):
                return probe
        return None


def classify(spec: ActionSpec) -> ActionKind:
    if spec.name in TAGGING_ACTIONS:
        return ActionKind.TAGGING
    if spec.accepts_request_tags and spec.name.startswith(CREATE_PREFIXES):
        return ActionKind.CREATE
    if not spec.resource_types:
        return ActionKind.UNSCOPED_WRITE if spec.is_write else ActionKind.UNSCOPED_READ
    return ActionKind.WRITE if spec.is_write else ActionKind.READ


def created_type(spec: ActionSpec) -> str:
    """The resource type a Create*/Import* action makes (the others are existing parents)."""
    noun = spec.name.removeprefix("Create").removeprefix("Import").lower()
    candidates = list(spec.required_resource_types) or list(spec.resource_types)

    def fits(resource_type: str) -> bool:
        flat = resource_type.replace("-", "")
        return flat == noun or flat.endswith(noun) or noun.startswith(flat)

    fitting = [rt for rt in candidates if fits(rt)]
    if fitting:
        return max(fitting, key=len)
    return candidates[-1]


class MatrixBuilder:
    """Builds the probes for each action and records the allowed ones."""

    def __init__(self, world: World, catalog: IamCatalog, evaluator: Evaluator) -> None:
        self.world = world
        self.catalog = catalog
        self.evaluator = evaluator
        self.types = catalog.services[SAGEMAKER].resource_types
        reserved = frozenset({world.tag_keys.team.lower(), world.tag_keys.user.lower()})
        self.variants = resource_variants(
            evaluator.policies, SAGEMAKER, world.region, world.variable_values, reserved
        )

    def build(self) -> list[ActionOutcome]:
        outcomes = []
        for spec in self.catalog.services[SAGEMAKER].actions.values():
            outcome = ActionOutcome(spec, classify(spec))
            for question, probes in self._questions(outcome):
                if outcome.kind is ActionKind.TAGGING:
                    self._record_every_type(outcome, question, probes)
                    continue
                probe = self.evaluator.first_allowed(probes)
                if probe is not None:
                    outcome.allowed[question] = probe
            outcomes.append(outcome)
        return outcomes

    def _record_every_type(
        self, outcome: ActionOutcome, question: QuestionKey, probes: list[Probe]
    ) -> None:
        by_type_probes: dict[str | None, list[Probe]] = {}
        for probe in probes:
            by_type_probes.setdefault(probe.resource_type, []).append(probe)
        # The first allowed probe of each type is enough: the others ask the same question.
        found = (self.evaluator.first_allowed(group) for group in by_type_probes.values())
        allowed = [probe for probe in found if probe is not None]
        if allowed:
            outcome.allowed[question] = allowed[0]
            by_type: dict[str, Probe] = {}
            for probe in allowed:
                if probe.resource_type:
                    by_type.setdefault(probe.resource_type, probe)
            outcome.allowed_by_type[question] = by_type

    def _questions(self, outcome: ActionOutcome) -> Iterator[tuple[QuestionKey, list[Probe]]]:
        if outcome.kind is ActionKind.CREATE:
            yield from self._create_questions(outcome.spec)
        elif outcome.kind is ActionKind.TAGGING:
            yield from self._tagging_questions(outcome.spec)
        elif outcome.kind in (ActionKind.UNSCOPED_READ, ActionKind.UNSCOPED_WRITE):
            request = self.world.request(outcome.name, Target("*"))
            yield Owner.OTHER_TEAM, [Probe((request,))]
        else:
            owners = [Owner.OWN, Owner.OTHER_TEAM, Owner.UNTAGGED]
            if outcome.user_scoped:
                owners.append(Owner.TEAMMATE)
            for owner in owners:
                yield owner, self._existing_probes(outcome.spec, owner)

    def _target(
        self,
        resource_type: str,
        owner: Owner,
        existing: bool = True,
        place: Placement = BASE,
    ) -> Target:
        return self.world.sagemaker_target(
            self.types[resource_type],
            owner,
            existing,
            name=place.name,
            user=place.user,
            region=place.region,
        )

    def _placements(self, resource_type: str, *, base: bool = True) -> list[Placement]:
        """Where (and under which name) to put a resource of ``resource_type``: the world's own
        choice (when ``base``), then each name and region the policies' patterns name."""
        names = self.variants.names_for(resource_type)
        return [
            Placement(name, region)
            for region in (None, *self.variants.regions)
            for name in (None, *names)
            if base or region or name
        ]

    def _other_users(self) -> list[str]:
        """The users the policies' patterns name, other than the principal's."""
        own = self.world.user_of(Owner.OWN)
        return [user for user in self.variants.users if user != own]

    def _existing_probes(self, spec: ActionSpec, owner: Owner) -> list[Probe]:
        """Act on ``owner``'s resource; any other resource the action needs is our own."""
        required = spec.required_resource_types
        action = spec.qualified_name
        probes = []
        if required:
            for target_type in required:
                requests = tuple(
                    self.world.request(
                        action,
                        self._target(rt, owner if rt == target_type else Owner.OWN),
                        extra=self._owner_keys(spec, owner),
                    )
                    for rt in required
                )
                probes.append(Probe(requests, target_type))
            return (
                probes + self._variant_probes(spec, owner) + self._team_tagged_probes(spec, owner)
            )
        for resource_type in spec.resource_types:
            target = self._target(resource_type, owner)
            request = self.world.request(action, target, extra=self._owner_keys(spec, owner))
            probes.append(Probe((request,), resource_type))
        return probes + self._variant_probes(spec, owner) + self._team_tagged_probes(spec, owner)

    def _team_tagged_probes(self, spec: ActionSpec, owner: Owner) -> list[Probe]:
        """Another user's app or profile that also carries its owner's team tag (a domain's or
        profile's tags can propagate to it): a policy may decide it by that tag."""
        team = self.world.team_of(owner)
        if owner is Owner.OWN or team is None:
            return []
        extra = self._owner_keys(spec, owner)
        probes = []
        for resource_type in spec.required_resource_types or tuple(spec.resource_types):
            if resource_type not in USER_SCOPED_TYPES:
                continue
            target = self._target(resource_type, owner)
            tagged = Target(target.arn, {**target.tags, self.world.tag_keys.team: team})
            request = self.world.request(spec.qualified_name, tagged, extra=extra)
            probes.append(Probe((request,), resource_type))
        return probes

    def _variant_probes(self, spec: ActionSpec, owner: Owner) -> list[Probe]:
        """The same question about ``owner``'s resources named (or placed) as the policies say:
        one request each, on the action's first resource type (required first)."""
        types = spec.required_resource_types or tuple(spec.resource_types)
        if not types or not self.variants:
            return []
        resource_type = types[0]
        places = self._placements(resource_type, base=False)
        if resource_type in USER_SCOPED_TYPES and owner is not Owner.OWN:
            places += [Placement(user=user) for user in self._other_users()]
        extra = self._owner_keys(spec, owner)
        action = spec.qualified_name
        return [
            Probe(
                (
                    self.world.request(
                        action, self._target(resource_type, owner, True, p), extra=extra
                    ),
                ),
                resource_type,
            )
            for p in places
        ]

    def _owner_keys(self, spec: ActionSpec, owner: Owner) -> dict[str, str]:
        if "sagemaker:OwnerUserProfileArn" not in spec.condition_keys:
            return {}
        return {"sagemaker:OwnerUserProfileArn": self.world.profile_arn(owner)}

    def _create_questions(self, spec: ActionSpec) -> Iterator[tuple[QuestionKey, list[Probe]]]:
        keys = self.world.tag_keys
        own_tag = {keys.team: self.world.own_team}
        foreign_tag = {keys.team: self.world.other_team}
        created = created_type(spec)
        yield Question.CREATE_OWN, self._create_probes(spec, created, [own_tag], Owner.OWN)
        if created in USER_SCOPED_TYPES:
            own_user = {keys.user: self.world.user_of(Owner.OWN)}
            for question, owner in (
                (Question.CREATE_FOR_TEAMMATE, Owner.TEAMMATE),
                (Question.CREATE_FOR_OTHER_TEAM_USER, Owner.OTHER_TEAM),
            ):
                users = [self.world.user_of(owner)]
                if owner is Owner.TEAMMATE:
                    users += self._other_users()
                probes = []
                for user in dict.fromkeys(users):
                    tag_sets = [{}, own_tag, own_user, {keys.user: user}]
                    probes += self._create_probes(
                        spec, created, tag_sets, Owner.OWN, owner, user=user
                    )
                yield question, probes
            return
        yield Question.CREATE_UNTAGGED, self._create_probes(spec, created, [{}], Owner.OWN)
        yield (
            Question.CREATE_FOREIGN_TAG,
            self._create_probes(spec, created, [foreign_tag], Owner.OWN),
        )
        if len(spec.required_resource_types) > 1:
            # Any tags on the child: the question is the parent's owner.
            every = [own_tag, {}, foreign_tag]
            yield (
                Question.CHILD_OF_OTHER_TEAM,
                self._create_probes(spec, created, every, Owner.OTHER_TEAM),
            )
            yield (
                Question.CHILD_OF_UNTAGGED,
                self._create_probes(spec, created, every, Owner.UNTAGGED),
            )

    def _create_probes(
        self,
        spec: ActionSpec,
        created: str,
        base_tags: list[dict[str, str]],
        parent_owner: Owner,
        path_owner: Owner = Owner.OWN,
        user: str | None = None,
    ) -> list[Probe]:
        """Create ``created`` with each tag set (and the extra tags the policies name), named and
        placed as the world and the policies' patterns say, under ``parent_owner``'s parents."""
        parents = [p for p in spec.required_resource_types if p != created]
        probes = []
        for tags in (t for base in base_tags for t in self.variants.tag_sets(base)):
            for place in self._placements(created):
                new = Placement(place.name, place.region, user)
                parent_names: list[str | None] = [None]
                for parent in parents:
                    parent_names += self.variants.names_for(parent)
                for parent_name in dict.fromkeys(parent_names):
                    parent_place = Placement(parent_name, place.region)
                    probes.append(
                        self._create_probe(
                            spec, created, tags, parent_owner, path_owner, new, parent_place
                        )
                    )
        return probes

    def _create_probe(
        self,
        spec: ActionSpec,
        created: str,
        request_tags: dict[str, str],
        parent_owner: Owner,
        path_owner: Owner = Owner.OWN,
        place: Placement = BASE,
        parent_place: Placement = BASE,
    ) -> Probe:
        """Create ``created`` with ``request_tags`` under parents owned by ``parent_owner``.

        Tagging at creation is authorized as ``sagemaker:AddTags`` with
        ``sagemaker:TaggingAction`` set to the creating action, so that request joins the probe.
        """
        action = spec.qualified_name
        new_target = self._target(created, path_owner, False, place)
        requests: list[Request] = [
            self.world.request(action, new_target, request_tags=request_tags)
        ]
        # One API call carries one request context: the parents are checked with the same
        # request tags as the new resource, but with their own resource tags.
        for parent in spec.required_resource_types:
            if parent != created:
                parent_target = self._target(parent, parent_owner, True, parent_place)
                requests.append(
                    self.world.request(action, parent_target, request_tags=request_tags)
                )
        if request_tags:
            requests.append(
                self.world.request(
                    "sagemaker:AddTags",
                    new_target,
                    request_tags=request_tags,
                    extra={"sagemaker:TaggingAction": spec.name},
                )
            )
        return Probe(tuple(requests), created)

    def _tagging_questions(self, spec: ActionSpec) -> Iterator[tuple[QuestionKey, list[Probe]]]:
        team_key = self.world.tag_keys.team
        taggable = [
            rt
            for rt in spec.resource_types
            if self.types[rt].supports_resource_tags and rt not in USER_SCOPED_TYPES
        ]
        if spec.name == "AddTags":
            claims = self.variants.tag_sets({team_key: self.world.own_team})
            for question, owner in (
                (Question.RETAG_OTHER_TEAM, Owner.OTHER_TEAM),
                (Question.RETAG_UNTAGGED, Owner.UNTAGGED),
            ):
                yield question, self._tagging_probes(spec, taggable, owner, claims)
            own_user = {self.world.tag_keys.user: self.world.user_of(Owner.OWN)}
            places = self._placements("user-profile")
            places += [Placement(user=user) for user in self._other_users()]
            yield (
                Question.RETAG_PROFILE,
                [
                    self._tagging_probe(spec, "user-profile", Owner.TEAMMATE, place, tags)
                    for tags in self.variants.tag_sets(own_user)
                    for place in places
                ],
            )
            return
        removals = [list(keys) for keys in self.variants.tag_sets({team_key: ""})]
        yield (
            Question.UNTAG_OTHER_TEAM,
            self._tagging_probes(spec, taggable, Owner.OTHER_TEAM, removals),
        )

    def _tagging_probes(
        self,
        spec: ActionSpec,
        types: list[str],
        owner: Owner,
        changes: list[dict[str, str]] | list[list[str]],
    ) -> list[Probe]:
        """Tag (a dict of tags) or untag (a list of keys) ``owner``'s resource of each type, named
        and placed as the world and then the policies' patterns say."""
        return [
            self._tagging_probe(spec, rt, owner, place, change)
            for rt in types
            for change in changes
            for place in self._placements(rt)
        ]

    def _tagging_probe(
        self,
        spec: ActionSpec,
        resource_type: str,
        owner: Owner,
        place: Placement,
        change: dict[str, str] | list[str],
    ) -> Probe:
        target = self._target(resource_type, owner, True, place)
        if isinstance(change, dict):
            request = self.world.request(spec.qualified_name, target, request_tags=change)
        else:
            keys: dict[str, ContextValue] = {"aws:TagKeys": list(change)}
            request = self.world.request(spec.qualified_name, target, extra=keys)
        return Probe((request,), resource_type)
