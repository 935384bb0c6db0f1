"""One principal's slow policy evaluation does not hold up another principal's request."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from studio_abac_ext.sandbox import Sandbox, authorization
from tests.fixtures.signed_http import RawResponse, sagemaker_headers, signed_send

# Generous bounds so a broken sandbox fails the test instead of hanging it; nothing is timed.
GIVE_UP_AFTER = 30


@pytest.fixture
def slow_team_b(
    fresh_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[threading.Event, threading.Event]]:
    """The engine entry point, made to stall on Team B's evaluations until released: a fault
    the real engine cannot produce on demand. Yields (entered, release)."""
    entered, release = threading.Event(), threading.Event()
    real_evaluate = authorization.evaluate

    def stalling_evaluate(request: Any, *args: Any, **kwargs: Any) -> Any:
        if "TeamBRole" in request.principal_arn:
            entered.set()
            release.wait(GIVE_UP_AFTER)
        return real_evaluate(request, *args, **kwargs)

    monkeypatch.setattr(authorization, "evaluate", stalling_evaluate)
    try:
        yield entered, release
    finally:
        release.set()


def list_experiments(sandbox: Sandbox, principal: str) -> RawResponse:
    return signed_send(
        sandbox, principal, "sagemaker", body=b"{}", headers=sagemaker_headers("ListExperiments")
    )


def test_a_slow_evaluation_blocks_no_other_principal(
    fresh_sandbox: Sandbox, slow_team_b: tuple[threading.Event, threading.Event]
) -> None:
    entered, release = slow_team_b
    with ThreadPoolExecutor(max_workers=2) as pool:
        # Given Team B's request stalled inside its policy evaluation
        team_b = pool.submit(list_experiments, fresh_sandbox, "userb1@studio")
        assert entered.wait(GIVE_UP_AFTER), "Team B's evaluation never started"
        # When Team A lists experiments meanwhile
        team_a = pool.submit(list_experiments, fresh_sandbox, "usera1@studio")
        answered = team_a.result(timeout=GIVE_UP_AFTER)
        # Then Team A is answered while Team B is still being evaluated
        assert answered.status == 200, answered.text
        assert not team_b.done()
        # and Team B is answered once its evaluation finishes
        release.set()
        assert team_b.result(timeout=GIVE_UP_AFTER).status == 200
