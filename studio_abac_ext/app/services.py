"""Everything the handlers need, built once when the extension loads: configuration, AWS clients,
the shared pool, and the caller's identity and policies (cached, refreshed after a while)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from ..aws.clients import AwsClients, AwsRunner, AwsSettings
from ..aws.errors import AwsAccessDeniedError, AwsError, AwsNotFoundError
from ..aws.identity import CallerIdentity, IdentitySettings, resolve_identity
from ..aws.policy_sources import KnownPolicies, load_policies
from ..aws.resources import resource_tags
from ..config import StudioAbac
from .access_denied import denial_body

log = logging.getLogger(__name__)
T = TypeVar("T")


class Cached(Generic[T]):
    """One value, loaded by one coroutine at a time, reused for ``seconds``; failures not kept."""

    def __init__(self, load: Callable[[], Awaitable[T]], seconds: float) -> None:
        self._load = load
        self._seconds = seconds
        self._value: T | None = None
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self) -> T:
        async with self._lock:
            fresh = time.monotonic() - self._loaded_at < self._seconds
            if self._value is None or not fresh:
                self._value = await self._load()
                self._loaded_at = time.monotonic()
            return self._value


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
        )
        self._identity: Cached[CallerIdentity] = Cached(
            lambda: resolve_identity(self.runner, self.identity_settings),
            config.identity_cache_seconds,
        )
        self._policies: Cached[KnownPolicies] = Cached(
            self._load_policies, config.policy_cache_seconds
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

    async def explain_denial(self, denied: AwsAccessDeniedError) -> dict[str, Any]:
        """The 403 body for an AWS denial, explained as far as what can be read allows."""
        identity: CallerIdentity | None
        try:
            identity = await self.identity()
            policies = await self.policies()
        except AwsError as error:
            identity = None
            policies = KnownPolicies(None, None, f"AWS failed while reading them ({error.code})")
        tags = denied.resource_tags
        missing = False
        if tags is None and denied.resource.startswith("arn:aws:sagemaker:"):
            try:
                tags = await resource_tags(self.runner, denied.resource)
            except AwsNotFoundError:
                missing = True
            except AwsError as error:
                log.info("no tags for %s to explain a denial: %s", denied.resource, error.code)
        return denial_body(denied, identity, policies, tags, self.team_key, missing)

    def shutdown(self) -> None:
        self.runner.shutdown()
