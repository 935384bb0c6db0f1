"""Tornado handlers of the REST API. Thin: parse into a request model, await one use case, write
JSON; failures go through ``error_mapping.error_response``.

Routes that differ only by model and use case are rows of ``ENDPOINTS``: a ``UseCaseHandler``
runs the row of its route for the verb asked.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import jupyter_server
import tornado.web
from jupyter_server.base.handlers import APIHandler

from .. import __version__
from ..app import admin, experiments, message_denial, team_resources, whatif
from ..app.access_denied import refused_body
from ..app.services import Services
from ..aws.clients import AwsWaits, recording_aws_waits
from . import request_models as models
from .error_mapping import error_response

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


@dataclass(frozen=True)
class HttpInput:
    """What a use case may read of the HTTP request: services, path name, query, JSON body."""

    services: Services
    name: str | None
    args: Callable[[], dict[str, str]]
    body: Callable[[], dict[str, Any]]


UseCase = Callable[[HttpInput], Awaitable[Any]]


@dataclass(frozen=True)
class Endpoint:
    """One verb of one route: the use case (parsing included) and the status of success."""

    run: UseCase
    status: int = 200


def _resource_types(request: HttpInput) -> list[str]:
    return list(request.services.config.resource_types)


async def _identity(request: HttpInput) -> dict[str, Any]:
    services = request.services
    identity = await services.identity()
    policies = await services.policies()
    return {
        **identity.to_dict(),
        "tagKeys": {"team": services.team_key, "user": services.user_key},
        "policies": policies.to_dict(),
    }


def _name(request: HttpInput) -> str:
    return models.validate_entity_name(request.name, "name")


ENDPOINTS: dict[str, dict[str, Endpoint]] = {
    "identity": {"GET": Endpoint(_identity)},
    "resources": {
        "GET": Endpoint(
            lambda r: team_resources.list_resources(
                r.services, models.resources_query(r.args(), _resource_types(r))
            )
        )
    },
    "experiments": {
        "POST": Endpoint(
            lambda r: experiments.create(r.services, models.experiment_input(r.body())), 201
        )
    },
    "experiments/preflight": {
        "POST": Endpoint(
            lambda r: experiments.preflight(r.services, models.experiment_input(r.body()))
        ),
        # An experiment may be called "preflight": changing and deleting it still work.
        "PATCH": Endpoint(
            lambda r: experiments.update(
                r.services, "preflight", models.experiment_change(r.body())
            )
        ),
        "DELETE": Endpoint(lambda r: experiments.delete(r.services, "preflight"), 204),
    },
    "experiments/{name}": {
        "PATCH": Endpoint(
            lambda r: experiments.update(r.services, _name(r), models.experiment_change(r.body()))
        ),
        "DELETE": Endpoint(lambda r: experiments.delete(r.services, _name(r)), 204),
    },
    "explain": {
        "POST": Endpoint(lambda r: whatif.explain(r.services, models.explain_input(r.body())))
    },
    "explain-denial": {
        "POST": Endpoint(
            lambda r: message_denial.explain_message(
                r.services, models.denial_message_input(r.body())
            )
        )
    },
    "admin/denials": {
        "GET": Endpoint(lambda r: admin.denials(r.services, models.denials_query(r.args())))
    },
    "admin/denials/queries/{name}": {
        "GET": Endpoint(lambda r: admin.denials_query(r.services, models.athena_query_id(r.name))),
        "DELETE": Endpoint(
            lambda r: admin.cancel_denials_query(r.services, models.athena_query_id(r.name))
        ),
    },
    "admin/simulate": {
        "POST": Endpoint(lambda r: admin.simulate(r.services, models.simulate_input(r.body())))
    },
    "admin/isolation": {
        "GET": Endpoint(lambda r: admin.isolation(r.services, models.isolation_role(r.args())))
    },
}


class UseCaseHandler(APIHandler):
    """Runs the endpoint of its route for the verb asked and writes its result, or the one error
    mapping's answer. ``route`` is set per route by ``routes.py``."""

    route = ""

    @property
    def services(self) -> Services:
        services: Services = self.settings[SERVICES_KEY]
        return services

    async def _run(self, name: str | None = None) -> None:
        endpoint = ENDPOINTS[self.route][self.request.method or ""]
        request = HttpInput(
            self.services,
            name,
            lambda: models.query_arguments(self.request.arguments),
            lambda: models.parse_json_object(self.request.body),
        )
        started = time.perf_counter()
        status = endpoint.status
        with recording_aws_waits() as waits:
            try:
                payload = await endpoint.run(request)
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

    @tornado.web.authenticated
    async def _verb(self, name: str | None = None) -> None:
        """Every verb of a route (``handler_for`` binds it under the verbs' names)."""
        await self._run(name)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Tornado's own errors (405, bad arguments) in our JSON shape, never a traceback."""
        self.set_header("Content-Type", "application/json")
        reason = self._reason or "Error"
        if status_code == 403:
            self.finish(json.dumps(refused_body(reason)))
            return
        code = {400: "ValidationError", 404: "NotFound"}.get(
            status_code, "InternalError" if status_code >= 500 else "Error"
        )
        self.finish(json.dumps({"error": code, "message": reason}))


def handler_for(route: str) -> type[UseCaseHandler]:
    """A ``UseCaseHandler`` subclass bound to ``route`` (a key of ``ENDPOINTS``)."""
    name = "".join(part.capitalize() for part in route.replace("{name}", "one").split("/"))
    verbs = {verb.lower(): UseCaseHandler._verb for verb in ENDPOINTS[route]}
    return type(f"{name}Handler", (UseCaseHandler,), {"route": route, **verbs})
