"""Reading a SAMLResponse as AWS STS does: signature against the provider's metadata, issuer,
audience, validity window; claims are read from the signed assertion only (no wrapping)."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from lxml import etree
from signxml import InvalidInput, InvalidSignature, XMLVerifier

from .saml_idp import AWS_ATTRIBUTE, AWS_SAML_ENDPOINT, SAML_ASSERTION_NS, SAML_METADATA_NS
from .studio_store import ApiError

A = f"{{{SAML_ASSERTION_NS}}}"
CLOCK_SKEW = timedelta(minutes=5)
SUBJECT_TYPES = {
    "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent": "persistent",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:transient": "transient",
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class SamlAssertion:
    """The claims of a verified assertion."""

    issuer: str
    subject: str
    subject_type: str
    recipient: str
    audiences: tuple[str, ...]
    attributes: dict[str, list[str]]

    def aws(self, name: str) -> list[str]:
        """Values of https://aws.amazon.com/SAML/Attributes/<name>."""
        return self.attributes.get(AWS_ATTRIBUTE + name, [])

    def context(self, account_id: str, provider_name: str) -> dict[str, str]:
        """The saml:* condition keys AWS fills for AssumeRoleWithSAML."""
        qualifier = base64.b64encode(
            hashlib.sha1(f"{self.issuer}{account_id}/{provider_name}".encode()).digest()
        ).decode()
        return {
            "saml:aud": self.recipient,
            "saml:iss": self.issuer,
            "saml:sub": self.subject,
            "saml:sub_type": self.subject_type,
            "saml:namequalifier": qualifier,
            "saml:doc": f"{account_id}/{provider_name}",
        }

    def name_qualifier(self, account_id: str, provider_name: str) -> str:
        return self.context(account_id, provider_name)["saml:namequalifier"]


def invalid_token(message: str) -> ApiError:
    return ApiError("InvalidIdentityToken", message)


def read_assertion(saml_response: str, metadata: str, now: datetime | None = None) -> SamlAssertion:
    """Verify and read a base64 SAMLResponse; ApiError with AWS's code when it is refused."""
    now = now or datetime.now(timezone.utc)
    try:
        document = base64.b64decode(saml_response, validate=True)
        etree.fromstring(document, _PARSER)
    except (binascii.Error, ValueError, etree.XMLSyntaxError):
        raise invalid_token("Invalid base64 SAMLResponse or not a SAML document.") from None
    entity_id, certificates = _metadata(metadata)
    assertion = None
    for certificate in certificates:
        try:
            verified = XMLVerifier().verify(
                document, x509_cert=certificate, id_attribute="ID", parser=_PARSER
            )
        except (InvalidSignature, InvalidInput):
            continue
        signed = verified.signed_xml if not isinstance(verified, list) else None
        if signed is not None and signed.tag == A + "Assertion":
            assertion = signed
            break
    if assertion is None:
        raise invalid_token("Response signature invalid")
    issuer = (assertion.findtext(A + "Issuer") or "").strip()
    if issuer != entity_id:
        raise invalid_token(f"Issuer {issuer!r} does not match the provider's metadata.")
    _check_window(assertion, now)
    audiences = tuple(
        (node.text or "").strip() for node in assertion.iter(A + "Audience") if node.text
    )
    if AWS_SAML_ENDPOINT not in audiences:
        raise invalid_token(f"Audience must include {AWS_SAML_ENDPOINT}; got {list(audiences)}.")
    name_id = assertion.find(f"{A}Subject/{A}NameID")
    confirmation = assertion.find(f"{A}Subject/{A}SubjectConfirmation/{A}SubjectConfirmationData")
    recipient = confirmation.get("Recipient", "") if confirmation is not None else ""
    if recipient and recipient != AWS_SAML_ENDPOINT:
        raise invalid_token(f"Recipient {recipient!r} is not {AWS_SAML_ENDPOINT}.")
    attributes: dict[str, list[str]] = {}
    for attribute in assertion.iter(A + "Attribute"):
        values = [(v.text or "").strip() for v in attribute.iter(A + "AttributeValue")]
        attributes.setdefault(attribute.get("Name", ""), []).extend(values)
    fmt = name_id.get("Format", "") if name_id is not None else ""
    return SamlAssertion(
        issuer=issuer,
        subject=(name_id.text or "").strip() if name_id is not None else "",
        subject_type=SUBJECT_TYPES.get(fmt, fmt),
        recipient=recipient or AWS_SAML_ENDPOINT,
        audiences=audiences,
        attributes=attributes,
    )


def _metadata(metadata: str) -> tuple[str, list[str]]:
    try:
        root = etree.fromstring(metadata.encode(), _PARSER)
    except etree.XMLSyntaxError:
        raise invalid_token("The SAML provider's metadata document cannot be read.") from None
    md = f"{{{SAML_METADATA_NS}}}"
    certificates = []
    for descriptor in root.iter(md + "KeyDescriptor"):
        if descriptor.get("use", "signing") != "signing":
            continue
        for node in descriptor.iter("{http://www.w3.org/2000/09/xmldsig#}X509Certificate"):
            body = "".join((node.text or "").split())
            lines = [body[i : i + 64] for i in range(0, len(body), 64)]
            pem = "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines)
            certificates.append(pem + "\n-----END CERTIFICATE-----\n")
    return root.get("entityID", ""), certificates


def _check_window(assertion: etree._Element, now: datetime) -> None:
    conditions = assertion.find(A + "Conditions")
    bounds = [conditions] if conditions is not None else []
    bounds += list(assertion.iter(A + "SubjectConfirmationData"))
    for node in bounds:
        not_before = _instant(node.get("NotBefore"))
        not_after = _instant(node.get("NotOnOrAfter"))
        if not_before is not None and now + CLOCK_SKEW < not_before:
            raise invalid_token("The SAML assertion is not yet valid (NotBefore).")
        if not_after is not None and now - CLOCK_SKEW >= not_after:
            raise ApiError(
                "ExpiredTokenException", "The SAML assertion has expired (NotOnOrAfter)."
            )


def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise invalid_token(f"Invalid SAML time {value!r}.") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
