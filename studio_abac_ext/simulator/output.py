"""``SimulateCustomPolicy``'s response as JSON text, written once per line and quickly.

The response is AWS's ``{"EvaluationResults": [...], "IsTruncated": false}``. With
explanations, each EvaluationResult carries ``"Explanation"``: ``Decision.to_dict()``, except
that its ``"policies"`` entries only name the policies (``{"name", "type"}``); their texts are
given once per response, in a top-level ``"Policies"`` list of ``{"name", "type", "text"}``.

Most of an explanation repeats between decisions: the trace of every statement whose action,
resource or principal did not match is one shared object per statement and outcome, and the
policies are the same for every decision of a response. Their JSON text is kept, keyed by
the object itself (not an equal one), so it is written once. The text is what ``json.dumps``
writes with its default separators.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring_ascii
from typing import Any, TypeVar

from ..policy.evaluate import Decision
from ..policy.explanation import PolicySource, StatementRef, StatementTrace
from ..policy.summary import render_summary

_T = TypeVar("_T")
_CACHE_LIMIT = 4096


def _source_type(policy_type: str) -> str:
    return "resource" if policy_type == "resource" else "none"


def matched_statement(ref: StatementRef) -> dict[str, Any]:
    """One entry of AWS's MatchedStatements."""
    return {
        "SourcePolicyId": ref.policy,
        "SourcePolicyType": _source_type(ref.policy_type),
        "StartPosition": {"Line": ref.span.start_line, "Column": ref.span.start_column},
        "EndPosition": {"Line": ref.span.end_line, "Column": ref.span.end_column},
    }


class _TextByIdentity:
    """JSON text of objects that recur as the very same object; each is held while cached,
    so its id cannot be reused by another object meanwhile."""

    def __init__(self) -> None:
        self.texts: dict[int, tuple[object, str]] = {}

    def get(self, item: object) -> str | None:
        kept = self.texts.get(id(item))
        return kept[1] if kept is not None and kept[0] is item else None

    def put(self, item: object, text: str) -> str:
        if len(self.texts) >= _CACHE_LIMIT:
            self.texts.clear()
        self.texts[id(item)] = (item, text)
        return text

    def text(self, item: _T, encode: Callable[[_T], str]) -> str:
        text = self.get(item)
        return text if text is not None else self.put(item, encode(item))


def _policy_names(sources: Sequence[PolicySource]) -> str:
    return json.dumps([{"name": s.name, "type": s.policy_type} for s in sources])


def _policy_texts(sources: Sequence[PolicySource]) -> str:
    return json.dumps([s.to_dict() for s in sources])


class ResponseWriter:
    """Writes responses; keeps the text of what recurs between decisions and responses."""

    def __init__(self) -> None:
        self._policy_texts = _TextByIdentity()
        self._policy_names = _TextByIdentity()
        self._traces = _TextByIdentity()
        self._matched: dict[StatementRef, str] = {}
        self._refs: dict[StatementRef, str] = {}

    def response(self, decisions: Sequence[Decision], *, explain: bool) -> str:
        """The JSON text of the response to one input (no newline): its decisions share
        their policies, whose texts the first explained decision gives."""
        results = ", ".join(self.evaluation_result(d, explain=explain) for d in decisions)
        text = '{"EvaluationResults": [' + results + '], "IsTruncated": false'
        sources = _sources_of(decisions) if explain else None
        if sources is not None:
            text += ', "Policies": ' + self._policy_texts.text(sources, _policy_texts)
        return text + "}"

    def evaluation_result(self, decision: Decision, *, explain: bool) -> str:
        """One EvaluationResult, as ``aws_simulate.evaluation_result`` builds it."""
        text = (
            '{"EvalActionName": '
            + encode_basestring_ascii(decision.action)
            + ', "EvalResourceName": '
            + encode_basestring_ascii(decision.resource)
            + ', "EvalDecision": "'
            + decision.decision
            + '", "MatchedStatements": ['
            + ", ".join(self._matched_text(ref) for ref in decision.matched_statements)
            + '], "MissingContextValues": ['
            + _strings(decision.missing_context_keys)
            + "]"
        )
        if explain:
            text += ', "Explanation": ' + self.explanation(decision)
        return text + "}"

    def explanation(self, decision: Decision) -> str:
        """``Decision.to_dict()`` as text, its policies named rather than quoted in full:
        the same keys in the same order (``explain.decision_to_dict``; change both together)."""
        explanation = decision.explanation
        deciding = closest = statements = unevaluable = absent = flagged = ""
        names = "[]"
        if explanation is not None:
            written: dict[int, str] = {}  # a trace can be deciding (or closest) and listed
            deciding = self._trace_texts(explanation.deciding, written)
            closest = self._trace_texts(explanation.closest, written)
            statements = self._trace_texts(explanation.statements, written)
            names = self._policy_names.text(explanation.policies, _policy_names)
            unevaluable = ", ".join(json.dumps(u.to_dict()) for u in explanation.unevaluable)
            absent = _strings(explanation.absent_keys_that_mattered)
            flagged = ", ".join(json.dumps(d.to_dict()) for d in explanation.deny_because_missing)
        return "".join(
            (
                '{"decision": "',
                decision.decision,
                '", "action": ',
                encode_basestring_ascii(decision.action),
                ', "resource": ',
                encode_basestring_ascii(decision.resource),
                ', "principal": ',
                _nullable(decision.principal),
                ', "summary": ',
                encode_basestring_ascii(render_summary(decision)),
                ', "deciding": [',
                deciding,
                '], "closest": [',
                closest,
                '], "missingContextKeys": [',
                _strings(decision.missing_context_keys),
                '], "unevaluable": [',
                unevaluable,
                '], "statements": [',
                statements,
                '], "policies": ',
                names,
                ', "deniedAt": ',
                _nullable(decision.denied_at),
                ', "matchedStatements": [',
                ", ".join(self._ref_text(ref) for ref in decision.matched_statements),
                '], "absentKeysThatMattered": [',
                absent,
                '], "denyBecauseMissing": [',
                flagged,
                "]}",
            )
        )

    def _trace_texts(self, traces: Sequence[StatementTrace], written: dict[int, str]) -> str:
        """The traces' texts joined; ``written`` holds those of this decision's own traces
        (alive as long as the decision, so their ids are stable)."""
        shared = self._traces.texts
        parts: list[str] = []
        for trace in traces:
            kept = shared.get(id(trace))
            if kept is not None and kept[0] is trace:
                parts.append(kept[1])
                continue
            text = written.get(id(trace))
            if text is None:
                text = json.dumps(trace.to_dict())
                if trace.conditions_matched is None:  # out of scope: one shared trace each
                    self._traces.put(trace, text)
                else:
                    written[id(trace)] = text
            parts.append(text)
        return ", ".join(parts)

    def _matched_text(self, ref: StatementRef) -> str:
        """AWS's MatchedStatements entry for ``ref``."""
        return _cached(self._matched, ref, lambda: json.dumps(matched_statement(ref)))

    def _ref_text(self, ref: StatementRef) -> str:
        """The explanation's matchedStatements entry for ``ref``."""
        return _cached(self._refs, ref, lambda: json.dumps(ref.to_dict()))


def _cached(texts: dict[StatementRef, str], ref: StatementRef, encode: Callable[[], str]) -> str:
    text = texts.get(ref)
    if text is None:
        if len(texts) >= _CACHE_LIMIT:
            texts.clear()
        text = texts[ref] = encode()
    return text


def _strings(values: Sequence[str]) -> str:
    return ", ".join(map(encode_basestring_ascii, values))


def _nullable(value: str | None) -> str:
    return "null" if value is None else encode_basestring_ascii(value)


def _sources_of(decisions: Sequence[Decision]) -> tuple[PolicySource, ...] | None:
    for decision in decisions:
        if decision.explanation is not None:
            return decision.explanation.policies
    return None
