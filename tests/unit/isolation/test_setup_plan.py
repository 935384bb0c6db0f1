"""The setup plan as a pure diff: scenario versus account state."""

from __future__ import annotations

import json
from dataclasses import replace

from studio_abac_ext.scenario import Scenario, default_scenario_path, load_scenario
from studio_abac_ext.setup.plan import Change, build_plan
from studio_abac_ext.setup.state import (
    AccountState,
    PolicyState,
    PrincipalState,
    ProfileState,
    SamlProviderState,
    policy_arn,
)

ACCOUNT = "123456789012"
METADATA = "<md:EntityDescriptor>" + "x" * 1000 + "</md:EntityDescriptor>"


def scenario() -> Scenario:
    return load_scenario(default_scenario_path())


def applied_state(chosen: Scenario) -> AccountState:
    """The state an account is in after the scenario was applied."""
    state = AccountState(account_id=ACCOUNT, domain_exists=True)
    for provider in chosen.saml_providers:
        state.saml_providers[provider.name] = SamlProviderState(
            provider.arn(ACCOUNT), provider.metadata or METADATA
        )
    for principal in (*chosen.roles, *chosen.users):
        for policy in principal.managed_policies:
            state.policies[policy.name] = PolicyState(
                policy_arn(ACCOUNT, policy.name), json.loads(policy.text), "v1", ()
            )
    for role in chosen.roles:
        state.roles[role.name] = PrincipalState(
            tags=dict(role.tags),
            attached_arns=frozenset(policy_arn(ACCOUNT, p.name) for p in role.managed_policies),
            inline={},
            trust=json.loads(role.trust_policy),
        )
    for user in chosen.users:
        state.users[user.name] = PrincipalState(
            tags=dict(user.tags),
            attached_arns=frozenset(policy_arn(ACCOUNT, p.name) for p in user.managed_policies),
            inline={},
        )
    for profile in chosen.user_profiles:
        state.profiles[profile.name] = ProfileState(
            arn=f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:user-profile/d/{profile.name}",
            execution_role=f"arn:aws:iam::{ACCOUNT}:role/{profile.execution_role}",
            tags=dict(profile.tags),
        )
    return state


def test_an_applied_scenario_plans_no_call() -> None:
    chosen = scenario()
    plan = build_plan(chosen, applied_state(chosen))
    assert plan.calls == () and plan.blockers == ()
    assert {item.change for item in plan.items} == {Change.UNCHANGED}


def test_an_empty_account_plans_creates_in_dependency_order() -> None:
    chosen = scenario()
    plan = build_plan(chosen, AccountState(account_id=ACCOUNT, domain_exists=True))
    actions = [call.action for call in plan.calls]
    assert {item.change for item in plan.items} == {Change.CREATE}
    assert actions.index("iam:CreatePolicy") < actions.index("iam:CreateRole")
    assert actions.index("iam:AttachRolePolicy") < actions.index("sagemaker:CreateUserProfile")
    create_role = next(c for c in plan.calls if c.action == "iam:CreateRole")
    assert {"Key": "team", "Value": "TeamA"} in create_role.params["Tags"]


def test_a_changed_policy_with_five_versions_drops_the_oldest_first() -> None:
    chosen = scenario()
    state = applied_state(chosen)
    name = "team-3-studio-developer"
    old = state.policies[name]
    assert old is not None
    state.policies[name] = replace(
        old,
        document={"Version": "2012-10-17", "Statement": []},
        default_version="v5",
        other_versions=("v1", "v2", "v3", "v4"),
    )
    plan = build_plan(chosen, state)
    item = next(i for i in plan.items if i.name == name)
    assert item.change is Change.UPDATE
    assert [(c.action, c.params.get("VersionId")) for c in item.calls] == [
        ("iam:DeletePolicyVersion", "v1"),
        ("iam:CreatePolicyVersion", None),
    ]


def test_a_wrong_team_tag_and_a_detached_policy_are_updated() -> None:
    chosen = scenario()
    state = applied_state(chosen)
    role = state.roles["SageMakerStudioDeveloperTeamBRole"]
    assert role is not None
    state.roles["SageMakerStudioDeveloperTeamBRole"] = replace(
        role, tags={"team": "TeamA"}, attached_arns=frozenset()
    )
    item = next(
        i for i in build_plan(chosen, state).items if i.name == "SageMakerStudioDeveloperTeamBRole"
    )
    assert item.change is Change.UPDATE
    actions = [call.action for call in item.calls]
    assert actions.count("iam:AttachRolePolicy") == 3
    tag_call = next(c for c in item.calls if c.action == "iam:TagRole")
    assert tag_call.params["Tags"] == [{"Key": "team", "Value": "TeamB"}]


def test_another_account_blocks_the_plan() -> None:
    chosen = scenario()
    state = applied_state(chosen)
    state.account_id = "999999999999"
    plan = build_plan(chosen, state)
    assert len(plan.blockers) == 1 and "999999999999" in plan.blockers[0]
    assert "BLOCKED:" in plan.render()


def test_a_saml_provider_is_created_before_the_roles_that_trust_it() -> None:
    # Given the document's scenario whose provider has metadata, and an empty account
    chosen = scenario()
    provider = replace(chosen.saml_providers[0], metadata=METADATA)
    chosen = replace(chosen, saml_providers=(provider,))
    plan = build_plan(chosen, AccountState(account_id=ACCOUNT, domain_exists=True))
    # Then CreateSAMLProvider with that metadata comes first
    first = plan.calls[0]
    assert first.action == "iam:CreateSAMLProvider"
    assert first.params == {"Name": provider.name, "SAMLMetadataDocument": METADATA}
    assert plan.blockers == ()


def test_changed_metadata_is_uploaded_and_unchanged_metadata_is_left() -> None:
    chosen = scenario()
    provider = replace(chosen.saml_providers[0], metadata=METADATA)
    chosen = replace(chosen, saml_providers=(provider,))
    state = applied_state(chosen)
    assert build_plan(chosen, state).calls == ()
    state.saml_providers[provider.name] = SamlProviderState(provider.arn(ACCOUNT), "<old/>")
    (call,) = build_plan(chosen, state).calls
    assert call.action == "iam:UpdateSAMLProvider"
    assert call.params["SAMLProviderArn"] == provider.arn(ACCOUNT)
    assert call.target == provider.arn(ACCOUNT)


def test_a_provider_that_cannot_be_created_blocks() -> None:
    # Given the document's provider (the sandbox's IdP: no metadata file) absent from the account
    plan = build_plan(scenario(), AccountState(account_id=ACCOUNT, domain_exists=True))
    assert plan.blockers == (
        "SAML provider studio-abac-sandbox-idp does not exist and the scenario gives no "
        "metadata_file: iam:CreateSAMLProvider needs the IdP's metadata document",
    )
