"""The house has no circles (分层, 无循环依赖): the import graph of core/, forms/ and plugins/
(and the example plugin) has no cycle, and the import-linter contracts of pyproject.toml —
the core's layers, plugins independent of each other, no web layer below it — hold.

Imports inside functions count like any other (a lazy import still ties two modules together);
only those under ``if TYPE_CHECKING:`` do not. A module importing its own package (``from
plugins.x import y`` inside ``plugins.x.admin``) is not counted, as in
``shared/tools/cycles.py``. The graph is grimp's, import-linter's own.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from collections import deque
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["core", "forms", "plugins"] + (
    ["linli_mealaid"] if importlib.util.find_spec("linli_mealaid") else []
)

# Cycles tolerated while a package is being restructured (a cycle listed here that has gone
# fails too, so the set only shrinks). Empty since the owners plugin was split by subject.
KNOWN: set[frozenset[str]] = set()

# Package __init__ modules that only wire a feature (hook functions importing its own admin
# and views lazily): they hold layered children, so they are not a layer themselves.
WIRING = {"core", "forms", "core.cases", "core.publicity"}


def build(*packages: str) -> grimp.ImportGraph:
    return grimp.build_graph(
        *packages,
        include_external_packages=False,
        exclude_type_checking_imports=True,
        cache_dir=None,
    )


def edges(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    """importer -> imported, without a module's imports of its own ancestors."""
    out: dict[str, set[str]] = {}
    for importer in graph.modules:
        out[importer] = {
            imported
            for imported in graph.find_modules_directly_imported_by(importer)
            if not importer.startswith(imported + ".")
        }
    return out


def strongly_connected(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Tarjan's algorithm, iterative: the components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def describe(graph: grimp.ImportGraph, out: dict[str, set[str]], component: frozenset) -> str:
    """One shortest circle through the component, each step with its line: a -> b (l.12)."""
    start = min(component)
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if start in out[node] and node in component:
            path = [start]
            while node != start:
                path.insert(1, node)
                node = previous[node]
            path.append(start)
            break
        for child in sorted(out[node] & component):
            if child not in previous and child != start:
                previous[child] = node
                queue.append(child)
    steps = [path[0]]
    for importer, imported in zip(path, path[1:], strict=False):
        lines = sorted(
            d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)
        )
        steps.append(f"{imported} (l.{','.join(map(str, lines))} of {importer})")
    members = ", ".join(sorted(component))
    return f"cycle of {len(component)} modules ({members}); one circle: " + " -> ".join(steps)


@pytest.fixture(scope="module")
def project():
    graph = build(*PACKAGES)
    return graph, edges(graph)


def test_the_project_has_no_import_cycle(project):
    graph, out = project
    found = set(strongly_connected(out))
    new = sorted(found - KNOWN, key=min)
    assert not new, "import cycles (lazy imports count):\n" + "\n".join(
        describe(graph, out, c) for c in new
    )
    gone = sorted(KNOWN - found, key=min)
    assert not gone, "no longer a cycle, remove from KNOWN in tests/core/test_layers.py: " + (
        "; ".join(", ".join(sorted(c)) for c in gone)
    )


def _package(tmp_path: Path, monkeypatch, files: dict[str, str]) -> grimp.ImportGraph:
    for name, text in files.items():
        path = tmp_path / "layerprobe" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return build("layerprobe")


def test_a_lazy_import_closes_a_cycle_and_the_failure_names_it(tmp_path, monkeypatch):
    graph = _package(
        tmp_path,
        monkeypatch,
        {
            "__init__.py": "",
            "engine.py": "from layerprobe.uploads import store\n",
            "uploads.py": """
                def store():
                    from layerprobe.engine import Invalid  # lazy, still a cycle
                """,
            "typed.py": """
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    from layerprobe.engine import Invalid  # for annotations only
                """,
            "child/__init__.py": "from layerprobe.child.leaf import VALUE\n",
            "child/leaf.py": "from layerprobe.child import something  # own package\nVALUE = 1\n",
        },
    )
    out = edges(graph)
    found = strongly_connected(out)
    assert found == [frozenset({"layerprobe.engine", "layerprobe.uploads"})]
    message = describe(graph, out, found[0])
    assert message == (
        "cycle of 2 modules (layerprobe.engine, layerprobe.uploads); one circle: "
        "layerprobe.engine -> layerprobe.uploads (l.1 of layerprobe.engine)"
        " -> layerprobe.engine (l.3 of layerprobe.uploads)"
    )


def test_import_linter_contracts_hold():
    """`lint-imports` (also run by `make lint`): layers, independence, forbidden imports."""
    command = Path(sys.executable).with_name("lint-imports")
    assert command.exists(), "import-linter is not installed: run make install"
    result = subprocess.run(
        [str(command), "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_core_and_forms_module_stands_in_a_layer(project):
    """A new module is placed in a layer of pyproject.toml's "core-layers" contract (or its
    package is), so that nothing escapes the layering unnoticed."""
    import tomllib

    graph, _out = project
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}
    layers = contracts["core-layers"]["layers"]
    listed = {name.strip() for layer in layers for name in layer.split(":")}
    unplaced = sorted(
        module
        for module in graph.modules
        if module.split(".")[0] in ("core", "forms")
        and module not in WIRING
        and not any(module == m or module.startswith(m + ".") for m in listed)
    )
    assert not unplaced, "not in any layer of the core-layers contract: " + ", ".join(unplaced)
    assert "core.app" in listed and "core.registry" in listed
