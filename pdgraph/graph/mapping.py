"""Stage 5, map to RDF: one `Assessment` record -> one named graph.

Design (see docs/model.md):
- one named graph per assessment, holding everything needed to read the
  assessment back (shared nodes such as laws or organisations are described
  again in every graph that uses them, so each graph is self-contained and can
  be validated or replaced on its own);
- IRIs derived from content (organisation + 評価書番号, names, numbers), never
  random, no blank nodes (`iris`);
- every flow, system, file, statement and change carries ``pdg:sourceDocument``
  and ``pdg:sourceLine`` (the line of the text as read), and, when the document is a PDF or
  has page-long lines, ``pdg:sourcePlace`` ("p12:L7", "L3:c1201": where a reader finds it)
  and ``pdg:sourcePage`` (the PDF page); field lines (``pdg:reentrustmentLine`` …) get their
  place the same way (`FIELD_PLACES`);
- ``pdg:statedField`` records which optional fields the document contains, so a
  lost section (null) stays distinct from a blank one ("" / []);
- every flow also carries summary literals derived from the graph's own triples
  (`flow_summary`): counterpart, legal bases and methods in one value each.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ..law.atoms import Atom
from ..law.dates import DateValue
from .flow_summary import flow_summary_triples
from .iris import (assessment_id, digest, graph_iri, iri_segment, is_department_name, law_iri, organisation_iri,
                   provision_iri)
from ..extract.normalise import canonical_organisation, split_contractors, system_kind
from ..extract.records import Assessment, BasisStatement, Change, DataFile, EntrustmentItem, Flow, System
from ..read.text import place_of
from .vocab import DIRECTION, DPV, EGOV_LAW_ID, FIELD_PLACES, ID, METHOD, PDG, PREFIXES, SOURCE_CATEGORY, SYSTEM_KIND


def _article_label(article: str) -> str:
    """"30の9" -> "第30条の9"."""
    head, _, branch = article.partition("の")
    return f"第{head}条" + (f"の{branch}" if branch else "")


def _camel(field: str) -> str:
    head, *rest = field.split("_")
    return head + "".join(part.title() for part in rest)


def _date_literal(value: DateValue) -> Literal | None:
    if value.iso is None:
        return None
    return Literal(value.iso, datatype=XSD.date if len(value.iso) == 10 else XSD.gYearMonth)


class _TripleSet(set):
    """Triples collected before they go into a store in one batch (stores add one by one slowly)."""

    def add(self, triple) -> None:  # type: ignore[override]
        super().add(triple)


class _Mapper:
    """Writes one assessment into a set of triples (kept small: one method per record type)."""

    def __init__(self, a: Assessment):
        self.a, self.g = a, _TripleSet()
        self.aid = assessment_id(a)
        self.base = f"{ID}assessment/{self.aid}"
        self.node = URIRef(self.base)
        self.document = ID[f"document/{self.aid}"]
        self.body = organisation_iri(a.organization) if a.organization else URIRef(f"{self.base}/assessing-body")

    # -- helpers
    def add(self, s, p, o) -> None:
        if o is None:
            return
        if not isinstance(o, (URIRef, Literal)):
            o = Literal(o)
        self.g.add((s, p, o))

    def text(self, s, p, value: str | None) -> None:
        if value:
            self.g.add((s, p, Literal(value)))

    def located(self, node: URIRef, line: int | None, *types: URIRef) -> None:
        for type_ in types:
            self.g.add((node, RDF.type, type_))
        self.g.add((node, PDG.sourceDocument, self.document))
        if line:
            self.g.add((node, PDG.sourceLine, Literal(int(line))))
            place = place_of(line)
            if place is not None:
                self.g.add((node, PDG.sourcePlace, Literal(str(place))))
                if place.page is not None:
                    self.g.add((node, PDG.sourcePage, Literal(place.page)))

    def line(self, node: URIRef, predicate: URIRef, line: int | None) -> None:
        """The document line of one field of a node (a field can sit lines away from the node),
        and its place in the source file when it has one."""
        if line:
            self.g.add((node, predicate, Literal(int(line))))
            place = place_of(line)
            if place is not None:
                self.g.add((node, FIELD_PLACES[predicate], Literal(str(place))))

    def stated(self, node: URIRef, *fields: str) -> None:
        for name in fields:
            self.g.add((node, PDG.statedField, Literal(name)))

    def label(self, node: URIRef, value: str) -> None:
        self.g.add((node, RDFS.label, Literal(value, lang="ja")))

    def date(self, node: URIRef, predicate: URIRef, value: DateValue | None, raw: str | None, field: str) -> None:
        if raw is not None:
            self.stated(node, field)
            self.text(node, PDG[f"{_camel(field)}Raw"], raw)
        if value is None:
            return
        self.add(node, predicate, _date_literal(value))
        if value.impossible:
            self.add(node, PDG.impossibleDateField, Literal(field))

    def annex_iri(self, label: str) -> URIRef:
        return URIRef(f"{self.base}/annex/{iri_segment(label.replace('別紙', 'besshi-').replace('別添', 'betten-'))}")

    # -- nodes shared across assessments (described again in each graph)
    def organisation(self, name: str, *types: URIRef) -> URIRef:
        node = organisation_iri(name)
        self.g.add((node, RDF.type, PDG.Organization))
        for type_ in types:
            self.g.add((node, RDF.type, type_))
        self.label(node, canonical_organisation(name))
        return node

    def department(self, name: str) -> URIRef:
        key = re.sub(r"\s+", "", name)
        node = URIRef(f"{self.body}/department/{digest(key)}")
        self.g.add((node, RDF.type, PDG.Department))
        self.g.add((node, PDG.partOf, self.body))
        self.label(node, name)
        return node

    def concept(self, node: URIRef, label: str, type_: URIRef) -> URIRef:
        self.g.add((node, RDF.type, type_))
        self.label(node, label)
        return node

    def provision(self, atom: Atom) -> URIRef:
        law = law_iri(atom.law)
        self.g.add((law, RDF.type, PDG.Law))
        self.g.add((law, RDF.type, DPV.Law))
        self.label(law, atom.law)
        if atom.law in EGOV_LAW_ID:
            self.add(law, PDG.eGovLawId, Literal(EGOV_LAW_ID[atom.law]))
        if atom.table:
            table = provision_iri(Atom(law=atom.law, table=atom.table))
            self.g.add((table, RDF.type, PDG.AppendedTable))
            self.g.add((table, PDG.law, law))
            self.g.add((table, SKOS.broader, law))
            self.add(table, PDG.tableName, Literal(atom.table))
            self.label(table, f"{atom.law} {atom.table}")
            if atom.row is None:
                return table
            row = provision_iri(atom)
            self.g.add((row, RDF.type, PDG.TableRow))
            self.g.add((row, PDG.law, law))
            self.g.add((row, SKOS.broader, table))
            self.add(row, PDG.tableName, Literal(atom.table))
            self.add(row, PDG.rowNumber, Literal(atom.row))
            self.label(row, f"{atom.law} {atom.table} {'各項' if atom.row == '*' else atom.row + 'の項'}")
            return row
        if atom.article is None:
            return law
        parent, label = law, atom.law
        steps = [(PDG.Article, Atom(atom.law, atom.article), _article_label(atom.article))]
        if atom.paragraph is not None:
            steps.append((PDG.Paragraph, Atom(atom.law, atom.article, atom.paragraph), f"第{atom.paragraph}項"))
        if atom.item is not None:
            steps.append((PDG.Item, atom, f"第{atom.item}号"))
        for class_, partial, suffix in steps:
            node = provision_iri(partial)
            label = f"{label}{' ' if parent == law else ''}{suffix}"
            self.g.add((node, RDF.type, class_))
            self.g.add((node, PDG.law, law))
            self.g.add((node, SKOS.broader, parent))
            self.add(node, PDG.articleNumber, Literal(partial.article))
            if partial.paragraph is not None:
                self.add(node, PDG.paragraphNumber, Literal(partial.paragraph))
            if partial.item is not None:
                self.add(node, PDG.itemNumber, Literal(partial.item))
            self.label(node, label)
            parent = node
        return parent

    def statement(self, node: URIRef, statement: BasisStatement, atoms: Iterable[Atom] | None = None) -> URIRef:
        self.located(node, statement.line, PDG.LegalBasisStatement)
        self.g.add((node, PDG.rawText, Literal(statement.raw)))
        for atom in statement.atoms if atoms is None else atoms:
            self.g.add((node, PDG.cites, self.provision(atom)))
        return node

    # -- the assessment
    def run(self) -> None:
        a, n = self.a, self.node
        self.located(n, a.kind_line or a.header_line, PDG.Assessment, DPV.DPIA)
        self.g.add((self.document, RDF.type, PDG.SourceDocument))
        self.g.add((self.document, RDF.type, PROV.Entity))
        self.g.add((self.document, PDG.fileName, Literal(a.source)))
        self.g.add((self.document, PDG.textSha256, Literal(a.text_sha256)))
        self.g.add((n, PROV.wasDerivedFrom, self.document))
        self.add(n, PDG.assessmentNumber, a.number)
        self.text(n, DCTERMS.title, a.title)
        self.add(n, PDG.assessmentKind, a.kind)
        if a.form_version:
            self.add(n, PDG.formVersion, Literal(a.form_version))
        if a.organization:
            self.organisation(a.organization, PDG.AssessingBody)
            self.g.add((n, PDG.assessingBody, self.body))
            self.add(n, PDG.organizationName, Literal(a.organization))
        self.date(n, DCTERMS.issued, a.published, a.published_raw, "published")
        self.line(n, PDG.publishedLine, a.published_line)
        if a.affair is not None:
            self.stated(n, "affair")
            self.text(n, PDG.affairName, a.affair)
        if a.department is not None:
            self.stated(n, "department")
            if a.department:
                self.g.add((n, PDG.responsibleDepartment, self.department(a.department)))
                self.add(n, PDG.departmentName, Literal(a.department))
        if a.systems is not None:
            self.stated(n, "systems")
            for position, system in enumerate(a.systems, start=1):
                self.system(system, position)
        if a.number_use is not None:
            self.stated(n, "number_use_basis")
            self.g.add((n, PDG.numberUseBasis, self.statement(URIRef(f"{self.base}/number-use"), a.number_use)))
        if a.linkage is not None:
            self.linkage()
        for position, file in enumerate(a.files, start=1):
            self.file(file, position)
        if a.changes is not None:
            self.stated(n, "changes")
            for position, change in enumerate(a.changes, start=1):
                self.change(change, position)
        for annex in a.annexes:
            node = self.annex_iri(annex.label)
            self.located(node, annex.line, PDG.Annex)
            self.g.add((n, PDG.hasAnnex, node))
            self.add(node, PDG.annexLabel, Literal(annex.label))
            self.text(node, DCTERMS.title, annex.title)
            if annex.basis is not None:
                self.g.add((node, PDG.legalBasisStatement, self.statement(URIRef(f"{node}/basis"), annex.basis)))
        for section in sorted(a.sections_seen):
            self.add(n, PDG.sectionPresent, Literal(section))

    def linkage(self) -> None:
        link, n = self.a.linkage, self.node
        self.stated(n, "info_linkage")
        self.add(n, PDG.linkageStatus, link.status)
        if link.basis is None:
            return
        self.stated(n, "linkage_basis")
        for role, atoms, predicate in (("provision", link.provision_atoms, PDG.linkageProvisionBasis),
                                       ("inquiry", link.inquiry_atoms, PDG.linkageInquiryBasis)):
            node = self.statement(URIRef(f"{self.base}/linkage/{role}"), link.basis, atoms or [])
            self.g.add((n, predicate, node))

    def system(self, system: System, position: int) -> None:
        name = system.name or f"システム{system.index}"
        node = URIRef(f"{self.body}/system/{digest(name)}")
        self.located(node, system.line, PDG.System)
        self.g.add((self.node, PDG.usesSystem, node))
        self.add(node, PDG.sequence, Literal(position))
        self.add(node, PDG.systemIndex, Literal(system.index))
        self.add(node, PDG.operatedBy, self.body)
        if system.name:
            self.label(node, system.name)
            self.add(node, PDG.rawName, Literal(system.raw_name))
        if system.kind:
            self.g.add((node, PDG.systemKind, self.concept(SYSTEM_KIND[system.kind], system.kind, PDG.SystemKind)))
        if system.connections is None:
            return
        self.stated(node, "connections")
        for label in system.connections:
            if label == "その他":
                self.add(node, PDG.connectsToOther, Literal(True))
            elif label in SYSTEM_KIND:
                self.g.add((node, PDG.connectedToKind, self.concept(SYSTEM_KIND[label], label, PDG.SystemKind)))
        for position_other, other in enumerate(system.other_connections or [], start=1):
            self.add(node, PDG.otherConnection, Literal(other))
            target = URIRef(f"{self.body}/system/{digest(other)}")
            self.g.add((target, RDF.type, PDG.System))
            self.label(target, other)
            kind = system_kind(other)
            if kind:
                self.g.add((target, PDG.systemKind, self.concept(SYSTEM_KIND[kind], kind, PDG.SystemKind)))
            self.g.add((node, PDG.connectedToSystem, target))

    # -- files and flows
    def file(self, file: DataFile, position: int) -> None:
        node = URIRef(f"{self.base}/file/{digest(file.name) if file.name else position}")
        self.located(node, file.line, PDG.PersonalInformationFile, DPV.PersonalData)
        self.g.add((self.node, PDG.hasFile, node))
        self.add(node, PDG.sequence, Literal(position))
        if file.name:
            self.label(node, file.name)
        for field, predicate, value in (("subjects", PDG.subjectCount, file.subjects),
                                        ("record_count", PDG.recordItemCount, file.record_count)):
            if value is not None:
                self.stated(node, field)
                self.text(node, predicate, value)
        self.date(node, PDG.holdingStart, file.holding_start, file.holding_start_raw, "holding_start")
        self.line(node, PDG.holdingStartLine, file.holding_start_line)
        if file.record_items is not None:
            self.stated(node, "record_items")
            for item in file.record_items:
                self.add(node, PDG.recordItem, Literal(item))
        if file.sources is not None:
            self.stated(node, "sources")
            for source in file.sources:
                self.acquisition_sources(node, file, source)
        if file.acquisition_methods is not None:
            self.stated(node, "acquisition_methods")
            self.line(node, PDG.acquisitionLine, file.acquisition_line)
            for label in file.acquisition_methods:
                self.g.add((node, PDG.acquisitionMethod, self.concept(METHOD[label], label, PDG.Method)))
            for other in file.acquisition_methods_other or []:
                self.add(node, PDG.acquisitionMethodOther, Literal(other))
        if file.storage is not None:
            self.storage(node, file)
        if file.entrustment is not None:
            self.entrustment(node, file)
        pt = file.provision_transfer
        if pt.line is not None:
            self.stated(node, "provision_transfer")
            self.line(node, PDG.provisionTransferLine, pt.line)
            self.add(node, PDG.provides, None if pt.provides is None else Literal(pt.provides))
            self.add(node, PDG.provisionCount, None if pt.provision_count is None else Literal(pt.provision_count))
            self.add(node, PDG.transfers, None if pt.transfers is None else Literal(pt.transfers))
            self.add(node, PDG.transferCount, None if pt.transfer_count is None else Literal(pt.transfer_count))
        for field, flows in (("provisions", file.provisions), ("transfers", file.transfers)):
            if flows is None:
                continue
            self.stated(node, field)
            for position_flow, flow in enumerate(flows, start=1):
                self.flow(node, flow, f"{node}/{flow.direction}/{position_flow}", position_flow)

    def acquisition_sources(self, file_node: URIRef, file: DataFile, source) -> None:
        category = SOURCE_CATEGORY[source.category]
        self.concept(category, source.category, PDG.SourceCategory)
        entities = source.entities or [""]
        for entity in entities:
            node = URIRef(f"{file_node}/acquisition/{iri_segment(str(category).rsplit('#', 1)[1])}/{digest(entity)}")
            self.located(node, source.line, PDG.Flow, PDG.Acquisition)
            self.g.add((node, PDG.file, file_node))
            self.g.add((file_node, PDG.hasFlow, node))
            self.g.add((node, PDG.direction, Literal("入手")))
            self.g.add((node, PDG.sourceCategory, category))
            if entity:
                self.add(node, PDG.sourceText, Literal(entity))
                target = (self.department(entity) if source.category == "評価実施機関内の他部署"
                          else self.organisation(entity))
                self.g.add((target, RDF.type, DPV.DataSource))
                self.g.add((node, PDG.dataSource, target))
            for label in file.acquisition_methods or []:
                self.g.add((node, PDG.method, self.concept(METHOD[label], label, PDG.Method)))

    def storage(self, file_node: URIRef, file: DataFile) -> None:
        """6. 特定個人情報の保管・消去: each field stated, with the line it stands on."""
        storage = file.storage
        for predicate, value, line_predicate, line in (
                (PDG.storagePlace, storage.place, PDG.storagePlaceLine, storage.place_line),
                (PDG.retentionPeriod, storage.period, PDG.retentionLine, storage.period_line),
                (PDG.erasureMethod, storage.erasure, PDG.erasureLine, storage.erasure_line)):
            if value:
                self.text(file_node, predicate, value)
                self.line(file_node, line_predicate, line)
        if storage.rationale:
            self.text(file_node, PDG.retentionRationale, storage.rationale)
            self.line(file_node, PDG.retentionLine, storage.period_line)

    def entrustment(self, file_node: URIRef, file: DataFile) -> None:
        e = file.entrustment
        self.stated(file_node, "entrustment")
        self.add(file_node, PDG.entrustmentStatus, e.status)
        self.line(file_node, PDG.entrustmentLine, e.line)
        self.add(file_node, PDG.declaredEntrustmentCount, None if e.declared_count is None else Literal(e.declared_count))
        for position, item in enumerate(e.items, start=1):
            self.entrustment_item(file_node, item, position)

    def entrustment_item(self, file_node: URIRef, item: EntrustmentItem, position: int) -> None:
        node = URIRef(f"{file_node}/entrustment/{position}")
        self.located(node, item.line, PDG.Flow, PDG.Entrustment)
        self.g.add((file_node, PDG.hasFlow, node))
        self.g.add((node, PDG.file, file_node))
        self.g.add((node, PDG.direction, Literal("委託")))
        self.add(node, PDG.sequence, Literal(position))
        self.add(node, PDG.itemIndex, Literal(item.index))
        self.text(node, PDG.title, item.title)
        self.text(node, PDG.descriptionText, item.description)
        contractors = []
        if item.contractor is not None:
            self.stated(node, "contractor")
            self.text(node, PDG.contractorText, item.contractor)
            self.line(node, PDG.contractorLine, item.contractor_line)
            for name in split_contractors(item.contractor):
                contractor = self.organisation(name, DPV.DataProcessor)
                contractors.append(contractor)
                self.g.add((node, PDG.contractor, contractor))
        if item.reentrustment is not None:
            self.add(node, PDG.reentrustmentStatus, Literal(item.reentrustment))
            self.line(node, PDG.reentrustmentLine, item.reentrustment_line)
        if item.permission_method is not None:
            self.stated(node, "permission_method")
            self.line(node, PDG.permissionLine, item.permission_line)
            self.text(node, PDG.permissionMethod, item.permission_method)
        if item.reentrustment == "再委託する":
            sub = URIRef(f"{node}/reentrustment")
            self.located(sub, item.reentrustment_line or item.line, PDG.Flow, PDG.Reentrustment)
            self.g.add((node, PDG.hasReentrustment, sub))
            self.g.add((sub, PDG.file, file_node))
            self.g.add((file_node, PDG.hasFlow, sub))
            self.g.add((sub, PDG.direction, Literal("再委託")))
            self.text(sub, PDG.title, item.reentrusted_tasks)
            subcontractor = URIRef(f"{sub}/subcontractor")
            self.g.add((subcontractor, RDF.type, PDG.Organization))
            self.g.add((subcontractor, RDF.type, DPV.DataSubProcessor))
            self.label(subcontractor, f"{item.contractor or '委託先'}の再委託先")
            self.g.add((sub, PDG.contractor, subcontractor))
            for contractor in contractors:
                self.g.add((sub, PDG.entrustedBy, contractor))

    def flow(self, file_node: URIRef, flow: Flow, iri: str, position: int, parent: URIRef | None = None) -> URIRef:
        node = URIRef(iri)
        direction = "提供" if flow.direction == "provision" else "移転"
        self.located(node, flow.line, PDG.Flow, DIRECTION[direction])
        self.g.add((node, PDG.file, file_node))
        self.g.add((file_node, PDG.hasFlow, node))
        self.g.add((node, PDG.direction, Literal(direction)))
        self.add(node, PDG.sequence, Literal(position))
        if parent is not None:
            self.g.add((node, PDG.breakdownOf, parent))
            self.g.add((node, PDG.annexRow, Literal(True)))
            if flow.annex_ref:
                self.g.add((node, PDG.inAnnex, self.annex_iri(flow.annex_ref)))
        if flow.recipient:
            self.text(node, PDG.recipientText, flow.recipient)
            self.g.add((node, PDG.recipient, self.recipient(flow, parent)))
        if flow.basis is not None:
            self.stated(node, "legal_basis")
            statement = self.statement(URIRef(f"{iri}/basis"), flow.basis)
            self.g.add((node, PDG.legalBasisStatement, statement))
            for atom in flow.basis.atoms:
                self.g.add((node, DPV.hasLegalBasis, provision_iri(atom)))
        for field, predicate, value in (("purpose", PDG.purposeText, flow.purpose),
                                        ("information", PDG.informationText, flow.information),
                                        ("subjects", PDG.subjectCount, flow.subjects),
                                        ("scope", PDG.subjectScope, flow.scope),
                                        ("timing", PDG.timing, flow.timing)):
            if value is not None:
                self.stated(node, field)
                self.text(node, predicate, value)
        if flow.methods is not None:
            self.stated(node, "methods")
            for label in flow.methods:
                self.g.add((node, PDG.method, self.concept(METHOD[label], label, PDG.Method)))
            for other in flow.methods_other or []:
                self.add(node, PDG.methodOther, Literal(other))
        if flow.annex_ref and parent is None:
            self.add(node, PDG.annexReference, Literal(flow.annex_ref))
        for row_position, row in enumerate(flow.breakdown, start=1):
            self.flow(file_node, row, f"{iri}/row/{row_position}", row_position, parent=node)
        return node

    def recipient(self, flow: Flow, parent: URIRef | None) -> URIRef:
        if flow.annex_ref and parent is None and flow.breakdown:
            group = URIRef(f"{self.base}/recipient-group/{digest(flow.recipient)}")
            self.g.add((group, RDF.type, PDG.RecipientGroup))
            self.g.add((group, RDF.type, DPV.Recipient))
            self.label(group, flow.recipient)
            return group
        if flow.direction == "transfer" and is_department_name(flow.recipient):  # 移転 inside the body
            node = self.department(flow.recipient)
            self.g.add((node, RDF.type, DPV.Recipient))
            return node
        return self.organisation(flow.recipient, DPV.Recipient)

    def change(self, change: Change, position: int) -> None:
        node = URIRef(f"{self.base}/change/{position}")
        self.located(node, change.line, PDG.Change)
        self.g.add((self.node, PDG.hasChange, node))
        self.add(node, PDG.sequence, Literal(position))
        self.date(node, PDG.changeDate, change.date, change.date_raw, "date")
        for predicate, value in ((PDG.changedItem, change.item), (PDG.beforeText, change.before),
                                 (PDG.afterText, change.after), (PDG.submissionTiming, change.timing),
                                 (PDG.explanation, change.explanation)):
            self.text(node, predicate, value)


def assessment_triples(a: Assessment) -> set:
    """All triples of one assessment's graph."""
    mapper = _Mapper(a)
    mapper.run()
    mapper.g.update(flow_summary_triples(mapper.g))
    return mapper.g


def assessment_graph(a: Assessment, identifier: URIRef | None = None) -> Graph:
    """A standalone graph of one assessment (its identifier is the named-graph IRI)."""
    graph = Graph(identifier=identifier or graph_iri(a))
    bind_prefixes(graph)
    graph.addN((s, p, o, graph) for s, p, o in assessment_triples(a))
    return graph


def add_assessment(dataset: Dataset, a: Assessment) -> URIRef:
    """Put one version of an assessment into the dataset (its own graph: `iris.graph_iri`),
    replacing an earlier graph of the same version; the other versions stay."""
    name = graph_iri(a)
    if any(True for _ in dataset.graph(name).triples((None, None, None))):
        dataset.remove_graph(dataset.graph(name))
    target = dataset.graph(name)
    target.addN((s, p, o, target) for s, p, o in assessment_triples(a))
    return name


def bind_prefixes(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)


def new_dataset() -> Dataset:
    dataset = Dataset()
    bind_prefixes(dataset)
    return dataset
