"""SigV4: read who signed a request and check the signature the way AWS does."""

from __future__ import annotations

import hashlib
import hmac
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
