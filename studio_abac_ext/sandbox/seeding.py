"""Create a scenario's identities and resources in a fresh sandbox, straight into the backends."""

from __future__ import annotations

from typing import Any

from moto.iam.models import IAMBackend, iam_backends

from studio_abac_ext.scenario import PolicyDocument, Resource, Scenario

from . import domains_api, experiments_api, training_jobs
from .experiments_api import Actor
from .studio_store import StudioStore


def seed(scenario: Scenario, store: StudioStore, idp_metadata: str = "") -> None:
    """Everything of the scenario; SAML providers without metadata get the sandbox IdP's."""
    iam: IAMBackend = iam_backends[scenario.account_id]["global"]
    for provider in scenario.saml_providers:
        iam.create_saml_provider(provider.name, provider.metadata or idp_metadata)
    policy_arns = _seed_policies(iam, scenario)
    for role in scenario.roles:
        iam.create_role(
            role_name=role.name,
            assume_role_policy_document=role.trust_policy,
            path="/",
            permissions_boundary=None,
            description=role.description,
            tags=_tag_list(role.tags),
            max_session_duration="3600",
        )
        for policy in role.managed_policies:
            iam.attach_role_policy(policy_arns[policy.name], role.name)
        for policy in role.inline_policies:
            iam.put_role_policy(role.name, policy.name, policy.text)
    for user in scenario.users:
        moto_user = iam.create_user(scenario.region, user.name, tags=_tag_list(user.tags))
        for policy in user.managed_policies:
            iam.attach_user_policy(policy_arns[policy.name], user.name)
        for policy in user.inline_policies:
            iam.put_user_policy(user.name, policy.name, policy.text)
        for key in user.access_keys:
            moto_key = moto_user.create_access_key(prefix="AKIA")
            moto_key.access_key_id = key.access_key_id
            moto_key.secret_access_key = key.secret_access_key
    _seed_studio(scenario, store)
    _seed_resources(scenario, store)


def _seed_policies(iam: IAMBackend, scenario: Scenario) -> dict[str, str]:
    attached: dict[str, PolicyDocument] = {}
    for policy in (
        *(p for role in scenario.roles for p in role.managed_policies),
        *(p for user in scenario.users for p in user.managed_policies),
    ):
        attached[policy.name] = policy
    arns = {}
    for policy in attached.values():
        created = iam.create_policy(
            description="", path="/", policy_document=policy.text, policy_name=policy.name, tags=[]
        )
        arns[policy.name] = created.arn
    return arns


def _seed_studio(scenario: Scenario, store: StudioStore) -> None:
    domain = scenario.domain
    role_arn = scenario.role(domain.default_execution_role).arn(scenario.account_id)
    domains_api.create_domain(
        store,
        {
            "DomainName": domain.name,
            "DomainId": domain.domain_id,
            "AuthMode": domain.auth_mode,
            "DefaultUserSettings": {"ExecutionRole": role_arn},
            "Tags": _tag_list(domain.tags),
        },
        Actor(),
    )
    for profile in scenario.user_profiles:
        execution_role = scenario.role(profile.execution_role).arn(scenario.account_id)
        params: dict[str, Any] = {
            "DomainId": domain.domain_id,
            "UserProfileName": profile.name,
            "Tags": _tag_list(profile.tags),
            "UserSettings": {"ExecutionRole": execution_role},
        }
        if profile.single_sign_on_user_value:
            params["SingleSignOnUserIdentifier"] = profile.single_sign_on_user_identifier
            params["SingleSignOnUserValue"] = profile.single_sign_on_user_value
        domains_api.create_user_profile(store, params, Actor())


def _seed_resources(scenario: Scenario, store: StudioStore) -> None:
    for resource in scenario.resources:
        actor = _actor(scenario, resource.created_by)
        params: dict[str, Any] = {"Tags": _tag_list(resource.tags)}
        if resource.description:
            params["Description"] = resource.description
        if resource.kind == "experiment":
            experiments_api.create_experiment(
                store, {**params, "ExperimentName": resource.name}, actor
            )
        elif resource.kind == "trial":
            experiments_api.create_trial(
                store,
                {**params, "TrialName": resource.name, "ExperimentName": resource.parent},
                actor,
            )
        elif resource.kind == "trial_component":
            experiments_api.create_trial_component(
                store, {**params, "TrialComponentName": resource.name}, actor
            )
            if resource.parent:
                experiments_api.associate(
                    store,
                    {"TrialComponentName": resource.name, "TrialName": resource.parent},
                    actor,
                )
        elif resource.kind == "training_job":
            _seed_training_job(scenario, store, resource)


def _seed_training_job(scenario: Scenario, store: StudioStore, resource: Resource) -> None:
    role_name = scenario.domain.default_execution_role
    if resource.created_by.endswith("@studio"):
        role_name = scenario.profile_of(resource.created_by[: -len("@studio")]).execution_role
    store.moto.create_training_job(
        training_job_name=resource.name,
        hyper_parameters={},
        algorithm_specification={
            "TrainingImage": "sandbox/training:latest",
            "TrainingInputMode": "File",
        },
        role_arn=scenario.role(role_name).arn(scenario.account_id),
        input_data_config=[],
        output_data_config={"S3OutputPath": "s3://sagemaker-studio-abac-sandbox/output"},
        resource_config={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        vpc_config={},
        stopping_condition={"MaxRuntimeInSeconds": 3600},
        tags=_tag_list(resource.tags),
        enable_network_isolation=False,
        enable_inter_container_traffic_encryption=False,
        enable_managed_spot_training=False,
        checkpoint_config={},
        debug_hook_config={},
        debug_rule_configurations=[],
        tensor_board_output_config={},
        experiment_config={},
    )
    training_jobs.seed_finished(store, resource.name)


def _actor(scenario: Scenario, created_by: str) -> Actor:
    if not created_by.endswith("@studio"):
        return Actor()
    profile = scenario.profile_of(created_by[: -len("@studio")])
    domain = scenario.domain
    profile_arn = (
        f"arn:aws:sagemaker:{scenario.region}:{scenario.account_id}:"
        f"user-profile/{domain.domain_id}/{profile.name.lower()}"
    )
    return Actor(
        created_by={
            "UserProfileArn": profile_arn,
            "UserProfileName": profile.name,
            "DomainId": domain.domain_id,
        },
        auto_tags=(
            ("sagemaker:user-profile-arn", profile_arn),
            ("sagemaker:domain-arn", domain.arn(scenario.account_id, scenario.region)),
        ),
    )


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]
