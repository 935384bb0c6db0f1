"""Decoding JSON input lines that repeat large values verbatim (the policies of a batch).

A batch of ``SimulateCustomPolicy`` inputs sends the same policy documents on every line, as
JSON strings full of escapes: decoding them again is most of the cost of reading a line. The
decoder remembers the raw text of the large values of chosen top-level fields; when a line
carries one of them byte for byte at that field, it decodes the rest of the line only and
puts the remembered value back. A JSON value is over when its closing bracket or quote is
read, so a remembered value found at the field's position is exactly that field's value.

Whenever a shortcut does not apply cleanly (the field name also appears nested, a key is
repeated, the line is not valid JSON...), the line is decoded in full by ``json.loads``: the
result, and any error, is then exactly what ``json.loads`` gives.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from itertools import pairwise
from typing import Any

_PLACEHOLDER = "\x00remembered"
_PLACEHOLDER_JSON = json.dumps(_PLACEHOLDER)
_WHITESPACE = " \t\n\r"
_DEFAULT_MEMORY = 64
_SMALLEST_REMEMBERED = 256
"""Values shorter than this decode faster than they are looked up."""
_Cut = tuple[int, int, str, Any, str]
"""A remembered value found in a line: start, end, field, value, raw text."""


class RememberingDecoder:
    """``json.loads`` for lines whose ``fields`` often repeat the same large values.

    Remembered values are shared between the payloads that carry them: read them, never
    change them.
    """

    def __init__(self, fields: tuple[str, ...], *, memory: int = _DEFAULT_MEMORY) -> None:
        self._needles = tuple((field, json.dumps(field)) for field in fields)
        self._memory = memory
        self._remembered: dict[str, OrderedDict[str, Any]] = {
            field: OrderedDict() for field in fields
        }
        self._scanner = json.JSONDecoder()

    def decode(self, line: str) -> tuple[Any, dict[str, str]]:
        """The decoded line and, for each remembered field it carries, that field's raw text.

        The raw texts are the remembered string objects themselves: equal texts come back as
        the same object, cheap to hash and compare as a cache key.
        """
        if _PLACEHOLDER_JSON in line:
            return json.loads(line), {}
        cuts: list[_Cut] = []
        for field, needle in self._needles:
            cut = self._value_at_field(line, field, needle, cuts)
            if cut is not None:
                cuts.append(cut)
                cuts.sort(key=lambda cut: cut[0])
        if not cuts:
            return json.loads(line), {}
        if any(left[1] > right[0] for left, right in pairwise(cuts)):
            return json.loads(line), {}
        pieces: list[str] = []
        position = 0
        for start, end, _, _, _ in cuts:
            pieces += (line[position:start], _PLACEHOLDER_JSON)
            position = end
        pieces.append(line[position:])
        try:
            payload = json.loads("".join(pieces))
        except json.JSONDecodeError:
            return json.loads(line), {}  # raises with the positions of the line as given
        spliced_at_top = isinstance(payload, dict) and all(
            payload.get(field) == _PLACEHOLDER for _, _, field, _, _ in cuts
        )
        if not spliced_at_top:  # the field name matched a nested key, or a key repeats
            return json.loads(line), {}
        raw_texts: dict[str, str] = {}
        for _, _, field, value, raw in cuts:
            payload[field] = value
            raw_texts[field] = raw
        return payload, raw_texts

    def _value_at_field(self, line: str, field: str, needle: str, cuts: list[_Cut]) -> _Cut | None:
        """Where the field's value sits in the line, its value and raw text; None to skip."""
        found = _find_outside(line, needle, cuts)
        if found < 0:
            return None
        start = _skip_whitespace(line, found + len(needle))
        if start >= len(line) or line[start] != ":":
            return None
        start = _skip_whitespace(line, start + 1)
        remembered = self._remembered[field]
        for raw, value in reversed(remembered.items()):
            if line.startswith(raw, start):
                remembered.move_to_end(raw)
                return start, start + len(raw), field, value, raw
        try:
            value, end = self._scanner.raw_decode(line, start)
        except json.JSONDecodeError:
            return None
        raw = line[start:end]
        if len(raw) < _SMALLEST_REMEMBERED:
            return None
        remembered[raw] = value
        if len(remembered) > self._memory:
            remembered.popitem(last=False)
        return start, end, field, value, raw


def _find_outside(line: str, needle: str, cuts: list[_Cut]) -> int:
    """``line.find(needle)``, skipping the values already cut out (long, and keys cannot be
    inside them)."""
    position = 0
    for start, end, _, _, _ in cuts:
        found = line.find(needle, position, start)
        if found >= 0:
            return found
        position = end
    return line.find(needle, position)


def _skip_whitespace(line: str, position: int) -> int:
    while position < len(line) and line[position] in _WHITESPACE:
        position += 1
    return position
