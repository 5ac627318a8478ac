"""Stage 7, render — the map model: the flow map as data, and the pure functions that select and aggregate it.

    FlowMap (typed MapNode / MapEdge, AssessmentInfo) --select--> FlowMap
    FlowMap --body_summaries--> one summary per 評価実施機関 (the aggregated view)

The vocabulary of the map (node kinds and their styles, edge categories and
their layers) is defined here because the model needs it: a node's displayed
kind and its tooltip, an edge's layer. Reading the graph into a `FlowMap` is
pdgraph.map.read; turning it into a page is pdgraph.map.page; the public API
is pdgraph.map. Nothing here reads RDF or writes HTML.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..errors import PdgraphError

LAYERS = ("flows", "systems", "contractors")


class MapSelectionError(PdgraphError):
    """A map selection (--assessment, --organization, --focus, --layers) matches nothing or is invalid."""


# -- visual vocabulary -------------------------------------------------------------------------

@dataclass(frozen=True)
class NodeStyle:
    """How one node kind looks (shape and colour; Okabe-Ito colours, shape carries the type too)."""

    title: str
    shape: str
    color: str
    border: str
    size: int = 18
    font_color: str = "#1a1a1a"


NODE_STYLES: dict[str, NodeStyle] = {
    "body": NodeStyle("評価実施機関", "box", "#1f3b73", "#0b1f45", 26, "#ffffff"),
    "department": NodeStyle("部署 (評価実施機関内)", "ellipse", "#d9e4f5", "#1f3b73"),
    "file": NodeStyle("特定個人情報ファイル", "database", "#f0b429", "#8a5a00", 24),
    "system": NodeStyle("システム", "hexagon", "#7fc8a9", "#1d6f4f", 16),
    "source": NodeStyle("入手元", "triangle", "#009e73", "#00573f", 14),
    "recipient": NodeStyle("提供先・移転先", "dot", "#56b4e9", "#0a5d8c", 14),
    "recipient_group": NodeStyle("提供先 (別紙で列挙)", "diamond", "#0072b2", "#003e61", 18),
    "contractor": NodeStyle("委託先", "square", "#cc79a7", "#7a2f5a", 13),
    "subcontractor": NodeStyle("再委託先", "square", "#e8bfd6", "#7a2f5a", 10),
}

# Systems are coloured by canonical kind (contract: "Canonical system kinds").
SYSTEM_KIND_COLORS: dict[str, str] = {
    "中間サーバー": "#2a9d8f",
    "宛名システム等": "#8ab17d",
    "情報提供ネットワークシステム": "#264653",
    "住民基本台帳ネットワークシステム": "#4d908e",
    "既存住民基本台帳システム": "#90be6d",
    "税務システム": "#b5c99a",
    "庁内連携システム": "#43aa8b",
    "番号管理システム": "#577590",
    "業務システム": "#7fc8a9",
    "": "#c7d8cf",  # kind unknown
}

# A node with several roles takes the first kind of this list that it has.
KIND_PRECEDENCE = ("body", "department", "file", "system", "recipient_group", "recipient", "contractor",
                   "subcontractor", "source")


@dataclass(frozen=True)
class EdgeCategory:
    """One kind of edge: the flow direction (入手, 提供, …) or a structural link."""

    key: str
    title: str
    layer: str
    color: str
    dashes: bool = False
    arrows: bool = True


EDGE_CATEGORIES: dict[str, EdgeCategory] = {
    "入手": EdgeCategory("入手", "入手 (入手元 → ファイル)", "flows", "#009e73"),
    "提供": EdgeCategory("提供", "提供 (ファイル → 提供先)", "flows", "#0072b2"),
    "移転": EdgeCategory("移転", "移転 (ファイル → 庁内の移転先)", "flows", "#3a9bd9"),
    "委託": EdgeCategory("委託", "委託 (ファイル → 委託先)", "contractors", "#cc79a7"),
    "再委託": EdgeCategory("再委託", "再委託 (委託先 → 再委託先)", "contractors", "#a0527f"),
    "接続": EdgeCategory("接続", "システム間の接続", "systems", "#6b8f7d"),
    "使用": EdgeCategory("使用", "評価実施機関 → システム", "systems", "#b8c4bd", arrows=False),
    "保有": EdgeCategory("保有", "評価実施機関 → ファイル", "base", "#9aa5b8", arrows=False),
    "集計": EdgeCategory("集計", "評価実施機関間の流れ (集約表示)", "flows", "#0072b2"),
}
WARNING_COLOR = "#d55e00"


@dataclass(frozen=True)
class DiffStyle:
    """How a flow (or node) that changed between two versions is drawn in a map diff."""

    title: str
    color: str
    dashes: tuple[int, ...] = ()
    width: float = 3.5


# Paul Tol's bright scheme: told apart from the category colours and from each other.
DIFF_STYLES: dict[str, DiffStyle] = {
    "added": DiffStyle("追加された流れ (新しい版だけにある)", "#228833"),
    "removed": DiffStyle("削除された流れ (古い版だけにある)", "#ee6677", (4, 4)),
    "changed": DiffStyle("法令上の根拠が変わった流れ", "#ccbb44", (10, 3, 2, 3)),
}

# ⑥提供方法 / ②入手方法 options, shortened for edge labels (full text stays in the tooltip).
METHOD_SHORT = {
    "電子記録媒体(フラッシュメモリを除く。)": "電子記録媒体",
    "情報提供ネットワークシステム": "情報提供NWS",
    "庁内連携システム": "庁内連携",
}


# -- the model -----------------------------------------------------------------------------------

Info = list[tuple[str, str]]


@dataclass
class MapNode:
    """One thing on the map: a body, department, file, system, source, recipient or contractor.

    A node may play several roles (入手元 in one assessment, 提供先 in another); ``facets`` keeps
    them per assessment so that a selection shows only the roles of the selected assessments.
    """

    id: str
    label: str
    facets: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # assessment id -> {(kind, role)}
    system_kind: str | None = None
    details: Info = field(default_factory=list)  # facts read from the graph (file, system)
    info: Info = field(default_factory=list)  # the tooltip, written by `finish_map`
    bodies: set[str] = field(default_factory=set)
    assessments: set[str] = field(default_factory=set)
    change: str = ""  # in a map diff: "added" (new version only) | "removed" (old version only)

    @property
    def kinds(self) -> set[str]:
        return {kind for a in self.assessments for kind, _ in self.facets.get(a, ())}

    @property
    def roles(self) -> set[str]:
        return {role for a in self.assessments for _, role in self.facets.get(a, ()) if role}

    @property
    def kind(self) -> str:
        """The displayed type: the first of ``KIND_PRECEDENCE`` the node has."""
        kinds = self.kinds
        return next((k for k in KIND_PRECEDENCE if k in kinds), "recipient")

    @property
    def layer(self) -> str:
        kind = self.kind
        if kind == "system":
            return "systems"
        if kind in ("contractor", "subcontractor"):
            return "contractors"
        return "flows"


@dataclass
class MapEdge:
    """One flow (入手, 提供, 移転, 委託, 再委託) or structural link, from ``source`` to ``target``."""

    id: str
    source: str
    target: str
    category: str
    label: str = ""
    info: Info = field(default_factory=list)
    warning: bool = False
    bodies: set[str] = field(default_factory=set)
    assessments: set[str] = field(default_factory=set)
    count: int = 1
    change: str = ""  # in a map diff: "added" | "removed" | "changed" (legal basis differs)

    @property
    def layer(self) -> str:
        return EDGE_CATEGORIES[self.category].layer


@dataclass
class AssessmentInfo:
    """What the map needs to know about one assessment (評価書)."""

    id: str
    iri: str
    body: str
    organization: str
    kind: str
    number: str
    title: str
    document: str
    line: int | None
    place: str | None = None  # "p12:L7" in a PDF (pdg:sourcePlace), shown instead of the line
    graph: str = ""  # the named graph it was read from (one version of the assessment)

    @property
    def where(self) -> str:
        """``document:place`` (or ``document:line``) of the assessment, the document alone if neither is known."""
        spot = self.place or self.line
        return f"{self.document}:{spot}" if spot else self.document

    @property
    def caption(self) -> str:
        return " ".join(p for p in (self.organization, self.kind, f"No.{self.number}" if self.number else "") if p)


@dataclass
class FlowMap:
    """The map as data: nodes and edges keyed by id, the assessments they come from."""

    nodes: dict[str, MapNode] = field(default_factory=dict)
    edges: dict[str, MapEdge] = field(default_factory=dict)
    assessments: dict[str, AssessmentInfo] = field(default_factory=dict)
    title: str = "個人情報の流れ"
    versions: tuple[str, str] | None = None  # a map diff: how the old and the new version are named

    def node(self, id_: str, label: str, kind: str, role: str, assessment: str) -> MapNode:
        node = self.nodes.get(id_)
        if node is None:
            node = self.nodes[id_] = MapNode(id_, label)
        node.facets.setdefault(assessment, set()).add((kind, role))
        node.assessments.add(assessment)
        return node

    def counts(self) -> dict[str, int]:
        """Number of nodes, of edges, and of edges per category."""
        per = defaultdict(int)
        for edge in self.edges.values():
            per[edge.category] += 1
        return {"nodes": len(self.nodes), "edges": len(self.edges), **dict(sorted(per.items()))}


@dataclass(frozen=True)
class MapOptions:
    """What to show: the CLI options of ``pdgraph map``."""

    assessments: tuple[str, ...] = ()
    organization: str | None = None
    focus: str | None = None
    depth: int = 2
    layers: tuple[str, ...] = LAYERS
    title: str | None = None


# -- helpers shared by reading, selecting and aggregating ------------------------------------------

def natural_key(text: str) -> tuple:
    """Sort "第7条" before "第19条" and "2の項" before "16の2の項"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text))


def short_label(text: str, width: int = 14, lines: int = 3) -> str:
    """A node label wrapped every ``width`` characters (Japanese has no spaces to wrap on), at most ``lines``."""
    text = re.sub(r"\s+", " ", text).strip()
    chunks = [text[i:i + width] for i in range(0, len(text), width)] or [""]
    if len(chunks) > lines:
        chunks = chunks[:lines]
        chunks[-1] = chunks[-1][:-1] + "…"
    return "\n".join(chunks)


def nonempty(info: Info) -> Info:
    """The (key, text) pairs whose text is not empty."""
    return [(k, v) for k, v in info if v]


def finish_map(fmap: FlowMap) -> FlowMap:
    """Write the tooltips (kinds, roles and assessments of a node are known only after all graphs)."""
    for node in fmap.nodes.values():
        style = NODE_STYLES[node.kind]
        head: Info = [("種別", style.title), ("名称", node.label)]
        if node.kind == "system":
            head.append(("システムの種別", node.system_kind or "不明"))
        roles = node.roles
        if len(roles) > 1 or (roles and node.kind not in ("body", "file", "system")):
            head.append(("役割", "、".join(sorted(roles))))
        captions = sorted(fmap.assessments[a].caption for a in node.assessments if a in fmap.assessments)
        if node.kind == "body":
            for aid in sorted(node.assessments):
                a = fmap.assessments.get(aid)
                if a is not None and a.body == node.id:
                    head.append(("評価書", f"{a.caption} {a.title}".strip()))
                    head.append(("出典", a.where))
        elif node.kind != "file" and captions:
            head.append(("評価書", "、".join(captions[:5]) + (f" ほか{len(captions) - 5}件" if len(captions) > 5 else "")))
        keys = {k for k, _ in head}
        node.info = head + [(k, v) for k, v in node.details if k not in keys]
    return fmap


def default_title(fmap: FlowMap) -> str:
    """The caption and title of the one assessment, else "N件の評価書"."""
    if len(fmap.assessments) == 1:
        a = next(iter(fmap.assessments.values()))
        return f"{a.caption} {a.title}".strip()
    return f"{len(fmap.assessments)}件の評価書"


# -- selection -----------------------------------------------------------------------------------

def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def select_assessments(fmap: FlowMap, keys: Sequence[str] = (), organization: str | None = None) -> set[str]:
    """Ids of the assessments matching ``--assessment`` keys and ``--organization``.

    A key is an assessment id, its IRI, its graph IRI, or its document's file name (with or
    without extension); the organisation matches the 評価実施機関名 as a substring (NFKC, spaces ignored).
    """
    chosen = set(fmap.assessments)
    if keys:
        wanted: set[str] = set()
        for key in keys:
            found = {aid for aid, a in fmap.assessments.items() if key in _assessment_keys(a)}
            if not found:
                raise MapSelectionError(f"--assessment {key}: no such assessment (known: "
                                        f"{', '.join(sorted(a.document or a.id for a in fmap.assessments.values()))})")
            wanted |= found
        chosen &= wanted
    if organization:
        needle = _norm(organization)
        found = {aid for aid, a in fmap.assessments.items() if needle in _norm(a.organization)
                 or needle in _norm(fmap.nodes[a.body].label if a.body in fmap.nodes else "")}
        if not found:
            raise MapSelectionError(f"--organization {organization}: no assessment of that 評価実施機関")
        chosen &= found
    if not chosen:
        raise MapSelectionError("--assessment and --organization together select no assessment")
    return chosen


def _assessment_keys(a: AssessmentInfo) -> set[str]:
    stem = a.document.rsplit(".", 1)[0] if a.document else ""
    return {a.id, a.iri, a.iri.replace("/assessment/", "/graph/"), a.graph, a.document, stem} - {""}


def restrict(fmap: FlowMap, assessments: set[str] | None = None, layers: Sequence[str] = LAYERS) -> FlowMap:
    """The part of the map that comes from ``assessments`` and belongs to ``layers``."""
    unknown = sorted(set(layers) - set(LAYERS))
    if unknown:
        raise MapSelectionError(f"--layers: unknown layer(s) {', '.join(unknown)} (choose from {', '.join(LAYERS)})")
    keep = set(fmap.assessments) if assessments is None else set(assessments)
    kept = _narrow(fmap, keep)
    edges = {k: e for k, e in kept.edges.items() if e.layer in layers or e.layer == "base"}
    used = {n for e in edges.values() for n in (e.source, e.target)}
    nodes = {k: n for k, n in kept.nodes.items() if k in used or n.kind in ("body", "file") or n.layer in layers}
    edges = {k: e for k, e in edges.items() if e.source in nodes and e.target in nodes}
    return finish_map(replace(kept, nodes=nodes, edges=edges))


def _narrow(fmap: FlowMap, keep: set[str]) -> FlowMap:
    """The nodes and edges of the assessments in ``keep``, with their roles and bodies narrowed to them."""
    assessments = {k: a for k, a in fmap.assessments.items() if k in keep}
    nodes = {}
    for key, node in fmap.nodes.items():
        mine = node.assessments & keep
        if mine:
            nodes[key] = replace(node, assessments=mine, bodies={assessments[a].body for a in mine})
    edges = {}
    for key, edge in fmap.edges.items():
        mine = edge.assessments & keep
        if mine:
            edges[key] = replace(edge, assessments=mine, bodies={assessments[a].body for a in mine})
    return replace(fmap, nodes=nodes, edges=edges, assessments=assessments)


def find_nodes(fmap: FlowMap, query: str) -> list[str]:
    """Nodes named by ``--focus``: an exact id or label, else labels containing the text (NFKC)."""
    exact = [k for k, n in fmap.nodes.items() if query in (k, n.label)]
    if exact:
        return sorted(exact)
    needle = _norm(query)
    return sorted(k for k, n in fmap.nodes.items() if needle and needle in _norm(n.label))


def focus(fmap: FlowMap, query: str, depth: int) -> FlowMap:
    """The neighbourhood (edges in both directions) of the nodes matching ``query``, ``depth`` hops deep."""
    if depth < 0:
        raise MapSelectionError(f"--depth {depth}: must be 0 or more")
    starts = find_nodes(fmap, query)
    if not starts:
        raise MapSelectionError(f"--focus {query}: no node has that id or label")
    neighbours: dict[str, set[str]] = defaultdict(set)
    for edge in fmap.edges.values():
        neighbours[edge.source].add(edge.target)
        neighbours[edge.target].add(edge.source)
    distance = {s: 0 for s in starts}
    queue = deque(starts)
    while queue:
        current = queue.popleft()
        if distance[current] == depth:
            continue
        for nxt in sorted(neighbours[current]):
            if nxt not in distance:
                distance[nxt] = distance[current] + 1
                queue.append(nxt)
    edges = {k: e for k, e in fmap.edges.items() if e.source in distance and e.target in distance}
    used = {a for e in edges.values() for a in e.assessments} or {a for k in starts for a in fmap.nodes[k].assessments}
    narrowed = _narrow(fmap, used)
    nodes = {k: n for k, n in narrowed.nodes.items() if k in distance}
    return finish_map(replace(narrowed, nodes=nodes, edges={k: e for k, e in narrowed.edges.items() if k in edges}))


def select(fmap: FlowMap, options: MapOptions) -> FlowMap:
    """Apply ``--assessment``, ``--organization``, ``--layers`` and ``--focus``/``--depth``."""
    chosen = select_assessments(fmap, options.assessments, options.organization)
    result = restrict(fmap, chosen, options.layers)
    if options.focus:
        result = focus(result, options.focus, options.depth)
    if options.title:
        result.title = options.title
    elif chosen != set(fmap.assessments) or options.focus:
        result.title = default_title(result) + (f" — {options.focus} の周辺" if options.focus else "")
    return result


# -- aggregation ---------------------------------------------------------------------------------

def _owner(fmap: FlowMap, node_id: str) -> str | None:
    """The assessing body a node belongs to, when it belongs to exactly one (files, systems, departments)."""
    node = fmap.nodes[node_id]
    if node.kind == "body":
        return node_id
    if len(node.bodies) == 1 and node.kind in ("file", "system", "department", "recipient_group"):
        return next(iter(node.bodies))
    return None


def body_summaries(fmap: FlowMap) -> tuple[list[dict], list[dict]]:
    """One summary per assessing body (counts, warnings) and the flows between bodies, for the aggregated view."""
    per_body: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    nodes_of: dict[str, int] = defaultdict(int)
    for node in fmap.nodes.values():
        for body in node.bodies:
            nodes_of[body] += 1
    between: dict[tuple[str, str], list[MapEdge]] = defaultdict(list)
    for edge in fmap.edges.values():
        for body in edge.bodies:
            per_body[body][edge.category] += 1
            if edge.warning:
                per_body[body]["warnings"] += 1
        a, b = _owner(fmap, edge.source), _owner(fmap, edge.target)
        if a and b and a != b:
            between[(a, b)].append(edge)
    bodies = [n for n in fmap.nodes.values() if n.kind == "body"]
    flows = ("入手", "提供", "移転", "委託", "再委託")
    bodies.sort(key=lambda n: (-sum(per_body[n.id][c] for c in flows), natural_key(n.label)))
    summaries = []
    for position, node in enumerate(bodies):
        counts = per_body[node.id]
        x, y = _spiral(position)
        assessments = sorted(fmap.assessments[a].caption for a in node.assessments
                             if a in fmap.assessments and fmap.assessments[a].body == node.id)
        info = [("種別", "評価実施機関 (集約表示: ダブルクリックで展開)"), ("名称", node.label),
                ("評価書", "、".join(assessments[:5]) + (f" ほか{len(assessments) - 5}件" if len(assessments) > 5 else "")),
                ("流れ", "、".join(f"{c} {counts[c]}件" for c in flows if counts[c])),
                ("法令上の根拠の記載がない提供・移転", f"{counts['warnings']}件"),
                ("詳細のノード数", str(nodes_of[node.id]))]
        summaries.append({"id": node.id, "label": short_label(node.label), "x": x, "y": y,
                          "value": sum(counts[c] for c in flows) + 1, "warning": counts["warnings"] > 0,
                          "info": nonempty(info)})
    links = []
    for (a, b), edges in sorted(between.items()):
        categories = sorted({e.category for e in edges})
        links.append({"id": f"agg:{a}->{b}", "from": a, "to": b, "cat": "集計", "label": f"{len(edges)}件",
                      "info": [("種別", "評価実施機関間の流れ (集約)"), ("方向", "、".join(categories)),
                               ("件数", str(len(edges)))]})
    return summaries, links


def _spiral(position: int, spacing: float = 110.0) -> tuple[int, int]:
    """Sunflower (phyllotaxis) layout: even spacing, largest bodies in the centre."""
    radius = spacing * math.sqrt(position)
    angle = position * math.radians(137.508)
    return round(radius * math.cos(angle)), round(radius * math.sin(angle))
