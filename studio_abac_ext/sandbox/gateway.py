"""The WSGI gateway in front of moto: authenticate, decide with IAM, answer or pass to moto."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl

from .athena_api import AthenaApi
from .audit import AuditLog
from .authorization import AccessCheck, AccessResult, Authorizer
from .federation import IdpRoutes
from .identity import Caller, Credentials, IdentityDirectory
from .metrics_api import MetricsApi, metrics_operation
from .moto_reading import (
    check_request_target,
    expected_backends,
    moto_backend,
    moto_view,
    s3_address,
)
from .protocol import ApiCall, Reply, error_reply, json_reply, query_reply, read_call
from .refusals import ProtocolError
from .rest_actions import iam_check, other_check, s3_check
from .sagemaker_routes import SageMakerRoutes
from .saml_idp import IDP_PATH
from .signing import RawRequest, SigningError, parse_signature, verify_signature
from .sts_api import AssumeRole, AssumeRoleWithSaml, caller_identity_xml, get_session_token
from .studio_store import ApiError

log = logging.getLogger(__name__)

# Calls AWS takes unsigned: the assertion (or token) in the call is the proof of identity.
UNSIGNED_OPERATIONS = ("AssumeRoleWithSAML",)
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
INVALID_TOKEN = "The security token included in the request is invalid."
BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
UNROUTABLE_CODES = {
    "json": "UnknownOperationException",
    "query": "InvalidAction",
    "rest": "InvalidRequest",
}
S3_BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)
STATUS_TEXT = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
}


class Gateway:
    """Every request is authenticated, authorized and audited before moto or our fills see it."""

    def __init__(
        self,
        moto_app: WsgiApp,
        identities: IdentityDirectory,
        authorizer: Authorizer,
        audit: AuditLog,
        sagemaker: SageMakerRoutes,
        idp: IdpRoutes | None = None,
    ) -> None:
        self.moto_app = moto_app
        self._expected_backends: dict[tuple[str, str, str], set[str]] = {}
        self.idp = idp
        self.assume_role_with_saml = AssumeRoleWithSaml(identities, authorizer)
        self.identities = identities
        self.authorizer = authorizer
        self.audit = audit
        self.sagemaker = sagemaker
        self.metrics = MetricsApi(sagemaker.store, authorizer, audit)
        self.assume_role = AssumeRole(identities, authorizer)
        # Athena's query calls for the scenario's trail table (set by the Sandbox when it has one).
        self.athena: AthenaApi | None = None

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        # The audit logs the request's decisions once its reply (success or error) is known.
        with self.audit.request(str(environ.get("HTTP_USER_AGENT", ""))) as outcome:
            try:
                reply = self._handle(environ)
            except Exception:  # the sandbox must answer in AWS's shape, never with a traceback
                log.exception(
                    "sandbox gateway failed on %s %s",
                    environ.get("REQUEST_METHOD"),
                    environ.get("PATH_INFO"),
                )
                reply = error_reply(
                    None, 500, "InternalFailure", "The sandbox failed; see its log."
                )
            outcome.replied(reply)
        headers = [("Content-Type", reply.content_type), ("Content-Length", str(len(reply.body)))]
        headers += [
            (k, v)
            for k, v in reply.headers.items()
            if k.lower() not in ("content-type", "content-length")
        ]
        start_response(f"{reply.status} {STATUS_TEXT.get(reply.status, 'Status')}", headers)
        return [reply.body]

    def _handle(self, environ: dict[str, Any]) -> Reply:
        raw = _raw_request(environ)
        try:
            check_request_target(environ)
        except ProtocolError as error:
            return error_reply(None, error.status, error.code, error.message)
        if self.idp is not None and raw.path.startswith(IDP_PATH):
            return self.idp.handle(raw, f"http://{environ.get('HTTP_HOST', '127.0.0.1')}")
        region = self.identities.scenario.region
        try:
            claims = parse_signature(raw)
        except SigningError as error:
            service = "s3" if raw.path != "/" else "sts"
            return signing_refusal(_protocol_guess(raw, service, region), error)
        service = claims.service if claims else "unknown"
        region = claims.region if claims else region
        view = moto_view(environ, raw.body, raw_body_service=service == "s3")
        try:
            call = read_call(service, region, raw.method, raw.path, raw.headers, raw.body, view)
        except ProtocolError as error:
            bare = ApiCall(service, "", error.protocol or "json", {}, region)
            return error_reply(bare, error.status, error.code, error.message)
        if claims is None and call.protocol == "query" and call.operation in UNSIGNED_OPERATIONS:
            return self._saml_sign_in(replace(call, service="sts"))
        if claims is None:
            return _missing_authentication(call)
        credentials = self.identities.credentials_for(claims.access_key_id)
        if credentials is None:
            return _unknown_key(call)
        if claims.session_token != credentials.session_token:
            return _invalid_token(call)
        try:
            verify_signature(raw, claims, credentials.secret_access_key, datetime.now(timezone.utc))
        except SigningError as error:
            return signing_refusal(call, error)
        backend = moto_backend(self.moto_app, environ, raw.body)
        if backend not in self._backends_for(call):
            # moto would hand the request to another service than the one decided on
            log.info("refused %s %s: moto would route it to %s", raw.method, raw.path, backend)
            return error_reply(
                call,
                400,
                UNROUTABLE_CODES[call.protocol],
                f"The sandbox cannot route this {call.service} request as signed; "
                f"moto would read it as a {backend} call.",
            )
        caller = self.identities.caller(credentials)
        if caller is None:
            return _invalid_token(call)
        return self._dispatch(caller, credentials, call, environ, raw)

    def _backends_for(self, call: ApiCall) -> set[str]:
        key = (call.service, call.region, call.protocol)
        if key not in self._expected_backends:
            self._expected_backends[key] = expected_backends(self.moto_app, *key)
        return self._expected_backends[key]

    def _dispatch(
        self,
        caller: Caller,
        credentials: Credentials,
        call: ApiCall,
        environ: dict[str, Any],
        raw: RawRequest,
    ) -> Reply:
        if self.athena is not None and self.athena.handles(call):
            return self.athena.handle(caller, call)
        if call.service == "sagemaker" and call.protocol == "json":
            return self.sagemaker.handle(caller, call, lambda: self._forward(environ, raw))
        metrics = metrics_operation(call)
        if metrics is not None:
            return self.metrics.handle(caller, call, raw.body, metrics)
        if call.service == "sts" and call.operation == "GetCallerIdentity":
            self.audit.record(
                caller, call, "sts:GetCallerIdentity", "*", "allowed", ("(always allowed)",)
            )
            return query_reply(call, caller_identity_xml(caller))
        if call.service == "sts" and call.operation == "AssumeRole":
            return self._assume_role(caller, call)
        if call.service == "sts" and call.operation == "GetSessionToken":
            # AWS asks no permission for it; it refuses role sessions' credentials.
            try:
                xml = get_session_token(self.identities, caller, call)
            except ApiError as error:
                self.audit.record(caller, call, "sts:GetSessionToken", "*", "error", ())
                return error_reply(call, error.status, error.code, error.message)
            self.audit.record(
                caller, call, "sts:GetSessionToken", "*", "allowed", ("(always allowed)",)
            )
            return query_reply(call, xml)
        if call.service == "cloudtrail" and call.operation == "LookupEvents":
            check = AccessCheck("cloudtrail", "cloudtrail:LookupEvents", ("*",), region=call.region)
            denied = self.decide(caller, call, check)
            if denied is not None:
                return denied
            try:
                return json_reply(self.audit.lookup_events(call.params))
            except ApiError as error:
                return error_reply(call, error.status, error.code, error.message)
        if call.service == "iam":
            check = iam_check(call, self.identities.account_id)
        elif call.service == "s3":
            try:
                bucket, key = s3_address(raw.headers.get("host", ""), raw.path)
            except ProtocolError as error:
                return error_reply(call, error.status, error.code, error.message)
            check = s3_check(raw.method, bucket, key, raw.query, call.region)
        else:
            check = other_check(call)
        denied = self.decide(caller, call, check)
        return denied if denied is not None else self._forward_implemented(call, environ, raw)

    def _forward_implemented(
        self, call: ApiCall, environ: dict[str, Any], raw: RawRequest
    ) -> Reply:
        """moto's answer; for a JSON or query operation moto lacks (it answers 500), AWS's answer
        to an unknown operation at once, in that protocol's shape, which clients do not retry."""
        try:
            reply = self._forward(environ, raw)
        except NotImplementedError:  # moto raises it for operations it lacks
            if call.protocol == "rest":
                raise
        else:
            if reply.status < 500 or call.protocol == "rest":
                return reply
            log.info("moto failed on %s:%s (%s)", call.service, call.operation, reply.body[:200])
        return error_reply(
            call,
            400,
            UNROUTABLE_CODES[call.protocol],
            f"The sandbox does not implement {call.service}:{call.operation}.",
        )

    def decide(
        self, caller: Caller, call: ApiCall, check: AccessCheck, creates: bool = False
    ) -> Reply | None:
        """Evaluate and audit; the AWS-shaped denial, or None when allowed."""
        result = self.authorizer.check(caller, check, creates=creates)
        self.audit.record_result(caller, call, result)
        if result.allowed:
            return None
        return access_denied(call, result)

    def _assume_role(self, caller: Caller, call: ApiCall) -> Reply:
        try:
            results, xml = self.assume_role.run(caller, call)
        except ApiError as error:
            return error_reply(call, error.status, error.code, error.message)
        for result in results:
            self.audit.record_result(caller, call, result)
        if xml is None:
            return access_denied(call, results[-1])
        return query_reply(call, xml)

    def _saml_sign_in(self, call: ApiCall) -> Reply:
        try:
            federated, results, xml = self.assume_role_with_saml.run(call)
        except ApiError as error:
            return error_reply(call, error.status, error.code, error.message)
        for result in results:
            self.audit.record_result(federated, call, result)
        if xml is None:
            return error_reply(call, 403, "AccessDenied", results[-1].message)
        return query_reply(call, xml)

    def _forward(self, environ: dict[str, Any], raw: RawRequest) -> Reply:
        forwarded = dict(environ)
        forwarded["wsgi.input"] = io.BytesIO(raw.body)
        forwarded["CONTENT_LENGTH"] = str(len(raw.body))
        captured: dict[str, Any] = {}

        def capture(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            captured["status"] = int(status.split(" ", 1)[0])
            captured["headers"] = headers
            return lambda chunk: None

        chunks = self.moto_app(forwarded, capture)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        headers = {
            k: v
            for k, v in captured["headers"]
            if k.lower() not in ("content-length", "content-type")
        }
        content_type = next(
            (v for k, v in captured["headers"] if k.lower() == "content-type"), "text/plain"
        )
        return Reply(captured["status"], body, content_type, headers)


# How each protocol answers a refused signature: (status, code, message or None for the error's).
SIGNING_REFUSALS: dict[str, dict[str, tuple[int, str, str | None]]] = {
    "json": {
        "malformed": (400, "IncompleteSignatureException", None),
        "host_unsigned": (400, "IncompleteSignatureException", None),
        "mismatch": (400, "InvalidSignatureException", BAD_SIGNATURE),
        "content_hash": (400, "InvalidSignatureException", BAD_SIGNATURE),
        "": (400, "InvalidSignatureException", None),
    },
    "query": {
        "malformed": (400, "IncompleteSignature", None),
        "host_unsigned": (400, "IncompleteSignature", None),
        "mismatch": (403, "SignatureDoesNotMatch", BAD_SIGNATURE),
        "content_hash": (403, "SignatureDoesNotMatch", BAD_SIGNATURE),
        "": (403, "SignatureDoesNotMatch", None),
    },
    "rest": {  # S3
        "malformed": (400, "AuthorizationHeaderMalformed", None),
        "skewed": (
            403,
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
        ),
        "expired": (403, "AccessDenied", None),
        "expiry_invalid": (400, "AuthorizationQueryParametersError", None),
        "scope_date": (
            400,
            "AuthorizationHeaderMalformed",
            "The authorization header is malformed; Invalid credential date. "
            "Date is not the same as X-Amz-Date.",
        ),
        "host_unsigned": (403, "AccessDenied", None),
        "unsigned_header": (
            403,
            "AccessDenied",
            "There were headers present in the request which were not signed",
        ),
        "content_hash": (400, "XAmzContentSHA256Mismatch", None),
        "mismatch": (403, "SignatureDoesNotMatch", S3_BAD_SIGNATURE),
        "": (403, "AccessDenied", None),
    },
}


SCOPE_DATE_PRESIGNED = "Invalid credential date. Date is not the same as X-Amz-Date."


def signing_refusal(call: ApiCall, error: SigningError) -> Reply:
    refusals = SIGNING_REFUSALS[call.protocol]
    status, code, message = refusals.get(error.kind, refusals[""])
    if call.protocol == "rest" and error.kind in ("malformed", "scope_date") and _presigned(call):
        status, code = 400, "AuthorizationQueryParametersError"
        message = None if error.kind == "malformed" else SCOPE_DATE_PRESIGNED
    return error_reply(call, status, code, message or error.message)


def _presigned(call: ApiCall) -> bool:
    return "X-Amz-Algorithm" in call.params or "AWSAccessKeyId" in call.params


def _protocol_guess(raw: RawRequest, service: str, region: str) -> ApiCall:
    """A malformed signature names no service: answer in the request's apparent protocol."""
    if raw.headers.get("x-amz-target"):
        protocol = "json"
    elif raw.path == "/" and (b"Action=" in raw.body or "Action=" in raw.query):
        protocol = "query"
    else:
        protocol = "rest"
    return ApiCall(service, "", protocol, dict(parse_qsl(raw.query)), region)


def access_denied(call: ApiCall, result: AccessResult) -> Reply:
    if call.protocol == "json":
        return error_reply(call, 400, "AccessDeniedException", result.message)
    if call.protocol == "query":
        return error_reply(call, 403, "AccessDenied", result.message)
    return error_reply(call, 403, "AccessDenied", "Access Denied")


def _raw_request(environ: dict[str, Any]) -> RawRequest:
    length = environ.get("CONTENT_LENGTH") or ""
    stream = environ["wsgi.input"]
    body = (
        stream.read(int(length))
        if length.isdigit()
        else (stream.read() if environ.get("wsgi.input_terminated") else b"")
    )
    headers = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    if environ.get("CONTENT_LENGTH"):
        headers["content-length"] = environ["CONTENT_LENGTH"]
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
    path, _, query = raw_uri.partition("?")
    return RawRequest(
        environ["REQUEST_METHOD"], path, environ.get("QUERY_STRING", query), headers, body
    )


def _missing_authentication(call: ApiCall) -> Reply:
    if call.protocol == "json":
        return error_reply(
            call, 400, "MissingAuthenticationTokenException", "Missing Authentication Token"
        )
    if call.protocol == "query":
        return error_reply(
            call, 403, "MissingAuthenticationToken", "Request is missing Authentication Token"
        )
    return error_reply(call, 403, "AccessDenied", "Access Denied")


def _unknown_key(call: ApiCall) -> Reply:
    if call.protocol == "json":
        return error_reply(call, 400, "UnrecognizedClientException", INVALID_TOKEN)
    if call.protocol == "query":
        return error_reply(call, 403, "InvalidClientTokenId", INVALID_TOKEN)
    return error_reply(
        call,
        403,
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
    )


def _invalid_token(call: ApiCall) -> Reply:
    if call.protocol == "json":
        return error_reply(call, 400, "UnrecognizedClientException", INVALID_TOKEN)
    if call.protocol == "query":
        return error_reply(call, 403, "InvalidClientTokenId", INVALID_TOKEN)
    return error_reply(
        call, 403, "InvalidToken", "The provided token is malformed or otherwise invalid."
    )
