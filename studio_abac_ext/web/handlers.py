"""Tornado handlers of the REST API. Thin: parse, call a service, write JSON."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable
from typing import Any

import jupyter_server
import tornado.web
from jupyter_server.base.handlers import APIHandler

from .. import __version__
from ..app import admin, experiments, team_resources, whatif
from ..app.errors import error_response
from ..app.services import Services
from ..aws.clients import AwsWaits, recording_aws_waits
from ..aws.errors import AwsAccessDeniedError
from .request_models import (
    DenialsQuery,
    ExperimentChange,
    ExperimentInput,
    ExplainInput,
    ResourcesQuery,
    SimulateInput,
    parse_json_object,
)

EXTENSION_NAME = "studio-abac-ext"
SERVICES_KEY = "studio_abac_services"
log = logging.getLogger(__name__)


class HealthHandler(APIHandler):
    """Lets the frontend check that the server extension is present and the same version."""

    @tornado.web.authenticated
    def get(self) -> None:
        self.finish(
            {
                "name": EXTENSION_NAME,
                "version": __version__,
                "serverVersion": jupyter_server.__version__,
            }
        )


def server_timing(waits: AwsWaits, total_seconds: float) -> str:
    """A Server-Timing header: time waiting on AWS, the extension's own time, and the total, so
    browser dev tools and benchmarks can tell a slow AWS from a slow extension."""
    aws_ms = waits.seconds * 1000
    total_ms = total_seconds * 1000
    calls = f"{waits.calls} AWS call" + ("" if waits.calls == 1 else "s")
    return (
        f'aws;dur={aws_ms:.1f};desc="{calls}", '
        f"app;dur={max(total_ms - aws_ms, 0.0):.1f}, total;dur={total_ms:.1f}"
    )


class StudioAbacHandler(APIHandler):
    """Runs one service call and writes its result, or the one error mapping's answer."""

    @property
    def services(self) -> Services:
        services: Services = self.settings[SERVICES_KEY]
        return services

    def json_body(self) -> dict[str, Any]:
        return parse_json_object(self.request.body)

    def query_args(self) -> dict[str, str | None]:
        return {name: self.get_query_argument(name, None) for name in self.request.arguments}

    async def respond(self, work: Awaitable[Any], status: int = 200) -> None:
        started = time.perf_counter()
        with recording_aws_waits() as waits:
            try:
                payload = await work
            except AwsAccessDeniedError as denied:
                status, payload = 403, await self._explained(denied)
            except Exception as error:
                status, payload = error_response(error)
                if "retryAfter" in payload:
                    self.set_header("Retry-After", str(payload["retryAfter"]))
        self.set_header("Server-Timing", server_timing(waits, time.perf_counter() - started))
        self.set_status(status)
        if status == 204:
            self.finish()
        else:
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(payload))

    async def _explained(self, denied: AwsAccessDeniedError) -> dict[str, Any]:
        try:
            return await self.services.explain_denial(denied)
        except Exception:  # the denial itself must still reach the user
            log.exception("explaining an AWS AccessDenied failed")
            return error_response(denied)[1]

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Tornado's own errors (405, bad arguments) in our JSON shape, never a traceback."""
        self.set_header("Content-Type", "application/json")
        reason = self._reason or "Error"
        code = {400: "ValidationError", 403: "AccessDenied", 404: "NotFound"}.get(
            status_code, "InternalError" if status_code >= 500 else "Error"
        )
        self.finish(json.dumps({"error": code, "message": reason}))


class IdentityHandler(StudioAbacHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        await self.respond(self._identity())

    async def _identity(self) -> dict[str, Any]:
        identity = await self.services.identity()
        policies = await self.services.policies()
        return {
            **identity.to_dict(),
            "tagKeys": {"team": self.services.team_key, "user": self.services.user_key},
            "policies": policies.to_dict(),
        }


class ResourcesHandler(StudioAbacHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        await self.respond(self._list())

    async def _list(self) -> dict[str, Any]:
        query = ResourcesQuery.from_args(
            self.query_args(), list(self.services.config.resource_types)
        )
        return await team_resources.list_resources(self.services, query)


class ExperimentsHandler(StudioAbacHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        await self.respond(self._create(), status=201)

    async def _create(self) -> dict[str, Any]:
        return await experiments.create(self.services, ExperimentInput.from_json(self.json_body()))


class ExperimentPreflightHandler(StudioAbacHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        await self.respond(self._preflight())

    async def _preflight(self) -> dict[str, Any]:
        body = ExperimentInput.from_json(self.json_body())
        return await experiments.preflight(self.services, body)


class ExperimentHandler(StudioAbacHandler):
    @tornado.web.authenticated
    async def delete(self, name: str) -> None:
        await self.respond(experiments.delete(self.services, name), status=204)

    @tornado.web.authenticated
    async def patch(self, name: str) -> None:
        await self.respond(self._update(name))

    async def _update(self, name: str) -> dict[str, Any]:
        change = ExperimentChange.from_json(self.json_body())
        return await experiments.update(self.services, name, change)


class ExplainHandler(StudioAbacHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        await self.respond(self._explain())

    async def _explain(self) -> dict[str, Any]:
        return await whatif.explain(self.services, ExplainInput.from_json(self.json_body()))


class DenialsHandler(StudioAbacHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        await self.respond(self._denials())

    async def _denials(self) -> dict[str, Any]:
        return await admin.denials(self.services, DenialsQuery.from_args(self.query_args()))


class SimulateHandler(StudioAbacHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        await self.respond(self._simulate())

    async def _simulate(self) -> dict[str, Any]:
        return await admin.simulate(self.services, SimulateInput.from_json(self.json_body()))


class IsolationHandler(StudioAbacHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        await self.respond(admin.isolation(self.services, self.get_query_argument("role", None)))
