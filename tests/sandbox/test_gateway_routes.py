"""moto's internal routes stay closed however the path is written, and every signed request
reaches the moto backend of the service it was decided for (raw signed requests)."""

from __future__ import annotations

import json

import pytest

from studio_abac_ext.sandbox import Sandbox
from tests.fixtures.signed_http import FORM, sagemaker_headers, send, signed_request

TEAM_B = "userb1@studio"


def experiment_names(sandbox: Sandbox) -> list[str]:
    sagemaker = sandbox.session_for("admin").client("sagemaker")
    return sorted(s["ExperimentName"] for s in sagemaker.list_experiments()["ExperimentSummaries"])


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("GET", "/%6Doto-api/data.json"),
        ("GET", "/%6doto-api/data.json"),
        ("POST", "/%6Doto-api/reset"),
        ("GET", "/moto-api/data.json"),
        ("GET", "/latest/meta-data/iam/security-credentials/"),
    ],
)
def test_moto_internal_routes_are_closed_however_encoded(
    fresh_sandbox: Sandbox, method: str, target: str
) -> None:
    # Given the seeded experiments and a request signed by Team B for moto's own API
    before = experiment_names(fresh_sandbox)
    request = signed_request(fresh_sandbox, TEAM_B, "sts", method=method, path=target)
    # When it is sent with the path as written
    response = send(fresh_sandbox, request, target=target)
    # Then the sandbox answers 404 without moto's state, and nothing was reset
    assert response.status == 404, response.text
    assert "AKIA" not in response.text and "iam" not in response.text.lower()
    assert experiment_names(fresh_sandbox) == before


def test_an_absolute_form_request_target_is_refused(fresh_sandbox: Sandbox) -> None:
    # Given a signed request whose request line carries a full URL to moto's API
    request = signed_request(fresh_sandbox, TEAM_B, "sts", method="GET", path="/moto-api/data.json")
    target = f"{fresh_sandbox.endpoint}/moto-api/data.json"
    # When it is sent
    response = send(fresh_sandbox, request, target=target)
    # Then it is refused before moto sees it
    assert response.status == 400, response.text
    assert "<Code>InvalidRequest</Code>" in response.text
    assert "AKIA" not in response.text


def test_a_json_call_to_another_backends_path_is_refused(fresh_sandbox: Sandbox) -> None:
    # Given a SageMaker ListModels call sent to /BatchPutMetrics (moto's metrics backend)
    request = signed_request(
        fresh_sandbox,
        TEAM_B,
        "sagemaker",
        path="/BatchPutMetrics",
        body=b"{}",
        headers=sagemaker_headers("ListModels"),
    )
    # When it is sent
    response = send(fresh_sandbox, request)
    # Then it is refused as a JSON-protocol error
    assert response.status == 400, response.text
    assert json.loads(response.body)["__type"] == "SerializationException"


def test_a_presigned_non_s3_request_is_refused(fresh_sandbox: Sandbox) -> None:
    # Given an IAM ListRoles presigned in the query (moto routes query-signed requests to S3)
    request = signed_request(
        fresh_sandbox,
        TEAM_B,
        "iam",
        method="GET",
        query="Action=ListRoles&Version=2010-05-08",
        presign_expires=300,
    )
    # When it is sent
    response = send(fresh_sandbox, request)
    # Then it is refused instead of reaching S3 as an IAM decision
    assert response.status == 400, response.text
    assert "<Code>InvalidAction</Code>" in response.text
    assert "ListAllMyBucketsResult" not in response.text


def test_a_second_credential_in_the_authorization_header_is_refused(
    fresh_sandbox: Sandbox,
) -> None:
    # Given an IAM call whose Authorization header gets a sagemaker-scoped Credential in front
    # (moto routes on the first Credential, the gateway read the last)
    request = signed_request(
        fresh_sandbox, TEAM_B, "iam", body=b"Action=ListRoles&Version=2010-05-08", headers=FORM
    )

    def prepend_credential(headers: dict[str, str]) -> None:
        value = headers["Authorization"]
        scope = value.split("Credential=", 1)[1].split(",", 1)[0]
        headers["Authorization"] = value.replace(
            "AWS4-HMAC-SHA256 ",
            f"AWS4-HMAC-SHA256 Credential={scope.replace('/iam/', '/sagemaker/')}, ",
        )

    # When it is sent
    response = send(fresh_sandbox, request, edit_headers=prepend_credential)
    # Then the signature is refused as incomplete
    assert response.status == 400, response.text
    assert "<Code>IncompleteSignature</Code>" in response.text


def test_an_s3_control_path_is_refused(fresh_sandbox: Sandbox) -> None:
    # Given an S3-signed request to /v20180820/... (moto's S3 Control backend)
    request = signed_request(
        fresh_sandbox, TEAM_B, "s3", method="GET", path="/v20180820/accesspoint"
    )
    # When it is sent
    response = send(fresh_sandbox, request)
    # Then it is refused rather than decided as a ListBucket on a bucket named v20180820
    assert response.status == 400, response.text
    assert "<Code>InvalidRequest</Code>" in response.text
