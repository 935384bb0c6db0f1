"""Settings made only in the server's configuration reach the kernels the server starts: a real
Jupyter server (pytest-jupyter) with a custom ``c.StudioAbac.team_tag_key`` starts a real kernel
through its session API, and the auto-loaded kernel extension uses that key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from .notebooks import REPO

SHIPPED = REPO / "jupyter-config" / "ipython-config" / "ipython_kernel_config.json"
PROBE = (
    "from studio_abac_ext.kernel.extension import active\n"
    "identity = active().caller.settings.identity\n"
    "print(identity.team_tag_key, identity.user_tag_key, identity.read_iam_tags)"
)


@pytest.fixture
def jp_server_config(
    jp_server_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    # The kernels load the extension as the wheel's etc/ipython configuration makes them
    profile = tmp_path / "ipython" / "profile_default"
    profile.mkdir(parents=True)
    shutil.copy(SHIPPED, profile / SHIPPED.name)
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    # and nothing in the server's environment names the tag keys
    for name in ("STUDIO_ABAC_TEAM_TAG_KEY", "STUDIO_ABAC_USER_TAG_KEY"):
        monkeypatch.delenv(name, raising=False)
    studio_abac = {"team_tag_key": "costcentre", "user_tag_key": "owner", "read_iam_tags": False}
    return {**jp_server_config, "StudioAbac": studio_abac}


async def run_in_server_kernel(jp_fetch: Any, jp_serverapp: Any, code: str) -> str:
    """Start a kernel as JupyterLab does for a notebook (POST /api/sessions), run ``code``,
    return its stdout."""
    body = {"path": "probe.ipynb", "type": "notebook", "kernel": {"name": "python3"}}
    response = await jp_fetch("api", "sessions", method="POST", body=json.dumps(body))
    session = json.loads(response.body)
    kernel_id = session["kernel"]["id"]
    client = jp_serverapp.kernel_manager.get_kernel(kernel_id).client()
    client.start_channels()
    printed: list[str] = []

    def keep(message: dict[str, Any]) -> None:
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            printed.append("\n".join(message["content"]["traceback"]))

    try:
        await client.wait_for_ready(timeout=120)
        await client.execute_interactive(code, output_hook=keep, timeout=120)
    finally:
        client.stop_channels()
        await jp_fetch("api", "sessions", session["id"], method="DELETE")
    return "".join(printed)


async def test_a_tag_key_set_only_in_the_server_config_reaches_its_kernels(
    jp_fetch: Any, jp_serverapp: Any
) -> None:
    # Given a server whose configuration alone sets the tag keys and read_iam_tags
    # When it starts a kernel for a notebook
    printed = await run_in_server_kernel(jp_fetch, jp_serverapp, PROBE)
    # Then the kernel extension, loaded automatically there, resolves with the server's settings
    assert printed.split() == ["costcentre", "owner", "False"], printed
