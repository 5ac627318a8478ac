"""Stage 7, render — reading: assessment graphs -> one `FlowMap` (typed nodes and edges, tooltips as text pairs).

The map is read out of the knowledge graph only (never from parser records):
each assessment's named graph is indexed by subject in one pass, then read
into nodes (bodies, departments, files, systems, sources, recipients,
contractors) and edges (入手, 提供, 移転, 委託, 再委託, system links); nodes
shared between assessments (laws, organisations) merge by IRI. The model is
pdgraph.map.model; the public API is pdgraph.map.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from .model import (METHOD_SHORT, AssessmentInfo, FlowMap, Info, MapEdge, MapNode, MapSelectionError,
                        default_title, finish_map, natural_key, nonempty)
from ..graph.ingest import Problem
from ..graph.stores import OxigraphStore
from ..graph.stream import GraphStream, Outcome, Progress, Spill, each_graph
from ..graph.triples import parse_ntriples
from ..graph.versions import current_graphs
from ..graph.vocab import PDG


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
            document=self.document, line=ix.number(self.node, PDG.sourceLine) or None,
            place=ix.text(self.node, PDG.sourcePlace) or None, graph=index.name)
        self.body_label = (ix.label(body) if body is not None else "") or self.info.organization

    # -- helpers
    def where(self, node) -> str:
        """``document:line`` of a node (the provenance every per-assessment node carries), or
        ``document:place`` when it has one (``file.pdf:p12:L7``)."""
        line = self.ix.number(node, PDG.sourceLine)
        if not line:
            return self.document
        return f"{self.document}:{self.ix.text(node, PDG.sourcePlace) or line}"

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
        self.add_edge(flow, str(source), str(file), "入手", _methods_label(methods, others), nonempty(info))

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
        self.add_edge(flow, source, str(recipient), direction, _methods_label(methods, others), nonempty(info),
                      warning=not provisions)

    def entrustment(self, file, flow) -> None:
        ix = self.ix
        contractors = ix.all(flow, PDG.contractor)
        title = ix.text(flow, PDG.title)
        info = nonempty([("種別", "委託"), ("委託事項", title), ("委託先", ix.text(flow, PDG.contractorText)),
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
                info_sub = nonempty([("種別", "再委託"), ("再委託する業務", ix.text(sub, PDG.title)),
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


def read_map(graphs: Iterable[Graph], title: str | None = None) -> FlowMap:
    """Read assessment graphs (one named graph each) into one map; shared nodes merge by IRI.
    Of several versions of one assessment only the current one is drawn (`pdgraph.graph.versions`)."""
    graphs = list(graphs)
    current = set(current_graphs(str(g.identifier) for g in graphs))
    return _read_indexes((_Index(graph, str(graph.identifier)) for graph in graphs
                          if str(graph.identifier) in current), title)


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
    current = set(current_graphs(names))  # one assessment is drawn once: its current version
    names = {name: g for name, g in names.items() if name in current}
    indexes = (_Index(grouped[names[name]], name) for name in sorted(names))
    return _read_indexes((ix for ix in indexes if ix.typed(PDG.Assessment)), title)


def read_map_triples(graphs: Iterable[tuple[str, Iterable[tuple]]], title: str | None = None) -> FlowMap:
    """Read (graph name, triples) pairs, one assessment graph each, in the order given (give them in
    name order for the same map as `map_from_dataset`); pairs without a pdg:Assessment are skipped.
    Only one graph's triples are indexed at a time, so the pairs may stream from a store."""
    indexes = (_Index(triples, name) for name, triples in graphs)
    return _read_indexes((ix for ix in indexes if ix.typed(PDG.Assessment)), title)


def map_from_store(store: OxigraphStore, title: str | None = None, progress: Progress | None = None) -> FlowMap:
    """Read every assessment graph of an Oxigraph store (the current version of each), one graph at a
    time, in name order."""
    names = current_graphs(store.graph_names())

    def graphs() -> Iterator[tuple[str, list]]:
        for done, name in enumerate(names, start=1):
            yield name, parse_ntriples(store.graph_ntriples(name))
            if progress is not None:
                progress("reading", done, len(names))

    return read_map_triples(graphs(), title)


def map_from_sources(paths: Sequence[str], jobs: int | None = None, progress: Progress | None = None,
                     problems: list | None = None, title: str | None = None) -> FlowMap:
    """Read documents and RDF files in worker processes into one map (the same map as `map_from_dataset`
    of their ingested dataset); sources that cannot be read are appended to ``problems``.

    The workers send each graph as N-Triples; graphs wait in a spill file and are read in name order.
    """
    stream = GraphStream(ntriples=True)
    spill = Spill()
    try:
        for event in each_graph(stream, paths, None, jobs, progress):
            if isinstance(event, Problem):
                if problems is not None:
                    problems.append(event)
            elif isinstance(event, Outcome) and event.has_assessment:
                spill.add(event.name, event.ntriples)
        current = set(current_graphs(spill.names()))
        return read_map_triples(((name, parse_ntriples(block)) for name, block in spill.items() if name in current),
                                title)
    finally:
        spill.close()


def _read_indexes(indexes: Iterable[_Index], title: str | None) -> FlowMap:
    fmap = FlowMap()
    for index in indexes:
        _AssessmentReader(index, fmap).run()
    _bundle_parallel(fmap)
    fmap.title = title or default_title(fmap)
    return finish_map(fmap)


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
