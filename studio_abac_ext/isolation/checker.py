"""The isolation checker: can a member of one team reach what another team (or user) owns?

It asks the policy engine every SageMaker action of the shipped IAM data set, plus the IAM/STS
actions that matter, for each ownership case (own, teammate's, other team's, untagged) and for
multi-step paths (re-tag then act, untag then act, create inside another team's experiment,
pass another team's role), then reports findings with evidence and a fix.

Public API (the server extension's admin endpoint calls it)::

    from studio_abac_ext.isolation.checker import check_isolation, Finding, Severity
    findings = check_isolation(policy_set)
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass

from ..data.iam_catalog import load_iam_catalog
from ..policy import PolicySet
from .detectors import Detectors, Evidence, FindingFactory
from .findings import Finding, GrantingStatement, Severity, sort_findings, worst_severity
from .iam_paths import IamDetectors
from .matrix import Evaluator, MatrixBuilder
from .unknowns import DependsOn, relax
from .world import TagKeys, World

__all__ = [
    "DEFAULT_TAG_KEYS",
    "Finding",
    "GrantingStatement",
    "IsolationReport",
    "Severity",
    "TagKeys",
    "check_isolation",
    "run_isolation_check",
    "worst_severity",
]

log = logging.getLogger(__name__)

DEFAULT_TAG_KEYS = TagKeys(team="team", user="studiouserid")

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_TAG_KEY = re.compile(r"^[\w.:/=+\-@ ]{1,128}$")


@dataclass(frozen=True)
class IsolationReport:
    """Findings plus the figures of the run (for the CLI and the benchmark)."""

    findings: list[Finding]
    actions_checked: int
    evaluations: int
    seconds: float
    data_version: str

    def to_dict(self) -> dict[str, object]:
        return {
            "findings": [finding.to_dict() for finding in self.findings],
            "actionsChecked": self.actions_checked,
            "evaluations": self.evaluations,
            "dataVersion": self.data_version,
        }


def _validate(tag_keys: TagKeys, teams: tuple[str, str], account_id: str, region: str) -> None:
    if len(teams) != 2 or not all(teams) or teams[0] == teams[1]:
        raise ValueError(f"teams: need two different non-empty team names, got {teams!r}")
    for name, key in (("tag_keys.team", tag_keys.team), ("tag_keys.user", tag_keys.user)):
        if not _TAG_KEY.match(key) or key.lower().startswith("aws:"):
            raise ValueError(f"{name}: {key!r} is not a valid tag key")
    if tag_keys.team == tag_keys.user:
        raise ValueError("tag_keys: the team key and the user key must differ")
    if not _ACCOUNT_ID.match(account_id):
        raise ValueError(f"account_id: {account_id!r} must be 12 digits")
    if not _REGION.match(region):
        raise ValueError(f"region: {region!r} is not a region name such as us-east-1")


def run_isolation_check(
    policies: PolicySet,
    *,
    tag_keys: TagKeys = DEFAULT_TAG_KEYS,
    teams: tuple[str, str] = ("TeamA", "TeamB"),
    account_id: str = "123456789012",
    region: str = "us-east-1",
) -> IsolationReport:
    """Run every check; ``ValueError`` names a bad argument."""
    _validate(tag_keys, teams, account_id, region)
    started = time.perf_counter()
    catalog = load_iam_catalog()
    world = World(tag_keys, teams[0], teams[1], account_id, region)
    findings, actions, evaluations, _ = _findings(world, policies)
    relaxed = relax(policies, tag_keys)
    if relaxed is not None:
        widened, _, more, evidence = _findings(world, relaxed.policies)
        depends_on = DependsOn(policies, tag_keys, relaxed)
        findings += _possible(findings, widened, evidence, depends_on)
        evaluations += more
    seconds = time.perf_counter() - started
    log.info(
        "isolation check: %d actions, %d evaluations, %d findings in %.2fs",
        actions,
        evaluations,
        len(findings),
        seconds,
    )
    return IsolationReport(
        findings=sort_findings(findings),
        actions_checked=actions,
        evaluations=evaluations,
        seconds=seconds,
        data_version=f"{catalog.source_package}@{catalog.source_version}",
    )


def _findings(
    world: World, policies: PolicySet
) -> tuple[list[Finding], int, int, dict[str, Evidence]]:
    """The findings of one pass over the matrix and the IAM paths, the actions, the decisions,
    and the evidence behind each finding."""
    evaluator = Evaluator(policies)
    outcomes = MatrixBuilder(world, load_iam_catalog(), evaluator).build()
    factory = FindingFactory(world, policies)
    findings = Detectors(factory, outcomes).all() + IamDetectors(factory, evaluator).all()
    return findings, len(outcomes), evaluator.evaluations, factory.evidence


def _possible(
    certain: list[Finding],
    widened: list[Finding],
    evidence: dict[str, Evidence],
    depends_on: DependsOn,
) -> list[Finding]:
    """The relaxed pass's findings (or actions) the real pass lacks, marked possible."""
    known = {finding.id: set(finding.actions) for finding in certain}
    possible = []
    for finding in widened:
        actions = tuple(a for a in finding.actions if a not in known.get(finding.id, ()))
        if not actions:
            continue
        shown = evidence.get(finding.id)
        requests = None
        if shown is not None and actions[0] in shown.actions:
            requests = shown.probes[shown.actions.index(actions[0])].requests
        refs = [(ref.policy, ref.sid) for ref in finding.statements]
        possible.append(finding.as_possible(depends_on.keys(requests, refs, actions), actions))
    return possible


def check_isolation(
    policies: PolicySet,
    *,
    tag_keys: TagKeys = DEFAULT_TAG_KEYS,
    teams: tuple[str, str] = ("TeamA", "TeamB"),
    account_id: str = "123456789012",
    region: str = "us-east-1",
) -> list[Finding]:
    """Findings for a team execution role's policies, most severe first."""
    return run_isolation_check(
        policies, tag_keys=tag_keys, teams=teams, account_id=account_id, region=region
    ).findings
