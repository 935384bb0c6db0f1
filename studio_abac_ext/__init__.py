"""studio-abac-ext: SageMaker Studio team isolation (ABAC), explained inside JupyterLab."""

from __future__ import annotations

from typing import Any

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - only outside an installed checkout
    import warnings

    warnings.warn(
        "Importing 'studio_abac_ext' outside a proper installation; run `make setup`.",
        stacklevel=2,
    )
    __version__ = "dev"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "studio-abac-ext"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "studio_abac_ext"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    """Build the configuration and services once, then register the REST handlers."""
    import os

    from .app.services import Services
    from .config import StudioAbac
    from .kernel.settings import kernel_environment
    from .web.handlers import SERVICES_KEY
    from .web.routes import setup_route_handlers

    config = StudioAbac(config=server_app.config, parent=server_app)
    server_app.web_app.settings[SERVICES_KEY] = Services(config)
    # Kernels cannot read traitlets: the settings this configuration sets reach the kernels
    # this server starts (which inherit its environment) as the variables they read.
    configured = server_app.config["StudioAbac"].keys()
    os.environ.update(kernel_environment(config, configured))
    setup_route_handlers(server_app)
    server_app.log.info("Registered studio_abac_ext server extension %s", __version__)


def load_ipython_extension(shell: Any) -> None:
    """``%load_ext studio_abac_ext``: auto-tagging, denial outputs and ``%abac`` in a kernel."""
    from .kernel import load_ipython_extension as load

    load(shell)


def unload_ipython_extension(shell: Any) -> None:
    from .kernel import unload_ipython_extension as unload

    unload(shell)
