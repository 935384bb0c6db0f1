"""Input checks SageMaker makes before acting, with its ValidationException wording."""

from __future__ import annotations

import re
from typing import Any

from .studio_store import MAX_TAGS, ApiError

ENTITY_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}$")
PROFILE_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
TAG_TEXT = re.compile(r"^[\w\s.:/=+\-@]*$", re.UNICODE)


def invalid(message: str) -> ApiError:
    return ApiError("ValidationException", message)


def required_name(
    params: dict[str, Any], field: str, pattern: re.Pattern[str] = ENTITY_NAME
) -> str:
    value = params.get(field)
    if value is None:
        raise invalid(
            f"1 validation error detected: Value null at '{field}' failed to satisfy "
            "constraint: Member must not be null"
        )
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise invalid(
            f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy "
            f"constraint: Member must satisfy regular expression pattern: {pattern.pattern}"
        )
    return value


def optional_text(params: dict[str, Any], field: str, max_length: int) -> str | None:
    value = params.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > max_length:
        raise invalid(
            f"1 validation error detected: Value at '{field}' failed to satisfy "
            f"constraint: Member must have length less than or equal to {max_length}"
        )
    return value


def tag_list(params: dict[str, Any], field: str = "Tags") -> list[dict[str, str]]:
    """Tags as SageMaker checks them: ≤ 50, key 1-128 and value ≤ 256 of the allowed characters,
    no `aws:` keys."""
    raw = params.get(field)
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise invalid(f"1 validation error detected: Value at '{field}' must be a list of tags")
    if len(raw) > MAX_TAGS:
        raise invalid(
            f"1 validation error detected: Value at '{field}' failed to satisfy "
            f"constraint: Member must have length less than or equal to {MAX_TAGS}"
        )
    tags: list[dict[str, str]] = []
    for index, tag in enumerate(raw, start=1):
        key = tag.get("Key") if isinstance(tag, dict) else None
        value = tag.get("Value", "") if isinstance(tag, dict) else None
        where = f"'{field}.{index}.member.key'"
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or not TAG_TEXT.fullmatch(key):
            raise invalid(
                f"1 validation error detected: Value '{key}' at {where} failed to "
                "satisfy constraint: Member must satisfy regular expression pattern: "
                r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$ and have length 1-128"
            )
        if key.lower().startswith("aws:"):
            raise invalid(f"Tag keys starting with 'aws:' are reserved for system use: {key}")
        if not isinstance(value, str) or len(value) > 256 or not TAG_TEXT.fullmatch(value):
            raise invalid(
                f"1 validation error detected: Value at '{field}.{index}.member.value' "
                "failed to satisfy constraint: Member must have length less than or "
                "equal to 256 and satisfy the tag value pattern"
            )
        tags.append({"Key": key, "Value": value})
    return tags


def max_results(params: dict[str, Any], default: int, ceiling: int = 100) -> int:
    value = params.get("MaxResults", default)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= ceiling:
        raise invalid(
            f"1 validation error detected: Value '{value}' at 'maxResults' failed to "
            f"satisfy constraint: Member must have value between 1 and {ceiling}"
        )
    return value


def page(
    items: list[Any], params: dict[str, Any], default_size: int
) -> tuple[list[Any], str | None]:
    """One page of items and the token of the next; a token is the index of the next item."""
    size = max_results(params, default_size)
    token = params.get("NextToken")
    start = 0
    if token is not None:
        if (
            not isinstance(token, str)
            or not token.startswith("sandbox-")
            or not token[8:].isdigit()
        ):
            raise invalid(f"Invalid pagination token: {token}")
        start = int(token[8:])
    chunk = items[start : start + size]
    following = start + size
    return chunk, (f"sandbox-{following}" if following < len(items) else None)
