"""Every module's imports follow the layers of anze.core.layers, and no import cycle is left.

The imports are read from the source with `ast` (not at run time), so an import inside a function counts as
much as one at the top; only those under `if TYPE_CHECKING:` are left out of the cycle check (they never
run), though they still must respect the layers. Tests and migrations are not part of the layering.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from anze.core import layers

ROOT = Path(layers.__file__).resolve().parents[1]  # the anze package


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).parts
        if "tests" in relative or "migrations" in relative:
            continue
        found[_module_name(path)] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
            if name == "TYPE_CHECKING":
                for statement in node.body:
                    inside.update(id(sub) for sub in ast.walk(statement))
    return inside


def _resolve(name: str) -> str | None:
    """The module an imported name lives in (the longest known prefix), or None outside anze."""
    known = modules()
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, only for type checking) for every import of an anze module in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    typing_only = _type_checking_nodes(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            # `from pkg import sub` depends on the submodule when there is one, else on the package.
            for alias in node.names:
                names.append(f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules() else origin)
        for name in names:
            target = _resolve(name) if name.startswith("anze") else None
            # A module's own package (and its parents) is imported before it anyway: no edge.
            if target and target != module and not module.startswith(target + "."):
                found.append((target, node.lineno, id(node) in typing_only))
    return found


def test_the_layers_are_defined_once_and_every_app_has_a_place():
    listed = [app for apps in layers.LAYERS for app in apps]
    assert len(listed) == len(set(listed))
    apps_on_disk = {layers.app_of(module) for module in modules()} - {""}
    assert set(listed) <= apps_on_disk


def test_every_import_follows_the_layers():
    wrong = []
    for module, path in modules().items():
        for target, line, _typing in imports_of(module, path):
            if not layers.allowed(module, target):
                wrong.append(
                    f"{path.relative_to(ROOT.parent)}:{line}: {module} (layer {layers.layer_of(module)}) "
                    f"imports {target} (layer {layers.layer_of(target)})"
                )
    assert not wrong, (
        "imports against the layers of anze/core/layers.py (register through anze.core.registry instead):\n"
        + "\n".join(sorted(set(wrong)))
    )


def test_no_import_cycle():
    graph = {module: set() for module in modules()}
    for module, path in modules().items():
        graph[module].update(target for target, _line, typing in imports_of(module, path) if not typing)
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(cycle) for cycle in cycles)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


@pytest.mark.parametrize(
    ("importer", "imported", "ok"),
    [
        ("anze.duties.views", "anze.plans.models", True),  # down
        ("anze.duties.views", "anze.duties.stats", True),  # its own app
        ("anze.plans.views", "anze.enterprises.stats", False),  # up
        ("anze.duties.views", "anze.enterprises.stats", False),  # sideways
        ("anze.core.dashboard", "anze.org.models", False),  # the floor reaching up
        ("anze.core.restrict", "anze.accounts.roles", True),  # a floor module
        ("anze.accounts.roles", "anze.accounts.models", False),  # a floor module reaching up
        ("anze.enforcement.views", "anze.prevention.models", True),  # a new app stands on the listed ones
        ("anze.prevention.views", "anze.enforcement.models", False),  # nothing listed leans on a new one
        ("anze.urls", "anze.public.urls", True),  # the project on top
    ],
)
def test_the_rule_itself(importer, imported, ok):
    assert layers.allowed(importer, imported) is ok


def test_the_walker_sees_imports_inside_functions_and_relative_ones(tmp_path):
    source = tmp_path / "views.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import stats\n"
        "if TYPE_CHECKING:\n"
        "    from anze.enterprises.models import Enterprise\n"
        "def page():\n"
        "    from anze.supervision.services import run_ladder\n",
        encoding="utf-8",
    )

    found = imports_of("anze.duties.views", source)

    assert ("anze.duties.stats", 2, False) in found
    assert ("anze.enterprises.models", 4, True) in found
    assert ("anze.supervision.services", 6, False) in found
