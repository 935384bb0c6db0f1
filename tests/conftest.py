"""Shared pytest set-up: a real Jupyter server with our extension (pytest-jupyter)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from studio_abac_ext.kernel.settings import SERVER_VARIABLES

pytest_plugins = ["pytest_jupyter.jupyter_server", "tests.fixtures.sandbox"]


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    return {"ServerApp": {"jpserver_extensions": {"studio_abac_ext": True}}}


@pytest.fixture(autouse=True)
def _server_variables_restored() -> Iterator[None]:
    """A server's load exports its configured settings into os.environ for the kernels it
    starts; the next test gets the environment back as it was."""
    saved = {name: os.environ.get(name) for name in SERVER_VARIABLES.values()}
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
