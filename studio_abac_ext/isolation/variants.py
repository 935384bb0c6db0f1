"""Other names and regions to try, read off the policies' own Resource and NotResource patterns.

The world names each resource once (``teamb-experiment`` in its region). A policy that grants or
denies by name or region (``experiment/x*``, ``arn:aws:sagemaker:eu-west-1:*``) decides other
resources of the same owner differently, so the matrix also asks about a resource named as each
pattern says, and in each region a pattern names plus one no pattern names. Found by the
soundness property test (tests/unit/isolation/test_isolation_soundness.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..policy import PolicySet

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_WILDCARDS = re.compile(r"[*?]")
UNNAMED_REGION = "ap-southeast-7"
FILLER = "x"


@dataclass(frozen=True)
class Variants:
    """The resource names, user names and regions worth a question beyond the world's own."""

    names: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()


def _value(match: re.Match[str], values: dict[str, str]) -> str:
    """A variable's value for the principal (without ``/``), or the filler."""
    return values.get(match.group(1).split(",")[0].strip().lower(), FILLER).replace("/", FILLER)


def _fill(text: str, values: dict[str, str]) -> str:
    """A concrete string the pattern matches: variables by their value, wildcards by a filler."""
    return _WILDCARDS.sub(FILLER, _VARIABLE.sub(lambda m: _value(m, values), text))


def _patterns(policies: PolicySet) -> list[str]:
    every = [*policies.identity, *(policies.boundary or ()), *(policies.session or ())]
    every += [policy for level in policies.scps or () for policy in level]
    return [
        template.written
        for policy in every
        for statement in policy.statements
        for template in statement.resources or ()
    ]


def resource_variants(
    policies: PolicySet, service: str, region: str, values: dict[str, str]
) -> Variants:
    """``values`` maps lower-cased context keys of the principal to what variables resolve to."""
    names: dict[str, None] = {}
    users: dict[str, None] = {}
    regions: dict[str, None] = {}
    for pattern in _patterns(policies):
        fields = pattern.split(":", 5)
        if len(fields) < 4 or fields[2] not in (service, "*"):
            continue
        if not _WILDCARDS.search(fields[3]) and "${" not in fields[3] and fields[3] != region:
            regions[fields[3]] = None
        if fields[3] and fields[3] != "*":
            regions.setdefault(UNNAMED_REGION, None)
        if len(fields) < 6:
            continue
        parts = _VARIABLE.sub(lambda m: _value(m, values), fields[5]).split("/")
        if len(parts) >= 2 and parts[-1] != "*":
            names[_fill(parts[-1], values)] = None
        if parts[0] in ("app", "user-profile") and len(parts) >= 3 and parts[2] != "*":
            users[_fill(parts[2], values)] = None
    return Variants(tuple(names), tuple(users), tuple(r for r in regions if r != region))
