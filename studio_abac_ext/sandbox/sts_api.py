"""STS as the gateway answers it: the caller as the gateway sees it, and role sessions with tags."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any
from xml.sax.saxutils import escape

from studio_abac_ext.policy import ContextValue

from .authorization import AccessCheck, AccessResult, Authorizer
from .identity import Caller, Credentials, IdentityDirectory, NamedPolicy, RoleSession
from .protocol import ApiCall, query_members, query_tags
from .saml_assertions import read_assertion
from .saml_idp import AWS_ATTRIBUTE
from .studio_store import ApiError

SESSION_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_=,.@-")


def caller_identity_xml(caller: Caller) -> str:
    return (
        f"<UserId>{escape(caller.user_id)}</UserId><Account>{caller.account_id}</Account>"
        f"<Arn>{escape(caller.arn)}</Arn>"
    )


class AssumeRole:
    """sts:AssumeRole with session Tags and TransitiveTagKeys kept (moto drops them)."""

    def __init__(self, identities: IdentityDirectory, authorizer: Authorizer) -> None:
        self.identities = identities
        self.authorizer = authorizer

    def checks(self, caller: Caller, call: ApiCall) -> tuple[list[AccessCheck], RoleSession]:
        """What must be allowed (AssumeRole, and TagSession when tags are sent) and the session."""
        params = call.params
        role_arn = str(params.get("RoleArn", ""))
        session_name = str(params.get("RoleSessionName", ""))
        if not 2 <= len(session_name) <= 64 or not set(session_name) <= SESSION_NAME_CHARS:
            raise ApiError("ValidationError", f"RoleSessionName '{session_name}' is not valid.")
        tags = query_tags(params)
        transitive = query_members(params, "TransitiveTagKeys")
        if not set(transitive) <= set(tags):
            raise ApiError("InvalidParameterValue", "TransitiveTagKeys must be keys of Tags.")
        if caller.session is not None:
            # Transitive tags of the caller's session carry over and cannot be overridden.
            inherited = {
                k: v
                for k, v in caller.session.tags.items()
                if k in caller.session.transitive_tag_keys
            }
            clash = set(inherited) & set(tags)
            if clash:
                raise ApiError(
                    "InvalidParameterValue",
                    f"Transitive tags cannot be overridden: {sorted(clash)}",
                )
            tags = {**inherited, **tags}
            transitive = sorted(set(transitive) | set(caller.session.transitive_tag_keys))
        role = next((r for r in self.identities.iam.roles.values() if r.arn == role_arn), None)
        trust = (
            (NamedPolicy(f"{role.name}-trust-policy", role.assume_role_policy_document),)
            if role
            else ()
        )
        checks = [
            AccessCheck(
                "sts",
                "sts:AssumeRole",
                (role_arn,),
                resource_policies=trust,
                trust_policy=True,
            )
        ]
        new_tags = query_tags(params)
        new_transitive = query_members(params, "TransitiveTagKeys")
        if new_tags:
            checks.append(
                AccessCheck(
                    "sts",
                    "sts:TagSession",
                    (role_arn,),
                    request_tags=new_tags,
                    resource_policies=trust,
                    trust_policy=True,
                    context={"sts:TransitiveTagKeys": new_transitive} if new_transitive else {},
                )
            )
        session = RoleSession(
            role_name=role.name if role else role_arn.rsplit("/", 1)[-1],
            session_name=session_name,
            tags=tags,
            transitive_tag_keys=tuple(transitive),
            session_policy=str(params["Policy"]) if params.get("Policy") else None,
            # A source identity, once set, stays with every session chained from it.
            source_identity=caller.session.source_identity if caller.session else None,
        )
        if session.session_policy:
            try:
                json.loads(session.session_policy)
            except json.JSONDecodeError:
                raise ApiError(
                    "MalformedPolicyDocument", "The session policy is not valid JSON."
                ) from None
        return checks, session

    def run(self, caller: Caller, call: ApiCall) -> tuple[list[AccessResult], str | None]:
        checks, session = self.checks(caller, call)
        results = []
        for check in checks:
            result = self.authorizer.check(caller, check)
            results.append(result)
            if not result.allowed:
                return results, None
        credentials = self.identities.new_assumed_session(session)
        role = self.identities.iam.get_role(session.role_name)
        expires = datetime.now(timezone.utc) + timedelta(
            seconds=int(call.params.get("DurationSeconds", 3600))
        )
        xml = (
            _credentials_xml(credentials, expires) + "<AssumedRoleUser>"
            f"<AssumedRoleId>{role.id}:{escape(session.session_name)}</AssumedRoleId>"
            f"<Arn>arn:aws:sts::{self.identities.account_id}:assumed-role/{role.name}/"
            f"{escape(session.session_name)}</Arn>"
            "</AssumedRoleUser>"
            f"<PackedPolicySize>{min(100, 6 * len(session.tags))}</PackedPolicySize>"
        )
        return results, xml


SAML_DENIED = "Not authorized to perform {action}"


class AssumeRoleWithSaml:
    """sts:AssumeRoleWithSAML: an unsigned call whose assertion, signed by the IdP, is the proof.

    The assertion is verified against the metadata of the SAML provider named by PrincipalArn;
    the role's trust policy must allow sts:AssumeRoleWithSAML for that provider, and
    sts:TagSession when the assertion carries PrincipalTag or TransitiveTagKeys attributes (with
    aws:RequestTag/*, aws:TagKeys and sts:TransitiveTagKeys in the context), and
    sts:SetSourceIdentity when it carries SourceIdentity.
    """

    def __init__(self, identities: IdentityDirectory, authorizer: Authorizer) -> None:
        self.identities = identities
        self.authorizer = authorizer

    def run(self, call: ApiCall) -> tuple[Caller, list[AccessResult], str | None]:
        params = call.params
        role_arn = _required(params, "RoleArn")
        provider_arn = _required(params, "PrincipalArn")
        assertion_text = _required(params, "SAMLAssertion")
        iam = self.identities.iam
        provider = next((p for p in iam.saml_providers.values() if p.arn == provider_arn), None)
        if provider is None:
            raise ApiError("InvalidIdentityToken", "Specified provider doesn't exist")
        assertion = read_assertion(assertion_text, provider.saml_metadata_document or "")
        pairs = [{part.strip() for part in value.split(",")} for value in assertion.aws("Role")]
        if {role_arn, provider_arn} not in pairs:
            raise ApiError(
                "IDPRejectedClaim",
                "The assertion's Role attribute does not name this role and provider pair.",
                status=403,
            )
        names = assertion.aws("RoleSessionName")
        session_name = names[0] if names else ""
        if not session_name:
            raise ApiError("InvalidIdentityToken", "RoleSessionName is required in AuthnResponse")
        if not 2 <= len(session_name) <= 64 or not set(session_name) <= SESSION_NAME_CHARS:
            raise ApiError(
                "InvalidIdentityToken", f"RoleSessionName '{session_name}' is not valid."
            )
        prefix = AWS_ATTRIBUTE + "PrincipalTag:"
        tags = {
            name[len(prefix) :]: values[0]
            for name, values in assertion.attributes.items()
            if name.startswith(prefix) and values
        }
        transitive = assertion.aws("TransitiveTagKeys")
        if not set(transitive) <= set(tags):
            raise ApiError(
                "InvalidIdentityToken", "TransitiveTagKeys must name PrincipalTag attributes."
            )
        source_values = assertion.aws("SourceIdentity")
        source_identity = source_values[0] if source_values else None
        provider_name = provider_arn.rsplit("/", 1)[-1]
        account = self.identities.account_id
        qualifier = assertion.name_qualifier(account, provider_name)
        federated = Caller(
            arn=provider_arn,
            principal_arn=provider_arn,
            account_id=account,
            user_id=f"{qualifier}:{assertion.subject}",
            username=None,
            tags={},
            identity_policies=(),
            boundary=None,
            session=None,
            access_key_id="",
        )
        role = next((r for r in iam.roles.values() if r.arn == role_arn), None)
        trust = (
            (NamedPolicy(f"{role.name}-trust-policy", role.assume_role_policy_document),)
            if role
            else ()
        )
        saml_context: dict[str, ContextValue] = dict(assertion.context(account, provider_name))
        wanted: list[tuple[str, dict[str, str] | None, dict[str, ContextValue]]] = [
            ("sts:AssumeRoleWithSAML", None, saml_context)
        ]
        if tags or transitive:
            tag_context: dict[str, ContextValue] = {
                **saml_context,
                "sts:TransitiveTagKeys": list(transitive),
            }
            wanted.append(("sts:TagSession", tags, tag_context))
        if source_identity:
            identity_context: dict[str, ContextValue] = {
                **saml_context,
                "sts:SourceIdentity": source_identity,
            }
            wanted.append(("sts:SetSourceIdentity", None, identity_context))
        results = []
        for action, request_tags, context in wanted:
            check = AccessCheck(
                "sts",
                action,
                (role_arn,),
                request_tags=request_tags,
                resource_policies=trust,
                trust_policy=True,
                context=context,
            )
            result = self.authorizer.check(federated, check)
            if not result.allowed:
                result = replace(result, message=SAML_DENIED.format(action=action))
                results.append(result)
                return federated, results, None
            results.append(result)
        assert role is not None, "a trust policy allowed, so the role exists"
        duration = _duration(params, assertion.aws("SessionDuration"), role)
        session = RoleSession(
            role_name=role.name,
            session_name=session_name,
            tags=tags,
            transitive_tag_keys=tuple(transitive),
            session_policy=str(params["Policy"]) if params.get("Policy") else None,
            source_identity=source_identity,
            saml_provider_arn=provider_arn,
        )
        credentials = self.identities.new_assumed_session(session)
        expires = datetime.now(timezone.utc) + timedelta(seconds=duration)
        audience = assertion.recipient
        xml = (
            _credentials_xml(credentials, expires) + "<AssumedRoleUser>"
            f"<AssumedRoleId>{role.id}:{escape(session_name)}</AssumedRoleId>"
            f"<Arn>arn:aws:sts::{account}:assumed-role/{role.name}/{escape(session_name)}</Arn>"
            "</AssumedRoleUser>"
            f"<PackedPolicySize>{min(100, 6 * len(tags))}</PackedPolicySize>"
            f"<Subject>{escape(assertion.subject)}</Subject>"
            f"<SubjectType>{escape(assertion.subject_type)}</SubjectType>"
            f"<Issuer>{escape(assertion.issuer)}</Issuer>"
            f"<Audience>{escape(audience)}</Audience>"
            f"<NameQualifier>{escape(qualifier)}</NameQualifier>"
            + (
                f"<SourceIdentity>{escape(source_identity)}</SourceIdentity>"
                if source_identity
                else ""
            )
        )
        return federated, results, xml


def _required(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise ApiError(
            "ValidationError",
            f"1 validation error detected: Value null at '{name[0].lower()}{name[1:]}' "
            "failed to satisfy constraint: Member must not be null",
        )
    return value


def _duration(params: dict[str, Any], attribute: list[str], role: Any) -> int:
    """DurationSeconds, else the SessionDuration attribute, else an hour; at most the role's."""
    raw = params.get("DurationSeconds") or (attribute[0] if attribute else 3600)
    try:
        duration = int(raw)
    except (TypeError, ValueError):
        raise ApiError("ValidationError", f"DurationSeconds '{raw}' is not a number.") from None
    ceiling = int(getattr(role, "max_session_duration", 3600) or 3600)
    if not 900 <= duration <= ceiling:
        raise ApiError(
            "ValidationError",
            f"The requested DurationSeconds exceeds the MaxSessionDuration set for this role "
            f"or is under 900 seconds ({duration}).",
        )
    return duration


def _credentials_xml(credentials: Credentials, expires: datetime) -> str:
    return (
        "<Credentials>"
        f"<AccessKeyId>{credentials.access_key_id}</AccessKeyId>"
        f"<SecretAccessKey>{escape(credentials.secret_access_key)}</SecretAccessKey>"
        f"<SessionToken>{escape(credentials.session_token or '')}</SessionToken>"
        f"<Expiration>{expires.strftime('%Y-%m-%dT%H:%M:%SZ')}</Expiration>"
        "</Credentials>"
    )


def get_session_token(identities: IdentityDirectory, caller: Caller, call: ApiCall) -> str:
    """sts:GetSessionToken: temporary credentials of the calling IAM user (no permission asked)."""
    if caller.session is not None or caller.username is None:
        raise ApiError(
            "AccessDenied", "Cannot call GetSessionToken with session credentials", status=403
        )
    duration = int(call.params.get("DurationSeconds", 43200))
    if not 900 <= duration <= 129600:
        raise ApiError("ValidationError", f"DurationSeconds {duration} is not in 900-129600.")
    credentials = identities.new_user_session(caller.username)
    expires = datetime.now(timezone.utc) + timedelta(seconds=duration)
    return _credentials_xml(credentials, expires)
