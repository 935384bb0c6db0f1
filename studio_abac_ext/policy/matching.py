"""Wildcard matching for actions, resource ARNs and Like/Arn condition values.

Patterns are compiled once to regular expressions and cached: actions are case-insensitive,
resources and ARNs case-sensitive. ARNs are matched segment by segment: a wildcard in one of
the first five colon-separated parts never crosses a colon, one in the last part may.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .variables import ResolvedSegments

_ARN_SEPARATORS = 5


def _translate(text: str, wildcards_active: bool, crosses_colons: bool) -> str:
    if not wildcards_active:
        return re.escape(text)
    any_run = ".*" if crosses_colons else "[^:]*"
    any_char = "." if crosses_colons else "[^:]"
    out: list[str] = []
    for char in text:
        if char == "*":
            out.append(any_run)
        elif char == "?":
            out.append(any_char)
        else:
            out.append(re.escape(char))
    return "".join(out)


@lru_cache(maxsize=8192)
def compile_glob(segments: ResolvedSegments, ignore_case: bool = False) -> re.Pattern[str]:
    """A full-string matcher where ``*``/``?`` match anything (StringLike)."""
    body = "".join(_translate(text, active, True) for text, active in segments)
    return re.compile(body + r"\Z", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


@lru_cache(maxsize=8192)
def compile_arn_glob(segments: ResolvedSegments) -> re.Pattern[str]:
    """A full-string matcher for an ARN pattern, one colon-separated part at a time."""
    parts: list[str] = []
    colons_seen = 0
    for text, active in segments:
        if not active:
            in_last_part = colons_seen >= _ARN_SEPARATORS
            parts.append(_translate(text, False, in_last_part))
            colons_seen += text.count(":")
            continue
        for chunk_index, chunk in enumerate(text.split(":")):
            if chunk_index:
                parts.append(":")
                colons_seen += 1
            parts.append(_translate(chunk, True, colons_seen >= _ARN_SEPARATORS))
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


def arn_matches(pattern: ResolvedSegments, value: str) -> bool:
    if len(pattern) == 1 and pattern[0] == ("*", True):
        return True
    return compile_arn_glob(pattern).match(value) is not None


@dataclass(frozen=True)
class ActionMatcher:
    """Matches action names against a statement's Action (or NotAction) list."""

    exact: frozenset[str]
    wildcard: re.Pattern[str] | None
    matches_all: bool

    def matches(self, action_lower: str) -> bool:
        if self.matches_all or action_lower in self.exact:
            return True
        return self.wildcard is not None and self.wildcard.match(action_lower) is not None


def compile_actions(patterns: Iterable[str]) -> ActionMatcher:
    exact: set[str] = set()
    wildcard: list[str] = []
    matches_all = False
    for pattern in patterns:
        lowered = pattern.lower()
        if lowered == "*":
            matches_all = True
        elif "*" in lowered or "?" in lowered:
            wildcard.append(_translate(lowered, True, True))
        else:
            exact.add(lowered)
    regex = re.compile("(?:" + "|".join(wildcard) + r")\Z", re.DOTALL) if wildcard else None
    return ActionMatcher(frozenset(exact), regex, matches_all)


def resource_part(arn: str) -> str:
    """The part of an ARN after its fifth colon (``experiment/x``), or the text itself."""
    parts = arn.split(":", _ARN_SEPARATORS)
    return parts[_ARN_SEPARATORS] if len(parts) > _ARN_SEPARATORS else arn


def arn_account(arn: str) -> str | None:
    parts = arn.split(":", _ARN_SEPARATORS)
    if len(parts) > _ARN_SEPARATORS and parts[0] == "arn" and parts[4]:
        return parts[4]
    return None
