"""A local AWS for demos, development and tests: moto behind a gateway that enforces IAM.

Nothing in the extension imports this package; only the CLI, tests and benchmarks do.
"""

from __future__ import annotations

from .environment import UnknownPrincipalError
from .server import Sandbox, SandboxSession

__all__ = ["Sandbox", "SandboxSession", "UnknownPrincipalError"]
