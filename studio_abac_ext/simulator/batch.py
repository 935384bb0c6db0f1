"""``SimulateCustomPolicy`` over a stream of inputs, one JSON line in, one JSON line out.

Each input is AWS's ``SimulateCustomPolicy`` request; it asks about every action of
``ActionNames`` on every resource of ``ResourceArns`` (one decision each, in that order). The
output line is the response :mod:`.aws_output` writes.

A batch repeats its policies on every line, so the simulator remembers them: the key of the
policy fields' values (their raw texts, not decoded again: see :mod:`.batch_input`) maps to
the parsed, checked policy set, or to the error it raised.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

from ..policy.evaluate import Decision, PolicySet, evaluate_many
from ..policy.model import Policy
from .batch_decoding import RememberingDecoder
from .custom_policy import (
    POLICY_FIELDS,
    SimulationInputError,
    calls_from_input,
    check_input_fields,
    policy_set_from_input,
)
from .output import ResponseWriter

_POLICY_SETS_REMEMBERED = 64
_WARNED_POLICIES_KEPT = 4096
PolicyKey = tuple[Hashable | None, ...]


class BatchSimulator:
    """Simulates input after input, remembering the policy sets they repeat."""

    def __init__(self, *, explain: bool, memory: int = _POLICY_SETS_REMEMBERED) -> None:
        self.explain = explain
        self._decoder = RememberingDecoder(POLICY_FIELDS, memory=memory)
        self._memory = memory
        self._policy_sets: OrderedDict[PolicyKey, PolicySet | SimulationInputError] = OrderedDict()
        self._writer = ResponseWriter()
        self._warned: set[Policy] = set()
        self._warnings: list[str] = []

    def take_warnings(self) -> list[str]:
        """The warnings of the policies first met since the last call (each policy's once):
        ``"<policy name>: <JSON path>: <what is wrong>"``."""
        taken, self._warnings = self._warnings, []
        return taken

    def decode(self, line: str) -> tuple[Any, dict[str, Hashable]]:
        """An input line as a payload, and the keys of its policy fields' values.

        Raises ``json.JSONDecodeError`` exactly as ``json.loads`` would.
        """
        return self._decoder.decode(line)

    def simulate(
        self, payload: object, policy_keys: Mapping[str, Hashable] | None = None
    ) -> list[Decision]:
        """The decisions for every action on every resource of one input, in AWS's order;
        ``policy_keys`` (from ``decode``) lets it reuse the policy sets it has seen."""
        fields = check_input_fields(payload)
        policies = self._policy_set(fields, policy_keys or {})
        calls = calls_from_input(fields)
        return evaluate_many(calls.requests(), policies, explain=self.explain)

    def response(self, decisions: list[Decision]) -> str:
        """The JSON text of the response for these decisions (no newline)."""
        return self._writer.response(decisions, explain=self.explain)

    def simulate_line(self, line: str) -> str:
        """One JSON input line to its JSON output line (no newline)."""
        payload, policy_keys = self.decode(line)
        return self.response(self.simulate(payload, policy_keys))

    def _policy_set(
        self, payload: Mapping[str, Any], policy_keys: Mapping[str, Hashable]
    ) -> PolicySet:
        key = _policy_key(payload, policy_keys)
        if key is None:
            return self._read_policies(payload)
        known = self._policy_sets.get(key)
        if known is None:
            try:
                known = self._read_policies(payload)
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

    def _read_policies(self, payload: Mapping[str, Any]) -> PolicySet:
        policies = policy_set_from_input(payload)
        for policy in _every_policy(policies):
            if policy.warnings and policy not in self._warned:
                if len(self._warned) >= _WARNED_POLICIES_KEPT:
                    self._warned.clear()
                self._warned.add(policy)
                self._warnings += (f"{policy.name}: {warning}" for warning in policy.warnings)
        return policies


def _every_policy(policies: PolicySet) -> list[Policy]:
    every = [p for level in policies.scps or () for p in level]
    every += [*policies.resource, *policies.identity]
    every += [*(policies.boundary or ()), *(policies.session or ())]
    return every


def _policy_key(
    payload: Mapping[str, Any], policy_keys: Mapping[str, Hashable]
) -> PolicyKey | None:
    """The keys of the policy fields, when every field present has one; else None."""
    key: list[Hashable | None] = []
    for field in POLICY_FIELDS:
        found = policy_keys.get(field)
        if found is None and payload.get(field) is not None:
            return None
        key.append(found)
    return tuple(key)
