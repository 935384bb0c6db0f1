"""AWS failures sorted into what the REST API answers: denied, missing, conflict, unavailable.

``classify`` is the only place that reads botocore's error codes.
"""

from __future__ import annotations

import re

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from .denial_messages import DenialMessage, is_denial_code, parse_denial

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
EXPIRED_CODES = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
# The credentials were refused: a wrong secret key, an unknown key id, a revoked or foreign token.
REFUSED_CREDENTIALS_CODES = {
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "InvalidToken",
    "AuthFailure",
}
NOT_FOUND_CODES = {
    "ResourceNotFound",
    "ResourceNotFoundException",
    "NoSuchEntity",
    "NoSuchKey",
    "NoSuchBucket",
    "EntityNotFoundException",  # Glue
}
CONFLICT_CODES = {"ResourceInUse", "ConflictException", "EntityAlreadyExists"}
_NOT_FOUND_TEXT = re.compile(r"does not exist|could not find|not found", re.IGNORECASE)

RETRY_AFTER_THROTTLED = 5
RETRY_AFTER_TIMEOUT = 10
RETRY_AFTER_UNREACHABLE = 30


class AwsError(Exception):
    """An AWS call that failed, with the operation and AWS's own code and message; ``action`` is
    the IAM action (``iam:GetRole``) when the service is known."""

    def __init__(self, operation: str, code: str, message: str, service: str = "") -> None:
        self.action = f"{service}:{operation}" if service else operation
        super().__init__(f"{self.action} failed: {code}: {message}")
        self.operation = operation
        self.service = service
        self.code = code
        self.message = message


class AwsAccessDeniedError(AwsError):
    """AWS refused the caller: who, which action on which resource, explicit deny or not."""

    def __init__(
        self, operation: str, code: str, message: str, service: str, fallback_resource: str = "*"
    ) -> None:
        super().__init__(operation, code, message, service)
        parsed = parse_denial(message)
        self.denial: DenialMessage | None = parsed
        self.caller: str | None = parsed.principal if parsed else None
        self.action = (parsed.action if parsed else None) or f"{service}:{operation}"
        self.resource = (parsed.resource if parsed else None) or fallback_resource
        self.explicit = parsed.explicit if parsed else "explicit deny" in message.lower()


class AwsNotFoundError(AwsError):
    """The named resource does not exist (or the caller cannot see it)."""


class AwsConflictError(AwsError):
    """The resource exists already or is in use."""


class AwsRejectedError(AwsError):
    """AWS refused the input (a validation error we did not catch first)."""


class AwsUnavailableError(AwsError):
    """Throttled, timed out, unreachable, or no usable credentials: retry later, after doing
    what ``advice`` says."""

    def __init__(
        self, operation: str, code: str, message: str, retry_after: int, service: str = ""
    ) -> None:
        super().__init__(operation, code, message, service)
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
    if code in REFUSED_CREDENTIALS_CODES:
        return (
            "AWS refused the Jupyter server's credentials (a wrong secret key, an unknown or "
            "deactivated access key, or a token for another account or region): give it valid "
            f"credentials (in Studio, restart the JupyterLab app), then {again}."
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
    if is_denial_code(code):
        return AwsAccessDeniedError(operation, code, message, service, resource)
    if code in THROTTLING_CODES:
        return AwsUnavailableError(operation, code, message, RETRY_AFTER_THROTTLED, service)
    if code in EXPIRED_CODES:
        return AwsUnavailableError(operation, code, message, RETRY_AFTER_THROTTLED, service)
    if code in REFUSED_CREDENTIALS_CODES:
        return AwsUnavailableError(operation, code, message, RETRY_AFTER_UNREACHABLE, service)
    if code in OUTAGE_CODES or status >= 500:
        return AwsUnavailableError(operation, code, message, RETRY_AFTER_TIMEOUT, service)
    if code in NOT_FOUND_CODES or (
        code == "ValidationException" and _NOT_FOUND_TEXT.search(message)
    ):
        return AwsNotFoundError(operation, code, message, service)
    if code in CONFLICT_CODES or (code == "ValidationException" and "already exists" in message):
        return AwsConflictError(operation, code, message, service)
    return AwsRejectedError(operation, code, message, service)


def classify(error: Exception, service: str, operation: str, resource: str = "*") -> AwsError:
    """Turn a botocore exception into one of the ``AwsError`` kinds above."""
    if isinstance(error, ClientError):
        return _client_error(error, service, operation, resource)
    if isinstance(error, ParamValidationError):  # botocore refused the input before sending it
        return AwsRejectedError(operation, "ParamValidationError", str(error), service)
    if isinstance(error, ReadTimeoutError | ConnectTimeoutError):
        return AwsUnavailableError(
            operation,
            "Timeout",
            f"AWS did not answer in time ({error})",
            RETRY_AFTER_TIMEOUT,
            service,
        )
    if isinstance(error, EndpointConnectionError | ConnectionClosedError):
        return AwsUnavailableError(
            operation,
            "Unreachable",
            f"AWS cannot be reached ({error})",
            RETRY_AFTER_UNREACHABLE,
            service,
        )
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return AwsUnavailableError(
            operation,
            "NoCredentials",
            "No AWS credentials were found in the default chain (environment, profile, "
            "container or instance role).",
            RETRY_AFTER_UNREACHABLE,
            service,
        )
    if isinstance(error, BotoCoreError):
        return AwsUnavailableError(
            operation, type(error).__name__, str(error), RETRY_AFTER_TIMEOUT, service
        )
    raise TypeError(f"not an AWS error: {error!r}")
