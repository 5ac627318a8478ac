"""pyshacl (reference) and pyrudof run the same shapes files and must give identical results.

Compared on the seeds, on every mutation and on every shape case, with the
engines' raw results (shape, severity, focus, path, value, constraint
component), before any location or message is added. This test is what allows
pyrudof to be offered as an engine at all (see pdgraph.conformance.default_engine).
"""
from __future__ import annotations

import pytest

pytest.importorskip("pyrudof")

from pdgraph.graph.ingest import assessment_graphs, ingest  # noqa: E402
from pdgraph.conformance import compare_engines, validate_paths  # noqa: E402
from test_validate_cases import CASES  # noqa: E402
from test_validate_mutations import MUTATIONS, write_mutation  # noqa: E402


def _graphs(paths):
    result = ingest(paths)
    assert not result.problems
    return assessment_graphs(result.dataset)


def _assert_identical(graphs):
    differences = [(g, only_a, only_b) for g, only_a, only_b in compare_engines(graphs) if only_a or only_b]
    assert differences == []


def test_identical_on_seeds(seed_paths):
    graphs = _graphs(seed_paths)
    assert len(graphs) == 4
    _assert_identical(graphs)


def test_identical_on_mutations(tmp_path):
    graphs = []
    for mutation in MUTATIONS:  # the mutated seeds share their assessment IRI: one dataset each
        directory = tmp_path / mutation.id
        directory.mkdir()
        graphs += _graphs([write_mutation(mutation, directory)])
    _assert_identical(graphs)


def test_identical_on_shape_cases(tmp_path):
    graphs = []
    for case in CASES:
        path = tmp_path / f"{case.id}.txt"
        path.write_text(case.text, encoding="utf-8")
        graphs += _graphs([path])
    _assert_identical(graphs)


def test_findings_identical_through_the_library(seed_paths, tmp_path):
    """Same located, explained findings from both engines (batches of several assessments for pyrudof)."""
    paths = list(seed_paths)
    for mutation in MUTATIONS[:3]:
        directory = tmp_path / mutation.id
        directory.mkdir()
        paths.append(write_mutation(mutation, directory))
    reference = validate_paths(paths, engine="pyshacl", jobs=1)
    other = validate_paths(paths, engine="pyrudof", jobs=1)
    assert [f.to_json() for f in reference.findings] == [f.to_json() for f in other.findings]
    assert reference.counts()["Violation"] >= 1
