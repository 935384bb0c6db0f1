"""Policy variables: ``${aws:username}``, ``${key, 'default'}``, escapes ``${*}`` ``${?}`` ``${$}``.

A template is split once, at parse time, into pieces. Resolving it against a request yields
segments ``(text, wildcards_active)``: text written in the policy keeps ``*``/``?`` as wildcards
(where the operator has wildcards at all), while escapes and substituted values are literal,
so a tag value can never widen a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

NormalizedContext = Mapping[str, tuple[tuple[str, ...], bool]]
"""Lower-cased context key -> (values as strings, multi-valued?)."""

ResolvedSegments = tuple[tuple[str, bool], ...]

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_KEY_WITH_DEFAULT = re.compile(r"^\s*([^,']+?)\s*(?:,\s*'([^']*)'\s*)?$")
_ESCAPES = frozenset({"*", "?", "$"})


@dataclass(frozen=True)
class Variable:
    """One ``${key}`` or ``${key, 'default'}`` reference."""

    key: str
    key_lower: str
    default: str | None
    written: str


Piece = tuple[str, bool] | Variable


@dataclass(frozen=True)
class Template:
    """A policy string, split into literal text and variable references."""

    written: str
    pieces: tuple[Piece, ...]
    variables: tuple[Variable, ...]

    @property
    def has_variables(self) -> bool:
        return bool(self.variables)

    def resolve(self, context: NormalizedContext) -> ResolvedSegments | None:
        """Substitute every variable; ``None`` when one cannot be resolved."""
        if not self.variables:
            return tuple(piece for piece in self.pieces if isinstance(piece, tuple))
        segments: list[tuple[str, bool]] = []
        for piece in self.pieces:
            if isinstance(piece, tuple):
                segments.append(piece)
                continue
            value = lookup_variable(piece, context)
            if value is None:
                return None
            segments.append((value, False))
        return tuple(segments)

    def unresolved(self, context: NormalizedContext) -> tuple[Variable, ...]:
        """The variables that have no value in ``context``."""
        return tuple(v for v in self.variables if lookup_variable(v, context) is None)


def lookup_variable(variable: Variable, context: NormalizedContext) -> str | None:
    """The single value a variable stands for; multi-valued keys cannot be variables."""
    entry = context.get(variable.key_lower)
    if entry is None:
        return variable.default
    values, multi_valued = entry
    if multi_valued or len(values) != 1:
        return None
    return values[0]


def literal_template(text: str) -> Template:
    """A template whose text is taken as written (policy Version 2008-10-17 or none)."""
    return Template(text, ((text, True),), ())


def parse_template(text: str) -> Template:
    if "${" not in text:
        return literal_template(text)
    pieces: list[Piece] = []
    variables: list[Variable] = []
    position = 0
    for match in _VARIABLE.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], True))
        inner = match.group(1)
        parsed = _KEY_WITH_DEFAULT.match(inner)
        if inner in _ESCAPES:
            pieces.append((inner, False))
        elif parsed:
            variable = Variable(
                parsed.group(1), parsed.group(1).lower(), parsed.group(2), match.group()
            )
            pieces.append(variable)
            variables.append(variable)
        else:
            # Not a well-formed variable: AWS would reject it, we keep it as plain text.
            pieces.append((match.group(), False))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], True))
    return Template(text, tuple(pieces), tuple(variables))


def joined(segments: ResolvedSegments) -> str:
    return "".join([text for text, _ in segments])
