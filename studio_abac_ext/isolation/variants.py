"""Other names and regions to try, read off the policies' own Resource and NotResource patterns.

The world names each resource once (``teamb-experiment`` in its region). A policy that grants or
denies by name or region (``experiment/x*``, ``arn:aws:sagemaker:eu-west-1:*``) decides other
resources of the same owner differently, so the matrix also asks about a resource named as each
pattern says, and in each region a pattern names plus (when a pattern names the world's own
region) one no pattern names. A name is tried on
the resource types its pattern's type field matches (``*/x*`` on every type).

Request tags likewise: the world tags a Create* or AddTags call with the team (or user) tag only.
A policy that asks for another tag (``ForAnyValue:StringEquals`` on ``aws:TagKeys`` naming
``project``, a condition on ``aws:RequestTag/project``) decides a call with that tag differently,
so the matrix also asks with each such tag added (``Variants.tag_sets``). Found by the soundness
property test (tests/unit/isolation/test_isolation_soundness.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from ..policy import PolicySet, Statement

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_WILDCARDS = re.compile(r"[*?]")
UNNAMED_REGION = "ap-southeast-7"
FILLER = "x"


@dataclass(frozen=True)
class Placement:
    """A resource's name, region and (for apps and profiles) user; ``None`` is the world's."""

    name: str | None = None
    region: str | None = None
    user: str | None = None


BASE = Placement()


@dataclass(frozen=True)
class Variants:
    """The resource names, user names and regions worth a question beyond the world's own."""

    names: tuple[tuple[str, str], ...] = ()  # (resource type pattern, name)
    users: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    extra_tags: tuple[tuple[str, str], ...] = ()  # (tag key, value) beyond the world's own

    def names_for(self, resource_type: str) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(
                name for type_glob, name in self.names if fnmatchcase(resource_type, type_glob)
            )
        )

    def tag_sets(self, base: Mapping[str, str]) -> list[dict[str, str]]:
        """``base``, then ``base`` with each extra tag, then with all of them."""
        extra = [(k, v) for k, v in self.extra_tags if k not in base]
        sets = [dict(base)] + [{**base, k: v} for k, v in extra]
        if len(extra) > 1:
            sets.append({**base, **dict(extra)})
        return sets

    def __bool__(self) -> bool:
        return bool(self.names or self.users or self.regions)


def _value(match: re.Match[str], values: dict[str, str]) -> str:
    """A variable's value for the principal (without ``/``), or the filler."""
    return values.get(match.group(1).split(",")[0].strip().lower(), FILLER).replace("/", FILLER)


def _fill(text: str, values: dict[str, str]) -> str:
    """A concrete string the pattern matches: variables by their value, wildcards by a filler."""
    return _WILDCARDS.sub(FILLER, _VARIABLE.sub(lambda m: _value(m, values), text))


def _statements(policies: PolicySet) -> list[Statement]:
    every = [*policies.identity, *(policies.boundary or ()), *(policies.session or ())]
    every += [policy for level in policies.scps or () for policy in level]
    return [statement for policy in every for statement in policy.statements]


def _patterns(statements: Iterable[Statement]) -> list[str]:
    return [template.written for statement in statements for template in statement.resources or ()]


REQUEST_TAG = "aws:requesttag/"


def _extra_tags(
    statements: Iterable[Statement], reserved: frozenset[str], values: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    """Tag keys the conditions name beyond ``reserved`` (lower case), each with a value the
    conditions compare it with (or the filler)."""
    keys: dict[str, str | None] = {}
    for statement in statements:
        for clause in statement.conditions:
            if clause.key_lower == "aws:tagkeys":
                for value in clause.values:
                    keys.setdefault(_fill(value, values), None)
            elif clause.key_lower.startswith(REQUEST_TAG):
                key = clause.key[len(REQUEST_TAG) :]
                literal = next((_fill(v, values) for v in clause.values), None)
                if keys.get(key) is None:
                    keys[key] = literal
    return tuple(
        (key, value or FILLER) for key, value in keys.items() if key and key.lower() not in reserved
    )


def resource_variants(
    policies: PolicySet,
    service: str,
    region: str,
    values: dict[str, str],
    reserved_tags: frozenset[str] = frozenset(),
) -> Variants:
    """``values`` maps lower-cased context keys of the principal to what variables resolve to;
    ``reserved_tags`` are the tag keys (lower case) the world sets itself."""
    statements = _statements(policies)
    names: dict[tuple[str, str], None] = {}
    users: dict[str, None] = {}
    regions: dict[str, None] = {}
    for pattern in _patterns(statements):
        fields = pattern.split(":", 5)
        if len(fields) < 4 or fields[2] not in (service, "*"):
            continue
        if not _WILDCARDS.search(fields[3]) and "${" not in fields[3] and fields[3] != region:
            regions[fields[3]] = None
        if fnmatchcase(region, _VARIABLE.sub("*", fields[3])) and fields[3] != "*":
            # A pattern names the world's own region: ask about a region none names too.
            regions.setdefault(UNNAMED_REGION, None)
        if len(fields) < 6:
            continue
        parts = _VARIABLE.sub(lambda m: _value(m, values), fields[5]).split("/")
        if len(parts) >= 2 and parts[-1] != "*":
            names[(_fill_type(parts[0]), _fill(parts[-1], values))] = None
        if parts[0] in ("app", "user-profile") and len(parts) >= 3 and parts[2] != "*":
            users[_fill(parts[2], values)] = None
    return Variants(
        tuple(names),
        tuple(users),
        tuple(r for r in regions if r != region),
        _extra_tags(statements, reserved_tags, values),
    )


def _fill_type(text: str) -> str:
    """A resource type field as a glob (a variable could be any type)."""
    return _VARIABLE.sub("*", text)
