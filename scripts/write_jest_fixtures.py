"""Write the jest fixtures (``src/__tests__/fixtures/*.json``) from the real server extension.

Each fixture is an answer of the REST API, as the browser receives it, from Jupyter servers that
run the extension against the sandbox (the document's scenario) as ``userb1@studio``: one as
is, one whose policies cannot be read (``policy_sources = ["iam"]``) and one whose AWS endpoint
is a closed port. What varies from run to run (ports, creation times) is normalised, so the files
are deterministic and ``--check`` can tell when they are stale.

    python scripts/write_jest_fixtures.py          # rewrite the fixtures
    python scripts/write_jest_fixtures.py --check  # exit 1, naming them, if any is stale

tests/server/test_jest_fixtures.py runs the check with the test session's sandbox.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import check_auth  # the server start-up helpers, shared with the authentication check

from studio_abac_ext.sandbox import Sandbox
from studio_abac_ext.sandbox.environment import state_root
from studio_abac_ext.scenario import default_scenario_path, load_scenario

ROOT = Path(__file__).parents[1]
FIXTURES = ROOT / "src" / "__tests__" / "fixtures"
SHIPPED_POLICIES = ROOT / "studio_abac_ext" / "scenario" / "default" / "policies"
PERSONA = "userb1@studio"
ACCOUNT = "123456789012"
TEAM_A_EXPERIMENT = "teama-seeded-experiment"
NEW_EXPERIMENT = "userb1newexperiment"
# What a run changes: loopback ports (the sandbox's, a closed one) and the times moto stamps.
PORT = re.compile(r"127\.0\.0\.1:\d+")
FIXED_PORT = "127.0.0.1:5000"
FIXED_STATE_ROOT = "/tmp/studio-abac-sandbox/5000"
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
FIXED_TIME = "2026-11-29T10:00:00+00:00"
# Only our extension: JupyterLab and the others would only slow the start.
EXTENSIONS = {
    "studio_abac_ext": True,
    "jupyterlab": False,
    "jupyter_lsp": False,
    "jupyter_server_terminals": False,
    "notebook_shim": False,
}

TEAM_POLICIES = (
    "team-1-sagemaker-read-only",
    "team-2-supporting-services",
    "team-3-studio-developer",
)
# A Deny some admins add on top of the document's Allows. It holds for an experiment without a
# team tag (StringNotEquals on an absent key): the simulated fixture shows that case.
TEAM_GUARD = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyDeletesOutsideYourTeam",
            "Effect": "Deny",
            "Action": "sagemaker:Delete*",
            "Resource": "*",
            "Condition": {
                "StringNotEquals": {"sagemaker:ResourceTag/team": "${aws:PrincipalTag/team}"}
            },
        }
    ],
}


@dataclass(frozen=True)
class Server:
    """A running Jupyter server with the extension, and how to call it."""

    base_url: str
    token: str

    def call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        """The JSON answer (of any status) to ``method path``."""
        request = urllib.request.Request(
            f"{self.base_url}/{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, text = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        try:
            return json.loads(text) if text else None
        except ValueError:
            raise RuntimeError(f"{method} {path}: {status} without JSON: {text[:200]!r}") from None


@dataclass(frozen=True)
class ServerSpec:
    """How one server differs: its AWS environment and its ``--StudioAbac`` options."""

    env: Mapping[str, str]
    options: tuple[str, ...] = ()


@contextmanager
def running_servers(specs: Mapping[str, ServerSpec], tmp: Path) -> Iterator[dict[str, Server]]:
    """One Jupyter server with the extension per spec, started side by side."""
    started: dict[str, tuple[subprocess.Popen[bytes], Server, Path]] = {}
    try:
        for name, spec in specs.items():
            root = tmp / name
            root.mkdir(parents=True)
            token = secrets.token_hex(16)
            port = check_auth.free_port()
            env = {**os.environ, **spec.env, "JUPYTER_CONFIG_DIR": str(root)}
            env["JUPYTER_RUNTIME_DIR"] = str(root)
            env.pop("STUDIO_ABAC_TEAM", None)
            with (root / "server.log").open("wb") as log:
                process = subprocess.Popen(
                    [
                        sys.executable, "-m", "jupyter_server", f"--port={port}", "--no-browser",
                        "--ServerApp.port_retries=0", "--ServerApp.allow_root=True",
                        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
                        f"--ServerApp.jpserver_extensions={EXTENSIONS}",
                        "--StudioAbac.read_iam_tags=True", *spec.options,
                    ],
                    env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                )  # fmt: skip
            base = f"http://127.0.0.1:{port}"
            started[name] = (process, Server(f"{base}/studio-abac-ext", token), root)
        for process, server, root in started.values():
            check_auth.wait_until_up(
                server.base_url.replace("/studio-abac-ext", "/api/status"), process
            )
            try:
                server.call("GET", "health")
            except RuntimeError:
                tail = (root / "server.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the extension did not load:\n{tail}") from None
        yield {name: server for name, (_, server, _) in started.items()}
    finally:
        for process, _, _ in started.values():
            process.terminate()
        for process, _, _ in started.values():
            process.wait(timeout=20)


def _team_policies_with_guard() -> list[str]:
    texts = [(SHIPPED_POLICIES / f"{name}.json").read_text() for name in TEAM_POLICIES]
    return [*texts, json.dumps(TEAM_GUARD, indent=2)]


def _experiment_arn(name: str, region: str) -> str:
    return f"arn:aws:sagemaker:{region}:{ACCOUNT}:experiment/{name}"


def answers(sandbox: Sandbox) -> dict[str, Any]:
    """Every fixture's body, by file name (without ``.json``), straight from the servers."""
    sandbox.reset()
    env = sandbox.env_for(PERSONA)
    region = sandbox.scenario.region
    closed = f"http://127.0.0.1:{check_auth.free_port()}"
    specs = {
        "known": ServerSpec(env),
        "unknown": ServerSpec(env, ("--StudioAbac.policy_sources=iam",)),
        "offline": ServerSpec(
            {**env, "AWS_ENDPOINT_URL": closed}, ("--StudioAbac.max_attempts=1",)
        ),
    }
    with tempfile.TemporaryDirectory() as tmp, running_servers(specs, Path(tmp)) as servers:
        known, unknown, offline = servers["known"], servers["unknown"], servers["offline"]
        identity = known.call("GET", "identity")
        delete_team_a = f"experiments/{TEAM_A_EXPERIMENT}"
        return {
            "identity-userb1": identity,
            "resources-all-userb1": known.call("GET", "resources?type=experiment&scope=all"),
            "preflight-userb1": known.call(
                "POST", "experiments/preflight", {"name": NEW_EXPERIMENT}
            ),
            "denied-delete-userb1": known.call("DELETE", delete_team_a),
            "denied-delete-policies-unknown": unknown.call("DELETE", delete_team_a),
            # An experiment made before teams were tagged, under a guard Deny an admin added.
            "simulated-delete-untagged-guarded": known.call(
                "POST",
                "admin/simulate",
                {
                    "principal": identity["arn"],
                    "action": "sagemaker:DeleteExperiment",
                    "resource": f"arn:aws:sagemaker:{region}:{ACCOUNT}:experiment/legacybaseline",
                    "resourceTags": {},
                    "context": {
                        "aws:PrincipalTag/team": identity["team"]["value"],
                        "aws:PrincipalTag/studiouserid": identity["studioUserId"]["value"],
                    },
                    "policies": _team_policies_with_guard(),
                },
            ),
            "unavailable-identity": offline.call("GET", "identity"),
        }


def normalised(value: Any, paths: Mapping[str, str]) -> Any:
    """``value`` with this run's paths, ports and times replaced by fixed ones."""
    if isinstance(value, dict):
        return {key: normalised(item, paths) for key, item in value.items()}
    if isinstance(value, list):
        return [normalised(item, paths) for item in value]
    if isinstance(value, str):
        for path, fixed in paths.items():
            value = value.replace(path, fixed)
        return TIME.sub(FIXED_TIME, PORT.sub(FIXED_PORT, value))
    return value


def rendered(sandbox: Sandbox) -> dict[Path, str]:
    """The text of every fixture file."""
    paths = {str(state_root(sandbox.port)): FIXED_STATE_ROOT}
    return {
        FIXTURES / f"{name}.json": json.dumps(normalised(body, paths), indent=2) + "\n"
        for name, body in answers(sandbox).items()
    }


def stale(files: Mapping[Path, str]) -> list[str]:
    """The fixture files whose text differs from ``files``, and any the script does not write."""
    differ = {
        path.name
        for path, text in files.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    }
    unknown = {path.name for path in FIXTURES.glob("*.json") if path not in files}
    return sorted(differ | unknown)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale fixtures")
    args = parser.parse_args(argv)
    with Sandbox(load_scenario(default_scenario_path()), host="127.0.0.1", port=0) as sandbox:
        files = rendered(sandbox)
    if args.check:
        names = stale(files)
        if names:
            print(
                f"stale jest fixtures: {', '.join(names)}; "
                "run python scripts/write_jest_fixtures.py",
                file=sys.stderr,
            )
            return 1
        return 0
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} fixtures to {FIXTURES.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
