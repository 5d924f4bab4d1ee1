"""The code's layers (issue 13): no module imports a higher layer, no two modules import
each other (directly or round a loop), and importing the code changes nothing in the process.

The layers, lowest first (README, "Architecture"):

    scenarios    declarations, world data, scenario files, the shipped calibration's data
    agents       worker and recruiter state and rules of one agent
    simulation   the Mesa model, its monthly rules and its results table
    runs         corridors/ except its commands: run folders, batches, stores, compare,
                 sensitivity, figures, atomic writes, manifests, locks
    calibration  fitting the model to data, checking a scenario against observations
    dashboards   the Solara app
    commands     corridors.cli, corridors.dashboard_command, corridors.emulate_command,
                 corridors.slice_command, corridors.heldout_command and corridors.install
                 (what their --install does): the entry points

Every import counts, including those inside functions: a cycle kept alive by a function-level
import is still a cycle. Imports under ``if TYPE_CHECKING:`` count for layers but not for
cycles: they never run, and a rule module may name the model's type in its signature.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("scenarios", "agents", "simulation", "corridors", "calibration", "dashboards")
LAYERS = ("scenarios", "agents", "simulation", "runs", "calibration", "dashboards", "commands")
COMMANDS = (
    "corridors.cli",
    "corridors.dashboard_command",
    "corridors.emulate_command",
    "corridors.slice_command",
    "corridors.heldout_command",
    "corridors.install",
    "corridors.__main__",
)


def layer_of(module: str) -> str:
    """The layer of one of our modules (``corridors.X`` is in runs unless it is a command)."""
    if module in COMMANDS:
        return "commands"
    top = module.split(".")[0]
    return "runs" if top == "corridors" else top


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the nodes inside ``if TYPE_CHECKING:`` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            inside |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return inside


def imports_of(module: str, source: str, known: set[str], type_only: bool = True) -> set[str]:
    """Our modules that ``source`` imports anywhere (top level or inside a function),
    resolved to module names (``from pkg import mod`` counts as importing ``pkg.mod``);
    with ``type_only=False``, not those under ``if TYPE_CHECKING:``."""
    is_package = module in {m for m in known if any(k.startswith(m + ".") for k in known)}
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(source)
    skip = set() if type_only else type_checking_only(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:  # `import a.b.c` imports a, a.b, a.b.c
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def import_graph(sources: dict[str, str], type_only: bool = True) -> dict[str, set[str]]:
    known = set(sources)
    return {m: imports_of(m, s, known, type_only) for m, s in sources.items()}


def our_sources() -> dict[str, str]:
    return {
        module_name(p): p.read_text(encoding="utf-8")
        for package in PACKAGES
        for p in sorted((ROOT / package).rglob("*.py"))
    }


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Each import of a higher layer, as ``importer (layer) -> imported (layer)``."""
    return sorted(
        f"{m} ({layer_of(m)}) -> {d} ({layer_of(d)})"
        for m, deps in graph.items()
        for d in deps
        if LAYERS.index(layer_of(d)) > LAYERS.index(layer_of(m))
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


@pytest.fixture(scope="module")
def graph():
    return import_graph(our_sources())


def test_every_module_has_a_layer(graph):
    assert {layer_of(m) for m in graph} <= set(LAYERS)
    assert "corridors.cli" in graph and "simulation.model" in graph


def test_no_module_imports_a_higher_layer(graph):
    assert upward_imports(graph) == []


def test_no_import_cycles():
    assert cycles(import_graph(our_sources(), type_only=False)) == []


def test_the_check_catches_an_added_upward_import_and_cycle():
    """The two checks above can fail: add a forbidden import to a copy of the real sources."""
    sources = our_sources()
    sources["simulation.model"] += "\nfrom dashboards.palette import CHANNEL_COLOURS\n"
    sources["dashboards.palette"] = "from simulation import model\n"
    graph = import_graph(sources)
    assert "simulation.model (simulation) -> dashboards.palette (dashboards)" in upward_imports(
        graph
    )
    assert any({"simulation.model", "dashboards.palette"} <= set(g) for g in cycles(graph))
    # a type-only import is not a cycle, but still may not reach up
    sources = our_sources()
    sources["scenarios.points"] += (
        "\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import simulation.model\n"
    )
    sources["simulation.model"] += "\nimport scenarios.points\n"
    assert not any("scenarios.points" in g for g in cycles(import_graph(sources, type_only=False)))
    assert "scenarios.points (scenarios) -> simulation.model (simulation)" in upward_imports(
        import_graph(sources)
    )
    # a function-level import counts like one at the top
    sources = our_sources()
    sources["scenarios.points"] += "\ndef f():\n    from corridors.batchspec import Task\n"
    assert "scenarios.points (scenarios) -> corridors.batchspec (runs)" in upward_imports(
        import_graph(sources)
    )


def test_relative_imports_resolve_to_our_modules():
    known = {"calibration", "calibration.config", "calibration.simulate", "scenarios.points"}
    src = "from .config import x\nfrom . import simulate\nfrom scenarios.points import y\n"
    assert imports_of("calibration.report", src, known) == {
        "calibration",
        "calibration.config",
        "calibration.simulate",
        "scenarios.points",
    }


def test_importing_the_code_has_no_side_effects(tmp_path):
    """Importing every module leaves matplotlib's backend and the process umask alone (a
    library that switches them breaks the program that imports it)."""
    modules = sorted(m for m in our_sources() if not m.endswith("__main__"))
    script = f"""
import os, matplotlib, importlib
calls = []
real_umask = os.umask
os.umask = lambda mask: calls.append(mask) or real_umask(mask)
before = dict.__getitem__(matplotlib.rcParams, "backend")
for name in {modules!r}:
    importlib.import_module(name)
after = dict.__getitem__(matplotlib.rcParams, "backend")
assert before == after, (before, after)
assert calls == [], calls
print("ok", len({modules!r}))
"""
    env = {"PATH": "/usr/bin:/bin", "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("ok")


def test_atomic_writes_give_the_usual_mode(tmp_path):
    from corridors.atomic import write_text_atomic

    old = __import__("os").umask(0o027)
    try:
        write_text_atomic(tmp_path / "a.txt", "x")
    finally:
        __import__("os").umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
