"""The engine's import graph: no cycle, nothing of the extension outside ``policy/``, and
``simulator/`` on ``policy/`` only (imports written anywhere in a module count, even inside
functions or under ``TYPE_CHECKING``)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "studio_abac_ext"


def _imports(package: str) -> dict[str, set[str]]:
    """Module -> the modules of the extension it imports (``studio_abac_ext.x.y``)."""
    graph: dict[str, set[str]] = {}
    for path in sorted((PACKAGE / package).glob("*.py")):
        name = f"studio_abac_ext.{package}.{path.stem}"
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = name.split(".")[: -node.level]
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "studio_abac_ext"
            ):
                found.add(str(node.module))
        graph[name] = {f for f in found if f.count(".") >= 1}
    return graph


def _modules(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    return {m: {t for t in targets if t in graph and t != m} for m, targets in graph.items()}


def test_the_engine_has_no_import_cycle() -> None:
    # Given the modules of policy/ and what each imports
    graph = _modules(_imports("policy"))
    # When walked depth first
    state: dict[str, str] = {}

    def visit(module: str, trail: list[str]) -> None:
        if state.get(module) == "done":
            return
        assert state.get(module) != "open", " -> ".join([*trail, module])
        state[module] = "open"
        for target in sorted(graph[module]):
            visit(target, [*trail, module])
        state[module] = "done"

    # Then no module is reached again while it is being imported
    for module in sorted(graph):
        visit(module, [])


def test_the_engine_imports_nothing_else_of_the_extension() -> None:
    for module, targets in _imports("policy").items():
        others = {t for t in targets if not t.startswith("studio_abac_ext.policy")}
        assert others <= {"studio_abac_ext"}, (module, others)


def test_the_simulator_sits_on_the_engine_only() -> None:
    for module, targets in _imports("simulator").items():
        outside = {
            t
            for t in targets
            if not t.startswith(("studio_abac_ext.policy", "studio_abac_ext.simulator"))
        }
        assert outside <= {"studio_abac_ext"}, (module, outside)
