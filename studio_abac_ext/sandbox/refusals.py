"""The one error the gateway answers for a request it will not pass to moto."""

from __future__ import annotations


class ProtocolError(Exception):
    """A request the gateway cannot read, or could read otherwise than moto does: answered as
    AWS would answer it."""

    def __init__(self, code: str, message: str, status: int = 400, protocol: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.protocol = protocol
