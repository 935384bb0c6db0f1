"""boto3 clients made once per service and region, and the one bounded pool that runs them.

boto3 blocks; every call goes through ``AwsRunner.call`` so a slow AWS holds a pool thread, never
the Jupyter server's event loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
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
        try:
            return await self.run(partial(getattr(client, method), **params))
        except (ClientError, BotoCoreError) as error:
            log.info("AWS %s:%s failed: %s", service, operation, error)
            raise classify(error, service, operation, resource) from error

    async def run(self, work: Any) -> Any:
        """Any blocking callable in the shared pool (file reads, multi-call IAM reads)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, work)

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
