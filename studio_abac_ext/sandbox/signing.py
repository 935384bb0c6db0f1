"""SigV4: read who signed a request and check the signature the way AWS does."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, quote

ALGORITHM = "AWS4-HMAC-SHA256"
# The header botocore, awscli and the other SDKs write; moto routes on its first comma part.
AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 +Credential=([^,\s]+), *SignedHeaders=([^,\s]+), *Signature=([^,\s]+) *"
)
AMZ_DATE = "%Y%m%dT%H%M%SZ"
MAX_SKEW = timedelta(minutes=15)
MAX_PRESIGNED_EXPIRY = 604800  # seconds: seven days
UNSIGNED_PAYLOADS = ("UNSIGNED-PAYLOAD", "STREAMING-")
SIGNATURE = re.compile(r"[0-9a-f]{64}")


class SigningError(Exception):
    """A signature AWS would refuse; `kind` chooses the refusal's shape for each protocol.

    Kinds: malformed, skewed, expired, expiry_invalid, scope_date, host_unsigned,
    unsigned_header, content_hash, mismatch.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class SignedRequest:
    """What the SigV4 signature of a request claims."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str
    session_token: str | None
    presigned: bool
    version: int = 4
    expires: str = ""


@dataclass(frozen=True)
class RawRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-cased names
    body: bytes


def parse_signature(request: RawRequest) -> SignedRequest | None:
    """The signature claims of a header-signed or presigned (query) request; None if unsigned.

    SigningError("malformed") for an Authorization header or query that is not exactly one
    well-formed signature (moto and the gateway must read the same credential scope)."""
    header = request.headers.get("authorization", "")
    if header.startswith(ALGORITHM):
        match = AUTHORIZATION.fullmatch(header)
        if match is None:
            raise SigningError(
                "malformed",
                "Authorization header must be 'AWS4-HMAC-SHA256 Credential=..., "
                "SignedHeaders=..., Signature=...'.",
            )
        return _claims(
            match.group(1),
            match.group(2),
            match.group(3),
            request.headers.get("x-amz-date", ""),
            request.headers.get("x-amz-security-token"),
            presigned=False,
        )
    pairs = parse_qsl(request.query, keep_blank_values=True)
    query = dict(pairs)
    if "AWSAccessKeyId" in query and "Signature" in query:
        # botocore still presigns S3 URLs with SigV2 query authentication by default
        return SignedRequest(
            access_key_id=query["AWSAccessKeyId"],
            date="",
            region="",
            service="s3",
            signed_headers=(),
            signature=query["Signature"],
            amz_date=query.get("Expires", ""),
            session_token=query.get("x-amz-security-token"),
            presigned=True,
            version=2,
        )
    if query.get("X-Amz-Algorithm") == ALGORITHM:
        names = [name for name, _ in pairs]
        if len(names) != len(set(names)):
            raise SigningError("malformed", "A query authentication parameter is repeated.")
        return _claims(
            query.get("X-Amz-Credential", ""),
            query.get("X-Amz-SignedHeaders", ""),
            query.get("X-Amz-Signature", ""),
            query.get("X-Amz-Date", ""),
            query.get("X-Amz-Security-Token"),
            presigned=True,
            expires=query.get("X-Amz-Expires", ""),
        )
    return None


def _claims(
    credential: str,
    signed_headers: str,
    signature: str,
    amz_date: str,
    token: str | None,
    presigned: bool,
    expires: str = "",
) -> SignedRequest:
    scope = credential.split("/")
    if len(scope) != 5 or scope[4] != "aws4_request" or not all(scope):
        raise SigningError(
            "malformed",
            f"Credential should be scoped to a valid region, not '{credential}'; it must be "
            "'<key>/<date>/<region>/<service>/aws4_request'.",
        )
    return SignedRequest(
        access_key_id=scope[0],
        date=scope[1],
        region=scope[2],
        service=scope[3],
        signed_headers=tuple(signed_headers.split(";")) if signed_headers else (),
        signature=signature,
        amz_date=amz_date,
        session_token=token,
        presigned=presigned,
        expires=expires,
    )


def verify_signature(
    request: RawRequest, claims: SignedRequest, secret_access_key: str, now: datetime
) -> None:
    """Check the request as AWS does, in its order: time, scope, signed headers, signature,
    payload hash. Raises SigningError; returns when the request is authentic and current."""
    if claims.version == 2:
        _verify_v2(request, claims, secret_access_key, now)
        return
    signed_at = _check_time(claims, now)
    if claims.date != signed_at.strftime("%Y%m%d"):
        raise SigningError(
            "scope_date",
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{claims.date}' != '{claims.amz_date[:8]}', from '{claims.amz_date}'.",
        )
    _check_signed_headers(request, claims)
    canonical = _canonical_request(request, claims)
    scope = f"{claims.date}/{claims.region}/{claims.service}/aws4_request"
    string_to_sign = "\n".join(
        [ALGORITHM, claims.amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = ("AWS4" + secret_access_key).encode()
    for part in (claims.date, claims.region, claims.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    # a non-hex (or non-ASCII) signature cannot match; compare_digest needs ASCII strings
    if not SIGNATURE.fullmatch(claims.signature) or not hmac.compare_digest(
        expected, claims.signature
    ):
        raise SigningError("mismatch", "The request signature does not match.")
    _check_payload_hash(request, claims)


def _check_time(claims: SignedRequest, now: datetime) -> datetime:
    try:
        signed_at = datetime.strptime(claims.amz_date, AMZ_DATE).replace(tzinfo=timezone.utc)
    except ValueError:
        raise SigningError(
            "malformed",
            "Authorization requires an X-Amz-Date in ISO 8601 basic format (YYYYMMDDTHHMMSSZ).",
        ) from None
    stamp = now.strftime(AMZ_DATE)
    if claims.presigned:
        if not claims.expires.isdigit():
            raise SigningError("expiry_invalid", "X-Amz-Expires should be a number")
        if int(claims.expires) > MAX_PRESIGNED_EXPIRY:
            raise SigningError(
                "expiry_invalid",
                "X-Amz-Expires must be less than a week (in seconds) that is 604800",
            )
        if now > signed_at + timedelta(seconds=int(claims.expires)):
            raise SigningError("expired", "Request has expired")
    elif signed_at < now - MAX_SKEW:
        raise SigningError(
            "skewed",
            f"Signature expired: {claims.amz_date} is now earlier than "
            f"{(now - MAX_SKEW).strftime(AMZ_DATE)} ({stamp} - 15 min.)",
        )
    if signed_at > now + MAX_SKEW:
        raise SigningError(
            "skewed",
            f"Signature not yet current: {claims.amz_date} is still later than "
            f"{(now + MAX_SKEW).strftime(AMZ_DATE)} ({stamp} + 15 min.)",
        )
    return signed_at


def _check_signed_headers(request: RawRequest, claims: SignedRequest) -> None:
    signed = set(claims.signed_headers)
    if "host" not in signed:
        raise SigningError(
            "host_unsigned",
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        )
    # x-amz-content-sha256 is bound by the canonical request's payload hash when unsigned
    unsigned = sorted(
        name
        for name in request.headers
        if name.startswith("x-amz-")
        and name not in signed
        and not (name == "x-amz-content-sha256" and not claims.presigned)
    )
    if unsigned:
        raise SigningError(
            "unsigned_header",
            "There were headers present in the request which were not signed: "
            + ", ".join(unsigned),
        )


def _check_payload_hash(request: RawRequest, claims: SignedRequest) -> None:
    given = request.headers.get("x-amz-content-sha256")
    if claims.presigned or given is None or given.startswith(UNSIGNED_PAYLOADS):
        return
    if given != hashlib.sha256(request.body).hexdigest():
        raise SigningError(
            "content_hash",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        )


def _canonical_request(request: RawRequest, claims: SignedRequest) -> str:
    # S3 signs the path as sent; every other service signs it URI-encoded once more.
    path = request.path or "/"
    canonical_path = path if claims.service == "s3" else quote(path, safe="/~")
    pairs = parse_qsl(request.query, keep_blank_values=True)
    if claims.presigned:
        pairs = [(k, v) for k, v in pairs if k != "X-Amz-Signature"]
    canonical_query = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(pairs)
    )
    header_lines = "".join(
        f"{name}:{' '.join(request.headers.get(name, '').split())}\n"
        for name in claims.signed_headers
    )
    body_hash = hashlib.sha256(request.body).hexdigest()
    if claims.presigned:
        payload_hash = "UNSIGNED-PAYLOAD"
    elif claims.service == "s3":
        payload_hash = request.headers.get("x-amz-content-sha256") or body_hash
    else:
        # only S3 reads the payload hash from a header; every other service hashes the body
        payload_hash = body_hash
    return "\n".join(
        [
            request.method,
            canonical_path,
            canonical_query,
            header_lines,
            ";".join(claims.signed_headers),
            payload_hash,
        ]
    )


# Sub-resources S3's SigV2 signs as part of the resource (botocore's list).
V2_SIGNED_SUBRESOURCES = {
    "accelerate",
    "acl",
    "cors",
    "defaultObjectAcl",
    "location",
    "logging",
    "partNumber",
    "policy",
    "requestPayment",
    "torrent",
    "versioning",
    "versionId",
    "versions",
    "website",
    "uploads",
    "uploadId",
    "response-content-type",
    "response-content-language",
    "response-expires",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "delete",
    "lifecycle",
    "tagging",
    "restore",
    "storageClass",
    "notification",
    "replication",
    "analytics",
    "metrics",
    "inventory",
    "select",
    "select-type",
    "object-lock",
}


def _verify_v2(request: RawRequest, claims: SignedRequest, secret: str, now: datetime) -> None:
    """S3 SigV2 query authentication: HMAC-SHA1 over method, headers, expiry and resource."""
    if not claims.amz_date.isdigit():
        raise SigningError("malformed", "Expires must be a number of seconds since the epoch.")
    if int(claims.amz_date) < now.timestamp():
        raise SigningError("expired", "Request has expired")
    pairs = parse_qsl(request.query, keep_blank_values=True)
    query = dict(pairs)
    amz = sorted((k.lower(), v) for k, v in pairs if k.lower().startswith("x-amz-"))
    resource = request.path or "/"
    if resource.count("/") == 1 and resource != "/":
        resource += "/"  # botocore signs a bucket's path as /bucket/
    signed = sorted((k, v) for k, v in pairs if k in V2_SIGNED_SUBRESOURCES)
    if signed:
        resource += "?" + "&".join(f"{k}={v}" if v else k for k, v in signed)
    lines = [
        request.method,
        query.get("content-md5", ""),
        query.get("content-type", ""),
        claims.amz_date,
        *(f"{k}:{v}" for k, v in amz),
        resource,
    ]
    digest = hmac.new(secret.encode(), "\n".join(lines).encode(), hashlib.sha1).digest()
    expected = base64.b64encode(digest)
    if not hmac.compare_digest(expected, claims.signature.encode("utf-8", "replace")):
        raise SigningError("mismatch", "The request signature does not match.")
