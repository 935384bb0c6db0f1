"""Run cells in a real IPython kernel (nbclient) as a sandbox principal's Studio notebook would."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from studio_abac_ext.sandbox import Sandbox

DENIAL_MIME = "application/vnd.studio-abac.denial+json"
REPO = Path(__file__).resolve().parents[2]
# Full form (every SDK workflow, more kernels): STUDIO_ABAC_KERNEL_TESTS=full
FULL = os.environ.get("STUDIO_ABAC_KERNEL_TESTS", "") == "full"


def kernel_env(sandbox: Sandbox, principal: str, **extra: str) -> dict[str, str]:
    """The environment of the principal's kernel: only `sandbox env` differs from the host's."""
    env = sandbox.process_env_for(principal)
    env["SAGEMAKER_SUPPRESS_V2_WARNING"] = "1"
    env.update(extra)
    return env


def run_cells(
    sandbox: Sandbox, principal: str, cells: Iterable[str], **extra_env: str
) -> list[Any]:
    """Execute ``cells`` in one fresh kernel; errors stay in the outputs, as in JupyterLab."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    with tempfile.TemporaryDirectory(prefix="studio-abac-kernel-") as workdir:
        client = NotebookClient(
            notebook,
            timeout=180,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": workdir}},  # the kernel's working directory
        )
        client.execute(env=kernel_env(sandbox, principal, **extra_env))
    return list(notebook.cells)


def outputs_of(cell: Any) -> list[Any]:
    return list(cell.get("outputs", []))


def error_of(cell: Any) -> Any | None:
    return next((o for o in outputs_of(cell) if o["output_type"] == "error"), None)


def text_of(cell: Any) -> str:
    """Everything the cell printed or showed as text (streams, results, plain displays)."""
    parts = []
    for output in outputs_of(cell):
        if output["output_type"] == "stream":
            parts.append(output["text"])
        elif output["output_type"] in ("execute_result", "display_data"):
            parts.append(output["data"].get("text/plain", ""))
        elif output["output_type"] == "error":
            parts.append(f"{output['ename']}: {output['evalue']}")
    return "".join(parts)


def denials_of(cell: Any) -> list[Mapping[str, Any]]:
    """The denial outputs of a cell (our MIME type), in order."""
    return [
        o["data"][DENIAL_MIME]
        for o in outputs_of(cell)
        if o["output_type"] == "display_data" and DENIAL_MIME in o.get("data", {})
    ]


def last_json(cell: Any) -> Any:
    """The cell printed one JSON document on its last stdout line."""
    lines = [line for line in text_of(cell).splitlines() if line.strip()]
    return json.loads(lines[-1])


PYTHON = sys.executable
