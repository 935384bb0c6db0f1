"""AWS's AccessDenied messages, read: who was refused which action on what, and why AWS says so.

The one parser of AWS's denial text. It reads the message as AWS writes it
(``User: <principal> is not authorized to perform: <action>[ on resource: <resource>] <reason>``),
boto3's wrapping (``An error occurred (<code>) when calling the <Operation> operation: ...``),
any text around it (a traceback, an ``S3UploadFailedError`` wrapping the ClientError), and a
terminal's rendering of it: ANSI colours, the SageMaker SDK's rich traceback box, and lines
wrapped at the console's width (even inside an ARN).

Reasons, as AWS writes them: ``because no <policy type> allows the <action> action`` (implicit),
``with an explicit deny in a(n)/the <policy type>[: <policy ARN>]`` and the older bare
``with an explicit deny``. EC2 writes ``Encoded authorization failure message: <blob>``, which
only ``sts:DecodeAuthorizationMessage`` can read.

Pure: no AWS call, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from ..policy.arns import split_arn

ACCESS_DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}
)

# AWS's words for each policy type, in its messages, and the short name we use for it.
POLICY_TYPES: dict[str, str] = {
    "identity-based policy": "identity",
    "resource-based policy": "resource",
    "session policy": "session",
    "service control policy": "scp",
    "resource control policy": "rcp",
    "permissions boundary": "boundary",
    "vpc endpoint policy": "vpce",
    "role trust policy": "trust",
}
POLICY_TYPE_WORDS = {short: words for words, short in POLICY_TYPES.items()}
POLICY_TYPE_WORDS["vpce"] = "VPC endpoint policy"

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")
# The rich traceback's frame: box-drawing characters at the start and end of its lines.
_BOX = "│╭╮╰╯─┃┏┓┗┛━╷╵"
_TYPES = "|".join(re.escape(words) for words in POLICY_TYPES)
_WRAPPER = re.compile(
    r"An error occurred \((?P<code>[A-Za-z0-9_.]+)\) when calling the (?P<operation>[A-Za-z0-9]+)"
    r" operation(?: \(reached max retries: \d+\))?:\s*"
)
_PRINCIPAL_START = re.compile(r"\bUser:\s+")
_NOT_AUTHORIZED = re.compile(r"\s+is\s+not\s+authorized\s+to\s+perform:\s+")
_ON_RESOURCE = re.compile(r"\s+on\s+resource:\s+")
_IMPLICIT = re.compile(
    rf"\s+because\s+no\s+(?P<type>{_TYPES})\s+allows\s+the\s+(?P<action>\S+)\s+action",
    re.IGNORECASE,
)
_EXPLICIT = re.compile(
    rf"\s+with\s+an\s+explicit\s+deny(?:\s+in\s+(?:an?|the)\s+(?P<type>{_TYPES})"
    r"(?::\s*(?P<arn>arn:[^\s\"',;]+))?)?",
    re.IGNORECASE,
)
_ENCODED = re.compile(r"Encoded authorization failure message:\s*(?P<blob>[A-Za-z0-9_\-+/=]+)")
_IAM_RESOURCE = re.compile(r"(?P<kind>role|user|group|policy|instance-profile)\s+(?P<name>\S+)")
# An ARN (or action) folded at the console's width continues on the next line with no space.
_FOLDED = re.compile(r"\s*\n\s*")
_RESOURCE_END = re.compile(r"[.\s]+$")


@dataclass(frozen=True)
class DenialReason:
    """Why AWS says it denied: ``explicit`` or not, in which policy type (``None`` when AWS
    does not say), and the policy's ARN when AWS names it."""

    explicit: bool
    policy_type: str | None = None
    policy_arn: str | None = None

    @property
    def words(self) -> str:
        """The policy type as AWS writes it (``service control policy``), or ``""``."""
        return POLICY_TYPE_WORDS.get(self.policy_type or "", "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "explicit": self.explicit,
            "policyType": self.policy_type,
            "policyArn": self.policy_arn,
        }


@dataclass(frozen=True)
class DenialMessage:
    """One AWS denial read from text; any part AWS did not write is ``None``."""

    message: str
    code: str | None = None
    operation: str | None = None
    principal: str | None = None
    action: str | None = None
    resource: str | None = None
    resource_as_written: str | None = None
    reason: DenialReason | None = None
    encoded: str | None = None

    @property
    def explicit(self) -> bool:
        return self.reason is not None and self.reason.explicit

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "operation": self.operation,
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "resourceAsWritten": self.resource_as_written,
            "reason": self.reason.to_dict() if self.reason else None,
            "encoded": self.encoded is not None,
        }


def is_denial_code(code: str) -> bool:
    """An AWS error code that means "not authorized" (``AccessDenied*`` and the older names)."""
    return code in ACCESS_DENIED_CODES or code.startswith("AccessDenied")


def plain_text(text: str) -> str:
    """Text as a terminal shows it, without colours, carriage returns or the traceback box."""
    text = _ANSI.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = (line.strip().strip(_BOX).strip() for line in text.split("\n"))
    return "\n".join(lines)


def _unfold(text: str) -> str:
    """A token a console wrapped over lines (an ARN, an action): the lines joined back."""
    return _FOLDED.sub("", text.strip())


def _iam_resource(written: str, principal: str | None) -> str:
    """IAM writes ``role NAME``, ``user NAME`` or ``policy ARN``: the ARN it means."""
    matched = _IAM_RESOURCE.fullmatch(written)
    if matched is None:
        return written
    kind, name = matched.group("kind"), matched.group("name")
    if name.startswith("arn:"):
        return name
    parts = split_arn(principal or "")
    if parts is None or not parts.account:
        return written
    return f"arn:{parts.partition}:iam::{parts.account}:{kind}/{name}"


def _resource(written: str, principal: str | None) -> str:
    """The resource as an ARN where it can be one: S3's quotes off, folds joined, IAM's
    ``role NAME`` made the role's ARN."""
    text = _RESOURCE_END.sub("", written.strip())
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    if text.startswith("arn:"):
        return _unfold(text)
    return _iam_resource(re.sub(r"\s+", " ", text), principal)


def _as_written(written: str) -> str:
    """The resource as AWS wrote it (quotes kept), without a console's folds."""
    text = _RESOURCE_END.sub("", written.strip())
    if text.lstrip('"').startswith("arn:"):
        return _unfold(text)
    return re.sub(r"\s+", " ", text)


def _reason(tail: str) -> tuple[DenialReason | None, int]:
    """The reason at the start of ``tail`` and where it starts (``-1`` when none)."""
    found: list[tuple[int, DenialReason]] = []
    implicit = _IMPLICIT.search(tail)
    if implicit is not None:
        found.append(
            (
                implicit.start(),
                DenialReason(False, POLICY_TYPES[implicit.group("type").lower()]),
            )
        )
    explicit = _EXPLICIT.search(tail)
    if explicit is not None:
        kind = explicit.group("type")
        arn = explicit.group("arn")
        found.append(
            (
                explicit.start(),
                DenialReason(True, POLICY_TYPES[kind.lower()] if kind else None, arn),
            )
        )
    if not found:
        return None, -1
    start, reason = min(found, key=lambda item: item[0])
    return reason, start


def _unreasoned_resource(text: str) -> str:
    """The resource of a message with no reason after it: one token, IAM's ``kind NAME`` or
    S3's quoted ARN; what follows it (a full stop, the next line of a log) is not part of it."""
    text = text.split("\n\n", 1)[0].lstrip()
    quoted = re.match(r'"[^"]*"', text)
    if quoted is not None:
        return quoted.group(0)
    iam = re.match(r"(?:role|user|group|policy|instance-profile)\s+\S+", text)
    if iam is not None:
        return iam.group(0)
    return text.split(None, 1)[0] if text.strip() else ""


def _statement(text: str) -> dict[str, Any] | None:
    """``User: ... is not authorized to perform: ...`` in ``text`` (the last one), read."""
    for start in reversed(list(_PRINCIPAL_START.finditer(text))):
        rest = text[start.end() :]
        verb = _NOT_AUTHORIZED.search(rest)
        if verb is None:
            continue
        principal = _unfold(rest[: verb.start()])
        if not principal or " " in principal or "\n" in principal:
            continue
        after = rest[verb.end() :]
        reason, reason_at = _reason(after)
        body = after if reason_at < 0 else after[:reason_at]
        on = _ON_RESOURCE.search(body)
        action_text = body if on is None else body[: on.start()]
        if reason_at < 0 and on is None:
            action_text = action_text.split(None, 1)[0] if action_text.strip() else ""
        action = _unfold(action_text).rstrip(".")
        resource_written = None
        if on is not None:
            written = body[on.end() :]
            resource_written = written if reason_at >= 0 else _unreasoned_resource(written)
        return {
            "start": start.start(),
            "principal": principal,
            "action": action or None,
            "resource_written": resource_written,
            "reason": reason,
        }
    return None


def parse_denial(text: str) -> DenialMessage | None:
    """The AWS denial in ``text`` (a message, an exception's text, a whole traceback), or
    ``None`` when the text holds none. The last denial wins: a traceback ends with its cause."""
    plain = plain_text(text)
    wrappers = list(_WRAPPER.finditer(plain))
    wrapper = next(
        (w for w in reversed(wrappers) if is_denial_code(w.group("code"))),
        None,
    )
    message = plain[wrapper.end() :] if wrapper else plain
    statement = _statement(message)
    encoded = _ENCODED.search(message)
    code = wrapper.group("code") if wrapper else None
    if statement is None and encoded is None and wrapper is None:
        return None
    if wrapper is None:
        begin = statement["start"] if statement else encoded.start() if encoded else 0
        message = message[begin:]
    # The message ends at the end of its line unless a console wrapped it: keep the lines that
    # continue it, stop at a blank line.
    words = re.sub(r"\s+", " ", message.split("\n\n", 1)[0]).strip()
    if statement is None:
        return DenialMessage(
            message=words,
            code=code,
            operation=wrapper.group("operation") if wrapper else None,
            encoded=encoded.group("blob") if encoded else None,
        )
    principal = statement["principal"]
    resource_written = statement["resource_written"]
    resource = None if resource_written is None else _resource(resource_written, principal)
    return DenialMessage(
        message=words,
        code=code,
        operation=wrapper.group("operation") if wrapper else None,
        principal=principal,
        action=statement["action"],
        resource=resource or None,
        resource_as_written=_as_written(resource_written) if resource_written else None,
        reason=statement["reason"],
        encoded=encoded.group("blob") if encoded else None,
    )


def with_decoded(denial: DenialMessage, decoded: dict[str, Any]) -> DenialMessage:
    """An EC2 denial completed from ``sts:DecodeAuthorizationMessage``'s JSON
    (``{"allowed", "explicitDeny", "matchedStatements", "context": {"principal": {"arn"},
    "action", "resource"}}``)."""
    context = decoded.get("context") or {}
    principal = (context.get("principal") or {}).get("arn") or denial.principal
    explicit = bool(decoded.get("explicitDeny"))
    return replace(
        denial,
        principal=principal,
        action=context.get("action") or denial.action,
        resource=context.get("resource") or denial.resource,
        reason=DenialReason(explicit, "identity" if explicit else None),
    )
