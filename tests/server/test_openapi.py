"""Random requests to every endpoint, generated from the OpenAPI file: never a 5xx, and every
answer matches its documented schema.

The server runs as a subprocess (as Studio runs it) so the synchronous schemathesis client and
the server do not share an event loop; it acts as UserA1 against the session's sandbox.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

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
CHECK_AUTH = Path(__file__).parents[2] / "scripts" / "check_auth.py"
schema = schemathesis.openapi.from_path(str(OPENAPI))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _load_check_auth() -> ModuleType:
    """The server start-up helpers of scripts/check_auth.py, which runs a server the same way."""
    spec = importlib.util.spec_from_file_location("check_auth", CHECK_AUTH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_auth = _load_check_auth()


@pytest.fixture(scope="module")
def live_server(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    sandbox.reset()
    root = tmp_path_factory.mktemp("jupyter")
    token = secrets.token_hex(16)
    port = check_auth.free_port()
    env = {
        **os.environ,
        **sandbox.env_for("usera1@studio"),
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
        check_auth.wait_until_up(f"{base}/api/status", server)
        yield {"base_url": f"{base}/studio-abac-ext", "token": token}
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


# The reduced run of `make test`; `make fuzz` sets STUDIO_ABAC_FUZZ_EXAMPLES for the full one and
# STUDIO_ABAC_FUZZ_COUNTS to a file that receives the answers' statuses per route.
EXAMPLES = int(os.environ.get("STUDIO_ABAC_FUZZ_EXAMPLES", "25"))
STATUSES: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def status_counts() -> Iterator[None]:
    yield
    target = os.environ.get("STUDIO_ABAC_FUZZ_COUNTS")
    if target:
        Path(target).write_text(json.dumps(dict(sorted(STATUSES.items())), indent=1) + "\n")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_endpoint_answers_random_input_as_documented(case, live_server):
    # Given any request the OpenAPI file allows (and, from hypothesis, edge cases of it)
    # When it is sent to the running server as UserA1
    # Then no answer is a 5xx, and each matches the documented status, type and schema
    # The scheme's header is generated at random; authentication is tested elsewhere.
    # A random Host header is refused by tornado's HTTP layer (an empty 400) before any route.
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "host"}
    case.headers = {**headers, "Authorization": f"token {live_server['token']}"}
    response = case.call_and_validate(base_url=live_server["base_url"], checks=CHECKS)
    STATUSES[f"{case.method} {case.path} {response.status_code}"] += 1
