"""Store backends: rdflib in memory and Oxigraph in memory or in a directory."""
from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from pdgraph.query.catalogue import load_catalogue, run_query
from pdgraph.graph.serialize import trig
from pdgraph.graph.stores import (OxigraphStore, RdflibStore, StoreError, StoreSpec, from_oxigraph, load_sources,
                            open_store, to_oxigraph)

from conftest import FIXTURES

TINY = FIXTURES / "queries" / "tiny.trig"


@pytest.mark.parametrize("text,kind,path", [("rdflib", "rdflib", None), ("oxigraph", "oxigraph", None),
                                            ("oxigraph:/tmp/x", "oxigraph", "/tmp/x")])
def test_store_spec(text, kind, path):
    spec = StoreSpec.parse(text)
    assert spec.kind == kind and (str(spec.path) if spec.path else None) == path


@pytest.mark.parametrize("text", ["sqlite", "rdflib:/tmp/x", "oxi"])
def test_bad_store_spec(text):
    with pytest.raises(StoreError):
        StoreSpec.parse(text)


@pytest.mark.parametrize("term", [URIRef("https://example.org/a"), Literal("松戸市長", lang="ja"), Literal("x"),
                                  Literal(7), Literal("2020-01-11", datatype=XSD.date), BNode("b1")])
def test_terms_round_trip_through_oxigraph(term):
    assert from_oxigraph(to_oxigraph(term)) == term


def test_string_literals_are_simple_literals():
    import pyoxigraph as ox
    assert from_oxigraph(ox.Literal("x")).datatype is None


def test_persistent_oxigraph_store_is_loaded_once_and_queried_later(tmp_path, seed_ingested):
    directory = tmp_path / "store"
    store = OxigraphStore(directory)
    store.add_dataset(seed_ingested.dataset)
    store.flush()
    quads = len(store.store)
    del store
    reopened = open_store(f"oxigraph:{directory}")
    assert reopened.graph_count() == 4 and len(reopened.store) == quads
    stats = run_query(load_catalogue()["stats"], reopened)
    assert int(stats.records()[0]["assessments"]) == 4
    reopened.add_dataset(seed_ingested.dataset)  # loading the same graphs again replaces them
    assert len(reopened.store) == quads


def test_trig_loads_directly_into_oxigraph_and_replaces_graphs(tmp_path, seed_ingested):
    path = tmp_path / "seeds.trig"
    path.write_text(trig(seed_ingested.dataset), encoding="utf-8")
    store = OxigraphStore()
    result = load_sources(store, [path])
    assert not result.problems and len(result.graphs[str(path)]) == 4
    size = len(store.store)
    load_sources(store, [path])
    assert len(store.store) == size
    rdflib_store = RdflibStore(seed_ingested.dataset)
    flows = load_catalogue()["flows"]
    assert run_query(flows, store).rows == run_query(flows, rdflib_store).rows


def test_documents_and_rdf_files_load_into_both_stores(seed_paths):
    for kind in ("rdflib", "oxigraph"):
        store = open_store(kind)
        result = load_sources(store, [*seed_paths, TINY])
        assert not result.problems
        assert store.graph_count() == 7


def test_a_bad_source_is_reported_and_the_others_load(tmp_path, seed_paths):
    bad = tmp_path / "broken.trig"
    bad.write_text("this is { not trig", encoding="utf-8")
    for kind in ("rdflib", "oxigraph"):
        store = open_store(kind)
        result = load_sources(store, [seed_paths[0], bad])
        assert [p.path for p in result.problems] == [str(bad)]
        assert "broken.trig" in result.problems[0].message
        assert store.graph_count() == 1


def test_a_query_error_is_a_store_error():
    for store in (RdflibStore(), OxigraphStore()):
        with pytest.raises(StoreError):
            store.select("SELECT WHERE {")


def test_a_batch_load_into_an_on_disk_store_is_compacted_once(tmp_path, seed_ingested, monkeypatch):
    calls = []
    monkeypatch.setattr(OxigraphStore, "optimize", lambda self: calls.append(self.path))
    files = []
    for index in range(3):
        path = tmp_path / f"part{index}.trig"
        path.write_text(trig(seed_ingested.dataset), encoding="utf-8")
        files.append(path)
    store = OxigraphStore(tmp_path / "store")
    result = load_sources(store, files)
    assert not result.problems and store.graph_count() == 4
    assert calls == [tmp_path / "store"]  # one compaction for the whole batch, not one per file


def test_gc_paused_restores_the_collector_even_on_error():
    import gc

    from pdgraph.graph.stores import gc_paused

    assert gc.isenabled()
    with pytest.raises(ValueError):
        with gc_paused():
            assert not gc.isenabled()
            raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a caller that had turned it off keeps it off
    finally:
        gc.enable()
