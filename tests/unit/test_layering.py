"""The package's layering as docs/architecture.md draws it: imports point down, and no cycles."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "studio_abac_ext"
ROOT_NAME = "studio_abac_ext"

# What each layer may import (besides itself). Top-level modules are layers of their own.
ALLOWED: dict[str, set[str]] = {
    "policy": set(),
    "data": set(),
    "scenario": set(),
    "simulator": {"policy"},
    "isolation": {"policy", "data"},
    "setup": {"scenario", "policy"},
    "aws": {"policy", "scenario", "setup", "simulator"},
    "kernel": {"policy", "aws", "config", "_version"},
    "app": {"policy", "simulator", "isolation", "aws", "data", "config", "setup"},
    "config": {"aws"},
    "web": {"app", "aws", "policy", "config", "_version", "__init__"},
    "sandbox": {"policy", "scenario", "data"},
    "commands": {
        "policy",
        "simulator",
        "isolation",
        "setup",
        "aws",
        "scenario",
        "sandbox",
        "data",
        "app",
        "config",
        "_version",
        "__init__",
    },
    "cli": {"commands", "__init__", "_version"},
    "__init__": {"config", "app", "web", "kernel", "_version"},
    "_version": set(),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> Iterator[str]:
    """Every module of the package that ``path`` imports, absolute and dotted."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target == ROOT_NAME or target.startswith(ROOT_NAME + "."):
                for alias in node.names:
                    candidate = f"{target}.{alias.name}"
                    yield candidate if _is_module(candidate) else target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(ROOT_NAME + "."):
                    yield alias.name


def _is_module(dotted: str) -> bool:
    relative = Path(*dotted.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").exists() or (PACKAGE / relative).is_dir()


def layer(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "labextension" in path.parts:
            continue
        edges[module_name(path)] = set(imported_modules(path))
    return edges


def test_every_import_points_down_the_layers() -> None:
    wrong = sorted(
        f"{source} imports {target}"
        for source, targets in graph().items()
        for target in targets
        if layer(target) != layer(source) and layer(target) not in ALLOWED[layer(source)]
    )
    assert wrong == []


def test_nothing_in_the_extension_imports_the_sandbox() -> None:
    importers = sorted(
        source
        for source, targets in graph().items()
        if layer(source) not in {"sandbox", "commands"}
        and any(layer(target) == "sandbox" for target in targets)
    )
    assert importers == []


def test_the_import_graph_has_no_cycle() -> None:
    edges = graph()
    # Importing a submodule imports its packages' __init__ first; a package importing its own
    # submodules is not a cycle, so edges into a module's own ancestors are left out.
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if node.startswith(target + ".") or target.startswith(node + "."):
                continue
            if state.get(target) == 1:
                cycles.append(
                    [*trail[trail.index(target) :], target] if target in trail else [node, target]
                )
            elif state.get(target) is None:
                visit(target, [*trail, target])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert cycles == []


@pytest.mark.parametrize("package", sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")))
def test_each_package_says_what_it_is_for_and_what_it_may_import(package: str) -> None:
    docstring = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text()))
    assert docstring, f"{package}/__init__.py has no docstring"
    assert "import" in docstring.lower(), f"{package}/__init__.py does not say what it may import"


def test_no_two_classes_share_a_name() -> None:
    # One name per idea: a class name is defined once in the whole package
    places: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "labextension" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                places.setdefault(node.name, []).append(module_name(path))
    assert {name: where for name, where in places.items() if len(where) > 1} == {}
