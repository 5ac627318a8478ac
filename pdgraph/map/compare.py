"""Stage 7, render — a map diff: the flow maps of two versions -> one `FlowMap` whose changed flows are marked.

Flows are matched by meaning, not by their IRIs (those carry positions: 提供先3, row 10): two
edges are the same flow when they join the same two nodes in the same category (入手, 提供, …;
nodes are shared by name: organisations, files, systems). When several edges join the same
pair (a recipient group to 市町村長 for several 別表 rows), edges with the same legal basis pair
first; the others pair in order and are "changed" when their legal basis differs. What is left
is "added" (only the new version has it) or "removed" (only the old one has it). Nodes present
on one side only are marked the same way. Styles are `DIFF_STYLES`; the page draws a legend.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from .model import DIFF_STYLES, FlowMap, MapEdge, natural_key
from .read import _bundle_parallel

_BASIS = "法令上の根拠"
_NOTE = {"added": "追加 (新しい版だけにある)", "removed": "削除 (古い版だけにある)", "changed": "法令上の根拠が変わった"}


def _basis(edge: MapEdge) -> str:
    return next((value for key, value in edge.info if key.startswith(_BASIS)), "")


def _key(edge: MapEdge) -> tuple[str, str, str]:
    return (edge.source, edge.target, edge.category)


def _pair(old: list[MapEdge], new: list[MapEdge]):
    """Edges of one (source, target, category): same basis first, then in order; the rest are left over."""
    old, new = list(old), list(new)
    pairs = []
    for edge in list(new):
        twin = next((o for o in old if _basis(o) == _basis(edge)), None)
        if twin is not None:
            old.remove(twin)
            new.remove(edge)
            pairs.append((twin, edge))
    while old and new:
        pairs.append((old.pop(0), new.pop(0)))
    return pairs, old, new


def diff_maps(old: FlowMap, new: FlowMap, names: tuple[str, str] = ("古い版", "新しい版"),
              title: str | None = None) -> FlowMap:
    """One map holding both versions, every flow and node that is not in both marked (``change``).

    ``names`` say which version is which (document names) in the page's legend.
    """
    merged = FlowMap(title=title or f"{new.title} — 変更点", versions=names)
    merged.assessments = {**old.assessments, **new.assessments}
    for node_id, node in new.nodes.items():
        merged.nodes[node_id] = replace(node, change="" if node_id in old.nodes else "added")
    for node_id, node in old.nodes.items():
        if node_id not in new.nodes:
            merged.nodes[node_id] = replace(node, change="removed")
    groups: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
    for edge in sorted(old.edges.values(), key=lambda e: natural_key(e.id)):
        groups[_key(edge)][0].append(edge)
    for edge in sorted(new.edges.values(), key=lambda e: natural_key(e.id)):
        groups[_key(edge)][1].append(edge)
    for key in sorted(groups):
        pairs, removed, added = _pair(*groups[key])
        for before, after in pairs:
            if _basis(before) == _basis(after):
                merged.edges[after.id] = replace(after, change="")
            else:
                info = after.info + [("変更", _NOTE["changed"]), (f"古い版の{_BASIS}", _basis(before))]
                merged.edges[after.id] = replace(after, change="changed", info=info)
        for edge in added:
            merged.edges[edge.id] = replace(edge, change="added", info=edge.info + [("変更", _NOTE["added"])])
        for edge in removed:  # an old IRI may name another flow in the new version (positions moved)
            merged.edges[f"removed:{edge.id}"] = replace(edge, id=f"removed:{edge.id}", change="removed",
                                                         info=edge.info + [("変更", _NOTE["removed"])])
    for node in merged.nodes.values():
        if node.change:
            node.info = node.info + [("変更", _NOTE[node.change])]
    _bundle_parallel(merged)
    return merged


def diff_counts(fmap: FlowMap) -> dict[str, int]:
    """Flows (edges) per change: added, removed, changed."""
    counts = {change: 0 for change in DIFF_STYLES}
    for edge in fmap.edges.values():
        if edge.change:
            counts[edge.change] += 1
    return counts
