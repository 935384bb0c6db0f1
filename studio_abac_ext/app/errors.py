"""The failures a use case raises for the client to see as they are; ``web/error_mapping.py``
turns them (and ``aws/`` failures) into statuses and JSON bodies.

Bodies are ``{"error": <Code>, "message": <human text>, ...details}``.
"""

from __future__ import annotations

from typing import Any


class UseCaseError(Exception):
    """A failure the client should see as is: ``status``, ``code`` and details."""

    status = 500
    code = "InternalError"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.details}


class RequestValidationError(UseCaseError):
    status = 400
    code = "ValidationError"

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(message, field=field, rule=rule)


class NotFoundError(UseCaseError):
    status = 404
    code = "NotFound"


class ConflictError(UseCaseError):
    status = 409
    code = "Conflict"


class TeamUnknownError(UseCaseError):
    status = 409
    code = "TeamUnknown"


class ExplainedDenialError(UseCaseError):
    """AWS denied the use case; ``app/access_denied.py`` built the finished 403 body."""

    status = 403
    code = "AccessDenied"

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(str(body.get("message", "")))
        self._body = body

    def body(self) -> dict[str, Any]:
        return dict(self._body)


class EvaluationTooLongError(UseCaseError):
    """A client-supplied evaluation ran past its deadline and was abandoned."""

    status = 503
    code = "EvaluationTooLong"

    def __init__(self, seconds: float, retry_after: int = 1) -> None:
        super().__init__(
            f"The evaluation took longer than the limit of {seconds:g} seconds "
            "(c.StudioAbac.evaluation_seconds) and was abandoned: send fewer or simpler "
            "policies, patterns or context values.",
            limit="evaluation_seconds",
            seconds=seconds,
            retryAfter=retry_after,
        )
