"""AWS failures sorted into what the REST API answers: denied, missing, conflict, unavailable.

``classify`` is the only place that reads botocore's error codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
)

ACCESS_DENIED_CODES = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
}
THROTTLING_CODES = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "PriorRequestNotComplete",
    "RequestThrottled",
    "EC2ThrottledException",
}
OUTAGE_CODES = {
    "InternalFailure",
    "InternalError",
    "InternalServerError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
}
EXPIRED_CODES = {"ExpiredToken", "ExpiredTokenException", "RequestExpired"}
NOT_FOUND_CODES = {
    "ResourceNotFound",
    "ResourceNotFoundException",
    "NoSuchEntity",
    "NoSuchKey",
    "NoSuchBucket",
}
CONFLICT_CODES = {"ResourceInUse", "ConflictException", "EntityAlreadyExists"}
_DENIAL = re.compile(
    r"User: (?P<caller>\S+) is not authorized to perform: (?P<action>\S+)"
    r"(?: on resource: (?P<resource>\S+))?"
)
_NOT_FOUND_TEXT = re.compile(r"does not exist|could not find|not found", re.IGNORECASE)

RETRY_AFTER_THROTTLED = 5
RETRY_AFTER_TIMEOUT = 10
RETRY_AFTER_UNREACHABLE = 30


class AwsError(Exception):
    """An AWS call that failed, with the operation and AWS's own code and message."""

    def __init__(self, operation: str, code: str, message: str) -> None:
        super().__init__(f"{operation}: {code}: {message}")
        self.operation = operation
        self.code = code
        self.message = message


class AwsAccessDeniedError(AwsError):
    """AWS refused the caller. ``resource_tags``/``request_tags`` may be filled by the caller of
    the operation, so the explanation needs no extra AWS call."""

    def __init__(
        self, operation: str, code: str, message: str, service: str, fallback_resource: str = "*"
    ) -> None:
        super().__init__(operation, code, message)
        parsed = _DENIAL.search(message)
        self.caller: str | None = parsed.group("caller") if parsed else None
        self.action = parsed.group("action") if parsed else f"{service}:{operation}"
        resource = parsed.group("resource") if parsed else None
        self.resource = (resource or fallback_resource).rstrip(".")
        self.explicit = "explicit deny" in message.lower()
        self.resource_tags: Mapping[str, str] | None = None
        self.request_tags: Mapping[str, str] | None = None


class AwsNotFoundError(AwsError):
    """The named resource does not exist (or the caller cannot see it)."""


class AwsConflictError(AwsError):
    """The resource exists already or is in use."""


class AwsRejectedError(AwsError):
    """AWS refused the input (a validation error we did not catch first)."""


class AwsUnavailableError(AwsError):
    """Throttled, timed out, unreachable, or no usable credentials: retry later, after doing
    what ``advice`` says."""

    def __init__(self, operation: str, code: str, message: str, retry_after: int) -> None:
        super().__init__(operation, code, message)
        self.retry_after = retry_after
        self.advice = _advice(code, retry_after)


def _advice(code: str, retry_after: int) -> str:
    """What the user can do about an unavailable AWS, and when to try again."""
    again = f"try again in {retry_after} seconds"
    if code in THROTTLING_CODES:
        return f"AWS is limiting the request rate of your account; {again}."
    if code in EXPIRED_CODES:
        return (
            "Your AWS credentials have expired: refresh them (in Studio, restart the "
            f"JupyterLab app), then {again}."
        )
    if code == "NoCredentials":
        return (
            "Give the Jupyter server AWS credentials (in Studio the space's execution role "
            f"provides them; elsewhere AWS_ACCESS_KEY_ID or a profile), then {again}."
        )
    if code == "Unreachable":
        return (
            "Check the network and the AWS endpoint (c.StudioAbac.endpoint_url or "
            f"AWS_ENDPOINT_URL), then {again}."
        )
    if code == "Timeout":
        return (
            f"AWS may be slow or the network congested; {again} "
            "(c.StudioAbac.read_timeout sets how long to wait)."
        )
    return f"AWS reported a problem on its side; {again}."


def _client_error(error: ClientError, service: str, operation: str, resource: str) -> AwsError:
    details = error.response.get("Error", {})
    code = str(details.get("Code", "Unknown"))
    message = str(details.get("Message", "") or error)
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    if code in ACCESS_DENIED_CODES:
        return AwsAccessDeniedError(operation, code, message, service, resource)
    if code in THROTTLING_CODES:
        return AwsUnavailableError(operation, code, message, RETRY_AFTER_THROTTLED)
    if code in EXPIRED_CODES:
        return AwsUnavailableError(operation, code, message, RETRY_AFTER_THROTTLED)
    if code in OUTAGE_CODES or status >= 500:
        return AwsUnavailableError(operation, code, message, RETRY_AFTER_TIMEOUT)
    if code in NOT_FOUND_CODES or (
        code == "ValidationException" and _NOT_FOUND_TEXT.search(message)
    ):
        return AwsNotFoundError(operation, code, message)
    if code in CONFLICT_CODES or (code == "ValidationException" and "already exists" in message):
        return AwsConflictError(operation, code, message)
    return AwsRejectedError(operation, code, message)


def classify(error: Exception, service: str, operation: str, resource: str = "*") -> AwsError:
    """Turn a botocore exception into one of the ``AwsError`` kinds above."""
    if isinstance(error, ClientError):
        return _client_error(error, service, operation, resource)
    if isinstance(error, ReadTimeoutError | ConnectTimeoutError):
        return AwsUnavailableError(
            operation, "Timeout", f"AWS did not answer in time ({error})", RETRY_AFTER_TIMEOUT
        )
    if isinstance(error, EndpointConnectionError | ConnectionClosedError):
        return AwsUnavailableError(
            operation, "Unreachable", f"AWS cannot be reached ({error})", RETRY_AFTER_UNREACHABLE
        )
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return AwsUnavailableError(
            operation,
            "NoCredentials",
            "No AWS credentials were found in the default chain (environment, profile, "
            "container or instance role).",
            RETRY_AFTER_UNREACHABLE,
        )
    if isinstance(error, BotoCoreError):
        return AwsUnavailableError(operation, type(error).__name__, str(error), RETRY_AFTER_TIMEOUT)
    raise TypeError(f"not an AWS error: {error!r}")
