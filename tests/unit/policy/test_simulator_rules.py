"""``SimulateCustomPolicy`` decides AWS's rules of trust policies and resource owners."""

from __future__ import annotations

import json

import pytest

from studio_abac_ext.simulator.custom_policy import SimulationInputError, simulate_custom_policy

ALICE = "arn:aws:iam::111122223333:user/alice"
ROLE = "arn:aws:iam::111122223333:role/Admin"
ALLOW_ASSUME = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
)


def _trust(principal: object) -> str:
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _decision(payload: dict[str, object]) -> str:
    response, _ = simulate_custom_policy(payload, explain=False)
    return str(response["EvaluationResults"][0]["EvalDecision"])


def test_a_trust_policy_that_does_not_name_the_caller_denies_assume_role() -> None:
    """AWS: "IAM role trust policies and KMS key policies are exceptions to this logic, because
    they must explicitly allow access for principals." """
    # Given an identity policy allowing sts:AssumeRole and a trust policy naming a service
    payload = {
        "PolicyInputList": [ALLOW_ASSUME],
        "ResourcePolicy": _trust({"Service": "sagemaker.amazonaws.com"}),
        "ActionNames": ["sts:AssumeRole"],
        "ResourceArns": [ROLE],
        "CallerArn": ALICE,
    }
    # When simulated
    # Then the identity allow alone is not enough
    assert _decision(payload) == "implicitDeny"
    # And a trust policy naming the caller allows it
    assert _decision({**payload, "ResourcePolicy": _trust({"AWS": ALICE})}) == "allowed"


def test_resource_owner_makes_a_resource_of_another_account_need_its_resource_policy() -> None:
    """AWS: "the resource-based policy in AccountB must allow the requester in AccountA to
    access the resource." """
    # Given an identity allow for a bucket whose ARN names no account
    allow = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    payload = {
        "PolicyInputList": [json.dumps({"Version": "2012-10-17", "Statement": [allow]})],
        "ActionNames": ["s3:GetObject"],
        "ResourceArns": ["arn:aws:s3:::shared/k"],
        "CallerArn": ALICE,
    }
    # When the owner is the caller's account, and when it is another
    # Then only the other account's resource needs its resource policy
    assert _decision({**payload, "ResourceOwner": "arn:aws:iam::111122223333:root"}) == "allowed"
    assert _decision({**payload, "ResourceOwner": "444455556666"}) == "implicitDeny"


@pytest.mark.parametrize("owner", ["123", "arn:aws:iam::444455556666:user/x", "444455556666\n", 7])
def test_a_resource_owner_that_is_not_an_account_is_refused_naming_the_field(owner: object) -> None:
    # Given a ResourceOwner that is not an account ARN or ID
    payload = {"PolicyInputList": [ALLOW_ASSUME], "ActionNames": ["s3:GetObject"]}
    # When simulated
    # Then the input error names the field
    with pytest.raises(SimulationInputError) as raised:
        simulate_custom_policy({**payload, "ResourceOwner": owner})
    assert raised.value.field == "ResourceOwner"
