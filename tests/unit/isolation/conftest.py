"""Fixtures for the isolation checker: the document's team policies and the hardened ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from studio_abac_ext.isolation.checker import Finding, IsolationReport, run_isolation_check
from studio_abac_ext.isolation.hardened import hardened_policy_set
from studio_abac_ext.policy import PolicySet, parse_policy
from studio_abac_ext.scenario import default_scenario_path

DOCUMENT_POLICY_DIR = default_scenario_path().parent / "policies"
TEAM_POLICY_FILES = (
    "team-1-sagemaker-read-only.json",
    "team-2-supporting-services.json",
    "team-3-studio-developer.json",
)


def document_policy_paths() -> list[Path]:
    return [DOCUMENT_POLICY_DIR / name for name in TEAM_POLICY_FILES]


def policy_set_of(*statements: dict[str, Any]) -> PolicySet:
    """A one-policy set made of these statements."""
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return PolicySet(identity=[parse_policy(json.dumps(document), name="under-test")])


def by_id(findings: list[Finding]) -> dict[str, Finding]:
    return {finding.id: finding for finding in findings}


@pytest.fixture(scope="session")
def document_policies() -> PolicySet:
    return PolicySet(
        identity=[
            parse_policy(path.read_text(encoding="utf-8"), name=path.stem)
            for path in document_policy_paths()
        ]
    )


@pytest.fixture(scope="session")
def document_report(document_policies: PolicySet) -> IsolationReport:
    return run_isolation_check(document_policies)


@pytest.fixture(scope="session")
def hardened_report() -> IsolationReport:
    return run_isolation_check(hardened_policy_set())
