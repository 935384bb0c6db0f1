"""Jupyter server configuration for the Galata integration tests."""

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 - `c` is injected by Jupyter's config loader

c.ServerApp.allow_root = True  # noqa: F821 - CI and developer machines run as root
c.ServerApp.port_retries = 0  # noqa: F821
