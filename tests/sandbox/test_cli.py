"""`studio-abac sandbox` and `studio-abac sandbox env`, as a developer runs them."""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from studio_abac_ext.sandbox import Sandbox

CLI = [sys.executable, "-m", "studio_abac_ext.cli", "sandbox"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def parse_exports(output: str) -> dict[str, str]:
    lines = output.splitlines()
    unset = lines[0].split()
    assert unset[:3] == ["unset", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"]
    env = {}
    for line in lines[1:]:
        assert line.startswith("export "), line
        name, _, value = line[len("export ") :].partition("=")
        env[name] = shlex.split(value)[0] if value else ""
    assert not set(unset) & set(env), "a variable both unset and exported"
    return env


def test_env_clears_what_another_persona_set(tmp_path: Path) -> None:
    # Given a shell that evaluated a federated persona's env (session token and session tags)
    script = (
        'export AWS_SESSION_TOKEN=fed-token STUDIO_ABAC_SESSION_TAGS=\'{"studiouserid": "x"}\'\n'
        f'eval "$({shlex.join(CLI)} env usera1 --port 5123)"\n'
        'echo "${AWS_SESSION_TOKEN-none} ${STUDIO_ABAC_SESSION_TAGS-none}"\n'
    )
    # When it evaluates an IAM user's env
    result = subprocess.run(
        ["bash", "-c", script],
        env={**os.environ, "XDG_RUNTIME_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    # Then the IAM user's keys are not paired with the old token, nor given the old session tags
    assert result.stdout.split() == ["none", "none"]


def test_env_prints_what_a_studio_space_provides(tmp_path: Path) -> None:
    # Given a runtime directory for the sandbox's per-principal files
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path)}
    # When the environment of usera1's Studio session is printed
    result = subprocess.run(
        [*CLI, "env", "usera1@studio", "--port", "5123"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    exports = parse_exports(result.stdout)
    # Then it has session credentials, the endpoint and region, and no real ~/.aws
    assert exports["AWS_ACCESS_KEY_ID"].startswith("ASIA")
    assert exports["AWS_SESSION_TOKEN"]
    assert exports["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5123"
    assert exports["AWS_REGION"] == exports["AWS_DEFAULT_REGION"] == "us-east-1"
    assert exports["AWS_CONFIG_FILE"] == exports["AWS_SHARED_CREDENTIALS_FILE"] == os.devnull
    # And the resource metadata a Studio space has
    metadata = json.loads(Path(exports["STUDIO_ABAC_RESOURCE_METADATA"]).read_text())
    assert metadata["DomainId"] == "d-studioabacsandbox"
    assert metadata["UserProfileName"] == "usera1"
    assert metadata["ExecutionRoleArn"].endswith(":role/SageMakerStudioDeveloperTeamARole")
    # And the role's policies as files named after them, placeholders substituted
    kind, _, directory = exports["STUDIO_ABAC_POLICY_SOURCES"].partition(":")
    assert kind == "dir" and Path(directory).is_absolute()
    files = sorted(p.name for p in Path(directory).glob("*.json"))
    assert files == [
        "team-1-sagemaker-read-only.json",
        "team-2-supporting-services.json",
        "team-3-studio-developer.json",
    ]
    assert (
        "<S3 BucketName>" not in (Path(directory) / "team-2-supporting-services.json").read_text()
    )


def test_env_of_an_unknown_principal_is_a_clear_cli_error() -> None:
    # Given a principal the scenario does not have
    # When its environment is asked for
    result = subprocess.run([*CLI, "env", "mallory"], capture_output=True, text=True, check=False)
    # Then the command fails and lists the principals it knows
    assert result.returncode == 2
    assert "unknown principal 'mallory'" in result.stderr
    assert "usera1@studio" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_invalid_scenario_file_is_a_clear_cli_error(tmp_path: Path) -> None:
    # Given a scenario file with a bad account id
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("account_id: '42'\nregion: us-east-1\n")
    # When the sandbox is started with it
    result = subprocess.run(
        [*CLI, "--scenario", str(scenario)], capture_output=True, text=True, check=False
    )
    # Then it names the file, the field and the rule
    assert result.returncode == 2
    assert f"{scenario}: account_id:" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_serves_audits_and_stops_on_sigterm(tmp_path: Path) -> None:
    # Given the sandbox started from the command line with an audit log
    port = free_port()
    audit = tmp_path / "audit.jsonl"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [*CLI, "--port", str(port), "--audit-log", str(audit)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()
        assert f"listening on http://127.0.0.1:{port}" in banner
        printed = subprocess.run(
            [*CLI, "env", "userb1@studio", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        exports = parse_exports(printed.stdout)
        sagemaker = boto3.client(
            "sagemaker",
            endpoint_url=exports["AWS_ENDPOINT_URL"],
            region_name=exports["AWS_REGION"],
            aws_access_key_id=exports["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=exports["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=exports["AWS_SESSION_TOKEN"],
        )
        # When Team B is denied a delete
        with pytest.raises(ClientError):
            sagemaker.delete_experiment(ExperimentName="teama-seeded-experiment")
        # And the server is sent SIGTERM
        server.send_signal(signal.SIGTERM)
        output, errors = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    # Then it stops cleanly, having written the decision to the audit log
    assert server.returncode == 0, errors
    assert "stopped" in output
    decisions = [json.loads(line) for line in audit.read_text().splitlines()]
    denied = [d for d in decisions if d["action"] == "sagemaker:DeleteExperiment"]
    assert denied and denied[0]["decision"] == "implicitDeny"
    assert denied[0]["errorCode"] == "AccessDenied"


def test_session_for_matches_env_for(sandbox: Sandbox) -> None:
    # Given the in-process sandbox
    # When a session and the environment of the same principal are made
    credentials = sandbox.session_for("usera2").get_credentials()
    env = sandbox.env_for("usera2")
    # Then they hold the same fake key and point at the same endpoint
    assert credentials is not None
    assert credentials.access_key == env["AWS_ACCESS_KEY_ID"]
    assert env["AWS_ENDPOINT_URL"] == sandbox.endpoint
