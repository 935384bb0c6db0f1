"""Scenarios: the teams, identities, policies and resources of a (sandbox or real) account."""

from __future__ import annotations

from .loader import default_scenario_path, derive_access_key, load_scenario
from .model import (
    AccessKey,
    Domain,
    PolicyDocument,
    Resource,
    Role,
    Scenario,
    ScenarioError,
    User,
    UserProfile,
)

__all__ = [
    "AccessKey",
    "Domain",
    "PolicyDocument",
    "Resource",
    "Role",
    "Scenario",
    "ScenarioError",
    "User",
    "UserProfile",
    "default_scenario_path",
    "derive_access_key",
    "load_scenario",
]
