"""The server under test runs as a sandbox persona: its AWS environment is set before the
Jupyter server (and so the extension's configuration) is created.

Pick the persona with ``@pytest.mark.parametrize("persona", [...])``; add traits with
``studio_abac_config``; ``persona_team`` sets what the space's admin configured as the team.
"""

from __future__ import annotations

from typing import Any

import pytest

from studio_abac_ext.sandbox import Sandbox

STUDIO_SUFFIX = "@studio"


def team_of(sandbox: Sandbox, persona: str) -> str | None:
    """The team tag of the persona's execution role, as the admin set it in the scenario."""
    scenario = sandbox.scenario
    if not persona.endswith(STUDIO_SUFFIX):
        return None
    profile = scenario.profile_of(persona[: -len(STUDIO_SUFFIX)])
    return scenario.role(profile.execution_role).tags.get("team")


@pytest.fixture
def persona() -> str:
    return "usera1@studio"


@pytest.fixture
def persona_team(fresh_sandbox: Sandbox, persona: str) -> str | None:
    """A Studio execution role cannot read its own tags: the team comes from configuration."""
    return team_of(fresh_sandbox, persona)


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
