"""`pdgraph validate`: exit codes, the four report formats, documents and RDF sources."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, Namespace
from rdflib.namespace import RDF

from pdgraph.cli import main
from pdgraph.graph.ingest import assessment_graphs, ingest
from pdgraph.graph.serialize import trig
from test_validate_cases import CASES_DIR, line_of
from test_validate_mutations import MUTATIONS, write_mutation

SH = Namespace("http://www.w3.org/ns/shacl#")
PDG = Namespace("https://w3id.org/pdgraph/ns#")
BASE = CASES_DIR / "base.txt"


def run(*args: str):
    return CliRunner().invoke(main, ["validate", *args], catch_exceptions=False)


@pytest.fixture
def blank_basis(tmp_path) -> Path:
    """練馬区 with the ①法令上の根拠 of 移転先1 blanked (one Violation at line 167)."""
    return write_mutation(MUTATIONS[0], tmp_path)


def test_seeds_conform_exit_0(seed_paths):
    result = run(*map(str, seed_paths))
    assert result.exit_code == 0, result.output
    assert "0 violations" in result.output


def test_violation_exit_1_text_report(blank_basis):
    result = run(str(blank_basis))
    assert result.exit_code == 1
    out = result.output
    assert "練馬区長" in out and "Violation" in out
    assert f"{blank_basis.name}:167" in out
    assert "①法令上の根拠" in out and "legal basis" in out  # Japanese and English


def test_lang_option(blank_basis):
    ja = run(str(blank_basis), "--lang", "ja").output
    en = run(str(blank_basis), "--lang", "en").output
    assert "空欄" in ja and "is blank" not in ja
    assert "is blank" in en and "空欄です" not in en


def test_json_report(blank_basis):
    result = run(str(blank_basis), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["conforms"] is False
    (finding,) = [r for r in data["results"] if r["severity"] == "Violation"]
    assert set(finding) >= {"severity", "message", "focus", "path", "value", "shape", "source"}
    assert finding["source"] == {"document": blank_basis.name, "line": 167}
    assert finding["shape"] == "https://w3id.org/pdgraph/shapes#FlowLegalBasisShape"
    assert finding["focus"].startswith("https://w3id.org/pdgraph/id/assessment/")
    assert finding["path"] == "https://w3id.org/pdgraph/ns#legalBasisStatement"
    assert finding["value"] == ""
    assert "空欄" in finding["messages"]["ja"] and "blank" in finding["messages"]["en"]


def test_json_conforming_report(seed_paths):
    data = json.loads(run(*map(str, seed_paths), "-f", "json").stdout)
    assert data["conforms"] is True
    assert {r["severity"] for r in data["results"]} <= {"Warning", "Info"}
    assert all(isinstance(r["source"]["line"], int) for r in data["results"])


def test_ttl_report_is_a_shacl_report(blank_basis):
    result = run(str(blank_basis), "--format", "ttl")
    assert result.exit_code == 1
    graph = Graph().parse(data=result.stdout, format="turtle")
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(False)
    results = list(graph.objects(report, SH.result))
    assert len(results) == 1
    assert graph.value(results[0], SH.resultSeverity) == SH.Violation
    assert graph.value(results[0], PDG.sourceLine) == Literal(167)
    assert {m.language for m in graph.objects(results[0], SH.resultMessage)} == {"ja", "en"}


def test_ttl_report_is_deterministic(seed_paths):
    assert run(*map(str, seed_paths), "-f", "ttl").stdout == run(*map(str, seed_paths), "-f", "ttl").stdout


def test_html_report_escapes_document_text(tmp_path):
    text = BASE.read_text(encoding="utf-8")
    text = text.replace("①法令上の根拠\t番号法第19条第9号",
                        "①法令上の根拠\t&lt;script&gt;alert('x')&lt;/script&gt; <b onmouseover=alert(1)>協定</b>")
    text = text.replace("検証市 児童手当事務 重点項目評価書", "検証市 &lt;script&gt;alert(1)&lt;/script&gt; 重点項目評価書")
    path = tmp_path / "script.txt"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "report.html"
    result = run(str(path), "--format", "html", "-o", str(out))
    assert result.exit_code == 1, result.output  # a basis naming no law: a Violation that quotes the text
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "onmouseover" not in page or "&lt;" in page
    assert "&lt;script&gt;alert(" in page  # shown, escaped
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page)  # self-contained
    assert "<style>" in page and "@media print" in page
    line = line_of(text, "alert(" + chr(39))
    assert f'title="script.txt:{line}">{line}</td>' in page


def test_output_file_and_summary_on_stderr(blank_basis, tmp_path):
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["validate", str(blank_basis), "-f", "json", "-o", str(out)])
    assert result.exit_code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["results"]


def test_rdf_sources_trig_ttl_nquads(seed_paths, blank_basis, tmp_path):
    ingested = ingest([*seed_paths[:3], blank_basis])
    graphs = assessment_graphs(ingested.dataset)
    trig_path = tmp_path / "all.trig"
    trig_path.write_text(trig(ingested.dataset, graphs), encoding="utf-8")
    nq_path = tmp_path / "all.nq"
    nq_path.write_text(ingested.dataset.serialize(format="nquads"), encoding="utf-8")
    nerima = next(g for g in graphs if (None, PDG.organizationName, Literal("練馬区長")) in g)
    ttl_path = tmp_path / "nerima.ttl"
    single = Graph()
    for triple in nerima:
        single.add(triple)
    ttl_path.write_text(single.serialize(format="turtle"), encoding="utf-8")
    from_text = json.loads(run(*map(str, [*seed_paths[:3], blank_basis]), "-f", "json").stdout)
    for path in (trig_path, nq_path):
        result = run(str(path), "-f", "json")
        assert result.exit_code == 1, result.output
        assert json.loads(result.stdout)["results"] == from_text["results"]
    result = run(str(ttl_path), "-f", "json")
    assert result.exit_code == 1
    (violation,) = [r for r in json.loads(result.stdout)["results"] if r["severity"] == "Violation"]
    assert violation["source"] == {"document": blank_basis.name, "line": 167}


def test_bad_input_exit_2_but_batch_goes_on(tmp_path, blank_basis):
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02")
    result = run(str(binary), str(blank_basis))
    assert result.exit_code == 2
    assert "binary.txt" in result.output  # the problem is reported (text report, stderr)
    assert "FlowLegalBasisShape" in result.output  # the good document was still validated


def test_rdf_without_assessment_and_broken_rdf_exit_2(tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    assert run(str(empty)).exit_code == 2
    broken = tmp_path / "broken.trig"
    broken.write_text("this is not trig {", encoding="utf-8")
    result = run(str(broken))
    assert result.exit_code == 2
    assert "broken.trig" in result.output


def test_usage_errors_exit_2(tmp_path):
    assert run().exit_code == 2
    assert run(str(tmp_path / "missing.txt")).exit_code == 2
    assert run(str(BASE), "--format", "pdf").exit_code == 2
    assert run(str(BASE), "--engine", "nope").exit_code == 2


def test_bad_shapes_file_exit_2(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("not turtle", encoding="utf-8")
    result = run(str(BASE), "--shapes", str(shapes))
    assert result.exit_code == 2
    assert "shapes.ttl" in result.output


def test_same_assessment_twice_is_noted(tmp_path, blank_basis, seed_paths):
    nerima = [p for p in seed_paths if p.name.startswith("003")][0]
    result = CliRunner().invoke(main, ["validate", str(nerima), str(blank_basis)])
    assert result.exit_code == 1
    assert "same assessment" in result.output


def test_help_documents_the_command():
    result = CliRunner().invoke(main, ["validate", "--help"])
    assert result.exit_code == 0
    for word in ("--format", "text", "json", "ttl", "html", "Exit status"):
        assert word in result.output
    readme_or_docs = (Path(__file__).resolve().parent.parent / "docs" / "validation.md").read_text(encoding="utf-8")
    assert "pdgraph validate" in readme_or_docs
