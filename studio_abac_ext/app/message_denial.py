"""POST explain-denial: an AWS denial message, as a notebook cell printed it, explained.

The message is read by ``aws/denial_messages.py`` (EC2's encoded messages decoded with
``sts:DecodeAuthorizationMessage`` under the caller's credentials), then explained like the
sidebar's own denials: the one 403 body of ``access_denied.py``, with the resource's live tags
and the caller's policies. What AWS says decided is then set beside what the engine says:

- AWS names a layer the extension cannot read (a service control policy, a boundary, a resource
  policy...) and the caller's known policies allow: say so, with the policy ARN AWS gave;
- the message is about another principal than the caller: say whose denial it is;
- the resource was created moments ago and its tags now match: possibly tag or IAM propagation
  delay, try again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..aws.denial_messages import POLICY_TYPE_WORDS, DenialMessage, parse_denial, with_decoded
from ..aws.errors import AwsAccessDeniedError, AwsError, AwsUnavailableError
from ..aws.identity import CallerIdentity
from ..aws.resources import KINDS, find_by_name
from ..policy.arns import principal_arn_of, split_arn
from .access_denied import explain_denial
from .errors import RequestValidationError
from .services import Services

log = logging.getLogger(__name__)

PROPAGATION_SECONDS = 300
"""A resource younger than this, denied although its tags now match, may not have reached every
AWS endpoint yet (tags and IAM changes are eventually consistent)."""

# Layers the extension cannot read for the caller, as AWS names them, and what to say of them.
UNSEEN_LAYERS = {
    "scp": "your organisation's SCPs are not visible to this account",
    "rcp": "your organisation's resource control policies are not visible to this account",
    "boundary": "the extension reads your identity policies, not a permissions boundary",
    "session": "the session policy passed when your role was assumed is not visible to it",
    "resource": "the extension reads your identity policies, not the resource's own policy",
    "vpce": "the VPC endpoint's policy is not visible to the extension",
    "trust": "the extension reads your policies, not the trust policy of the role assumed",
}
# ARN resource types of SageMaker (the part before the slash) and the sidebar's kind of each.
SAGEMAKER_KINDS = {
    "experiment": "experiment",
    "experiment-trial": "trial",
    "experiment-trial-component": "trial-component",
    "training-job": "training-job",
    "model": "model",
    "endpoint": "endpoint",
}


@dataclass(frozen=True)
class DenialMessageInput:
    """POST explain-denial: AWS's message (or the output around it), and what the kernel knew
    of the request when AWS's message does not say (its operation, resource and tags)."""

    message: str
    operation: str | None = None
    resource: str | None = None
    request_tags: dict[str, str] | None = None


@dataclass
class Notes:
    """What the explanation adds to AWS's and the engine's words, each ``{kind, message}``."""

    items: list[dict[str, str]] = field(default_factory=list)

    def add(self, kind: str, message: str) -> None:
        self.items.append({"kind": kind, "message": message})


def _service_and_operation(denial: DenialMessage, given: str | None) -> tuple[str, str]:
    """The IAM service prefix and the operation: the action AWS named, else the input's."""
    if denial.action and ":" in denial.action:
        service, operation = denial.action.split(":", 1)
        return service.lower(), operation
    if given and ":" in given:
        service, operation = given.split(":", 1)
        return service.lower(), operation
    return "", given or denial.operation or ""


async def _decoded(services: Services, denial: DenialMessage, notes: Notes) -> DenialMessage:
    """EC2's encoded message, read through sts:DecodeAuthorizationMessage when permitted."""
    if denial.encoded is None:
        return denial
    try:
        reply = await services.runner.call(
            "sts", "decode_authorization_message", EncodedMessage=denial.encoded
        )
        decoded = json.loads(reply.get("DecodedMessage") or "{}")
    except AwsAccessDeniedError:
        notes.add(
            "undecoded",
            "AWS encoded the details of this denial, and you may not decode them "
            "(sts:DecodeAuthorizationMessage): ask an administrator to decode the message.",
        )
        return denial
    except (AwsError, ValueError) as error:
        log.info("decoding an authorization message failed: %s", error)
        notes.add(
            "undecoded",
            "AWS encoded the details of this denial and decoding them with "
            f"sts:DecodeAuthorizationMessage failed ({getattr(error, 'code', 'not JSON')}).",
        )
        return denial
    notes.add("decoded", "AWS's encoded message was decoded with sts:DecodeAuthorizationMessage.")
    return with_decoded(denial, decoded if isinstance(decoded, dict) else {})


def _same_principal(denied: str, identity: CallerIdentity | None) -> bool:
    """A session of the caller's role is the caller (the kernel and the server share it)."""
    if identity is None:
        return True
    return principal_arn_of(denied) == principal_arn_of(identity.arn)


async def _created(services: Services, arn: str) -> datetime | None:
    """When a SageMaker resource was created, or None when unknown."""
    parts = split_arn(arn)
    if parts is None or parts.service != "sagemaker" or "/" not in parts.resource:
        return None
    kind = KINDS.get(SAGEMAKER_KINDS.get(parts.resource.split("/", 1)[0], ""))
    if kind is None:
        return None
    try:
        record = await find_by_name(services.runner, kind, parts.resource.split("/", 1)[1])
    except AwsUnavailableError:
        raise
    except AwsError:
        return None
    return record.created if record is not None else None


def _young(created: datetime | None) -> bool:
    if created is None:
        return False
    when = created if created.tzinfo else created.replace(tzinfo=timezone.utc)
    return (datetime.now(timezone.utc) - when).total_seconds() < PROPAGATION_SECONDS


def _unseen_layer(denial: DenialMessage) -> str | None:
    """What AWS says denied, when it is a layer the engine cannot see, in a sentence."""
    reason = denial.reason
    if reason is None or reason.policy_type not in UNSEEN_LAYERS:
        return None
    assert reason.policy_type is not None
    words = POLICY_TYPE_WORDS[reason.policy_type]
    article = "an" if words[0].lower() in "aeiou" else "a"
    named = f" ({reason.policy_arn})" if reason.policy_arn else ""
    how = "an explicit Deny in" if reason.explicit else "no Allow in"
    return (
        f"AWS reports {how} {article} {words}{named} denied this; "
        f"{UNSEEN_LAYERS[reason.policy_type]}, so the statements below cannot show it."
    )


def _layer_step(denial: DenialMessage) -> str:
    reason = denial.reason
    named = f" ({reason.policy_arn})" if reason and reason.policy_arn else ""
    if reason is not None and reason.policy_type in ("scp", "rcp"):
        return (
            f"Ask an administrator about the policy AWS names{named}: only the organisation's "
            "management account can change it."
        )
    return f"Ask an administrator about the policy AWS names{named}."


def _reconcile(
    body: dict[str, Any],
    denial: DenialMessage,
    identity: CallerIdentity | None,
    created: datetime | None,
    notes: Notes,
) -> None:
    """Set AWS's stated reason beside the engine's, in ``body`` and ``notes``."""
    explanation = body.get("explanation")
    engine_allows = isinstance(explanation, dict) and explanation.get("decision") == "allowed"
    layer = _unseen_layer(denial)
    if denial.principal and not _same_principal(denial.principal, identity):
        caller = identity.arn if identity else "you"
        text = (
            f"This is the denial of {denial.principal}, not yours ({caller}): AWS evaluated "
            "that principal's policies. The statements below are your own policies'."
        )
        notes.add("otherPrincipal", text)
        body["summary"] = text
        body["nextStep"] = (
            f"Ask whoever runs as {denial.principal} (or an administrator) to look at that "
            "principal's policies."
        )
        if isinstance(explanation, dict):
            explanation["summary"] = text
        return
    if layer is not None:
        notes.add("awsReason", layer)
        if engine_allows:
            assert isinstance(explanation, dict)
            explanation["summary"] = layer
            body["summary"] = layer
            body["nextStep"] = _layer_step(denial)
            return
    if engine_allows and _young(created):
        text = (
            "Possibly tag or IAM propagation delay: this resource was created moments ago and "
            "its tags now match your policies, which allow this. Try again."
        )
        notes.add("propagation", text)
        assert isinstance(explanation, dict)
        explanation["summary"] = text
        body["summary"] = text
        body["nextStep"] = "Try again in a few seconds; AWS needs a moment to apply new tags."


async def explain_message(services: Services, body: DenialMessageInput) -> dict[str, Any]:
    """The explanation of the denial in ``body.message`` (200: the request itself succeeded)."""
    parsed = parse_denial(body.message)
    if parsed is None:
        raise RequestValidationError(
            "$.message",
            "an AWS AccessDenied message",
            "message holds no AWS denial (User: ... is not authorized to perform: ..., or "
            "An error occurred (AccessDenied...) when calling the ... operation).",
        )
    notes = Notes()
    denial = await _decoded(services, parsed, notes)
    service, operation = _service_and_operation(denial, body.operation)
    fallback = body.resource or "*"
    denied = AwsAccessDeniedError(operation, denial.code or "AccessDenied", denial.message, service)
    # the decoded, or the kernel's, facts where AWS's words have none
    denied.action = denial.action or denied.action
    denied.resource = denial.resource or fallback
    denied.caller = denial.principal
    try:
        identity: CallerIdentity | None = await services.identity()
    except AwsError:
        identity = None
    explained = await explain_denial(services, denied, request_tags=body.request_tags)
    created = None
    explanation = explained.get("explanation")
    if isinstance(explanation, dict) and explanation.get("decision") == "allowed":
        created = await _created(services, denied.resource)
    _reconcile(explained, denial, identity, created, notes)
    if not service:
        notes.add(
            "noAction",
            'AWS\'s message names no action (cross-account S3 says only "Access Denied"), '
            "so the engine cannot tell which statement decided.",
        )
    return {
        **explained,
        "denial": denial.to_dict(),
        "notes": notes.items,
    }
