"""The shapes files: every shape explains itself (ja/en message, severity, the rule it encodes) and is portable."""
from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from pdgraph.conformance import SHAPES_DIR, Severity, load_shapes, shape_nodes

SH = Namespace("http://www.w3.org/ns/shacl#")
PDGSH = Namespace("https://w3id.org/pdgraph/shapes#")
PDG = "https://w3id.org/pdgraph/ns#"

SHAPES = load_shapes()
GRAPH = SHAPES.graph
NODES = shape_nodes(GRAPH)


def test_shapes_files_exist_and_parse():
    files = sorted(p.name for p in SHAPES_DIR.glob("*.ttl"))
    assert files == ["completeness.ttl", "consistency.ttl", "legal_basis.ttl"]
    assert len(NODES) >= 20


@pytest.mark.parametrize("node", NODES, ids=[n.rsplit("#", 1)[-1] for n in NODES])
def test_shape_explains_itself(node: URIRef):
    messages = {m.language: str(m) for m in GRAPH.objects(node, SH.message) if isinstance(m, Literal)}
    assert set(messages) == {"ja", "en"}, "sh:message in Japanese and English"
    assert all(len(m) > 20 for m in messages.values())
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", messages["ja"])
    severities = list(GRAPH.objects(node, SH.severity))
    assert len(severities) == 1 and severities[0] in (SH.Violation, SH.Warning, SH.Info), "explicit sh:severity"
    comments = [str(c) for c in GRAPH.objects(node, RDFS.comment)]
    assert comments and len(comments[0]) > 60
    assert re.search(r"様式|番号法|form", comments[0]), "rdfs:comment names the rule of the form / 番号法"
    labels = {l.language for l in GRAPH.objects(node, RDFS.label)}
    assert {"ja", "en"} <= labels
    assert str(node).startswith(str(PDGSH)) and str(node).endswith("Shape")


@pytest.mark.parametrize("node", NODES, ids=[n.rsplit("#", 1)[-1] for n in NODES])
def test_shape_uses_only_portable_sparql(node: URIRef):
    """Constructs both engines run with pre-bound $this: no VALUES, MINUS, SERVICE, sub-SELECT."""
    for constraint in GRAPH.objects(node, SH.sparql):
        query = str(GRAPH.value(constraint, SH.select))
        assert "$this" in query
        assert not re.search(r"\b(VALUES|MINUS|SERVICE)\b", query)
        assert len(re.findall(r"\bSELECT\b", query)) == 1
        assert re.search(r"SELECT \$this \?path \?value", query), "every result names its path and value"


@pytest.mark.parametrize("node", NODES, ids=[n.rsplit("#", 1)[-1] for n in NODES])
def test_message_placeholders_are_bound(node: URIRef):
    info = SHAPES.info[str(node)]
    available = {"this", "focusNode", "path", "value"}
    if info.message_query:
        head = info.message_query.split("WHERE", 1)[0]
        available |= set(re.findall(r"\?(\w+)", head))
    for message in (info.message_ja, info.message_en):
        assert set(re.findall(r"\{[?$](\w+)\}", message)) <= available


def test_located_by_names_pdg_properties():
    for node in NODES:
        for prop in GRAPH.objects(node, PDGSH.locatedBy):
            assert str(prop).startswith(PDG)


def test_severities_cover_the_issue():
    by_severity = {s: [] for s in Severity}
    for info in SHAPES.info.values():
        by_severity[info.severity].append(info.iri.rsplit("#", 1)[1])
    assert {"FlowLegalBasisShape", "NumberUseArticle9Shape", "LinkageArticle19Shape", "NetworkFlowArticle19Shape",
            "TableRowIdentifierShape", "ReentrustmentPermissionShape"} <= set(by_severity[Severity.VIOLATION])
    assert {"ProvisionCountShape", "TransferCountShape", "EntrustmentCountShape", "UnparsedLegalBasisShape",
            "OtherOptionTextShape", "ImpossibleDateShape"} <= set(by_severity[Severity.WARNING])
    assert len(by_severity[Severity.INFO]) >= 5


def test_shapes_are_valid_shacl():
    """pyshacl's SHACL-for-SHACL check of the shapes graph."""
    from pyshacl import validate

    conforms, _report, text = validate(Graph(), shacl_graph=GRAPH, meta_shacl=True)
    assert conforms, text


def test_every_shape_has_a_target():
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    for node in NODES:
        assert any(GRAPH.value(node, t) is not None for t in targets), node
        assert (node, RDF.type, SH.NodeShape) in GRAPH or (node, SH.path, None) in GRAPH


def test_every_shape_is_documented():
    docs = (SHAPES_DIR.parent / "docs" / "validation.md").read_text(encoding="utf-8")
    for node in NODES:
        assert f"`{node.rsplit('#', 1)[1]}`" in docs
