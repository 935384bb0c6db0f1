"""Fail when any route of the server extension can be reached without authentication.

Starts a real Jupyter server with ``allow_unauthenticated_access=False``, fails if it warns
``JupyterServerAuthWarning`` about our handlers or fails to load the extension, then sends every
method of every route without credentials and expects 403.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tornado.web import RequestHandler

from studio_abac_ext.web.handlers import EXTENSION_NAME
from studio_abac_ext.web.routes import ROUTES

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sample_path(pattern: str) -> str:
    """Turn a route regex into a concrete path by filling each group with a plausible value."""
    return re.sub(r"\(\?P<\w+>[^)]*\)|\([^)]*\)", "sample", pattern).rstrip("$").lstrip("^")


def implemented_methods(handler: type[RequestHandler]) -> list[str]:
    return [
        method
        for method in handler.SUPPORTED_METHODS
        if getattr(handler, method.lower()) is not RequestHandler._unimplemented_method
        and method != "OPTIONS"
    ]


def wait_until_up(url: str, server: subprocess.Popen[Any]) -> None:
    """Return once the server answers ``url`` (any HTTP status); raise if it dies or stalls."""
    deadline = time.monotonic() + STARTUP_SECONDS
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
    raise RuntimeError(f"the Jupyter server did not start within {STARTUP_SECONDS} s")


def probe(base: str) -> list[str]:
    problems = []
    for pattern, handler in ROUTES:
        url = f"{base}/{EXTENSION_NAME}/{sample_path(pattern)}"
        for method in implemented_methods(handler):
            body = b"{}" if method in {"POST", "PUT", "PATCH"} else None
            request = urllib.request.Request(url, data=body, method=method)
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    problems.append(
                        f"{method} {url} answered {response.status} without credentials"
                    )
            except urllib.error.HTTPError as error:
                if error.code != 403:
                    problems.append(f"{method} {url} answered {error.code}, expected 403")
    return problems


def main() -> int:
    port = free_port()
    with tempfile.TemporaryDirectory() as root:
        log_path = Path(root) / "server.log"
        env = {**os.environ, "JUPYTER_CONFIG_DIR": root, "JUPYTER_RUNTIME_DIR": root}
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [
                    sys.executable, "-m", "jupyter_server",
                    f"--port={port}", "--ServerApp.port_retries=0", "--no-browser",
                    "--ServerApp.allow_root=True",
                    "--ServerApp.allow_unauthenticated_access=False",
                    "--IdentityProvider.token=check-auth-token",
                    "--ServerApp.jpserver_extensions={'studio_abac_ext': True}",
                    f"--ServerApp.root_dir={root}",
                ],
                stdout=log, stderr=subprocess.STDOUT, env=env, text=True,
            )  # fmt: skip
            try:
                base = f"http://127.0.0.1:{port}"
                wait_until_up(f"{base}/api/status", server)
                problems = probe(base)
            except RuntimeError as error:
                problems = [str(error)]
            finally:
                server.terminate()
                server.wait(timeout=20)
        output = log_path.read_text()
    # Other installed extensions may warn about their own handlers; only ours fail the check.
    unauthenticated = [
        line
        for line in output.splitlines()
        if line.startswith("- ") and f"/{EXTENSION_NAME}/" in line and "registered for" in line
    ]
    problems += [f"JupyterServerAuthWarning: {line[2:]}" for line in unauthenticated]
    if "Registered studio_abac_ext server extension" not in output:
        problems.append("the extension did not load")
    for problem in problems:
        print(f"check-auth: {problem}", file=sys.stderr)
    if problems:
        print(output[-4000:], file=sys.stderr)
        return 1
    count = sum(len(implemented_methods(handler)) for _, handler in ROUTES)
    print(f"check-auth: {count} route methods refuse unauthenticated requests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
