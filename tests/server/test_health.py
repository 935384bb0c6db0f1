"""The first slice: the frontend's health check reaches the server extension."""

from __future__ import annotations

import json

import jupyter_server

from studio_abac_ext import __version__
from tests.http_errors import expect_http_error


async def test_health_reports_extension_and_server_versions(jp_fetch):
    # Given a Jupyter server with the extension enabled
    # When the frontend asks for the health of the extension
    response = await jp_fetch("studio-abac-ext", "health")
    # Then it answers with both versions, so the frontend can detect a mismatch
    assert response.code == 200
    payload = json.loads(response.body)
    assert payload == {
        "name": "studio-abac-ext",
        "version": __version__,
        "serverVersion": jupyter_server.__version__,
    }


async def test_health_requires_authentication(jp_fetch):
    # Given a request without the server's token
    # When it asks for the health endpoint
    # Then the server refuses it
    await expect_http_error(
        jp_fetch("studio-abac-ext", "health", headers={"Authorization": ""}), 403
    )
