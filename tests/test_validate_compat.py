"""The version-specific shims of pdgraph.conformance.engines and their fallbacks.

Four places depend on library internals (written against pyshacl 0.40.1 and
rdflib 7.6.0): reading rdflib's private per-graph index of the Memory store
(`_memory_store_triples`), patching pyshacl's SPARQL text check at run time
(`_memoise_pyshacl_sparql_check`), evaluating a SPARQL constraint once for all
its focus nodes (`_batch_pyshacl_sparql_constraints`) and handing a pyshacl
``Validator`` the shapes already harvested (`_reuse_harvested_shapes`). Each must fall back to
the public, slower way when the internals differ, and give the same results.
The "is active" tests fail when an upgrade silently disables a shim (the
results stay right, only slower): then re-check the shim against the new
version.
"""
from __future__ import annotations

import sys
import types

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from pdgraph.conformance import engines
from pdgraph.graph.ingest import assessment_graphs, ingest
from pdgraph.conformance import PyshaclEngine, graph_triples, load_shapes, validate_graphs
from test_validate_mutations import MUTATIONS, write_mutation

pyshacl_helper = pytest.importorskip("pyshacl.helper.sparql_query_helper")
SPARQLQueryHelper = pyshacl_helper.SPARQLQueryHelper
HELPER_MODULE = "pyshacl.helper.sparql_query_helper"

EX = "https://example.org/"
TRIPLES = [(URIRef(f"{EX}s{i}"), URIRef(f"{EX}p"), Literal(i)) for i in range(5)]


def dataset_graph() -> Graph:
    dataset = Dataset()
    graph = dataset.graph(URIRef(f"{EX}graph"))
    for triple in TRIPLES:
        graph.add(triple)
    dataset.graph(URIRef(f"{EX}other")).add((URIRef(f"{EX}x"), URIRef(f"{EX}p"), Literal("not mine")))
    return graph


# --------------------------------------------------------------------------- rdflib: the Memory store's index


def test_memory_index_is_read_for_a_dataset_graph():
    graph = dataset_graph()
    triples = engines._memory_store_triples(graph)
    assert triples is not None, "rdflib's Memory store index is no longer found: graph_triples runs the slow way"
    assert set(triples) == set(TRIPLES)
    assert sorted(graph_triples(graph)) == sorted(TRIPLES)


def test_memory_index_falls_back_on_another_store():
    graph = Graph(store="SimpleMemory", identifier=URIRef(f"{EX}simple"))
    for triple in TRIPLES:
        graph.add(triple)
    assert engines._memory_store_triples(graph) is None
    assert sorted(graph_triples(graph)) == sorted(TRIPLES)


def test_memory_index_falls_back_for_a_graph_it_does_not_hold():
    dataset = Dataset()
    empty = dataset.graph(URIRef(f"{EX}empty"))
    assert engines._memory_store_triples(empty) is None
    assert graph_triples(empty) == []


def test_graph_triples_without_the_index_gives_the_same_triples(monkeypatch):
    graph = dataset_graph()
    fast = sorted(graph_triples(graph))
    monkeypatch.setattr(engines, "_memory_store_triples", lambda graph: None)
    assert sorted(graph_triples(graph)) == fast == sorted(TRIPLES)


# --------------------------------------------------------------------------- pyshacl: the memoised SPARQL check


def test_sparql_check_patch_is_active():
    assert engines._memoise_pyshacl_sparql_check() is True
    patched = SPARQLQueryHelper.check_invalid_sparql
    assert hasattr(patched, "__wrapped__"), "pyshacl's check_invalid_sparql is not the memoised one"
    assert engines._memoise_pyshacl_sparql_check() is True  # once per process: not wrapped twice
    assert SPARQLQueryHelper.check_invalid_sparql is patched


def test_memoised_check_still_raises_every_time():
    from pyshacl.errors import ValidationFailure

    engines._memoise_pyshacl_sparql_check()
    helper = SPARQLQueryHelper.__new__(SPARQLQueryHelper)  # the check reads class attributes only
    good = "SELECT $this WHERE { $this ?p ?o . }"
    bad = "SELECT $this WHERE { $this ?p ?o . MINUS { $this ?p 1 } }"
    assert helper.check_invalid_sparql(good) is True
    assert helper.check_invalid_sparql(good) is True
    for _ in range(2):
        with pytest.raises(ValidationFailure):
            helper.check_invalid_sparql(bad)


def _module_without_method() -> types.ModuleType:
    module = types.ModuleType(HELPER_MODULE)
    module.SPARQLQueryHelper = type("SPARQLQueryHelper", (), {})  # a pyshacl whose class has no such method
    return module


# None in sys.modules makes the import raise ImportError (a pyshacl without that module).
@pytest.mark.parametrize("fake_module", [None, _module_without_method()], ids=["module-missing", "method-missing"])
def test_sparql_check_patch_falls_back_when_pyshacl_differs(monkeypatch, fake_module):
    before = SPARQLQueryHelper.check_invalid_sparql
    monkeypatch.setattr(engines, "_PYSHACL_CHECK_PATCHED", None)
    monkeypatch.setitem(sys.modules, HELPER_MODULE, fake_module)
    assert engines._memoise_pyshacl_sparql_check() is False
    assert engines._PYSHACL_CHECK_PATCHED is False
    assert engines._memoise_pyshacl_sparql_check() is False  # decided once
    assert SPARQLQueryHelper.check_invalid_sparql is before  # nothing touched


# --------------------------------------------------------------------------- pyshacl: one query per constraint

SPARQL_MODULE = "pyshacl.constraints.sparql.sparql_based_constraints"


def test_batched_constraint_patch_is_active():
    from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint

    assert engines._batch_pyshacl_sparql_constraints() is True
    patched = SPARQLBasedConstraint._evaluate_sparql_constraint
    assert hasattr(patched, "__wrapped__"), "pyshacl's SPARQL constraints run once per focus node again"
    assert engines._batch_pyshacl_sparql_constraints() is True  # once per process
    assert SPARQLBasedConstraint._evaluate_sparql_constraint is patched


def test_values_query_opens_the_where_group_with_the_focus_nodes():
    text = "PREFIX ex: <https://example.org/>\nSELECT $this ?path ?value WHERE {\n  $this ex:p ?value .\n}"
    query = engines._values_query(text, [URIRef(f"{EX}a"), URIRef(f"{EX}b")])
    assert query == ("PREFIX ex: <https://example.org/>\nSELECT $this ?path ?value WHERE {\n"
                     f"  VALUES $this {{ <{EX}a> <{EX}b> }}\n\n  $this ex:p ?value .\n}}")


@pytest.mark.parametrize("text", [
    "SELECT ?value WHERE { $this ?p ?value }",  # $this not projected: rows could not be told apart
    "SELECT $this ?failure WHERE { BIND (true AS ?failure) }",  # ?failure is reported once, not per node
    "SELECT $this ?value { $this ?p ?value }",  # no WHERE keyword
], ids=["this-not-projected", "failure", "no-where"])
def test_values_query_declines_other_shapes_of_query(text):
    assert engines._values_query(text, [URIRef(f"{EX}a")]) is None


@pytest.fixture(scope="module")
def mutated_graphs(seed_paths, tmp_path_factory):
    """The seeds and every mutation: each SPARQL constraint's Violation is among the results."""
    folder = tmp_path_factory.mktemp("batched")
    paths = list(seed_paths) + [write_mutation(m, folder) for m in MUTATIONS]
    return [graph for path in paths for graph in assessment_graphs(ingest([path]).dataset)]  # one assessment each


def test_unbatched_pyshacl_gives_the_same_findings(monkeypatch, mutated_graphs):
    from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint

    engines._batch_pyshacl_sparql_constraints()
    batched = _engine_keys(mutated_graphs)
    assert sum(map(len, batched)) > len(MUTATIONS)
    monkeypatch.setattr(SPARQLBasedConstraint, "_evaluate_sparql_constraint",
                        SPARQLBasedConstraint._evaluate_sparql_constraint.__wrapped__)
    assert _engine_keys(mutated_graphs) == batched


def _sparql_module_without_class() -> types.ModuleType:
    return types.ModuleType(SPARQL_MODULE)


@pytest.mark.parametrize("fake_module", [None, _sparql_module_without_class()], ids=["module-missing", "class-missing"])
def test_batched_constraint_patch_falls_back_when_pyshacl_differs(monkeypatch, fake_module):
    from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint

    before = SPARQLBasedConstraint._evaluate_sparql_constraint
    monkeypatch.setattr(engines, "_PYSHACL_BATCH_PATCHED", None)
    monkeypatch.setitem(sys.modules, SPARQL_MODULE, fake_module)
    assert engines._batch_pyshacl_sparql_constraints() is False
    assert engines._batch_pyshacl_sparql_constraints() is False  # decided once
    assert SPARQLBasedConstraint._evaluate_sparql_constraint is before


# --------------------------------------------------------------------------- pyshacl: reusing the harvested shapes


def test_harvested_shapes_are_reused_on_a_real_validator():
    from pyshacl import Validator
    from pyshacl.graph_abstraction import DataGraph

    engine = PyshaclEngine(load_shapes())
    data = DataGraph.from_rdflib(Graph())
    validator = Validator(data, shacl_graph=engine.shapes.graph, options=dict(PyshaclEngine.OPTIONS))
    assert engines._reuse_harvested_shapes(validator, engine.shapes_graph) is True, \
        "pyshacl's Validator has no shacl_graph ShapesGraph: shapes are harvested for every assessment"
    assert validator.shacl_graph is engine.shapes_graph


@pytest.mark.parametrize("validator", [types.SimpleNamespace(), types.SimpleNamespace(shacl_graph="not a ShapesGraph")],
                         ids=["no-attribute", "other-type"])
def test_harvested_shapes_fall_back_when_the_validator_differs(validator):
    engine = PyshaclEngine(load_shapes())
    before = dict(vars(validator))
    assert engines._reuse_harvested_shapes(validator, engine.shapes_graph) is False
    assert vars(validator) == before


# --------------------------------------------------------------------------- the fallbacks give the same findings


@pytest.fixture(scope="module")
def graphs(seed_paths, tmp_path_factory):
    """The seeds and two mutations (so Violations from SPARQL constraints are among the results)."""
    folder = tmp_path_factory.mktemp("compat")
    paths = list(seed_paths) + [write_mutation(m, folder) for m in MUTATIONS[:2]]
    return assessment_graphs(ingest(paths).dataset)


@pytest.fixture(scope="module")
def reference(graphs):
    results = validate_graphs(graphs, load_shapes(), "pyshacl", jobs=1)
    assert sum(len(r.findings) for r in results) > 4  # the mutations' Violations are there
    return [r.findings for r in results]


def _engine_keys(graphs) -> list[set]:
    engine = PyshaclEngine(load_shapes())  # a new engine: not the cached one
    return [{raw.key() for raw in raws} for raws in engine.validate(graphs)]


def test_unpatched_pyshacl_gives_the_same_findings(monkeypatch, graphs):
    engines._memoise_pyshacl_sparql_check()
    patched = SPARQLQueryHelper.check_invalid_sparql
    expected = _engine_keys(graphs)
    calls = []

    def original_check(self, sparql_text, valuenode=None, extravars=None):
        calls.append(sparql_text)
        return patched.__wrapped__(self, sparql_text, valuenode=valuenode, extravars=extravars)

    monkeypatch.setattr(SPARQLQueryHelper, "check_invalid_sparql", original_check)
    monkeypatch.setattr(engines, "_PYSHACL_CHECK_PATCHED", False)  # as after a fallback
    assert _engine_keys(graphs) == expected
    assert len(calls) > len(set(calls))  # the unmemoised check ran, once per focus node


def test_every_fallback_together_gives_the_same_report(monkeypatch, graphs, reference):
    from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint

    engines._memoise_pyshacl_sparql_check()
    engines._batch_pyshacl_sparql_constraints()
    monkeypatch.setattr(SPARQLBasedConstraint, "_evaluate_sparql_constraint",
                        SPARQLBasedConstraint._evaluate_sparql_constraint.__wrapped__)
    monkeypatch.setattr(engines, "_PYSHACL_BATCH_PATCHED", False)
    monkeypatch.setattr(SPARQLQueryHelper, "check_invalid_sparql", SPARQLQueryHelper.check_invalid_sparql.__wrapped__)
    monkeypatch.setattr(engines, "_PYSHACL_CHECK_PATCHED", False)
    monkeypatch.setattr(engines, "_memory_store_triples", lambda graph: None)
    monkeypatch.setattr(engines, "_reuse_harvested_shapes", lambda validator, shapes_graph: False)
    monkeypatch.setattr(engines, "_ENGINES", {})  # no engine cached with the shims active
    results = validate_graphs(graphs, load_shapes(), "pyshacl", jobs=1)
    assert [r.findings for r in results] == reference
