"""The document's AWS CLI commands, run by the real `aws` (awscli v1) against the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from studio_abac_ext.sandbox import Sandbox

DOMAIN = "d-studioabacsandbox"
ACCOUNT = "123456789012"


def aws(sandbox: Sandbox, principal: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`aws ARGS` with only the environment `studio-abac sandbox env PRINCIPAL` prints."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(sandbox.env_for(principal))
    return subprocess.run(
        [sys.executable, "-m", "awscli", *args, "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module", autouse=True)
def _awscli_installed() -> None:
    pytest.importorskip("awscli", reason="awscli is in the test extra")


def test_the_documents_create_user_profile_command(fresh_sandbox: Sandbox) -> None:
    # Given the admin, with the document's admin-create-user-profile policy
    # When it runs the document's command for a new IAM user's profile
    created = aws(
        fresh_sandbox,
        "admin",
        "sagemaker",
        "create-user-profile",
        "--domain-id",
        DOMAIN,
        "--user-profile-name",
        "usera3",
        "--tags",
        "Key=studiouserid,Value=usera3",
        "--user-settings",
        f"ExecutionRole=arn:aws:iam::{ACCOUNT}:role/SageMakerStudioDeveloperTeamARole",
    )
    # Then the profile exists, tagged as the document says
    assert created.returncode == 0, created.stderr
    arn = json.loads(created.stdout)["UserProfileArn"]
    assert arn.endswith(f"user-profile/{DOMAIN}/usera3")
    tags = aws(fresh_sandbox, "admin", "sagemaker", "list-tags", "--resource-arn", arn)
    assert {"Key": "studiouserid", "Value": "usera3"} in json.loads(tags.stdout)["Tags"]


def test_the_documents_update_user_profile_command_needs_more_than_its_admin_policy(
    fresh_sandbox: Sandbox,
) -> None:
    # Given the admin with the document's policies (they allow CreateUserProfile, not Update)
    # When it runs the document's SSO step, update-user-profile
    updated = aws(
        fresh_sandbox,
        "admin",
        "sagemaker",
        "update-user-profile",
        "--domain-id",
        DOMAIN,
        "--user-profile-name",
        "usera1",
        "--user-settings",
        f"ExecutionRole=arn:aws:iam::{ACCOUNT}:role/SageMakerStudioDeveloperTeamARole",
    )
    # Then AWS (and the sandbox) denies it: the document's admin policy does not cover this step
    assert updated.returncode != 0
    assert "is not authorized to perform: sagemaker:UpdateUserProfile" in updated.stderr


def test_use_case_1_through_the_cli(fresh_sandbox: Sandbox) -> None:
    # Given usera2 (IAM user with presigned-url-iam-user) asks for usera1's Studio
    denied = aws(
        fresh_sandbox,
        "usera2",
        "sagemaker",
        "create-presigned-domain-url",
        "--domain-id",
        DOMAIN,
        "--user-profile-name",
        "usera1",
    )
    # Then the CLI prints AWS's AccessDeniedException and fails
    assert denied.returncode != 0
    assert "An error occurred (AccessDeniedException)" in denied.stderr
    allowed = aws(
        fresh_sandbox,
        "usera1",
        "sagemaker",
        "create-presigned-domain-url",
        "--domain-id",
        DOMAIN,
        "--user-profile-name",
        "usera1",
    )
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["AuthorizedUrl"].startswith("https://")


def test_assume_role_with_saml_by_hand(fresh_sandbox: Sandbox) -> None:
    # Given the SAMLResponse `studio-abac sandbox saml fed:usera1` prints
    from studio_abac_ext.sandbox.federation import sign_in

    signed_in = sign_in(fresh_sandbox.scenario, "usera1", fresh_sandbox.endpoint)
    # When `aws sts assume-role-with-saml` posts it (the CLI sends it unsigned)
    answer = aws(
        fresh_sandbox,
        "usera1",
        "sts",
        "assume-role-with-saml",
        "--role-arn",
        signed_in.role_arn,
        "--principal-arn",
        signed_in.provider_arn,
        "--saml-assertion",
        signed_in.saml_response,
    )
    # Then STS returns the federated session
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["AssumedRoleUser"]["Arn"].endswith(
        "assumed-role/SageMakerStudioFederatedUserRole/usera1"
    )


def test_delete_experiment_across_teams_through_the_cli(fresh_sandbox: Sandbox) -> None:
    denied = aws(
        fresh_sandbox,
        "userb1@studio",
        "sagemaker",
        "delete-experiment",
        "--experiment-name",
        "usera2teamaexperiment1",
    )
    assert denied.returncode != 0
    assert "is not authorized to perform: sagemaker:DeleteExperiment" in denied.stderr


def test_a_private_space_through_the_cli(fresh_sandbox: Sandbox) -> None:
    # Given usera1's Studio session (Team A's role creates team-tagged resources)
    # When it creates its private space with the CLI, then lists the domain's spaces
    created = aws(
        fresh_sandbox,
        "usera1@studio",
        "sagemaker",
        "create-space",
        "--domain-id",
        DOMAIN,
        "--space-name",
        "usera1-lab",
        "--ownership-settings",
        "OwnerUserProfileName=usera1",
        "--space-sharing-settings",
        "SharingType=Private",
        "--tags",
        "Key=team,Value=TeamA",
    )
    assert created.returncode == 0, created.stderr
    listed = aws(
        fresh_sandbox, "usera1@studio", "sagemaker", "list-spaces", "--domain-id-equals", DOMAIN
    )
    # Then the space is there, owned by usera1 and private
    assert listed.returncode == 0, listed.stderr
    (space,) = json.loads(listed.stdout)["Spaces"]
    assert space["SpaceName"] == "usera1-lab"
    assert space["OwnershipSettingsSummary"] == {"OwnerUserProfileName": "usera1"}
    assert space["SpaceSharingSettingsSummary"] == {"SharingType": "Private"}
    # And Team B's session may not delete it
    denied = aws(
        fresh_sandbox,
        "userb1@studio",
        "sagemaker",
        "delete-space",
        "--domain-id",
        DOMAIN,
        "--space-name",
        "usera1-lab",
    )
    assert denied.returncode != 0
    assert "is not authorized to perform: sagemaker:DeleteSpace" in denied.stderr
