"""Stage 7, render — the page: a `FlowMap` -> JSON-able page data -> pyvis Network / one self-contained HTML page.

    FlowMap --page_data--> dict (nodes, edges, styles, vis options; summaries when aggregated)
            --network-->   pyvis Network (for library users)
            --page_html--> HTML: pdgraph/data/map.html with vis-network's JS/CSS
                           (from the installed pyvis package), map.js, map.css
                           and the data inlined, under a Content-Security-Policy

Safety (issue 5): the data travels as JSON inside ``<script
type="application/json">`` with ``<``, ``>`` and ``&`` escaped (`script_json`);
the page's own code builds tooltips with ``textContent``; the CSP allows only
the page's two inline scripts and styles, by hash. Whether to aggregate is
decided by pdgraph.map (the public API); this module only assembles.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Sequence
from importlib import resources

from .model import (DIFF_STYLES, EDGE_CATEGORIES, NODE_STYLES, SYSTEM_KIND_COLORS, WARNING_COLOR, FlowMap, MapEdge,
                        MapNode, body_summaries, natural_key, short_label)

VIS_VERSION = "9.1.2"


def _vis_asset(name: str) -> str:
    """vis-network as shipped inside the installed pyvis package (never downloaded)."""
    path = resources.files("pyvis").joinpath("templates", "lib", f"vis-{VIS_VERSION}", name)
    text = path.read_text(encoding="utf-8")
    # The source map comment would make developer tools fetch a file that is not there.
    return re.sub(r"//# sourceMappingURL=\S+", "", text)


def _data_asset(name: str) -> str:
    return resources.files("pdgraph").joinpath("data", name).read_text(encoding="utf-8")


def script_json(value: object) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no ``</script>``, no ``<!--``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _node_record(node: MapNode) -> dict:
    label = short_label(node.label, 6, 4) if node.kind == "file" else short_label(node.label)
    record = {"id": node.id, "label": label, "kind": node.kind, "info": node.info, "bodies": sorted(node.bodies)}
    if label != node.label:
        record["name"] = node.label
    if node.kind == "system":
        record["sys"] = node.system_kind or ""
    if node.change:
        record["diff"] = node.change
    return record


def _edge_record(edge: MapEdge) -> dict:
    record = {"id": edge.id, "from": edge.source, "to": edge.target, "cat": edge.category, "label": edge.label,
              "info": edge.info, "bodies": sorted(edge.bodies)}
    if edge.warning:
        record["warn"] = True
    if edge.count:
        record["curve"] = edge.count
    if edge.change:
        record["diff"] = edge.change
    return record


def vis_options(aggregated: bool) -> dict:
    """vis-network options: stabilise (then the page switches physics off); no physics when aggregated."""
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": not aggregated},
        "physics": {
            "enabled": not aggregated,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -7000, "centralGravity": 0.25, "springLength": 135,
                          "springConstant": 0.04, "damping": 0.5, "avoidOverlap": 1},
            "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 50, "fit": True},
            "minVelocity": 1.0,
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": aggregated,
                        "hideEdgesOnZoom": aggregated, "navigationButtons": False, "keyboard": False},
        "nodes": {"font": {"size": 16, "face": "Noto Sans CJK JP, Noto Sans JP, sans-serif"},
                  "borderWidth": 1.5, "scaling": {"label": {"drawThreshold": 6}}},
        "edges": {"font": {"size": 11, "align": "horizontal", "strokeWidth": 3, "strokeColor": "#ffffff",
                           "face": "Noto Sans CJK JP, Noto Sans JP, sans-serif"},
                  "smooth": {"enabled": True, "type": "continuous", "roundness": 0.3},
                  "selectionWidth": 2, "hoverWidth": 1.5},
    }


def page_data(fmap: FlowMap, aggregated: bool) -> dict:
    """Everything the page needs, as plain JSON-able data (document text stays text)."""
    data = {
        "title": fmap.title,
        "mode": "aggregated" if aggregated else "full",
        "nodes": [_node_record(n) for n in sorted(fmap.nodes.values(), key=lambda n: natural_key(n.id))],
        "edges": [_edge_record(e) for e in sorted(fmap.edges.values(), key=lambda e: natural_key(e.id))],
        "nodeStyles": {k: vars(s) for k, s in NODE_STYLES.items()},
        "systemColors": SYSTEM_KIND_COLORS,
        "categories": {k: vars(c) for k, c in EDGE_CATEGORIES.items()},
        "warningColor": WARNING_COLOR,
        "options": vis_options(aggregated),
        "counts": fmap.counts(),
        "assessments": len(fmap.assessments),
    }
    if aggregated:
        data["summaries"], data["links"] = body_summaries(fmap)
    if fmap.versions is not None:
        data["diff"] = {"old": fmap.versions[0], "new": fmap.versions[1],
                        "styles": {k: {**vars(s), "dashes": list(s.dashes)} for k, s in DIFF_STYLES.items()},
                        "counts": {k: sum(1 for e in fmap.edges.values() if e.change == k) for k in DIFF_STYLES}}
    return data


def network(data: dict):
    """The page data (`page_data`) as a pyvis ``Network`` (nodes and edges as vis-network dicts, options set).

    Tooltips are kept as ``info`` (key, text) pairs and no ``title`` is set: pyvis's own
    template would put a title into ``innerHTML``. Write HTML with `page_html`, which
    builds tooltips from text nodes and inlines vis-network.
    """
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%", heading="")
    visible_nodes = data["summaries"] if data["mode"] == "aggregated" else data["nodes"]
    visible_edges = data["links"] if data["mode"] == "aggregated" else data["edges"]
    # Filled directly: pyvis's add_node/add_edge check membership in lists (quadratic on big maps).
    for record in visible_nodes:
        net.nodes.append(dict(record))
        net.node_ids.append(record["id"])
        net.node_map[record["id"]] = net.nodes[-1]
    for record in visible_edges:
        net.edges.append(dict(record))
    net.options = data["options"]
    net.pdgraph_payload = data  # type: ignore[attr-defined]
    return net


def _csp(scripts: Sequence[str], styles: Sequence[str]) -> str:
    """Content-Security-Policy allowing exactly the page's own inline scripts and styles, nothing remote."""
    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"

    return ("default-src 'none'; "
            f"script-src {' '.join(digest(s) for s in scripts)}; "
            f"style-src {' '.join(digest(s) for s in styles)}; "
            "img-src data:; font-src 'none'; connect-src 'none'; media-src 'none'; object-src 'none'; "
            "frame-src 'none'; worker-src 'none'; form-action 'none'; base-uri 'none'")


def page_html(data: dict) -> str:
    """The page data (`page_data`) as one self-contained HTML page (vis-network inlined, no external reference)."""
    vis_js, vis_css = _vis_asset("vis-network.min.js"), _vis_asset("vis-network.css")
    map_js, map_css = _data_asset("map.js"), _data_asset("map.css")
    template = _data_asset("map.html")
    scripts = [vis_js, map_js]
    styles = [vis_css, map_css]
    values = {"csp": html.escape(_csp(scripts, styles), quote=False), "title": html.escape(data["title"]),
              "counts": html.escape(_count_text(data)), "vis_css": vis_css, "map_css": map_css,
              "data": script_json(data), "vis_js": vis_js, "map_js": map_js}
    # One pass over the template: text inserted for one placeholder is never searched again.
    page = re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)
    return page


def _count_text(data: dict) -> str:
    counts = data["counts"]
    text = f"評価書 {data['assessments']}件 ・ ノード {counts['nodes']} ・ 辺 {counts['edges']}"
    if "diff" in data:
        diff = data["diff"]
        text += (f" ・ 変更点 {diff['old']} → {diff['new']}: 追加 {diff['counts']['added']}、"
                 f"削除 {diff['counts']['removed']}、根拠の変更 {diff['counts']['changed']}")
    if data["mode"] == "aggregated":
        text += f" ・ 集約表示 (評価実施機関 {len(data['summaries'])}件、ダブルクリックで展開)"
    return text
