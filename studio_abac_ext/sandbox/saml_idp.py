"""The sandbox's own SAML 2.0 identity provider, as Okta would be in the document's set-up.

It signs assertions with a key pair made when the sandbox starts (RSA 2048, a self-signed
certificate) using signxml: real XML signatures (RSA-SHA256, exclusive C14N, enveloped), so
`sts:AssumeRoleWithSAML` checks them against the metadata the SAML provider was created with.
The attributes are the ones AWS reads (https://aws.amazon.com/SAML/Attributes/...): Role,
RoleSessionName, SessionDuration, SourceIdentity, PrincipalTag:<key> and TransitiveTagKeys.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import escape

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner, methods

SAML_ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
SAML_PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML_METADATA_NS = "urn:oasis:names:tc:SAML:2.0:metadata"
XMLDSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
AWS_SAML_ENDPOINT = "https://signin.aws.amazon.com/saml"
AWS_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
ENTITY_ID = "http://studio-abac-sandbox/idp"
# Where the gateway serves the IdP: metadata and the sign-in form a browser would post.
IDP_PATH = "/saml-idp/"
ASSERTION_LIFETIME = timedelta(minutes=5)


@dataclass(frozen=True)
class SignInClaims:
    """What the IdP asserts about one person signing in to one role."""

    subject: str
    role_arn: str
    provider_arn: str
    session_name: str
    session_tags: dict[str, str]
    transitive_tag_keys: tuple[str, ...] = ()
    source_identity: str | None = None
    session_duration: int | None = None


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class SamlIdentityProvider:
    """A key pair, its metadata document, and signed SAMLResponses for the AWS sign-in endpoint."""

    def __init__(self, entity_id: str = ENTITY_ID) -> None:
        self.entity_id = entity_id
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "studio-abac-sandbox-idp")])
        now = datetime.now(timezone.utc)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .sign(self._key, hashes.SHA256())
        )

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def metadata_xml(self, sso_url: str = "http://127.0.0.1/saml-idp/sso") -> str:
        """The IdP's metadata document, as `iam:CreateSAMLProvider` takes it."""
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        certificate = base64.b64encode(der).decode()
        return (
            f'<md:EntityDescriptor xmlns:md="{SAML_METADATA_NS}" entityID="{self.entity_id}">'
            '<md:IDPSSODescriptor WantAuthnRequestsSigned="false" '
            'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            f'<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="{XMLDSIG_NS}">'
            f"<ds:X509Data><ds:X509Certificate>{certificate}</ds:X509Certificate>"
            "</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
            f"<md:NameIDFormat>{PERSISTENT}</md:NameIDFormat>"
            '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
            f'Location="{escape(sso_url)}"/>'
            "</md:IDPSSODescriptor></md:EntityDescriptor>"
        )

    def saml_response(
        self,
        claims: SignInClaims,
        *,
        issued: datetime | None = None,
        lifetime: timedelta = ASSERTION_LIFETIME,
        audience: str = AWS_SAML_ENDPOINT,
        recipient: str = AWS_SAML_ENDPOINT,
    ) -> str:
        """The base64 SAMLResponse the IdP posts to AWS's sign-in endpoint (assertion signed)."""
        issued = issued or datetime.now(timezone.utc)
        expires = issued + lifetime
        assertion_id = "_" + uuid.uuid4().hex
        a = f"{{{SAML_ASSERTION_NS}}}"
        assertion = etree.Element(
            a + "Assertion",
            nsmap={"saml": SAML_ASSERTION_NS},
            ID=assertion_id,
            IssueInstant=_timestamp(issued),
            Version="2.0",
        )
        etree.SubElement(assertion, a + "Issuer").text = self.entity_id
        # signxml puts the signature here, after Issuer, where SAML's schema wants it.
        etree.SubElement(
            assertion, f"{{{XMLDSIG_NS}}}Signature", nsmap={"ds": XMLDSIG_NS}, Id="placeholder"
        )
        subject = etree.SubElement(assertion, a + "Subject")
        etree.SubElement(subject, a + "NameID", Format=PERSISTENT).text = claims.subject
        confirmation = etree.SubElement(subject, a + "SubjectConfirmation", Method=BEARER)
        etree.SubElement(
            confirmation,
            a + "SubjectConfirmationData",
            NotOnOrAfter=_timestamp(expires),
            Recipient=recipient,
        )
        conditions = etree.SubElement(
            assertion,
            a + "Conditions",
            NotBefore=_timestamp(issued - timedelta(seconds=5)),
            NotOnOrAfter=_timestamp(expires),
        )
        restriction = etree.SubElement(conditions, a + "AudienceRestriction")
        etree.SubElement(restriction, a + "Audience").text = audience
        etree.SubElement(
            assertion,
            a + "AuthnStatement",
            AuthnInstant=_timestamp(issued),
            SessionIndex=assertion_id,
        )
        statement = etree.SubElement(assertion, a + "AttributeStatement")
        for name, values in _attributes(claims):
            attribute = etree.SubElement(statement, a + "Attribute", Name=AWS_ATTRIBUTE + name)
            for value in values:
                etree.SubElement(attribute, a + "AttributeValue").text = value
        signer = XMLSigner(
            method=methods.enveloped,
            signature_algorithm="rsa-sha256",
            digest_algorithm="sha256",
            c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#",
        )
        key_pem = self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        signed = signer.sign(
            assertion,
            key=key_pem,
            cert=self.certificate_pem.decode(),
            reference_uri=assertion_id,
            id_attribute="ID",
        )
        p = f"{{{SAML_PROTOCOL_NS}}}"
        response = etree.Element(
            p + "Response",
            nsmap={"samlp": SAML_PROTOCOL_NS, "saml": SAML_ASSERTION_NS},
            ID="_" + uuid.uuid4().hex,
            Version="2.0",
            IssueInstant=_timestamp(issued),
            Destination=recipient,
        )
        etree.SubElement(response, a + "Issuer").text = self.entity_id
        status = etree.SubElement(response, p + "Status")
        etree.SubElement(
            status, p + "StatusCode", Value="urn:oasis:names:tc:SAML:2.0:status:Success"
        )
        # A re-parsed copy: moving the signed element itself lets lxml rewrite its namespaces.
        response.append(etree.fromstring(etree.tostring(signed)))
        return base64.b64encode(etree.tostring(response)).decode()


def _attributes(claims: SignInClaims) -> list[tuple[str, list[str]]]:
    attributes = [
        ("Role", [f"{claims.role_arn},{claims.provider_arn}"]),
        ("RoleSessionName", [claims.session_name]),
    ]
    if claims.session_duration is not None:
        attributes.append(("SessionDuration", [str(claims.session_duration)]))
    if claims.source_identity:
        attributes.append(("SourceIdentity", [claims.source_identity]))
    attributes += [(f"PrincipalTag:{k}", [v]) for k, v in claims.session_tags.items()]
    if claims.transitive_tag_keys:
        attributes.append(("TransitiveTagKeys", list(claims.transitive_tag_keys)))
    return attributes


def post_form(saml_response: str, action: str = AWS_SAML_ENDPOINT) -> str:
    """The page an IdP returns after sign-in: a form that posts the SAMLResponse to AWS."""
    return (
        "<!DOCTYPE html><html><body onload='document.forms[0].submit()'>"
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="SAMLResponse" value="{escape(saml_response)}"/>'
        "<noscript><button type='submit'>Continue to AWS</button></noscript>"
        "</form></body></html>"
    )
