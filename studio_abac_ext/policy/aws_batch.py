"""``SimulateCustomPolicy`` over a stream of inputs, one JSON line in, one JSON line out.

Each input is AWS's ``SimulateCustomPolicy`` request; it asks about every action of
``ActionNames`` on every resource of ``ResourceArns`` (one decision each, in that order). The
output line is the response :mod:`.aws_output` writes.

A batch repeats its policies on every line, so the simulator remembers them: the raw text of
each policy field (not decoded again, see :mod:`.batch_input`) maps to the parsed, checked
policy set, or to the error it raised.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from .aws_output import ResponseWriter
from .aws_simulate import (
    POLICY_FIELDS,
    SimulationInputError,
    calls_from_input,
    check_input_fields,
    policy_set_from_input,
)
from .batch_input import RememberingDecoder
from .evaluate import Decision, PolicySet, evaluate_many

_POLICY_SETS_REMEMBERED = 64
PolicyKey = tuple[str | None, ...]


class BatchSimulator:
    """Simulates input after input, remembering the policy sets they repeat."""

    def __init__(self, *, explain: bool, memory: int = _POLICY_SETS_REMEMBERED) -> None:
        self.explain = explain
        self._decoder = RememberingDecoder(POLICY_FIELDS, memory=memory)
        self._memory = memory
        self._policy_sets: OrderedDict[PolicyKey, PolicySet | SimulationInputError] = OrderedDict()
        self._writer = ResponseWriter()

    def decode(self, line: str) -> tuple[Any, dict[str, str]]:
        """An input line as a payload, and the raw texts of its remembered policy fields.

        Raises ``json.JSONDecodeError`` exactly as ``json.loads`` would.
        """
        return self._decoder.decode(line)

    def simulate(
        self, payload: object, raw_policy_texts: Mapping[str, str] | None = None
    ) -> list[Decision]:
        """The decisions for every action on every resource of one input, in AWS's order."""
        fields = check_input_fields(payload)
        policies = self._policy_set(fields, raw_policy_texts or {})
        calls = calls_from_input(fields)
        return evaluate_many(calls.requests(), policies, explain=self.explain)

    def response(self, decisions: list[Decision]) -> str:
        """The JSON text of the response for these decisions (no newline)."""
        return self._writer.response(decisions, explain=self.explain)

    def simulate_line(self, line: str) -> str:
        """One JSON input line to its JSON output line (no newline)."""
        payload, raw_texts = self.decode(line)
        return self.response(self.simulate(payload, raw_texts))

    def _policy_set(self, payload: Mapping[str, Any], raw_texts: Mapping[str, str]) -> PolicySet:
        key = _policy_key(payload, raw_texts)
        if key is None:
            return policy_set_from_input(payload)
        known = self._policy_sets.get(key)
        if known is None:
            try:
                known = policy_set_from_input(payload)
            except SimulationInputError as exc:
                known = exc
            self._policy_sets[key] = known
            if len(self._policy_sets) > self._memory:
                self._policy_sets.popitem(last=False)
        else:
            self._policy_sets.move_to_end(key)
        if isinstance(known, SimulationInputError):
            raise SimulationInputError(known.field, known.rule)
        return known


def _policy_key(payload: Mapping[str, Any], raw_texts: Mapping[str, str]) -> PolicyKey | None:
    """The raw texts of the policy fields, when every field present has one; else None."""
    key: list[str | None] = []
    for field in POLICY_FIELDS:
        raw = raw_texts.get(field)
        if raw is None and payload.get(field) is not None:
            return None
        key.append(raw)
    return tuple(key)
