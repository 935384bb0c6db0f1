"""The server under test runs as a sandbox persona: its AWS environment is set before the
Jupyter server (and so the extension's configuration) is created.

Pick the persona with ``@pytest.mark.parametrize("persona", [...])``; add traits with
``studio_abac_config``; ``persona_team`` sets a team in the extension's configuration (by default
none: a Studio persona's team comes from its user profile's ``team`` tag).
"""

from __future__ import annotations

from typing import Any

import pytest

from studio_abac_ext.sandbox import Sandbox


@pytest.fixture
def persona() -> str:
    return "usera1@studio"


@pytest.fixture
def persona_team() -> str | None:
    """The team named in the extension's configuration (``STUDIO_ABAC_TEAM``), if any."""
    return None


@pytest.fixture
def studio_abac_config() -> dict[str, Any]:
    return {}


@pytest.fixture
def aws_endpoint() -> str | None:
    """Another AWS endpoint for the persona (a fault), or None for the sandbox's."""
    return None


@pytest.fixture
def persona_env(
    fresh_sandbox: Sandbox,
    persona: str,
    persona_team: str | None,
    aws_endpoint: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:
    env = fresh_sandbox.env_for(persona)
    if aws_endpoint:
        env["AWS_ENDPOINT_URL"] = aws_endpoint
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if persona_team:
        monkeypatch.setenv("STUDIO_ABAC_TEAM", persona_team)
    else:
        monkeypatch.delenv("STUDIO_ABAC_TEAM", raising=False)
    return env


@pytest.fixture
def jp_server_config(
    jp_server_config: dict[str, Any],
    persona_env: dict[str, str],
    studio_abac_config: dict[str, Any],
) -> dict[str, Any]:
    return {**jp_server_config, "StudioAbac": {"read_iam_tags": True, **studio_abac_config}}
