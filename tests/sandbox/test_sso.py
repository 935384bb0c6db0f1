"""A domain in SSO mode: profiles bound to IAM Identity Center users, kept and returned."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio_abac_ext.sandbox.domains_api import describe_user_profile
from studio_abac_ext.sandbox.experiments_api import Actor
from studio_abac_ext.sandbox.seeding import _seed_studio
from studio_abac_ext.sandbox.studio_store import StudioStore
from studio_abac_ext.scenario import ScenarioError, load_scenario

SSO_SCENARIO = """
account_id: "123456789012"
region: us-east-1
roles:
  - {name: TeamARole, tags: {team: TeamA}}
domain: {name: sso-domain, id: d-ssodomain, auth_mode: SSO, default_execution_role: TeamARole}
user_profiles:
  - name: usera1
    owner: usera1
    execution_role: TeamARole
    tags: {studiouserid: usera1}
    sso_user: {identifier: UserName, value: usera1@example.com}
"""


def test_an_sso_domains_profiles_are_bound_to_identity_center_users(tmp_path: Path) -> None:
    # Given a scenario with an SSO domain whose profile names an Identity Center user
    path = tmp_path / "sso.yaml"
    path.write_text(SSO_SCENARIO)
    scenario = load_scenario(path)
    (profile,) = scenario.user_profiles
    assert profile.single_sign_on_user_identifier == "UserName"
    assert profile.single_sign_on_user_value == "usera1@example.com"
    # When the sandbox seeds it (no IAM user is needed for an SSO profile's owner)
    store = StudioStore(scenario.account_id, scenario.region)
    _seed_studio(scenario, store)
    described = describe_user_profile(
        store, {"DomainId": "d-ssodomain", "UserProfileName": "usera1"}, Actor()
    )
    # Then DescribeUserProfile returns the binding, as SageMaker does
    assert described["SingleSignOnUserIdentifier"] == "UserName"
    assert described["SingleSignOnUserValue"] == "usera1@example.com"


def test_an_iam_domains_profile_cannot_name_an_sso_user(tmp_path: Path) -> None:
    path = tmp_path / "iam.yaml"
    path.write_text(SSO_SCENARIO.replace("auth_mode: SSO", "auth_mode: IAM"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.path == "user_profiles[0].sso_user"
    assert "only profiles of an SSO domain" in caught.value.rule
