"""Request context: typed values in, normalized strings out, and a builder shaped like AWS's.

Condition operators read every request value as text (the way IAM receives them), so the
context is normalized once per request: keys lower-cased (lookups are case-insensitive),
values turned into tuples of strings with a flag for multi-valued keys.
"""

from __future__ import annotations

import base64
import ipaddress
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timezone

from .arns import arn_account, principal_arn_of, principal_type_and_name

ContextScalar = (
    str
    | int
    | float
    | bool
    | datetime
    | date
    | bytes
    | ipaddress.IPv4Address
    | ipaddress.IPv6Address
    | ipaddress.IPv4Network
    | ipaddress.IPv6Network
)
ContextValue = ContextScalar | Sequence[ContextScalar]
"""One value, or the values of a multivalued key (a list or tuple)."""

NormalizedContext = dict[str, tuple[tuple[str, ...], bool]]


def value_as_text(value: object) -> str:
    """The text IAM would see for a typed context value."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def normalize_context(context: Mapping[str, object]) -> NormalizedContext:
    """Lower-case keys; an empty list counts as an absent key (AWS's "empty data set")."""
    normalized: NormalizedContext = {}
    for key, value in context.items():
        if type(value) is str:
            normalized[key.lower()] = ((value,), False)
        elif isinstance(value, list | tuple | set | frozenset):
            texts = tuple(value_as_text(item) for item in value)
            if texts:
                normalized[str(key).lower()] = (texts, True)
        elif value is not None:
            normalized[str(key).lower()] = ((value_as_text(value),), False)
    return normalized


def build_request_context(
    *,
    principal_arn: str | None = None,
    principal_tags: Mapping[str, str] | None = None,
    username: str | None = None,
    resource_tags: Mapping[str, str] | None = None,
    request_tags: Mapping[str, str] | None = None,
    service: str = "sagemaker",
    extra: Mapping[str, ContextValue] | None = None,
) -> dict[str, ContextValue]:
    """Build a request context the way AWS fills it for a call by ``principal_arn``.

    Resource tags appear both as ``aws:ResourceTag/k`` and ``<service>:ResourceTag/k``;
    request tags (for Create*/AddTags calls) add ``aws:RequestTag/k`` and ``aws:TagKeys``.
    """
    context: dict[str, ContextValue] = {}
    if principal_arn:
        context["aws:PrincipalArn"] = principal_arn_of(principal_arn)
        account = arn_account(principal_arn)
        if account:
            context["aws:PrincipalAccount"] = account
        principal_type, user_name = principal_type_and_name(principal_arn)
        if principal_type:
            context["aws:PrincipalType"] = principal_type
        if user_name:
            context["aws:username"] = user_name
    if username is not None:
        context["aws:username"] = username
    for key, value in (principal_tags or {}).items():
        context[f"aws:PrincipalTag/{key}"] = value
    for key, value in (resource_tags or {}).items():
        context[f"aws:ResourceTag/{key}"] = value
        if service and service != "aws":
            context[f"{service}:ResourceTag/{key}"] = value
    if request_tags is not None:
        for key, value in request_tags.items():
            context[f"aws:RequestTag/{key}"] = value
        context["aws:TagKeys"] = list(request_tags)
    context.update(extra or {})
    return context
