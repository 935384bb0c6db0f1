"""AWS wire protocols as the gateway needs them: what a request asks, and replies in each shape."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from .moto_reading import MotoView
from .refusals import ProtocolError

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


def read_call(
    service: str,
    region: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    view: MotoView,
) -> ApiCall:
    """The call the request makes, read from moto's own parse of it (`view`), or ProtocolError
    when moto could run something else than what the gateway would decide on."""
    target = headers.get("x-amz-target")
    encoding = headers.get("content-encoding", "").strip().lower()
    if service != "s3" and encoding not in ("", "identity"):
        # moto inflates gzip bodies before parsing them; the gateway decides on what it reads
        raise ProtocolError(
            "InvalidRequest",
            f"Content-Encoding {encoding!r} is not accepted by the sandbox.",
            protocol="json" if target else "query",
        )
    if target:
        return _json_call(service, region, method, path, target, body, view)
    if service != "s3" and "Action" in view.querystring:
        return _query_call(service, region, method, path, view)
    if service != "s3" and view.action(None) is not None:
        raise ProtocolError(
            "MalformedQueryString", "The request names an Action outside the query protocol."
        )
    try:
        refuse_repeats(view, "InvalidArgument")
    except ProtocolError as error:
        error.protocol = "rest"
        raise
    form = {name: values[0] for name, values in view.args.items()}
    return ApiCall(service, f"{method} {path}", "rest", form, region)


def refuse_repeats(view: MotoView, code: str) -> None:
    """AWS reads one value per name; werkzeug keeps all and moto picks the first."""
    for where, params in (("query string", view.args), ("body", view.form)):
        for name, values in params.items():
            if len(values) > 1:
                raise ProtocolError(
                    code, f"The parameter {name} appears {len(values)} times in the {where}."
                )
    both = sorted(set(view.args) & set(view.form))
    if both:
        raise ProtocolError(
            code, f"The parameter {both[0]} appears in both the query string and the body."
        )


def _json_call(
    service: str, region: str, method: str, path: str, target: str, body: bytes, view: MotoView
) -> ApiCall:
    operation = target.rsplit(".", 1)[-1]

    def refuse(message: str) -> ProtocolError:
        return ProtocolError("SerializationException", message, protocol="json")

    if method != "POST" or path != "/":
        raise refuse("A JSON-protocol call is a POST to /.")
    if view.args:
        raise refuse("A JSON-protocol call carries no query string.")
    if view.action(target) != operation:
        # moto's _get_action prefers an Action read from the body as a query string
        raise refuse("The body also reads as a query-protocol call (it names an Action).")
    try:
        params = json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise refuse(f"Body is not JSON: {error}") from error
    if not isinstance(params, dict):
        raise refuse("Body must be a JSON object")
    return ApiCall(service, operation, "json", params, region)


def _query_call(service: str, region: str, method: str, path: str, view: MotoView) -> ApiCall:
    def refuse(message: str) -> ProtocolError:
        return ProtocolError("MalformedQueryString", message, protocol="query")

    try:
        refuse_repeats(view, "MalformedQueryString")
    except ProtocolError as error:
        error.protocol = "query"
        raise
    if view.args and view.form:
        raise refuse("The parameters must be in the query string or in the body, not both.")
    if not (view.form or view.args) or view.has_files:
        raise refuse(
            "The Action and the other query-protocol parameters must be in the query string "
            "or in a form-encoded (x-www-form-urlencoded) body."
        )
    if method not in ("GET", "POST") or path != "/":
        raise refuse("A query-protocol call is a GET or POST to /.")
    if method == "GET" and view.form:
        # werkzeug leaves a GET's form out of request.values, which moto's parser reads
        raise refuse("A GET carries its parameters in the query string.")
    params = {name: values[0] for name, values in (view.form or view.args).items()}
    return ApiCall(service, str(params["Action"]), "query", params, region)


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
