"""AWS wire protocols as the gateway needs them: what a request asks, and replies in each shape."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
QUERY_NAMESPACES = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}


@dataclass(frozen=True)
class ApiCall:
    """One AWS API call: service (signing name), operation, protocol and parameters."""

    service: str
    operation: str
    protocol: str  # "json", "query" or "rest"
    params: dict[str, Any]
    region: str


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


class ProtocolError(Exception):
    """A request the gateway cannot read (bad JSON body...): answered as AWS would."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def read_call(
    service: str,
    region: str,
    method: str,
    path: str,
    query: str,
    headers: dict[str, str],
    body: bytes,
) -> ApiCall:
    target = headers.get("x-amz-target")
    if target:
        try:
            params = json.loads(body or b"{}")
        except json.JSONDecodeError as error:
            raise ProtocolError("SerializationException", f"Body is not JSON: {error}") from error
        if not isinstance(params, dict):
            raise ProtocolError("SerializationException", "Body must be a JSON object")
        return ApiCall(service, target.rsplit(".", 1)[-1], "json", params, region)
    form: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if method == "POST" and "x-www-form-urlencoded" in headers.get("content-type", ""):
        form.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    if "Action" in form and service != "s3":
        return ApiCall(service, str(form["Action"]), "query", form, region)
    return ApiCall(service, f"{method} {path}", "rest", form, region)


def query_members(params: dict[str, Any], prefix: str) -> list[str]:
    """Values of a query-protocol list such as `TransitiveTagKeys.member.N`, in order."""
    found = []
    index = 1
    while f"{prefix}.member.{index}" in params:
        found.append(str(params[f"{prefix}.member.{index}"]))
        index += 1
    return found


def query_tags(params: dict[str, Any], prefix: str = "Tags") -> dict[str, str]:
    tags = {}
    index = 1
    while f"{prefix}.member.{index}.Key" in params:
        tags[str(params[f"{prefix}.member.{index}.Key"])] = str(
            params.get(f"{prefix}.member.{index}.Value", "")
        )
        index += 1
    return tags


def json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_reply(payload: dict[str, Any], status: int = 200) -> Reply:
    body = json.dumps(payload, default=json_default).encode()
    return Reply(status, body, JSON_CONTENT_TYPE, {"x-amzn-RequestId": str(uuid.uuid4())})


def error_reply(call: ApiCall | None, status: int, code: str, message: str) -> Reply:
    """An error in the shape of the call's protocol, so botocore raises ClientError(code)."""
    request_id = str(uuid.uuid4())
    if call is not None and call.protocol == "json":
        body = json.dumps({"__type": code, "Message": message}).encode()
        return Reply(status, body, JSON_CONTENT_TYPE, {"x-amzn-RequestId": request_id})
    if call is not None and call.protocol == "query":
        namespace = QUERY_NAMESPACES.get(call.service, f"https://{call.service}.amazonaws.com/")
        xml = (
            f'<ErrorResponse xmlns="{namespace}"><Error><Type>Sender</Type>'
            f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return Reply(status, xml.encode(), "text/xml", {"x-amzn-RequestId": request_id})
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"<RequestId>{request_id}</RequestId></Error>"
    )
    return Reply(status, xml.encode(), "application/xml", {"x-amz-request-id": request_id})


def query_reply(call: ApiCall, result_xml: str) -> Reply:
    namespace = QUERY_NAMESPACES.get(call.service, f"https://{call.service}.amazonaws.com/")
    operation = call.operation
    xml = (
        f'<{operation}Response xmlns="{namespace}"><{operation}Result>{result_xml}'
        f"</{operation}Result><ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId>"
        f"</ResponseMetadata></{operation}Response>"
    )
    return Reply(200, xml.encode(), "text/xml")
