"""The decision log: each decision as a JSON line; CloudTrail LookupEvents answered from it, and
its listeners (the organisation trail's log files) told of each decision."""

from __future__ import annotations

import html
import json
import re
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .authorization import AccessResult
from .identity import Caller
from .protocol import ApiCall, Reply
from .studio_store import ApiError

READ_ONLY_PREFIXES = ("Describe", "List", "Get", "Search", "Lookup", "BatchGet")
LOOKUP_KEYS = {
    "EventId",
    "EventName",
    "ReadOnly",
    "Username",
    "ResourceType",
    "ResourceName",
    "EventSource",
    "AccessKeyId",
}
MAX_EVENTS_IN_MEMORY = 20000
DEFAULT_USER_AGENT = "studio-abac-sandbox"
XML_CODE = re.compile(r"<Code>(.*?)</Code>", re.DOTALL)
XML_MESSAGE = re.compile(r"<Message>(.*?)</Message>", re.DOTALL)


@dataclass
class RequestOutcome:
    """One request's decisions, logged when its reply is known: CloudTrail records the caller's
    user agent and, for a failed call, the error the caller got (not only a denial's)."""

    user_agent: str
    entries: list[dict[str, Any]] = field(default_factory=list)
    error: tuple[str, str] | None = None

    def replied(self, reply: Reply) -> None:
        self.error = reply_error(reply)


def reply_error(reply: Reply) -> tuple[str, str] | None:
    """The (code, message) of an error reply in any of the protocols; None for a success."""
    if reply.status < 400:
        return None
    text = reply.body.decode("utf-8", "replace")
    if "json" in reply.content_type:
        try:
            body = json.loads(text)
        except ValueError:
            body = {}
        if isinstance(body, dict):
            code = str(body.get("__type") or body.get("code") or "").rsplit("#", 1)[-1]
            message = str(body.get("Message") or body.get("message") or "")
            return code or f"HTTP{reply.status}", message
    code_match, message_match = XML_CODE.search(text), XML_MESSAGE.search(text)
    code = html.unescape(code_match.group(1)) if code_match else f"HTTP{reply.status}"
    return code, html.unescape(message_match.group(1)) if message_match else ""


def user_identity(caller: Caller) -> dict[str, Any]:
    identity: dict[str, Any] = {
        "principalId": caller.user_id,
        "arn": caller.arn,
        "accountId": caller.account_id,
        "accessKeyId": caller.access_key_id,
    }
    if caller.session is None:
        return {"type": "IAMUser", **identity, "userName": caller.username}
    session_context: dict[str, Any] = {
        "sessionIssuer": {
            "type": "Role",
            "principalId": caller.user_id.split(":")[0],
            "arn": caller.principal_arn,
            "accountId": caller.account_id,
            "userName": caller.principal_arn.rsplit("/", 1)[-1],
        },
        "attributes": {"mfaAuthenticated": "false"},
    }
    profile = caller.session.studio_profile
    if profile is not None:
        # Every Studio session is named "SageMaker"; a domain with ExecutionRoleIdentityConfig
        # USER_PROFILE_NAME names the person as the session's source identity.
        session_context["sourceIdentity"] = profile.profile_name
    return {"type": "AssumedRole", **identity, "sessionContext": session_context}


class AuditLog:
    """Appends decisions to an optional JSON-lines file and keeps recent ones for LookupEvents."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._events: deque[dict[str, Any]] = deque(maxlen=MAX_EVENTS_IN_MEMORY)
        # Called with each entry after it is logged (the trail files write it as CloudTrail would).
        self.listeners: list[Callable[[dict[str, Any]], None]] = []
        self._pending = threading.local()  # the RequestOutcome of the request this thread serves
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def request(self, user_agent: str) -> Iterator[RequestOutcome]:
        """Hold the decisions recorded while serving one request; log them, with its outcome,
        when it ends (call `replied` on the outcome with the reply)."""
        outcome = RequestOutcome(user_agent or DEFAULT_USER_AGENT)
        previous = getattr(self._pending, "outcome", None)
        self._pending.outcome = outcome
        try:
            yield outcome
        finally:
            self._pending.outcome = previous
            for entry in outcome.entries:
                if outcome.error is not None and "errorCode" not in entry:
                    entry["errorCode"], entry["errorMessage"] = outcome.error
                self._log(entry)

    def clear(self) -> None:
        with self._lock:
            self._events.clear()

    def record_result(self, caller: Caller, call: ApiCall, result: AccessResult) -> None:
        """Record one IAM decision of the gateway."""
        self.record(
            caller,
            call,
            result.action,
            result.resource,
            result.decision,
            result.deciding,
            result.message,
        )

    def record(
        self,
        caller: Caller,
        call: ApiCall,
        action: str,
        resource: str,
        decision: str,
        deciding: tuple[str, ...],
        error_message: str = "",
    ) -> None:
        now = datetime.now(timezone.utc)
        entry: dict[str, Any] = {
            "time": now.isoformat().replace("+00:00", "Z"),
            "eventId": str(uuid.uuid4()),
            "principal": caller.arn,
            "action": action,
            "resource": resource,
            "decision": decision,
            "deciding": list(deciding),
            "eventSource": f"{call.service}.amazonaws.com",
            "eventName": call.operation if call.protocol != "rest" else action.split(":", 1)[-1],
            "awsRegion": call.region,
            "userIdentity": user_identity(caller),
            "requestParameters": _request_parameters(call, resource),
        }
        if decision != "allowed":
            entry["errorCode"] = "AccessDenied"
            entry["errorMessage"] = error_message
        outcome: RequestOutcome | None = getattr(self._pending, "outcome", None)
        if outcome is None:
            entry["userAgent"] = DEFAULT_USER_AGENT
            self._log(entry)
        else:
            entry["userAgent"] = outcome.user_agent
            outcome.entries.append(entry)

    def _log(self, entry: dict[str, Any]) -> None:
        line = json.dumps(entry)
        with self._lock:
            self._events.append(entry)
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as stream:
                    stream.write(line + "\n")
        for listener in self.listeners:
            listener(entry)

    def events(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._events)

    def lookup_events(self, params: dict[str, Any]) -> dict[str, Any]:
        """CloudTrail LookupEvents over the log: newest first, one lookup attribute, time range."""
        attributes = params.get("LookupAttributes") or []
        if len(attributes) > 1:
            raise ApiError(
                "InvalidLookupAttributesException", "You can specify only one lookup attribute."
            )
        for attribute in attributes:
            if attribute.get("AttributeKey") not in LOOKUP_KEYS:
                raise ApiError(
                    "InvalidLookupAttributesException",
                    f"Lookup attribute key {attribute.get('AttributeKey')} is not valid.",
                )
        limit = params.get("MaxResults", 50)
        if not isinstance(limit, int) or not 1 <= limit <= 50:
            raise ApiError("InvalidMaxResultsException", "MaxResults must be between 1 and 50.")
        start = _epoch(params.get("StartTime"), float("-inf"))
        end = _epoch(params.get("EndTime"), float("inf"))
        events = [_as_cloudtrail(e) for e in reversed(self.events())]
        events = [
            e
            for e in events
            if start <= e["EventTime"] <= end and all(_has(e, a) for a in attributes)
        ]
        offset = _offset(params.get("NextToken"))
        chunk = events[offset : offset + limit]
        reply: dict[str, Any] = {"Events": chunk}
        if offset + limit < len(events):
            reply["NextToken"] = f"sandbox-{offset + limit}"
        return reply


def _request_parameters(call: ApiCall, resource: str) -> dict[str, Any]:
    parameters = {
        key: value
        for key, value in call.params.items()
        if isinstance(value, (str, int, float, bool, list, dict))
        and "Secret" not in key
        and "Password" not in key
        and key not in ("Action", "Version", "Policy")
    }
    parameters["resource"] = resource
    return parameters


def cloudtrail_record(entry: dict[str, Any]) -> dict[str, Any]:
    """One decision of the log as a CloudTrail record (the event a trail's log file holds)."""
    event_name = entry["eventName"]
    identity = entry["userIdentity"]
    record: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": identity,
        "eventTime": entry["time"],
        "eventSource": entry["eventSource"],
        "eventName": event_name,
        "awsRegion": entry["awsRegion"],
        "sourceIPAddress": "127.0.0.1",
        "userAgent": entry.get("userAgent", DEFAULT_USER_AGENT),
        "requestParameters": entry["requestParameters"],
        "responseElements": None,
        "requestID": entry["eventId"],
        "eventID": entry["eventId"],
        "readOnly": event_name.startswith(READ_ONLY_PREFIXES),
        "eventType": "AwsApiCall",
        "recipientAccountId": identity.get("accountId"),
    }
    if "errorCode" in entry:
        record["errorCode"] = entry["errorCode"]
        record["errorMessage"] = entry["errorMessage"]
    if entry["resource"] != "*":
        record["resources"] = [
            {
                "accountId": identity.get("accountId"),
                "type": _resource_type(entry["resource"]),
                "ARN": entry["resource"],
            }
        ]
    return record


def _as_cloudtrail(entry: dict[str, Any]) -> dict[str, Any]:
    event_name = entry["eventName"]
    identity = entry["userIdentity"]
    username = identity.get("userName") or entry["principal"].rsplit("/", 1)[-1]
    cloudtrail_event = cloudtrail_record(entry)
    cloudtrail_event.pop("resources", None)
    resource = entry["resource"]
    return {
        "EventId": entry["eventId"],
        "EventName": event_name,
        "ReadOnly": str(event_name.startswith(READ_ONLY_PREFIXES)).lower(),
        "AccessKeyId": identity.get("accessKeyId", ""),
        "EventTime": datetime.fromisoformat(entry["time"].replace("Z", "+00:00")).timestamp(),
        "EventSource": entry["eventSource"],
        "Username": username,
        "Resources": []
        if resource == "*"
        else [{"ResourceType": _resource_type(resource), "ResourceName": resource}],
        "CloudTrailEvent": json.dumps(cloudtrail_event),
    }


def _resource_type(arn: str) -> str:
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return ""
    kind = parts[5].split("/", 1)[0]
    return f"AWS::{parts[2].capitalize()}::{''.join(w.capitalize() for w in kind.split('-'))}"


def _has(event: dict[str, Any], attribute: dict[str, Any]) -> bool:
    key = attribute["AttributeKey"]
    value = str(attribute.get("AttributeValue", ""))
    if key == "ResourceName":
        return any(r["ResourceName"] == value for r in event["Resources"])
    if key == "ResourceType":
        return any(r["ResourceType"] == value for r in event["Resources"])
    return str(event.get(key, "")) == value


def _epoch(value: Any, default: float) -> float:
    if value is None:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ApiError("InvalidTimeRangeException", f"Invalid time: {value}") from None


def _offset(token: Any) -> int:
    if token is None:
        return 0
    if isinstance(token, str) and token.startswith("sandbox-") and token[8:].isdigit():
        return int(token[8:])
    raise ApiError("InvalidNextTokenException", "Invalid NextToken.")
