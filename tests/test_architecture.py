"""The package layout stays true (docs/architecture.md): data moves one way through the stages.

Read from the import graph with the standard library's ast, so it covers imports inside
functions too (a lazy import is still a dependency).
"""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pdgraph"

# Lower stages first; a package may import its own modules, the foundation and lower ranks only.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors",),  # foundation: imports nothing of pdgraph …
    ("textnorm", "resources", "files"),  # … but `files` raises its errors
    ("read", "law"),
    ("form",),
    ("extract",),
    ("graph",),
    ("conformance", "query", "map", "diff"),
    ("outputs",),  # documents for people: tables, the ROPA, the corpus report
    ("cli",),
    ("api",),  # the public API
    ("__init__", "__main__"),  # `import pdgraph` (the API, lazily) and `python -m pdgraph`
)
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def unit_of(module: str) -> str:
    """The stage a module belongs to: its subpackage, or the root module's own name."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def package_of(path: Path) -> str:
    """The package a module file lives in (relative imports start there)."""
    module = module_name(path)
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _known(name: str, modules: set[str]) -> str | None:
    while name and name not in modules:  # `from .x import y`: y may be a name, not a module
        name = name.rpartition(".")[0]
    return name or None


def imports_in(source: str, package: str, modules: set[str]) -> set[str]:
    """pdgraph modules that a module of ``package`` imports (relative imports resolved)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [_known(alias.name, modules) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            submodules = [f"{prefix}.{alias.name}" for alias in node.names if f"{prefix}.{alias.name}" in modules]
            targets = submodules or [_known(prefix, modules)]
        else:
            continue
        found.update(t for t in targets if t and t.startswith("pdgraph"))
    return found


def import_graph() -> nx.DiGraph:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(files)
    for module, path in files.items():
        for target in imports_in(path.read_text(encoding="utf-8"), package_of(path), set(files)):
            if target != module and target != "pdgraph":
                graph.add_edge(module, target)
    return graph


def test_every_stage_is_in_a_layer():
    units = {unit_of(m) for m in import_graph()}
    assert units <= set(RANK), f"add to LAYERS (and docs/architecture.md): {sorted(units - set(RANK))}"


def test_lower_stages_never_import_higher_ones():
    wrong = sorted((a, b) for a, b in import_graph().edges
                   if unit_of(a) != unit_of(b) and RANK[unit_of(a)] <= RANK[unit_of(b)])
    assert not wrong, "imports against the direction of data (or between sibling stages):\n" + "\n".join(
        f"  {a} -> {b}" for a, b in wrong)


def test_no_import_cycles_between_modules():
    cycles = list(nx.simple_cycles(import_graph()))
    assert not cycles, f"import cycles: {cycles}"


def test_foundation_imports_nothing_of_pdgraph():
    graph = import_graph()
    for module in ("pdgraph.errors", "pdgraph.textnorm", "pdgraph.resources"):
        assert not list(graph.successors(module)), module


@pytest.mark.parametrize("source, expected", [
    ("from ..graph.vocab import PDG\n", {"pdgraph.graph.vocab"}),
    ("from . import options as opt\n", {"pdgraph.form.options"}),
    ("from .rows import Row\n", {"pdgraph.form.rows"}),
    ("import pdgraph.law.citations as c\n", {"pdgraph.law.citations"}),
    ("def f():\n    from ..map import build_map\n", {"pdgraph.map"}),  # lazy imports count
    ("import json\nfrom rdflib import Graph\n", set()),
])
def test_import_resolution(source, expected):
    """The checker resolves relative, aliased, absolute and lazy imports (as if in pdgraph/form/)."""
    modules = set(import_graph())
    assert imports_in(source, "pdgraph.form", modules) == expected


def test_checker_sees_a_wrong_direction():
    """A lower stage importing a higher one is caught (the test above can fail)."""
    graph = import_graph()
    graph.add_edge("pdgraph.form.rows", "pdgraph.graph.vocab")
    assert any(RANK[unit_of(a)] <= RANK[unit_of(b)] for a, b in graph.edges if unit_of(a) != unit_of(b))
