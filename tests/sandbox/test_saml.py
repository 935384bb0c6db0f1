"""Federation through SAML, over HTTP: the sandbox's IdP signs, sts:AssumeRoleWithSAML checks.

AWS: "Calling AssumeRoleWithSAML does not require the use of AWS security credentials. The
identity of the caller is validated by using keys in the metadata document that is uploaded for
the SAML provider entity for your identity provider."
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from studio_abac_ext.sandbox import Sandbox
from studio_abac_ext.sandbox.federation import claims_for, sign_in
from studio_abac_ext.sandbox.saml_idp import SamlIdentityProvider

ACCOUNT = "123456789012"
DOMAIN = "d-studioabacsandbox"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerStudioFederatedUserRole"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:saml-provider/studio-abac-sandbox-idp"


def unsigned_sts(sandbox: Sandbox) -> Any:
    return boto3.client(
        "sts",
        endpoint_url=sandbox.endpoint,
        region_name="us-east-1",
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )


def assume(sandbox: Sandbox, assertion: str, role: str = ROLE, provider: str = PROVIDER) -> Any:
    return unsigned_sts(sandbox).assume_role_with_saml(
        RoleArn=role, PrincipalArn=provider, SAMLAssertion=assertion
    )


def session_of(sandbox: Sandbox, credentials: dict[str, Any]) -> boto3.Session:
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name="us-east-1",
    )


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def test_a_federated_user_signs_in_with_transitive_session_tags(fresh_sandbox: Sandbox) -> None:
    # Given federated usera1 signs in at the sandbox's IdP as a browser would
    signed_in = sign_in(fresh_sandbox.scenario, "usera1", fresh_sandbox.endpoint)
    assert (signed_in.role_arn, signed_in.provider_arn) == (ROLE, PROVIDER)
    # When the SAMLResponse is posted, unsigned, to sts:AssumeRoleWithSAML
    answer = assume(fresh_sandbox, signed_in.saml_response)
    # Then STS answers in AWS's shape, the session named by the RoleSessionName attribute
    assert answer["AssumedRoleUser"]["Arn"] == (
        f"arn:aws:sts::{ACCOUNT}:assumed-role/SageMakerStudioFederatedUserRole/usera1"
    )
    assert answer["Audience"] == "https://signin.aws.amazon.com/saml"
    assert answer["Subject"] == "usera1" and answer["SubjectType"] == "persistent"
    assert answer["Issuer"] == "http://studio-abac-sandbox/idp"
    assert answer["NameQualifier"]
    # And the credentials work, with the studiouserid session tag transitive through chaining
    sts = session_of(fresh_sandbox, answer["Credentials"]).client(
        "sts", endpoint_url=fresh_sandbox.endpoint
    )
    assert sts.get_caller_identity()["Arn"] == answer["AssumedRoleUser"]["Arn"]
    (session,) = [
        c.session
        for c in fresh_sandbox.identities._sessions.values()
        if c.access_key_id == answer["Credentials"]["AccessKeyId"]
    ]
    assert session is not None and session.tags == {"studiouserid": "usera1"}
    assert session.transitive_tag_keys == ("studiouserid",)


def test_use_case_1_for_federated_users(fresh_sandbox: Sandbox) -> None:
    # Given federated usera1 and usera2, signed in through the IdP (sandbox env fed:NAME)
    for caller, allowed in (("usera1", True), ("usera2", False)):
        sagemaker = fresh_sandbox.session_for(f"fed:{caller}").client("sagemaker")
        # When each asks for a presigned URL of usera1's profile (tagged studiouserid=usera1)
        if allowed:
            url = sagemaker.create_presigned_domain_url(DomainId=DOMAIN, UserProfileName="usera1")
            # Then usera1 gets it: presigned-url-federated matches ${aws:PrincipalTag/studiouserid}
            assert url["AuthorizedUrl"].startswith("https://")
            continue
        with pytest.raises(ClientError) as caught:
            sagemaker.create_presigned_domain_url(DomainId=DOMAIN, UserProfileName="usera1")
        # And usera2 is denied, as in AWS
        code, status, message = error_of(caught)
        assert (code, status) == ("AccessDeniedException", 400)
        assert message.startswith(
            f"User: arn:aws:sts::{ACCOUNT}:assumed-role/SageMakerStudioFederatedUserRole/usera2 "
            "is not authorized to perform: sagemaker:CreatePresignedDomainUrl"
        )


def test_without_the_tag_session_trust_statement_the_sign_in_with_tags_fails(
    fresh_sandbox: Sandbox,
) -> None:
    # Given the admin removes the document's IdentifyTransitiveTags statement from the trust policy
    iam = fresh_sandbox.session_for("admin").client("iam")
    role = iam.get_role(RoleName="SageMakerStudioFederatedUserRole")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    trust["Statement"] = [s for s in trust["Statement"] if s.get("Sid") != "IdentifyTransitiveTags"]
    iam.update_assume_role_policy(
        RoleName="SageMakerStudioFederatedUserRole", PolicyDocument=json.dumps(trust)
    )
    # When usera1 signs in with the PrincipalTag and TransitiveTagKeys attributes
    signed_in = sign_in(fresh_sandbox.scenario, "usera1", fresh_sandbox.endpoint)
    with pytest.raises(ClientError) as caught:
        assume(fresh_sandbox, signed_in.saml_response)
    # Then STS refuses: the trust policy does not allow sts:TagSession
    assert error_of(caught) == ("AccessDenied", 403, "Not authorized to perform sts:TagSession")
    events = [e for e in fresh_sandbox.audit.events() if e["action"] == "sts:TagSession"]
    assert events[-1]["decision"] == "implicitDeny"


def test_tag_session_checks_the_transitive_keys_with_for_all_values(
    fresh_sandbox: Sandbox,
) -> None:
    # Given an assertion whose TransitiveTagKeys name a key the trust statement does not list
    claims = claims_for(fresh_sandbox.scenario, "usera1")
    claims = type(claims)(
        **{
            **claims.__dict__,
            "session_tags": {"studiouserid": "usera1", "team": "TeamA"},
            "transitive_tag_keys": ("studiouserid", "team"),
        }
    )
    assertion = fresh_sandbox.idp.saml_response(claims)
    # When it is presented
    with pytest.raises(ClientError) as caught:
        assume(fresh_sandbox, assertion)
    # Then ForAllValues:StringEquals on sts:TransitiveTagKeys refuses it
    assert error_of(caught)[0] == "AccessDenied"


def test_a_tampered_assertion_is_refused(fresh_sandbox: Sandbox) -> None:
    # Given usera2's assertion with its studiouserid attribute changed to usera1
    signed_in = sign_in(fresh_sandbox.scenario, "usera2", fresh_sandbox.endpoint)
    document = base64.b64decode(signed_in.saml_response)
    forged = document.replace(b">usera2</saml:AttributeValue>", b">usera1</saml:AttributeValue>")
    assert forged != document
    # When it is presented
    with pytest.raises(ClientError) as caught:
        assume(fresh_sandbox, base64.b64encode(forged).decode())
    # Then the signature no longer matches the provider's metadata
    assert error_of(caught) == ("InvalidIdentityToken", 400, "Response signature invalid")


def test_an_assertion_signed_by_another_idp_is_refused(fresh_sandbox: Sandbox) -> None:
    # Given an IdP whose key is not in the SAML provider's metadata
    other = SamlIdentityProvider()
    assertion = other.saml_response(claims_for(fresh_sandbox.scenario, "usera1"))
    with pytest.raises(ClientError) as caught:
        assume(fresh_sandbox, assertion)
    assert error_of(caught)[:2] == ("InvalidIdentityToken", 400)


def test_an_expired_assertion_is_refused(fresh_sandbox: Sandbox) -> None:
    claims = claims_for(fresh_sandbox.scenario, "usera1")
    issued = datetime.now(timezone.utc) - timedelta(hours=1)
    assertion = fresh_sandbox.idp.saml_response(claims, issued=issued)
    with pytest.raises(ClientError) as caught:
        assume(fresh_sandbox, assertion)
    assert error_of(caught)[:2] == ("ExpiredTokenException", 400)


def test_an_assertion_for_another_audience_is_refused(fresh_sandbox: Sandbox) -> None:
    claims = claims_for(fresh_sandbox.scenario, "usera1")
    assertion = fresh_sandbox.idp.saml_response(claims, audience="https://example.com/saml")
    with pytest.raises(ClientError) as caught:
        assume(fresh_sandbox, assertion)
    assert error_of(caught)[:2] == ("InvalidIdentityToken", 400)


def test_an_unknown_provider_is_refused(fresh_sandbox: Sandbox) -> None:
    signed_in = sign_in(fresh_sandbox.scenario, "usera1", fresh_sandbox.endpoint)
    with pytest.raises(ClientError) as caught:
        assume(
            fresh_sandbox,
            signed_in.saml_response,
            provider=f"arn:aws:iam::{ACCOUNT}:saml-provider/nobody",
        )
    assert error_of(caught) == ("InvalidIdentityToken", 400, "Specified provider doesn't exist")


def test_a_role_the_assertion_does_not_name_is_refused(fresh_sandbox: Sandbox) -> None:
    signed_in = sign_in(fresh_sandbox.scenario, "usera1", fresh_sandbox.endpoint)
    with pytest.raises(ClientError) as caught:
        assume(
            fresh_sandbox,
            signed_in.saml_response,
            role=f"arn:aws:iam::{ACCOUNT}:role/SageMakerStudioDeveloperTeamARole",
        )
    assert error_of(caught)[:2] == ("IDPRejectedClaim", 403)


def test_a_trust_policy_without_the_provider_refuses_the_sign_in(fresh_sandbox: Sandbox) -> None:
    # Given the IdP names a role that trusts only SageMaker
    claims = claims_for(fresh_sandbox.scenario, "usera1")
    team_role = f"arn:aws:iam::{ACCOUNT}:role/SageMakerStudioDeveloperTeamARole"
    claims = type(claims)(**{**claims.__dict__, "role_arn": team_role})
    with pytest.raises(ClientError) as caught:
        assume(fresh_sandbox, fresh_sandbox.idp.saml_response(claims), role=team_role)
    assert error_of(caught) == (
        "AccessDenied",
        403,
        "Not authorized to perform sts:AssumeRoleWithSAML",
    )


def test_transitive_tags_survive_role_chaining(fresh_sandbox: Sandbox) -> None:
    # Given a role federated sessions may assume, trusting the federated role (admin's change)
    iam = fresh_sandbox.session_for("admin").client("iam")
    federated_role_trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ROLE},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ],
    }
    iam.create_role(
        RoleName="ChainedRole", AssumeRolePolicyDocument=json.dumps(federated_role_trust)
    )
    iam.put_role_policy(
        RoleName="SageMakerStudioFederatedUserRole",
        PolicyName="may-chain",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Resource": f"arn:aws:iam::{ACCOUNT}:role/ChainedRole",
                    }
                ],
            }
        ),
    )
    federated = fresh_sandbox.session_for("fed:usera1").client("sts")
    # When the federated session assumes it, trying to override the transitive tag
    with pytest.raises(ClientError) as caught:
        federated.assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/ChainedRole",
            RoleSessionName="chained",
            Tags=[{"Key": "studiouserid", "Value": "usera2"}],
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    chained = federated.assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/ChainedRole", RoleSessionName="chained"
    )
    # Then the chained session still carries studiouserid=usera1
    key = chained["Credentials"]["AccessKeyId"]
    session = fresh_sandbox.identities.credentials_for(key)
    assert session is not None and session.session is not None
    assert session.session.tags == {"studiouserid": "usera1"}


def test_the_idp_refuses_a_wrong_password(fresh_sandbox: Sandbox) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{fresh_sandbox.endpoint}/saml-idp/sso",
        data=b"username=usera1&password=guess",
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 401


def test_the_saml_provider_holds_the_idps_metadata(fresh_sandbox: Sandbox) -> None:
    iam = fresh_sandbox.session_for("admin").client("iam")
    provider = iam.get_saml_provider(SAMLProviderArn=PROVIDER)
    assert "EntityDescriptor" in provider["SAMLMetadataDocument"]
    assert "X509Certificate" in provider["SAMLMetadataDocument"]
