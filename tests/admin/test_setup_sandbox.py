"""``studio-abac setup`` against the sandbox over HTTP, as the sandbox's ``admin`` principal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from studio_abac_ext.cli import main
from studio_abac_ext.sandbox import Sandbox
from studio_abac_ext.scenario import default_scenario_path

pytestmark = pytest.mark.sandbox

DEFAULT_DIR = default_scenario_path().parent


def default_scenario_data() -> dict[str, Any]:
    """The document's scenario with its file references made absolute (it is written elsewhere)."""
    data: dict[str, Any] = yaml.safe_load(default_scenario_path().read_text())
    data["policies"] = {
        name: str(DEFAULT_DIR / relative) for name, relative in data["policies"].items()
    }
    for role in data["roles"]:
        if "trust_statements" in role:
            role["trust_statements"] = [
                str(DEFAULT_DIR / item) if isinstance(item, str) else item
                for item in role["trust_statements"]
            ]
    return data


def with_team_c(data: dict[str, Any]) -> dict[str, Any]:
    """The document's scenario plus a third team: a policy, a role, a user and a profile."""
    data["teams"] = [*data["teams"], "TeamC"]
    data["policies"]["team-c-notebooks"] = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DescribeOwnTeam",
                "Effect": "Allow",
                "Action": "sagemaker:DescribeExperiment",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
            }
        ],
    }
    data["roles"].append(
        {
            "name": "SageMakerStudioDeveloperTeamCRole",
            "tags": {"team": "TeamC"},
            "managed_policies": ["team-3-studio-developer", "team-c-notebooks"],
        }
    )
    data["users"].append({"name": "userc1", "managed_policies": ["presigned-url-iam-user"]})
    data["user_profiles"].append(
        {
            "name": "userc1",
            "owner": "userc1",
            "execution_role": "SageMakerStudioDeveloperTeamCRole",
            "tags": {"studiouserid": "userc1"},
        }
    )
    return data


def write_scenario(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture
def as_admin(fresh_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> boto3.Session:
    """The process environment of the sandbox's admin (boto3's default chain reads it)."""
    for key, value in fresh_sandbox.env_for("admin").items():
        monkeypatch.setenv(key, value)
    return fresh_sandbox.session_for("admin")


def run_setup(
    scenario: Path, capsys: pytest.CaptureFixture[str], *flags: str
) -> tuple[int, dict[str, Any], str]:
    code = main(["setup", "--scenario", str(scenario), "--json", *flags])
    captured = capsys.readouterr()
    plan = json.loads(captured.out) if captured.out.strip() else {}
    return code, plan, captured.err


def changes_of(plan: dict[str, Any]) -> dict[str, str]:
    return {f"{item['kind']}:{item['name']}": item["change"] for item in plan["items"]}


def test_the_seeded_scenario_is_already_applied(
    as_admin: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the sandbox seeded with the document's scenario
    # When setup plans that same scenario
    code, plan, _ = run_setup(default_scenario_path(), capsys, "--dry-run")
    # Then every item is unchanged
    assert code == 0
    assert plan["changes"] == 0
    assert set(changes_of(plan).values()) == {"unchanged"}
    assert "user-profile:usera1" in changes_of(plan)


def test_dry_run_plans_a_new_team_without_changing_anything(
    as_admin: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = write_scenario(tmp_path, with_team_c(default_scenario_data()))
    code, plan, _ = run_setup(scenario, capsys, "--dry-run")
    assert code == 0
    changes = changes_of(plan)
    assert changes["managed-policy:team-c-notebooks"] == "create"
    assert changes["role:SageMakerStudioDeveloperTeamCRole"] == "create"
    assert changes["user:userc1"] == "create"
    assert changes["user-profile:userc1"] == "create"
    assert changes["role:SageMakerStudioDeveloperTeamARole"] == "unchanged"
    # Nothing was created
    iam = as_admin.client("iam")
    assert "SageMakerStudioDeveloperTeamCRole" not in {
        role["RoleName"] for role in iam.list_roles()["Roles"]
    }


def test_setup_creates_a_new_team_and_a_second_run_changes_nothing(
    as_admin: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a scenario with a third team
    scenario = write_scenario(tmp_path, with_team_c(default_scenario_data()))
    # When setup applies it
    code, plan, err = run_setup(scenario, capsys)
    assert code == 0, err
    assert plan["changes"] == 4
    # Then the role carries the team tag and both policies, the profile its tag and role
    iam = as_admin.client("iam")
    role_tags = iam.list_role_tags(RoleName="SageMakerStudioDeveloperTeamCRole")["Tags"]
    assert {"Key": "team", "Value": "TeamC"} in role_tags
    attached = iam.list_attached_role_policies(RoleName="SageMakerStudioDeveloperTeamCRole")
    assert {p["PolicyName"] for p in attached["AttachedPolicies"]} == {
        "team-3-studio-developer",
        "team-c-notebooks",
    }
    sagemaker = as_admin.client("sagemaker")
    profile = sagemaker.describe_user_profile(
        DomainId="d-studioabacsandbox", UserProfileName="userc1"
    )
    assert profile["UserSettings"]["ExecutionRole"].endswith(
        ":role/SageMakerStudioDeveloperTeamCRole"
    )
    tags = sagemaker.list_tags(ResourceArn=profile["UserProfileArn"])["Tags"]
    assert {"Key": "studiouserid", "Value": "userc1"} in tags
    # And a second run plans no change
    code, again, _ = run_setup(scenario, capsys)
    assert code == 0
    assert again["changes"] == 0


def test_a_changed_policy_becomes_a_new_default_version(
    as_admin: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = default_scenario_data()
    data["substitutions"]["<S3 BucketName>"] = "arn:aws:s3:::another-bucket"
    scenario = write_scenario(tmp_path, data)
    code, plan, err = run_setup(scenario, capsys)
    assert code == 0, err
    assert changes_of(plan)["managed-policy:team-2-supporting-services"] == "update"
    iam = as_admin.client("iam")
    arn = "arn:aws:iam::123456789012:policy/team-2-supporting-services"
    default = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=default)["PolicyVersion"]
    assert "another-bucket" in json.dumps(document["Document"])
    assert run_setup(scenario, capsys)[1]["changes"] == 0


def test_a_permission_the_admin_lacks_is_named(
    as_admin: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a scenario that moves usera2 to Team B's role (UpdateUserProfile)
    data = default_scenario_data()
    for profile in data["user_profiles"]:
        if profile["name"] == "usera2":
            profile["execution_role"] = "SageMakerStudioDeveloperTeamBRole"
    scenario = write_scenario(tmp_path, data)
    # When setup applies it as the document's admin persona (no UpdateUserProfile)
    code, plan, err = run_setup(scenario, capsys)
    # Then it stops and names the permission it needs
    assert changes_of(plan)["user-profile:usera2"] == "update"
    assert code == 1
    assert "sagemaker:UpdateUserProfile" in err
    assert "the caller needs sagemaker:UpdateUserProfile" in err
    assert "Traceback" not in err


def test_a_missing_domain_blocks_the_plan(
    as_admin: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = default_scenario_data()
    data["domain"]["id"] = "d-doesnotexist1"
    scenario = write_scenario(tmp_path, data)
    code, plan, err = run_setup(scenario, capsys)
    assert code == 1
    assert any("d-doesnotexist1 does not exist" in blocker for blocker in plan["blockers"])
    assert "refusing to apply" in err


def test_an_unfilled_placeholder_is_refused_before_any_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a scenario that leaves the document's <S3 BucketName> placeholder unfilled
    data = default_scenario_data()
    del data["substitutions"]["<S3 BucketName>"]
    scenario = write_scenario(tmp_path, data)
    # When setup is asked to plan it (no AWS needed: it refuses first)
    code = main(["setup", "--scenario", str(scenario), "--dry-run"])
    err = capsys.readouterr().err
    assert code == 2
    assert "<S3 BucketName>" in err and "substitutions" in err


def test_federation_adds_the_transitive_tag_statement_to_team_roles_once(
    as_admin: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a SAML provider in the account
    provider = as_admin.client("iam").create_saml_provider(
        Name="Okta", SAMLMetadataDocument="<EntityDescriptor>" + "x" * 1000 + "</EntityDescriptor>"
    )["SAMLProviderArn"]
    scenario = default_scenario_path()
    # When setup runs with --federation-provider
    code, plan, err = run_setup(scenario, capsys, "--federation-provider", provider)
    # Then both team roles get the document's IdentifyTransitiveTags statement
    assert code == 0, err
    assert changes_of(plan)["role:SageMakerStudioDeveloperTeamARole"] == "update"
    trust = as_admin.client("iam").get_role(RoleName="SageMakerStudioDeveloperTeamBRole")["Role"][
        "AssumeRolePolicyDocument"
    ]
    statement = next(s for s in trust["Statement"] if s.get("Sid") == "IdentifyTransitiveTags")
    assert statement["Principal"] == {"Federated": provider}
    assert statement["Action"] == "sts:TagSession"
    assert statement["Condition"] == {
        "ForAllValues:StringEquals": {"sts:TransitiveTagKeys": ["studiouserid"]}
    }
    # And the service trust stays; a second run changes nothing
    assert any(
        s.get("Principal") == {"Service": "sagemaker.amazonaws.com"} for s in trust["Statement"]
    )
    assert run_setup(scenario, capsys, "--federation-provider", provider)[1]["changes"] == 0


def test_a_malformed_federation_provider_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["setup", "--scenario", str(default_scenario_path()), "--federation-provider", "Okta"]
    )
    assert code == 2
    assert "--federation-provider 'Okta'" in capsys.readouterr().err
