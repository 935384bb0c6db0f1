"""The denial output: the exact request AWS refused, as ``application/vnd.studio-abac.denial+json``
with a plain-text fallback (the contract is in docs/notebook.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from ..aws.errors import AwsAccessDeniedError, classify
from ..policy.arns import arn_account
from .requests import RequestLog, SentRequest, derived_resource

DENIAL_MIME = "application/vnd.studio-abac.denial+json"


@dataclass(frozen=True)
class Denial:
    """One denied call: what AWS said, and the request it refused where this kernel sent it."""

    operation: str
    service: str
    action: str
    resource: str
    request_tags: dict[str, str]
    message: str
    code: str
    caller: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "service": self.service,
            "action": self.action,
            "resource": self.resource,
            "requestTags": dict(self.request_tags),
            "message": self.message,
            "code": self.code,
        }

    def to_text(self) -> str:
        tags = ", ".join(f"{k}={v}" for k, v in self.request_tags.items()) or "(none)"
        return "\n".join(
            [
                f"studio-abac: AWS denied {self.action} ({self.code})",
                f"  resource:     {self.resource}",
                f"  request tags: {tags}",
                "  why: run %abac why",
            ]
        )

    def bundle(self) -> dict[str, Any]:
        return {DENIAL_MIME: self.to_json(), "text/plain": self.to_text()}


def is_denial(error: ClientError) -> bool:
    """Whether AWS refused the caller, by the extension's one classification of AWS errors."""
    return isinstance(classify(error, "", error.operation_name), AwsAccessDeniedError)


def denied_client_error(error: BaseException | None) -> ClientError | None:
    """The denial ClientError in an exception or its causes (the SDK and boto3's S3 transfer
    wrap them: S3UploadFailedError, ...); ``classify`` says which errors are denials."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, ClientError) and is_denial(error):
            return error
        error = error.__cause__ or error.__context__
    return None


def denial_of(error: ClientError, log: RequestLog, account: str = "") -> Denial:
    """The denial ``error`` reports, with the request this kernel sent where it kept it."""
    request: SentRequest | None = log.find(error.response)
    service = request.service if request else ""
    classified = classify(error, service, error.operation_name)
    if not isinstance(classified, AwsAccessDeniedError):
        raise ValueError(f"not a denial: {classified}")
    if not service:
        service = classified.action.split(":", 1)[0]
    resource = classified.resource
    if resource == "*" and request is not None:
        resource = derived_resource(request, (arn_account(classified.caller or "") or account))
    action = classified.action
    if ":" not in action:
        action = f"{service}:{error.operation_name}"
    return Denial(
        operation=error.operation_name,
        service=service,
        action=action,
        resource=resource,
        request_tags=request.tags if request else {},
        message=classified.message,
        code=classified.code,
        caller=classified.caller,
    )
