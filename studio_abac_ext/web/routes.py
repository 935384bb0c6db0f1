"""The URL table of the REST API, all under ``<base_url>/studio-abac-ext/``."""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join
from tornado.web import RequestHandler

from .handlers import ENDPOINTS, EXTENSION_NAME, HealthHandler, handler_for


def _pattern(route: str) -> str:
    return route.replace("{name}", "(?P<name>[^/]+)")


# Path patterns (tornado regular expressions) relative to the extension's namespace; the fixed
# ``experiments/preflight`` comes before ``experiments/{name}``.
ROUTES: list[tuple[str, type[RequestHandler]]] = [
    (r"health", HealthHandler),
    *((_pattern(route), handler_for(route)) for route in ENDPOINTS),
]


def setup_route_handlers(server_app: Any) -> None:
    web_app = server_app.web_app
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(
        ".*$",
        [(url_path_join(base_url, EXTENSION_NAME, path), handler) for path, handler in ROUTES],
    )
