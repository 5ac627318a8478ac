"""A corpus split over two stores, each served by its own Oxigraph server on loopback, and queried
as one with SPARQL SERVICE federation (`pdgraph.query.federation`, ``--endpoint A --endpoint B``):
the federated answer is the answer of one store holding everything."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from pdgraph.cli import main
from pdgraph.graph.endpoint import EndpointStore
from pdgraph.graph.server import OxigraphServer
from pdgraph.query.catalogue import load_catalogue, run_query
from pdgraph.query.federation import FederatedStore, FederationError, federate

from conftest import EXAMPLES
from sparql_servers import load_store
from test_queries import SEED_PARAMS

CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def shards(tmp_path_factory, seed_paths):
    """Two servers: examples 000 and 002 on one, 001 and 003 on the other (大分市 and 練馬区, who
    share a recipient, on different shards)."""
    base = tmp_path_factory.mktemp("shards")
    first = load_store(base / "a", seed_paths[0::2])
    second = load_store(base / "b", seed_paths[1::2])
    with OxigraphServer(first) as a, OxigraphServer(second) as b:
        yield a, b


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_a_federated_query_gives_the_answer_of_one_store(shards, seed_oxigraph, name):
    endpoints = [EndpointStore(server.query_url) for server in shards]
    params = SEED_PARAMS.get(name, {})
    federated = run_query(CATALOGUE[name], FederatedStore(endpoints), params)
    one = run_query(CATALOGUE[name], seed_oxigraph, params)
    assert federated.variables == one.variables
    assert federated.rows == one.rows  # reach too: no walk in the examples crosses assessments


def test_the_split_matters(shards, seed_oxigraph):
    """Each shard alone misses what only the union knows: the federation is doing the work."""
    name = "shared-recipients"
    one = run_query(CATALOGUE[name], seed_oxigraph, {})
    assert len(one.rows) == 1  # 都道府県知事又は市町村長, from 大分市長 and 練馬区長
    for server in shards:
        assert run_query(CATALOGUE[name], EndpointStore(server.query_url), {}).rows == []
    counts = [run_query(CATALOGUE["stats"], EndpointStore(s.query_url), {}).records()[0] for s in shards]
    total = run_query(CATALOGUE["stats"], seed_oxigraph, {}).records()[0]
    assert sum(int(c["assessments"]) for c in counts) == int(total["assessments"]) == 4
    assert sum(int(c["recipients"]) for c in counts) > int(total["recipients"])  # a recipient on both shards


def test_federated_query_from_the_command_line(shards, seed_paths):
    a, b = shards
    docs = [str(p) for p in seed_paths]
    for name in ("shared-recipients", "contractors"):
        federated = CliRunner().invoke(main, ["query", name, "--endpoint", a.query_url, "--endpoint", b.query_url])
        local = CliRunner().invoke(main, ["query", name, *docs, "--store", "oxigraph"])
        assert federated.exit_code == 0, federated.output
        assert federated.stdout == local.stdout
    reach = CliRunner().invoke(main, ["query", "reach", "-p", "organization=練馬区長",
                                      "--endpoint", a.query_url, "--endpoint", b.query_url])
    assert reach.exit_code == 0
    assert reach.stderr.startswith("warning: query reach: over several endpoints") and "stays inside each shard" in reach.stderr


# --------------------------------------------------------------------------- the rewrite

def test_the_where_group_runs_locally_and_on_each_service():
    text = "SELECT ?s (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s"
    out = federate(text, ["http://127.0.0.1:1/query", "http://127.0.0.1:2/query"])
    assert out.startswith("SELECT ?s (COUNT(*) AS ?n) WHERE {")
    assert out.endswith("} GROUP BY ?s")
    assert out.count("GRAPH ?g { ?s ?p ?o }") == 3
    assert "SERVICE <http://127.0.0.1:1/query>" in out and "SERVICE <http://127.0.0.1:2/query>" in out
    assert federate(text, []) == text


def test_aggregating_subqueries_are_federated_on_their_own():
    text = ("SELECT ?n ?m WHERE { { SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?g { ?a a <urn:A> } } }\n"
            "  { SELECT ?g ?m WHERE { GRAPH ?g { ?m a <urn:M> } } } }")
    out = federate(text, ["http://127.0.0.1:1/query"])
    counting = out.index("COUNT(DISTINCT ?a)")
    assert out.index("SERVICE", counting) < out.index("SELECT ?g ?m")  # federated inside the counting subquery
    assert out.count("SERVICE") == 2  # and once more for the rest of the group


def test_what_cannot_be_split_exactly_is_refused():
    text = ("SELECT ?x ?n WHERE { GRAPH ?g { ?x a <urn:A> } "
            "OPTIONAL { SELECT ?x (COUNT(?y) AS ?n) WHERE { GRAPH ?h { ?x <urn:p> ?y } } GROUP BY ?x } }")
    with pytest.raises(FederationError, match="aggregates across graphs"):
        federate(text, ["http://127.0.0.1:1/query"])
    keyed = text.replace("GROUP BY ?x", "GROUP BY ?x ?h").replace("SELECT ?x (COUNT", "SELECT ?x ?h (COUNT")
    assert "SERVICE" in federate(keyed, ["http://127.0.0.1:1/query"])  # grouped per graph: per shard is exact


def test_a_service_url_is_one_checked_iri():
    with pytest.raises(Exception, match="not an IRI|not an http"):
        federate("SELECT * WHERE { ?s ?p ?o }", ["http://127.0.0.1:1/q> } ?s ?p ?o { <x"])


# --------------------------------------------------------------------------- a larger split

SYNTHETIC_PARAMS = {
    "recipients-of": {"organization": "合成健康保険組合0003"},
    "sources-of": {"organization": "合成健康保険組合0003"},
    "by-legal-basis": {"table": "別表第二", "row": "94"},
    "systems-connected-to": {"kind": "中間サーバー"},
    "changes-timeline": {"organization": "合成市0001長"},
    "reach": {"organization": "合成健康保険組合0015"},
}


@pytest.fixture(scope="module")
def synthetic_shards(tmp_path_factory):
    """16 synthetic assessments (chains of bodies: copy i sends to copy i // 2) written as documents;
    copies 0–7 on one server, 8–15 on another, all of them in one store."""
    from pdgraph.extract.synthetic import synthetic_sources

    base = tmp_path_factory.mktemp("synthetic")
    paths = []
    for index, source in enumerate(synthetic_sources(16)):
        path = base / f"{index:03d}_{source.name.rsplit('/', 1)[-1]}"
        path.write_text(source.text, encoding="utf-8")
        paths.append(path)
    whole = load_store(base / "whole", paths)
    first, second = load_store(base / "low", paths[:8]), load_store(base / "high", paths[8:])
    with OxigraphServer(first) as a, OxigraphServer(second) as b, OxigraphServer(whole) as everything:
        yield [EndpointStore(a.query_url), EndpointStore(b.query_url)], EndpointStore(everything.query_url)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_sixteen_assessments_on_two_shards(synthetic_shards, name):
    endpoints, everything = synthetic_shards
    params = SYNTHETIC_PARAMS.get(name, {})
    federated = run_query(CATALOGUE[name], FederatedStore(endpoints), params)
    one = run_query(CATALOGUE[name], everything, params)
    if CATALOGUE[name].federation:  # reach: the chain 15 → 7 → 3 → 1 leaves the second shard at 7
        holders = [{str(h) for h in answer.column("holder")} for answer in (federated, one)]
        assert holders[0] < holders[1] and len(federated.rows) < len(one.rows)  # the walk stopped at the edge
    else:
        assert (federated.variables, federated.rows) == (one.variables, one.rows)
        assert one.rows or name == "without-legal-basis"
