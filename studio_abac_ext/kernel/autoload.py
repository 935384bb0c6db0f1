"""The extension as IPython's configuration loads it in every kernel of the environment
(``etc/ipython/ipython_kernel_config.json``): active only in kernels a Jupyter server started,
unless ``STUDIO_ABAC_KERNEL_EXTENSION=off``. ``%load_ext studio_abac_ext`` loads it anywhere."""

from __future__ import annotations

from typing import Any

from .loading import autoload_wanted
from .loading import load_ipython_extension as _load
from .loading import unload_ipython_extension as unload_ipython_extension


def load_ipython_extension(shell: Any) -> None:
    if autoload_wanted():
        _load(shell)
