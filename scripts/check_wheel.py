"""Build the production wheel and fail unless it ships what a `pip install` user needs."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

LAB = "share/jupyter/labextensions/studio-abac-ext"
REQUIRED = {
    "the labextension's package.json": f"{LAB}/package.json",
    "the labextension's install.json": f"{LAB}/install.json",
    "the server config": "etc/jupyter/jupyter_server_config.d/studio_abac_ext.json",
    "the settings schema": f"{LAB}/schemas/studio-abac-ext/plugin.json",
    "the server extension": "studio_abac_ext/__init__.py",
    "the generated version": "studio_abac_ext/_version.py",
    "the REST API's OpenAPI description": "studio_abac_ext/openapi.yaml",
    "the IAM data set": "studio_abac_ext/data/iam/sagemaker.json",
    "the default sandbox scenario": "studio_abac_ext/scenario/default/scenario.yaml",
    "the document's policies": "studio_abac_ext/scenario/default/policies",
    "the hardened example policies": "studio_abac_ext/isolation/examples/hardened",
}
REQUIRED_PATTERNS = {
    "the frontend bundle": f"{LAB}/static/remoteEntry.",
    # Only a production build lists the licences of the bundled packages.
    "a production build": f"{LAB}/static/third-party-licenses.json",
}


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, str(root)],
            check=True,
        )
        wheel = next(Path(out).glob("studio_abac_ext-*.whl"))
        names = zipfile.ZipFile(wheel).namelist()
    data_prefix = next((n.split("/", 1)[0] for n in names if ".data/" in n), "")
    present = {n.removeprefix(f"{data_prefix}/data/") for n in names}
    missing = [
        what
        for what, path in REQUIRED.items()
        if path not in present and not any(p.startswith(f"{path}/") for p in present)
    ]
    missing += [
        what
        for what, prefix in REQUIRED_PATTERNS.items()
        if not any(p.startswith(prefix) for p in present)
    ]
    for what in missing:
        print(f"check-wheel: {wheel.name} lacks {what}", file=sys.stderr)
    if missing:
        return 1
    print(f"check-wheel: {wheel.name} ships labextension, server config, code ({len(names)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
