"""boto3 clients made once per service and region, and the one bounded pool that runs them.

One client configuration (``client_config``) for every boto3 client of the package, the server's
and the command line's alike. ``call`` and ``pages`` are the blocking calls: every botocore failure
leaves them as an ``AwsError`` kind from ``classify``. boto3 blocks; in the server every call goes
through ``AwsRunner`` so a slow AWS holds a pool thread, never the Jupyter server's event loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from itertools import islice
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

    @classmethod
    def from_environment(cls) -> AwsSettings:
        """The command line's settings: region from the environment, boto3's endpoint rules
        (``AWS_ENDPOINT_URL`` honoured), the server's default timeouts."""
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        return cls(region or "us-east-1", None, 5.0, 30.0, 3, 4)


def client_config(settings: AwsSettings) -> Config:
    """The one botocore configuration: time-outs, standard retries, a pool per worker."""
    return Config(
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        retries={"mode": "standard", "max_attempts": settings.max_attempts},
        max_pool_connections=max(10, settings.max_workers),
    )


def new_client(
    service: str, region: str | None = None, session: boto3.Session | None = None
) -> Any:
    """A client for the command line (``studio-abac setup``, ``check-isolation --role``): boto3's
    default credential chain, a new session each time (boto3's module-level default session would
    keep the credentials of the first call for the life of the process)."""
    settings = AwsSettings.from_environment()
    return (session or boto3.session.Session()).client(  # type: ignore[call-overload]
        service, region_name=region or settings.region, config=client_config(settings)
    )


def _operation(client: Any, method: str) -> str:
    return str(client.meta.method_to_api_mapping.get(method, method))


def call(client: Any, method: str, resource: str = "*", **params: Any) -> Any:
    """``client.<method>(**params)``, blocking; failures raised as ``AwsError`` kinds.

    ``resource`` is the ARN the call acts on, used when AWS's denial message lacks one.
    """
    service = client.meta.service_model.service_name
    try:
        return getattr(client, method)(**params)
    except (ClientError, BotoCoreError) as error:
        log.info("AWS %s:%s failed: %s", service, _operation(client, method), error)
        raise classify(error, service, _operation(client, method), resource) from error


def pages(
    client: Any,
    method: str,
    resource: str = "*",
    max_pages: int | None = None,
    until: Callable[[list[dict[str, Any]]], bool] | None = None,
    **params: Any,
) -> list[dict[str, Any]]:
    """The pages of a listing through boto3's paginator, blocking: at most ``max_pages``, and no
    further once ``until(pages so far)`` holds; failures raised as ``AwsError`` kinds."""
    service = client.meta.service_model.service_name
    read: list[dict[str, Any]] = []
    try:
        for page in islice(client.get_paginator(method).paginate(**params), max_pages):
            read.append(page)
            if until is not None and until(read):
                break
    except (ClientError, BotoCoreError) as error:
        log.info("AWS %s:%s failed: %s", service, _operation(client, method), error)
        raise classify(error, service, _operation(client, method), resource) from error
    return read


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
        self.config = client_config(settings)
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
        self._count_call()
        return await self.run(partial(call, self.clients.get(service), method, resource, **params))

    async def pages(
        self,
        service: str,
        method: str,
        resource: str = "*",
        max_pages: int | None = None,
        until: Callable[[list[dict[str, Any]]], bool] | None = None,
        **params: Any,
    ) -> list[dict[str, Any]]:
        """``pages(...)`` of a listing in the pool (one pool thread for all its pages)."""
        self._count_call()
        client = self.clients.get(service)
        return await self.run(partial(pages, client, method, resource, max_pages, until, **params))

    @staticmethod
    def _count_call() -> None:
        waits = _current_waits.get()
        if waits is not None:
            waits.calls += 1

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
