"""The IPython side: the team's tags added to SageMaker Create* calls, the exact request of a
denial under its traceback, and the ``%abac`` magics.

May import ``policy/`` and ``aws/`` (identity, policy sources, error classification) and the
leaf ``config`` module for the server's defaults; never ``app/``, ``web/`` or ``sandbox/``.
Nothing is imported here: botocore imports ``botocore_plugin`` in any process that inherits a
kernel's environment, and that must stay cheap.
"""

from __future__ import annotations

from typing import Any


def load_ipython_extension(shell: Any) -> None:
    from .loading import load_ipython_extension as load

    load(shell)


def unload_ipython_extension(shell: Any) -> None:
    from .loading import unload_ipython_extension as unload

    unload(shell)
