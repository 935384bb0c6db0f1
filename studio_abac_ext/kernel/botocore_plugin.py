"""botocore's client plugin entry point (``BOTOCORE_EXPERIMENTAL__PLUGINS``): attach the kernel
extension's handlers to each new client. botocore calls it, in the kernel and in any process
that inherited the kernel's environment (a `!aws ...` cell), where it does nothing."""

from __future__ import annotations

import sys
from typing import Any


def initialize_client_plugin(client: Any) -> None:
    extension_module = sys.modules.get("studio_abac_ext.kernel.extension")
    if extension_module is None:  # not a kernel with the extension: import nothing
        return
    extension = extension_module.active()
    if extension is not None:
        extension.attach_client(client)
