"""SageMaker behaviour moto lacks, filled by the sandbox: tags at create, names, errors, Studio."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from studio_abac_ext.sandbox import Sandbox

ACCOUNT = "123456789012"
DOMAIN = "d-studioabacsandbox"
TEAM_A = [{"Key": "team", "Value": "TeamA"}]


def error_code(call: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    return str(caught.value.response["Error"]["Code"])


@pytest.fixture
def team_a(fresh_sandbox: Sandbox) -> Any:
    return fresh_sandbox.session_for("usera1@studio").client("sagemaker")


def test_tags_given_at_create_time_are_kept(team_a: Any) -> None:
    # Given an experiment, trial and trial component created with the team tag
    experiment = team_a.create_experiment(ExperimentName="kept-tags", Tags=TEAM_A)["ExperimentArn"]
    trial = team_a.create_trial(TrialName="kept-trial", ExperimentName="kept-tags", Tags=TEAM_A)
    component = team_a.create_trial_component(TrialComponentName="kept-component", Tags=TEAM_A)
    # When their tags are listed
    for arn in (experiment, trial["TrialArn"], component["TrialComponentArn"]):
        tags = {t["Key"]: t["Value"] for t in team_a.list_tags(ResourceArn=arn)["Tags"]}
        # Then the team tag is there, with Studio's own tags
        assert tags["team"] == "TeamA"
        assert tags["sagemaker:user-profile-arn"].endswith(f"user-profile/{DOMAIN}/usera1")


def test_creating_an_existing_name_fails_whatever_its_case(team_a: Any) -> None:
    # Given the seeded experiment teama-seeded-experiment
    # When the document's upper-case name is created again
    code = error_code(
        lambda: team_a.create_experiment(ExperimentName="TEAMA-SEEDED-EXPERIMENT", Tags=TEAM_A)
    )
    # Then SageMaker's error says it exists (names are case-insensitive, ARNs lower-cased)
    assert code == "ValidationException"


def test_invalid_names_and_tags_are_validation_errors(team_a: Any) -> None:
    # Given names and tags SageMaker refuses
    # When they are used, Then each is a ValidationException, never a 500
    assert (
        error_code(lambda: team_a.create_experiment(ExperimentName="bad_name", Tags=TEAM_A))
        == "ValidationException"
    )
    assert (
        error_code(
            lambda: team_a.create_experiment(
                ExperimentName="reserved", Tags=[*TEAM_A, {"Key": "aws:owner", "Value": "x"}]
            )
        )
        == "ValidationException"
    )


def test_missing_resources_are_resource_not_found(team_a: Any) -> None:
    # Given names that exist nowhere
    calls = [
        lambda: team_a.describe_experiment(ExperimentName="teama-seeded-experiment-missing"),
        lambda: team_a.describe_trial(TrialName="missing"),
        lambda: team_a.describe_trial_component(TrialComponentName="missing"),
        lambda: team_a.describe_user_profile(DomainId=DOMAIN, UserProfileName="missing"),
        lambda: team_a.describe_domain(DomainId="d-missing00000"),
        lambda: team_a.create_trial(TrialName="orphan", ExperimentName="missing", Tags=TEAM_A),
    ]
    # When they are described, Then the answer is ResourceNotFound
    assert [error_code(call) for call in calls] == ["ResourceNotFound"] * len(calls)


def test_update_experiment_changes_display_name_and_description(team_a: Any) -> None:
    # Given Team A's seeded experiment
    # When a team member updates it
    team_a.update_experiment(
        ExperimentName="teama-seeded-experiment", DisplayName="Baseline", Description="v2"
    )
    # Then the change is visible
    described = team_a.describe_experiment(ExperimentName="teama-seeded-experiment")
    assert (described["DisplayName"], described["Description"]) == ("Baseline", "v2")


def test_add_tags_replaces_a_value_instead_of_duplicating_it(team_a: Any) -> None:
    # Given Team A's experiment tagged team=TeamA
    arn = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:experiment/teama-seeded-experiment"
    # When the team tag is added again with a value
    team_a.add_tags(
        ResourceArn=arn, Tags=[{"Key": "team", "Value": "TeamA"}, {"Key": "stage", "Value": "1"}]
    )
    team_a.add_tags(ResourceArn=arn, Tags=[{"Key": "stage", "Value": "2"}])
    # Then each key appears once with its latest value
    tags = team_a.list_tags(ResourceArn=arn)["Tags"]
    assert [t["Value"] for t in tags if t["Key"] == "stage"] == ["2"]
    assert [t["Key"] for t in tags].count("team") == 1


def test_delete_tags_is_decided_on_tag_keys(fresh_sandbox: Sandbox) -> None:
    # Given Team B's session and Team A's experiment
    team_b = fresh_sandbox.session_for("userb1@studio").client("sagemaker")
    arn = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:experiment/teama-seeded-experiment"
    # When Team B removes Team A's team tag (Delete* needs the team to match)
    code = error_code(lambda: team_b.delete_tags(ResourceArn=arn, TagKeys=["team"]))
    # Then it is denied
    assert code == "AccessDeniedException"


def test_trial_components_associate_and_list_by_trial(team_a: Any) -> None:
    # Given a new trial component in Team A
    team_a.create_trial_component(TrialComponentName="extra-step", Tags=TEAM_A)
    # When it is associated with usera1's seeded trial
    team_a.associate_trial_component(TrialComponentName="extra-step", TrialName="usera1teamatrial1")
    # Then listing the trial's components shows it next to the seeded one
    listed = team_a.list_trial_components(TrialName="usera1teamatrial1")["TrialComponentSummaries"]
    assert {c["TrialComponentName"] for c in listed} == {"extra-step", "usera1teamapreprocessing"}


def test_user_profiles_lifecycle_with_admin(fresh_sandbox: Sandbox) -> None:
    # Given the admin, who may create profiles only with a studiouserid tag
    admin = fresh_sandbox.session_for("admin").client("sagemaker")
    role = f"arn:aws:iam::{ACCOUNT}:role/SageMakerStudioDeveloperTeamBRole"
    # When a profile is created without the tag, Then it is denied
    assert (
        error_code(lambda: admin.create_user_profile(DomainId=DOMAIN, UserProfileName="userb2"))
        == "AccessDeniedException"
    )
    # When it is created with the tag, Then it is listed and described with its role
    admin.create_user_profile(
        DomainId=DOMAIN,
        UserProfileName="userb2",
        Tags=[{"Key": "studiouserid", "Value": "userb2"}],
        UserSettings={"ExecutionRole": role},
    )
    names = [
        p["UserProfileName"]
        for p in admin.list_user_profiles(DomainIdEquals=DOMAIN)["UserProfiles"]
    ]
    assert "userb2" in names
    described = admin.describe_user_profile(DomainId=DOMAIN, UserProfileName="userb2")
    assert described["UserSettings"]["ExecutionRole"] == role
    # And creating it twice is ResourceInUse
    assert (
        error_code(
            lambda: admin.create_user_profile(
                DomainId=DOMAIN,
                UserProfileName="userb2",
                Tags=[{"Key": "studiouserid", "Value": "b"}],
            )
        )
        == "ResourceInUse"
    )


def test_domain_is_described_and_listed(team_a: Any) -> None:
    # Given the scenario's domain
    # When Team A reads it
    domain = team_a.describe_domain(DomainId=DOMAIN)
    listed = team_a.list_domains()["Domains"]
    # Then it is there, in service, with the default execution role
    assert domain["DomainName"] == "studio-abac-sandbox"
    assert domain["Status"] == "InService"
    assert [d["DomainId"] for d in listed] == [DOMAIN]


def test_list_experiments_pages(team_a: Any) -> None:
    # Given three seeded experiments
    # When they are listed two at a time
    first = team_a.list_experiments(MaxResults=2, SortBy="Name", SortOrder="Ascending")
    second = team_a.list_experiments(
        MaxResults=2, SortBy="Name", SortOrder="Ascending", NextToken=first["NextToken"]
    )
    # Then the pages hold all three, in order, and the last has no token
    names = [
        e["ExperimentName"] for e in first["ExperimentSummaries"] + second["ExperimentSummaries"]
    ]
    assert names == ["teama-seeded-experiment", "usera2teamaexperiment1", "userb1teambexperiment1"]
    assert "NextToken" not in second


def test_reset_restores_the_seeded_scenario(fresh_sandbox: Sandbox) -> None:
    # Given a test that deleted a seeded experiment and created another
    team_a = fresh_sandbox.session_for("usera1@studio").client("sagemaker")
    team_a.delete_experiment(ExperimentName="teama-seeded-experiment")
    team_a.create_experiment(ExperimentName="scratch", Tags=TEAM_A)
    # When the sandbox is reset
    fresh_sandbox.reset()
    # Then the seeded experiments are back and the scratch one is gone
    names = {e["ExperimentName"] for e in team_a.list_experiments()["ExperimentSummaries"]}
    assert names == {"teama-seeded-experiment", "usera2teamaexperiment1", "userb1teambexperiment1"}
