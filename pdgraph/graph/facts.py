"""The facts contract (../shared/spec/facts.md) read back OUT of an assessment's named graph.

Nothing here looks at parser records: every value comes from the graph, so a
facts file that matches the answer key proves the graph holds the fact.

Beyond the contract's fields, every object (the assessment, a system, a file, an 入手元
category, the entrustment and each item, 提供・移転の有無, a flow or breakdown row, a change,
the information linkage) carries ``source``: where it was read, ``{"document": file name,
"line": line of the text as read, "place": "p12:L7" in a PDF (page and line on the page),
"L3:c1201" in a text of page-long lines, else null}`` — the graph's pdg:sourceDocument,
pdg:sourceLine and pdg:sourcePlace (or a field's own line and place, `FIELD_PLACES`), or null
when the graph has no line for it. The top-level ``source`` stays the document's file name (a
string), the value of every ``source.document`` below it. `facts_json` (what ``pdgraph facts``
and ``pdgraph run`` write) has them; `facts_from_graph` gives them when
asked (``sources=True``): the contract's fields alone are the same for any layout of a
document, its lines are not.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from .vocab import DPV, FIELD_PLACES, PDG


class _Reader:
    def __init__(self, graph: Graph):
        self.g = graph
        self.assessment: URIRef | None = None

    def value(self, node, predicate) -> Any:
        found = sorted(self.g.objects(node, predicate), key=str)
        if not found:
            return None
        item = found[0]
        return item.toPython() if isinstance(item, Literal) else item

    def text(self, node, predicate) -> str | None:
        value = self.value(node, predicate)
        return None if value is None else str(value)

    def values(self, node, predicate) -> list:
        return [o for o in self.g.objects(node, predicate)]

    def stated(self, node, field: str) -> bool:
        return (node, PDG.statedField, Literal(field)) in self.g

    def field(self, node, field: str, predicate, blank: Any = "") -> Any:
        """Value, or ``blank`` when the field is present but empty, or None when absent."""
        value = self.text(node, predicate)
        if value is not None:
            return value
        return blank if self.stated(node, field) else None

    def source(self, node, line=PDG.sourceLine) -> dict | None:
        """Where a node (or, with a field's line predicate such as pdg:entrustmentLine, one field of
        it) was read: document, line, place; None when the graph has no line for it."""
        number = self.value(node, line)
        if number is None:
            return None
        document = self.value(node, PDG.sourceDocument) or self.value(self.assessment, PROV_DERIVED)
        place = self.text(node, PDG.sourcePlace if line == PDG.sourceLine else FIELD_PLACES[line])
        return {"document": self.text(document, PDG.fileName), "line": int(number), "place": place}

    def first_source(self, nodes) -> dict | None:
        """The source of the earliest of several nodes (by line) that have one."""
        found = [s for s in (self.source(n) for n in nodes if n is not None) if s is not None]
        return min(found, key=lambda s: s["line"]) if found else None

    def label(self, node) -> str | None:
        return self.text(node, RDFS.label)

    def ordered(self, nodes) -> list:
        return sorted(nodes, key=lambda n: (self.value(n, PDG.sequence) or 0, str(n)))

    def ordered_by_line(self, nodes) -> list:
        return sorted(nodes, key=lambda n: (self.value(n, PDG.sourceLine) or 0, str(n)))

    # -- citations
    def atom(self, provision: URIRef) -> dict:
        types = set(self.g.objects(provision, RDF.type))
        law_node = provision if PDG.Law in types else self.value(provision, PDG.law)
        law = self.label(law_node)
        if PDG.AppendedTable in types or PDG.TableRow in types:
            return {"law": law, "table": self.text(provision, PDG.tableName), "row": self.text(provision, PDG.rowNumber)}
        return {"law": law, "article": self.text(provision, PDG.articleNumber),
                "paragraph": self.text(provision, PDG.paragraphNumber), "item": self.text(provision, PDG.itemNumber)}

    def citations(self, statement) -> list[dict] | None:
        if statement is None:
            return None
        atoms = [self.atom(p) for p in self.values(statement, PDG.cites)]
        return sorted(atoms, key=lambda a: json.dumps(a, ensure_ascii=False, sort_keys=True))

    def labels(self, nodes) -> list[str]:
        return [self.label(n) for n in nodes]


def assessment_node(graph: Graph) -> URIRef:
    nodes = sorted(graph.subjects(RDF.type, PDG.Assessment), key=str)
    if not nodes:
        raise ValueError(f"graph {graph.identifier} holds no pdg:Assessment")
    return nodes[0]


def facts_from_graph(graph: Graph, sources: bool = False) -> dict:
    """The facts JSON of the one assessment held in ``graph``; with ``sources``, each object also
    says where it was read (``source``: document, line, place)."""
    facts = _facts(graph)
    return facts if sources else contract_fields(facts)


def contract_fields(facts: dict) -> dict:
    """The facts without the ``source`` of each object (the top-level ``source``, the document's
    name, is a field of the contract and stays)."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "source"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return {k: (v if k == "source" else strip(v)) for k, v in facts.items()}


def _facts(graph: Graph) -> dict:
    r = _Reader(graph)
    node = r.assessment = assessment_node(graph)
    document = r.value(node, PROV_DERIVED)
    facts: dict[str, Any] = {
        "source": r.text(document, PDG.fileName),
        "assessment": {
            "source": r.source(node),
            "number": r.text(node, PDG.assessmentNumber),
            "title": r.text(node, DCTERMS.title),
            "kind": r.text(node, PDG.assessmentKind),
            "organization": r.text(node, PDG.organizationName),
            "published": r.text(node, DCTERMS.issued),
            "affair": r.field(node, "affair", PDG.affairName),
            "department": r.field(node, "department", PDG.departmentName),
        },
        "systems": _systems(r, node),
        "number_use_basis": r.citations(r.value(node, PDG.numberUseBasis)),
        "info_linkage": _linkage(r, node),
        "files": [_file(r, f) for f in r.ordered(r.values(node, PDG.hasFile))],
        "changes": _changes(r, node),
    }
    return facts


PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")


def _systems(r: _Reader, node) -> list | None:
    if not r.stated(node, "systems"):
        return None
    systems = []
    for system in r.ordered(r.values(node, PDG.usesSystem)):
        entry = {"source": r.source(system), "name": r.label(system), "kind": r.label(r.value(system, PDG.systemKind))
                 if r.value(system, PDG.systemKind) else None, "connections": None, "other_connections": None}
        if r.stated(system, "connections"):
            kinds = sorted(r.labels(r.values(system, PDG.connectedToKind)), key=_CONNECTION_ORDER.index)
            if r.value(system, PDG.connectsToOther):
                kinds.append("その他")
            entry["connections"] = kinds
            entry["other_connections"] = sorted(str(o) for o in r.values(system, PDG.otherConnection))
        systems.append(entry)
    return systems


_CONNECTION_ORDER = ["情報提供ネットワークシステム", "庁内連携システム", "住民基本台帳ネットワークシステム",
                     "既存住民基本台帳システム", "宛名システム等", "税務システム", "中間サーバー", "番号管理システム",
                     "業務システム"]


def _linkage(r: _Reader, node) -> dict:
    if not r.stated(node, "info_linkage"):
        return {"status": None, "provision_basis": None, "inquiry_basis": None}
    return {"source": r.first_source([r.value(node, PDG.linkageProvisionBasis), r.value(node, PDG.linkageInquiryBasis)]),
            "status": r.text(node, PDG.linkageStatus),
            "provision_basis": r.citations(r.value(node, PDG.linkageProvisionBasis)),
            "inquiry_basis": r.citations(r.value(node, PDG.linkageInquiryBasis))}


def _flows_of(r: _Reader, file, class_) -> list:
    return [f for f in r.values(file, PDG.hasFlow) if (f, RDF.type, class_) in r.g]


def _file(r: _Reader, file) -> dict:
    entry: dict[str, Any] = {
        "source": r.source(file),
        "name": r.label(file),
        "subjects": r.field(file, "subjects", PDG.subjectCount),
        "record_count": r.field(file, "record_count", PDG.recordItemCount),
        "holding_start": r.text(file, PDG.holdingStart),
        "sources": _sources(r, file),
        "acquisition_methods": None,
        "acquisition_methods_other": None,
        "entrustment": _entrustment(r, file),
        "provision_transfer": {
            "source": r.source(file, PDG.provisionTransferLine),
            "provides": r.value(file, PDG.provides), "provision_count": r.value(file, PDG.provisionCount),
            "transfers": r.value(file, PDG.transfers), "transfer_count": r.value(file, PDG.transferCount)},
        "provisions": None,
        "transfers": None,
        "record_items": sorted(str(i) for i in r.values(file, PDG.recordItem)) if r.stated(file, "record_items") else None,
    }
    if r.stated(file, "acquisition_methods"):
        entry["acquisition_methods"] = sorted(r.labels(r.values(file, PDG.acquisitionMethod)), key=_METHOD_ORDER.index)
        entry["acquisition_methods_other"] = sorted(str(o) for o in r.values(file, PDG.acquisitionMethodOther))
    for field, class_ in (("provisions", PDG.Provision), ("transfers", PDG.Transfer)):
        if r.stated(file, field):
            top = [f for f in _flows_of(r, file, class_) if r.value(f, PDG.breakdownOf) is None]
            entry[field] = [_flow(r, f) for f in r.ordered(top)]
    return entry


_METHOD_ORDER = ["紙", "電子記録媒体(フラッシュメモリを除く。)", "フラッシュメモリ", "電子メール", "専用線", "庁内連携システム",
                 "情報提供ネットワークシステム", "その他"]
_SOURCE_ORDER = ["本人又は本人の代理人", "評価実施機関内の他部署", "行政機関・独立行政法人等", "地方公共団体・地方独立行政法人",
                 "民間事業者", "その他"]


def _sources(r: _Reader, file) -> list | None:
    if not r.stated(file, "sources"):
        return None
    grouped: dict[str, list[str]] = {}
    flows: dict[str, list] = {}
    for flow in _flows_of(r, file, PDG.Acquisition):
        category = r.label(r.value(flow, PDG.sourceCategory))
        entity = r.text(flow, PDG.sourceText)
        grouped.setdefault(category, [])
        flows.setdefault(category, []).append(flow)
        if entity:
            grouped[category].append(entity)
    return [{"source": r.first_source(flows[c]), "category": c, "entities": sorted(grouped[c])}
            for c in sorted(grouped, key=_SOURCE_ORDER.index)]


def _entrustment(r: _Reader, file) -> dict | None:
    if not r.stated(file, "entrustment"):
        return None
    items = []
    for item in r.ordered(_flows_of(r, file, PDG.Entrustment)):
        items.append({"source": r.source(item),
                      "title": r.text(item, PDG.title) or "",
                      "contractor": r.field(item, "contractor", PDG.contractorText) or "",
                      "reentrustment": r.text(item, PDG.reentrustmentStatus)})
    return {"source": r.source(file, PDG.entrustmentLine),
            "status": r.text(file, PDG.entrustmentStatus), "declared_count": r.value(file, PDG.declaredEntrustmentCount),
            "items": items}


def _flow(r: _Reader, flow) -> dict:
    methods = None
    methods_other = None
    if r.stated(flow, "methods"):
        methods = sorted(r.labels(r.values(flow, PDG.method)), key=_METHOD_ORDER.index)
        methods_other = sorted(str(o) for o in r.values(flow, PDG.methodOther))
    statement = r.value(flow, PDG.legalBasisStatement)
    entry = {
        "source": r.source(flow),
        "recipient": r.text(flow, PDG.recipientText),
        "legal_basis": r.citations(statement) if statement is not None else None,
        "purpose": r.field(flow, "purpose", PDG.purposeText),
        "information": r.field(flow, "information", PDG.informationText),
        "subjects": r.field(flow, "subjects", PDG.subjectCount),
        "methods": methods,
        "methods_other": methods_other,
        "timing": r.field(flow, "timing", PDG.timing),
        "breakdown": [_flow(r, row) for row in r.ordered(r.g.subjects(PDG.breakdownOf, flow))],
    }
    return entry


def _changes(r: _Reader, node) -> list | None:
    if not r.stated(node, "changes"):
        return None
    changes = []
    for change in r.ordered(r.values(node, PDG.hasChange)):
        changes.append({"source": r.source(change), "date": r.text(change, PDG.changeDate), "item": r.text(change, PDG.changedItem) or "",
                        "before": r.text(change, PDG.beforeText) or "", "after": r.text(change, PDG.afterText) or "",
                        "timing": r.text(change, PDG.submissionTiming) or ""})
    return changes


def load_schema() -> dict:
    """The JSON Schema of a facts file, shipped in the package."""
    return json.loads(resources.files("pdgraph").joinpath("schema/facts.schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def facts_validator():
    """The schema's validator, built (and the schema checked) once per process: building it took
    ~50 ms, more than reading the facts out of a graph."""
    import jsonschema

    schema = load_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_facts(facts: dict) -> None:
    """Raise jsonschema.ValidationError when ``facts`` breaks the contract's shape (as jsonschema.validate)."""
    import jsonschema

    error = jsonschema.exceptions.best_match(facts_validator().iter_errors(facts))
    if error is not None:
        raise error


def facts_json(graph: Graph) -> tuple[str | None, str]:
    """(source file name, facts JSON text) of the assessment in ``graph``, with the source of each
    object, schema-checked."""
    data = facts_from_graph(graph, sources=True)
    validate_facts(data)
    return data["source"], json.dumps(data, ensure_ascii=False, indent=2) + "\n"
