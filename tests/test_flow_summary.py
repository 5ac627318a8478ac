"""Per-flow summary literals (pdgraph/graph/flow_summary.py): purpose-built cases, the tiny query
graph's hand-written summaries, and agreement with a SPARQL derivation over the seed graphs."""
from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from pdgraph.graph.flow_summary import flow_summary_triples
from pdgraph.graph.ingest import assessment_from_path
from pdgraph.graph.mapping import assessment_triples
from pdgraph.graph.vocab import DPV, PDG

from conftest import EXAMPLES, FIXTURES

T = Namespace("https://example.org/t/")
SUMMARIES = (PDG.counterpartSummary, PDG.legalBasisSummary, PDG.methodSummary)


def node(g: Graph, iri: URIRef, *types: URIRef, label: str | None = None) -> URIRef:
    for type_ in types:
        g.add((iri, RDF.type, type_))
    if label is not None:
        g.add((iri, RDFS.label, Literal(label, lang="ja")))
    return iri


def summaries(g: Graph) -> dict[tuple[str, str], str]:
    """{(flow local name, predicate local name): value} of the summaries computed for ``g``."""
    return {(str(s).rsplit("/", 1)[1], str(p).rsplit("#", 1)[1]): str(o)
            for s, p, o in flow_summary_triples(g)}


def test_recipient_comes_before_contractors_sources_and_category():
    g = Graph()
    flow = node(g, T.f, PDG.Flow)
    g.add((flow, PDG.recipient, node(g, T.r, DPV.Recipient, label="乙市長")))
    g.add((flow, PDG.contractor, node(g, T.c, DPV.DataProcessor, label="丙株式会社")))
    assert summaries(g)[("f", "counterpartSummary")] == "乙市長"


def test_contractors_are_sorted_distinct_and_joined():
    g = Graph()
    flow = node(g, T.f, PDG.Flow)
    for name in ("株式会社B", "株式会社A"):
        g.add((flow, PDG.contractor, node(g, T[name], DPV.DataProcessor, label=name)))
    assert summaries(g)[("f", "counterpartSummary")] == "株式会社A | 株式会社B"


def test_acquisition_names_its_source_else_its_category():
    g = Graph()
    named, unnamed = node(g, T.named, PDG.Flow), node(g, T.unnamed, PDG.Flow)
    category = node(g, PDG.NationalAgency, PDG.SourceCategory, label="行政機関・独立行政法人等")
    for flow in (named, unnamed):
        g.add((flow, PDG.sourceCategory, category))
    g.add((named, PDG.dataSource, node(g, T.j, DPV.DataSource, label="地方公共団体情報システム機構")))
    got = summaries(g)
    assert got[("named", "counterpartSummary")] == "地方公共団体情報システム機構"
    assert got[("unnamed", "counterpartSummary")] == "行政機関・独立行政法人等"


def test_a_recipient_that_is_not_typed_recipient_is_not_a_counterpart():
    g = Graph()
    flow = node(g, T.f, PDG.Flow)
    g.add((flow, PDG.recipient, node(g, T.r, label="型のない相手")))
    assert ("f", "counterpartSummary") not in summaries(g)


def test_annex_rows_add_the_annex_title_citations_and_take_the_entry_methods():
    g = Graph()
    entry, row = node(g, T.entry, PDG.Flow), node(g, T.row, PDG.Flow)
    g.add((entry, PDG.method, node(g, PDG.InformationProvisionNetwork, PDG.Method, label="情報提供ネットワークシステム")))
    g.add((row, PDG.breakdownOf, entry))
    own = node(g, T.own, PDG.TableRow, label="番号法 別表第二 1の項")
    g.add((row, DPV.hasLegalBasis, own))
    annex = node(g, T.annex, PDG.Annex)
    g.add((annex, PDG.annexLabel, Literal("別紙1")))
    g.add((annex, PDG.legalBasisStatement, T.statement))
    g.add((T.statement, PDG.cites, node(g, T.article, PDG.Item, label="番号法 第19条第7号")))
    g.add((row, PDG.inAnnex, annex))
    got = summaries(g)
    assert got[("row", "legalBasisSummary")] == "番号法 別表第二 1の項 | 番号法 第19条第7号"
    assert got[("row", "methodSummary")] == "情報提供ネットワークシステム"
    assert got[("entry", "methodSummary")] == "情報提供ネットワークシステム"
    assert ("entry", "legalBasisSummary") not in got


def test_own_methods_win_over_the_entry_methods():
    g = Graph()
    entry, row = node(g, T.entry, PDG.Flow), node(g, T.row, PDG.Flow)
    g.add((entry, PDG.method, node(g, PDG.Paper, PDG.Method, label="紙")))
    g.add((row, PDG.method, node(g, PDG.Email, PDG.Method, label="電子メール")))
    g.add((row, PDG.breakdownOf, entry))
    assert summaries(g)[("row", "methodSummary")] == "電子メール"


def test_an_annex_that_is_not_in_the_graph_adds_nothing():
    g = Graph()
    row = node(g, T.row, PDG.Flow)
    g.add((row, PDG.inAnnex, T.lost_annex))
    g.add((T.lost_annex, PDG.legalBasisStatement, T.statement))  # no pdg:Annex type, no label
    g.add((T.statement, PDG.cites, node(g, T.article, PDG.Item, label="番号法 第9条第2項")))
    assert summaries(g) == {}


def test_a_flow_with_nothing_to_summarise_gets_no_summary_and_non_flows_get_none():
    g = Graph()
    node(g, T.f, PDG.Flow)
    g.add((T.file, PDG.method, node(g, PDG.Paper, PDG.Method, label="紙")))  # not a flow
    assert summaries(g) == {}


def test_the_tiny_query_graph_carries_the_summaries_pdgraph_would_write():
    dataset = Dataset()
    dataset.parse(FIXTURES / "queries" / "tiny.trig", format="trig")
    for graph in dataset.graphs():
        written = {t for t in graph if t[1] in SUMMARIES}
        without = [t for t in graph if t[1] not in SUMMARIES]
        assert flow_summary_triples(without) == written, graph.identifier


# A derivation of the same values in SPARQL (the shape flows.rq had before summaries existed).
REFERENCE = """
PREFIX pdg: <https://w3id.org/pdgraph/ns#>
PREFIX dpv: <https://w3id.org/dpv#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?flow ?counterpart ?citations ?methods WHERE {
  ?flow a pdg:Flow .
  OPTIONAL { SELECT ?flow (GROUP_CONCAT(DISTINCT STR(?l); separator="|") AS ?recipients)
             WHERE { ?flow pdg:recipient ?r . ?r a dpv:Recipient ; rdfs:label ?l } GROUP BY ?flow }
  OPTIONAL { SELECT ?flow (GROUP_CONCAT(DISTINCT STR(?l); separator="|") AS ?contractors)
             WHERE { ?flow pdg:contractor ?c . ?c rdfs:label ?l } GROUP BY ?flow }
  OPTIONAL { SELECT ?flow (GROUP_CONCAT(DISTINCT STR(?l); separator="|") AS ?sources)
             WHERE { ?flow pdg:dataSource ?s . ?s a dpv:DataSource ; rdfs:label ?l } GROUP BY ?flow }
  OPTIONAL { SELECT ?flow (GROUP_CONCAT(DISTINCT STR(?l); separator="|") AS ?categories)
             WHERE { ?flow pdg:sourceCategory ?k . ?k rdfs:label ?l } GROUP BY ?flow }
  BIND(COALESCE(?recipients, ?contractors, ?sources, ?categories, "") AS ?counterpart)
  OPTIONAL { SELECT ?flow (GROUP_CONCAT(DISTINCT STR(?l); separator="|") AS ?citations) WHERE {
      { ?flow dpv:hasLegalBasis ?p } UNION
      { ?flow pdg:inAnnex ?a . ?a a pdg:Annex ; pdg:annexLabel ?al ; pdg:legalBasisStatement/pdg:cites ?p }
      ?p rdfs:label ?l } GROUP BY ?flow }
  OPTIONAL { SELECT ?flow (GROUP_CONCAT(DISTINCT STR(?l); separator="|") AS ?own)
             WHERE { ?flow pdg:method ?m . ?m a pdg:Method ; rdfs:label ?l } GROUP BY ?flow }
  OPTIONAL { SELECT ?flow (GROUP_CONCAT(DISTINCT STR(?l); separator="|") AS ?inherited)
             WHERE { ?flow pdg:breakdownOf/pdg:method ?m . ?m rdfs:label ?l } GROUP BY ?flow }
  BIND(COALESCE(?own, ?inherited, "") AS ?methods)
}"""


def _items(value) -> list[str]:
    return sorted({item for item in str(value or "").split("|") if item})


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_seed_summaries_agree_with_a_sparql_derivation_from_the_links(path):
    triples = assessment_triples(assessment_from_path(path))
    written = {(s, p): str(o) for s, p, o in triples if p in SUMMARIES}
    flows = {s for s, p, o in triples if p == RDF.type and o == PDG.Flow}
    assert flows and {s for s, _ in written} <= flows
    without = Graph()
    for triple in triples:
        if triple[1] not in SUMMARIES:
            without.add(triple)
    checked = 0
    for flow, counterpart, citations, methods in without.query(REFERENCE):
        for predicate, value in ((PDG.counterpartSummary, counterpart), (PDG.legalBasisSummary, citations),
                                 (PDG.methodSummary, methods)):
            assert _items(written.get((flow, predicate), "").replace(" | ", "|")) == _items(value), (flow, predicate)
            checked += 1
    assert checked == 3 * len(flows)
