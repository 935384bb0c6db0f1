"""The URL table of the REST API, all under ``<base_url>/studio-abac-ext/``."""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join
from tornado.web import RequestHandler

from .handlers import (
    EXTENSION_NAME,
    DenialsHandler,
    ExperimentHandler,
    ExperimentPreflightHandler,
    ExperimentsHandler,
    ExplainHandler,
    HealthHandler,
    IdentityHandler,
    IsolationHandler,
    ResourcesHandler,
    SimulateHandler,
)

# Path patterns (tornado regular expressions) relative to the extension's namespace.
ROUTES: list[tuple[str, type[RequestHandler]]] = [
    (r"health", HealthHandler),
    (r"identity", IdentityHandler),
    (r"resources", ResourcesHandler),
    (r"experiments", ExperimentsHandler),
    (r"experiments/preflight", ExperimentPreflightHandler),
    (r"experiments/(?P<name>[^/]+)", ExperimentHandler),
    (r"explain", ExplainHandler),
    (r"admin/denials", DenialsHandler),
    (r"admin/simulate", SimulateHandler),
    (r"admin/isolation", IsolationHandler),
]


def setup_route_handlers(server_app: Any) -> None:
    web_app = server_app.web_app
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(
        ".*$",
        [(url_path_join(base_url, EXTENSION_NAME, path), handler) for path, handler in ROUTES],
    )
