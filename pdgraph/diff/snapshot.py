"""Reading: one assessment's named graph -> a `Snapshot`, the parts a reviewer compares.

A snapshot is read out of the knowledge graph only (like the facts and the map), so two
documents, two RDF files or two versions in a store compare the same way. Every part keeps
where it was read (`document:place` or `document:line`), and its citations as provision IRIs
(shared by every assessment: 番号法 別表第二 33の項 is one IRI) with their labels.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ..extract.normalise import canonical_organisation, split_contractors
from ..graph.versions import parse_version
from ..graph.vocab import PDG
from ..textnorm import tidy

Provisions = dict[str, str]  # provision IRI -> label ("番号法 別表第二 33の項")


def name_key(name: str | None) -> str:
    """The comparison form of a name: canonical organisation, NFKC, no spaces (株式会社 A = 株式会社A)."""
    if not name:
        return ""
    return "".join(canonical_organisation(tidy(name)).split())


@dataclass
class FlowPart:
    """One 提供先k / 移転先k entry, or one row of an annex (別紙) listing real recipients."""

    direction: str  # 提供 | 移転
    recipient: str
    where: str
    position: int  # k of 提供先k / 移転先k, or the row's position in its annex
    provisions: Provisions = field(default_factory=dict)
    methods: tuple[str, ...] = ()
    subjects: str | None = None
    purpose: str = ""
    annex: str = ""  # "別紙1" for an annex row
    basis_where: str = ""  # where ①法令上の根拠 was read (else the entry's own place)
    rows: list["FlowPart"] = field(default_factory=list)

    @property
    def key(self) -> str:
        return name_key(self.recipient)


@dataclass
class EntrustmentPart:
    """委託事項k: its contractors (委託先), 再委託 and what is re-entrusted."""

    title: str
    where: str
    position: int
    contractors: tuple[str, ...] = ()
    contractor_where: str = ""
    reentrustment: str | None = None
    reentrusted: str = ""
    reentrustment_where: str = ""

    @property
    def key(self) -> str:
        return "".join(tidy(self.title).split())


@dataclass
class FilePart:
    """A 特定個人情報ファイル with its 入手元, 委託 and 提供・移転."""

    name: str
    where: str
    position: int
    subjects: str | None = None
    record_count: str | None = None
    sources: dict[tuple[str, str], str] = field(default_factory=dict)  # (category, entity) -> where
    entrustments: list[EntrustmentPart] = field(default_factory=list)
    flows: list[FlowPart] = field(default_factory=list)

    @property
    def key(self) -> str:
        return "".join(tidy(self.name).split())


@dataclass
class SystemPart:
    name: str
    where: str
    position: int
    kind: str | None = None
    connections: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return "".join(tidy(self.name).split())


@dataclass
class BasisPart:
    """個人番号の利用 or 情報連携 (提供 / 照会): the cited provisions and where they were read."""

    where: str
    provisions: Provisions = field(default_factory=dict)
    status: str | None = None  # 情報連携: 実施する | 実施しない | 未定


@dataclass
class ChangePart:
    """One row of the 変更箇所 table."""

    date: str
    item: str
    before: str
    after: str
    where: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.date, *("".join(tidy(t).split()) for t in (self.item, self.before, self.after)))


@dataclass
class Snapshot:
    """What `diff` compares of one version of an assessment."""

    graph: str
    document: str
    organization: str
    number: str
    kind: str
    title: str
    published: str | None
    published_where: str
    version: str = ""
    systems: list[SystemPart] | None = None
    files: list[FilePart] = field(default_factory=list)
    number_use: BasisPart | None = None
    linkage_provision: BasisPart | None = None
    linkage_inquiry: BasisPart | None = None
    linkage_status: str | None = None
    changes: list[ChangePart] | None = None

    @property
    def caption(self) -> str:
        return " ".join(p for p in (self.organization, self.kind, f"No.{self.number}" if self.number else "") if p)


class _Reader:
    def __init__(self, graph: Graph):
        self.g = graph
        nodes = sorted(graph.subjects(RDF.type, PDG.Assessment), key=str)
        if not nodes:
            raise ValueError(f"graph {graph.identifier} holds no pdg:Assessment")
        self.node = nodes[0]
        document = self.one(self.node, PDG.sourceDocument)
        self.document = self.text(document, PDG.fileName) if document is not None else ""

    def all(self, node, predicate) -> list:
        return sorted(self.g.objects(node, predicate), key=str)

    def one(self, node, predicate):
        values = self.all(node, predicate)
        return values[0] if values else None

    def text(self, node, predicate) -> str:
        value = self.one(node, predicate)
        return "" if value is None else str(value)

    def optional(self, node, predicate, field_name: str) -> str | None:
        """The field's text; "" when the document has it blank; None when the document lacks it."""
        value = self.text(node, predicate)
        if value:
            return value
        return "" if (node, PDG.statedField, Literal(field_name)) in self.g else None

    def number(self, node, predicate) -> int:
        value = self.one(node, predicate)
        return int(value) if isinstance(value, Literal) and str(value).isdigit() else 0

    def where(self, node, line=PDG.sourceLine, place=PDG.sourcePlace) -> str:
        spot = self.text(node, place) or self.text(node, line)
        return f"{self.document}:{spot}" if spot else self.document

    def ordered(self, nodes) -> list:
        return sorted(nodes, key=lambda n: (self.number(n, PDG.sequence), self.number(n, PDG.sourceLine), str(n)))

    def provisions(self, statement) -> Provisions:
        if statement is None:
            return {}
        return {str(p): self.text(p, RDFS.label) or str(p) for p in self.all(statement, PDG.cites)}

    def labels(self, nodes) -> tuple[str, ...]:
        return tuple(sorted(self.text(n, RDFS.label) for n in nodes))

    def typed(self, node, class_) -> bool:
        return (node, RDF.type, class_) in self.g


def read_snapshot(graph: Graph) -> Snapshot:
    """The parts of the one assessment (version) held in ``graph``."""
    r = _Reader(graph)
    n = r.node
    snap = Snapshot(graph=str(graph.identifier), document=r.document, organization=r.text(n, PDG.organizationName),
                    number=r.text(n, PDG.assessmentNumber), kind=r.text(n, PDG.assessmentKind),
                    title=r.text(n, DCTERMS.title), published=r.text(n, DCTERMS.issued) or None,
                    published_where=r.where(n, PDG.publishedLine, PDG.publishedPlace),
                    version=_version_key(graph.identifier))
    stated = {str(v) for v in r.all(n, PDG.statedField)}
    if "systems" in stated:
        snap.systems = [_system(r, s, i) for i, s in enumerate(r.ordered(r.all(n, PDG.usesSystem)), start=1)]
    snap.files = [_file(r, f, i) for i, f in enumerate(r.ordered(r.all(n, PDG.hasFile)), start=1)]
    if "number_use_basis" in stated:
        statement = r.one(n, PDG.numberUseBasis)
        snap.number_use = BasisPart(r.where(statement) if statement is not None else r.where(n),
                                    r.provisions(statement))
    if "info_linkage" in stated:
        snap.linkage_status = r.text(n, PDG.linkageStatus) or None
        for attribute, predicate in (("linkage_provision", PDG.linkageProvisionBasis),
                                     ("linkage_inquiry", PDG.linkageInquiryBasis)):
            statement = r.one(n, predicate)
            where = r.where(statement) if statement is not None else r.where(n)
            setattr(snap, attribute, BasisPart(where, r.provisions(statement), snap.linkage_status))
    if "changes" in stated:
        snap.changes = [ChangePart(r.text(c, PDG.changeDate) or r.text(c, PDG.dateRaw), r.text(c, PDG.changedItem),
                                   r.text(c, PDG.beforeText), r.text(c, PDG.afterText), r.where(c))
                        for c in r.ordered(r.all(n, PDG.hasChange))]
    return snap


def _version_key(name) -> str:
    version = parse_version(name)
    return version.key if version is not None else ""


def _system(r: _Reader, node, position: int) -> SystemPart:
    kind = r.one(node, PDG.systemKind)
    connections = list(r.labels(r.all(node, PDG.connectedToKind)))
    connections += [str(o) for o in r.all(node, PDG.otherConnection)]
    return SystemPart(r.text(node, RDFS.label) or f"システム{position}", r.where(node), position,
                      r.text(kind, RDFS.label) if kind is not None else None, tuple(sorted(set(connections))))


def _file(r: _Reader, node, position: int) -> FilePart:
    part = FilePart(r.text(node, RDFS.label) or f"ファイル{position}", r.where(node), position,
                    r.optional(node, PDG.subjectCount, "subjects"),
                    r.optional(node, PDG.recordItemCount, "record_count"))
    flows = r.all(node, PDG.hasFlow)
    for flow in flows:
        if r.typed(flow, PDG.Acquisition):
            category = r.one(flow, PDG.sourceCategory)
            key = (r.text(category, RDFS.label) if category is not None else "", r.text(flow, PDG.sourceText))
            part.sources[key] = r.where(flow)
    part.entrustments = [_entrustment(r, e, i) for i, e in enumerate(
        r.ordered(f for f in flows if r.typed(f, PDG.Entrustment)), start=1)]
    top = [f for f in flows if (r.typed(f, PDG.Provision) or r.typed(f, PDG.Transfer))
           and r.one(f, PDG.breakdownOf) is None]
    part.flows = [_flow(r, f) for f in r.ordered(top)]
    return part


def _entrustment(r: _Reader, node, position: int) -> EntrustmentPart:
    contractor_text = r.text(node, PDG.contractorText)
    contractors = tuple(sorted({tidy(c) for c in split_contractors(contractor_text) if tidy(c)}))
    sub = r.one(node, PDG.hasReentrustment)
    return EntrustmentPart(
        r.text(node, PDG.title) or f"委託事項{r.number(node, PDG.itemIndex) or position}", r.where(node),
        r.number(node, PDG.itemIndex) or position, contractors,
        r.where(node, PDG.contractorLine, PDG.contractorPlace) if r.one(node, PDG.contractorLine) else r.where(node),
        r.text(node, PDG.reentrustmentStatus) or None,
        r.text(sub, PDG.title) if sub is not None else "",
        r.where(node, PDG.reentrustmentLine, PDG.reentrustmentPlace) if r.one(node, PDG.reentrustmentLine)
        else r.where(node))


def _flow(r: _Reader, node, annex: str = "") -> FlowPart:
    direction = r.text(node, PDG.direction) or ("提供" if r.typed(node, PDG.Provision) else "移転")
    recipient = r.text(node, PDG.recipientText)
    if not recipient:
        target = r.one(node, PDG.recipient)
        recipient = r.text(target, RDFS.label) if target is not None else ""
    methods = list(r.labels(r.all(node, PDG.method))) + [f"その他 ({o})" for o in r.all(node, PDG.methodOther)]
    statement = r.one(node, PDG.legalBasisStatement)
    part = FlowPart(direction, recipient, r.where(node), r.number(node, PDG.sequence), r.provisions(statement),
                    tuple(sorted(set(methods))), r.optional(node, PDG.subjectCount, "subjects"),
                    r.text(node, PDG.purposeText), annex,
                    r.where(statement) if statement is not None else r.where(node))
    rows = r.ordered(r.g.subjects(PDG.breakdownOf, node))
    for row in rows:
        label = ", ".join(r.text(a, PDG.annexLabel) for a in r.all(row, PDG.inAnnex)) \
            or r.text(node, PDG.annexReference) or "別紙"
        part.rows.append(_flow(r, row, label))
    return part


def snapshot_label(snap: Snapshot) -> str:
    """``document (公表日 …)``: how a side of a diff is named."""
    return f"{snap.document or snap.graph}" + (f" (公表日 {snap.published})" if snap.published else "")


def provision_iris(snap_provisions: Provisions) -> set[URIRef]:
    return {URIRef(p) for p in snap_provisions}
