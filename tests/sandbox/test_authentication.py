"""Authentication: only the scenario's keys, correctly signed, get in; refusals look like AWS's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from studio_abac_ext.sandbox import Sandbox


def client_with(sandbox: Sandbox, service: str, key: str, secret: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=sandbox.endpoint,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
    )


@pytest.mark.parametrize(
    ("service", "call", "code"),
    [
        ("sagemaker", lambda c: c.list_experiments(), "UnrecognizedClientException"),
        ("sts", lambda c: c.get_caller_identity(), "InvalidClientTokenId"),
        ("iam", lambda c: c.list_roles(), "InvalidClientTokenId"),
        ("s3", lambda c: c.list_buckets(), "InvalidAccessKeyId"),
    ],
)
def test_unknown_keys_are_refused_as_aws_does(
    sandbox: Sandbox, service: str, call: Callable[[Any], Any], code: str
) -> None:
    # Given a client with a key the sandbox never issued
    client = client_with(sandbox, service, "AKIAUNKNOWNKEY000000", "not-a-secret")
    # When it calls the service
    with pytest.raises(ClientError) as caught:
        call(client)
    # Then the service's own refusal code comes back
    assert caught.value.response["Error"]["Code"] == code


def test_a_wrong_secret_fails_the_signature_check(sandbox: Sandbox) -> None:
    # Given usera1's key id with a wrong secret
    key = sandbox.env_for("usera1")["AWS_ACCESS_KEY_ID"]
    client = client_with(sandbox, "sagemaker", key, "wrong-secret")
    # When it calls SageMaker
    with pytest.raises(ClientError) as caught:
        client.list_experiments()
    # Then the signature does not match
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"


def test_a_session_key_without_its_token_is_refused(sandbox: Sandbox) -> None:
    # Given usera1's Studio session credentials without the session token
    env = sandbox.env_for("usera1@studio")
    client = client_with(sandbox, "sts", env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"])
    # When it calls STS
    with pytest.raises(ClientError) as caught:
        client.get_caller_identity()
    # Then the token is reported invalid
    assert caught.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_unsigned_requests_are_refused(sandbox: Sandbox) -> None:
    # Given a request with no signature at all
    # When it reaches the SageMaker API
    response = requests.post(
        sandbox.endpoint,
        data="{}",
        headers={
            "X-Amz-Target": "SageMaker.ListExperiments",
            "Content-Type": "application/x-amz-json-1.1",
        },
        timeout=10,
    )
    # Then it is refused in SageMaker's JSON shape, without reaching moto
    assert response.status_code == 400
    assert response.json()["__type"] == "MissingAuthenticationTokenException"


def test_the_moto_control_api_is_not_exposed(sandbox: Sandbox) -> None:
    # Given moto's reset endpoint, which would bypass every check
    # When someone posts to it through the sandbox
    response = requests.post(f"{sandbox.endpoint}/moto-api/reset", timeout=10)
    # Then it is not there
    assert response.status_code == 404


def test_malformed_json_gets_a_serialization_error(sandbox: Sandbox) -> None:
    # Given a signed SageMaker request whose body is not JSON
    session = sandbox.session_for("usera1@studio")
    client = session.client("sagemaker")

    def corrupt(request: Any, **kwargs: Any) -> None:
        request.data = b"{not json"

    client.meta.events.register("before-sign.sagemaker.ListExperiments", corrupt)
    # When it is sent
    with pytest.raises(ClientError) as caught:
        client.list_experiments()
    # Then the error says so instead of a 500
    assert caught.value.response["Error"]["Code"] == "SerializationException"


def test_odd_parameter_types_are_validation_errors_not_500s(sandbox: Sandbox) -> None:
    # Given a signed ListExperiments whose CreatedAfter is not a timestamp (botocore would refuse)
    client = sandbox.session_for("usera1@studio").client("sagemaker")

    def odd_types(request: Any, **kwargs: Any) -> None:
        request.data = b'{"CreatedAfter": "yesterday", "MaxResults": 5}'

    client.meta.events.register("before-sign.sagemaker.ListExperiments", odd_types)
    # When it is sent
    with pytest.raises(ClientError) as caught:
        client.list_experiments()
    # Then SageMaker's ValidationException comes back, with HTTP 400
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
