"""The kernel's caller: identity and policies resolved once, with the server's own rules.

``aws/identity.py`` and ``aws/policy_sources.py`` are asynchronous; a kernel runs cells inside
its own event loop, so they run to completion on a helper thread with their own loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ..aws.clients import AwsClients, AwsRunner, AwsSettings
from ..aws.errors import AwsError
from ..aws.identity import CallerIdentity, resolve_identity
from ..aws.policy_sources import KnownPolicies, load_policies
from .settings import KernelSettings

T = TypeVar("T")


def run_async(work: Callable[[AwsRunner], Awaitable[T]]) -> T:
    """``work(runner)`` to completion on a thread of its own (the kernel's loop is busy)."""

    def in_thread() -> T:
        runner = AwsRunner(AwsClients(AwsSettings.from_environment()))
        try:
            return asyncio.run(work(runner))  # type: ignore[arg-type]
        finally:
            runner.shutdown()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="studio-abac-kernel") as pool:
        return pool.submit(in_thread).result()


class KernelCaller:
    """Who runs this kernel; asked of AWS at first need, then kept for the kernel's life."""

    def __init__(self, settings: KernelSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._identity: CallerIdentity | None = None
        self._failure: str | None = None
        self._policies: KnownPolicies | None = None

    def identity(self) -> CallerIdentity | None:
        """The caller, or None when AWS could not say (``failure`` tells why)."""
        with self._lock:
            if self._identity is None and self._failure is None:
                try:
                    self._identity = run_async(
                        lambda runner: resolve_identity(runner, self.settings.identity)
                    )
                except AwsError as error:
                    self._failure = f"{error.action}: {error.code}: {error.message}"
            return self._identity

    @property
    def failure(self) -> str | None:
        return self._failure

    def policies(self) -> KnownPolicies:
        identity = self.identity()
        with self._lock:
            if self._policies is None:
                role = identity.parsed.role_name if identity else None
                sources = list(self.settings.policy_sources)
                self._policies = run_async(lambda runner: load_policies(runner, sources, role))
            return self._policies

    def tags_to_add(self) -> dict[str, str]:
        """The team and user tags the caller's creations carry, where they are known."""
        identity = self.identity()
        if identity is None:
            return {}
        wanted: dict[str, str] = {}
        keys = self.settings.identity
        if identity.team.value:
            wanted[keys.team_tag_key] = identity.team.value
        if identity.studio_user_id.value:
            wanted[keys.user_tag_key] = identity.studio_user_id.value
        return wanted

    def resource_tags(self, arn: str) -> dict[str, str] | None:
        """Live tags of a SageMaker resource (None when they cannot be read)."""
        if ":sagemaker:" not in arn:
            return None

        async def read(runner: AwsRunner) -> Any:
            return await runner.call("sagemaker", "list_tags", resource=arn, ResourceArn=arn)

        try:
            reply = run_async(read)
        except AwsError:
            return None
        return {str(t["Key"]): str(t.get("Value", "")) for t in reply.get("Tags", [])}
