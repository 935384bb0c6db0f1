"""Recent AccessDenied events from CloudTrail LookupEvents, newest first."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .clients import AwsRunner

log = logging.getLogger(__name__)
DENIED_CODES = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")
PAGE_SIZE = 50


@dataclass(frozen=True)
class DenialLookup:
    """Which denials to look for, and how many LookupEvents pages to read at most."""

    user: str | None
    action: str | None
    limit: int
    max_pages: int


def _lookup_attributes(query: DenialLookup) -> list[dict[str, str]]:
    """CloudTrail filters on one attribute per call, and only the event name can be trusted:
    its Username of a Studio session is the session name ("SageMaker") shared by everyone, and
    the person (the source identity) is no lookup attribute. Users are filtered here instead."""
    if query.action:
        return [{"AttributeKey": "EventName", "AttributeValue": query.action.split(":")[-1]}]
    return []


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    return str(value)


def denial_event(event: dict[str, Any]) -> dict[str, Any] | None:
    """The REST API's view of one CloudTrail event, or None when it is not a denial."""
    try:
        detail = json.loads(event.get("CloudTrailEvent") or "{}")
    except ValueError:
        return None
    code = detail.get("errorCode")
    if code not in DENIED_CODES:
        return None
    service = str(detail.get("eventSource", "")).split(".")[0]
    resources = event.get("Resources") or []
    identity = detail.get("userIdentity") or {}
    source_identity = (identity.get("sessionContext") or {}).get("sourceIdentity")
    return {
        "id": str(event.get("EventId") or detail.get("eventID", "")),
        "time": _iso(event.get("EventTime") or detail.get("eventTime", "")),
        "principal": str(identity.get("arn", "")),
        "user": source_identity or event.get("Username"),
        "action": f"{service}:{event.get('EventName') or detail.get('eventName', '')}",
        "resource": resources[0].get("ResourceName") if resources else None,
        "errorCode": str(code),
        "message": detail.get("errorMessage"),
    }


def _is_by(event: dict[str, Any], user: str) -> bool:
    """The person, or any part of the principal's ARN (a role or IAM user name)."""
    wanted = user.lower()
    return wanted == str(event["user"] or "").lower() or wanted in event["principal"].lower()


def _wanted(event: dict[str, Any], query: DenialLookup) -> bool:
    if query.user and not _is_by(event, query.user):
        return False
    return not query.action or event["action"].lower() == query.action.lower()


async def lookup_denials(runner: AwsRunner, query: DenialLookup) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"PaginationConfig": {"PageSize": PAGE_SIZE}}
    attributes = _lookup_attributes(query)
    if attributes:
        params["LookupAttributes"] = attributes

    def wanted(page: dict[str, Any]) -> list[dict[str, Any]]:
        events = (denial_event(raw) for raw in page.get("Events", []))
        return [e for e in events if e is not None and _wanted(e, query)]

    def enough(read: list[dict[str, Any]]) -> bool:
        return sum(len(wanted(page)) for page in read) >= query.limit

    read = await runner.pages("cloudtrail", "lookup_events", "*", query.max_pages, enough, **params)
    events = [event for page in read for event in wanted(page)]
    events.sort(key=lambda e: e["time"], reverse=True)
    return events[: query.limit]
