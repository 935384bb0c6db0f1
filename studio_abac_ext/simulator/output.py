"""``SimulateCustomPolicy``'s response as JSON text, written once per line and quickly.

The response is AWS's ``{"EvaluationResults": [...], "IsTruncated": false}``. With
explanations, each EvaluationResult carries ``"Explanation"``: ``Decision.to_dict()``, except
that its ``"policies"`` entries only name the policies (``{"name", "type"}``); their texts are
given once per response, in a top-level ``"Policies"`` list of ``{"name", "type", "text"}``.
The explanation's text is written by the engine's one encoder (:mod:`..policy.wire`); this
module writes AWS's own shapes around it, as ``json.dumps`` would with its default separators.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.encoder import encode_basestring_ascii
from typing import Any

from ..policy.evaluate import Decision
from ..policy.explanation import PolicySource, StatementRef
from ..policy.wire import DecisionTextWriter

_KEPT = 4096


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


class ResponseWriter:
    """Writes responses; keeps the text of what recurs between decisions and responses."""

    def __init__(self) -> None:
        self._explanations = DecisionTextWriter()
        self._matched: dict[StatementRef, str] = {}

    def response(self, decisions: Sequence[Decision], *, explain: bool) -> str:
        """The JSON text of the response to one input (no newline): its decisions share
        their policies, whose texts the first explained decision gives."""
        results = ", ".join(self.evaluation_result(d, explain=explain) for d in decisions)
        text = '{"EvaluationResults": [' + results + '], "IsTruncated": false'
        sources = _sources_of(decisions) if explain else None
        if sources is not None:
            text += ', "Policies": ' + self._explanations.policy_texts(sources)
        return text + "}"

    def evaluation_result(self, decision: Decision, *, explain: bool) -> str:
        """One EvaluationResult, as ``custom_policy.evaluation_result`` builds it."""
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
            + ", ".join(map(encode_basestring_ascii, decision.missing_context_keys))
            + "]"
        )
        if explain:
            text += ', "Explanation": ' + self._explanations.decision_text(**decision.wire_fields())
        return text + "}"

    def _matched_text(self, ref: StatementRef) -> str:
        """AWS's MatchedStatements entry for ``ref``."""
        text = self._matched.get(ref)
        if text is None:
            if len(self._matched) >= _KEPT:
                self._matched.clear()
            text = self._matched[ref] = json.dumps(matched_statement(ref))
        return text


def _sources_of(decisions: Sequence[Decision]) -> tuple[PolicySource, ...] | None:
    for decision in decisions:
        if decision.explanation is not None:
            return decision.explanation.policies
    return None
