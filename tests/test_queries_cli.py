"""The ``pdgraph query`` and ``pdgraph analyze`` commands."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from pdgraph.cli import main
from pdgraph.query.catalogue import load_catalogue

from conftest import EXAMPLES


@pytest.fixture(scope="module")
def docs() -> list[str]:
    return [str(p) for p in sorted(EXAMPLES.glob("*.txt"))]


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_list_prints_one_name_per_line():
    result = invoke("query", "--list")
    assert result.exit_code == 0
    assert result.output.splitlines() == list(load_catalogue())


def test_help_query_shows_the_header():
    result = invoke("query", "recipients-of", "--help-query")
    assert result.exit_code == 0
    assert "title: Recipients of a body's data" in result.output
    assert "param: organization organization required" in result.output


def test_table_output(docs):
    result = invoke("query", "recipients-of", *docs, "--param", "organization=松戸市長")
    assert result.exit_code == 0, result.output
    assert "千葉県後期高齢者医療広域連合" in result.output and "(2 rows)" in result.output


def test_json_is_sparql_results_json(docs):
    result = invoke("query", "shared-recipients", *docs, "--format", "json", "--store", "oxigraph")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["head"]["vars"][0] == "recipient"
    binding = data["results"]["bindings"][0]
    assert binding["recipient"] == {"type": "literal", "value": "都道府県知事又は市町村長"}
    assert binding["assessments"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


def test_sparql_csv_and_tsv(docs):
    rows = list(csv.reader(io.StringIO(invoke("query", "large-files", *docs, "-f", "sparql-csv").stdout)))
    assert rows[0] == ["subjects", "rank", "organization", "number", "file", "line"] and len(rows) == 5
    tsv = invoke("query", "large-files", *docs, "-f", "sparql-tsv").stdout.splitlines()
    assert tsv[0].startswith("?subjects\t?rank") and '"10万人以上100万人未満"' in tsv[1]


def test_csv_and_tsv_are_for_people(docs):
    data = invoke("query", "large-files", *docs, "-f", "csv").stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only after a BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["本人の数 / data subjects", "本人の数の順位 / size rank"] and len(rows) == 5
    assert rows[1][:2] == ["10万人以上100万人未満", "3"]
    tsv = invoke("query", "large-files", *docs, "-f", "tsv").stdout.splitlines()
    assert tsv[0].startswith("本人の数 / data subjects\t") and tsv[1].startswith("10万人以上100万人未満\t3\t")


def test_xlsx_needs_a_file_and_is_typed(docs, tmp_path):
    import openpyxl

    refused = invoke("query", "large-files", *docs, "-f", "xlsx")
    assert refused.exit_code == 2 and "-o FILE.xlsx" in refused.output
    path = tmp_path / "files.xlsx"
    result = invoke("query", "large-files", *docs, "-o", str(path))  # the suffix names the format
    assert result.exit_code == 0, result.output
    assert f"4 rows -> {path}" in result.stderr
    sheet = openpyxl.load_workbook(path)["large-files"]
    assert sheet["A1"].value == "本人の数 / data subjects" and sheet["B2"].value == 3
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F5"


def test_analyze_as_tables(docs, tmp_path):
    import openpyxl

    path = tmp_path / "analysis.xlsx"
    result = invoke("analyze", *docs, "--from", "練馬区長", "-o", str(path))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["hubs", "vendors", "reach"]
    data = json.loads(invoke("analyze", *docs, "--from", "練馬区長", "-f", "json").stdout)
    vendors = book["vendors"]
    assert [vendors.cell(row=i + 2, column=1).value for i in range(len(data["vendors"]))] == [
        v["label"] for v in data["vendors"]]
    assert vendors["E2"].value == data["vendors"][0]["entrustments"]
    assert book["reach"].max_row - 1 == len(data["reach"][0]["reached"])
    text = invoke("analyze", *docs, "-f", "csv").stdout_bytes.decode("utf-8-sig")
    assert text.startswith("# hubs\r\n名称 / name,") and "# vendors" in text


def test_hostile_parameter_matches_nothing(docs):
    result = invoke("query", "recipients-of", *docs, "-p", 'organization=松戸市長" } UNION { ?s ?p ?o } #')
    assert result.exit_code == 0 and "(0 rows)" in result.output


@pytest.mark.parametrize("args,message", [
    (("recipients-of",), "missing required parameter organization"),
    (("recipients-of", "-p", "organization=x", "-p", "org=y"), "unknown parameter"),
    (("recipients-of", "-p", "organization"), "expected NAME=VALUE"),
    (("no-such-query",), "no query named"),
    (("stats", "--store", "sqlite"), "unknown store"),
])
def test_usage_errors_exit_2(docs, args, message):
    result = invoke("query", *args[:1], *docs, *args[1:])
    assert result.exit_code == 2
    assert message in result.output


def test_sources_are_needed_without_a_store_directory():
    result = invoke("query", "stats")
    assert result.exit_code == 2 and "give SOURCES" in result.output


def test_a_store_directory_is_loaded_once_and_queried_again(tmp_path, docs):
    store = f"oxigraph:{tmp_path / 'store'}"
    first = invoke("query", "stats", *docs, "--store", store, "-f", "sparql-csv")
    again = invoke("query", "stats", "--store", store, "-f", "sparql-csv")
    assert first.exit_code == again.exit_code == 0
    assert first.stdout == again.stdout and first.stdout.splitlines()[1].startswith("4,4,91,")


def test_a_bad_document_is_reported_and_exits_2(tmp_path, docs):
    bad = tmp_path / "bad.txt"
    bad.write_text("not an assessment\n", encoding="utf-8")
    result = invoke("query", "stats", docs[0], str(bad))
    assert result.exit_code == 2
    assert "bad.txt" in result.output and "assessments" in result.output


def test_query_file(tmp_path, docs):
    path = tmp_path / "count.rq"
    path.write_text("# title: count\n# ja: 評価書の数\n# en: number of assessments\n"
                    "PREFIX pdg: <https://w3id.org/pdgraph/ns#>\n"
                    "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?g { ?a a pdg:Assessment } }\n", encoding="utf-8")
    result = invoke("query", str(path), *docs, "-f", "sparql-csv")
    assert result.exit_code == 0 and result.stdout.splitlines() == ["n", "4"]


def test_analyze_json(docs):
    result = invoke("analyze", *docs, "--from", "練馬区長", "--format", "json", "--top", "3")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["hubs"]) == 3 and data["vendors"][0]["label"] == "社会保険診療報酬支払基金"
    assert data["reach"][0]["found"] and len(data["reach"][0]["reached"]) == 31


def test_analyze_table(docs):
    result = invoke("analyze", *docs, "--from", "存在しない市長")
    assert result.exit_code == 0
    assert "== hubs" in result.output and "no such assessing body" in result.output
