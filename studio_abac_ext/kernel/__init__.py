"""The IPython side: the team's tags added to SageMaker Create* calls, the exact request of a
denial under its traceback, and the ``%abac`` magics.

May import ``policy/`` and ``aws/`` (identity, policy sources, error classification) and the
leaf ``config`` module for the server's defaults; never ``app/``, ``web/`` or ``sandbox/``.
"""

from __future__ import annotations

from .extension import load_ipython_extension, unload_ipython_extension

__all__ = ["load_ipython_extension", "unload_ipython_extension"]
