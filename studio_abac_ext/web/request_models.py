"""Request models of the REST API, validated at the edge: a bad field is a 400 naming it and the
rule it broke, before anything reaches AWS."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..app.errors import RequestValidationError

ENTITY_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}$")
ENTITY_NAME_RULE = "1-120 characters matching ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}$"
ACTION = re.compile(r"^[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+$")
MAX_DESCRIPTION = 3072
MAX_TAGS = 50
TAG_RULE = "letters, digits, spaces and _ . : / = + - @"
NEXT_TOKEN = re.compile(r"^[!-~]*$")
SCOPES = ("team", "mine", "all")


def _tag_text_ok(text: str) -> bool:
    return all(unicodedata.category(char)[0] in "LZN" or char in "_.:/=+-@" for char in text)


def _encodable(value: str, where: str) -> str:
    """JSON escapes can carry lone surrogates, which no AWS API (nor UTF-8) accepts."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise RequestValidationError(
            where, "valid Unicode text", f"{where} holds an unpaired surrogate character."
        ) from None
    return value


def parse_json_object(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise RequestValidationError(
            "$", "valid JSON", f"The request body is not JSON: {error}"
        ) from None
    if not isinstance(body, dict):
        raise RequestValidationError(
            "$", "a JSON object", "The request body must be a JSON object."
        )
    return body


def _reject_unknown(body: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key in body:
        if key not in allowed:
            raise RequestValidationError(
                f"$.{key}", "known field", f"Unknown field {key!r}; allowed: {', '.join(allowed)}."
            )


def _text(body: Mapping[str, Any], key: str, *, required: bool, max_length: int) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise RequestValidationError(f"$.{key}", "required", f"{key} is required.")
        return None
    if not isinstance(value, str):
        raise RequestValidationError(f"$.{key}", "string", f"{key} must be a string.")
    _encodable(value, f"$.{key}")
    if len(value) > max_length or (required and not value):
        raise RequestValidationError(
            f"$.{key}",
            f"1-{max_length} characters",
            f"{key} must be 1-{max_length} characters long.",
        )
    return value


def validate_entity_name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not ENTITY_NAME.match(value):
        raise RequestValidationError(
            where, ENTITY_NAME_RULE, f"{where.removeprefix('$.')} must be {ENTITY_NAME_RULE}."
        )
    return value


def validate_tags(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RequestValidationError("$.tags", "object of strings", "tags must be an object.")
    if len(value) > MAX_TAGS:
        raise RequestValidationError(
            "$.tags", f"at most {MAX_TAGS} tags", f"At most {MAX_TAGS} tags."
        )
    for key, tag in value.items():
        where = f"$.tags.{key}"
        if not 1 <= len(key) <= 128 or not _tag_text_ok(key):
            raise RequestValidationError(
                where, f"key of 1-128 {TAG_RULE}", f"Tag key {key!r} is not a valid tag key."
            )
        if key.lower().startswith("aws:"):
            raise RequestValidationError(
                where, "no aws: prefix", f"Tag key {key!r}: keys starting aws: are AWS's own."
            )
        if not isinstance(tag, str) or len(tag) > 256 or not _tag_text_ok(tag):
            raise RequestValidationError(
                where, f"value of 0-256 {TAG_RULE}", f"Tag {key!r} has an invalid value."
            )
    return dict(value)


@dataclass(frozen=True)
class ExperimentInput:
    """POST experiments and experiments/preflight."""

    name: str
    description: str | None = None
    display_name: str | None = None
    tags: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> ExperimentInput:
        _reject_unknown(body, ("name", "description", "displayName", "tags"))
        name = validate_entity_name(body.get("name"), "$.name")
        description = _text(body, "description", required=False, max_length=MAX_DESCRIPTION)
        display = body.get("displayName")
        if display is not None:
            validate_entity_name(display, "$.displayName")
        return cls(name, description, display, validate_tags(body.get("tags")))


@dataclass(frozen=True)
class ExperimentChange:
    """PATCH experiments/{name}."""

    description: str | None
    display_name: str | None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> ExperimentChange:
        _reject_unknown(body, ("description", "displayName"))
        description = _text(body, "description", required=False, max_length=MAX_DESCRIPTION)
        display = body.get("displayName")
        if display is not None:
            validate_entity_name(display, "$.displayName")
        if description is None and display is None:
            raise RequestValidationError(
                "$", "description or displayName", "Give a description or a displayName."
            )
        return cls(description, display)


def _context(value: Any, where: str) -> dict[str, str | list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RequestValidationError(where, "object", f"{where} must be an object.")
    for key, item in value.items():
        texts = item if isinstance(item, list) else [item]
        if not key or not all(isinstance(text, str) for text in texts):
            raise RequestValidationError(
                f"{where}.{key}", "string or list of strings", f"{key}: values must be strings."
            )
        for text in [key, *texts]:
            _encodable(text, f"{where}.{key}")
    return dict(value)


def _string_map(value: Any, where: str) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise RequestValidationError(
            where, "object of strings", f"{where} must map strings to strings."
        )
    for key, text in value.items():
        _encodable(key, where)
        _encodable(text, f"{where}.{key}")
    return dict(value)


def _action(body: Mapping[str, Any]) -> str:
    action = body.get("action")
    if not isinstance(action, str) or not ACTION.match(action):
        raise RequestValidationError(
            "$.action", "service:Action", "action must look like sagemaker:DeleteExperiment."
        )
    return action


@dataclass(frozen=True)
class ExplainInput:
    """POST explain."""

    action: str
    resource: str
    context: dict[str, str | list[str]]

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> ExplainInput:
        _reject_unknown(body, ("action", "resource", "context"))
        resource = _text(body, "resource", required=True, max_length=2048)
        assert resource is not None
        return cls(_action(body), resource, _context(body.get("context"), "$.context"))


@dataclass(frozen=True)
class SimulateInput:
    """POST admin/simulate."""

    principal: str
    action: str
    resource: str
    context: dict[str, str | list[str]]
    resource_tags: dict[str, str] | None
    request_tags: dict[str, str] | None
    policies: list[str] | None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> SimulateInput:
        _reject_unknown(
            body,
            (
                "principal",
                "action",
                "resource",
                "context",
                "resourceTags",
                "requestTags",
                "policies",
            ),
        )
        principal = _text(body, "principal", required=True, max_length=2048)
        resource = _text(body, "resource", required=True, max_length=2048)
        assert principal is not None and resource is not None
        policies = body.get("policies")
        if policies is not None and (
            not isinstance(policies, list) or not all(isinstance(p, str) for p in policies)
        ):
            raise RequestValidationError("$.policies", "list of strings", "policies: JSON strings.")
        return cls(
            principal,
            _action(body),
            resource,
            _context(body.get("context"), "$.context"),
            _string_map(body.get("resourceTags"), "$.resourceTags"),
            _string_map(body.get("requestTags"), "$.requestTags"),
            policies,
        )


@dataclass(frozen=True)
class ResourcesQuery:
    """GET resources."""

    type: str
    scope: str
    text: str
    next_token: str | None

    @classmethod
    def from_args(cls, args: Mapping[str, str | None], types: list[str]) -> ResourcesQuery:
        kind = args.get("type") or "experiment"
        if kind not in types:
            raise RequestValidationError(
                "type", f"one of {', '.join(types)}", f"Unknown type {kind!r}."
            )
        scope = args.get("scope") or "team"
        if scope not in SCOPES:
            raise RequestValidationError(
                "scope", "one of team, mine, all", f"Unknown scope {scope!r}."
            )
        text = args.get("q") or ""
        if len(text) > 120:
            raise RequestValidationError("q", "at most 120 characters", "q is too long.")
        token = args.get("next") or None
        if token is not None and (len(token) > 8192 or not NEXT_TOKEN.match(token)):
            raise RequestValidationError(
                "next", "at most 8192 printable ASCII characters", "next is not a page token."
            )
        return cls(kind, scope, text, token)


@dataclass(frozen=True)
class DenialsQuery:
    """GET admin/denials."""

    user: str | None
    action: str | None
    limit: int

    @classmethod
    def from_args(cls, args: Mapping[str, str | None]) -> DenialsQuery:
        raw = args.get("limit") or "50"
        if not raw.isdigit() or not 1 <= int(raw) <= 200:
            raise RequestValidationError(
                "limit", "integer 1-200", "limit must be an integer 1-200."
            )
        action = args.get("action") or None
        if action is not None and not ACTION.match(action) and not action.isalnum():
            raise RequestValidationError(
                "action", "service:Action", "action is not an action name."
            )
        return cls(args.get("user") or None, action, int(raw))
