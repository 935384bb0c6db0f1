"""``SimulateCustomPolicy`` in AWS's own shapes: input fields and EvaluationResults.

AWS's fields: PolicyInputList, PermissionsBoundaryPolicyInputList, ResourcePolicy,
ActionNames, ResourceArns, CallerArn, ContextEntries, ResourceOwner (the account owning
resources whose ARN names none: a resource of another account than the caller's needs its
resource policy to allow); ResourceHandlingOption, MaxItems and Marker are accepted and
ignored. Ours: SessionPolicyInputList and
ServiceControlPolicyInputList (a list of levels, each a list of policy strings). The output
adds ``Explanation`` (our ``Decision.to_dict()``) unless explanations are turned off.

There is one EvaluationResult per action and resource (ActionNames x ResourceArns, action by
action), each decided on its own. AWS's API reference now says its simulator returns one
result per action, aggregating the resources, with per-resource decisions under
``ResourceSpecificResults``; we keep one result per pair, which says the same per resource.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..policy.context import ContextScalar, ContextValue
from ..policy.evaluate import Decision, PolicySet, Request, evaluate_many
from ..policy.model import Policy, PolicyParseError, PolicyType
from ..policy.operators import read_number
from ..policy.parsing import parse_policy
from .output import matched_statement

_AWS_FIELDS = {
    "PolicyInputList",
    "PermissionsBoundaryPolicyInputList",
    "ResourcePolicy",
    "ActionNames",
    "ResourceArns",
    "CallerArn",
    "ContextEntries",
    "ResourceOwner",
    "ResourceHandlingOption",
    "MaxItems",
    "Marker",
}
_OUR_FIELDS = {"SessionPolicyInputList", "ServiceControlPolicyInputList"}
POLICY_FIELDS = (
    "PolicyInputList",
    "PermissionsBoundaryPolicyInputList",
    "ResourcePolicy",
    "SessionPolicyInputList",
    "ServiceControlPolicyInputList",
)
"""The input fields that carry policies: what a batch of inputs usually repeats."""
_ACTION_NAME = re.compile(r"^[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$")
_RESOURCE_OWNER = re.compile(r"arn:[a-z-]+:iam::\d{12}:root|\d{12}")
_CONTEXT_TYPES = ("string", "numeric", "boolean", "date", "ip", "binary")


class SimulationInputError(ValueError):
    """Input that cannot be simulated: names the field and the rule it breaks."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


def _string_list(payload: Mapping[str, Any], field: str, *, required: bool = False) -> list[str]:
    value = payload.get(field)
    if value is None:
        if required:
            raise SimulationInputError(field, "is required")
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SimulationInputError(field, "must be a list of strings")
    if required and not value:
        raise SimulationInputError(field, "must not be empty")
    return value


def _policy(source: object, field: str, name: str, policy_type: PolicyType) -> Policy:
    if not isinstance(source, str | dict):
        raise SimulationInputError(field, "must be a policy document as a JSON string")
    try:
        return parse_policy(source, name=name, policy_type=policy_type)
    except PolicyParseError as exc:
        raise SimulationInputError(field, str(exc)) from None


def _policies(
    payload: Mapping[str, Any], field: str, policy_type: PolicyType
) -> list[Policy] | None:
    raw = payload.get(field)
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise SimulationInputError(field, "must be a list of policy documents (JSON strings)")
    return [
        _policy(item, f"{field}[{i}]", f"{field}.{i + 1}", policy_type)
        for i, item in enumerate(raw)
    ]


def _scp_levels(payload: Mapping[str, Any]) -> list[list[Policy]] | None:
    field = "ServiceControlPolicyInputList"
    raw = payload.get(field)
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise SimulationInputError(field, "must be a list of levels, each a list of policies")
    levels = raw if all(isinstance(level, list) for level in raw) else [raw]
    return [
        [
            _policy(item, f"{field}[{n}][{i}]", f"{field}.{n + 1}.{i + 1}", "scp")
            for i, item in enumerate(level)
        ]
        for n, level in enumerate(levels)
    ]


def policy_set_from_input(payload: Mapping[str, Any]) -> PolicySet:
    identity = _policies(payload, "PolicyInputList", "identity")
    if identity is None:
        raise SimulationInputError("PolicyInputList", "is required")
    resource: list[Policy] = []
    if payload.get("ResourcePolicy") is not None:
        resource = [
            _policy(payload["ResourcePolicy"], "ResourcePolicy", "ResourcePolicy", "resource")
        ]
    return PolicySet(
        identity=identity,
        resource=resource,
        boundary=_policies(payload, "PermissionsBoundaryPolicyInputList", "boundary"),
        session=_policies(payload, "SessionPolicyInputList", "session"),
        scps=_scp_levels(payload),
    )


def _typed_value(text: str, base_type: str, field: str) -> ContextScalar:
    if base_type == "string":
        return text
    if base_type == "numeric":
        number = read_number(text)
        if number is None:
            raise SimulationInputError(field, f"{text!r} is not a number")
        return int(number) if number.is_integer() and "." not in text else number
    if base_type == "boolean":
        if text.lower() not in ("true", "false"):
            raise SimulationInputError(field, f"{text!r} is not true or false")
        return text.lower() == "true"
    if base_type == "date":
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise SimulationInputError(field, f"{text!r} is not an ISO 8601 date") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    if base_type == "ip":
        try:
            return ipaddress.ip_address(text)
        except ValueError:
            raise SimulationInputError(field, f"{text!r} is not an IP address") from None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SimulationInputError(field, f"{text!r} is not base64") from None


def _context_entry(entry: object, field: str) -> tuple[str, ContextValue]:
    if isinstance(entry, dict) and entry.get("ContextKeyType") in ("string", "stringList"):
        name, values = entry.get("ContextKeyName"), entry.get("ContextKeyValues")
        plain = isinstance(values, list) and all(type(v) is str for v in values)
        if isinstance(name, str) and name and plain and isinstance(values, list):
            if entry["ContextKeyType"] == "stringList":
                return name, values
            if len(values) == 1:
                return name, values[0]
    if not isinstance(entry, Mapping):
        raise SimulationInputError(field, "must be an object with ContextKeyName and values")
    name = entry.get("ContextKeyName")
    if not isinstance(name, str) or not name:
        raise SimulationInputError(f"{field}.ContextKeyName", "is required")
    values = entry.get("ContextKeyValues")
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise SimulationInputError(f"{field}.ContextKeyValues", "must be a list of strings")
    key_type = entry.get("ContextKeyType") or ("string" if len(values) == 1 else "stringList")
    is_list = isinstance(key_type, str) and key_type.endswith("List")
    base_type = key_type[:-4] if is_list else key_type
    if base_type not in _CONTEXT_TYPES:
        allowed = ", ".join(f"{t}, {t}List" for t in _CONTEXT_TYPES)
        raise SimulationInputError(f"{field}.ContextKeyType", f"must be one of {allowed}")
    typed = [
        _typed_value(v, base_type, f"{field}.ContextKeyValues[{i}]") for i, v in enumerate(values)
    ]
    if is_list:
        return name, typed
    if len(typed) != 1:
        raise SimulationInputError(
            f"{field}.ContextKeyValues", f"a {key_type} key takes exactly one value"
        )
    return name, typed[0]


def context_from_entries(entries: object) -> dict[str, ContextValue]:
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise SimulationInputError("ContextEntries", "must be a list of context entries")
    context: dict[str, ContextValue] = {}
    for i, entry in enumerate(entries):
        name, value = _context_entry(entry, f"ContextEntries[{i}]")
        context[name] = value
    return context


def evaluation_result(decision: Decision, *, explain: bool) -> dict[str, Any]:
    """One entry of AWS's EvaluationResults."""
    result: dict[str, Any] = {
        "EvalActionName": decision.action,
        "EvalResourceName": decision.resource,
        "EvalDecision": decision.decision,
        "MatchedStatements": [matched_statement(ref) for ref in decision.matched_statements],
        "MissingContextValues": list(decision.missing_context_keys),
    }
    if explain:
        result["Explanation"] = decision.to_dict()
    return result


@dataclass(frozen=True)
class SimulationCalls:
    """The calls an input asks about: every action on every resource, with one context."""

    actions: tuple[str, ...]
    resources: tuple[str, ...]
    caller: str | None
    context: dict[str, ContextValue]
    resource_owner: str | None = None

    def requests(self) -> list[Request]:
        """AWS's fan-out, action by action; the requests share one context object."""
        return [
            Request(action, resource, self.caller, self.context, self.resource_owner)
            for action in self.actions
            for resource in self.resources
        ]


def check_input_fields(payload: object) -> Mapping[str, Any]:
    """The input as a mapping of known fields, or the error naming the first wrong one."""
    if not isinstance(payload, Mapping):
        raise SimulationInputError("input", "must be a JSON object")
    unknown = sorted(set(payload) - _AWS_FIELDS - _OUR_FIELDS)
    if unknown:
        raise SimulationInputError(unknown[0], "unknown field")
    return payload


def calls_from_input(payload: Mapping[str, Any]) -> SimulationCalls:
    """Read the calls an input asks about (its fields checked by ``check_input_fields``)."""
    actions = _string_list(payload, "ActionNames", required=True)
    for index, action in enumerate(actions):
        if not _ACTION_NAME.match(action):
            raise SimulationInputError(
                f"ActionNames[{index}]", "must be service:Action, without wildcards (as in AWS)"
            )
    resources = _string_list(payload, "ResourceArns") or ["*"]
    caller = payload.get("CallerArn")
    if caller is not None and not isinstance(caller, str):
        raise SimulationInputError("CallerArn", "must be a string")
    context = context_from_entries(payload.get("ContextEntries"))
    owner = payload.get("ResourceOwner")
    if owner is not None and not (isinstance(owner, str) and _RESOURCE_OWNER.fullmatch(owner)):
        raise SimulationInputError(
            "ResourceOwner", "must be an account ARN (arn:aws:iam::123456789012:root) or ID"
        )
    return SimulationCalls(tuple(actions), tuple(resources), caller, context, owner)


def simulate_custom_policy(
    payload: Mapping[str, Any], *, explain: bool = True
) -> tuple[dict[str, Any], list[Decision]]:
    """Simulate every action on every resource; AWS's output plus the decisions themselves."""
    payload = check_input_fields(payload)
    policies = policy_set_from_input(payload)
    calls = calls_from_input(payload)
    decisions = evaluate_many(calls.requests(), policies, explain=explain)
    results = [evaluation_result(d, explain=explain) for d in decisions]
    return {"EvaluationResults": results}, decisions


def summaries(decisions: Sequence[Decision]) -> list[str]:
    return [d.summary() for d in decisions]
