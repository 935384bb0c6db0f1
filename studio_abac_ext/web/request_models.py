"""Request models of the REST API, validated at the edge: a bad field is a 400 naming it and the
rule it broke, before anything reaches AWS. They build the dataclasses of ``app/inputs.py``.

Limits are AWS's own where AWS has one (IAM and STS quotas, SageMaker's name and tag rules), so
nothing AWS would refuse reaches the engine; patterns use full matches (``$`` alone lets a
trailing newline through).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from ..app.errors import RequestValidationError
from ..app.experiments import key_skeleton
from ..app.inputs import (
    ContextValues,
    DenialsQuery,
    ExperimentChange,
    ExperimentInput,
    ExplainInput,
    ResourcesQuery,
    SimulateInput,
)
from ..app.message_denial import DenialMessageInput
from ..aws.experiments import ENTITY_NAME, MAX_DESCRIPTION, MAX_TAGS

ENTITY_NAME_RULE = f"1-120 characters matching {ENTITY_NAME.pattern}"
ACTION = re.compile(r"[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+")
TAG_RULE = "letters, digits, spaces and _ . : / = + - @"
RESERVED_TAG_PREFIXES = ("aws:", "sagemaker:")
NEXT_TOKEN = re.compile(r"[!-~]*")
LIMIT = re.compile(r"[0-9]{1,3}")
ACCOUNT_ID = re.compile(r"[0-9]{12}")
QUERY_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SCOPES = ("team", "mine", "all")
# IAM and STS quotas: an ARN is at most 2,048 characters; a managed policy at most 6,144 and a
# role's inline policies at most 10,240 (whitespace not counted); 20 managed policies a role.
MAX_ARN = 2048
MAX_POLICY = 10240
MAX_POLICIES = 20
MAX_CONTEXT_KEYS = 100
MAX_CONTEXT_VALUES = 50
MAX_CONTEXT_KEY = 256
MAX_CONTEXT_VALUE = 2048
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
MAX_BODY_BYTES = 512 * 1024
# A denial as a cell printed it: AWS's message with the traceback's tail around it.
MAX_DENIAL_MESSAGE = 32 * 1024
OPERATION = re.compile(r"(?:[a-zA-Z0-9-]+:)?[A-Za-z0-9]{1,128}")


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
    if len(raw) > MAX_BODY_BYTES:
        raise RequestValidationError(
            "$",
            f"at most {MAX_BODY_BYTES} bytes",
            f"The request body is over {MAX_BODY_BYTES} bytes.",
        )
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise RequestValidationError(
            "$", "valid JSON", f"The request body is not JSON: {error}"
        ) from None
    except RecursionError:
        raise RequestValidationError(
            "$", "JSON nested at most a few hundred levels", "The request body is nested too deep."
        ) from None
    if not isinstance(body, dict):
        raise RequestValidationError(
            "$", "a JSON object", "The request body must be a JSON object."
        )
    return body


def query_arguments(arguments: Mapping[str, list[bytes]]) -> dict[str, str]:
    """The query's arguments as text (the last of repeated ones, as tornado reads them)."""
    args: dict[str, str] = {}
    for name, values in arguments.items():
        try:
            args[name] = values[-1].decode("utf-8") if values else ""
        except UnicodeDecodeError:
            raise RequestValidationError(
                name, "UTF-8 text", f"The query parameter {name!r} is not valid UTF-8."
            ) from None
    return args


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
    if not isinstance(value, str) or not ENTITY_NAME.fullmatch(value):
        raise RequestValidationError(
            where, ENTITY_NAME_RULE, f"{where.removeprefix('$.')} must be {ENTITY_NAME_RULE}."
        )
    return value


def _tag_key(key: str, where: str) -> None:
    if not 1 <= len(key) <= MAX_TAG_KEY or not _tag_text_ok(key):
        raise RequestValidationError(
            where, f"key of 1-{MAX_TAG_KEY} {TAG_RULE}", f"Tag key {key!r} is not a valid tag key."
        )
    reserved = next((p for p in RESERVED_TAG_PREFIXES if key_skeleton(key).startswith(p)), None)
    if reserved is not None:
        raise RequestValidationError(
            where,
            f"no {reserved} prefix",
            f"Tag key {key!r}: keys starting {reserved} are reserved by AWS.",
        )


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
        _tag_key(key, where)
        if not isinstance(tag, str) or len(tag) > MAX_TAG_VALUE or not _tag_text_ok(tag):
            raise RequestValidationError(
                where,
                f"value of 0-{MAX_TAG_VALUE} {TAG_RULE}",
                f"Tag {key!r} has an invalid value.",
            )
    return dict(value)


def _display_name(body: Mapping[str, Any]) -> str | None:
    display = body.get("displayName")
    return None if display is None else validate_entity_name(display, "$.displayName")


def experiment_input(body: Mapping[str, Any]) -> ExperimentInput:
    """POST experiments and experiments/preflight."""
    _reject_unknown(body, ("name", "description", "displayName", "tags"))
    name = validate_entity_name(body.get("name"), "$.name")
    description = _text(body, "description", required=False, max_length=MAX_DESCRIPTION)
    return ExperimentInput(name, description, _display_name(body), validate_tags(body.get("tags")))


def experiment_change(body: Mapping[str, Any]) -> ExperimentChange:
    """PATCH experiments/{name}."""
    _reject_unknown(body, ("description", "displayName"))
    description = _text(body, "description", required=False, max_length=MAX_DESCRIPTION)
    display = _display_name(body)
    if description is None and display is None:
        raise RequestValidationError(
            "$", "description or displayName", "Give a description or a displayName."
        )
    return ExperimentChange(description, display)


def _context(value: Any, where: str) -> ContextValues:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RequestValidationError(where, "object", f"{where} must be an object.")
    if len(value) > MAX_CONTEXT_KEYS:
        raise RequestValidationError(
            where, f"at most {MAX_CONTEXT_KEYS} keys", f"{where} has over {MAX_CONTEXT_KEYS} keys."
        )
    for key, item in value.items():
        texts = item if isinstance(item, list) else [item]
        if not key or not all(isinstance(text, str) for text in texts):
            raise RequestValidationError(
                f"{where}.{key}", "string or list of strings", f"{key}: values must be strings."
            )
        if (
            len(key) > MAX_CONTEXT_KEY
            or len(texts) > MAX_CONTEXT_VALUES
            or any(len(text) > MAX_CONTEXT_VALUE for text in texts)
        ):
            rule = (
                f"key of at most {MAX_CONTEXT_KEY} characters, at most {MAX_CONTEXT_VALUES} "
                f"values of at most {MAX_CONTEXT_VALUE} characters"
            )
            raise RequestValidationError(f"{where}.{key}", rule, f"{key}: {rule}.")
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
    if len(value) > MAX_TAGS:
        raise RequestValidationError(where, f"at most {MAX_TAGS} tags", f"At most {MAX_TAGS} tags.")
    for key, text in value.items():
        _encodable(key, where)
        _encodable(text, f"{where}.{key}")
        if not 1 <= len(key) <= MAX_TAG_KEY or len(text) > MAX_TAG_VALUE:
            rule = f"keys of 1-{MAX_TAG_KEY}, values of at most {MAX_TAG_VALUE} characters"
            raise RequestValidationError(f"{where}.{key}", rule, f"{where}: {rule}.")
    return dict(value)


def _action(body: Mapping[str, Any]) -> str:
    action = body.get("action")
    if not isinstance(action, str) or not ACTION.fullmatch(action):
        raise RequestValidationError(
            "$.action", "service:Action", "action must look like sagemaker:DeleteExperiment."
        )
    return action


def explain_input(body: Mapping[str, Any]) -> ExplainInput:
    """POST explain."""
    _reject_unknown(body, ("action", "resource", "context"))
    resource = _text(body, "resource", required=True, max_length=MAX_ARN)
    assert resource is not None
    return ExplainInput(_action(body), resource, _context(body.get("context"), "$.context"))


def denial_message_input(body: Mapping[str, Any]) -> DenialMessageInput:
    """POST explain-denial."""
    _reject_unknown(body, ("message", "operation", "resource", "requestTags"))
    message = _text(body, "message", required=True, max_length=MAX_DENIAL_MESSAGE)
    operation = _text(body, "operation", required=False, max_length=MAX_ARN)
    if operation is not None and not OPERATION.fullmatch(operation):
        raise RequestValidationError(
            "$.operation",
            "Operation or service:Operation",
            "operation must look like DeleteExperiment or sagemaker:DeleteExperiment.",
        )
    resource = _text(body, "resource", required=False, max_length=MAX_ARN)
    assert message is not None
    tags = _string_map(body.get("requestTags"), "$.requestTags")
    return DenialMessageInput(message, operation, resource or None, tags)


def _policies(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise RequestValidationError("$.policies", "list of strings", "policies: JSON strings.")
    if len(value) > MAX_POLICIES:
        raise RequestValidationError(
            "$.policies", f"at most {MAX_POLICIES} policies", f"At most {MAX_POLICIES} policies."
        )
    for index, text in enumerate(value):
        size = sum(1 for char in text if not char.isspace())
        if size > MAX_POLICY:
            raise RequestValidationError(
                f"$.policies[{index}]",
                f"at most {MAX_POLICY} characters without whitespace",
                f"Policy {index + 1} has {size} characters without whitespace; IAM allows at "
                f"most {MAX_POLICY} (a role's inline policies), 6144 for a managed policy.",
            )
    return list(value)


def simulate_input(body: Mapping[str, Any]) -> SimulateInput:
    """POST admin/simulate."""
    _reject_unknown(
        body,
        ("principal", "action", "resource", "context", "resourceTags", "requestTags", "policies"),
    )
    principal = _text(body, "principal", required=True, max_length=MAX_ARN)
    resource = _text(body, "resource", required=True, max_length=MAX_ARN)
    assert principal is not None and resource is not None
    return SimulateInput(
        principal,
        _action(body),
        resource,
        _context(body.get("context"), "$.context"),
        _string_map(body.get("resourceTags"), "$.resourceTags"),
        _string_map(body.get("requestTags"), "$.requestTags"),
        _policies(body.get("policies")),
    )


def resources_query(args: Mapping[str, str], types: list[str]) -> ResourcesQuery:
    """GET resources."""
    kind = args.get("type") or "experiment"
    if kind not in types:
        raise RequestValidationError(
            "type", f"one of {', '.join(types)}", f"Unknown type {kind!r}."
        )
    scope = args.get("scope") or "team"
    if scope not in SCOPES:
        raise RequestValidationError("scope", "one of team, mine, all", f"Unknown scope {scope!r}.")
    text = args.get("q") or ""
    if len(text) > 120:
        raise RequestValidationError("q", "at most 120 characters", "q is too long.")
    token = args.get("next") or None
    if token is not None and (len(token) > 8192 or not NEXT_TOKEN.fullmatch(token)):
        raise RequestValidationError(
            "next", "at most 8192 printable ASCII characters", "next is not a page token."
        )
    return ResourcesQuery(kind, scope, text, token)


def denials_query(args: Mapping[str, str]) -> DenialsQuery:
    """GET admin/denials."""
    raw = args.get("limit") or "50"
    if not LIMIT.fullmatch(raw) or not 1 <= int(raw) <= 200:
        raise RequestValidationError("limit", "integer 1-200", "limit must be an integer 1-200.")
    action = args.get("action") or None
    if action is not None and not ACTION.fullmatch(action) and not action.isalnum():
        raise RequestValidationError("action", "service:Action", "action is not an action name.")
    user = args.get("user") or None
    if user is not None and len(user) > MAX_ARN:
        raise RequestValidationError("user", f"at most {MAX_ARN} characters", "user is too long.")
    days = args.get("days") or "7"
    if not LIMIT.fullmatch(days) or not 1 <= int(days) <= 90:
        raise RequestValidationError("days", "integer 1-90", "days must be an integer 1-90.")
    account = args.get("account") or None
    if account is not None and not ACCOUNT_ID.fullmatch(account):
        raise RequestValidationError("account", "12 digits", "account is not an account id.")
    return DenialsQuery(user, action, int(raw), int(days), account)


def athena_query_id(name: str | None) -> str:
    """admin/denials/queries/{id}: an Athena query execution id (a UUID)."""
    if name is None or not QUERY_ID.fullmatch(name):
        raise RequestValidationError("id", "query execution id (UUID)", "id is not a query id.")
    return name


def isolation_role(args: Mapping[str, str]) -> str | None:
    """GET admin/isolation: the role to check, or None for the caller's own."""
    role = args.get("role") or None
    if role is not None and len(role) > MAX_ARN:
        raise RequestValidationError("role", f"at most {MAX_ARN} characters", "role is too long.")
    return role
