"""The validation library: typed records, locating findings, engines, parallel runs, renderers."""
from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from pdgraph.conformance import (PDGSH, EngineError, Finding, Location, RawResult, Report, Severity, ShapeInfo,
                              ShapesError, assessment_result, fill_message, graph_triples, load_shapes, locate,
                              render, report_json, validate_dataset, validate_graphs, validate_paths)
from pdgraph.graph.vocab import ID, PDG
from test_validate_mutations import MUTATIONS, write_mutation

SH_VIOLATION = URIRef("http://www.w3.org/ns/shacl#Violation")


def test_severity_enum():
    assert [s.value for s in Severity] == ["Violation", "Warning", "Info"]
    assert Severity.parse(SH_VIOLATION) is Severity.VIOLATION
    assert Severity.parse("warning") is Severity.WARNING
    assert Severity.VIOLATION.rank < Severity.WARNING.rank < Severity.INFO.rank
    with pytest.raises(ValueError):
        Severity.parse("Fatal")


def test_fill_message():
    assert fill_message("「{?value}」 {$this} {?missing}", {"value": "x", "this": "f"}) == "「x」 f {?missing}"


def _graph() -> Graph:
    """An assessment with a flow, its statement, an annex row, an entrustment and a shared law node."""
    g = Graph(identifier=ID["graph/t"])
    a, doc = ID["assessment/t"], ID["document/t"]
    flow, row, st = ID["assessment/t/f/1"], ID["assessment/t/f/1/row/1"], ID["assessment/t/f/1/basis"]
    row_st, item, law = ID["assessment/t/f/1/row/1/basis"], ID["assessment/t/f/e/1"], ID["law/x/article/9"]
    g.add((doc, PDG.fileName, Literal("t.txt")))
    g.add((a, RDF.type, PDG.Assessment))
    g.add((a, PDG.sourceDocument, doc))
    g.add((a, PDG.sourceLine, Literal(3)))
    for node, line in ((flow, 10), (st, 11), (row, 40)):
        g.add((node, PDG.sourceLine, Literal(line)))
        g.add((node, PDG.sourceDocument, doc))
    g.add((flow, PDG.legalBasisStatement, st))
    g.add((row, PDG.breakdownOf, flow))
    g.add((row, PDG.legalBasisStatement, row_st))  # a statement without a line of its own
    g.add((st, PDG.cites, law))
    g.add((item, PDG.sourceLine, Literal(20)))
    g.add((item, PDG.reentrustmentLine, Literal(24)))
    return g


INFO = ShapeInfo(iri=str(PDGSH.X), severity=Severity.VIOLATION, label_ja="", label_en="", comment="",
                 message_ja="", message_en="")


def test_locate_rules():
    g = _graph()
    flow, row_st = ID["assessment/t/f/1"], ID["assessment/t/f/1/row/1/basis"]
    assert locate(g, flow, None, INFO) == Location("t.txt", 10)  # the focus node's line
    assert locate(g, flow, PDG.legalBasisStatement, INFO).line == 11  # the node the path leads to
    located = ShapeInfo(**{**INFO.__dict__, "located_by": (str(PDG.legalBasisStatement),)})
    assert locate(g, flow, None, located).line == 11  # pdgsh:locatedBy
    by_line = ShapeInfo(**{**INFO.__dict__, "located_by": (str(PDG.reentrustmentLine),)})
    assert locate(g, ID["assessment/t/f/e/1"], None, by_line).line == 24  # an integer line property
    assert locate(g, row_st, None, INFO).line == 40  # walk up to the statement's owner
    assert locate(g, ID["law/x/article/9"], None, INFO).line == 11  # a shared node: the statement citing it
    assert locate(g, ID["assessment/t/f/e/1"], PDG.reentrustmentLine, INFO).line == 20  # never a literal path value
    assert str(Location("t.txt", 5)) == "t.txt:5" and str(Location(None, None)) == "?:?"


def test_assessment_result_records(seed_ingested):
    shapes = load_shapes()
    (graph,) = [g for g in seed_ingested.dataset.graphs() if (None, PDG.organizationName, Literal("練馬区長")) in g]
    flow = URIRef(str(next(graph.subjects(PDG.annexReference, Literal("別紙2")))))
    raw = RawResult(str(PDGSH.FlowLegalBasisShape), Severity.VIOLATION, flow, PDG.legalBasisStatement,
                    Literal(""), "http://www.w3.org/ns/shacl#SPARQLConstraintComponent")
    result = assessment_result(graph, [raw, raw], shapes)
    (finding,) = result.findings  # duplicates collapse
    assert isinstance(finding, Finding)
    assert finding.source == Location("003_f2d2f4201ce28b38.txt", 167)
    assert finding.message_ja.startswith("移転先の①法令上の根拠が空欄")
    assert "移転" in finding.message_en
    assert result.organization == "練馬区長" and result.kind == "重点項目評価書" and result.number == "7"
    assert not result.conforms and result.counts() == {"Violation": 1, "Warning": 0, "Info": 0}
    data = finding.to_json("ja")
    assert data["message"] == finding.message_ja and data["source"]["line"] == 167
    json.dumps(data, ensure_ascii=False)


def test_graph_triples_match_rdflib(seed_ingested):
    for graph in seed_ingested.dataset.graphs():
        assert set(graph_triples(graph)) == set(graph)
    standalone = Graph()
    standalone.add((ID.a, PDG.b, Literal(1)))
    assert graph_triples(standalone) == [(ID.a, PDG.b, Literal(1))]


def test_seed_dataset_conforms(seed_ingested):
    report = validate_dataset(seed_ingested.dataset, jobs=1)
    assert isinstance(report, Report)
    assert report.conforms and len(report.results) == 4
    assert report.engine == "pyshacl"
    shapes = {f.shape_name for f in report.findings}
    assert "ImpossibleDateShape" in shapes  # 愛知: 平成32年, a Warning
    assert all(f.source.document and f.source.line for f in report.findings)


def test_parallel_equals_sequential(seed_paths, tmp_path):
    paths = list(seed_paths) + [write_mutation(m, tmp_path) for m in MUTATIONS[3:6]]
    ingested = validate_paths(paths, jobs=1)
    shapes = load_shapes()
    from pdgraph.graph.ingest import assessment_graphs, ingest

    graphs = assessment_graphs(ingest(paths).dataset)
    one = validate_graphs(graphs, shapes, "pyshacl", jobs=1)
    two = validate_graphs(graphs, shapes, "pyshacl", jobs=2)
    assert [r.findings for r in one] == [r.findings for r in two]
    assert sum(len(r.findings) for r in one) == len(ingested.findings)


def test_pyrudof_never_forks_after_use(seed_paths):
    pytest.importorskip("pyrudof")
    from pdgraph.graph.ingest import assessment_graphs, ingest

    graphs = assessment_graphs(ingest(seed_paths).dataset) * 3
    first = validate_graphs(graphs, load_shapes(), "pyrudof", jobs=1)
    again = validate_graphs(graphs, load_shapes(), "pyrudof", jobs=2)  # would hang if it forked now
    assert [r.findings for r in first] == [r.findings for r in again]


def test_unknown_engine_and_missing_shapes(tmp_path):
    with pytest.raises(EngineError):
        validate_graphs([], load_shapes(), "jena")
    with pytest.raises(ShapesError):
        load_shapes([tmp_path])


def test_shapes_subset(tmp_path, seed_paths):
    from pdgraph.conformance import SHAPES_DIR

    only = load_shapes([SHAPES_DIR / "legal_basis.ttl"])
    assert all(info.severity is Severity.VIOLATION for info in only.info.values())
    report = validate_paths(seed_paths, only, jobs=1)
    assert report.findings == []


def test_renderers(seed_paths, tmp_path):
    report = validate_paths([*seed_paths, write_mutation(MUTATIONS[0], tmp_path)], jobs=1)
    text = render(report, "text")
    assert "DOES NOT CONFORM" in text and "nerima-transfer1-basis-blank.txt:167" in text
    data = report_json(report)
    assert data["conforms"] is False
    assert len(data["results"]) == len(report.findings)
    assert data["assessments"][0]["document"] <= data["assessments"][-1]["document"]  # sorted by document
    assert render(report, "ttl").startswith("@prefix")
    html = render(report, "html")
    assert html.startswith("<!DOCTYPE html>") and "検査した規則" in html
    assert report.notes  # the mutated 練馬区 replaced the seed of the same assessment
    with pytest.raises(ValueError):
        render(report, "pdf")
