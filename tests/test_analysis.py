"""networkx analysis: the projection, and agreement with the SPARQL catalogue where both apply."""
from __future__ import annotations

import pytest

from pdgraph.query.analysis import HOLDS, analyse, find_bodies, hubs, project, reachable, vendor_concentration
from pdgraph.graph.ingest import ingest
from pdgraph.query.catalogue import load_catalogue, run_query
from pdgraph.graph.stores import stores_for

from conftest import FIXTURES


@pytest.fixture(scope="module")
def seed_pair(seed_ingested):
    return stores_for(seed_ingested.dataset)


@pytest.fixture(scope="module")
def tiny_pair():
    return stores_for(ingest([FIXTURES / "queries" / "tiny.trig"]).dataset)


def sparql(name: str, store, **params):
    return run_query(load_catalogue()[name], store, params).records()


def test_projection_is_the_same_from_both_stores(seed_pair):
    rdflib_graph, oxigraph_graph = (project(store) for store in seed_pair)
    assert set(rdflib_graph.nodes) == set(oxigraph_graph.nodes)
    assert set(rdflib_graph.edges) == set(oxigraph_graph.edges)
    for node, data in rdflib_graph.nodes(data=True):
        assert oxigraph_graph.nodes[node]["kind"] == data["kind"]


def test_projection_is_typed(seed_pair):
    graph = project(seed_pair[1])
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    assert {"body", "department", "file", "system", "system kind", "recipient", "contractor", "subcontractor",
            "source"} <= kinds
    bodies = sorted(data["label"] for _, data in graph.nodes(data=True) if data["kind"] == "body")
    assert bodies == ["大分市長", "愛知県信用金庫健康保険組合", "松戸市長", "練馬区長"]
    nerima = find_bodies(graph, "練馬区長")[0]
    files = [v for v in graph.successors(nerima) if HOLDS in graph.edges[nerima, v]["relations"]]
    assert [graph.nodes[f]["label"] for f in files] == ["介護保険情報ファイル"]


@pytest.mark.parametrize("pair,body", [("seed_pair", "練馬区長"), ("seed_pair", "松戸市長"),
                                       ("tiny_pair", "甲市長"), ("tiny_pair", "己市長"),
                                       ("tiny_pair", "乙健康保険組合")])
def test_reachability_agrees_with_the_reach_query(request, pair, body):
    stores = request.getfixturevalue(pair)
    reach = reachable(project(stores[1]), body)
    assert reach.found
    assert {r.label for r in reach.reached} == {str(r["target"]) for r in sparql("reach", stores[1], organization=body)}


def test_a_shared_contractor_does_not_lead_to_other_assessments_sub_contractors(tiny_pair):
    # 丙株式会社 serves 甲市長 (who lets it re-entrust) and 乙健康保険組合 (who does not): 乙's data
    # reaches 丙株式会社 but not 甲's sub-contractor
    graph = project(tiny_pair[1])
    reached = {r.label for r in reachable(graph, "乙健康保険組合").reached}
    assert "丙株式会社" in reached and "丙株式会社の再委託先" not in reached
    vendor = next(v for v in vendor_concentration(graph, None) if v.label == "丙株式会社")
    assert (vendor.assessments, vendor.subcontracting) == (2, 1)


def test_reachability_counts_hops(tiny_pair):
    hops = {r.label: r.hops for r in reachable(project(tiny_pair[0]), "甲市長").reached}
    assert hops == {"乙健康保険組合": 1, "税務課": 1, "丙株式会社": 1, "丙株式会社の再委託先": 2, "戊広域連合": 2}


def test_unknown_body_reaches_nothing(seed_pair):
    reach = reachable(project(seed_pair[0]), "存在しない市長")
    assert not reach.found and reach.reached == []


@pytest.mark.parametrize("pair", ["seed_pair", "tiny_pair"])
def test_vendor_concentration_agrees_with_the_contractors_query(request, pair):
    store = request.getfixturevalue(pair)[1]
    vendors = {v.label: (v.assessments, v.bodies, v.files, v.entrustments)
               for v in vendor_concentration(project(store), top=None)}
    expected = {str(r["contractor"]): (int(r["assessments"]), int(r["bodies"]), int(r["files"]),
                                       int(r["entrustments"])) for r in sparql("contractors", store)}
    assert vendors == expected


def test_vendor_subcontracting(seed_pair):
    vendors = {v.label: v for v in vendor_concentration(project(seed_pair[1]), top=None)}
    assert vendors["社会保険診療報酬支払基金"].subcontracting == 3
    assert vendors["株式会社ニチイ学館"].subcontracting == 0


def test_shared_recipients_agree_with_in_degree(tiny_pair):
    graph = project(tiny_pair[1])
    shared = {str(r["recipient"]): int(r["assessments"]) for r in sparql("shared-recipients", tiny_pair[1])}
    for node, data in graph.nodes(data=True):
        if data["kind"] == "recipient" and "部署" not in data["label"]:
            assessments = set().union(*(graph.edges[u, node]["assessments"] for u in graph.predecessors(node)))
            if len(assessments) >= 2:
                assert shared[data["label"]] == len(assessments)
    assert shared == {"戊広域連合": 2}


def test_hubs_rank_by_degree(seed_pair):
    graph = project(seed_pair[1])
    top = hubs(graph, top=5)
    assert [h.degree for h in top] == sorted((h.degree for h in top), reverse=True)
    assert top[0].label == "介護保険情報ファイル"  # 練馬区's file: 12 sources, 39 recipients, 8 contractors
    assert all(0.0 <= h.betweenness <= 1.0 for h in top)


def test_analyse_samples_betweenness_on_big_graphs(seed_pair):
    result = analyse(seed_pair[1], ("練馬区長",), top=3, betweenness_sample=10)
    assert result.betweenness_sample == 10 and len(result.hubs) == 3
    assert result.to_dict()["reach"][0]["start"] == "練馬区長"
