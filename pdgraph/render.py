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
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
import unicodedata
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from .errors import PdgraphError
from .vocab import PDG

# Maps with more nodes than this open aggregated (one node per assessing body).
AGGREGATE_ABOVE = 500

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
    info: Info = field(default_factory=list)  # the tooltip, written by `_finish`
    bodies: set[str] = field(default_factory=set)
    assessments: set[str] = field(default_factory=set)

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


# -- reading the graph ---------------------------------------------------------------------------

class _Index:
    """All triples of one assessment graph by subject (one pass; dict look-ups afterwards)."""

    def __init__(self, triples: Iterable[tuple], name: str = ""):
        self.name = name
        self.by_subject: dict = defaultdict(lambda: defaultdict(list))
        self.by_type: dict = defaultdict(list)
        for s, p, o in triples:
            self.by_subject[s][p].append(o)
            if p == RDF.type:
                self.by_type[o].append(s)

    def all(self, node, predicate) -> list:
        values = self.by_subject.get(node, {}).get(predicate, [])
        return sorted(values, key=str) if len(values) > 1 else list(values)

    def one(self, node, predicate):
        values = self.all(node, predicate)
        return values[0] if values else None

    def text(self, node, predicate) -> str:
        value = self.one(node, predicate)
        return "" if value is None else str(value)

    def has_type(self, node, type_) -> bool:
        return type_ in self.by_subject.get(node, {}).get(RDF.type, [])

    def typed(self, type_) -> list:
        return sorted(set(self.by_type.get(type_, [])), key=str)

    def label(self, node) -> str:
        return self.text(node, RDFS.label)

    def number(self, node, predicate) -> int:
        value = self.one(node, predicate)
        return int(value.toPython()) if isinstance(value, Literal) and str(value).isdigit() else 0


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


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class _AssessmentReader:
    """Reads one assessment's named graph into the map (nodes are merged by IRI across assessments)."""

    def __init__(self, index: _Index, fmap: FlowMap):
        self.ix = index
        self.map = fmap
        nodes = self.ix.typed(PDG.Assessment)
        if not nodes:
            raise MapSelectionError(f"graph {index.name} holds no pdg:Assessment")
        self.node = nodes[0]
        ix = self.ix
        document = ix.one(self.node, PDG.sourceDocument)
        self.document = ix.text(document, PDG.fileName) if document is not None else ""
        body = ix.one(self.node, PDG.assessingBody)
        self.body = str(body if body is not None else f"{self.node}/assessing-body")
        organization = ix.text(self.node, PDG.organizationName) or (ix.label(body) if body is not None else "")
        self.info = AssessmentInfo(
            id=str(self.node).rsplit("/", 1)[-1], iri=str(self.node), body=self.body,
            organization=organization or "(評価実施機関名なし)", kind=ix.text(self.node, PDG.assessmentKind),
            number=ix.text(self.node, PDG.assessmentNumber), title=ix.text(self.node, DCTERMS.title),
            document=self.document, line=ix.number(self.node, PDG.sourceLine) or None)
        self.body_label = (ix.label(body) if body is not None else "") or self.info.organization

    # -- helpers
    def where(self, node) -> str:
        """``document:line`` of a node (the provenance every per-assessment node carries)."""
        line = self.ix.number(node, PDG.sourceLine)
        return f"{self.document}:{line}" if line else self.document

    def add_node(self, id_, label: str, kind: str, role: str) -> MapNode:
        node = self.map.node(str(id_), label, kind, role, self.info.id)
        node.bodies.add(self.body)
        return node

    def add_edge(self, id_, source: str, target: str, category: str, label: str = "", info: Info | None = None,
                 warning: bool = False) -> MapEdge:
        key = str(id_)
        edge = self.map.edges.get(key)
        if edge is None:
            edge = self.map.edges[key] = MapEdge(key, str(source), str(target), category, label, info or [], warning)
        edge.bodies.add(self.body)
        edge.assessments.add(self.info.id)
        return edge

    def stated_text(self, node, predicate, field_name: str) -> str:
        """A field's text; "(空欄)" when the document has the field blank, "(記載なし)" when it lacks it."""
        value = self.ix.text(node, predicate)
        if value:
            return value
        stated = Literal(field_name) in self.ix.all(node, PDG.statedField)
        return "(空欄)" if stated else "(記載なし)"

    def methods(self, node, predicate=PDG.method, other=PDG.methodOther) -> tuple[list[str], list[str]]:
        labels = sorted((self.ix.label(m) for m in self.ix.all(node, predicate)), key=_method_order)
        return labels, [str(o) for o in self.ix.all(node, other)]

    # -- the assessment
    def run(self) -> None:
        ix = self.ix
        self.map.assessments[self.info.id] = self.info
        body = self.add_node(self.body, self.body_label, "body", "評価実施機関")
        body.label = self.body_label
        for system in ix.all(self.node, PDG.usesSystem):
            self.system(system)
        for file in ix.all(self.node, PDG.hasFile):
            self.file(file)

    def system(self, system) -> None:
        ix = self.ix
        self.system_node(system)
        self.add_edge(f"{self.body}->{system}", self.body, str(system), "使用")
        for target in ix.all(system, PDG.connectedToSystem):
            self.system_node(target)
            self.add_edge(f"{system}~{target}", str(system), str(target), "接続",
                          info=[("種別", "システム間の接続"), ("出典", self.where(system))])
        used = {kind: s for s in ix.all(self.node, PDG.usesSystem) for kind in ix.all(s, PDG.systemKind)}
        for kind in ix.all(system, PDG.connectedToKind):
            target = used.get(kind)
            if target is None:
                target = URIRef(f"{self.body}/system-kind/{str(kind).rsplit('#', 1)[-1]}")
                placeholder = self.add_node(target, ix.label(kind), "system", "システム")
                placeholder.system_kind = ix.label(kind)
            if target != system:
                self.add_edge(f"{system}~{target}", str(system), str(target), "接続",
                              info=[("種別", "システム間の接続"), ("接続先の種別", ix.label(kind)),
                                    ("出典", self.where(system))])

    def system_node(self, system) -> MapNode:
        ix = self.ix
        node = self.add_node(system, ix.label(system) or "(名称なし)", "system", "システム")
        kind = ix.one(system, PDG.systemKind)
        if kind is not None:
            node.system_kind = ix.label(kind)
        if ix.number(system, PDG.sourceLine):
            node.details = [("出典", self.where(system))]
        return node

    def file(self, file) -> None:
        ix = self.ix
        node = self.add_node(file, ix.label(file) or "(ファイル名なし)", "file", "特定個人情報ファイル")
        node.details = [(k, v) for k, v in (
            ("本人の数", ix.text(file, PDG.subjectCount)),
            ("記録される項目", ix.text(file, PDG.recordItemCount)),
            ("保有開始日", ix.text(file, PDG.holdingStart) or ix.text(file, PDG.holdingStartRaw)),
            ("評価書", self.info.caption),
            ("出典", self.where(file))) if v]
        self.add_edge(f"{self.body}->{file}", self.body, str(file), "保有")
        for flow in ix.all(file, PDG.hasFlow):
            if ix.has_type(flow, PDG.Acquisition):
                self.acquisition(file, flow)
            elif ix.has_type(flow, PDG.Provision) or ix.has_type(flow, PDG.Transfer):
                self.provision(file, flow)
            elif ix.has_type(flow, PDG.Entrustment):
                self.entrustment(file, flow)

    def acquisition(self, file, flow) -> None:
        ix = self.ix
        category = ix.one(flow, PDG.sourceCategory)
        category_label = ix.label(category) if category is not None else ""
        source = ix.one(flow, PDG.dataSource)
        if source is not None:
            kind = "department" if ix.has_type(source, PDG.Department) else "source"
            self.add_node(source, ix.label(source) or ix.text(flow, PDG.sourceText), kind, "入手元")
        else:  # a category without a named entity: the category itself is the source
            source = category if category is not None else URIRef(f"{flow}/source")
            self.add_node(source, category_label or "(入手元不明)", "source", "入手元")
        methods, others = self.methods(flow)
        file_methods, file_others = self.methods(file, PDG.acquisitionMethod, PDG.acquisitionMethodOther)
        methods, others = methods or file_methods, others or file_others  # ②入手方法 is stated per file
        info = [("種別", "入手"), ("入手元", ix.text(flow, PDG.sourceText) or category_label),
                ("入手元の区分", category_label), ("入手方法", _methods_text(methods, others)),
                ("ファイル", ix.label(file)), ("出典", self.where(flow))]
        self.add_edge(flow, str(source), str(file), "入手", _methods_label(methods, others), _nonempty(info))

    def basis(self, flow) -> tuple[list[str], list[str], str]:
        """Provision labels and raw texts of a flow's legal basis, and where they were inherited from.

        An annex (別紙) row without its own basis takes the one written in the annex's title
        (e.g. 練馬区 別紙2), else the one of the aggregate entry it breaks down.
        """
        ix = self.ix
        candidates = [(flow, "")]
        for annex in ix.all(flow, PDG.inAnnex):
            candidates.append((annex, f"{ix.text(annex, PDG.annexLabel) or '別紙'}の記載から"))
        for parent in ix.all(flow, PDG.breakdownOf):
            candidates.append((parent, "集約された提供先・移転先の記載から"))
        for holder, origin in candidates:
            statements = ix.all(holder, PDG.legalBasisStatement)
            cited = {p for s in statements for p in ix.all(s, PDG.cites)}
            provisions = [ix.label(p) or str(p) for p in sorted(cited, key=self.provision_order)]
            raw = [ix.text(s, PDG.rawText) for s in statements if ix.text(s, PDG.rawText)]
            if provisions or raw:
                return provisions, raw, origin
        return [], [], ""

    def provision_order(self, provision) -> tuple:
        """番号法 第19条第7号 before 番号法 別表第二 16の2の項 before 別表第二 115の2の項."""
        ix = self.ix
        law = provision if ix.has_type(provision, PDG.Law) else ix.one(provision, PDG.law)
        in_table = ix.has_type(provision, PDG.AppendedTable) or ix.has_type(provision, PDG.TableRow)
        return (ix.label(law) if law is not None else "", in_table, natural_key(ix.label(provision)))

    def provision(self, file, flow) -> None:
        ix = self.ix
        direction = ix.text(flow, PDG.direction) or ("提供" if ix.has_type(flow, PDG.Provision) else "移転")
        recipient = ix.one(flow, PDG.recipient)
        recipient_text = ix.text(flow, PDG.recipientText)
        role = f"{direction}先"
        if recipient is None:
            recipient = URIRef(f"{flow}/recipient")
            self.add_node(recipient, f"({role}の記載なし)", "recipient", role)
        elif ix.has_type(recipient, PDG.RecipientGroup):
            self.add_node(recipient, ix.label(recipient) or recipient_text, "recipient_group", role)
        elif ix.has_type(recipient, PDG.Department):
            self.add_node(recipient, ix.label(recipient) or recipient_text, "department", role)
        else:
            self.add_node(recipient, ix.label(recipient) or recipient_text, "recipient", role)
        parents = ix.all(flow, PDG.breakdownOf)
        source = str(file)
        if parents:  # an annex row hangs from its aggregate entry's recipient group
            group = ix.one(parents[0], PDG.recipient)
            if group is not None and ix.has_type(group, PDG.RecipientGroup):
                source = str(group)
        provisions, raw, origin = self.basis(flow)
        methods, others = self.methods(flow)
        annex = ", ".join(ix.text(a, PDG.annexLabel) for a in ix.all(flow, PDG.inAnnex)) \
            or ix.text(flow, PDG.annexReference)
        info = [("種別", f"{direction}" + (" (別紙の行)" if parents else "")),
                (f"{direction}先", recipient_text or ix.label(recipient)),
                ("法令上の根拠" + (f" ({origin})" if origin else ""),
                 "、".join(provisions) if provisions else "記載なし (根拠条文を特定できません)"),
                ("根拠の記載", " / ".join(raw)),
                ("本人の数", self.stated_text(flow, PDG.subjectCount, "subjects")),
                ("本人の範囲", ix.text(flow, PDG.subjectScope)),
                ("時期・頻度", self.stated_text(flow, PDG.timing, "timing")),
                (f"{direction}方法", _methods_text(methods, others)),
                ("用途", ix.text(flow, PDG.purposeText)),
                (f"{direction}する情報", ix.text(flow, PDG.informationText)),
                ("別紙", annex),
                ("ファイル", ix.label(file)),
                ("評価書", self.info.caption),
                ("出典", self.where(flow))]
        self.add_edge(flow, source, str(recipient), direction, _methods_label(methods, others), _nonempty(info),
                      warning=not provisions)

    def entrustment(self, file, flow) -> None:
        ix = self.ix
        contractors = ix.all(flow, PDG.contractor)
        title = ix.text(flow, PDG.title)
        info = _nonempty([("種別", "委託"), ("委託事項", title), ("委託先", ix.text(flow, PDG.contractorText)),
                          ("再委託", ix.text(flow, PDG.reentrustmentStatus)),
                          ("再委託の許諾方法", ix.text(flow, PDG.permissionMethod)),
                          ("ファイル", ix.label(file)), ("評価書", self.info.caption), ("出典", self.where(flow))])
        if not contractors:
            missing = URIRef(f"{flow}/contractor")
            self.add_node(missing, "(委託先の記載なし)", "contractor", "委託先")
            contractors = [missing]
        for contractor in contractors:
            self.add_node(contractor, ix.label(contractor) or ix.text(flow, PDG.contractorText), "contractor", "委託先")
            edge_id = str(flow) if len(contractors) == 1 else f"{flow}->{contractor}"
            self.add_edge(edge_id, str(file), str(contractor), "委託", "", info)
        for sub in ix.all(flow, PDG.hasReentrustment):
            for subcontractor in ix.all(sub, PDG.contractor):
                self.add_node(subcontractor, ix.label(subcontractor) or "再委託先", "subcontractor", "再委託先")
                info_sub = _nonempty([("種別", "再委託"), ("再委託する業務", ix.text(sub, PDG.title)),
                                      ("委託事項", title), ("委託先", ix.text(flow, PDG.contractorText)),
                                      ("ファイル", ix.label(file)), ("出典", self.where(sub))])
                origins = ix.all(sub, PDG.entrustedBy) or contractors
                for origin in origins:
                    edge_id = str(sub) if len(origins) == 1 else f"{sub}<-{origin}"
                    self.add_edge(edge_id, str(origin), str(subcontractor), "再委託", "", info_sub)


_METHOD_ORDER = ["紙", "電子記録媒体(フラッシュメモリを除く。)", "フラッシュメモリ", "電子メール", "専用線", "庁内連携システム",
                 "情報提供ネットワークシステム", "その他"]


def _method_order(label: str) -> tuple:
    return (_METHOD_ORDER.index(label) if label in _METHOD_ORDER else len(_METHOD_ORDER), label)


def _methods_text(methods: Sequence[str], others: Sequence[str]) -> str:
    parts = [m for m in methods if m != "その他"]
    if "その他" in methods or others:
        parts.append("その他" + (f" ({'、'.join(others)})" if others else ""))
    return "、".join(parts)


def _methods_label(methods: Sequence[str], others: Sequence[str]) -> str:
    """The edge label: the method(s), shortened (its full text is in the tooltip)."""
    parts = [METHOD_SHORT.get(m, m) for m in methods if m != "その他"]
    if "その他" in methods or others:
        parts.append(_clip("・".join(others), 10) if others else "その他")
    return _clip("・".join(parts), 18)


def _nonempty(info: Info) -> Info:
    return [(k, v) for k, v in info if v]


def _finish(fmap: FlowMap) -> FlowMap:
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
                    head.append(("出典", f"{a.document}:{a.line}" if a.line else a.document))
        elif node.kind != "file" and captions:
            head.append(("評価書", "、".join(captions[:5]) + (f" ほか{len(captions) - 5}件" if len(captions) > 5 else "")))
        keys = {k for k, _ in head}
        node.info = head + [(k, v) for k, v in node.details if k not in keys]
    return fmap


def read_map(graphs: Iterable[Graph], title: str | None = None) -> FlowMap:
    """Read assessment graphs (one named graph each) into one map; shared nodes merge by IRI."""
    return _read_indexes((_Index(graph, str(graph.identifier)) for graph in graphs), title)


def map_from_dataset(dataset: Dataset, graph_names: Iterable[URIRef] | None = None,
                     title: str | None = None) -> FlowMap:
    """Read the assessment graphs of a dataset (all, or those named) in one pass over its quads.

    Iterating each named graph of rdflib's memory store separately costs time quadratic in the
    number of graphs (shared triples list every graph holding them); one pass over all quads does not.
    """
    grouped: dict = defaultdict(list)
    for s, p, o, g in dataset.quads((None, None, None, None)):
        grouped[g].append((s, p, o))
    names = {str(getattr(g, "identifier", g)): g for g in grouped}
    if graph_names is not None:
        names = {name: g for name, g in names.items() if name in {str(n) for n in graph_names}}
    indexes = (_Index(grouped[names[name]], name) for name in sorted(names))
    return _read_indexes((ix for ix in indexes if ix.typed(PDG.Assessment)), title)


def _read_indexes(indexes: Iterable[_Index], title: str | None) -> FlowMap:
    fmap = FlowMap()
    for index in indexes:
        _AssessmentReader(index, fmap).run()
    _bundle_parallel(fmap)
    fmap.title = title or _default_title(fmap)
    return _finish(fmap)


def _default_title(fmap: FlowMap) -> str:
    if len(fmap.assessments) == 1:
        a = next(iter(fmap.assessments.values()))
        return f"{a.caption} {a.title}".strip()
    return f"{len(fmap.assessments)}件の評価書"


def _bundle_parallel(fmap: FlowMap) -> None:
    """Number parallel edges between two nodes (each gets its own curve); repeat labels are left off."""
    seen: dict[tuple[str, str], int] = defaultdict(int)
    labels: dict[tuple[str, str], set[str]] = defaultdict(set)
    for edge in sorted(fmap.edges.values(), key=lambda e: natural_key(e.id)):
        key = (min(edge.source, edge.target), max(edge.source, edge.target))
        edge.count = seen[key]
        seen[key] += 1
        if edge.label in labels[key]:
            edge.label = ""
        elif edge.label:
            labels[key].add(edge.label)


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
    return {a.id, a.iri, a.iri.replace("/assessment/", "/graph/"), a.document, stem} - {""}


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
    return _finish(replace(kept, nodes=nodes, edges=edges))


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
    return _finish(replace(narrowed, nodes=nodes, edges={k: e for k, e in narrowed.edges.items() if k in edges}))


def select(fmap: FlowMap, options: MapOptions) -> FlowMap:
    """Apply ``--assessment``, ``--organization``, ``--layers`` and ``--focus``/``--depth``."""
    chosen = select_assessments(fmap, options.assessments, options.organization)
    result = restrict(fmap, chosen, options.layers)
    if options.focus:
        result = focus(result, options.focus, options.depth)
    if options.title:
        result.title = options.title
    elif chosen != set(fmap.assessments) or options.focus:
        result.title = _default_title(result) + (f" — {options.focus} の周辺" if options.focus else "")
    return result


def build_map(source: Dataset | Iterable[Graph], options: MapOptions = MapOptions()) -> FlowMap:
    """Read (a dataset or assessment graphs) and select, in one call."""
    fmap = map_from_dataset(source) if isinstance(source, Dataset) else read_map(source)
    return select(fmap, options)


# -- aggregation ---------------------------------------------------------------------------------

def should_aggregate(fmap: FlowMap, aggregate: bool | None = None) -> bool:
    return len(fmap.nodes) > AGGREGATE_ABOVE if aggregate is None else aggregate


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
                          "info": _nonempty(info)})
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


# -- rendering -----------------------------------------------------------------------------------

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
    return record


def _edge_record(edge: MapEdge) -> dict:
    record = {"id": edge.id, "from": edge.source, "to": edge.target, "cat": edge.category, "label": edge.label,
              "info": edge.info, "bodies": sorted(edge.bodies)}
    if edge.warning:
        record["warn"] = True
    if edge.count:
        record["curve"] = edge.count
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


def payload(fmap: FlowMap, aggregate: bool | None = None) -> dict:
    """Everything the page needs, as plain JSON-able data (document text stays text)."""
    aggregated = should_aggregate(fmap, aggregate)
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
    return data


def to_network(fmap: FlowMap, aggregate: bool | None = None):
    """The map as a pyvis ``Network`` (nodes and edges as vis-network dicts, options set).

    Tooltips are kept as ``info`` (key, text) pairs and no ``title`` is set: pyvis's own
    template would put a title into ``innerHTML``. Write HTML with `render_html`, which
    builds tooltips from text nodes and inlines vis-network.
    """
    from pyvis.network import Network

    data = payload(fmap, aggregate)
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


def render_html(fmap: FlowMap, aggregate: bool | None = None) -> str:
    """The map as one self-contained HTML page (vis-network inlined, no external reference)."""
    net = to_network(fmap, aggregate)
    data = net.pdgraph_payload
    vis_js, vis_css = _vis_asset("vis-network.min.js"), _vis_asset("vis-network.css")
    map_js, map_css = _data_asset("map.js"), _data_asset("map.css")
    template = _data_asset("map.html")
    scripts = [vis_js, map_js]
    styles = [vis_css, map_css]
    values = {"csp": html.escape(_csp(scripts, styles), quote=False), "title": html.escape(fmap.title),
              "counts": html.escape(_count_text(data)), "vis_css": vis_css, "map_css": map_css,
              "data": script_json(data), "vis_js": vis_js, "map_js": map_js}
    # One pass over the template: text inserted for one placeholder is never searched again.
    page = re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)
    return page


def _count_text(data: dict) -> str:
    counts = data["counts"]
    text = f"評価書 {data['assessments']}件 ・ ノード {counts['nodes']} ・ 辺 {counts['edges']}"
    if data["mode"] == "aggregated":
        text += f" ・ 集約表示 (評価実施機関 {len(data['summaries'])}件、ダブルクリックで展開)"
    return text
