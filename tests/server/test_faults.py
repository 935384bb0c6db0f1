"""AWS throttled, slow or gone: a 503 with retry advice, and the server keeps answering."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from studio_abac_ext.web.handlers import SERVICES_KEY
from tests.http_errors import expect_http_error


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """Accepts connections and never answers: what a hung AWS looks like to a client."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        server.close()


async def assert_still_up(jp_fetch) -> None:
    response = await jp_fetch("studio-abac-ext", "health")
    assert response.code == 200


@pytest.mark.parametrize("aws_endpoint", ["closed"], indirect=True)
@pytest.mark.parametrize("studio_abac_config", [{"max_attempts": 1}])
async def test_unreachable_aws_is_a_503_with_retry_advice(jp_fetch):
    # Given the AWS endpoint is a closed loopback port
    # When the identity is asked for
    body = await expect_http_error(
        jp_fetch("studio-abac-ext", "identity"), 503, "AwsUnavailable", "cannot be reached"
    )
    # Then the body says what to check and when to retry, and the server still answers
    assert "Check the network and the AWS endpoint" in body["message"]
    assert f"try again in {body['retryAfter']} seconds" in body["message"]
    await assert_still_up(jp_fetch)


@pytest.fixture
def aws_endpoint(request: pytest.FixtureRequest) -> str | None:
    """``closed``: nothing listens; ``silent``: accepts and never answers."""
    kind = getattr(request, "param", None)
    if kind == "closed":
        return f"http://127.0.0.1:{closed_port()}"
    if kind == "silent":
        return str(request.getfixturevalue("silent_endpoint"))
    return None


@pytest.mark.parametrize("aws_endpoint", ["silent"], indirect=True)
@pytest.mark.parametrize("studio_abac_config", [{"read_timeout": 0.3, "max_attempts": 1}])
async def test_a_hung_aws_times_out_into_a_503(jp_fetch):
    # Given an AWS endpoint that accepts and never answers
    # When the resources are asked for
    body = await expect_http_error(
        jp_fetch("studio-abac-ext", "resources"), 503, "AwsUnavailable", "did not answer in time"
    )
    # Then the caller is told to retry, and how long the server waits, and the server still answers
    assert f"try again in {body['retryAfter']} seconds" in body["message"]
    assert "c.StudioAbac.read_timeout" in body["message"]
    await assert_still_up(jp_fetch)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


def throttle(request: Any, **_: Any) -> AWSResponse:
    """What SageMaker answers when the account's request rate is exceeded."""
    body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.1"}
    return AWSResponse(request.url, 400, headers, _Body(body))


@pytest.mark.parametrize("studio_abac_config", [{"max_attempts": 2}])
async def test_throttling_is_a_503_after_retries(jp_fetch, jp_serverapp):
    # Given the identity is known, then SageMaker starts throttling every Search
    await jp_fetch("studio-abac-ext", "identity")
    sagemaker = jp_serverapp.web_app.settings[SERVICES_KEY].clients.get("sagemaker")
    sagemaker.meta.events.register("before-send.sagemaker.Search", throttle)
    # When the resources are asked for
    body = await expect_http_error(
        jp_fetch("studio-abac-ext", "resources"), 503, "AwsUnavailable", "ThrottlingException"
    )
    # Then the caller learns AWS is limiting the rate and when to retry; the server still answers
    assert "limiting the request rate" in body["message"]
    assert f"try again in {body['retryAfter']} seconds" in body["message"]
    await assert_still_up(jp_fetch)


@pytest.fixture
def no_credentials(persona_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The persona's environment without any AWS credentials (and no instance role to ask)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


async def test_no_credentials_is_a_503_saying_what_to_give(no_credentials, jp_fetch):
    # Given a server that finds no AWS credentials anywhere
    # When the identity is asked for
    body = await expect_http_error(
        jp_fetch("studio-abac-ext", "identity"), 503, "AwsUnavailable", "No AWS credentials"
    )
    # Then the advice says which credentials to give, then when to retry
    assert "Give the Jupyter server AWS credentials" in body["message"]
    assert f"try again in {body['retryAfter']} seconds" in body["message"]
    await assert_still_up(jp_fetch)
