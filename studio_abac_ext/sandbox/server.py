"""The Sandbox: moto in-process behind the IAM-enforcing gateway, on one loopback port."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from studio_abac_ext.scenario import Scenario

from .athena_api import AthenaApi
from .audit import AuditLog
from .authorization import Authorizer
from .environment import environment_for
from .federation import IdpRoutes
from .gateway import Gateway
from .identity import IdentityDirectory, role_tags
from .sagemaker_routes import SageMakerRoutes
from .saml_idp import IDP_PATH, SamlIdentityProvider
from .seeding import seed
from .studio_store import StudioStore
from .trail_files import TrailFiles

log = logging.getLogger(__name__)
# moto keeps its state in process-wide backends: two sandboxes in one process would share it.
_running_lock = threading.Lock()
_running: list[Sandbox] = []


class SandboxSession(boto3.Session):
    """A boto3 Session whose clients and resources talk to the sandbox endpoint."""

    def __init__(self, endpoint: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sandbox_endpoint = endpoint

    def client(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("endpoint_url", self.sandbox_endpoint)
        return super().client(*args, **kwargs)

    def resource(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("endpoint_url", self.sandbox_endpoint)
        return super().resource(*args, **kwargs)


def keep_alive_handler(base: type[WSGIRequestHandler]) -> type[WSGIRequestHandler]:
    """Keep-alive connections (clients reuse them) and no access log line per request."""

    class QuietHandler(base):  # type: ignore[valid-type,misc]
        protocol_version = "HTTP/1.1"

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            log.debug("%s %s -> %s", self.command, self.path, code)

    return QuietHandler


class Sandbox:
    """A local AWS seeded from a scenario. One per process (moto's state is process-wide)."""

    def __init__(
        self,
        scenario: Scenario,
        host: str = "127.0.0.1",
        port: int = 5000,
        audit_log: str | Path | None = None,
        trail_dir: str | Path | None = None,
    ) -> None:
        self.scenario = scenario
        self.host = host
        self.requested_port = port
        self.audit = AuditLog(audit_log)
        self.store = StudioStore(scenario.account_id, scenario.region)
        self.identities = IdentityDirectory(scenario)
        # The SAML IdP's key pair is made here, once per sandbox, never stored.
        self.idp = SamlIdentityProvider()
        # The organisation trail's bucket (a directory) and Athena over it, if the scenario has one.
        self.trail_files: TrailFiles | None = None
        self.athena: AthenaApi | None = None
        self._made_trail_dir: str | None = None
        if scenario.organization_trail is not None:
            if trail_dir is None:
                self._made_trail_dir = tempfile.mkdtemp(prefix="studio-abac-trail-")
            root = trail_dir or self._made_trail_dir
            assert root is not None
            self.trail_files = TrailFiles(root, scenario.organization_trail, scenario.account_id)
            self.audit.listeners.append(self.trail_files.on_audit_entry)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the sandbox is not started")
        return int(self._server.server_address[1])

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        """Seed the scenario and serve; returns once the port accepts connections."""
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )

        with _running_lock:
            if _running:
                raise RuntimeError(
                    f"a sandbox already runs in this process at {_running[0].endpoint}; "
                    "moto's state is process-wide, so share that one (the `sandbox` fixture)"
                )
            _running.append(self)
        try:
            gateway = Gateway(
                DomainDispatcherApplication(create_backend_app),
                self.identities,
                Authorizer(self.resource_tags),
                self.audit,
                SageMakerRoutes(self.store, Authorizer(self.resource_tags), self.audit),
                IdpRoutes(self.scenario, self.idp),
            )
            if self.trail_files is not None and self.scenario.organization_trail is not None:
                self.athena = AthenaApi(
                    self.scenario.organization_trail,
                    self.trail_files,
                    Authorizer(self.resource_tags),
                    self.audit,
                    self.scenario.account_id,
                )
                gateway.athena = self.athena
            self.reset()
            self._server = make_server(
                self.host,
                self.requested_port,
                gateway,
                threaded=True,
                request_handler=keep_alive_handler(MotoRequestHandler),
            )
        except BaseException:
            with _running_lock:
                _running.remove(self)
            raise
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="studio-abac-sandbox", daemon=True
        )
        self._thread.start()
        log.info("sandbox listening on %s", self.endpoint)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._made_trail_dir is not None:
            shutil.rmtree(self._made_trail_dir, ignore_errors=True)
            self._made_trail_dir = None
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None
        with _running_lock:
            if self in _running:
                _running.remove(self)

    def reset(self) -> None:
        """Back to the freshly seeded scenario: moto state, fills, sessions and audit events."""
        from moto.moto_api._internal.models import moto_api_backend

        with self.store.lock:
            moto_api_backend.reset()
            self.store.reset()
            self.identities.reset()
            self.audit.clear()
            if self.trail_files is not None:
                self.trail_files.clear()
            if self.athena is not None:
                self.athena.reset()
            sso_url = f"http://{self.host}:{self.requested_port}{IDP_PATH}sso"
            seed(self.scenario, self.store, self.idp.metadata_xml(sso_url))

    def env_for(self, principal: str) -> dict[str, str]:
        """What `studio-abac sandbox env PRINCIPAL` prints (ValueError if unknown)."""
        return environment_for(self.scenario, principal, self.endpoint, self.port)

    def process_env_for(self, principal: str) -> dict[str, str]:
        """The environment of a process (a kernel, the aws CLI) acting as ``principal``: the
        host's, less its own AWS, SageMaker and Jupyter settings, plus what ``env_for`` gives."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("AWS_", "STUDIO_ABAC_", "SAGEMAKER_", "JPY_", "BOTOCORE_"))
        }
        env.update(self.env_for(principal))
        return env

    def session_for(self, principal: str) -> SandboxSession:
        env = self.env_for(principal)
        return SandboxSession(
            self.endpoint,
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=env.get("AWS_SESSION_TOKEN"),
            region_name=self.scenario.region,
        )

    def resource_tags(self, arn: str) -> dict[str, str]:
        """Tags of any resource the gateway decides on: SageMaker from the fills, IAM from moto."""
        if ":iam::" in arn:
            kind, _, name = arn.split(":", 5)[-1].partition("/")
            iam = self.identities.iam
            if kind == "role":
                role = next((r for r in iam.roles.values() if r.name == name), None)
                return {t["Key"]: t["Value"] for t in role_tags(role)} if role else {}
            if kind == "user" and name in iam.users:
                return {t["Key"]: t["Value"] for t in iam.list_user_tags(name)}
            return {}
        return self.store.resource_tags(arn)

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
