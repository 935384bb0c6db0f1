"""The condition operators of IAM: how policy values are read and compared with request values.

Each operator family knows how to prepare a policy value (after variable substitution) and
how to test one request value, given as text, against it. A request value that cannot be read
as the operator's type (a word for NumericEquals) simply does not match.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from .matching import Glob, compile_arn_glob, compile_glob
from .variables import ResolvedSegments, joined

Prepared = object


@dataclass(frozen=True)
class OperatorSpec:
    """A base operator such as StringEquals, without set qualifier or IfExists."""

    name: str
    family: str
    negated: bool
    supports_variables: bool
    prepare: Callable[[ResolvedSegments], Prepared]
    test: Callable[[str, Prepared], bool]
    verb: str
    negated_verb: str


def _prepare_text(segments: ResolvedSegments) -> Prepared:
    return joined(segments)


def _prepare_casefold(segments: ResolvedSegments) -> Prepared:
    return joined(segments).casefold()


def _prepare_like(segments: ResolvedSegments) -> Prepared:
    return compile_glob(segments)


def _prepare_arn(segments: ResolvedSegments) -> Prepared:
    return compile_arn_glob(segments)


def _test_equal(value: str, prepared: Prepared) -> bool:
    return value == prepared


def _test_casefold(value: str, prepared: Prepared) -> bool:
    return value.casefold() == prepared


def _test_pattern(value: str, prepared: Prepared) -> bool:
    assert isinstance(prepared, Glob)
    return prepared.matches(value)


def read_number(text: str) -> float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return None if number != number else number  # NaN never compares


def _prepare_number(segments: ResolvedSegments) -> Prepared:
    number = read_number(joined(segments))
    if number is None:
        raise ValueError(f"{joined(segments)!r} is not a number")
    return number


def read_date(text: str) -> float | None:
    """Seconds since the epoch, from ISO 8601 or from epoch seconds."""
    stripped = text.strip()
    number = read_number(stripped)
    if number is not None:
        return number
    try:
        moment = datetime.fromisoformat(stripped.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _prepare_date(segments: ResolvedSegments) -> Prepared:
    moment = read_date(joined(segments))
    if moment is None:
        raise ValueError(f"{joined(segments)!r} is not a date (ISO 8601 or epoch seconds)")
    return moment


def _numeric_test(compare: Callable[[float, float], bool]) -> Callable[[str, Prepared], bool]:
    def test(value: str, prepared: Prepared) -> bool:
        number = read_number(value)
        assert isinstance(prepared, float)
        return number is not None and compare(number, prepared)

    return test


def _date_test(compare: Callable[[float, float], bool]) -> Callable[[str, Prepared], bool]:
    def test(value: str, prepared: Prepared) -> bool:
        moment = read_date(value)
        assert isinstance(prepared, float)
        return moment is not None and compare(moment, prepared)

    return test


def _prepare_bool(segments: ResolvedSegments) -> Prepared:
    text = joined(segments).strip().lower()
    if text not in ("true", "false"):
        raise ValueError(f"{joined(segments)!r} is not true or false")
    return text


def _test_bool(value: str, prepared: Prepared) -> bool:
    return value.strip().lower() == prepared


def _decode_base64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def _prepare_binary(segments: ResolvedSegments) -> Prepared:
    decoded = _decode_base64(joined(segments))
    if decoded is None:
        raise ValueError(f"{joined(segments)!r} is not base64")
    return decoded


def _test_binary(value: str, prepared: Prepared) -> bool:
    return _decode_base64(value) == prepared


def _prepare_network(segments: ResolvedSegments) -> Prepared:
    return ipaddress.ip_network(joined(segments).strip(), strict=False)


def _test_network(value: str, prepared: Prepared) -> bool:
    assert isinstance(prepared, ipaddress.IPv4Network | ipaddress.IPv6Network)
    try:
        address = ipaddress.ip_address(value.strip().split("/")[0])
    except ValueError:
        return False
    return address.version == prepared.version and address in prepared


def _prepare_null(segments: ResolvedSegments) -> Prepared:
    return _prepare_bool(segments)


def _spec(
    name: str,
    family: str,
    prepare: Callable[[ResolvedSegments], Prepared],
    test: Callable[[str, Prepared], bool],
    verbs: tuple[str, str],
    *,
    negated: bool = False,
    variables: bool = False,
) -> OperatorSpec:
    return OperatorSpec(name, family, negated, variables, prepare, test, verbs[0], verbs[1])


_EQ = ("equals", "does not equal")
_EQ_IC = ("equals (ignoring case)", "does not equal (ignoring case)")
_LIKE = ("matches", "does not match")
_IN = ("is in", "is not in")


def _ordered(
    name: str, family: str, prepare: Callable[[ResolvedSegments], Prepared]
) -> list[OperatorSpec]:
    """The six comparison operators of the Numeric and Date families."""
    wrap = _numeric_test if family == "Numeric" else _date_test
    before, after = ("less than", "greater than") if family == "Numeric" else ("before", "after")
    rows: list[OperatorSpec] = [
        _spec(f"{name}Equals", family, prepare, wrap(lambda a, b: a == b), _EQ),
        _spec(f"{name}NotEquals", family, prepare, wrap(lambda a, b: a == b), _EQ, negated=True),
        _spec(
            f"{name}LessThan",
            family,
            prepare,
            wrap(lambda a, b: a < b),
            (f"is {before}", f"is not {before}"),
        ),
        _spec(
            f"{name}LessThanEquals",
            family,
            prepare,
            wrap(lambda a, b: a <= b),
            (f"is at most (or {before})", "is not at most"),
        ),
        _spec(
            f"{name}GreaterThan",
            family,
            prepare,
            wrap(lambda a, b: a > b),
            (f"is {after}", f"is not {after}"),
        ),
        _spec(
            f"{name}GreaterThanEquals",
            family,
            prepare,
            wrap(lambda a, b: a >= b),
            (f"is at least (or {after})", "is not at least"),
        ),
    ]
    return rows


_ALL_SPECS: list[OperatorSpec] = [
    _spec("StringEquals", "String", _prepare_text, _test_equal, _EQ, variables=True),
    _spec(
        "StringNotEquals", "String", _prepare_text, _test_equal, _EQ, negated=True, variables=True
    ),
    _spec(
        "StringEqualsIgnoreCase",
        "String",
        _prepare_casefold,
        _test_casefold,
        _EQ_IC,
        variables=True,
    ),
    _spec(
        "StringNotEqualsIgnoreCase",
        "String",
        _prepare_casefold,
        _test_casefold,
        _EQ_IC,
        negated=True,
        variables=True,
    ),
    _spec("StringLike", "String", _prepare_like, _test_pattern, _LIKE, variables=True),
    _spec(
        "StringNotLike", "String", _prepare_like, _test_pattern, _LIKE, negated=True, variables=True
    ),
    *_ordered("Numeric", "Numeric", _prepare_number),
    *_ordered("Date", "Date", _prepare_date),
    _spec("Bool", "Bool", _prepare_bool, _test_bool, ("is", "is not")),
    _spec("BinaryEquals", "Binary", _prepare_binary, _test_binary, _EQ),
    _spec("IpAddress", "IpAddress", _prepare_network, _test_network, _IN),
    _spec("NotIpAddress", "IpAddress", _prepare_network, _test_network, _IN, negated=True),
    _spec("ArnEquals", "Arn", _prepare_arn, _test_pattern, _LIKE, variables=True),
    _spec("ArnLike", "Arn", _prepare_arn, _test_pattern, _LIKE, variables=True),
    _spec("ArnNotEquals", "Arn", _prepare_arn, _test_pattern, _LIKE, negated=True, variables=True),
    _spec("ArnNotLike", "Arn", _prepare_arn, _test_pattern, _LIKE, negated=True, variables=True),
    _spec("Null", "Null", _prepare_null, _test_bool, ("is absent", "is present")),
]

OPERATORS: dict[str, OperatorSpec] = {spec.name.lower(): spec for spec in _ALL_SPECS}

SET_QUALIFIERS = {"foranyvalue": "ForAnyValue", "forallvalues": "ForAllValues"}


@dataclass(frozen=True)
class ParsedOperator:
    """An operator as written, split into set qualifier, base operator and IfExists."""

    written: str
    qualifier: str | None
    spec: OperatorSpec | None
    if_exists: bool
    problem: str | None


def parse_operator(written: str) -> ParsedOperator:
    """Read e.g. ``ForAnyValue:StringEqualsIfExists``; unknown names carry a ``problem``."""
    qualifier: str | None = None
    base = written
    if ":" in written:
        prefix, base = written.split(":", 1)
        qualifier = SET_QUALIFIERS.get(prefix.lower())
        if qualifier is None:
            return ParsedOperator(
                written, None, None, False, f"unknown set qualifier {prefix!r} in {written!r}"
            )
    if_exists = base.lower().endswith("ifexists") and base.lower() != "ifexists"
    name = base[: -len("IfExists")] if if_exists else base
    spec = OPERATORS.get(name.lower())
    if spec is None:
        return ParsedOperator(written, qualifier, None, if_exists, f"unknown operator {written!r}")
    if spec.family == "Null" and (if_exists or qualifier):
        return ParsedOperator(
            written,
            qualifier,
            None,
            if_exists,
            f"Null takes no IfExists or set qualifier ({written!r})",
        )
    return ParsedOperator(written, qualifier, spec, if_exists, None)
