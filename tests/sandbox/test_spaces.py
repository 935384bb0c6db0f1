"""Studio spaces through boto3 over HTTP: their shapes, tags, and space-ownership policies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from studio_abac_ext.sandbox import Sandbox

ACCOUNT = "123456789012"
DOMAIN = "d-studioabacsandbox"
USERA1_PROFILE = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:user-profile/{DOMAIN}/usera1"
TEAM_A = [{"Key": "team", "Value": "TeamA"}]
# A space-ownership guard: whatever else the role allows, it touches only private spaces that
# usera1 owns (both keys are in the context of CreateSpace, UpdateSpace and DeleteSpace).
OWN_PRIVATE_SPACES = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "OnlyUsera1sSpaces",
            "Effect": "Deny",
            "Action": ["sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace"],
            "Resource": f"arn:aws:sagemaker:*:{ACCOUNT}:space/{DOMAIN}/*",
            "Condition": {"StringNotEquals": {"sagemaker:OwnerUserProfileArn": USERA1_PROFILE}},
        },
        {
            "Sid": "OnlyPrivateSpaces",
            "Effect": "Deny",
            "Action": ["sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace"],
            "Resource": f"arn:aws:sagemaker:*:{ACCOUNT}:space/{DOMAIN}/*",
            "Condition": {"StringNotEquals": {"sagemaker:SpaceSharingType": "Private"}},
        },
    ],
}


def sagemaker_admin(sandbox: Sandbox) -> Any:
    """The admin's SageMaker client, once the admin (who may manage IAM) grants itself SageMaker."""
    sandbox.session_for("admin").client("iam").put_user_policy(
        UserName="admin",
        PolicyName="sagemaker-all",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}],
            }
        ),
    )
    return sandbox.session_for("admin").client("sagemaker")


def private_space(name: str, owner: str) -> dict[str, object]:
    return {
        "DomainId": DOMAIN,
        "SpaceName": name,
        "OwnershipSettings": {"OwnerUserProfileName": owner},
        "SpaceSharingSettings": {"SharingType": "Private"},
        "SpaceSettings": {"AppType": "JupyterLab"},
        "Tags": TEAM_A,
    }


def test_a_space_is_created_described_listed_tagged_and_deleted(fresh_sandbox: Sandbox) -> None:
    # Given the admin
    sagemaker = sagemaker_admin(fresh_sandbox)
    # When it creates usera1's private space with a tag
    arn = sagemaker.create_space(**private_space("usera1-space", "usera1"))["SpaceArn"]
    # Then the space has AWS's ARN, its settings and its create-time tags
    assert arn == f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:space/{DOMAIN}/usera1-space"
    described = sagemaker.describe_space(DomainId=DOMAIN, SpaceName="usera1-space")
    assert described["SpaceArn"] == arn
    assert described["Status"] == "InService"
    assert described["OwnershipSettings"] == {"OwnerUserProfileName": "usera1"}
    assert described["SpaceSharingSettings"] == {"SharingType": "Private"}
    assert sagemaker.list_tags(ResourceArn=arn)["Tags"] == TEAM_A
    # And ListSpaces summarises it
    (listed,) = sagemaker.list_spaces(DomainIdEquals=DOMAIN)["Spaces"]
    assert listed["SpaceName"] == "usera1-space"
    assert listed["OwnershipSettingsSummary"] == {"OwnerUserProfileName": "usera1"}
    assert listed["SpaceSharingSettingsSummary"] == {"SharingType": "Private"}
    assert listed["SpaceSettingsSummary"] == {"AppType": "JupyterLab"}
    # And UpdateSpace changes its display name
    sagemaker.update_space(DomainId=DOMAIN, SpaceName="usera1-space", SpaceDisplayName="Mine")
    assert (
        sagemaker.describe_space(DomainId=DOMAIN, SpaceName="usera1-space")["SpaceDisplayName"]
        == "Mine"
    )
    # When it deletes the space, then it is gone
    sagemaker.delete_space(DomainId=DOMAIN, SpaceName="usera1-space")
    with pytest.raises(ClientError) as caught:
        sagemaker.describe_space(DomainId=DOMAIN, SpaceName="usera1-space")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFound"
    assert sagemaker.list_spaces()["Spaces"] == []


def test_space_names_are_unique_and_owners_must_exist(fresh_sandbox: Sandbox) -> None:
    sagemaker = sagemaker_admin(fresh_sandbox)
    sagemaker.create_space(**private_space("shared-work", "usera1"))
    with pytest.raises(ClientError) as duplicate:
        sagemaker.create_space(**private_space("SHARED-WORK", "usera1"))
    assert duplicate.value.response["Error"]["Code"] == "ResourceInUse"
    with pytest.raises(ClientError) as no_owner:
        sagemaker.create_space(**private_space("other", "nobody"))
    assert no_owner.value.response["Error"]["Code"] == "ResourceNotFound"


def test_space_ownership_policy_allows_only_the_owners_private_spaces(
    fresh_sandbox: Sandbox,
) -> None:
    # Given Team A's role (which may create and delete team-tagged resources) is kept to
    # private spaces owned by usera1
    iam = fresh_sandbox.session_for("admin").client("iam")
    iam.put_role_policy(
        RoleName="SageMakerStudioDeveloperTeamARole",
        PolicyName="own-private-spaces",
        PolicyDocument=json.dumps(OWN_PRIVATE_SPACES),
    )
    usera1 = fresh_sandbox.session_for("usera1@studio").client("sagemaker")
    # When usera1 creates a private space it owns, then it is allowed
    usera1.create_space(**private_space("usera1-private", "usera1"))
    # When it creates one owned by usera2, or a shared one, then both are denied
    for params in (
        private_space("usera2-private", "usera2"),
        {
            **private_space("team-shared", "usera1"),
            "SpaceSharingSettings": {"SharingType": "Shared"},
        },
    ):
        with pytest.raises(ClientError) as caught:
            usera1.create_space(**params)
        assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
        assert "sagemaker:CreateSpace" in caught.value.response["Error"]["Message"]
        assert "explicit deny" in caught.value.response["Error"]["Message"]
    # And the admin's space owned by usera2 cannot be deleted by usera1: DeleteSpace reads the
    # owner of the space itself
    admin = sagemaker_admin(fresh_sandbox)
    admin.create_space(**private_space("usera2-private", "usera2"))
    with pytest.raises(ClientError) as denied:
        usera1.delete_space(DomainId=DOMAIN, SpaceName="usera2-private")
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    usera1.delete_space(DomainId=DOMAIN, SpaceName="usera1-private")
