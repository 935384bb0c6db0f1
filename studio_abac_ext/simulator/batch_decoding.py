"""Decoding JSON input lines that repeat large strings verbatim (the policies of a batch).

A batch of ``SimulateCustomPolicy`` inputs sends the same policy documents on line after
line, as JSON strings full of escapes: decoding them again is most of the cost of reading a
line. The decoder reads the values of chosen top-level fields itself, element by element,
and remembers the raw text of every long string it decodes there; a string found again byte
for byte is not decoded again. A JSON string is over at its closing quote, so a remembered
string found where a value starts is exactly that value. The rest of the line, with those
fields cut out, is decoded by ``orjson`` (three times faster), or by ``json.loads`` when orjson
refuses it (NaN, lone surrogates, huge numbers: JSON that ``json.loads`` accepts) or would read
it otherwise (integers beyond 64 bits, which orjson reads as floats).

Each field's value also comes with a key, made of the remembered strings' raw texts (shared
objects, cheap to hash and compare): equal keys mean equal values, so callers can remember
what they derive from a field.

Whenever a shortcut does not apply cleanly (the field name also appears nested, a key is
repeated, the line is not valid JSON...), the line is decoded in full by ``json.loads``: the
result, and any error, is then exactly what ``json.loads`` gives.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Hashable
from itertools import pairwise
from typing import Any, TypeVar

import orjson

_PLACEHOLDER = "\x00remembered"
_PLACEHOLDER_JSON = json.dumps(_PLACEHOLDER)
_WHITESPACE = " \t\n\r"
_DEFAULT_MEMORY = 64
_SMALLEST_REMEMBERED = 256
"""Strings shorter than this decode faster than they are looked up."""
_LONG_DIGITS = re.compile(r"\d{19}")
_T = TypeVar("_T")
_Cut = tuple[int, int, str, Any, Hashable]
"""A field's value read from a line: start, end, field, value, key."""


class _UnreadableError(ValueError):
    """Not a value this decoder reads itself: ``json.loads`` will decide."""


class RememberingDecoder:
    """``json.loads`` for lines whose ``fields`` often repeat the same long strings.

    A field's whole value seen again (the same list of policies) is not read again either:
    its value is then the one returned before, shared; read it, never change it.
    """

    def __init__(self, fields: tuple[str, ...], *, memory: int = _DEFAULT_MEMORY) -> None:
        self._needles = tuple((field, json.dumps(field)) for field in fields)
        self._memory = memory
        self._strings: OrderedDict[str, str] = OrderedDict()
        self._values: OrderedDict[str, tuple[Any, Hashable]] = OrderedDict()
        self._scanner = json.JSONDecoder()

    def decode(self, line: str) -> tuple[Any, dict[str, Hashable]]:
        """The decoded line and, for each of the fields it carries, that value's key."""
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
        remainder = "".join(pieces)
        if remainder.count(_PLACEHOLDER_JSON) != len(cuts):  # the line has it too
            return json.loads(line), {}
        try:
            payload = _loads(remainder)
        except json.JSONDecodeError:
            return json.loads(line), {}  # raises with the positions of the line as given
        spliced_at_top = isinstance(payload, dict) and all(
            payload.get(field) == _PLACEHOLDER for _, _, field, _, _ in cuts
        )
        if not spliced_at_top:  # the field name matched a nested key, or a key repeats
            return json.loads(line), {}
        keys: dict[str, Hashable] = {}
        for _, _, field, value, key in cuts:
            payload[field] = value
            keys[field] = key
        return payload, keys

    def _value_at_field(self, line: str, field: str, needle: str, cuts: list[_Cut]) -> _Cut | None:
        """Where the field's value sits in the line, the value and its key; None to skip."""
        found = _find_outside(line, needle, cuts)
        if found < 0:
            return None
        start = _skip_whitespace(line, found + len(needle))
        if start >= len(line) or line[start] != ":":
            return None
        start = _skip_whitespace(line, start + 1)
        values = self._values
        for raw, (value, key) in reversed(values.items()):  # the most recently seen first
            if line.startswith(raw, start):
                values.move_to_end(raw)
                return start, start + len(raw), field, value, key
        try:
            value, end, key = self._read(line, start)
        except (_UnreadableError, json.JSONDecodeError, IndexError):
            return None
        _remember(values, line[start:end], (value, key), self._memory)
        return start, end, field, value, key

    def _read(self, line: str, position: int) -> tuple[Any, int, Hashable]:
        """The value starting at ``position``, where it ends, and its key."""
        first = line[position]
        if first == '"':
            return self._read_string(line, position)
        if first == "[":
            return self._read_list(line, position)
        value, end = self._scanner.raw_decode(line, position)
        return value, end, line[position:end]

    def _read_string(self, line: str, position: int) -> tuple[str, int, str]:
        strings = self._strings
        for raw, value in reversed(strings.items()):  # the most recently seen first
            if line.startswith(raw, position):
                strings.move_to_end(raw)
                return value, position + len(raw), raw
        value, end = self._scanner.raw_decode(line, position)
        raw = line[position:end]
        _remember(strings, raw, value, self._memory)
        return value, end, raw

    def _read_list(self, line: str, position: int) -> tuple[list[Any], int, tuple[Hashable, ...]]:
        values: list[Any] = []
        keys: list[Hashable] = []
        position = _skip_whitespace(line, position + 1)
        if line[position] == "]":
            return values, position + 1, ()
        while True:
            value, end, key = self._read(line, position)
            values.append(value)
            keys.append(key)
            position = _skip_whitespace(line, end)
            if line[position] == "]":
                return values, position + 1, tuple(keys)
            if line[position] != ",":
                raise _UnreadableError(position)
            position = _skip_whitespace(line, position + 1)


def _loads(text: str) -> Any:
    """``json.loads(text)``: the same value, or the same error."""
    if _LONG_DIGITS.search(text):  # orjson reads integers beyond 64 bits as floats
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _remember(memory: OrderedDict[str, _T], raw: str, value: _T, size: int) -> None:
    if len(raw) >= _SMALLEST_REMEMBERED:
        memory[raw] = value
        if len(memory) > size:
            memory.popitem(last=False)


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
