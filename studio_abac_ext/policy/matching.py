"""Wildcard matching for actions, resource ARNs and Like/Arn condition values, in linear time.

A pattern is compiled once to tokens: literal characters, ``?`` (one character) and ``*``
(any run), each wildcard either crossing colons or not. Matching never backtracks:

- when every ``*`` may cross colons (StringLike, actions, and most ARN patterns), the pieces
  between the stars are found left to right, each at its leftmost place (``str.find`` or a
  fixed-length regular expression without repetition): a greedy leftmost match is exact for
  such globs, and the work is linear in the text for each piece;
- otherwise (a ``*`` in the middle of one of the first five ARN segments) a bit-parallel
  simulation of the pattern's automaton reads the text once.

The ARN rules (AWS's "IAM JSON policy elements: Resource" and "Condition operators"):

- ``ArnLike``/``ArnEquals`` conditions match segment by segment: a wildcard in one of the
  first five colon-separated parts never crosses a colon, one in the last part may;
- in the Resource and NotResource elements, besides, "if the ``*`` wildcard is the last
  character of a resource ARN segment, it can expand to match beyond the colon boundaries".

Actions are case-insensitive (callers lower-case both sides); the rest is case-sensitive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .arns import ARN_SEPARATORS
from .variables import ResolvedSegments

_LITERAL, _ONE, _ANY = 0, 1, 2
Token = tuple[int, str, bool]
"""(kind, literal character, crosses colons)."""


def _tokens(segments: ResolvedSegments, *, arn: bool, resource_element: bool) -> list[Token]:
    """The pattern's tokens; for ARNs the colon rules decide which wildcards cross colons."""
    tokens: list[Token] = []
    colons = 0
    for text, active in segments:
        for char in text:
            in_last_part = not arn or colons >= ARN_SEPARATORS
            if active and char == "*":
                tokens.append((_ANY, "", in_last_part))
            elif active and char == "?":
                tokens.append((_ONE, "", in_last_part))
            else:
                tokens.append((_LITERAL, char, False))
                if char == ":":
                    colons += 1
    if arn and resource_element:
        tokens = [_trailing_star_crosses(tokens, i) for i in range(len(tokens))]
    return _merge_stars(tokens)


def _trailing_star_crosses(tokens: list[Token], index: int) -> Token:
    kind, char, crosses = tokens[index]
    if kind != _ANY or crosses:
        return tokens[index]
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    ends_segment = following is None or following == (_LITERAL, ":", False)
    return (kind, char, ends_segment)


def _merge_stars(tokens: list[Token]) -> list[Token]:
    """``**`` is one ``*`` (crossing colons if either does): adjacent stars never remain."""
    merged: list[Token] = []
    for token in tokens:
        if token[0] == _ANY and merged and merged[-1][0] == _ANY:
            merged[-1] = (_ANY, "", merged[-1][2] or token[2])
        else:
            merged.append(token)
    return merged


class _Piece:
    """A run of tokens without ``*``: fixed length, matched by find or a repetition-free regex."""

    __slots__ = ("length", "literal", "regex")

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.length = len(tokens)
        if all(kind == _LITERAL for kind, _, _ in tokens):
            self.literal: str | None = "".join(char for _, char, _ in tokens)
            self.regex: re.Pattern[str] | None = None
        else:
            self.literal = None
            parts = [
                re.escape(char) if kind == _LITERAL else ("." if crosses else "[^:]")
                for kind, char, crosses in tokens
            ]
            self.regex = re.compile("".join(parts), re.DOTALL)

    def at(self, text: str, position: int) -> bool:
        if self.literal is not None:
            return text.startswith(self.literal, position)
        assert self.regex is not None
        return self.regex.match(text, position) is not None

    def find(self, text: str, position: int, end: int) -> int:
        if self.literal is not None:
            return text.find(self.literal, position, end)
        assert self.regex is not None
        found = self.regex.search(text, position, end)
        return -1 if found is None else found.start()


class Glob:
    """A compiled wildcard pattern; ``matches`` is linear in the text and never backtracks."""

    __slots__ = ("_exact", "_nfa", "_pieces", "matches_everything", "source")

    def __init__(self, tokens: list[Token], source: str) -> None:
        self.source = source
        self.matches_everything = tokens == [(_ANY, "", True)]
        self._exact: str | None = None
        self._pieces: list[_Piece] | None = None
        self._nfa: _Automaton | None = None
        if all(kind == _LITERAL for kind, _, _ in tokens):
            self._exact = "".join(char for _, char, _ in tokens)
        elif all(crosses for kind, _, crosses in tokens if kind == _ANY):
            pieces: list[list[Token]] = [[]]
            for token in tokens:
                if token[0] == _ANY:
                    pieces.append([])
                else:
                    pieces[-1].append(token)
            self._pieces = [_Piece(piece) for piece in pieces]
        else:
            self._nfa = _Automaton(tokens)

    def matches(self, text: str) -> bool:
        if self._exact is not None:
            return text == self._exact
        if self._pieces is not None:
            return _greedy_match(self._pieces, text)
        assert self._nfa is not None
        return self._nfa.matches(text)

    def __repr__(self) -> str:
        return f"Glob({self.source!r})"


def _greedy_match(pieces: list[_Piece], text: str) -> bool:
    """``pieces[0]*pieces[1]*...*pieces[-1]``: the first anchored at the start,
    last at the end, the middle ones each at its leftmost place after the previous one."""
    first, last = pieces[0], pieces[-1]
    if len(pieces) == 1:  # no star: a fixed-length pattern
        return len(text) == first.length and first.at(text, 0)
    end = len(text) - last.length
    if end < first.length or not first.at(text, 0) or not last.at(text, end):
        return False
    position = first.length
    for piece in pieces[1:-1]:
        found = piece.find(text, position, end)
        if found < 0:
            return False
        position = found + piece.length
    return True


class _Automaton:
    """Bit-parallel simulation of a glob's automaton: bit ``i`` set = the first ``i`` tokens
    matched. One pass over the text, a few integer operations per character."""

    __slots__ = ("_accept", "_default_accept", "_default_loop", "_final", "_loop", "_stars")

    def __init__(self, tokens: list[Token]) -> None:
        chars = {char for kind, char, _ in tokens if kind == _LITERAL} | {":"}
        self._accept: dict[str, int] = {}
        self._loop: dict[str, int] = {}
        self._stars = 0
        for index, (kind, _, _) in enumerate(tokens):
            if kind == _ANY:
                self._stars |= 1 << index
        for char in chars:
            self._accept[char], self._loop[char] = self._masks(tokens, char)
        self._default_accept, self._default_loop = self._masks(tokens, None)
        self._final = 1 << len(tokens)

    @staticmethod
    def _masks(tokens: list[Token], char: str | None) -> tuple[int, int]:
        """For a text character (``None``: one the pattern never names, not a colon), the
        tokens that consume it and move on, and the stars that consume it and stay."""
        accept = loop = 0
        for index, (kind, literal, crosses) in enumerate(tokens):
            fits = crosses or char != ":"
            if (kind == _LITERAL and literal == char) or (kind == _ONE and fits):
                accept |= 1 << index
            elif kind == _ANY and fits:
                loop |= 1 << (index + 1)
        return accept, loop

    def _closure(self, states: int) -> int:
        return states | ((states & self._stars) << 1)  # no two stars are adjacent

    def matches(self, text: str) -> bool:
        states = self._closure(1)
        accept, loop = self._accept, self._loop
        default_accept, default_loop = self._default_accept, self._default_loop
        for char in text:
            states = ((states & accept.get(char, default_accept)) << 1) | (
                states & loop.get(char, default_loop)
            )
            if not states:
                return False
            states = self._closure(states)
        return bool(states & self._final)


def _source(segments: ResolvedSegments) -> str:
    return "".join(text for text, _ in segments)


def compile_glob(segments: ResolvedSegments) -> Glob:
    """StringLike: ``*``/``?`` match anything, colons included."""
    return Glob(_tokens(segments, arn=False, resource_element=False), _source(segments))


def compile_arn_glob(segments: ResolvedSegments) -> Glob:
    """ArnLike/ArnEquals: wildcards stay within their segment, except in the last part."""
    return Glob(_tokens(segments, arn=True, resource_element=False), _source(segments))


def compile_resource_glob(segments: ResolvedSegments) -> Glob:
    """The Resource/NotResource element: as ``compile_arn_glob``, and a ``*`` that ends a
    segment may expand beyond the colon boundaries."""
    return Glob(_tokens(segments, arn=True, resource_element=True), _source(segments))


@dataclass(frozen=True)
class ActionMatcher:
    """Matches action names (lower-cased) against a statement's Action (or NotAction) list."""

    exact: frozenset[str]
    wildcards: tuple[Glob, ...]
    matches_all: bool

    def matches(self, action_lower: str) -> bool:
        if self.matches_all or action_lower in self.exact:
            return True
        return any(glob.matches(action_lower) for glob in self.wildcards)


def compile_actions(patterns: Iterable[str]) -> ActionMatcher:
    exact: set[str] = set()
    wildcards: list[Glob] = []
    matches_all = False
    for pattern in patterns:
        lowered = pattern.lower()
        if lowered == "*":
            matches_all = True
        elif "*" in lowered or "?" in lowered:
            wildcards.append(compile_glob(((lowered, True),)))
        else:
            exact.add(lowered)
    return ActionMatcher(frozenset(exact), tuple(wildcards), matches_all)
