"""The kernel configuration the wheel installs (etc/ipython) loads the extension in kernels a
Jupyter server starts, and only there, unless turned off."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from studio_abac_ext.sandbox import Sandbox

from .notebooks import REPO, run_cells, text_of

SHIPPED = REPO / "jupyter-config" / "ipython-config" / "ipython_kernel_config.json"


@pytest.fixture
def ipython_dir(tmp_path: Path) -> Path:
    """An IPython directory whose profile holds the file the wheel installs to etc/ipython."""
    profile = tmp_path / "profile_default"
    profile.mkdir()
    shutil.copy(SHIPPED, profile / SHIPPED.name)
    return tmp_path


@pytest.mark.sandbox
@pytest.mark.parametrize(
    ("extra", "loaded"),
    [
        ({"JPY_SESSION_NAME": "/work/notebook.ipynb"}, True),
        (
            {"JPY_SESSION_NAME": "/work/notebook.ipynb", "STUDIO_ABAC_KERNEL_EXTENSION": "off"},
            False,
        ),
        ({}, False),
    ],
    ids=["server-kernel", "turned-off", "not-a-server-kernel"],
)
def test_kernel_config_loads_the_extension(
    fresh_sandbox: Sandbox, ipython_dir: Path, extra: dict[str, str], loaded: bool
) -> None:
    # Given a kernel started with the shipped kernel configuration
    (whoami,) = run_cells(
        fresh_sandbox, "usera1@studio", ["%abac whoami"], IPYTHONDIR=str(ipython_dir), **extra
    )
    # Then %abac exists exactly when a Jupyter server started the kernel and it is not off
    assert ("team: team=TeamA" in text_of(whoami)) is loaded, text_of(whoami)
