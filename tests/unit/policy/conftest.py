"""Fixtures for the policy engine tests: the document's policies and its principals."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio_abac_ext.policy import Policy, PolicySet, parse_policy

DATA = Path(__file__).parent / "data"
ACCOUNT = "123456789012"
REGION_PREFIX = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}"
TEAM_POLICY_NAMES = (
    "team-1-sagemaker-read-only",
    "team-2-supporting-services",
    "team-3-studio-developer",
)


def load_policy(name: str, policy_type: str = "identity") -> Policy:
    text = (DATA / f"{name}.json").read_text(encoding="utf-8")
    return parse_policy(text, name=name, policy_type=policy_type)  # type: ignore[arg-type]


def team_role_arn(team: str) -> str:
    return f"arn:aws:sts::{ACCOUNT}:assumed-role/SageMakerStudioDeveloper{team}Role/SageMaker"


@pytest.fixture(scope="session")
def team_policies() -> PolicySet:
    return PolicySet(identity=[load_policy(name) for name in TEAM_POLICY_NAMES])
