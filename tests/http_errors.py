"""The one helper for asserting the REST API's error responses."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError


async def expect_http_error(
    call: Awaitable[Any], status: int, error: str | None = None, message_contains: str = ""
) -> dict[str, Any]:
    """Await ``call`` (a ``jp_fetch``), check it failed with ``status`` and our JSON error body.

    A 503 must carry its retry advice twice: ``retryAfter`` in the body and the same number of
    seconds in the ``Retry-After`` header. Returns the decoded body so a test can check further
    details.
    """
    with pytest.raises(HTTPClientError) as caught:
        await call
    response = caught.value.response
    assert caught.value.code == status, caught.value
    assert response is not None
    body: dict[str, Any] = json.loads(response.body or b"{}")
    if error is not None:
        assert body.get("error") == error, body
    if message_contains:
        assert message_contains in body.get("message", ""), body
    assert "Traceback" not in json.dumps(body)
    if status == 503:
        assert body["retryAfter"] > 0, body
        assert response.headers.get("Retry-After") == str(body["retryAfter"]), response.headers
    return body
