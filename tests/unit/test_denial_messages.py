"""The one parser of AWS's AccessDenied text, on the messages as AWS writes them.

AWS (IAM User Guide, "Troubleshoot access denied error messages"): "User: <principal> is not
authorized to perform: <action> on resource: <resource> because no <policy type> allows the
<action> action" for an implicit deny and "... with an explicit deny in a <policy type>" for an
explicit one; same-account explicit denies may append ": <policy ARN>".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from studio_abac_ext.aws.denial_messages import (
    DenialReason,
    is_denial_code,
    parse_denial,
    plain_text,
    with_decoded,
)
from studio_abac_ext.aws.errors import AwsAccessDeniedError

HERE = Path(__file__).parent / "denial_messages"
TEAM_B = "arn:aws:sts::123456789012:assumed-role/SageMakerStudioDeveloperTeamBRole/SageMaker"
EXPERIMENT = "arn:aws:sagemaker:us-east-1:123456789012:experiment/usera1teamaexperiment1"
USER = "arn:aws:iam::777788889999:user/MaryMajor"
SCP_ARN = "arn:aws:organizations::777788889999:policy/o-abcdef0123/service_control_policy/p-abc123"


@pytest.mark.parametrize(
    ("words", "policy_type"),
    [
        ("identity-based policy", "identity"),
        ("resource-based policy", "resource"),
        ("session policy", "session"),
        ("service control policy", "scp"),
        ("resource control policy", "rcp"),
        ("VPC endpoint policy", "vpce"),
        ("permissions boundary", "boundary"),
    ],
)
def test_implicit_denials_name_the_policy_type_that_allowed_nothing(words, policy_type):
    # Given AWS's implicit-deny message for each policy type
    message = (
        f"User: {TEAM_B} is not authorized to perform: sagemaker:DeleteExperiment on resource: "
        f"{EXPERIMENT} because no {words} allows the sagemaker:DeleteExperiment action"
    )
    # When it is parsed
    denial = parse_denial(message)
    # Then every part is read, and the reason is implicit in that policy type
    assert denial is not None
    assert denial.principal == TEAM_B
    assert denial.action == "sagemaker:DeleteExperiment"
    assert denial.resource == EXPERIMENT
    assert denial.reason == DenialReason(False, policy_type)
    assert denial.reason.words.lower() == words.lower()
    assert denial.message == message


def test_a_role_trust_policy_denial_names_the_role():
    message = (
        "User: arn:aws:sts::123456789012:assumed-role/Dev/alice is not authorized to perform: "
        "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/Admin because no role trust "
        "policy allows the sts:AssumeRole action"
    )
    denial = parse_denial(message)
    assert denial is not None
    assert denial.action == "sts:AssumeRole"
    assert denial.resource == "arn:aws:iam::123456789012:role/Admin"
    assert denial.reason == DenialReason(False, "trust")


@pytest.mark.parametrize(
    ("words", "policy_type"),
    [
        ("a service control policy", "scp"),
        ("a resource control policy", "rcp"),
        ("an identity-based policy", "identity"),
        ("a permissions boundary", "boundary"),
        ("a session policy", "session"),
        ("a resource-based policy", "resource"),
        ("a VPC endpoint policy", "vpce"),
        ("the role trust policy", "trust"),
    ],
)
def test_explicit_denials_name_the_policy_type(words, policy_type):
    message = (
        f"User: {USER} is not authorized to perform: codecommit:ListRepositories "
        f"with an explicit deny in {words}"
    )
    denial = parse_denial(message)
    assert denial is not None
    assert denial.action == "codecommit:ListRepositories"
    assert denial.resource is None  # a message without a resource
    assert denial.reason == DenialReason(True, policy_type)
    assert denial.explicit


def test_an_explicit_deny_may_name_the_policy_arn():
    # Given a same-organisation SCP denial, which since 2025 appends the policy's ARN
    message = (
        f"User: {USER} is not authorized to perform: codecommit:ListRepositories "
        f"with an explicit deny in a service control policy: {SCP_ARN}"
    )
    denial = parse_denial(message)
    assert denial is not None
    assert denial.reason == DenialReason(True, "scp", SCP_ARN)
    assert denial.reason.to_dict() == {"explicit": True, "policyType": "scp", "policyArn": SCP_ARN}


def test_the_old_bare_explicit_deny_names_no_policy_type():
    # Given an older message that ends in a bare "with an explicit deny", IAM's "role NAME"
    message = (
        "User: arn:aws:iam::123456789012:user/tester is not authorized to perform: "
        "ec2:RunInstances on resource: role TestReadOnly with an explicit deny"
    )
    denial = parse_denial(message)
    assert denial is not None
    assert denial.reason == DenialReason(True, None, None)
    # IAM's "role NAME" is the role's ARN in the principal's account
    assert denial.resource == "arn:aws:iam::123456789012:role/TestReadOnly"
    assert denial.resource_as_written == "role TestReadOnly"


def test_iam_policy_resources_are_written_policy_arn():
    message = (
        "An error occurred (AccessDenied) when calling the GetPolicyVersion operation: User: "
        "arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:GetPolicyVersion "
        "on resource: policy arn:aws:iam::123456789012:policy/TeamA because no identity-based "
        "policy allows the iam:GetPolicyVersion action"
    )
    denial = parse_denial(message)
    assert denial is not None
    assert denial.code == "AccessDenied"
    assert denial.operation == "GetPolicyVersion"
    assert denial.resource == "arn:aws:iam::123456789012:policy/TeamA"


def test_an_iam_resource_without_a_reason():
    message = (
        "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:GetRole "
        "on resource: role Admin"
    )
    denial = parse_denial(message)
    assert denial is not None
    assert denial.reason is None
    assert denial.resource == "arn:aws:iam::123456789012:role/Admin"


def test_s3_quotes_its_resource():
    message = (
        "An error occurred (AccessDenied) when calling the GetObject operation: User: "
        "arn:aws:iam::123456789012:user/deploy-bot is not authorized to perform: s3:GetObject "
        'on resource: "arn:aws:s3:::my-prod-bucket/config.json" because no identity-based '
        "policy allows the s3:GetObject action"
    )
    denial = parse_denial(message)
    assert denial is not None
    assert denial.resource == "arn:aws:s3:::my-prod-bucket/config.json"
    assert denial.resource_as_written == '"arn:aws:s3:::my-prod-bucket/config.json"'


def test_an_s3_denial_wrapped_in_an_upload_error():
    # Given boto3's transfer manager wrapping the ClientError in its own error, in a traceback
    text = (
        "Traceback (most recent call last):\n"
        '  File "<stdin>", line 1, in <module>\n'
        "boto3.exceptions.S3UploadFailedError: Failed to upload data.csv to team-a/data.csv: "
        "An error occurred (AccessDenied) when calling the PutObject operation: User: "
        f"{TEAM_B} is not authorized to perform: s3:PutObject on resource: "
        '"arn:aws:s3:::team-a/data.csv" because no identity-based policy allows the '
        "s3:PutObject action\n"
    )
    denial = parse_denial(text)
    assert denial is not None
    assert (denial.code, denial.operation) == ("AccessDenied", "PutObject")
    assert denial.resource == "arn:aws:s3:::team-a/data.csv"
    assert denial.message.startswith("User: ") and denial.message.endswith("s3:PutObject action")


def test_cross_account_s3_says_only_access_denied():
    text = (
        "An error occurred (AccessDenied) when calling the ListObjectsV2 operation: Access Denied"
    )
    denial = parse_denial(text)
    assert denial is not None
    assert (denial.code, denial.operation, denial.message) == (
        "AccessDenied",
        "ListObjectsV2",
        "Access Denied",
    )
    assert denial.principal is None and denial.action is None and denial.reason is None


def test_boto3s_retries_note_and_an_ansi_traceback():
    text = (
        "\x1b[0;31mClientError\x1b[0m: An error occurred (AccessDeniedException) when calling "
        "the CreateTrialComponent operation (reached max retries: 4): User: "
        f"{TEAM_B} is not authorized to perform: sagemaker:CreateTrialComponent on resource: "
        "arn:aws:sagemaker:us-east-1:123456789012:experiment-trial-component/run-1 because no "
        "identity-based policy allows the sagemaker:CreateTrialComponent action"
    )
    denial = parse_denial(text)
    assert denial is not None
    assert denial.operation == "CreateTrialComponent"
    assert denial.action == "sagemaker:CreateTrialComponent"
    assert denial.resource.endswith("experiment-trial-component/run-1")


def test_ec2_encoded_messages_keep_the_blob_for_sts():
    blob = "6-ZhWI4t0P8UZXLrL5zGCD2Pnl6kQZ_uXs8ZCuCqBexJ8dEN4ob-J1BxqEPNJ4zZ"
    text = (
        "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: "
        f"You are not authorized to perform this operation. Encoded authorization failure "
        f"message: {blob}"
    )
    denial = parse_denial(text)
    assert denial is not None
    assert denial.code == "UnauthorizedOperation"
    assert denial.encoded == blob
    assert denial.action is None
    # When STS decodes it (DecodeAuthorizationMessage's DecodedMessage, as JSON)
    decoded = with_decoded(
        denial,
        {
            "allowed": False,
            "explicitDeny": False,
            "context": {
                "principal": {"id": "AIDA", "arn": USER},
                "action": "ec2:RunInstances",
                "resource": "arn:aws:ec2:us-east-1:777788889999:instance/*",
            },
        },
    )
    assert decoded.principal == USER
    assert decoded.action == "ec2:RunInstances"
    assert decoded.resource == "arn:aws:ec2:us-east-1:777788889999:instance/*"
    assert decoded.reason == DenialReason(False, None)


def test_sns_authorization_error():
    text = (
        "An error occurred (AuthorizationError) when calling the Publish operation: User: "
        f"{TEAM_B} is not authorized to perform: SNS:Publish on resource: "
        "arn:aws:sns:us-east-1:123456789012:alerts because no identity-based policy allows the "
        "SNS:Publish action"
    )
    denial = parse_denial(text)
    assert denial is not None
    assert denial.code == "AuthorizationError"
    assert denial.action == "SNS:Publish"


def test_the_sagemaker_sdks_rich_traceback_with_wrapped_lines():
    # Given the SDK's rich traceback as a kernel displays it (text/plain: ANSI colours, a box of
    # code context that itself quotes part of the message, lines wrapped at 115 columns)
    text = (HERE / "rich_traceback.txt").read_text()
    assert "User:\narn:aws:sts" in plain_text(text)  # the wrap is real
    denial = parse_denial(text)
    assert denial is not None
    assert (denial.code, denial.operation) == ("AccessDeniedException", "DeleteExperiment")
    assert denial.principal == TEAM_B
    assert denial.action == "sagemaker:DeleteExperiment"
    assert denial.resource == EXPERIMENT
    assert denial.reason == DenialReason(False, "identity")
    assert "\n" not in denial.message


def test_an_arn_folded_at_the_console_width_is_joined():
    # Given a console narrower than the resource's ARN, which folds it mid-word
    text = (
        "ClientError: An error occurred (AccessDeniedException) when calling the "
        "DeleteExperiment operation: User: \n"
        "arn:aws:sts::123456789012:assumed-role/SageMakerStudioDevelo\n"
        "perTeamBRole/SageMaker is not authorized to perform: \n"
        "sagemaker:DeleteExperiment on resource: arn:aws:sagemaker:us-east-1:123456789012:expe\n"
        "riment/usera1teamaexperiment1 \n"
        "because no identity-based policy allows the sagemaker:DeleteExperiment action"
    )
    denial = parse_denial(text)
    assert denial is not None
    assert denial.principal == TEAM_B
    assert denial.resource == EXPERIMENT


def test_text_without_a_denial():
    assert parse_denial("ValueError: experiment names must be lower case") is None
    assert (
        parse_denial(
            "An error occurred (ValidationException) when calling the CreateExperiment "
            "operation: Experiment names must be unique"
        )
        is None
    )


@pytest.mark.parametrize(
    ("code", "denial"),
    [
        ("AccessDenied", True),
        ("AccessDeniedException", True),
        ("UnauthorizedOperation", True),
        ("AuthorizationError", True),
        ("AccessDeniedForDependencyException", True),
        ("ValidationException", False),
        ("ThrottlingException", False),
    ],
)
def test_denial_codes(code, denial):
    assert is_denial_code(code) is denial


def test_the_error_classification_reads_the_message_through_the_parser():
    # Given a denial of S3, whose resource AWS quotes
    error = AwsAccessDeniedError(
        "GetObject",
        "AccessDenied",
        f'User: {TEAM_B} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k"'
        " with an explicit deny in a resource-based policy",
        "s3",
    )
    assert error.caller == TEAM_B
    assert error.resource == "arn:aws:s3:::b/k"
    assert error.explicit
    assert error.denial is not None and error.denial.reason == DenialReason(True, "resource")
