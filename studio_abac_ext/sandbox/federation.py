"""Federated sign-in through the sandbox's IdP, both ends of it.

Server side, the gateway serves the IdP under /saml-idp/: `GET metadata` (what the SAML provider
was created with) and `POST sso` (a person's name and password; the answer is the page that
posts the signed SAMLResponse to https://signin.aws.amazon.com/saml, as Okta's would).
Client side, `sign_in` does what a browser does with that page and `assume_role_with_saml` what
the AWS sign-in endpoint does with the SAMLResponse: an unsigned sts:AssumeRoleWithSAML call.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html import unescape
from typing import Any

from studio_abac_ext.scenario import Scenario, derive_access_key

from .protocol import Reply
from .saml_idp import IDP_PATH, SamlIdentityProvider, SignInClaims, post_form
from .signing import RawRequest

FORM_FIELD = re.compile(r'name="SAMLResponse" value="([^"]+)"')


def idp_password(scenario: Scenario, user_name: str) -> str:
    """The federated user's password at the sandbox IdP: fake, stable, derived like the keys."""
    return derive_access_key(scenario.account_id, f"saml-idp:{user_name}").secret_access_key


@dataclass(frozen=True)
class SignIn:
    """What `sandbox saml fed:NAME` prints: enough for `aws sts assume-role-with-saml`."""

    saml_response: str
    role_arn: str
    provider_arn: str


def claims_for(scenario: Scenario, user_name: str) -> SignInClaims:
    user = scenario.federated_user(user_name)
    return SignInClaims(
        subject=user.name,
        role_arn=scenario.role(user.role).arn(scenario.account_id),
        provider_arn=scenario.saml_provider(user.provider).arn(scenario.account_id),
        session_name=user.name,
        session_tags=dict(user.session_tags),
        transitive_tag_keys=user.transitive_tag_keys,
        source_identity=user.source_identity or None,
    )


class IdpRoutes:
    """The IdP's HTTP face, as the gateway serves it."""

    def __init__(self, scenario: Scenario, idp: SamlIdentityProvider) -> None:
        self.scenario = scenario
        self.idp = idp

    def handle(self, raw: RawRequest, endpoint: str) -> Reply:
        page = raw.path[len(IDP_PATH) :]
        if page == "metadata" and raw.method == "GET":
            metadata = self.idp.metadata_xml(f"{endpoint}{IDP_PATH}sso")
            return Reply(200, metadata.encode(), "application/samlmetadata+xml")
        if page == "sso" and raw.method == "POST":
            form = dict(urllib.parse.parse_qsl(raw.body.decode("utf-8", "replace")))
            return self._sign_in(form.get("username", ""), form.get("password", ""))
        return _page(404, "No such page at the sandbox IdP: GET metadata or POST sso.")

    def _sign_in(self, user_name: str, password: str) -> Reply:
        known = {user.name for user in self.scenario.federated_users}
        if user_name not in known or password != idp_password(self.scenario, user_name):
            return _page(401, "Sign-in failed: unknown user or wrong password.")
        response = self.idp.saml_response(claims_for(self.scenario, user_name))
        return Reply(200, post_form(response).encode(), "text/html; charset=utf-8")


def _page(status: int, text: str) -> Reply:
    return Reply(status, f"<html><body><p>{text}</p></body></html>".encode(), "text/html")


class SignInError(RuntimeError):
    """The IdP or STS refused a federated sign-in."""


def sign_in(scenario: Scenario, user_name: str, endpoint: str) -> SignIn:
    """Sign in at the sandbox IdP as a browser would; the SAMLResponse its page would post."""
    claims = claims_for(scenario, user_name)
    body = urllib.parse.urlencode(
        {"username": user_name, "password": idp_password(scenario, user_name)}
    ).encode()
    request = urllib.request.Request(f"{endpoint}{IDP_PATH}sso", data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            page = answer.read().decode()
    except urllib.error.HTTPError as error:
        raise SignInError(f"the sandbox IdP refused {user_name}: HTTP {error.code}") from error
    except OSError as error:
        raise SignInError(f"no sandbox answers at {endpoint} ({error})") from error
    found = FORM_FIELD.search(page)
    if found is None:
        raise SignInError("the sandbox IdP's page has no SAMLResponse")
    return SignIn(unescape(found.group(1)), claims.role_arn, claims.provider_arn)


def assume_role_with_saml(signed_in: SignIn, endpoint: str, region: str) -> dict[str, Any]:
    """The unsigned sts:AssumeRoleWithSAML call; its Credentials."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.exceptions import ClientError

    sts = boto3.client(
        "sts",
        endpoint_url=endpoint,
        region_name=region,
        config=Config(signature_version=UNSIGNED, retries={"mode": "standard"}),
    )
    try:
        answer = sts.assume_role_with_saml(
            RoleArn=signed_in.role_arn,
            PrincipalArn=signed_in.provider_arn,
            SAMLAssertion=signed_in.saml_response,
        )
    except ClientError as error:
        raise SignInError(str(error)) from error
    return dict(answer["Credentials"])
