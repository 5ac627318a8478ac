"""Provenance of a fact: the place a reader finds it in the file, carried from the reader to the
graph (pdg:sourcePlace, pdg:sourcePage), the validation report, the map and the error messages.

A PDF fact is placed by page and line of text on that page ("city.pdf:p2:L11"), a fact of a text
with one line per page by line and column ("L3:c1201"); text read line by line keeps its line
number as its place, so nothing it gives changes."""
from __future__ import annotations

import json
import pickle
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from pdf_maker import Grid, NewPage, Text, make_pdf
from pdgraph.cli import main
from pdgraph.conformance import Location, ShapeInfo, Severity, locate
from pdgraph.conformance.records import PDGSH
from pdgraph.form.rows import parse_rows
from pdgraph.graph.ingest import assessment_graphs, ingest
from pdgraph.graph.vocab import ID, PDG
from pdgraph.map import map_from_dataset
from pdgraph.read.text import Line, Place, SourceText, decode, place_of, read_document, shown_place

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
HAS_PDFTOTEXT = shutil.which("pdftotext") is not None


# --------------------------------------------------------------------------- the types


def test_place_is_shown_as_page_line_and_column():
    assert str(Place(7, page=12)) == "p12:L7"
    assert str(Place(3, column=1201)) == "L3:c1201"
    assert str(Place(5)) == "L5"


def test_a_line_is_an_int_that_carries_its_place():
    line = Line(18, Place(11, page=2))
    assert line == 18 and isinstance(line, int) and sorted([Line(20), line, 3]) == [3, 18, 20]
    assert json.dumps({"line": line}) == '{"line": 18}' and str(line) == "18"
    assert pickle.loads(pickle.dumps(line)).place == Place(11, page=2)  # batches cross processes
    assert place_of(line) == Place(11, page=2) and shown_place(line) == "p2:L11"
    assert place_of(line + 1) is None  # a computed line has no place
    assert place_of(7) is None and shown_place(7) == "7" and shown_place(None) == "?"


def test_source_text_lines_have_a_place_only_where_the_line_is_not_enough():
    text = SourceText("a.txt", "x\ny", "utf-8")
    assert place_of(text.line(2)) is None and text.place(2) == "2"
    assert str(place_of(text.line(2, column=40))) == "L2:c40"
    pdf = SourceText("a.pdf", "x\ny", "pdf", (Place(2, page=1), Place(1, page=2)))
    assert str(place_of(pdf.line(2))) == "p2:L1" and pdf.place(2) == "p2:L1"
    assert str(place_of(pdf.line(2, column=9))) == "p2:L1"  # a PDF line is placed on its page


# --------------------------------------------------------------------------- text inputs


def test_text_read_line_by_line_gets_no_place(seed_ingested):
    assert not list(seed_ingested.dataset.quads((None, PDG.sourcePlace, None, None)))
    assert not list(seed_ingested.dataset.quads((None, PDG.sourcePage, None, None)))
    rows = parse_rows(read_document(ROOT / "examples" / "000_47fd13a79d78c58a.txt"))
    assert rows and all(place_of(row.line) is None for row in rows)


def test_rows_of_page_long_lines_are_placed_by_line_and_column():
    header = "松戸市 介護保険事務 重点項目評価書"
    pages = [f"{header} ①事務の名称 介護保険事務 ②事務の内容 資格管理を行う。 1 / 2" + " " * 400,
             f"{header} ①部署 高齢施策担当部 介護保険課 2 / 2" + " " * 400]
    rows = parse_rows(decode("\n".join(pages).encode("utf-8"), "web.txt"))
    assert [row.cells[0] for row in rows] == ["①事務の名称", "②事務の内容", "①部署"]
    for row in rows:
        place = place_of(row.line)
        assert place is not None and place.line == row.line and place.page is None
        assert pages[row.line - 1][place.column - 1:].startswith(row.cells[0])
    assert [shown_place(row.line) for row in rows] == [
        f"L1:c{pages[0].index('①事務の名称') + 1}", f"L1:c{pages[0].index('②事務の内容') + 1}",
        f"L2:c{pages[1].index('①部署') + 1}"]


# --------------------------------------------------------------------------- a generated PDF

# Page 2 holds a system, a file and a 提供先 whose ①法令上の根拠 is blank (a Violation).
# Lines of text on page 2, counted from the top as a reader (and pdftotext -layout) counts them:
# L1 the running head, L2 "2. …システム", L3 システム1, L4 ①システムの名称, L5 II, L6 1. ファイル名,
# L7 the file name, L8 5. 提供・移転, L9 提供・移転の有無, L10 提供先1, L11 ①法令上の根拠, L12 ②用途.
FORM = [
    Text("特定個人情報保護評価書(重点項目評価書)"),
    Grid([["評価書番号", "評価書名"], ["12", "児童手当事務 重点項目評価書"]]),
    Grid([["評価実施機関名", "テスト市長"], ["公表日", "令和5年4月1日"]]),
    Text("I 基本情報"),
    Grid([["1. 特定個人情報ファイルを取り扱う事務", ""], ["①事務の名称", "児童手当事務"]]),
    NewPage(),
    Text("2. 特定個人情報ファイルを取り扱う事務において使用するシステム"),
    Grid([["システム1", ""], ["①システムの名称", "児童手当システム"]]),
    Text("II 特定個人情報ファイルの概要"),
    Grid([["1. 特定個人情報ファイル名", ""], ["児童手当関係情報ファイル"]]),
    Text("5. 特定個人情報の提供・移転(委託に伴うものを除く。)"),
    Grid([["提供・移転の有無", "[ ○ ] 提供を行っている ( 1 ) 件 [ ] 移転を行っている ( ) 件 [ ] 行っていない"]]),
    Grid([["提供先1", "テスト県知事"], ["①法令上の根拠", ""], ["②提供先における用途", "児童手当の支給"]]),
]
EXPECTED = {"system": "p2:L3", "file": "p2:L7", "provision_transfer": "p2:L9", "flow": "p2:L10",
            "basis": "p2:L11"}
STARTS = {"system": "システム1", "file": "児童手当関係情報ファイル", "provision_transfer": "提供・移転の有無",
          "flow": "提供先1", "basis": "①法令上の根拠"}


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    return make_pdf(tmp_path_factory.mktemp("pdf") / "city.pdf", FORM, header="児童手当事務 重点項目評価書")


@pytest.fixture(scope="module")
def city_run(city) -> Path:
    out = city.parent / "out"
    result = CliRunner().invoke(main, ["run", str(city), "-o", str(out)])
    assert result.exit_code == 1, result.output  # the blank legal basis is a Violation
    return out


def _nodes(graph: Graph) -> dict[str, URIRef]:
    flow = graph.value(predicate=RDF.type, object=PDG.Provision)
    return {"system": graph.value(predicate=RDF.type, object=PDG.System),
            "file": graph.value(predicate=RDF.type, object=PDG.PersonalInformationFile),
            "flow": flow, "basis": graph.value(flow, PDG.legalBasisStatement)}


def test_pdf_facts_carry_page_and_line_in_the_graph(city, city_run):
    (graph,) = assessment_graphs(Dataset().parse(city_run / "graph.trig", format="trig"))
    rows_text = read_document(city).lines  # the form rows pdgraph rebuilds from the PDF
    nodes = _nodes(graph)
    for name, node in nodes.items():
        assert graph.value(node, PDG.sourcePlace) == Literal(EXPECTED[name]), name
        assert graph.value(node, PDG.sourcePage) == Literal(2), name
        # pdg:sourceLine stays the line of the text as read (the rebuilt rows): the order in the document
        line = next(n for n, text in enumerate(rows_text, 1) if text.startswith(STARTS[name]))
        assert graph.value(node, PDG.sourceLine) == Literal(line), name
    assert graph.value(nodes["file"], PDG.provisionTransferPlace) == Literal(EXPECTED["provision_transfer"])
    assessment = graph.value(predicate=RDF.type, object=PDG.Assessment)
    assert graph.value(assessment, PDG.sourcePlace) == Literal("p1:L2")  # the kind heading, under the running head


@pytest.mark.skipif(not HAS_PDFTOTEXT, reason="pdftotext (poppler-utils) is not installed")
def test_pdf_places_are_the_lines_pdftotext_layout_shows(city):
    page2 = _pdftotext_pages(city)[1]
    for name, place in EXPECTED.items():
        line = int(place.rsplit("L", 1)[1])
        assert page2[line - 1].strip().startswith(STARTS[name]), (name, page2[line - 1])


def test_pdf_violation_is_reported_with_page_and_line(city, city_run):
    text = (city_run / "validation.txt").read_text(encoding="utf-8")
    assert re.search(r"Violation city\.pdf:p2:L11 +\[FlowLegalBasisShape\]", text), text
    html = (city_run / "validation.html").read_text(encoding="utf-8")
    assert 'title="city.pdf:p2:L11">p2:L11</td>' in html
    runner = CliRunner()
    result = runner.invoke(main, ["validate", str(city), "--format", "json"])
    assert result.exit_code == 1
    (violation,) = [r for r in json.loads(result.output)["results"] if r["severity"] == "Violation"]
    assert violation["source"]["document"] == "city.pdf" and violation["source"]["place"] == "p2:L11"
    assert isinstance(violation["source"]["line"], int)
    result = runner.invoke(main, ["validate", str(city), "--format", "ttl"])
    report = Graph().parse(data=result.output, format="turtle")
    (item,) = [s for s in report.subjects(PDG.sourcePlace, Literal("p2:L11"))]
    assert report.value(item, URIRef("http://www.w3.org/ns/shacl#resultSeverity")).endswith("Violation")


def test_pdf_places_in_the_flow_map(city, city_run):
    fmap = map_from_dataset(ingest([city]).dataset)
    (edge,) = [e for e in fmap.edges.values() if e.category == "提供"]
    assert dict(edge.info)["出典"] == "city.pdf:p2:L10"
    (system,) = [n for n in fmap.nodes.values() if n.label == "児童手当システム"]
    assert dict(system.info)["出典"] == "city.pdf:p2:L3"
    (body,) = [n for n in fmap.nodes.values() if n.kind == "body"]
    assert dict(body.info)["出典"] == "city.pdf:p1:L2"
    page = (city_run / "map.html").read_text(encoding="utf-8")
    assert "city.pdf:p2:L10" in page and "city.pdf:p2:L3" in page


def test_a_pdf_that_is_no_assessment_is_refused_with_its_page_and_line(tmp_path):
    pdf = make_pdf(tmp_path / "memo.pdf", [Text("お知らせ"), NewPage(), Text("本文")], header="", footer="")
    result = CliRunner().invoke(main, ["facts", str(pdf), "-o", str(tmp_path / "facts")])
    assert result.exit_code == 2
    assert "memo.pdf:p1:L1: no item of the 特定個人情報保護評価書 form was recognised" in result.output


# --------------------------------------------------------------------------- locating a finding


def test_locate_takes_the_place_with_the_line():
    g = Graph()
    doc, flow, item = ID["document/t"], ID["assessment/t/f/1"], ID["assessment/t/f/e/1"]
    g.add((doc, PDG.fileName, Literal("t.pdf")))
    for node, line, place in ((flow, 10, "p3:L5"), (item, 20, "p4:L2")):
        g.add((node, PDG.sourceDocument, doc))
        g.add((node, PDG.sourceLine, Literal(line)))
        g.add((node, PDG.sourcePlace, Literal(place)))
    g.add((item, PDG.reentrustmentLine, Literal(24)))
    g.add((item, PDG.reentrustmentPlace, Literal("p4:L9")))
    info = ShapeInfo(iri=str(PDGSH.X), severity=Severity.VIOLATION, label_ja="", label_en="", comment="",
                     message_ja="", message_en="")
    assert locate(g, flow, None, info) == Location("t.pdf", 10, "p3:L5")
    assert str(locate(g, flow, None, info)) == "t.pdf:p3:L5"
    by_line = ShapeInfo(**{**info.__dict__, "located_by": (str(PDG.reentrustmentLine),)})
    assert locate(g, item, None, by_line) == Location("t.pdf", 24, "p4:L9")  # a field line and its place
    g.remove((item, PDG.reentrustmentPlace, None))
    assert locate(g, item, None, by_line) == Location("t.pdf", 24, None)  # never the node's place for a field


# --------------------------------------------------------------------------- the published renderings


def _pdftotext_pages(path: Path) -> list[list[str]]:
    """Each page's lines as ``pdftotext -layout`` prints them, blank lines (vertical space) left out."""
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [[line for line in page.split("\n") if line.strip()] for page in text.split("\f")]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.mark.skipif(not HAS_PDFTOTEXT, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("name", ["000_47fd13a79d78c58a", "001_cd2fea1f4c88a1a3", "002_88469595c8747105",
                                  "003_f2d2f4201ce28b38"])
def test_every_row_of_the_variant_pdfs_is_placed_on_its_line(name):
    """The page and line of every row read from ../shared/variants/pdf is the line of text where
    ``pdftotext -layout`` prints the start of one of its cells (a label centred in a tall row
    starts lower than its value, so any cell may open the line)."""
    from pdgraph.read.pdf import read_pdf

    path = SHARED / "variants" / "pdf" / f"{name}.pdf"
    if not path.exists():
        pytest.skip("../shared/variants/pdf is not beside the repo")
    pages = _pdftotext_pages(path)
    lines = read_pdf(path).lines
    assert len(lines) > 200
    for line in lines:
        printed = _squeeze(pages[line.page - 1][line.line - 1])
        starts = [_squeeze(cell)[:4] for cell in line.cells if _squeeze(cell)]
        assert not starts or any(start in printed for start in starts), (line.page, line.line, line.cells[:2], printed)
