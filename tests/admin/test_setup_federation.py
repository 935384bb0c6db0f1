"""``studio-abac setup`` applies a scenario's federation: SAML providers (iam:CreateSAMLProvider /
UpdateSAMLProvider with the IdP's metadata) and trust statements, idempotently; SSO profiles.

The sandbox then signs federated users in against what setup wrote, so each test also shows the
result working: AWS checks an assertion "by using keys in the metadata document that is uploaded
for the SAML provider entity for your identity provider" (STS, AssumeRoleWithSAML).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from studio_abac_ext.sandbox import Sandbox
from studio_abac_ext.sandbox.environment import environment_for
from studio_abac_ext.sandbox.federation import (
    SignIn,
    SignInError,
    assume_role_with_saml,
    claims_for,
    sign_in,
)
from studio_abac_ext.sandbox.saml_idp import SamlIdentityProvider
from studio_abac_ext.scenario import load_scenario
from tests.admin.test_setup_sandbox import (
    changes_of,
    default_scenario_data,
    run_setup,
    write_scenario,
)

pytestmark = pytest.mark.sandbox

ACCOUNT = "123456789012"
FEDERATED_ROLE = "SageMakerStudioFederatedUserRole"
OKTA_ROLE = "SageMakerStudioOktaUserRole"
OKTA_ARN = f"arn:aws:iam::{ACCOUNT}:saml-provider/corporate-okta"


@pytest.fixture
def as_admin(fresh_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> boto3.Session:
    for key, value in fresh_sandbox.env_for("admin").items():
        monkeypatch.setenv(key, value)
    return fresh_sandbox.session_for("admin")


@pytest.fixture
def other_idp() -> SamlIdentityProvider:
    """Another IdP (its own key pair), as a company's Okta would be."""
    return SamlIdentityProvider("http://okta.example.com/exk1")


def write_metadata(folder: Path, idp: SamlIdentityProvider) -> str:
    path = folder / "idp-metadata.xml"
    path.write_text(idp.metadata_xml("http://okta.example.com/sso"))
    return str(path)


def sign_in_with(
    sandbox: Sandbox, idp: SamlIdentityProvider, role: str, provider: str
) -> dict[str, Any]:
    """usera1's assertion from `idp` for `role` through `provider`, presented to STS."""
    claims = claims_for(sandbox.scenario, "usera1")
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/{role}"
    claims = type(claims)(**{**claims.__dict__, "role_arn": role_arn, "provider_arn": provider})
    signed = SignIn(idp.saml_response(claims), role_arn, provider)
    return assume_role_with_saml(signed, sandbox.endpoint, "us-east-1")


def okta_scenario(folder: Path, idp: SamlIdentityProvider) -> Path:
    """The document's scenario plus a second IdP and a role its users sign in to, trusting it with
    the document's two statements."""
    data = default_scenario_data()
    data["saml_providers"].append(
        {"name": "corporate-okta", "metadata_file": write_metadata(folder, idp)}
    )
    sign_in_statement = {
        "Sid": "AllowSamlSignIn",
        "Effect": "Allow",
        "Principal": {"Federated": OKTA_ARN},
        "Action": "sts:AssumeRoleWithSAML",
        "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
    }
    tag_statement = {
        "Sid": "IdentifyTransitiveTags",
        "Effect": "Allow",
        "Principal": {"Federated": OKTA_ARN},
        "Action": "sts:TagSession",
        "Condition": {"ForAllValues:StringEquals": {"sts:TransitiveTagKeys": ["studiouserid"]}},
    }
    data["roles"].append(
        {
            "name": OKTA_ROLE,
            "trust_statements": [sign_in_statement, tag_statement],
            "managed_policies": ["presigned-url-federated"],
        }
    )
    return write_scenario(folder, data)


def test_the_seeded_federation_is_already_applied(
    as_admin: boto3.Session, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given the sandbox seeded with the document's scenario (its provider made from the IdP's
    # metadata at start-up; the scenario itself names no metadata file)
    code, plan, _ = run_setup(write_scenario(tmp_path, default_scenario_data()), capsys)
    # Then the provider and the federated role are unchanged, and the provider says why
    assert code == 0 and plan["changes"] == 0
    provider = next(item for item in plan["items"] if item["kind"] == "saml-provider")
    assert provider["change"] == "unchanged"
    assert provider["details"] == ["metadata kept: the scenario gives no metadata_file"]
    assert changes_of(plan)[f"role:{FEDERATED_ROLE}"] == "unchanged"


def test_a_new_provider_and_its_role_are_created_once_and_sign_in_works(
    as_admin: boto3.Session,
    fresh_sandbox: Sandbox,
    other_idp: SamlIdentityProvider,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a scenario with another IdP and a role trusting it
    scenario = okta_scenario(tmp_path, other_idp)
    # When setup applies it
    code, plan, err = run_setup(scenario, capsys)
    assert code == 0, err
    # Then the provider is created before the role whose trust policy names it
    kinds = [f"{item['kind']}:{item['name']}" for item in plan["items"] if item["calls"]]
    assert kinds == ["saml-provider:corporate-okta", f"role:{OKTA_ROLE}"]
    assert plan["items"][1]["calls"] == ["iam:CreateSAMLProvider"]
    iam = as_admin.client("iam")
    kept = iam.get_saml_provider(SAMLProviderArn=OKTA_ARN)["SAMLMetadataDocument"]
    assert kept == other_idp.metadata_xml("http://okta.example.com/sso")
    trust = iam.get_role(RoleName=OKTA_ROLE)["Role"]["AssumeRolePolicyDocument"]
    assert [s["Sid"] for s in trust["Statement"]] == ["AllowSamlSignIn", "IdentifyTransitiveTags"]
    # And the IdP's users sign in to the role with their transitive studiouserid tag
    credentials = sign_in_with(fresh_sandbox, other_idp, OKTA_ROLE, OKTA_ARN)
    assert credentials["AccessKeyId"].startswith("ASIA")
    # And a second run plans nothing
    code, again, _ = run_setup(scenario, capsys)
    assert code == 0 and again["changes"] == 0


def test_new_idp_metadata_updates_the_provider(
    as_admin: boto3.Session,
    fresh_sandbox: Sandbox,
    other_idp: SamlIdentityProvider,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given the document's provider, now with another IdP's metadata (a rotated certificate)
    data = default_scenario_data()
    data["saml_providers"][0]["metadata_file"] = write_metadata(tmp_path, other_idp)
    scenario = write_scenario(tmp_path, data)
    # When setup applies it
    code, plan, err = run_setup(scenario, capsys)
    assert code == 0, err
    # Then UpdateSAMLProvider uploads it, and STS checks assertions with the new certificate
    (item,) = [i for i in plan["items"] if i["kind"] == "saml-provider"]
    assert (item["change"], item["calls"]) == ("update", ["iam:UpdateSAMLProvider"])
    provider = f"arn:aws:iam::{ACCOUNT}:saml-provider/studio-abac-sandbox-idp"
    assert sign_in_with(fresh_sandbox, other_idp, FEDERATED_ROLE, provider)["AccessKeyId"]
    with pytest.raises(SignInError, match="InvalidIdentityToken"):
        old = sign_in(fresh_sandbox.scenario, "usera1", fresh_sandbox.endpoint)
        assume_role_with_saml(old, fresh_sandbox.endpoint, "us-east-1")
    # And a second run plans nothing
    assert run_setup(scenario, capsys)[1]["changes"] == 0


def test_a_removed_transitive_tags_statement_is_restored(
    as_admin: boto3.Session,
    fresh_sandbox: Sandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given the federated role's trust policy without the document's IdentifyTransitiveTags
    iam = as_admin.client("iam")
    trust = iam.get_role(RoleName=FEDERATED_ROLE)["Role"]["AssumeRolePolicyDocument"]
    trust["Statement"] = [s for s in trust["Statement"] if s["Sid"] != "IdentifyTransitiveTags"]
    iam.update_assume_role_policy(RoleName=FEDERATED_ROLE, PolicyDocument=json.dumps(trust))
    with pytest.raises(SignInError, match="sts:TagSession"):
        signed = sign_in(fresh_sandbox.scenario, "usera1", fresh_sandbox.endpoint)
        assume_role_with_saml(signed, fresh_sandbox.endpoint, "us-east-1")
    # When setup applies the document's scenario
    scenario = write_scenario(tmp_path, default_scenario_data())
    code, plan, err = run_setup(scenario, capsys)
    assert code == 0, err
    # Then the trust policy is put back, and the sign-in with tags works again
    (item,) = [i for i in plan["items"] if i["name"] == FEDERATED_ROLE]
    assert (item["change"], item["details"]) == ("update", ["trust policy"])
    assert item["calls"] == ["iam:UpdateAssumeRolePolicy"]
    signed = sign_in(fresh_sandbox.scenario, "usera1", fresh_sandbox.endpoint)
    assert assume_role_with_saml(signed, fresh_sandbox.endpoint, "us-east-1")["AccessKeyId"]
    assert run_setup(scenario, capsys)[1]["changes"] == 0


def test_a_missing_provider_without_metadata_blocks_the_plan(
    as_admin: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a scenario naming a provider the account lacks, with no metadata to create it from
    data = default_scenario_data()
    data["saml_providers"].append({"name": "corporate-okta"})
    # When setup is asked to apply it
    code, plan, err = run_setup(write_scenario(tmp_path, data), capsys)
    # Then it refuses before any call, saying what is missing
    assert code == 1
    assert plan["blockers"] == [
        "SAML provider corporate-okta does not exist and the scenario gives no metadata_file: "
        "iam:CreateSAMLProvider needs the IdP's metadata document"
    ]
    assert "refusing to apply" in err
    with pytest.raises(ClientError):
        as_admin.client("iam").get_saml_provider(SAMLProviderArn=OKTA_ARN)


SSO_SCENARIO = """
account_id: "123456789012"
region: us-east-1
policies:
  setup-admin:
    Version: "2012-10-17"
    Statement: [{Effect: Allow, Action: ["iam:*", "sagemaker:*"], Resource: "*"}]
roles:
  - {name: TeamARole, tags: {team: TeamA}}
users:
  - {name: admin, inline_policies: [setup-admin]}
domain: {name: sso-domain, id: d-ssodomain, auth_mode: SSO, default_execution_role: TeamARole}
user_profiles:
  - name: usera1
    owner: usera1
    execution_role: TeamARole
    tags: {studiouserid: usera1}
    sso_user: {identifier: UserName, value: usera1@example.com}
"""

NEW_SSO_PROFILE = """
  - name: usera2
    owner: usera2
    execution_role: TeamARole
    tags: {studiouserid: usera2}
    sso_user: {identifier: UserName, value: usera2@example.com}
"""


@pytest.fixture(scope="module")
def sso_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, int]]:
    """A second sandbox whose domain is in SSO mode, in its own process (moto's state is
    process-wide): its scenario file, endpoint and port."""
    folder = tmp_path_factory.mktemp("sso")
    path = folder / "scenario.yaml"
    path.write_text(SSO_SCENARIO)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    command = [sys.executable, "-m", "studio_abac_ext.cli", "sandbox"]
    server = subprocess.Popen(
        [*command, "--scenario", str(path), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "XDG_RUNTIME_DIR": str(folder)},
    )
    try:
        assert server.stdout is not None
        endpoint = f"http://127.0.0.1:{port}"
        assert f"listening on {endpoint}" in server.stdout.readline()
        yield path, endpoint, port
    finally:
        server.terminate()
        server.communicate(timeout=30)


@pytest.fixture
def as_sso_admin(
    sso_endpoint: tuple[Path, str, int], monkeypatch: pytest.MonkeyPatch
) -> boto3.Session:
    path, endpoint, port = sso_endpoint
    env = environment_for(load_scenario(path), "admin", endpoint, port)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return boto3.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    )


def test_an_sso_profile_is_created_with_its_identity_center_user_once(
    as_sso_admin: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the SSO domain's scenario with a second profile bound to an Identity Center user
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SSO_SCENARIO + NEW_SSO_PROFILE)
    # When setup applies it
    code, plan, err = run_setup(scenario, capsys)
    assert code == 0, err
    assert changes_of(plan)["user-profile:usera2"] == "create"
    # Then the profile is bound to that user, as DescribeUserProfile says
    sagemaker = as_sso_admin.client("sagemaker", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    described = sagemaker.describe_user_profile(DomainId="d-ssodomain", UserProfileName="usera2")
    assert described["SingleSignOnUserIdentifier"] == "UserName"
    assert described["SingleSignOnUserValue"] == "usera2@example.com"
    # And a second run plans nothing
    assert run_setup(scenario, capsys)[1]["changes"] == 0


def test_rebinding_an_sso_profile_or_changing_the_auth_mode_blocks(
    as_sso_admin: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the SSO domain's scenario naming another Identity Center user for usera1
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SSO_SCENARIO.replace("usera1@example.com", "someone@example.com"))
    # When setup is asked to apply it
    code, plan, _ = run_setup(scenario, capsys)
    # Then it refuses: SageMaker cannot rebind a profile
    assert code == 1
    assert plan["blockers"] == [
        "user profile usera1 is bound to SSO user 'usera1@example.com', the scenario says "
        "'someone@example.com': SageMaker cannot rebind a profile; delete it first"
    ]
    # And a scenario calling the domain IAM (its profiles then unbound) is refused too
    iam_mode = SSO_SCENARIO.replace("auth_mode: SSO", "auth_mode: IAM")
    iam_mode = iam_mode.replace(
        "    sso_user: {identifier: UserName, value: usera1@example.com}\n", ""
    )
    # (an IAM domain's profile owner is an IAM user)
    iam_mode = iam_mode.replace("  - {name: admin,", "  - {name: usera1}\n  - {name: admin,")
    scenario.write_text(iam_mode)
    code, plan, err = run_setup(scenario, capsys)
    assert code == 1, err
    assert plan["blockers"][0] == (
        "domain d-ssodomain is in SSO mode, the scenario says IAM: a domain's auth mode is fixed "
        "when it is created"
    )
