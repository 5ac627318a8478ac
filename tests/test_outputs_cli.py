"""``pdgraph export ropa`` and ``pdgraph report`` through click's CliRunner."""
from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner

from pdgraph.cli import main

from conftest import EXAMPLES


@pytest.fixture(scope="module")
def docs() -> list[str]:
    return [str(p) for p in sorted(EXAMPLES.glob("*.txt"))]


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_ropa_workbook(docs, tmp_path):
    path = tmp_path / "ropa.xlsx"
    result = invoke("export", "ropa", *docs, "-o", path)
    assert result.exit_code == 0, result.output
    assert f"4 assessment(s), 89 row(s) -> {path}" in result.stderr
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "概要 overview" and len(book.sheetnames) == 5
    overview = book["概要 overview"]
    assert overview["A1"].value == "評価実施機関 / assessing body" and overview.freeze_panes == "A2"
    assert sum(overview.cell(row=r, column=7).value for r in range(2, 6)) == 89  # flows per assessment


def test_ropa_csv_is_the_ropa_query_as_csv(docs, tmp_path):
    path = tmp_path / "ropa.csv"
    result = invoke("export", "ropa", *docs, "-o", path)
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data == invoke("query", "ropa", *docs, "-f", "csv").stdout_bytes
    assert len(data.decode("utf-8-sig").splitlines()) == 90


def test_ropa_goes_on_past_a_bad_document(docs, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa not text")
    path = tmp_path / "ropa.tsv"
    result = invoke("export", "ropa", bad, docs[3], "-o", path)
    assert result.exit_code == 2
    assert any(line.startswith("error: ") and "bad.txt" in line for line in result.stderr.splitlines())
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 62 and all(line.startswith("練馬区長\t") for line in lines[1:])


@pytest.mark.parametrize("args,message", [
    (("export", "ropa", "-o", "x.xlsx"), "give SOURCES or --store DIR"),
    (("export", "ropa", "examples/000_47fd13a79d78c58a.txt", "-o", "x.pdf"), "name the format by suffix"),
    (("report", "-o", "x.html"), "give SOURCES or --store DIR"),
])
def test_usage_errors(args, message):
    result = invoke(*args)
    assert result.exit_code == 2 and message in result.output


def test_report_page(docs, tmp_path):
    path = tmp_path / "report.html"
    result = invoke("report", *docs, "-o", path)
    assert result.exit_code == 0, result.output
    page = path.read_text(encoding="utf-8")
    assert "script-src 'none'" in page and "<script" not in page
    for key in ("legal-basis", "channels", "vendors", "bands", "findings"):
        assert f'<section id="{key}">' in page
    assert "5 charts, 4 assessment(s)" in result.stderr
    quiet = invoke("report", *docs, "-o", path, "--no-validation")
    assert quiet.exit_code == 0 and '<section id="findings">' not in path.read_text(encoding="utf-8")


def readme_output_commands() -> list[str]:
    from conftest import ROOT
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Outputs for people", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"^\| [^|]+ \| `(pdgraph [^`]+)`", section, re.M)


@pytest.mark.parametrize("command", readme_output_commands())
def test_every_readme_output_example_works(command, tmp_path, monkeypatch):
    import glob
    import shlex

    from conftest import ROOT

    args = []
    for arg in shlex.split(command)[1:]:
        args += sorted(glob.glob(str(ROOT / arg))) if "*" in arg else [arg]
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 0, (command, result.output)
    written = [a for a in args if a.endswith((".trig", ".html", ".xlsx", ".csv", "/"))]
    assert all((tmp_path / w).exists() for w in written), command


def test_readme_lists_the_outputs():
    commands = " ".join(readme_output_commands())
    for needed in ("build", "facts", "validate", "query", "analyze", "export ropa", "report", "map"):
        assert f"pdgraph {needed} " in commands, needed


def test_from_a_store_directory_as_from_the_documents(docs, tmp_path):
    store = tmp_path / "corpus.ox"
    built = invoke("build", *docs, "--store", store, "-q")
    assert built.exit_code == 0, built.output
    for name in ("ropa.csv", "ropa.xlsx", "report.html"):
        command = "report" if name.endswith(".html") else "export ropa"
        from_docs = invoke(*command.split(), *docs, "-o", tmp_path / f"docs-{name}", "-q")
        from_store = invoke(*command.split(), "--store", store, "-o", tmp_path / f"store-{name}", "-q")
        assert from_docs.exit_code == from_store.exit_code == 0, (from_docs.output, from_store.output)
        if name.endswith(".xlsx"):
            docs_book, store_book = (openpyxl.load_workbook(tmp_path / f"{kind}-{name}") for kind in ("docs", "store"))
            assert docs_book.sheetnames == store_book.sheetnames
            for sheet in docs_book.sheetnames:
                assert list(docs_book[sheet].values) == list(store_book[sheet].values), sheet
        else:
            assert (tmp_path / f"docs-{name}").read_bytes() == (tmp_path / f"store-{name}").read_bytes(), name


def test_a_directory_that_is_not_a_store(tmp_path):
    result = invoke("export", "ropa", "--store", tmp_path, "-o", tmp_path / "x.csv")
    assert result.exit_code == 2 and "not an Oxigraph store directory" in result.output


def test_a_formula_in_a_document_stays_text_in_the_ropa(tmp_path):
    text = (EXAMPLES / "000_47fd13a79d78c58a.txt").read_text(encoding="utf-8")
    formula = '=HYPERLINK("http://evil.example/","x")'
    assert "移転先2\t市民部 市民課" in text
    document = tmp_path / "formula.txt"
    document.write_text(text.replace("移転先2\t市民部 市民課", f"移転先2\t{formula}"), encoding="utf-8")
    csv_path, xlsx_path = tmp_path / "ropa.csv", tmp_path / "ropa.xlsx"
    assert invoke("export", "ropa", document, "-o", csv_path, "-q").exit_code == 0
    assert invoke("export", "ropa", document, "-o", xlsx_path, "-q").exit_code == 0
    assert "'" + formula.replace('"', '""') in csv_path.read_text(encoding="utf-8-sig")
    sheet = openpyxl.load_workbook(xlsx_path)["松戸市長 7"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == formula]
    assert cells and all(c.data_type == "s" for c in cells)
