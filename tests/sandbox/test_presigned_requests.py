"""Query-signed (presigned) S3 requests are authenticated and decided like header-signed ones."""

from __future__ import annotations

import pytest
import requests
from botocore.config import Config

from studio_abac_ext.sandbox import Sandbox

BUCKET = "sagemaker-studio-abac-sandbox"


@pytest.mark.parametrize("signature_version", ["s3", "s3v4"])
def test_a_presigned_url_works_and_a_tampered_one_does_not(
    fresh_sandbox: Sandbox, signature_version: str
) -> None:
    # Given Team A's session made the policy's bucket and presigned a ListBucket URL
    # (botocore's default presigning is SigV2 query authentication; s3v4 is SigV4)
    session = fresh_sandbox.session_for("usera1@studio")
    session.client("s3").create_bucket(Bucket=BUCKET)
    s3 = session.client("s3", config=Config(signature_version=signature_version))
    url = s3.generate_presigned_url("list_objects_v2", Params={"Bucket": BUCKET}, ExpiresIn=300)
    # When the URL is fetched as is, and with its signature altered
    fetched = requests.get(url, timeout=10)
    tampered = requests.get(url.replace("Signature=", "Signature=0"), timeout=10)
    # Then the first is allowed and the second fails the signature check
    assert fetched.status_code == 200, fetched.text
    assert tampered.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in tampered.text


def test_a_presigned_url_is_still_decided_by_iam(fresh_sandbox: Sandbox) -> None:
    # Given Team A presigns a GetObject URL (an object ARN, which team-2's policy does not name)
    s3 = fresh_sandbox.session_for("usera1@studio").client("s3")
    s3.create_bucket(Bucket=BUCKET)
    url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "data.csv"})
    # When it is fetched
    response = requests.get(url, timeout=10)
    # Then S3 answers AccessDenied, as AWS would with the document's policy
    assert response.status_code == 403
    assert "<Code>AccessDenied</Code>" in response.text
