"""A slow AWS or a slow evaluation must not hold up other work (issue 12, items 6, 13, 14):
client-supplied evaluations run off the event loop under a deadline, cached identity and policies
are served while one refresh is stuck, refused credentials are the documented 503 with advice."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest

from studio_abac_ext.app import admin
from studio_abac_ext.web.handlers import SERVICES_KEY
from tests.http_errors import expect_http_error
from tests.server.test_faults import _Body, assert_still_up

ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
SIMULATE = {
    "principal": "arn:aws:iam::123456789012:role/SageMakerStudioDeveloperTeamARole",
    "action": "sagemaker:DeleteExperiment",
    "resource": "arn:aws:sagemaker:us-east-1:123456789012:experiment/x",
    "policies": [ALLOW_ALL],
}
WAIT = 15  # seconds a fault holds its thread at most, so a failing test still ends


def post_simulate(jp_fetch):
    return jp_fetch(
        "studio-abac-ext", "admin", "simulate", method="POST", body=json.dumps(SIMULATE)
    )


class Gate:
    """A fault that holds the threads that reach it until the test opens it."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.entered = threading.Event()
        self.inside = 0
        self._lock = threading.Lock()

    def hold(self) -> None:
        with self._lock:
            self.inside += 1
        self.entered.set()
        try:
            self.opened.wait(WAIT)
        finally:
            with self._lock:
                self.inside -= 1


@pytest.fixture
def gate() -> Any:
    opened = Gate()
    yield opened
    opened.opened.set()


# --- 6: client-supplied evaluations run off the event loop, under a deadline --------------------


async def test_health_answers_while_a_client_evaluation_runs(jp_fetch, gate, monkeypatch):
    # Given an evaluation that only finishes once /health has answered
    real = admin.evaluate

    def slow_evaluate(*args: Any, **kwargs: Any) -> Any:
        gate.hold()
        return real(*args, **kwargs)

    monkeypatch.setattr(admin, "evaluate", slow_evaluate)
    simulation = asyncio.ensure_future(post_simulate(jp_fetch))
    await asyncio.get_running_loop().run_in_executor(None, gate.entered.wait, WAIT)
    # When /health is asked while it runs
    await assert_still_up(jp_fetch)
    # Then /health answered during the evaluation, which then completes
    assert gate.inside == 1
    gate.opened.set()
    response = await simulation
    assert json.loads(response.body)["decision"] == "allowed"


@pytest.mark.parametrize("studio_abac_config", [{"evaluation_seconds": 0.5}])
async def test_an_evaluation_past_its_deadline_is_a_503_naming_the_limit(
    jp_fetch, gate, monkeypatch
):
    # Given an evaluation that does not finish
    real = admin.evaluate

    def stuck_evaluate(*args: Any, **kwargs: Any) -> Any:
        gate.hold()
        return real(*args, **kwargs)

    monkeypatch.setattr(admin, "evaluate", stuck_evaluate)
    # When it is asked for
    body = await expect_http_error(post_simulate(jp_fetch), 503, "EvaluationTooLong")
    # Then the answer names the limit and its setting, and the server still answers
    assert body["limit"] == "evaluation_seconds" and body["seconds"] == 0.5
    assert "c.StudioAbac.evaluation_seconds" in body["message"]
    await assert_still_up(jp_fetch)


# --- 14: a stuck AWS does not hold up reads of the cached identity and policies -----------------


@pytest.mark.parametrize(
    "studio_abac_config", [{"policy_sources": ["iam"], "policy_cache_seconds": 0}]
)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "identity", None),
        ("POST", "experiments/preflight", json.dumps({"name": "planned"})),
    ],
)
async def test_local_reads_do_not_wait_for_a_stuck_refresh(
    jp_fetch, jp_serverapp, gate, method, path, body
):
    # Given the identity and policies were read once, and their copy is now stale
    await jp_fetch("studio-abac-ext", "identity")
    # And IAM, which the policies are re-read from, hangs
    iam = jp_serverapp.web_app.settings[SERVICES_KEY].clients.get("iam")
    iam.meta.events.register("before-send.iam", lambda **_: gate.hold())
    # When the identity or a preflight is asked for (neither calls AWS itself)
    response = await jp_fetch("studio-abac-ext", *path.split("/"), method=method, body=body)
    # Then it is answered from the copy, and the refresh it started is stuck in IAM (the gate is
    # still closed: the answer did not wait for it)
    assert response.code == 200
    await asyncio.get_running_loop().run_in_executor(None, gate.entered.wait, WAIT)
    assert gate.inside >= 1 and not gate.opened.is_set()
    gate.opened.set()


# --- 13: refused credentials are the documented credentials error ------------------------------


@pytest.fixture
def wrong_secret(persona_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-key")


async def test_a_wrong_secret_key_is_a_503_with_credentials_advice(wrong_secret, jp_fetch):
    body = await expect_http_error(
        jp_fetch("studio-abac-ext", "identity"), 503, "AwsUnavailable", "SignatureDoesNotMatch"
    )
    assert "refused the Jupyter server's credentials" in body["message"]
    assert f"try again in {body['retryAfter']} seconds" in body["message"]


def refusing(code: str):
    def answer(request: Any, **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        payload = json.dumps({"__type": code, "message": "The security token is invalid"})
        headers = {"Content-Type": "application/x-amz-json-1.1"}
        return AWSResponse(request.url, 400, headers, _Body(payload.encode()))

    return answer


@pytest.mark.parametrize(
    ("code", "advice"),
    [
        ("InvalidSignatureException", "refused the Jupyter server's credentials"),
        ("InvalidClientTokenId", "refused the Jupyter server's credentials"),
        ("UnrecognizedClientException", "refused the Jupyter server's credentials"),
        ("ExpiredTokenException", "credentials have expired"),
    ],
)
@pytest.mark.parametrize("studio_abac_config", [{"max_attempts": 1}])
async def test_refused_credentials_are_a_503_with_advice(jp_fetch, jp_serverapp, code, advice):
    # Given SageMaker refuses the server's credentials from now on
    await jp_fetch("studio-abac-ext", "identity")
    sagemaker = jp_serverapp.web_app.settings[SERVICES_KEY].clients.get("sagemaker")
    sagemaker.meta.events.register("before-send.sagemaker.Search", refusing(code))
    # When the resources are asked for
    body = await expect_http_error(
        jp_fetch("studio-abac-ext", "resources"), 503, "AwsUnavailable", code
    )
    # Then the answer says what to do about the credentials, and when to retry
    assert advice in body["message"]
