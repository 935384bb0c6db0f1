"""Random requests to every endpoint, generated from the OpenAPI file: never a 5xx, and every
answer matches its documented schema.

The server runs as a subprocess (as Studio runs it) so the synchronous schemathesis client and
the server do not share an event loop; it acts as UserA1 against the session's sandbox.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from studio_abac_ext.sandbox import Sandbox

OPENAPI = Path(__file__).parents[2] / "studio_abac_ext" / "openapi.yaml"
schema = schemathesis.openapi.from_path(str(OPENAPI))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the Jupyter server exited during start-up")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the Jupyter server did not start within 60 s")


@pytest.fixture(scope="module")
def live_server(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    sandbox.reset()
    root = tmp_path_factory.mktemp("jupyter")
    token = secrets.token_hex(16)
    port = free_port()
    env = {
        **os.environ,
        **sandbox.env_for("usera1@studio"),
        "STUDIO_ABAC_TEAM": "TeamA",
        "JUPYTER_CONFIG_DIR": str(root),
        "JUPYTER_RUNTIME_DIR": str(root),
    }
    log = (root / "server.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "jupyter_server", f"--port={port}", "--no-browser",
            "--ServerApp.port_retries=0", "--ServerApp.allow_root=True",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            "--ServerApp.jpserver_extensions={'studio_abac_ext': True}",
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/api/status", server)
        yield {"base_url": f"{base}/studio-abac-ext", "token": token}
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_endpoint_answers_random_input_as_documented(case, live_server):
    # Given any request the OpenAPI file allows (and, from hypothesis, edge cases of it)
    # When it is sent to the running server as UserA1
    # Then no answer is a 5xx, and each matches the documented status, type and schema
    # The scheme's header is generated at random; authentication is tested elsewhere.
    case.headers = {**(case.headers or {}), "Authorization": f"token {live_server['token']}"}
    case.call_and_validate(base_url=live_server["base_url"], checks=CHECKS)
