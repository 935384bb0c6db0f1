"""STS and IAM through the gateway, live IAM state in decisions, and the audit trail."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from studio_abac_ext.sandbox import Sandbox

ACCOUNT = "123456789012"
DOMAIN = "d-studioabacsandbox"
FEDERATED_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/admin"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        }
    ],
}
FEDERATED_PRESIGNED = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "sagemaker:CreatePresignedDomainUrl",
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "sagemaker:ResourceTag/studiouserid": "${aws:PrincipalTag/studiouserid}"
                }
            },
        }
    ],
}


def federated_role(sandbox: Sandbox) -> str:
    """A role like the document's federation role, made by the admin through IAM."""
    iam = sandbox.session_for("admin").client("iam")
    role = iam.create_role(
        RoleName="StudioFederated", AssumeRolePolicyDocument=json.dumps(FEDERATED_TRUST)
    )
    policy = iam.create_policy(
        PolicyName="presigned-url-assume-role", PolicyDocument=json.dumps(FEDERATED_PRESIGNED)
    )
    iam.attach_role_policy(RoleName="StudioFederated", PolicyArn=policy["Policy"]["Arn"])
    return str(role["Role"]["Arn"])


def test_assume_role_session_tags_become_principal_tags(fresh_sandbox: Sandbox) -> None:
    # Given a federation role whose presigned-URL policy compares the studiouserid session tag
    role_arn = federated_role(fresh_sandbox)
    sts = fresh_sandbox.session_for("admin").client("sts")
    # When the admin assumes it with studiouserid=usera1 as a transitive session tag
    credentials = sts.assume_role(
        RoleArn=role_arn,
        RoleSessionName="usera1-federated",
        Tags=[{"Key": "studiouserid", "Value": "usera1"}],
        TransitiveTagKeys=["studiouserid"],
    )["Credentials"]
    session = fresh_sandbox.session_for("admin")
    federated = type(session)(
        fresh_sandbox.endpoint,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name="us-east-1",
    )
    sagemaker = federated.client("sagemaker")
    # Then the session opens usera1's Studio and not usera2's
    assert sagemaker.create_presigned_domain_url(DomainId=DOMAIN, UserProfileName="usera1")[
        "AuthorizedUrl"
    ]
    with pytest.raises(ClientError) as caught:
        sagemaker.create_presigned_domain_url(DomainId=DOMAIN, UserProfileName="usera2")
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    # And STS reports the session as the assumed role
    arn = federated.client("sts").get_caller_identity()["Arn"]
    assert arn == f"arn:aws:sts::{ACCOUNT}:assumed-role/StudioFederated/usera1-federated"


def test_assume_role_needs_the_trust_policy(fresh_sandbox: Sandbox) -> None:
    # Given the document's team role, trusted only by SageMaker
    sts = fresh_sandbox.session_for("usera1").client("sts")
    # When an IAM user tries to assume it
    with pytest.raises(ClientError) as caught:
        sts.assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/SageMakerStudioDeveloperTeamARole",
            RoleSessionName="x1",
        )
    # Then STS refuses in its query-protocol shape
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_role_and_user_tags_are_readable_through_iam_when_allowed(fresh_sandbox: Sandbox) -> None:
    # Given the admin (iam:*) and a Studio session (only iam:ListRoles)
    admin = fresh_sandbox.session_for("admin").client("iam")
    studio = fresh_sandbox.session_for("usera1@studio").client("iam")
    # When both read the team role's tags
    tags = admin.list_role_tags(RoleName="SageMakerStudioDeveloperTeamBRole")["Tags"]
    # Then the admin sees team=TeamB, and the session is denied as AWS would deny it
    assert tags == [{"Key": "team", "Value": "TeamB"}]
    assert "SageMakerStudioDeveloperTeamARole" in [
        r["RoleName"] for r in studio.list_roles()["Roles"]
    ]
    with pytest.raises(ClientError) as caught:
        studio.list_role_tags(RoleName="SageMakerStudioDeveloperTeamBRole")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert "iam:ListRoleTags" in caught.value.response["Error"]["Message"]


def test_decisions_follow_live_iam_changes(fresh_sandbox: Sandbox) -> None:
    # Given Team B cannot delete Team A's experiment
    team_b = fresh_sandbox.session_for("userb1@studio").client("sagemaker")
    with pytest.raises(ClientError):
        team_b.delete_experiment(ExperimentName="teama-seeded-experiment")
    # When the admin re-tags Team B's role as Team A
    admin = fresh_sandbox.session_for("admin").client("iam")
    admin.tag_role(
        RoleName="SageMakerStudioDeveloperTeamBRole", Tags=[{"Key": "team", "Value": "TeamA"}]
    )
    # Then the next request is decided with the new principal tag
    team_b.delete_experiment(ExperimentName="teama-seeded-experiment")


def test_denials_are_audited_and_answered_by_cloudtrail(fresh_sandbox: Sandbox) -> None:
    # Given Team B was denied deleting Team A's experiment
    team_b = fresh_sandbox.session_for("userb1@studio").client("sagemaker")
    with pytest.raises(ClientError):
        team_b.delete_experiment(ExperimentName="teama-seeded-experiment")
    # When the admin looks the event up through CloudTrail
    cloudtrail = fresh_sandbox.session_for("admin").client("cloudtrail")
    events = cloudtrail.lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "DeleteExperiment"}]
    )["Events"]
    # Then it is there in CloudTrail's shape, with the caller, the resource and AccessDenied
    assert len(events) == 1
    event = json.loads(events[0]["CloudTrailEvent"])
    arn = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:experiment/teama-seeded-experiment"
    assert event["errorCode"] == "AccessDenied"
    assert event["userIdentity"]["arn"].endswith(
        "assumed-role/SageMakerStudioDeveloperTeamBRole/SageMaker"
    )
    assert event["eventSource"] == "sagemaker.amazonaws.com"
    assert event["requestParameters"]["resource"] == arn
    assert "is not authorized to perform: sagemaker:DeleteExperiment" in event["errorMessage"]
    assert events[0]["Resources"] == [
        {"ResourceType": "AWS::Sagemaker::Experiment", "ResourceName": arn}
    ]


def test_allowed_decisions_name_the_deciding_statement(fresh_sandbox: Sandbox) -> None:
    # Given usera1 updates Team A's experiment
    fresh_sandbox.session_for("usera1@studio").client("sagemaker").update_experiment(
        ExperimentName="teama-seeded-experiment", DisplayName="x"
    )
    # When the audit log is read
    entries = [
        e for e in fresh_sandbox.audit.events() if e["action"] == "sagemaker:UpdateExperiment"
    ]
    # Then the decision names the document's statement that allowed it
    assert entries[-1]["decision"] == "allowed"
    assert entries[-1]["deciding"] == [
        "team-3-studio-developer/AmazonSageMakerUpdateDeleteExecutePolicy"
    ]


def test_cloudtrail_is_denied_to_developers(fresh_sandbox: Sandbox) -> None:
    # Given a Studio session without CloudTrail permissions
    cloudtrail: Any = fresh_sandbox.session_for("usera1@studio").client("cloudtrail")
    # When it looks up events, Then it is denied
    with pytest.raises(ClientError) as caught:
        cloudtrail.lookup_events()
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"


def test_s3_follows_the_supporting_services_policy(fresh_sandbox: Sandbox) -> None:
    # Given the admin created the scenario bucket and Team A's session
    admin_s3 = fresh_sandbox.session_for("admin").client("s3")
    with pytest.raises(ClientError):
        admin_s3.create_bucket(Bucket="sagemaker-studio-abac-sandbox")  # admin has no S3 rights
    team_a = fresh_sandbox.session_for("usera1@studio").client("s3")
    # When Team A creates the bucket named in team-2's policy, and another one
    team_a.create_bucket(Bucket="sagemaker-studio-abac-sandbox")
    with pytest.raises(ClientError) as caught:
        team_a.create_bucket(Bucket="someone-elses-bucket")
    # Then only the policy's bucket is allowed, and it can be listed
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert team_a.list_objects_v2(Bucket="sagemaker-studio-abac-sandbox")["KeyCount"] == 0
    # And, faithful to the document's policy naming only the bucket ARN, ListAllMyBuckets
    # (resource "*") and PutObject (an object ARN) are denied, as AWS would deny them
    with pytest.raises(ClientError):
        team_a.list_buckets()
    with pytest.raises(ClientError):
        team_a.put_object(Bucket="sagemaker-studio-abac-sandbox", Key="data.csv", Body=b"1")


def test_an_explicit_deny_added_through_iam_wins_and_says_so(fresh_sandbox: Sandbox) -> None:
    # Given the admin adds an inline policy denying usera2 every presigned URL
    deny = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "NoStudio",
                "Effect": "Deny",
                "Action": "sagemaker:CreatePresignedDomainUrl",
                "Resource": "*",
            }
        ],
    }
    fresh_sandbox.session_for("admin").client("iam").put_user_policy(
        UserName="usera2", PolicyName="no-studio", PolicyDocument=json.dumps(deny)
    )
    # When usera2 opens their own Studio, which the document's policy allows
    sagemaker = fresh_sandbox.session_for("usera2").client("sagemaker")
    with pytest.raises(ClientError) as caught:
        sagemaker.create_presigned_domain_url(DomainId=DOMAIN, UserProfileName="usera2")
    # Then the explicit deny wins, and the message says it was an explicit deny
    assert caught.value.response["Error"]["Message"].endswith(
        "with an explicit deny in an identity-based policy"
    )
    decision = fresh_sandbox.audit.events()[-1]
    assert (decision["decision"], decision["deciding"]) == ("explicitDeny", ["no-studio/NoStudio"])


def test_identity_policies_alone_cannot_assume_a_role_that_does_not_trust_the_caller(
    fresh_sandbox: Sandbox,
) -> None:
    # Given usera1 is granted sts:AssumeRole on every role through an identity policy
    allow = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
    fresh_sandbox.session_for("admin").client("iam").put_user_policy(
        UserName="usera1", PolicyName="assume-anything", PolicyDocument=json.dumps(allow)
    )
    sts = fresh_sandbox.session_for("usera1").client("sts")
    # When usera1 assumes Team B's role, whose trust policy names only SageMaker
    with pytest.raises(ClientError) as caught:
        sts.assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/SageMakerStudioDeveloperTeamBRole",
            RoleSessionName="sneaky",
        )
    # Then it is denied: a role's trust policy must allow the caller
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert (
        "because no role trust policy allows the sts:AssumeRole action"
        in (caught.value.response["Error"]["Message"])
    )
