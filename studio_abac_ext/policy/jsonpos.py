"""A small JSON reader that remembers where every value sits in the source text.

The stdlib ``json`` module gives no positions, and explanations must point at the lines of a
statement or condition. The reader returns plain Python values plus a table of offsets keyed
by JSON path, so the rest of the package works on ordinary dicts and lists.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

JsonPath = tuple[str | int, ...]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_STRING_CHUNK = re.compile(r'[^"\\\x00-\x1f]*')
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


@dataclass(frozen=True)
class Position:
    """A 1-based line and column."""

    line: int
    column: int


class JsonSyntaxError(ValueError):
    """Invalid JSON, with the line and column where reading stopped."""

    def __init__(self, message: str, position: Position) -> None:
        super().__init__(f"line {position.line}, column {position.column}: {message}")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class LocatedDocument:
    """Parsed JSON plus the character offsets of every value and object member."""

    value: object
    text: str
    value_spans: dict[JsonPath, tuple[int, int]]
    member_starts: dict[JsonPath, int]
    duplicate_keys: tuple[JsonPath, ...]
    _line_starts: tuple[int, ...]

    def position(self, offset: int) -> Position:
        line_index = bisect.bisect_right(self._line_starts, offset) - 1
        return Position(line_index + 1, offset - self._line_starts[line_index] + 1)

    def span_of(self, path: JsonPath, *, include_key: bool = False) -> tuple[Position, Position]:
        """Start and end (inclusive) of the value at ``path``; with its key when asked."""
        start, end = self.value_spans[path]
        if include_key and path in self.member_starts:
            start = self.member_starts[path]
        return self.position(start), self.position(max(start, end - 1))


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0
        self.value_spans: dict[JsonPath, tuple[int, int]] = {}
        self.member_starts: dict[JsonPath, int] = {}
        self.duplicates: list[JsonPath] = []

    def fail(self, message: str, offset: int | None = None) -> JsonSyntaxError:
        at = self.index if offset is None else offset
        line = self.text.count("\n", 0, at) + 1
        column = at - (self.text.rfind("\n", 0, at) + 1) + 1
        return JsonSyntaxError(message, Position(line, column))

    def skip_whitespace(self) -> None:
        match = _WHITESPACE.match(self.text, self.index)
        if match:
            self.index = match.end()

    def read_value(self, path: JsonPath, depth: int) -> object:
        if depth > 64:
            raise self.fail("nesting is too deep")
        self.skip_whitespace()
        start = self.index
        if start >= len(self.text):
            raise self.fail("unexpected end of input, expected a value")
        char = self.text[start]
        value: object
        if char == "{":
            value = self.read_object(path, depth)
        elif char == "[":
            value = self.read_array(path, depth)
        elif char == '"':
            value = self.read_string()
        else:
            value = self.read_literal()
        self.value_spans[path] = (start, self.index)
        return value

    def read_object(self, path: JsonPath, depth: int) -> dict[str, object]:
        self.index += 1
        result: dict[str, object] = {}
        self.skip_whitespace()
        if self.text.startswith("}", self.index):
            self.index += 1
            return result
        while True:
            self.skip_whitespace()
            key_start = self.index
            if not self.text.startswith('"', self.index):
                raise self.fail("expected a string key in double quotes")
            key = self.read_string()
            self.skip_whitespace()
            if not self.text.startswith(":", self.index):
                raise self.fail("expected ':' after an object key")
            self.index += 1
            member_path = (*path, key)
            if key in result:
                self.duplicates.append(member_path)
            result[key] = self.read_value(member_path, depth + 1)
            self.member_starts[member_path] = key_start
            self.skip_whitespace()
            if self.text.startswith(",", self.index):
                self.index += 1
                continue
            if self.text.startswith("}", self.index):
                self.index += 1
                return result
            raise self.fail("expected ',' or '}' in an object")

    def read_array(self, path: JsonPath, depth: int) -> list[object]:
        self.index += 1
        result: list[object] = []
        self.skip_whitespace()
        if self.text.startswith("]", self.index):
            self.index += 1
            return result
        while True:
            result.append(self.read_value((*path, len(result)), depth + 1))
            self.skip_whitespace()
            if self.text.startswith(",", self.index):
                self.index += 1
                continue
            if self.text.startswith("]", self.index):
                self.index += 1
                return result
            raise self.fail("expected ',' or ']' in an array")

    def read_string(self) -> str:
        start = self.index
        self.index += 1
        parts: list[str] = []
        text = self.text
        while True:
            chunk = _STRING_CHUNK.match(text, self.index)
            assert chunk is not None  # the pattern accepts the empty string
            parts.append(chunk.group())
            self.index = chunk.end()
            if self.index >= len(text):
                raise self.fail("unterminated string", start)
            char = text[self.index]
            if char == '"':
                self.index += 1
                return "".join(parts)
            if char != "\\":
                raise self.fail("control character in a string")
            parts.append(self.read_escape())

    def read_escape(self) -> str:
        code = self.text[self.index + 1 : self.index + 2]
        if code in _ESCAPES:
            self.index += 2
            return _ESCAPES[code]
        if code == "u":
            digits = self.text[self.index + 2 : self.index + 6]
            if len(digits) == 4 and all(c in "0123456789abcdefABCDEF" for c in digits):
                self.index += 6
                return chr(int(digits, 16))
        raise self.fail("invalid escape in a string")

    def read_literal(self) -> object:
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.index):
                self.index += len(word)
                return value
        match = _NUMBER.match(self.text, self.index)
        if not match:
            raise self.fail("unexpected character, expected a value")
        self.index = match.end()
        number = match.group()
        if any(c in number for c in ".eE"):
            return float(number)
        return int(number)


def read_json(text: str) -> LocatedDocument:
    """Parse ``text`` as one JSON value; raise :class:`JsonSyntaxError` with line/column."""
    reader = _Reader(text)
    value = reader.read_value((), 0)
    reader.skip_whitespace()
    if reader.index != len(text):
        raise reader.fail("unexpected text after the JSON value")
    line_starts = [0]
    line_starts.extend(match.end() for match in re.finditer("\n", text))
    return LocatedDocument(
        value=value,
        text=text,
        value_spans=reader.value_spans,
        member_starts=reader.member_starts,
        duplicate_keys=tuple(reader.duplicates),
        _line_starts=tuple(line_starts),
    )
