"""Tornado handlers of the REST API. Thin: parse, call a service, write JSON."""

from __future__ import annotations

import jupyter_server
import tornado.web
from jupyter_server.base.handlers import APIHandler

from . import __version__

EXTENSION_NAME = "studio-abac-ext"


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
