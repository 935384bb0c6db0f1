"""SigV4: read who signed a request and check the signature the way AWS does."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote

ALGORITHM = "AWS4-HMAC-SHA256"


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


@dataclass(frozen=True)
class RawRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-cased names
    body: bytes


def parse_signature(request: RawRequest) -> SignedRequest | None:
    """The signature claims of a header-signed or presigned (query) request; None if unsigned."""
    header = request.headers.get("authorization", "")
    if header.startswith(ALGORITHM):
        parts = dict(
            item.strip().split("=", 1)
            for item in header[len(ALGORITHM) :].split(",")
            if "=" in item
        )
        return _claims(
            parts.get("Credential", ""),
            parts.get("SignedHeaders", ""),
            parts.get("Signature", ""),
            request.headers.get("x-amz-date", ""),
            request.headers.get("x-amz-security-token"),
            presigned=False,
        )
    query = dict(parse_qsl(request.query, keep_blank_values=True))
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
        return _claims(
            query.get("X-Amz-Credential", ""),
            query.get("X-Amz-SignedHeaders", ""),
            query.get("X-Amz-Signature", ""),
            query.get("X-Amz-Date", ""),
            query.get("X-Amz-Security-Token"),
            presigned=True,
        )
    return None


def _claims(
    credential: str,
    signed_headers: str,
    signature: str,
    amz_date: str,
    token: str | None,
    presigned: bool,
) -> SignedRequest | None:
    scope = credential.split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        return None
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
    )


def signature_matches(request: RawRequest, claims: SignedRequest, secret_access_key: str) -> bool:
    """Recompute the signature with the caller's secret and compare in constant time."""
    if claims.version == 2:
        return _v2_signature_matches(request, claims, secret_access_key)
    canonical = _canonical_request(request, claims)
    scope = f"{claims.date}/{claims.region}/{claims.service}/aws4_request"
    string_to_sign = "\n".join(
        [ALGORITHM, claims.amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = ("AWS4" + secret_access_key).encode()
    for part in (claims.date, claims.region, claims.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, claims.signature)


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
    if claims.presigned:
        payload_hash = "UNSIGNED-PAYLOAD"
    else:
        payload_hash = (
            request.headers.get("x-amz-content-sha256") or hashlib.sha256(request.body).hexdigest()
        )
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


def _v2_signature_matches(request: RawRequest, claims: SignedRequest, secret: str) -> bool:
    """S3 SigV2 query authentication: HMAC-SHA1 over method, headers, expiry and resource."""
    if not claims.amz_date.isdigit() or int(claims.amz_date) < time.time():
        return False
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
    return hmac.compare_digest(base64.b64encode(digest).decode(), claims.signature)
