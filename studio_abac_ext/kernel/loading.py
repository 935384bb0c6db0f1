"""Loading and unloading the kernel extension: its state (``extension``) and its magics."""

from __future__ import annotations

import os
from typing import Any

from .extension import KernelExtension, active, set_active
from .magics import AbacMagics
from .settings import AUTOLOAD_VARIABLE, KernelSettings, switched_off


def load_ipython_extension(shell: Any) -> None:
    if active() is not None:
        return
    extension = KernelExtension(shell, KernelSettings.from_environment())
    extension.load()
    shell.register_magics(AbacMagics(shell, extension))
    set_active(extension)


def unload_ipython_extension(shell: Any) -> None:
    extension = active()
    if extension is not None:
        extension.unload()
        set_active(None)


def autoload_wanted(env: dict[str, str] | None = None) -> bool:
    """Auto-load in kernels a Jupyter server started for a notebook or console, unless off."""
    env = dict(os.environ) if env is None else env
    return "JPY_SESSION_NAME" in env and not switched_off(env.get(AUTOLOAD_VARIABLE))
