"""The one place that turns any failure into the REST API's status and JSON error body.

Bodies are ``{"error": <Code>, "message": <human text>, ...details}``; our own bugs become a
500 ``InternalError`` whose message never carries a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from ..aws.errors import (
    AwsAccessDeniedError,
    AwsConflictError,
    AwsError,
    AwsNotFoundError,
    AwsRejectedError,
    AwsUnavailableError,
)

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A failure the client should see as is."""

    status = 500
    code = "InternalError"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.details}


class RequestValidationError(ApiError):
    status = 400
    code = "ValidationError"

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(message, field=field, rule=rule)


class NotFoundError(ApiError):
    status = 404
    code = "NotFound"


class ConflictError(ApiError):
    status = 409
    code = "Conflict"


class TeamUnknownError(ApiError):
    status = 409
    code = "TeamUnknown"


def _aws_error_body(error: AwsError) -> tuple[int, dict[str, Any]]:
    if isinstance(error, AwsAccessDeniedError):
        return 403, {
            "error": "AccessDenied",
            "message": error.message,
            "action": error.action,
            "resource": error.resource,
            "caller": error.caller or "",
            "explanation": None,
            "nextStep": "Ask an administrator which policy should allow this.",
        }
    if isinstance(error, AwsUnavailableError):
        return 503, {
            "error": "AwsUnavailable",
            "message": (
                f"AWS is unavailable for {error.operation} ({error.code}): "
                f"{error.message.rstrip('.')}. {error.advice}"
            ),
            "retryAfter": error.retry_after,
        }
    if isinstance(error, AwsNotFoundError):
        return 404, {"error": "NotFound", "message": error.message}
    if isinstance(error, AwsConflictError):
        return 409, {"error": "Conflict", "message": error.message}
    if isinstance(error, AwsRejectedError):
        return 400, {
            "error": "ValidationError",
            "message": f"AWS rejected {error.operation}: {error.message}",
            "field": "",
            "rule": error.code,
        }
    return 500, {"error": "InternalError", "message": "Unexpected AWS failure; see the log."}


def error_response(error: BaseException) -> tuple[int, dict[str, Any]]:
    """The HTTP status and JSON body for ``error``."""
    if isinstance(error, ApiError):
        return error.status, error.body()
    if isinstance(error, AwsError):
        return _aws_error_body(error)
    log.error("studio-abac-ext internal error", exc_info=error)
    return 500, {
        "error": "InternalError",
        "message": "The studio-abac-ext server extension failed; the server log has details.",
    }
