"""boto3 clients made once per service and region, and the one bounded pool that runs them.

boto3 blocks; every call goes through ``AwsRunner.call`` so a slow AWS holds a pool thread, never
the Jupyter server's event loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .errors import classify

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AwsSettings:
    """What the clients need from the extension's configuration."""

    region: str
    endpoint_url: str | None
    connect_timeout: float
    read_timeout: float
    max_attempts: int
    max_workers: int


@dataclass
class AwsWaits:
    """What one REST request spent waiting on the pool: AWS calls and other blocking reads."""

    calls: int = 0
    seconds: float = 0.0


_current_waits: ContextVar[AwsWaits | None] = ContextVar("studio_abac_aws_waits", default=None)


@contextmanager
def recording_aws_waits() -> Iterator[AwsWaits]:
    """Adds up, for the code run inside (one request's task), the AWS calls and pool waits."""
    waits = AwsWaits()
    token = _current_waits.set(waits)
    try:
        yield waits
    finally:
        _current_waits.reset(token)


class AwsClients:
    """One boto3 session (default credential chain) and one client per service and region."""

    def __init__(self, settings: AwsSettings) -> None:
        self.settings = settings
        self.session = boto3.session.Session(region_name=settings.region)
        self.config = Config(
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            retries={"mode": "standard", "max_attempts": settings.max_attempts},
            max_pool_connections=max(10, settings.max_workers),
        )
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}

    def get(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self.settings.region)
        with self._lock:  # boto3 sessions are not thread-safe; clients are
            client = self._clients.get(key)
            if client is None:
                client = self.session.client(  # type: ignore[call-overload]
                    service,
                    region_name=key[1],
                    endpoint_url=self.settings.endpoint_url or None,
                    config=self.config,
                )
                self._clients[key] = client
            return client


class AwsRunner:
    """Runs blocking AWS work in the shared pool and classifies its failures."""

    def __init__(self, clients: AwsClients) -> None:
        self.clients = clients
        self.executor = ThreadPoolExecutor(
            max_workers=clients.settings.max_workers, thread_name_prefix="studio-abac-aws"
        )

    async def call(self, service: str, method: str, resource: str = "*", **params: Any) -> Any:
        """``client(service).<method>(**params)`` off the event loop; raises ``AwsError`` kinds.

        ``resource`` is the ARN the call acts on, used when AWS's denial message lacks one.
        """
        client = self.clients.get(service)
        operation = client.meta.method_to_api_mapping.get(method, method)
        waits = _current_waits.get()
        if waits is not None:
            waits.calls += 1
        try:
            return await self.run(partial(getattr(client, method), **params))
        except (ClientError, BotoCoreError) as error:
            log.info("AWS %s:%s failed: %s", service, operation, error)
            raise classify(error, service, operation, resource) from error

    async def run(self, work: Any) -> Any:
        """Any blocking callable in the shared pool (file reads, multi-call IAM reads)."""
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        try:
            return await loop.run_in_executor(self.executor, work)
        finally:
            waits = _current_waits.get()
            if waits is not None:
                waits.seconds += time.perf_counter() - started

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
