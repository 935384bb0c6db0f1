"""Scenarios: the teams, identities, policies and resources of a (sandbox or real) account.

Pure data and its validation: imports nothing else of the package. The sandbox seeds from it and
``studio-abac setup`` plans from it.
"""

from __future__ import annotations

from .loader import default_scenario_path, derive_access_key, load_scenario
from .model import (
    FEDERATED_PREFIX,
    AccessKey,
    Domain,
    FederatedUser,
    OrganizationTrail,
    PolicyDocument,
    Resource,
    Role,
    SamlProvider,
    Scenario,
    ScenarioError,
    User,
    UserProfile,
)

__all__ = [
    "FEDERATED_PREFIX",
    "AccessKey",
    "Domain",
    "FederatedUser",
    "OrganizationTrail",
    "PolicyDocument",
    "Resource",
    "Role",
    "SamlProvider",
    "Scenario",
    "ScenarioError",
    "User",
    "UserProfile",
    "default_scenario_path",
    "derive_access_key",
    "load_scenario",
]
