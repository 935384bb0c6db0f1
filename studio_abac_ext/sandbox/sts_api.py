"""STS as the gateway answers it: the caller as the gateway sees it, and role sessions with tags."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

from .authorization import AccessCheck, AccessResult, Authorizer
from .identity import Caller, IdentityDirectory, NamedPolicy, RoleSession
from .protocol import ApiCall, query_members, query_tags
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
                resource_policy_required=True,
            )
        ]
        new_tags = query_tags(params)
        if new_tags:
            checks.append(
                AccessCheck(
                    "sts",
                    "sts:TagSession",
                    (role_arn,),
                    request_tags=new_tags,
                    resource_policies=trust,
                    resource_policy_required=True,
                )
            )
        session = RoleSession(
            role_name=role.name if role else role_arn.rsplit("/", 1)[-1],
            session_name=session_name,
            tags=tags,
            transitive_tag_keys=tuple(transitive),
            session_policy=str(params["Policy"]) if params.get("Policy") else None,
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
            "<Credentials>"
            f"<AccessKeyId>{credentials.access_key_id}</AccessKeyId>"
            f"<SecretAccessKey>{escape(credentials.secret_access_key)}</SecretAccessKey>"
            f"<SessionToken>{escape(credentials.session_token or '')}</SessionToken>"
            f"<Expiration>{expires.strftime('%Y-%m-%dT%H:%M:%SZ')}</Expiration>"
            "</Credentials>"
            "<AssumedRoleUser>"
            f"<AssumedRoleId>{role.id}:{escape(session.session_name)}</AssumedRoleId>"
            f"<Arn>arn:aws:sts::{self.identities.account_id}:assumed-role/{role.name}/"
            f"{escape(session.session_name)}</Arn>"
            "</AssumedRoleUser>"
            f"<PackedPolicySize>{min(100, 6 * len(session.tags))}</PackedPolicySize>"
        )
        return results, xml
