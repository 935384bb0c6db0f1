"""SigV4 as AWS checks it: expiry, clock skew, scope date, signed headers, payload hash
(raw requests signed with botocore's own signers)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from studio_abac_ext.sandbox import Sandbox
from tests.fixtures.signed_http import FORM, sagemaker_headers, send, signed_request, signed_send

TEAM_B = "userb1@studio"
BUCKET = "sagemaker-studio-abac-sandbox"
LIST_ROLES = b"Action=ListRoles&Version=2010-05-08"


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@pytest.fixture
def bucket(fresh_sandbox: Sandbox) -> Sandbox:
    fresh_sandbox.session_for("usera1@studio").client("s3").create_bucket(Bucket=BUCKET)
    return fresh_sandbox


def test_an_expired_presigned_url_is_refused(bucket: Sandbox) -> None:
    # Given a ListBucket URL presigned ten minutes ago for one minute
    request = signed_request(
        bucket,
        TEAM_B,
        "s3",
        method="GET",
        path=f"/{BUCKET}",
        presign_expires=60,
        at=utcnow() - timedelta(minutes=10),
    )
    # When it is fetched
    response = send(bucket, request)
    # Then S3 says the request has expired
    assert response.status == 403, response.text
    assert "<Code>AccessDenied</Code>" in response.text
    assert "Request has expired" in response.text


def test_a_presigned_url_for_more_than_a_week_is_refused(bucket: Sandbox) -> None:
    # Given a URL presigned for 604,801 seconds (AWS's maximum is 604,800)
    request = signed_request(
        bucket, TEAM_B, "s3", method="GET", path=f"/{BUCKET}", presign_expires=604801
    )
    # When it is fetched
    response = send(bucket, request)
    # Then it is refused as S3 refuses it
    assert response.status == 400, response.text
    assert "<Code>AuthorizationQueryParametersError</Code>" in response.text
    assert "604800" in response.text


def test_a_fresh_presigned_url_for_a_week_works(bucket: Sandbox) -> None:
    # Given a URL presigned now for exactly a week
    request = signed_request(
        bucket, TEAM_B, "s3", method="GET", path=f"/{BUCKET}", presign_expires=604800
    )
    # When it is fetched, Then it is allowed
    response = send(bucket, request)
    assert response.status == 200, response.text


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime(2001, 1, 1), "Signature expired: 20010101T000000Z is now earlier than"),
        (datetime(2099, 1, 1), "Signature not yet current: 20990101T000000Z is still later than"),
    ],
)
def test_header_signed_requests_outside_15_minutes_are_refused(
    fresh_sandbox: Sandbox, moment: datetime, words: str
) -> None:
    # Given IAM, SageMaker and S3 calls signed with a clock of 2001 or 2099
    iam = signed_send(fresh_sandbox, TEAM_B, "iam", body=LIST_ROLES, headers=FORM, at=moment)
    sagemaker = signed_send(
        fresh_sandbox,
        TEAM_B,
        "sagemaker",
        body=b"{}",
        headers=sagemaker_headers("ListModels"),
        at=moment,
    )
    s3 = signed_send(fresh_sandbox, TEAM_B, "s3", method="GET", path="/", at=moment)
    # Then each service refuses in its own shape
    assert iam.status == 403, iam.text
    assert "<Code>SignatureDoesNotMatch</Code>" in iam.text and words in iam.text
    assert sagemaker.status == 400, sagemaker.text
    body = json.loads(sagemaker.body)
    assert body["__type"] == "InvalidSignatureException" and words in body["Message"]
    assert s3.status == 403, s3.text
    assert "<Code>RequestTimeTooSkewed</Code>" in s3.text


def test_a_scope_date_other_than_the_request_date_is_refused(fresh_sandbox: Sandbox) -> None:
    # Given a correctly computed signature whose credential scope is dated another day
    iam = signed_send(
        fresh_sandbox, TEAM_B, "iam", body=LIST_ROLES, headers=FORM, scope_date="20010101"
    )
    # Then IAM refuses it
    assert iam.status == 403, iam.text
    assert "<Code>SignatureDoesNotMatch</Code>" in iam.text
    assert "Date in Credential scope does not match" in iam.text


def test_an_unsigned_host_is_refused(fresh_sandbox: Sandbox) -> None:
    # Given a SageMaker call signed over every header but Host
    response = signed_send(
        fresh_sandbox,
        TEAM_B,
        "sagemaker",
        body=b"{}",
        headers=sagemaker_headers("ListModels"),
        sign_host=False,
    )
    # Then it is refused as an incomplete signature
    assert response.status == 400, response.text
    assert json.loads(response.body)["__type"] == "IncompleteSignatureException"


def test_an_x_amz_header_added_after_signing_is_refused(bucket: Sandbox) -> None:
    # Given a signed ListBucket to which an unsigned x-amz- header is added
    request = signed_request(bucket, TEAM_B, "s3", method="GET", path=f"/{BUCKET}")

    def add_header(headers: dict[str, str]) -> None:
        headers["x-amz-request-payer"] = "requester"

    # When it is sent
    response = send(bucket, request, edit_headers=add_header)
    # Then S3 refuses the unsigned header
    assert response.status == 403, response.text
    assert "There were headers present in the request which were not signed" in response.text


def test_a_body_other_than_the_signed_hash_is_refused(bucket: Sandbox) -> None:
    # Given a PutObject signed over one body's x-amz-content-sha256, sent with another body
    request = signed_request(
        bucket, TEAM_B, "s3", method="PUT", path=f"/{BUCKET}/data.csv", body=b"signed body"
    )
    request.data = b"other body!"
    # When it is sent
    response = send(bucket, request)
    # Then S3 says the content hash does not match
    assert response.status == 400, response.text
    assert "<Code>XAmzContentSHA256Mismatch</Code>" in response.text


def test_a_json_body_other_than_the_signed_one_is_refused(fresh_sandbox: Sandbox) -> None:
    # Given a SageMaker call carrying a signed x-amz-content-sha256 of another body
    import hashlib

    signed_hash = hashlib.sha256(b"{}").hexdigest()
    request = signed_request(
        fresh_sandbox,
        TEAM_B,
        "sagemaker",
        body=b"{}",
        headers={**sagemaker_headers("ListModels"), "X-Amz-Content-SHA256": signed_hash},
    )
    request.data = b'{"MaxResults": 1}'
    # When it is sent, Then the signature does not match the body
    response = send(fresh_sandbox, request)
    assert response.status == 400, response.text
    assert json.loads(response.body)["__type"] == "InvalidSignatureException"


def test_a_non_ascii_signature_is_a_403_not_a_500(fresh_sandbox: Sandbox) -> None:
    # Given a signed IAM call whose signature is replaced by non-ASCII text
    request = signed_request(fresh_sandbox, TEAM_B, "iam", body=LIST_ROLES, headers=FORM)

    def garble(headers: dict[str, str]) -> None:
        value = headers["Authorization"]
        headers["Authorization"] = value.split("Signature=")[0] + "Signature=" + "é" * 64

    # When it is sent
    response = send(fresh_sandbox, request, edit_headers=garble)
    # Then IAM answers AWS's signature mismatch
    assert response.status == 403, response.text
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text
