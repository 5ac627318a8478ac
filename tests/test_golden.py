"""Golden files for the parser, the extractor, the graph and the facts of each example.

Regenerate after an intended change with ``pytest tests/test_golden.py --update-golden``
and review the diff. RDF is compared by isomorphism, not by text.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from pdgraph.extract.machine import extract
from pdgraph.graph.facts import facts_from_graph
from pdgraph.form.rows import parse_rows
from pdgraph.graph.mapping import assessment_graph
from pdgraph.read.text import read_document
from pdgraph.graph.serialize import graph_body, trig

from conftest import EXAMPLES, FIXTURES

GOLDEN = FIXTURES / "golden"
# The examples, and the purpose-built 基礎項目評価書 (tests/fixtures/kiso/NAME.txt in the cell layout;
# their other renderings, NAME.lines.txt / NAME.pages.txt, are checked against these in test_basic_form).
DOCUMENTS = {p.stem: p for p in EXAMPLES.glob("*.txt")} | {
    p.stem: p for p in (FIXTURES / "kiso").glob("*.txt") if "." not in p.stem}
STEMS = sorted(DOCUMENTS)


def _jsonable(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, set):
        return sorted(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _check_json(path: Path, data, update: bool) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"missing golden file {path} (run pytest --update-golden)"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text), f"{path.name} differs from golden"


@pytest.mark.parametrize("stem", STEMS)
def test_form_rows_golden(stem, update_golden):
    """Parser stage: every row's line number and cleaned cells."""
    rows = parse_rows(read_document(DOCUMENTS[stem]))
    data = [[row.line, int(row.heading), list(row.texts)] for row in rows]
    _check_json(GOLDEN / f"{stem}.rows.json", data, update_golden)


@pytest.mark.parametrize("stem", STEMS)
def test_extracted_records_golden(stem, update_golden):
    """Extractor stage: the typed records, field by field, with their source lines."""
    assessment = extract(read_document(DOCUMENTS[stem]))
    _check_json(GOLDEN / f"{stem}.records.json", _jsonable(assessment), update_golden)


@pytest.mark.parametrize("stem", STEMS)
def test_graph_golden_isomorphic(stem, update_golden):
    """Mapping stage: the named graph, compared by isomorphism."""
    graph = assessment_graph(extract(read_document(DOCUMENTS[stem])))
    path = GOLDEN / f"{stem}.ttl"
    if update_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        graph.serialize(path, format="turtle")
        return
    expected = Graph().parse(path, format="turtle")
    if not isomorphic(expected, graph):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(graph))
        pytest.fail(f"{stem}: graph differs from golden\nonly in golden:\n"
                    + "\n".join(sorted(graph_body(only_expected))[:20])
                    + "\nonly in output:\n" + "\n".join(sorted(graph_body(only_actual))[:20]))


@pytest.mark.parametrize("stem", STEMS)
def test_facts_golden(stem, update_golden):
    """Facts read back from the graph."""
    graph = assessment_graph(extract(read_document(DOCUMENTS[stem])))
    _check_json(GOLDEN / f"{stem}.facts.json", facts_from_graph(graph), update_golden)
