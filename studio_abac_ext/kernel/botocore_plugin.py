"""botocore's client plugin entry point (``BOTOCORE_EXPERIMENTAL__PLUGINS``): attach the kernel
extension's handlers to each new client. botocore calls it; nothing else should."""

from __future__ import annotations

from typing import Any


def initialize_client_plugin(client: Any) -> None:
    from .extension import active

    extension = active()
    if extension is not None:
        extension.attach_client(client)
