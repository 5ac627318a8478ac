"""Cross-assessment identity: the same organisation, provision or system kind is one node."""
from __future__ import annotations

from rdflib.namespace import RDF, RDFS

from pdgraph.law.atoms import Atom
from pdgraph.extract.normalise import canonical_organisation
from pdgraph.graph.ingest import assessment_graphs
from pdgraph.graph.iris import organisation_iri, provision_iri
from pdgraph.graph.vocab import PDG


def _union(seed_ingested):
    nodes = {}
    for graph in assessment_graphs(seed_ingested.dataset):
        for s, _, label in graph.triples((None, RDFS.label, None)):
            nodes.setdefault(str(label), set()).add(s)
    return nodes


def test_aliases_share_one_organisation_node():
    assert canonical_organisation("支払基金") == "社会保険診療報酬支払基金"
    assert organisation_iri("支払基金") == organisation_iri("社会保険診療報酬支払基金")
    assert organisation_iri("株式会社 セゾンパーソナルプラス") == organisation_iri("株式会社セゾンパーソナルプラス")
    assert organisation_iri("日本年金機構") != organisation_iri("地方公共団体情報システム機構")


def test_contractor_alias_in_the_seed_is_the_canonical_node(seed_ingested):
    contractors = set()
    for graph in assessment_graphs(seed_ingested.dataset):
        contractors |= set(graph.objects(None, PDG.contractor))
    assert organisation_iri("社会保険診療報酬支払基金") in contractors


def test_same_source_organisation_in_two_assessments_is_one_node(seed_ingested):
    users = [g for g in assessment_graphs(seed_ingested.dataset)
             if (None, PDG.dataSource, organisation_iri("日本年金機構")) in g]
    assert len(users) == 2  # 愛知県信用金庫健康保険組合 and 練馬区


def test_spellings_of_the_intermediate_server_share_the_kind(seed_ingested):
    kinds = {}
    for graph in assessment_graphs(seed_ingested.dataset):
        for system in graph.subjects(RDF.type, PDG.System):
            label = graph.value(system, RDFS.label)
            if label is not None and str(label).startswith("中間サーバ"):
                kinds[str(label)] = graph.value(system, PDG.systemKind)
    assert {"中間サーバ", "中間サーバー等"} <= set(kinds)
    assert set(kinds.values()) == {PDG.IntermediateServer}


def test_the_same_provision_is_one_node_across_assessments(seed_ingested):
    row_19_7 = provision_iri(Atom("番号法", article="19", item="7"))
    citing = [g for g in assessment_graphs(seed_ingested.dataset) if (None, PDG.cites, row_19_7) in g]
    assert len(citing) == 4
    assert provision_iri(Atom("番号法", table="別表第二", row="16の2")) != provision_iri(
        Atom("番号法", table="別表第二", row="16"))
