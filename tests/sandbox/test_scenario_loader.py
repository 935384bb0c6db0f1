"""The scenario loader: the shipped scenario is the document's, and bad files fail clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from studio_abac_ext.scenario import ScenarioError, default_scenario_path, load_scenario

SEED_POLICIES = Path("/work/shared/seed/policies")


def write_scenario(tmp_path: Path, **overrides: object) -> Path:
    data: dict[str, object] = {
        "account_id": "111122223333",
        "region": "eu-west-1",
        "policies": {"dev": {"Version": "2012-10-17", "Statement": []}},
        "roles": [{"name": "TeamRole", "tags": {"team": "TeamA"}, "managed_policies": ["dev"]}],
        "users": [{"name": "alice"}],
        "domain": {"name": "demo", "default_execution_role": "TeamRole"},
        "user_profiles": [
            {"name": "alice", "execution_role": "TeamRole", "tags": {"studiouserid": "alice"}}
        ],
    }
    data.update(overrides)
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_default_scenario_is_the_documents_setup() -> None:
    # Given the scenario shipped in the package
    # When it is loaded
    scenario = load_scenario(default_scenario_path())
    # Then it holds the document's two team roles with the three team policies, tagged by team
    team_a = scenario.role("SageMakerStudioDeveloperTeamARole")
    assert team_a.tags == {"team": "TeamA"}
    assert scenario.role("SageMakerStudioDeveloperTeamBRole").tags == {"team": "TeamB"}
    assert [p.name for p in team_a.managed_policies] == [
        "team-1-sagemaker-read-only",
        "team-2-supporting-services",
        "team-3-studio-developer",
    ]
    # And the users, their profiles tagged studiouserid (and team, which the roles cannot read
    # from IAM), and the principals built from them
    assert scenario.user_profiles[0].tags == {"studiouserid": "usera1", "team": "TeamA"}
    assert "userb1@studio" in scenario.principals()
    assert scenario.profile_of("userb1").execution_role == "SageMakerStudioDeveloperTeamBRole"


def test_default_policies_are_the_documents_with_the_bucket_substituted() -> None:
    # Given the document's policies and the shipped scenario
    scenario = load_scenario(default_scenario_path())
    by_name = {policy.name: policy.text for policy in scenario.policies}
    # Then every copied policy equals the document's, except the S3 placeholder
    for name in ("team-1-sagemaker-read-only", "team-3-studio-developer", "presigned-url-iam-user"):
        if SEED_POLICIES.exists():
            assert json.loads(by_name[name]) == json.loads(
                (SEED_POLICIES / f"{name}.json").read_text()
            )
    team2 = json.loads(by_name["team-2-supporting-services"])
    assert team2["Statement"][0]["Resource"] == "arn:aws:s3:::sagemaker-studio-abac-sandbox"
    assert "<S3 BucketName>" not in by_name["team-2-supporting-services"]


def test_access_keys_are_stable_and_distinct_per_user() -> None:
    # Given the shipped scenario loaded twice
    first = load_scenario(default_scenario_path())
    second = load_scenario(default_scenario_path())
    # Then each user has the same fake key both times, and no two users share one
    keys = [user.access_keys[0].access_key_id for user in first.users]
    assert keys == [user.access_keys[0].access_key_id for user in second.users]
    assert len(set(keys)) == len(keys)
    assert all(key.startswith("AKIA") and len(key) == 20 for key in keys)


@pytest.mark.parametrize(
    ("overrides", "path", "rule"),
    [
        ({"account_id": "12345"}, "account_id", "must match"),
        ({"colour": "blue"}, "colour", "unknown field"),
        (
            {"roles": [{"name": "TeamRole", "managed_policies": ["nope"]}]},
            "roles[0].managed_policies[0]",
            "unknown policy 'nope'",
        ),
        (
            {"roles": [{"name": "TeamRole", "tags": {"aws:team": "A"}}]},
            "roles[0].tags.aws:team",
            "reserved",
        ),
        (
            {"policies": {"dev": {"Statement": [{"Resource": "<S3 BucketName>"}]}}},
            "policies.dev",
            "placeholder '<S3 BucketName>' is not substituted",
        ),
        (
            {"user_profiles": [{"name": "alice", "execution_role": "Other"}]},
            "user_profiles[0].execution_role",
            "unknown role 'Other'",
        ),
        (
            {"resources": {"trials": [{"name": "t1", "experiment": "missing"}]}},
            "resources.trials[0].experiment",
            "no experiment named 'missing'",
        ),
        (
            {"resources": {"experiments": [{"name": "bad_name!"}]}},
            "resources.experiments[0].name",
            "must match",
        ),
    ],
)
def test_invalid_scenarios_name_the_path_and_the_rule(
    tmp_path: Path, overrides: dict[str, object], path: str, rule: str
) -> None:
    # Given a scenario file that breaks one rule
    file = write_scenario(tmp_path, **overrides)
    # When it is loaded
    with pytest.raises(ScenarioError) as caught:
        load_scenario(file)
    # Then the error names the file, the path in it and the rule
    assert caught.value.path == path
    assert rule in caught.value.rule
    assert str(file) in str(caught.value)


def test_a_json_scenario_with_substitutions_loads(tmp_path: Path) -> None:
    # Given a JSON scenario whose policy file uses a placeholder given under substitutions
    (tmp_path / "s3.json").write_text(
        json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "<Bucket>"}]})
    )
    data = yaml.safe_load(write_scenario(tmp_path).read_text())
    data["substitutions"] = {"<Bucket>": "arn:aws:s3:::b"}
    data["policies"] = {"dev": "s3.json"}
    file = tmp_path / "scenario.json"
    file.write_text(json.dumps(data))
    # When it is loaded
    scenario = load_scenario(file)
    # Then the placeholder is replaced and the profile owner defaults to its studiouserid tag
    assert json.loads(scenario.policies[0].text)["Statement"][0]["Resource"] == "arn:aws:s3:::b"
    assert scenario.user_profiles[0].owner == "alice"


def test_unreadable_file_is_a_scenario_error(tmp_path: Path) -> None:
    # Given a path with no file
    # When it is loaded, Then the error says the file cannot be read
    with pytest.raises(ScenarioError, match="cannot be read"):
        load_scenario(tmp_path / "missing.yaml")
