"""Stage 7, render: assessment graphs -> an interactive, self-contained HTML flow map.

The map answers one question for a privacy officer: where does the data of an
assessment come from, where does it go, on what legal basis and by which
channel. It is read out of the knowledge graph only (never from parser
records), in three steps that each return an object:

    read      graphs -> FlowMap (typed nodes and edges, tooltips as text pairs)
    select    FlowMap -> FlowMap (--assessment, --organization, --layers, --focus/--depth)
    render    FlowMap -> pyvis Network -> one HTML string

Design rules (issue 5):
- one HTML file, no request leaves the machine: vis-network's JS/CSS are read
  from the installed pyvis package and inlined (pyvis's own template links
  Bootstrap from a CDN and ``cdn_resources="local"`` writes ``lib/``; neither
  is used), and a Content-Security-Policy with script hashes forbids anything else;
- every text that comes from a document is shown as text: the data travels as
  JSON inside ``<script type="application/json">`` with ``<``, ``>`` and ``&``
  escaped, labels are drawn on the canvas, tooltips are DOM nodes built with
  ``textContent`` (no ``innerHTML`` anywhere in the page's own code);
- the layout settles: physics stabilises, then is switched off; maps above
  ``AGGREGATE_ABOVE`` nodes start as one node per assessing body (評価実施機関)
  whose detail is expanded on demand (double click).

This module is the public API and wires the steps together (`build_map`,
`payload`, `to_network`, `render_html`, and the aggregation threshold
`AGGREGATE_ABOVE`); the steps live in modules of their own, re-exported here so
that ``from pdgraph.map import ...`` keeps working:

    pdgraph.map.model   the map as data (FlowMap, MapNode, MapEdge, styles), select, aggregate
    pdgraph.map.read    read: assessment graphs -> FlowMap
    pdgraph.map.page    render: FlowMap -> page data -> pyvis Network / HTML page
    pdgraph.map.compare two versions' maps -> one map with added / removed / changed flows marked
"""
from __future__ import annotations

from collections.abc import Iterable

from rdflib import Dataset, Graph

from .compare import diff_counts, diff_maps
from .model import (DIFF_STYLES, EDGE_CATEGORIES, KIND_PRECEDENCE, LAYERS, METHOD_SHORT, NODE_STYLES,
                        SYSTEM_KIND_COLORS, WARNING_COLOR, AssessmentInfo, DiffStyle, EdgeCategory, FlowMap, Info,
                        MapEdge, MapNode, MapOptions, MapSelectionError, NodeStyle, body_summaries, default_title,
                        find_nodes, finish_map, focus, natural_key, nonempty, restrict, select, select_assessments, short_label)
from .page import VIS_VERSION, network, page_data, page_html, script_json, vis_options
from .read import map_from_dataset, map_from_sources, map_from_store, read_map, read_map_triples

__all__ = [
    # the model (pdgraph.map.model)
    "LAYERS", "MapSelectionError", "NodeStyle", "NODE_STYLES", "SYSTEM_KIND_COLORS", "KIND_PRECEDENCE", "EdgeCategory",
    "EDGE_CATEGORIES", "WARNING_COLOR", "METHOD_SHORT", "Info", "MapNode", "MapEdge", "AssessmentInfo", "FlowMap",
    "MapOptions", "DiffStyle", "DIFF_STYLES", "natural_key", "short_label", "nonempty", "finish_map", "default_title",
    "select_assessments", "restrict", "find_nodes", "focus", "select", "body_summaries",
    # a map diff (pdgraph.map.compare)
    "diff_maps", "diff_counts",
    # reading (pdgraph.map.read)
    "read_map", "map_from_dataset", "read_map_triples", "map_from_sources", "map_from_store",
    # the page (pdgraph.map.page)
    "VIS_VERSION", "script_json", "vis_options", "page_data", "network", "page_html",
    # this module
    "AGGREGATE_ABOVE", "should_aggregate", "build_map", "payload", "to_network", "render_html",
]

# Maps with more nodes than this open aggregated (one node per assessing body).
AGGREGATE_ABOVE = 500


def build_map(source: Dataset | Iterable[Graph], options: MapOptions = MapOptions()) -> FlowMap:
    """Read (a dataset or assessment graphs) and select, in one call."""
    fmap = map_from_dataset(source) if isinstance(source, Dataset) else read_map(source)
    return select(fmap, options)


def should_aggregate(fmap: FlowMap, aggregate: bool | None = None) -> bool:
    """Whether the page opens aggregated: as asked, else when the map has more than `AGGREGATE_ABOVE` nodes."""
    return len(fmap.nodes) > AGGREGATE_ABOVE if aggregate is None else aggregate


def payload(fmap: FlowMap, aggregate: bool | None = None) -> dict:
    """Everything the page needs, as plain JSON-able data (document text stays text)."""
    return page_data(fmap, should_aggregate(fmap, aggregate))


def to_network(fmap: FlowMap, aggregate: bool | None = None):
    """The map as a pyvis ``Network`` (nodes and edges as vis-network dicts, options set).

    Tooltips are kept as ``info`` (key, text) pairs and no ``title`` is set: pyvis's own
    template would put a title into ``innerHTML``. Write HTML with `render_html`, which
    builds tooltips from text nodes and inlines vis-network.
    """
    return network(payload(fmap, aggregate))


def render_html(fmap: FlowMap, aggregate: bool | None = None) -> str:
    """The map as one self-contained HTML page (vis-network inlined, no external reference)."""
    net = to_network(fmap, aggregate)
    return page_html(net.pdgraph_payload)
