"""GET resources at scale: AWS calls per page, first-page latency with where the time goes,
server memory, and whether a slow AWS blocks other requests. Prints figures; asserts nothing.

The breakdown comes from the extension's Server-Timing header (time waiting on AWS vs its own
time) and from timing the sandbox's Search alone, in this process.

Seeds the sandbox with 10,000 experiments over 5 teams, starts a Jupyter server (subprocess) as
UserA1 in Team A, then measures. Run: ``python benchmarks/bench_resources.py``.
"""

from __future__ import annotations

import gc
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from studio_abac_ext.aws.resources import KINDS, ResourceSearch, Scope, search_params
from studio_abac_ext.sandbox import Sandbox
from studio_abac_ext.sandbox.experiments_api import Actor, create_experiment
from studio_abac_ext.sandbox.search import search
from studio_abac_ext.scenario import default_scenario_path, load_scenario

EXPERIMENTS = 10_000
TEAMS = ("TeamA", "TeamB", "TeamC", "TeamD", "TeamE")
SLOW_AWS_SECONDS = 0.5
CONCURRENT = 50


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(sandbox: Sandbox) -> None:
    with sandbox.store.lock:
        for number in range(EXPERIMENTS):
            team = TEAMS[number % len(TEAMS)]
            params = {
                "ExperimentName": f"bench-{team.lower()}-{number}",
                "Tags": [{"Key": "team", "Value": team}],
            }
            create_experiment(sandbox.store, params, Actor())


class GcPauses:
    """Full garbage collections of this process (the sandbox's) and how long each took."""

    def __init__(self) -> None:
        self.pauses_ms: list[float] = []
        self._started = 0.0
        gc.callbacks.append(self._record)

    def _record(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses_ms.append((time.perf_counter() - self._started) * 1000)

    def report(self) -> str:
        pauses = ", ".join(f"{ms:.0f}" for ms in self.pauses_ms) or "none"
        return f"full GC pauses in the sandbox's process during the runs (ms): {pauses}"


def settle(sandbox_records: str) -> None:
    """The sandbox runs in this process and real AWS has no Python heap: with 10,000 seeded
    records a full collection of that heap pauses the sandbox for 60-300 ms on this machine, which
    would show as slow AWS answers. Frozen, the seeded records are left out of collections."""
    gc.collect()
    gc.freeze()
    print(f"{sandbox_records}; seeded objects frozen out of garbage collection")


class SlowProxy(BaseHTTPRequestHandler):
    """Forwards to the sandbox after a pause, Host header untouched (SigV4 signs it)."""

    target_port = 0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(SLOW_AWS_SECONDS)
        connection = http.client.HTTPConnection("127.0.0.1", self.target_port, timeout=60)
        headers = {k: v for k, v in self.headers.items()}
        connection.request("POST", self.path, body=body, headers=headers)
        reply = connection.getresponse()
        data = reply.read()
        self.send_response(reply.status)
        for key, value in reply.getheaders():
            if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


def server_timing(header: str) -> dict[str, float]:
    """``aws;dur=12.5;desc="1 AWS calls", app;dur=3.1`` -> {"aws": 12.5, "app": 3.1}."""
    durations: dict[str, float] = {}
    for metric in header.split(","):
        name, *params = [part.strip() for part in metric.split(";")]
        for param in params:
            if param.startswith("dur="):
                durations[name] = float(param[len("dur=") :])
    return durations


def sandbox_search_ms(sandbox: Sandbox, scope: Scope, runs: int = 10) -> list[float]:
    """The sandbox's Search alone (no HTTP, no signing, no IAM check), for the page's request."""
    query = ResourceSearch(
        KINDS["experiment"], scope, "team", "TeamA", "studiouserid", None, None, "", 100, None
    )
    params = search_params(query)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with sandbox.store.lock:
            search(sandbox.store, params, Actor())
        times.append((time.perf_counter() - started) * 1000)
    return times


def breakdown(server: Server, path: str, runs: int) -> dict[str, list[float]]:
    """Per run: the total seen by the client, AWS time and extension time seen by the server."""
    figures: dict[str, list[float]] = {"total": [], "aws": [], "app": [], "server": []}
    for _ in range(runs):
        elapsed, _, timing = server.timed_get(path)
        figures["total"].append(elapsed)
        figures["aws"].append(timing.get("aws", 0.0))
        figures["app"].append(timing.get("app", 0.0))
        figures["server"].append(timing.get("total", 0.0))
    return figures


def print_breakdown(label: str, figures: dict[str, list[float]], search_ms: list[float]) -> None:
    def median(name: str) -> float:
        return statistics.median(figures[name])

    totals = figures["total"]
    slowest = totals.index(max(totals))
    print(
        f"{label}: median {median('total'):.0f} ms, "
        f"p90 {statistics.quantiles(totals, n=10)[-1]:.0f} ms, max {totals[slowest]:.0f} ms "
        f"(target < 150 ms)"
    )
    print(
        f"  medians: AWS call {median('aws'):.1f} ms (sandbox Search alone "
        f"{statistics.median(search_ms):.1f} ms; the rest is HTTP, signing, the gateway's IAM "
        f"check and boto3), extension {median('app'):.1f} ms, Jupyter + HTTP to the client "
        f"{median('total') - median('server'):.1f} ms"
    )
    print(
        f"  slowest run: AWS call {figures['aws'][slowest]:.1f} ms, "
        f"extension {figures['app'][slowest]:.1f} ms"
    )


class Server:
    def __init__(self, env: dict[str, str], root: Path) -> None:
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.log = (root / "server.log").open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "jupyter_server", f"--port={self.port}", "--no-browser",
                "--ServerApp.port_retries=0", "--ServerApp.allow_root=True",
                f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
                "--ServerApp.jpserver_extensions={'studio_abac_ext': True}",
            ],
            env={**os.environ, **env, "JUPYTER_CONFIG_DIR": str(root),
                 "JUPYTER_RUNTIME_DIR": str(root)},
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/status", timeout=2)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("the Jupyter server did not start")

    def get(self, path: str) -> tuple[float, dict]:
        elapsed, body, _ = self.timed_get(path)
        return elapsed, body

    def timed_get(self, path: str) -> tuple[float, dict, dict[str, float]]:
        """Milliseconds seen here, the body, and the server's Server-Timing durations."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/studio-abac-ext/{path}",
            headers={"Authorization": f"token {self.token}"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            body = json.loads(response.read())
            timing = server_timing(response.headers.get("Server-Timing", ""))
        return (time.perf_counter() - started) * 1000, body, timing

    def rss_mib(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


def measure_pages(sandbox: Sandbox, server: Server) -> None:
    server.get("identity")  # identity and policies are cached after this
    before = len(sandbox.audit.events())
    cold, page = server.get("resources?type=experiment&scope=team")
    calls = len(sandbox.audit.events()) - before
    team = breakdown(server, "resources?type=experiment&scope=team", 20)
    second = server.get(f"resources?type=experiment&scope=team&next={page['next']}")[1]
    print(f"items on page 1: {len(page['items'])}, page 2: {len(second['items'])}")
    print(f"AWS calls for one page: {calls} (target 1)")
    print(f"first page, first request: {cold:.0f} ms")
    print_breakdown("first page, warm (20 runs)", team, sandbox_search_ms(sandbox, "team"))
    everyone = breakdown(server, "resources?type=experiment&scope=all", 10)
    denied = sum(item["readOnly"] for item in server.get("resources?scope=all")[1]["items"])
    print_breakdown(
        f"scope=all page ({denied} of 100 items read-only, their denials explained; 10 runs)",
        everyone,
        sandbox_search_ms(sandbox, "all"),
    )
    print(f"server memory (RSS) after paging: {server.rss_mib():.0f} MiB")


def measure_slow_aws(sandbox: Sandbox, root: Path) -> None:
    SlowProxy.target_port = sandbox.port
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), SlowProxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    env = sandbox.env_for("usera1@studio")
    env.update(
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{proxy.server_address[1]}", STUDIO_ABAC_TEAM="TeamA"
    )
    server = Server(env, root / "slow")
    try:
        server.get("identity")
        with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
            started = time.perf_counter()
            pending = [
                pool.submit(server.get, "resources?type=experiment&scope=team")
                for _ in range(CONCURRENT)
            ]
            time.sleep(0.2)  # let them all reach the server's AWS pool
            identity_ms = [server.get("identity")[0] for _ in range(5)]
            for future in pending:
                future.result()
            total = time.perf_counter() - started
        print(
            f"{CONCURRENT} concurrent /resources with AWS answering in {SLOW_AWS_SECONDS}s: "
            f"all done in {total:.1f} s"
        )
        print(
            f"/identity meanwhile: max {max(identity_ms):.0f} ms, "
            f"median {statistics.median(identity_ms):.0f} ms (not blocked if far below "
            f"{SLOW_AWS_SECONDS * 1000:.0f} ms)"
        )
        print(f"server memory (RSS) under load: {server.rss_mib():.0f} MiB")
    finally:
        server.stop()
        proxy.shutdown()


def main() -> None:
    sandbox = Sandbox(load_scenario(default_scenario_path()), port=0)
    sandbox.start()
    try:
        seed(sandbox)
        settle(f"experiments seeded: {EXPERIMENTS} over {len(TEAMS)} teams")
        pauses = GcPauses()
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            (root / "fast").mkdir()
            (root / "slow").mkdir()
            env = {**sandbox.env_for("usera1@studio"), "STUDIO_ABAC_TEAM": "TeamA"}
            server = Server(env, root / "fast")
            try:
                measure_pages(sandbox, server)
            finally:
                server.stop()
            print(pauses.report())
            measure_slow_aws(sandbox, root)
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
