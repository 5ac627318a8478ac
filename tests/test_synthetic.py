"""The synthetic corpus: deterministic, valid, and chained so that `reach` walks several hops."""
from __future__ import annotations

from collections import deque

import pytest

from pdgraph.query.analysis import HOLDS, find_bodies, project, reachable
from pdgraph.graph.ingest import ingest_sources
from pdgraph.query.catalogue import load_catalogue, run_query
from pdgraph.read.text import SourceText
from pdgraph.graph.stores import OxigraphStore, RdflibStore
from pdgraph.extract.synthetic import (RecipientSlot, body_name, first_recipient, parent, rewrite_recipient,
                               synthetic_sources)

N = 40
START = "合成健康保険組合0039"  # copy 39 (a 練馬区 copy): 39 -> 19 -> 9 -> 4 -> 2 -> 1
# Bodies holding files on the way (copies 4 and 6 share 合成市0002長, copies 0 and 2 合成市0001長).
CHAIN = {START: 0, "合成健康保険組合0019": 1, "合成健康保険組合0009": 2, "合成市0002長": 3,
         "合成健康保険組合0003": 4, "合成市0001長": 4, "合成健康保険組合0001": 5}

LINKS = """PREFIX pdg: <https://w3id.org/pdgraph/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?from ?to ?label ?name WHERE {
  GRAPH ?g { ?a pdg:assessmentNumber ?from ; pdg:hasFile ?file . ?flow pdg:file ?file ; pdg:recipient ?org }
  GRAPH ?h { ?b pdg:assessmentNumber ?to ; pdg:assessingBody ?org ; pdg:organizationName ?name .
             ?org rdfs:label ?label }
  FILTER(?g != ?h)
}"""


@pytest.fixture(scope="module")
def corpus() -> list[SourceText]:
    return list(synthetic_sources(N))


@pytest.fixture(scope="module")
def ingested(corpus):
    return ingest_sources(corpus)


@pytest.fixture(scope="module")
def stores(ingested):
    oxigraph = OxigraphStore()
    oxigraph.add_dataset(ingested.dataset)
    return RdflibStore(ingested.dataset), oxigraph


def reach_rows(store) -> list[dict[str, str | None]]:
    rows = run_query(load_catalogue()["reach"], store, {"organization": START}).records()
    return [{k: None if v is None else str(v) for k, v in row.items()} for row in rows]


def holder_depths(rows: list[dict[str, str | None]], start: str) -> dict[str, int]:
    """Hop depth of every holder, read from the reach rows alone (holder -> target edges)."""
    edges: dict[str, set[str]] = {}
    for row in rows:
        edges.setdefault(row["holder"], set()).add(row["target"])
    depths, queue = {start: 0}, deque([start])
    while queue:
        holder = queue.popleft()
        for target in sorted(edges.get(holder, ())):
            if target in edges and target not in depths:
                depths[target] = depths[holder] + 1
                queue.append(target)
    return depths


# -- the text


def test_same_text_twice_and_prefix_stable(corpus):
    assert list(synthetic_sources(N)) == corpus
    assert list(synthetic_sources(9)) == corpus[:9]
    assert len({source.text for source in corpus}) == N


def test_the_rule_never_names_the_copy_itself():
    for index in range(2, 5000):
        up = parent(index)
        assert up is not None and up < index
        assert body_name(up, 4) != body_name(index, 4)
    assert parent(0) is None and parent(1) is None


def test_rewrite_replaces_only_the_recipient_cell():
    text = "提供先1\t都道府県知事又は市町村長\n①法令上の根拠\t市町村長"
    assert rewrite_recipient(text, RecipientSlot(1, "都道府県知事又は市町村長"), "合成市0001長") == \
        "提供先1\t合成市0001長\n①法令上の根拠\t市町村長"
    row = "1\t1\t厚生労働大臣\t健康保険法…厚生労働大臣が行う事務"
    assert rewrite_recipient(row, RecipientSlot(1, "厚生労働大臣"), "X") == "1\t1\tX\t健康保険法…厚生労働大臣が行う事務"
    assert rewrite_recipient(text, RecipientSlot(1, "どこにもない"), "X") == text


# -- the documents


def test_every_copy_ingests_without_problems(ingested):
    assert ingested.problems == []
    assert len(ingested.assessments) == N


def test_first_recipient_is_the_parent_body(ingested):
    by_index = {int(name[10:15]): a for name, a in ingested.assessments.items()}
    for index, assessment in by_index.items():
        assert assessment.organization == body_name(index, 4)
        assert assessment.number == str(index + 1)
        recipient = first_recipient(assessment).recipient
        if index < 2:
            assert not recipient.startswith("合成")
        else:
            assert recipient == by_index[parent(index)].organization


def test_recipient_is_the_other_assessments_body_node(stores, ingested):
    """The rewritten recipient is the very node another assessment names as pdg:assessingBody."""
    links = {(str(r["from"]), str(r["to"])) for r in stores[1].select(LINKS).records()}
    for r in stores[1].select(LINKS).records():
        assert str(r["label"]) == str(r["name"])
    bodies = {index: body_name(index, 4) for index in range(N)}
    expected = {(str(i + 1), str(j + 1)) for i in range(2, N) for j in range(N) if bodies[j] == bodies[parent(i)]}
    assert links == expected


# -- reach


def test_reach_walks_at_least_three_hops_on_both_stores(stores):
    rdflib_rows, oxigraph_rows = (reach_rows(store) for store in stores)
    assert rdflib_rows == oxigraph_rows
    assert {row["holder"] for row in oxigraph_rows} == set(CHAIN)
    depths = holder_depths(oxigraph_rows, START)
    assert depths == CHAIN
    assert any(depths[row["holder"]] >= 3 for row in oxigraph_rows)
    continuing = {row["target"] for row in oxigraph_rows if row["continues"] == "true"}
    assert continuing == set(CHAIN) - {START}


def test_analysis_reachability_agrees(stores):
    rows = reach_rows(stores[1])
    for store in stores:
        reach = reachable(project(store), START)
        assert reach.found
        assert {r.label for r in reach.reached} == {row["target"] for row in rows}
        hops = {r.label: r.hops for r in reach.reached if r.kind == "body"}
        assert hops == {body: depth for body, depth in CHAIN.items() if body != START}


def test_bodies_fan_in(stores):
    """Some body receives data from several other bodies (copies 2i and 2i + 1 both send to copy i)."""
    graph = project(stores[1])
    [body] = find_bodies(graph, "合成健康保険組合0009")
    senders = {holder for file in graph.predecessors(body) if HOLDS not in graph.edges[file, body]["relations"]
               for holder in graph.predecessors(file) if HOLDS in graph.edges[holder, file]["relations"]
               and graph.nodes[holder]["kind"] == "body"}
    assert {graph.nodes[s]["label"] for s in senders} == {"合成健康保険組合0019", "合成市0005長"}
