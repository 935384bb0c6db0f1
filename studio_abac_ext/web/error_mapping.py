"""The one place that turns any failure into the REST API's status and JSON error body.

Bodies are ``{"error": <Code>, "message": <human text>, ...details}``; our own bugs become a
500 ``InternalError`` whose message never carries a traceback. Every 403 body comes from
``app/access_denied.py``.
"""

from __future__ import annotations

import logging
from typing import Any

from ..app.access_denied import unexplained_body
from ..app.errors import UseCaseError
from ..aws.errors import (
    AwsAccessDeniedError,
    AwsConflictError,
    AwsError,
    AwsNotFoundError,
    AwsRejectedError,
    AwsUnavailableError,
)

log = logging.getLogger(__name__)


def _unavailable_message(error: AwsUnavailableError) -> str:
    """AWS's words, then the advice once (the advice already says when to try again)."""
    words = error.message.rstrip(". ")
    return f"AWS is unavailable for {error.operation} ({error.code}): {words}. {error.advice}"


def _aws_error_body(error: AwsError) -> tuple[int, dict[str, Any]]:
    if isinstance(error, AwsAccessDeniedError):
        log.error("an AWS denial reached the web layer unexplained: %s", error)
        return 403, unexplained_body(error)
    if isinstance(error, AwsUnavailableError):
        return 503, {
            "error": "AwsUnavailable",
            "message": _unavailable_message(error),
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
    if isinstance(error, UseCaseError):
        return error.status, error.body()
    if isinstance(error, AwsError):
        return _aws_error_body(error)
    log.error("studio-abac-ext internal error", exc_info=error)
    return 500, {
        "error": "InternalError",
        "message": "The studio-abac-ext server extension failed; the server log has details.",
    }
