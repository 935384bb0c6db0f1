"""The gateway decides on the action and parameters moto will run, or refuses the request.

Every request here is signed by botocore by hand and sent raw, as an attacker sends it: no SDK
repeats a parameter or hides a query-protocol Action in a JSON body.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from botocore.exceptions import ClientError

from studio_abac_ext.sandbox import Sandbox
from tests.fixtures.signed_http import FORM, sagemaker_headers, send, signed_request, signed_send

TEAM_B = "userb1@studio"
ROLE_B = "SageMakerStudioDeveloperTeamBRole"
GRANT_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
PUT_ROLE_POLICY = {
    "Action": "PutRolePolicy",
    "RoleName": ROLE_B,
    "PolicyName": "escalate",
    "PolicyDocument": GRANT_ALL,
    "Version": "2010-05-08",
}


def inline_policies(sandbox: Sandbox) -> list[str]:
    iam = sandbox.session_for("admin").client("iam")
    return list(iam.list_role_policies(RoleName=ROLE_B)["PolicyNames"])


def audited_actions(sandbox: Sandbox) -> list[str]:
    return [str(event["action"]) for event in sandbox.audit.events()]


def assert_refused(response_status: int, text: str, code: str) -> None:
    assert response_status == 400, text
    assert f"<Code>{code}</Code>" in text or f'"__type": "{code}"' in text, text


def test_a_repeated_action_in_the_body_is_refused(fresh_sandbox: Sandbox) -> None:
    # Given a Team B session's PutRolePolicy body that repeats Action as ListRoles (allowed)
    body = urlencode(PUT_ROLE_POLICY) + "&Action=ListRoles"
    # When it is signed and sent to IAM
    response = signed_send(fresh_sandbox, TEAM_B, "iam", body=body.encode(), headers=FORM)
    # Then the gateway refuses it as AWS refuses a repeated parameter, nothing ran
    assert_refused(response.status, response.text, "MalformedQueryString")
    assert "Action" in response.text
    assert inline_policies(fresh_sandbox) == []
    # and the audit log records no decision for an action that did not run
    assert "iam:ListRoles" not in audited_actions(fresh_sandbox)


@pytest.mark.parametrize("repeated", ["RoleName", "PolicyDocument"])
def test_any_repeated_parameter_is_refused(fresh_sandbox: Sandbox, repeated: str) -> None:
    # Given the admin's PutRolePolicy naming a second value for one parameter
    body = urlencode(PUT_ROLE_POLICY) + f"&{repeated}=other"
    # When it is sent
    response = signed_send(fresh_sandbox, "admin", "iam", body=body.encode(), headers=FORM)
    # Then it is refused, naming the parameter
    assert_refused(response.status, response.text, "MalformedQueryString")
    assert repeated in response.text
    assert inline_policies(fresh_sandbox) == []


def test_parameters_in_both_query_string_and_body_are_refused(fresh_sandbox: Sandbox) -> None:
    # Given ListRoles in the query string and PutRolePolicy in the form body (moto reads the body)
    body = urlencode(PUT_ROLE_POLICY).encode()
    request = signed_request(
        fresh_sandbox, TEAM_B, "iam", query="Action=ListRoles", body=body, headers=FORM
    )
    # When it is sent
    response = send(fresh_sandbox, request)
    # Then it is refused and the policy is not written
    assert_refused(response.status, response.text, "MalformedQueryString")
    assert inline_policies(fresh_sandbox) == []
    assert "iam:ListRoles" not in audited_actions(fresh_sandbox)


def test_a_form_body_on_a_get_is_read_as_moto_reads_it(fresh_sandbox: Sandbox) -> None:
    # Given a GET whose query string says ListRoles and whose form body says PutRolePolicy
    params = {k: v for k, v in PUT_ROLE_POLICY.items() if k != "Action"}
    query = urlencode({"Action": "ListRoles", **params}, quote_via=quote)
    body = b"Action=PutRolePolicy"
    request = signed_request(
        fresh_sandbox, TEAM_B, "iam", method="GET", query=query, body=body, headers=FORM
    )
    # When it is sent
    response = send(fresh_sandbox, request)
    # Then it is refused: the parameters are split between the query string and the body
    assert_refused(response.status, response.text, "MalformedQueryString")
    assert inline_policies(fresh_sandbox) == []


def test_a_query_action_hidden_in_a_json_body_is_refused(fresh_sandbox: Sandbox) -> None:
    # Given a JSON ListModels call (Team B may list) whose body also reads as a query string
    # saying Action=CreateModel (moto parses a non-form body as one when the URL has no query)
    document = {
        "ModelName": "smuggled",
        "ExecutionRoleArn": f"arn:aws:iam::123456789012:role/{ROLE_B}",
        "PrimaryContainer": {"Image": "x"},
        "Note": "&Action=CreateModel&",
    }
    body = json.dumps(document).encode()
    # When it is sent
    response = signed_send(
        fresh_sandbox, TEAM_B, "sagemaker", body=body, headers=sagemaker_headers("ListModels")
    )
    # Then it is refused and no model exists
    assert_refused(response.status, response.text, "SerializationException")
    sagemaker = fresh_sandbox.session_for("admin").client("sagemaker")
    with pytest.raises(ClientError):
        sagemaker.describe_model(ModelName="smuggled")


def test_a_query_string_action_beside_a_json_target_is_refused(fresh_sandbox: Sandbox) -> None:
    # Given a JSON ListModels call with ?Action=CreateModel in its URL (moto prefers the query's)
    document = {
        "ModelName": "smuggled",
        "ExecutionRoleArn": f"arn:aws:iam::123456789012:role/{ROLE_B}",
        "PrimaryContainer": {"Image": "x"},
    }
    request = signed_request(
        fresh_sandbox,
        TEAM_B,
        "sagemaker",
        query="Action=CreateModel",
        body=json.dumps(document).encode(),
        headers=sagemaker_headers("ListModels"),
    )
    # When it is sent
    response = send(fresh_sandbox, request)
    # Then it is refused and no model exists
    assert_refused(response.status, response.text, "SerializationException")
    sagemaker = fresh_sandbox.session_for("admin").client("sagemaker")
    with pytest.raises(ClientError):
        sagemaker.describe_model(ModelName="smuggled")


def test_an_action_header_is_refused(fresh_sandbox: Sandbox) -> None:
    # Given a bodiless IAM request naming its Action in a header (moto falls back to headers)
    headers = {"Action": "CreateUser", "UserName": "smuggled", "Version": "2010-05-08"}
    # When the admin sends it
    response = signed_send(fresh_sandbox, "admin", "iam", headers=headers)
    # Then the gateway refuses it instead of deciding on a REST call moto would read differently
    assert_refused(response.status, response.text, "MalformedQueryString")
    assert "Action" in response.text


def test_a_compressed_query_body_is_refused(fresh_sandbox: Sandbox) -> None:
    # Given a gzip-encoded form body (moto inflates it; the gateway would read compressed bytes)
    import gzip

    body = gzip.compress(urlencode(PUT_ROLE_POLICY).encode())
    headers = {**FORM, "Content-Encoding": "gzip"}
    # When Team B sends it
    response = signed_send(fresh_sandbox, TEAM_B, "iam", body=body, headers=headers)
    # Then it is refused and the policy is not written
    assert response.status == 400, response.text
    assert inline_policies(fresh_sandbox) == []


def test_well_formed_query_and_json_calls_still_work(fresh_sandbox: Sandbox) -> None:
    # Given well-formed raw calls: IAM ListRoles (query) and SageMaker ListModels (JSON)
    listed = signed_send(
        fresh_sandbox,
        TEAM_B,
        "iam",
        body=b"Action=ListRoles&Version=2010-05-08",
        headers=FORM,
    )
    models = signed_send(
        fresh_sandbox, TEAM_B, "sagemaker", body=b"{}", headers=sagemaker_headers("ListModels")
    )
    # Then both are answered and audited as what ran
    assert listed.status == 200, listed.text
    assert models.status == 200, models.text
    assert audited_actions(fresh_sandbox)[-2:] == ["iam:ListRoles", "sagemaker:ListModels"]
