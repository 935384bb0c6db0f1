"""Everything the handlers need, built once when the extension loads: configuration, AWS clients,
the shared pool, and the caller's identity and policies (cached, refreshed after a while)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from ..aws.clients import AwsClients, AwsRunner, AwsSettings
from ..aws.identity import CallerIdentity, IdentitySettings, resolve_identity
from ..aws.policy_sources import KnownPolicies, load_policies
from ..config import StudioAbac
from .errors import EvaluationTooLongError

log = logging.getLogger(__name__)
T = TypeVar("T")


class Cached(Generic[T]):
    """One value, loaded by one coroutine at a time, fresh for ``seconds``; failures not kept.

    Stale-while-revalidate: once a value exists, a stale one is answered at once while one
    background refresh runs, so a slow or frozen AWS never holds up work that only reads it.
    """

    def __init__(self, load: Callable[[], Awaitable[T]], seconds: float) -> None:
        self._load = load
        self._seconds = seconds
        self._value: T | None = None
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()
        self._refresh: asyncio.Task[None] | None = None

    def _fresh(self) -> bool:
        return time.monotonic() - self._loaded_at < self._seconds

    async def get(self) -> T:
        if self._value is not None:
            if not self._fresh() and (self._refresh is None or self._refresh.done()):
                self._refresh = asyncio.ensure_future(self._refresh_in_background())
            return self._value
        async with self._lock:
            if self._value is None:
                self._value = await self._load()
                self._loaded_at = time.monotonic()
            return self._value

    async def _refresh_in_background(self) -> None:
        try:
            value = await self._load()
        except Exception as error:  # the stale copy stays; the next get tries again
            log.info("refreshing a cached value failed, keeping the old one: %s", error)
            return
        self._value = value
        self._loaded_at = time.monotonic()


class Services:
    def __init__(self, config: StudioAbac) -> None:
        self.config = config
        self.clients = AwsClients(
            AwsSettings(
                region=config.region,
                endpoint_url=config.endpoint_url or None,
                connect_timeout=config.connect_timeout,
                read_timeout=config.read_timeout,
                max_attempts=config.max_attempts,
                max_workers=config.max_workers,
            )
        )
        self.runner = AwsRunner(self.clients)
        self.identity_settings = IdentitySettings(
            team_tag_key=config.team_tag_key,
            user_tag_key=config.user_tag_key,
            configured_team=config.team,
            configured_user_id=config.studio_user_id,
            metadata_path=config.resource_metadata_path,
            read_iam_tags=config.read_iam_tags,
            session_tags=dict(config.session_tags),
        )
        self._identity: Cached[CallerIdentity] = Cached(
            lambda: resolve_identity(self.runner, self.identity_settings),
            config.identity_cache_seconds,
        )
        self._policies: Cached[KnownPolicies] = Cached(
            self._load_policies, config.policy_cache_seconds
        )
        self._evaluations = ThreadPoolExecutor(
            max_workers=config.evaluation_workers, thread_name_prefix="studio-abac-evaluate"
        )

    @property
    def team_key(self) -> str:
        return str(self.config.team_tag_key)

    @property
    def user_key(self) -> str:
        return str(self.config.user_tag_key)

    @property
    def region(self) -> str:
        return str(self.config.region)

    async def identity(self) -> CallerIdentity:
        return await self._identity.get()

    async def policies(self) -> KnownPolicies:
        return await self._policies.get()

    async def _load_policies(self) -> KnownPolicies:
        identity = await self.identity()
        return await load_policies(
            self.runner, list(self.config.policy_sources), identity.parsed.role_name
        )

    async def evaluate(self, work: Callable[[], T]) -> T:
        """A client-supplied evaluation (its policies, patterns, context) in its own small pool,
        off the event loop and off the AWS pool, abandoned after ``evaluation_seconds``."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._evaluations, work)
        seconds = float(self.config.evaluation_seconds)
        try:
            return await asyncio.wait_for(asyncio.shield(future), seconds)
        except asyncio.TimeoutError:
            future.add_done_callback(_log_late_result)
            raise EvaluationTooLongError(seconds) from None

    def shutdown(self) -> None:
        self.runner.shutdown()
        self._evaluations.shutdown(wait=False, cancel_futures=True)


def _log_late_result(future: asyncio.Future[Any]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.info("an abandoned evaluation failed: %s", future.exception())
