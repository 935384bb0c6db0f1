"""The jest fixtures are the server's own answers: scripts/write_jest_fixtures.py, run now
against the session's sandbox, writes exactly the files in src/__tests__/fixtures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from studio_abac_ext.sandbox import Sandbox

SCRIPT = Path(__file__).parents[2] / "scripts" / "write_jest_fixtures.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("write_jest_fixtures", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (its dataclasses look their module up there)
    spec.loader.exec_module(module)
    return module


def test_jest_fixtures_are_the_servers_current_answers(sandbox: Sandbox) -> None:
    # Given the script that writes the jest fixtures from running servers
    script = _load_script()
    # When it renders them against the sandbox
    files = script.rendered(sandbox)
    # Then every file matches what is committed, and no other fixture lies beside them
    assert files, "the script wrote no fixture"
    assert script.stale(files) == [], "run: python scripts/write_jest_fixtures.py"


def test_the_check_names_changed_and_foreign_fixtures() -> None:
    # Given the committed fixtures, one of them rendered differently, and one the script omits
    script = _load_script()
    committed = sorted(script.FIXTURES.glob("*.json"))
    assert len(committed) >= 2
    changed, omitted = committed[0], committed[1]
    files = {path: path.read_text(encoding="utf-8") for path in committed if path != omitted}
    files[changed] = files[changed] + " "
    # When they are checked, Then both are named
    assert script.stale(files) == sorted([changed.name, omitted.name])
