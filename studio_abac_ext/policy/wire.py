"""The one JSON encoder of decisions and explanations: the REST API's and the CLI's shape.

:func:`decision_fields` lists a decision's fields, in order, once. Two writers read that list:
:func:`decision_to_dict` (``Decision.to_dict()``, for the REST API) and
:class:`DecisionTextWriter` (the CLI's and the batch simulator's JSON text, which names the
policies instead of quoting them and reuses the text of what recurs between decisions). The
text is what ``json.dumps`` writes of the dict, with its default separators.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.encoder import encode_basestring_ascii
from typing import Any, Literal

from .explanation import (
    ConditionTrace,
    Explanation,
    MissingKeyDeny,
    PolicySource,
    StatementRef,
    StatementTrace,
    UnevaluableStatement,
)

PolicyForm = Literal["full", "names"]
_KEPT = 4096
"""Entries of each text cache of a writer (cleared when full)."""


def condition_dict(c: ConditionTrace) -> dict[str, Any]:
    return {
        "operator": c.operator,
        "key": c.key,
        "keyPresent": c.key_present,
        "requestValues": list(c.request_values),
        "policyValues": list(c.policy_values),
        "resolvedPolicyValues": list(c.resolved_policy_values),
        "result": c.result,
        "reason": c.reason,
        "lines": list(c.span.lines),
        "unevaluable": c.unevaluable,
        "unresolvedKeys": list(c.unresolved_keys),
    }


def trace_dict(t: StatementTrace) -> dict[str, Any]:
    return {
        "policy": t.policy,
        "policyType": t.policy_type,
        "sid": t.sid,
        "index": t.index,
        "effect": t.effect,
        "lines": list(t.span.lines),
        "actionMatched": t.action_matched,
        "resourceMatched": t.resource_matched,
        "principalMatched": t.principal_matched,
        "conditionsMatched": t.conditions_matched,
        "matched": t.matched,
        "conditions": [condition_dict(c) for c in t.conditions],
    }


def ref_dict(r: StatementRef) -> dict[str, Any]:
    return {
        "policy": r.policy,
        "policyType": r.policy_type,
        "sid": r.sid,
        "index": r.index,
        "start": {"line": r.span.start_line, "column": r.span.start_column},
        "end": {"line": r.span.end_line, "column": r.span.end_column},
    }


def unevaluable_dict(u: UnevaluableStatement) -> dict[str, Any]:
    return {"policy": u.policy, "sid": u.sid, "reason": u.reason}


def source_dict(p: PolicySource) -> dict[str, Any]:
    return {"name": p.name, "type": p.policy_type, "text": p.text}


def source_name_dict(p: PolicySource) -> dict[str, Any]:
    return {"name": p.name, "type": p.policy_type}


def missing_deny_dict(d: MissingKeyDeny) -> dict[str, Any]:
    return {
        "policy": d.policy,
        "policyType": d.policy_type,
        "sid": d.sid,
        "index": d.index,
        "lines": list(d.span.lines),
        "missingKeys": list(d.missing_keys),
        "conditions": [condition_dict(c) for c in d.conditions],
    }


def decision_fields(
    *,
    decision: str,
    action: str,
    resource: str,
    principal: str | None,
    summary: str,
    denied_at: str | None,
    matched: Sequence[StatementRef],
    missing: Sequence[str],
    explanation: Explanation | None,
) -> list[tuple[str, Any]]:
    """The fields of a decision's JSON, in order: the contract with the REST API, the CLI and
    the frontend (``Explanation`` in ``openapi.yaml``)."""
    e = explanation
    return [
        ("decision", decision),
        ("action", action),
        ("resource", resource),
        ("principal", principal),
        ("summary", summary),
        ("deciding", e.deciding if e else ()),
        ("closest", e.closest if e else ()),
        ("missingContextKeys", tuple(missing)),
        ("unevaluable", e.unevaluable if e else ()),
        ("statements", e.statements if e else ()),
        ("policies", e.policies if e else ()),
        ("deniedAt", denied_at),
        ("matchedStatements", tuple(matched)),
        ("absentKeysThatMattered", e.absent_keys_that_mattered if e else ()),
        ("denyBecauseMissing", e.deny_because_missing if e else ()),
    ]


_ENCODERS: dict[type, Any] = {
    StatementTrace: trace_dict,
    StatementRef: ref_dict,
    UnevaluableStatement: unevaluable_dict,
    PolicySource: source_dict,
    MissingKeyDeny: missing_deny_dict,
}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_ENCODERS[type(item)](item) if type(item) in _ENCODERS else item for item in value]
    return value


def decision_to_dict(**fields: Any) -> dict[str, Any]:
    """The decision as JSON-ready data, policies quoted in full (``decision_fields``' args)."""
    return {key: _plain(value) for key, value in decision_fields(**fields)}


class _ByIdentity:
    """Text of objects kept by identity (not equality); each is held while kept, so its id
    is not reused by another object meanwhile. Cleared when full."""

    def __init__(self) -> None:
        self._texts: dict[int, tuple[object, str]] = {}

    def get(self, item: object) -> str | None:
        kept = self._texts.get(id(item))
        return kept[1] if kept is not None and kept[0] is item else None

    def put(self, item: object, text: str) -> str:
        if len(self._texts) >= _KEPT:
            self._texts.clear()
        self._texts[id(item)] = (item, text)
        return text


class DecisionTextWriter:
    """JSON text of decisions with the policies named (``{"name", "type"}``), reusing the text
    of objects that recur as the very same object: the trace of a statement a request did not
    reach (one shared object per statement and outcome), a batch's policies, its refs."""

    def __init__(self) -> None:
        self._traces_kept = _ByIdentity()
        self._texts_kept = _ByIdentity()
        self._names_kept = _ByIdentity()
        self._refs: dict[StatementRef, str] = {}

    def policy_texts(self, sources: tuple[PolicySource, ...]) -> str:
        """The policies quoted in full, once per response: ``[{"name", "type", "text"}]``."""
        kept = self._texts_kept.get(sources)
        if kept is None:
            kept = self._texts_kept.put(sources, json.dumps(_plain(sources)))
        return kept

    def _policy_names(self, sources: tuple[PolicySource, ...]) -> str:
        kept = self._names_kept.get(sources)
        if kept is None:
            names = json.dumps([source_name_dict(s) for s in sources])
            kept = self._names_kept.put(sources, names)
        return kept

    def _ref(self, ref: StatementRef) -> str:
        text = self._refs.get(ref)
        if text is None:
            if len(self._refs) >= _KEPT:
                self._refs.clear()
            text = self._refs[ref] = json.dumps(ref_dict(ref))
        return text

    def _traces(self, traces: Sequence[StatementTrace], written: dict[int, str]) -> str:
        parts: list[str] = []
        for trace in traces:
            text = self._traces_kept.get(trace) or written.get(id(trace))
            if text is None:
                text = json.dumps(trace_dict(trace))
                if trace.conditions_matched is None:  # out of scope: one shared trace each
                    self._traces_kept.put(trace, text)
                else:  # this decision's own trace: alive as long as the decision
                    written[id(trace)] = text
            parts.append(text)
        return "[" + ", ".join(parts) + "]"

    def _value(self, key: str, value: Any, written: dict[int, str]) -> str:
        if value is None:
            return "null"
        if isinstance(value, str):
            return encode_basestring_ascii(value)
        if key in ("deciding", "closest", "statements"):
            return self._traces(value, written)
        if key == "policies":
            return self._policy_names(value)
        if key == "matchedStatements":
            return "[" + ", ".join(self._ref(ref) for ref in value) + "]"
        return json.dumps(_plain(value))

    def decision_text(self, **fields: Any) -> str:
        """``json.dumps(decision_to_dict(...))`` with ``policies`` named, not quoted."""
        written: dict[int, str] = {}  # a trace can be deciding (or closest) and listed
        body = ", ".join(
            encode_basestring_ascii(key) + ": " + self._value(key, value, written)
            for key, value in decision_fields(**fields)
        )
        return "{" + body + "}"
