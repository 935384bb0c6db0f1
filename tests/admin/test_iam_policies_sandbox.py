"""Reading a role's policies live from IAM (the sandbox), and check-isolation --role."""

from __future__ import annotations

import json

import pytest

from studio_abac_ext.aws.errors import AwsAccessDeniedError, AwsNotFoundError
from studio_abac_ext.aws.iam_policies import load_role_policies, role_name_from_arn
from studio_abac_ext.cli import main
from studio_abac_ext.isolation.checker import check_isolation
from studio_abac_ext.policy import PolicySet, parse_policy
from studio_abac_ext.sandbox import Sandbox

pytestmark = pytest.mark.sandbox

TEAM_A_ROLE = "arn:aws:iam::123456789012:role/SageMakerStudioDeveloperTeamARole"


def test_a_team_roles_attached_and_inline_policies_and_boundary_are_read(
    fresh_sandbox: Sandbox,
) -> None:
    # Given Team A's role, plus an inline policy and a boundary added by the admin
    iam = fresh_sandbox.session_for("admin").client("iam")
    inline = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Extra", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}
        ],
    }
    iam.put_role_policy(
        RoleName="SageMakerStudioDeveloperTeamARole",
        PolicyName="extra-inline",
        PolicyDocument=json.dumps(inline),
    )
    boundary = iam.create_policy(
        PolicyName="team-boundary",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}],
            }
        ),
    )["Policy"]["Arn"]
    iam.put_role_permissions_boundary(
        RoleName="SageMakerStudioDeveloperTeamARole", PermissionsBoundary=boundary
    )
    # When its policies are loaded by ARN
    role = load_role_policies(iam, TEAM_A_ROLE)
    # Then the tags, the three attached policies, the inline one and the boundary are there
    assert role.tags == {"team": "TeamA"}
    assert [p.name for p in role.attached] == [
        "team-1-sagemaker-read-only",
        "team-2-supporting-services",
        "team-3-studio-developer",
    ]
    assert all(p.arn and p.version_id == "v1" for p in role.attached)
    assert [(p.name, json.loads(p.text)) for p in role.inline] == [("extra-inline", inline)]
    assert role.boundary is not None and role.boundary.arn == boundary
    # And they parse into the engine's policy set
    policies = role.to_policy_set()
    assert len(policies.identity) == 4 and policies.boundary is not None


def test_live_policies_give_the_same_findings_as_the_document_files(
    fresh_sandbox: Sandbox,
) -> None:
    role = load_role_policies(
        fresh_sandbox.session_for("admin").client("iam"), "SageMakerStudioDeveloperTeamARole"
    )
    live = {finding.id for finding in check_isolation(role.to_policy_set())}
    files = PolicySet(identity=[parse_policy(p.text, name=p.name) for p in role.attached])
    assert live == {finding.id for finding in check_isolation(files)}
    assert "retag-takeover" in live


def test_a_caller_without_iam_read_gets_an_error_naming_the_permission(
    fresh_sandbox: Sandbox,
) -> None:
    iam = fresh_sandbox.session_for("usera1").client("iam")
    with pytest.raises(AwsAccessDeniedError) as error:
        load_role_policies(iam, TEAM_A_ROLE)
    assert error.value.action == "iam:GetRole"


def test_a_missing_role_is_reported_as_not_found(fresh_sandbox: Sandbox) -> None:
    iam = fresh_sandbox.session_for("admin").client("iam")
    with pytest.raises(AwsNotFoundError):
        load_role_policies(iam, "NoSuchRole")


@pytest.mark.parametrize(
    ("text", "name"),
    [("arn:aws:iam::123456789012:role/path/to/Name", "Name"), ("Plain", "Plain")],
)
def test_role_names_come_from_arns_or_names(text: str, name: str) -> None:
    assert role_name_from_arn(text) == name


@pytest.mark.parametrize("bad", ["arn:aws:s3:::bucket", "", "a/b"])
def test_other_strings_are_not_roles(bad: str) -> None:
    with pytest.raises(ValueError, match="role"):
        role_name_from_arn(bad)


def test_check_isolation_reads_the_role_live_and_uses_its_team_tag(
    fresh_sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key, value in fresh_sandbox.env_for("admin").items():
        monkeypatch.setenv(key, value)
    role_b = TEAM_A_ROLE.replace("TeamA", "TeamB")
    code = main(["check-isolation", "--role", role_b, "--json", "--fail-on", "critical"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1  # the document's policies let *App delete other teams' MLflow apps
    passrole = next(f for f in findings if f["id"] == "passrole-other-roles")
    # The role's own tag (team=TeamB) made it the principal's team
    assert passrole["example"]["principal"].endswith(
        ":assumed-role/SageMakerStudioDeveloperTeamBRole/SageMaker"
    )


def test_check_isolation_role_errors_are_clear(
    fresh_sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key, value in fresh_sandbox.env_for("usera1").items():
        monkeypatch.setenv(key, value)
    code = main(["check-isolation", "--role", TEAM_A_ROLE])
    err = capsys.readouterr().err
    assert code == 2
    assert "iam:GetRole failed: AccessDenied" in err
    assert "Traceback" not in err
