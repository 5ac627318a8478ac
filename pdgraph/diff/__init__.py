"""Versions of an assessment compared: what changed, and whether the 変更箇所 table says so.

    read      an assessment graph (one version) -> Snapshot        (pdgraph.diff.snapshot)
    compare   two Snapshots -> Differences, matched by meaning     (pdgraph.diff.compare)
    check     Differences x the newer 変更箇所 rows -> declared_by (pdgraph.diff.declared)
    render    Diff -> text (Japanese labels), JSON, one HTML page  (pdgraph.diff.report)

Everything is read out of the knowledge graph, so two documents, two RDF files or two
versions held in one store compare the same way. The public entry points are `diff_graphs`
and `diff_snapshots`; `render` writes a report.
"""
from __future__ import annotations

from rdflib import Graph

from .compare import ASPECTS, CHANGES, SECTIONS, Diff, Difference, compare, new_change_rows
from .declared import cross_check
from .report import FORMATS, render
from .snapshot import Snapshot, read_snapshot

__all__ = ["ASPECTS", "CHANGES", "SECTIONS", "FORMATS", "Diff", "Difference", "Snapshot", "read_snapshot",
           "diff_snapshots", "diff_graphs", "render"]


def diff_snapshots(old: Snapshot, new: Snapshot) -> Diff:
    """The differences from ``old`` to ``new``, cross-checked against ``new``'s 変更箇所 table."""
    return cross_check(Diff(old, new, compare(old, new)), new_change_rows(old, new))


def diff_graphs(old: Graph, new: Graph) -> Diff:
    """The differences between the assessments held in two named graphs (older first)."""
    return diff_snapshots(read_snapshot(old), read_snapshot(new))
