"""The record of processing activities: the ``ropa`` query (queries/ropa.rq) on a purpose-built
graph and on the examples, where it must agree with the rest of the catalogue, and its tables
(pdgraph.outputs.ropa)."""
from __future__ import annotations

from collections import Counter

import openpyxl
import pytest
from rdflib import Dataset

from pdgraph.graph.stores import stores_for
from pdgraph.outputs.ropa import OVERVIEW_TITLE, ropa_table, ropa_tables
from pdgraph.outputs.tables import write_tables
from pdgraph.query.catalogue import load_catalogue, run_query

from test_queries import column

ROPA = load_catalogue()["ropa"]

# An assessment from a PDF (flows placed as pN:LN) whose 提供先 is an aggregate entry pointing to
# annex 別紙1 with two rows; the rows rest on the annex title's citation and travel by the entry's
# method. The aggregate entry is not a recipient: it must not be a row of the record.
ANNEXED = """
@prefix pdg: <https://w3id.org/pdgraph/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix t: <https://example.org/ropa/> .
t:g {
  t:a a pdg:Assessment ; pdg:organizationName "庚町長" ; pdg:assessmentNumber "5" ; pdg:affairName "児童手当事務" ;
      pdg:departmentName "こども課" ; pdg:sourceDocument t:doc ; pdg:hasFile t:f .
  t:doc a pdg:SourceDocument ; pdg:fileName "kou.pdf" .
  t:f a pdg:PersonalInformationFile ; rdfs:label "児童手当ファイル"@ja ; pdg:subjectCount "1万人未満" ;
      pdg:hasFlow t:agg , t:r1 , t:r2 .
  t:agg a pdg:Flow , pdg:Provision ; pdg:file t:f ; pdg:direction "提供" ; pdg:sourceLine 40 ;
      pdg:sourcePlace "p3:L7" ; pdg:counterpartSummary "別紙1のとおり2件" ; pdg:methodSummary "情報提供ネットワークシステム" .
  t:r1 a pdg:Flow , pdg:Provision ; pdg:file t:f ; pdg:direction "提供" ; pdg:breakdownOf t:agg ; pdg:inAnnex t:annex ;
      pdg:sourceLine 90 ; pdg:sourcePlace "p9:L2" ; pdg:purposeText "給付" ; pdg:timing "随時" ;
      pdg:counterpartSummary "辛市長" ; pdg:legalBasisSummary "番号法 第19条第8号" ;
      pdg:methodSummary "情報提供ネットワークシステム" .
  t:r2 a pdg:Flow , pdg:Provision ; pdg:file t:f ; pdg:direction "提供" ; pdg:breakdownOf t:agg ; pdg:inAnnex t:annex ;
      pdg:sourceLine 91 ; pdg:sourcePlace "p9:L3" ; pdg:counterpartSummary "壬県知事" ;
      pdg:legalBasisSummary "番号法 第19条第8号" ; pdg:methodSummary "情報提供ネットワークシステム" .
  t:annex pdg:annexLabel "別紙1" .
}
"""


@pytest.fixture(scope="module")
def annexed_stores():
    dataset = Dataset()
    dataset.parse(data=ANNEXED, format="trig")
    return stores_for(dataset)


def run(stores, query=ROPA):
    first, second = (run_query(query, store) for store in stores)
    assert (first.variables, first.rows) == (second.variables, second.rows)
    return second


def test_annex_rows_are_rows_and_the_aggregate_entry_is_not(annexed_stores):
    records = run(annexed_stores).records()
    assert [str(r["recipient"]) for r in records] == ["辛市長", "壬県知事"]
    assert all(str(r["recipient"]) != "別紙1のとおり2件" for r in records)
    first = records[0]
    assert (str(first["affair"]), str(first["department"]), str(first["fileSubjects"])) == (
        "児童手当事務", "こども課", "1万人未満")
    assert (str(first["citations"]), str(first["methods"]), str(first["annex"])) == (
        "番号法 第19条第8号", "情報提供ネットワークシステム", "別紙1")
    assert (str(first["purpose"]), str(first["timing"]), str(first["place"])) == ("給付", "随時", "kou.pdf:p9:L2")
    assert str(first["source"]) == str(first["contractor"]) == ""


def test_tiny_counterparts_go_to_the_column_of_their_direction(tiny_stores):
    records = run(tiny_stores).records()
    assert Counter(str(r["direction"]) for r in records) == {"提供": 3, "移転": 1, "委託": 2, "再委託": 1, "入手": 1}
    by_flow = {str(r["flow"]).rsplit("/", 1)[1]: r for r in records}
    assert str(by_flow["a-in1"]["source"]) == "丁機構" and str(by_flow["a-in1"]["recipient"]) == ""
    assert str(by_flow["a-t1"]["recipient"]) == "税務課" and str(by_flow["a-t1"]["methods"]) == "フラッシュメモリ"
    entrusted = by_flow["a-e1"]
    assert (str(entrusted["contractor"]), str(entrusted["task"]), str(entrusted["reentrustment"])) == (
        "丙株式会社", "システム保守", "再委託する")
    assert str(by_flow["b-e1"]["reentrustment"]) == "再委託しない"
    again = by_flow["a-e1-re"]
    assert (str(again["contractor"]), str(again["via"])) == ("丙株式会社の再委託先", "丙株式会社")
    assert str(by_flow["a-p1"]["citations"]) == "番号法 別表第二 94の項"
    assert str(by_flow["a-p1"]["place"]) == "a.txt:20"
    assert str(by_flow["c-p1"]["citations"]) == ""  # the lost ①法令上の根拠 stays empty, never guessed


@pytest.fixture(scope="module")
def tiny_stores():
    from pdgraph.graph.ingest import ingest
    from conftest import FIXTURES

    result = ingest([FIXTURES / "queries" / "tiny.trig"])
    assert not result.problems
    return stores_for(result.dataset)


# --------------------------------------------------------------------------- the examples

def test_ropa_agrees_with_the_flows_query(seed_oxigraph):
    catalogue = load_catalogue()
    ropa = run_query(ROPA, seed_oxigraph).records()
    flows = [r for r in run_query(catalogue["flows"], seed_oxigraph).records() if str(r["aggregate"]) == "false"]
    assert len(ropa) == len(flows) == 89
    key = ("flow", "direction", "citations", "methods", "subjects", "line", "document", "file", "organization")
    assert sorted(tuple(str(r[k]) for k in key) for r in ropa) == sorted(tuple(str(r[k]) for k in key) for r in flows)
    counterparts = {str(r["flow"]): str(r["counterpart"]) for r in flows}
    for record in ropa:
        shown = [str(record[c]) for c in ("source", "recipient", "contractor") if str(record[c])]
        assert shown == [c for c in [counterparts[str(record["flow"])]] if c], record["flow"]  # 委託先 may be blank


@pytest.mark.parametrize("organization", ["練馬区長", "松戸市長", "大分市長", "愛知県信用金庫健康保険組合"])
def test_ropa_recipients_are_the_recipients_of_query(seed_oxigraph, organization):
    catalogue = load_catalogue()
    expected = run_query(catalogue["recipients-of"], seed_oxigraph, {"organization": organization})
    ropa = [r for r in run_query(ROPA, seed_oxigraph).records()
            if str(r["organization"]) == organization and str(r["direction"]) in ("提供", "移転")]
    assert sorted((str(r["flow"]), str(r["recipient"]), str(r["citations"])) for r in ropa) == sorted(
        (str(r["flow"]), str(r["recipient"]), str(r["citations"])) for r in expected.records())


def test_ropa_contractors_are_the_contractors_query(seed_oxigraph):
    """Entrustments with a named 委託先 are those of the contractors query (which lists named ones only)."""
    expected = run_query(load_catalogue()["contractors"], seed_oxigraph)
    ropa = [r for r in run_query(ROPA, seed_oxigraph).records() if str(r["direction"]) == "委託" and str(r["contractor"])]
    assert sorted({str(r["flow"]) for r in ropa}) == sorted(set(column(expected, "entrustment")))


def test_workbook_has_an_overview_and_one_sheet_per_assessment(seed_oxigraph, tmp_path):
    tables = ropa_tables(seed_oxigraph)
    path = write_tables(tables, tmp_path / "ropa.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [OVERVIEW_TITLE, "大分市長 19", "愛知県信用金庫健康保険組合 1", "松戸市長 7", "練馬区長 7"]
    everything = ropa_table(seed_oxigraph)
    assert sum(book[name].max_row - 1 for name in book.sheetnames[1:]) == len(everything.rows) == 89
    overview = {row[0]: dict(zip(tables[0].columns, row)) for row in tables[0].rows}
    nerima = overview["練馬区長"]
    counts = Counter(r["direction"] for r in everything.records() if r["organization"] == "練馬区長")
    assert (nerima["flows"], nerima["provisions"], nerima["transfers"], nerima["entrustments"]) == (
        sum(counts.values()), counts["提供"], counts["移転"], counts["委託"])
    assert book["練馬区長 7"]["A2"].value == "練馬区長" and book["練馬区長 7"].freeze_panes == "A2"


def test_csv_is_one_table_with_the_body_as_a_column(seed_oxigraph, tmp_path):
    path = write_tables([ropa_table(seed_oxigraph)], tmp_path / "ropa.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("評価実施機関 / assessing body,評価書番号 / assessment no.,事務 / processing activity")
    assert len(lines) == 1 + 89


def test_retention_and_erasure_columns_where_the_form_states_them(tmp_path):
    """全項目評価書 II 6. ②保管期間 / ③消去方法 fill the file's rows; a 重点項目評価書 (保管場所 only)
    leaves them blank."""
    from pdgraph.graph.ingest import ingest
    from test_form_variants import STORAGE_FULL, storage_document

    full, focused = tmp_path / "full.txt", tmp_path / "focused.txt"
    full.write_text(storage_document(STORAGE_FULL["table"]), encoding="utf-8")
    focused.write_text(storage_document("6. 特定個人情報の保管・消去\n保管場所 ※\tキャビネット\n7. 備考\n", "重点項目評価書")
                       .replace("3\t架空市", "4\t架空市"), encoding="utf-8")
    result = ingest([full, focused])
    assert not result.problems
    records = run(stores_for(result.dataset)).records()
    by_document = {str(r["document"]): r for r in records}
    assert {document: str(r["direction"]) for document, r in by_document.items()} == {
        "full.txt": "入手", "focused.txt": "入手"}
    assert (str(by_document["full.txt"]["retention"]), str(by_document["full.txt"]["erasure"])) == (
        "6年以上10年未満", "保管期間を過ぎたデータをシステムで一括消去する。")
    assert by_document["focused.txt"]["retention"] is None and by_document["focused.txt"]["erasure"] is None
    table = ropa_table(stores_for(result.dataset)[1])
    headings = dict(zip(table.columns, table.headings))
    assert (headings["retention"], headings["erasure"]) == ("保管期間 / retention", "消去方法 / erasure method")
