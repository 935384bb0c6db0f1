"""Field rules of a scenario file, each failing with a ScenarioError that names path and rule."""

from __future__ import annotations

import re
from typing import Any

from .model import ScenarioError

ACCOUNT_ID = re.compile(r"^\d{12}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
IAM_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
POLICY_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")
SAGEMAKER_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}$")
PROFILE_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
SAML_PROVIDER_NAME = re.compile(r"^[\w._-]{1,128}$")
# RoleSessionName and SourceIdentity (what a federated user's name becomes).
SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")
DOMAIN_ID = re.compile(r"^d-[a-z0-9]{1,61}$")
TAG_TEXT = re.compile(r"^[\w\s.:/=+\-@]*$", re.UNICODE)
PLACEHOLDER = re.compile(r"<[^<>\"]{1,80}>")
MAX_TAGS = 50


class FieldReader:
    """Reads typed fields out of parsed YAML/JSON, remembering where it is for error messages."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, rule: str) -> ScenarioError:
        return ScenarioError(self.source, path or "(top level)", rule)

    def mapping(self, value: Any, path: str, allowed: set[str] | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"must be a mapping, got {type(value).__name__}")
        for key in value:
            if not isinstance(key, str):
                raise self.fail(path, f"keys must be strings, got {key!r}")
            if allowed is not None and key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(join(path, key), f"unknown field (known fields: {known})")
        return value

    def sequence(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(path, f"must be a list, got {type(value).__name__}")
        return value

    def text(self, value: Any, path: str, pattern: re.Pattern[str] | None = None) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise self.fail(path, f"must be a string, got {type(value).__name__}")
        text = str(value)
        if pattern is not None and not pattern.fullmatch(text):
            raise self.fail(path, f"{text!r} must match {pattern.pattern}")
        return text

    def required(self, data: dict[str, Any], key: str, path: str) -> Any:
        if key not in data or data[key] is None:
            raise self.fail(join(path, key), "is required")
        return data[key]

    def tags(self, value: Any, path: str) -> dict[str, str]:
        """Tags as a mapping or as AWS's [{Key, Value}] list, checked against AWS's tag rules."""
        if value is None:
            return {}
        pairs: list[tuple[Any, Any]]
        if isinstance(value, list):
            pairs = []
            for index, item in enumerate(value):
                item_path = f"{path}[{index}]"
                entry = self.mapping(item, item_path, {"Key", "Value"})
                pairs.append((self.required(entry, "Key", item_path), entry.get("Value", "")))
        else:
            pairs = list(self.mapping(value, path).items())
        if len(pairs) > MAX_TAGS:
            raise self.fail(path, f"at most {MAX_TAGS} tags, got {len(pairs)}")
        tags: dict[str, str] = {}
        for raw_key, raw_value in pairs:
            key = self.text(raw_key, path)
            tag_path = join(path, key)
            tag_value = "" if raw_value is None else self.text(raw_value, tag_path)
            if not 1 <= len(key) <= 128 or not TAG_TEXT.fullmatch(key):
                raise self.fail(tag_path, "tag keys are 1-128 letters, digits, spaces or _.:/=+-@")
            if key.lower().startswith("aws:"):
                raise self.fail(tag_path, "tag keys starting with 'aws:' are reserved by AWS")
            if len(tag_value) > 256 or not TAG_TEXT.fullmatch(tag_value):
                raise self.fail(
                    tag_path, "tag values are 0-256 letters, digits, spaces or _.:/=+-@"
                )
            tags[key] = tag_value
        return tags


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key
