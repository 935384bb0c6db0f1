"""How moto will read a request, so the gateway decides on exactly that or refuses it.

The gateway and moto parse the same bytes. Where moto's reading (werkzeug's form and query
parsing, BaseResponse.setup_class's fall-backs from form to query string to body to headers,
DomainDispatcherApplication's choice of backend, S3's bucket from the Host header) could differ
from the gateway's, the request is refused: no AWS SDK sends such requests, and AWS itself would
not read them as two different calls. Each rule below names what moto does that it closes.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, parse_qsl, unquote

from .refusals import ProtocolError

# Routes moto's dispatcher serves before any backend: its dashboard/state/reset API and the
# instance metadata service (werkzeug_app.DomainDispatcherApplication.get_application).
INTERNAL_PREFIXES = ("/moto-api", "/favicon.ico", "/latest/meta-data/", "/latest/api/")
# SageMaker's signing name also covers these REST backends, chosen by moto from the path.
SAGEMAKER_REST_BACKENDS = ("sagemakermetrics", "sagemakerruntime")
# Bucket names as moto's S3 URL patterns match them (legacy names allow capitals, underscores).
BUCKET_NAME = re.compile(r"[A-Za-z0-9._-]{1,255}")


@dataclass(frozen=True)
class MotoView:
    """The parts of a request as werkzeug (and so moto) parses them."""

    args: dict[str, list[str]]  # the URL's query string, every value kept
    form: dict[str, list[str]]  # a form-encoded or multipart body, every value kept
    has_files: bool
    querystring: dict[str, list[str]]  # BaseResponse.querystring: what _get_action reads

    def action(self, target: str | None) -> str | None:
        """The operation BaseResponse._get_action picks before routing on method and path."""
        action = self.querystring.get("Action")
        if action and action[0]:
            return action[0]
        if target:
            return target.split(".")[-1]
        return None


def check_request_target(environ: dict[str, Any]) -> None:
    """Refuse absolute-form targets and moto's internal routes, on the path moto routes on."""
    raw_uri = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "")
    if raw_uri and not raw_uri.startswith("/"):
        # werkzeug takes the path of `GET http://host/moto-api/...` as PATH_INFO
        raise ProtocolError(
            "InvalidRequest", "The request target must be a path (origin form), not a URL."
        )
    decoded = str(environ.get("PATH_INFO", "/"))
    raw_path = raw_uri.split("?", 1)[0]
    if raw_path.startswith("//"):
        # read as a network path by URL parsers; moto strips the slashes from S3's bucket only
        raise ProtocolError("InvalidURI", "The request path must not start with '//'.")
    if any(path.startswith(INTERNAL_PREFIXES) for path in (decoded, raw_path)):
        raise ProtocolError(
            "NotFound",
            "The moto API is not exposed by the sandbox; use Sandbox.reset().",
            status=404,
        )


def moto_view(environ: dict[str, Any], body: bytes, raw_body_service: bool) -> MotoView:
    """Parse `body` and the query string with moto's own Request class, as moto will."""
    from moto.core.request import Request

    request = Request(_environ_with_body(environ, body))
    args = {key: request.args.getlist(key) for key in request.args}
    form = {key: request.form.getlist(key) for key in request.form}
    querystring: dict[str, list[str]] = {key: values[:1] for key, values in form.items()}
    if not querystring:
        querystring = parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)
    if not querystring and body and not raw_body_service:
        text = body.decode("utf-8", "replace")
        querystring = {key: [value] for key, value in parse_qsl(text, keep_blank_values=True)}
    if not querystring:
        querystring = {key: [value] for key, value in request.headers.items()}
    return MotoView(args, form, bool(request.files), querystring)


def moto_backend(dispatcher: Any, environ: dict[str, Any], body: bytes) -> str | None:
    """The backend DomainDispatcherApplication will hand the request to (None if it fails)."""
    env = _environ_with_body(environ, body)
    try:
        host = dispatcher.infer_service_region_host(env, str(env.get("PATH_INFO", "")))
    except (IndexError, KeyError, ValueError, AttributeError):
        return None
    if host is None:
        host = "s3.us-east-1.amazonaws.com"  # moto's DEFAULT_SERVICE_REGION
    backend = dispatcher.get_backend_for_host(host)
    return str(backend) if backend else None


def expected_backends(dispatcher: Any, service: str, region: str, protocol: str) -> set[str]:
    """The backends that serve the call the gateway decided on."""
    if service == "sagemaker":
        backend = dispatcher.get_backend_for_host(f"api.sagemaker.{region}.amazonaws.com")
        if protocol == "rest":
            return {str(backend), *SAGEMAKER_REST_BACKENDS}
    else:
        backend = dispatcher.get_backend_for_host(f"{service}.{region}.amazonaws.com")
    return {str(backend)} if backend else set()


def s3_address(host: str, raw_path: str) -> tuple[str, str]:
    """(bucket, key) of an S3 request as moto's S3Response reads them: virtual-hosted when its
    subdomain_based_buckets says so (then from the Host), else the path's first segment."""
    from moto.s3.responses import S3Response
    from moto.s3.utils import bucket_name_from_url

    def refuse(code: str, message: str) -> ProtocolError:
        return ProtocolError(code, message, protocol="rest")

    if ".s3-accesspoint." in host or "s3-control" in host:
        raise refuse("InvalidRequest", "The sandbox serves buckets, not access points.")
    shim = SimpleNamespace(headers={"host": host}, url=f"http://{host}{raw_path}")
    if S3Response.subdomain_based_buckets(shim):
        bucket = bucket_name_from_url(f"http://{host}{raw_path}")
        if not bucket or not BUCKET_NAME.fullmatch(bucket):
            raise refuse("InvalidBucketName", "The Host names no valid bucket.")
        return bucket, unquote(raw_path)[1:]
    segment = raw_path[1:].split("/", 1)[0]
    if segment and not BUCKET_NAME.fullmatch(segment):
        # moto takes the bucket from the path as sent (still encoded), routes on it decoded
        raise refuse("InvalidBucketName", f"The specified bucket is not valid: {segment!r}.")
    return segment, "/".join(unquote(raw_path).split("/")[2:])


def _environ_with_body(environ: dict[str, Any], body: bytes) -> dict[str, Any]:
    env = dict(environ)
    env["wsgi.input"] = io.BytesIO(body)
    env["CONTENT_LENGTH"] = str(len(body))
    env.pop("HTTP_TRANSFER_ENCODING", None)
    env.pop("wsgi.input_terminated", None)
    return env
