"""S3's bucket is read as moto reads it, in both addressing styles (raw signed requests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from studio_abac_ext.sandbox import Sandbox
from tests.fixtures.signed_http import send, signed_request

TEAM_B = "userb1@studio"
TEAM_BUCKET = "sagemaker-studio-abac-sandbox"  # the team policy's only bucket
PRIVATE = "team-a-private"


@pytest.fixture
def buckets(fresh_sandbox: Sandbox) -> Iterator[Sandbox]:
    """The team policy's bucket (made through the gateway) and a private one beside it,
    arranged directly in moto's S3 backend (no scenario principal may create it)."""
    from moto.s3.models import s3_backends

    fresh_sandbox.session_for("usera1@studio").client("s3").create_bucket(Bucket=TEAM_BUCKET)
    backend = s3_backends[fresh_sandbox.scenario.account_id]["aws"]
    backend.create_bucket(PRIVATE, "us-east-1")
    backend.put_object(PRIVATE, "secret.csv", b"team A only")
    backend.put_object(PRIVATE, TEAM_BUCKET, b"team A only")
    yield fresh_sandbox
    backend.delete_object(PRIVATE, "secret.csv")
    backend.delete_object(PRIVATE, TEAM_BUCKET)
    backend.delete_bucket(PRIVATE)


def virtual_hosted_get(sandbox: Sandbox, bucket: str, path: str = "/") -> tuple[int, str]:
    request = signed_request(
        sandbox,
        TEAM_B,
        "s3",
        method="GET",
        path=path,
        headers={"Host": f"{bucket}.s3.amazonaws.com"},
    )
    response = send(sandbox, request)
    return response.status, response.text


def test_a_virtual_hosted_request_is_decided_on_the_hosts_bucket(buckets: Sandbox) -> None:
    # Given Team B, allowed to list only the team bucket
    # When it lists "/" with the private bucket in the Host header (moto serves that bucket)
    status, text = virtual_hosted_get(buckets, PRIVATE)
    # Then the gateway decides on the private bucket and denies
    assert status == 403, text
    assert "<Code>AccessDenied</Code>" in text
    assert "secret.csv" not in text


def test_a_virtual_hosted_path_names_a_key_not_a_bucket(buckets: Sandbox) -> None:
    # Given Team B, allowed to ListBucket on the team bucket
    # When it GETs /<team bucket> with the private bucket as the Host (moto reads a key there)
    status, text = virtual_hosted_get(buckets, PRIVATE, path=f"/{TEAM_BUCKET}")
    # Then it is decided as GetObject on the private bucket, and denied
    assert status == 403, text
    assert "<Code>AccessDenied</Code>" in text
    assert "team A only" not in text


def test_both_addressing_styles_reach_the_team_bucket(buckets: Sandbox) -> None:
    # Given Team B's own bucket
    # When it lists it virtual-hosted and path-style
    virtual_status, virtual_text = virtual_hosted_get(buckets, TEAM_BUCKET)
    path_request = signed_request(buckets, TEAM_B, "s3", method="GET", path=f"/{TEAM_BUCKET}")
    path_response = send(buckets, path_request)
    # Then both are allowed listings of that bucket
    assert virtual_status == 200, virtual_text
    assert f"<Name>{TEAM_BUCKET}</Name>" in virtual_text
    assert path_response.status == 200, path_response.text
    assert f"<Name>{TEAM_BUCKET}</Name>" in path_response.text


@pytest.mark.parametrize("path", [f"//{PRIVATE}/secret.csv", f"/{PRIVATE}%2Fsecret.csv"])
def test_paths_moto_would_split_otherwise_are_refused(buckets: Sandbox, path: str) -> None:
    # Given a path-style path whose bucket moto and a plain reading would disagree on
    request = signed_request(buckets, TEAM_B, "s3", method="GET", path=path)
    # When it is sent
    response = send(buckets, request)
    # Then it is refused, never served (Python's HTTP server collapses a leading '//', so that
    # request fails its signature; the gateway refuses '//' paths itself under other servers)
    assert response.status in (400, 403), response.text
    assert "<Code>AccessDenied</Code>" not in response.text
    assert "team A only" not in response.text
