"""IAM decisions for the gateway: the request context AWS would build, evaluated by our engine."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from studio_abac_ext.policy import (
    ContextValue,
    Policy,
    PolicyParseError,
    PolicySet,
    Request,
    StatementRef,
    build_request_context,
    evaluate,
    parse_policy,
)

from .identity import Caller, NamedPolicy

log = logging.getLogger(__name__)

DENIAL_REASONS = {
    "identity": "because no identity-based policy allows the {action} action",
    "resource": "because no resource-based policy allows the {action} action",
    "boundary": "because no permissions boundary allows the {action} action",
    "session": "because no session policy allows the {action} action",
    "trust": "because no role trust policy allows the {action} action",
}
EXPLICIT_DENY_IN = {
    "identity": "an identity-based policy",
    "resource": "a resource-based policy",
    "trust": "the role trust policy",
    "boundary": "a permissions boundary",
    "session": "a session policy",
}


@dataclass(frozen=True)
class AccessCheck:
    """One action on one or more resources (each must be allowed), with the request's tags."""

    service: str
    action: str
    resources: tuple[str, ...]
    request_tags: Mapping[str, str] | None = None
    tag_keys: Sequence[str] | None = None
    resource_policies: tuple[NamedPolicy, ...] = ()
    region: str = ""
    # `resource_policies` is the role's trust policy (sts:AssumeRole*, sts:TagSession...): the
    # engine makes it allow, whatever identity policies say (docs/engine.md); with none (no such
    # role, or a document that does not parse) nothing is allowed. Denials name the trust policy.
    trust_policy: bool = False
    # Keys the call itself carries (saml:aud, sts:TransitiveTagKeys...), added to the context.
    context: Mapping[str, ContextValue] = field(default_factory=dict)


@dataclass(frozen=True)
class AccessResult:
    allowed: bool
    decision: str
    action: str
    resource: str
    deciding: tuple[str, ...]  # "policy-name/sid" of the statements that decided
    message: str


class Authorizer:
    """Evaluates checks for a caller; resource tags come from `resource_tags(arn)`."""

    def __init__(self, resource_tags: Callable[[str], Mapping[str, str]]) -> None:
        self.resource_tags = resource_tags

    def snapshot(self, check: AccessCheck, creates: bool = False) -> dict[str, dict[str, str]]:
        """The resource tags `check` reads: take it under the store's lock, decide outside it."""
        if creates:
            return {}
        return {r: dict(self.resource_tags(r)) for r in check.resources if r != "*"}

    def check(
        self,
        caller: Caller,
        check: AccessCheck,
        creates: bool = False,
        tags: Mapping[str, Mapping[str, str]] | None = None,
    ) -> AccessResult:
        """Decide `check`, on the resource tags of `tags` (a snapshot) or read live."""
        policies = _policy_set(caller, check)
        result: AccessResult | None = None
        for resource in check.resources:
            result = self._decide(caller, check, resource, policies, creates, tags)
            if not result.allowed:
                return result
        assert result is not None, "an access check names at least one resource"
        return result

    def _decide(
        self,
        caller: Caller,
        check: AccessCheck,
        resource: str,
        policies: PolicySet,
        creates: bool,
        tags: Mapping[str, Mapping[str, str]] | None,
    ) -> AccessResult:
        if creates or resource == "*":
            resource_tags: dict[str, str] = {}
        elif tags is not None and resource in tags:
            resource_tags = dict(tags[resource])
        else:
            resource_tags = dict(self.resource_tags(resource))
        request = Request(
            action=check.action,
            resource=resource,
            principal_arn=caller.arn,
            context=self._context(caller, check, resource_tags),
        )
        verdict: str
        layer: str | None
        refs: tuple[StatementRef, ...]
        if check.trust_policy and not policies.resource:
            verdict, layer, refs = "implicitDeny", "resource", ()
        else:
            decision = evaluate(request, policies, explain=False)
            verdict, layer = decision.decision, decision.denied_at
            refs = decision.matched_statements
        if verdict == "explicitDeny" and refs:
            layer = refs[0].policy_type
        if check.trust_policy and layer == "resource":
            layer = "trust"
        deciding = tuple(f"{ref.policy}/{ref.sid or ref.index}" for ref in refs)
        allowed = verdict == "allowed"
        message = (
            "" if allowed else denial_message(caller.arn, check.action, resource, verdict, layer)
        )
        return AccessResult(allowed, verdict, check.action, resource, deciding, message)

    def _context(
        self, caller: Caller, check: AccessCheck, resource_tags: dict[str, str]
    ) -> dict[str, ContextValue]:
        now = datetime.now(timezone.utc)
        extra: dict[str, ContextValue] = {
            "aws:CurrentTime": now,
            "aws:EpochTime": int(now.timestamp()),
            "aws:SecureTransport": False,
            "aws:userid": caller.user_id,
            "aws:SourceIp": "127.0.0.1",
            "aws:ViaAWSService": False,
        }
        if check.region:
            extra["aws:RequestedRegion"] = check.region
        if check.request_tags is None and check.tag_keys is not None:
            extra["aws:TagKeys"] = list(check.tag_keys)
        extra.update(check.context)
        return build_request_context(
            principal_arn=caller.arn,
            principal_tags=caller.tags,
            username=caller.username,
            resource_tags=resource_tags,
            request_tags=check.request_tags,
            service=check.service,
            extra=extra,
        )


def _policy_set(caller: Caller, check: AccessCheck) -> PolicySet:
    boundary = _parsed((caller.boundary,), "boundary") if caller.boundary else None
    session_text = caller.session.session_policy if caller.session else None
    session_policy = NamedPolicy("session-policy", session_text) if session_text else None
    return PolicySet(
        identity=_parsed(caller.identity_policies, "identity"),
        resource=_parsed(check.resource_policies, "resource"),
        boundary=boundary,
        session=_parsed((session_policy,), "session") if session_policy else None,
    )


def denial_message(
    caller_arn: str, action: str, resource: str, decision: str, layer: str | None
) -> str:
    """AWS's AccessDenied message; `layer` names the policy type that denied or did not allow
    (identity, resource, trust, boundary, session)."""
    prefix = f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource}"
    if decision == "explicitDeny":
        words = EXPLICIT_DENY_IN.get(layer or "identity", EXPLICIT_DENY_IN["identity"])
        return f"{prefix} with an explicit deny in {words}"
    reason = DENIAL_REASONS.get(layer or "identity", DENIAL_REASONS["identity"])
    return f"{prefix} {reason.format(action=action)}"


def _parsed(policies: Sequence[NamedPolicy], policy_type: str) -> list[Policy]:
    parsed = []
    for policy in policies:
        try:
            parsed.append(parse_policy(policy.text, name=policy.name, policy_type=policy_type))  # type: ignore[arg-type]
        except PolicyParseError as error:
            # IAM would have refused this document at creation; it grants nothing here.
            log.warning("policy %s cannot be parsed (%s); it is ignored", policy.name, error)
    return parsed
