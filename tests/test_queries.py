"""The query catalogue on the seed graph (answers worked out from the documents) and on a
purpose-built tiny graph (tests/fixtures/queries/tiny.trig); every query on both stores."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Literal

from pdgraph.graph.ingest import ingest
from pdgraph.query.catalogue import load_catalogue, run_query
from pdgraph.query.params import QueryError, QueryParameterError
from pdgraph.graph.stores import RdflibStore, Solutions, stores_for

from conftest import EXAMPLES, FIXTURES

MATSUDO, AICHI, OITA, NERIMA = (EXAMPLES / name for name in (
    "000_47fd13a79d78c58a.txt", "001_cd2fea1f4c88a1a3.txt", "002_88469595c8747105.txt", "003_f2d2f4201ce28b38.txt"))
TINY = FIXTURES / "queries" / "tiny.trig"

REQUIRED = {"flows", "recipients-of", "sources-of", "by-legal-basis", "without-legal-basis", "linkage-rows",
            "number-use", "systems-connected-to", "contractors", "channels", "shared-recipients", "reach",
            "large-files", "changes-timeline", "stats", "ropa"}

SEED_PARAMS = {
    "recipients-of": {"organization": "練馬区長"},
    "sources-of": {"organization": "練馬区長"},
    "by-legal-basis": {"table": "別表第二", "row": "94"},
    "systems-connected-to": {"kind": "中間サーバー"},
    "reach": {"organization": "練馬区長"},
    "changes-timeline": {"organization": "松戸市長"},
}


# --------------------------------------------------------------------------- answers read from the documents

def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def annex_rows(path: Path, heading: str) -> list[list[str]]:
    """The tab-separated rows (numbered 1, 2, …) of the annex table that follows ``heading``."""
    text = lines(path)
    start = next(i for i, line in enumerate(text) if line.startswith(heading))
    rows = []
    for line in text[start + 1:]:
        cells = line.split("\t")
        if cells[0].isdigit():
            rows.append(cells)
        elif rows and not line.strip():
            break
    return rows


BESSHI1 = annex_rows(NERIMA, "(別紙1)")  # No. / 別二項番 / 番号照会者 / 事務 / 特定個人情報 / 情報提供者
BESSHI2 = annex_rows(NERIMA, "(別紙2)")  # No. / 移転先 / 用途 / 本人の数 / 移転方法


def change_dates(path: Path) -> list[str]:
    """The 変更日 of each 変更箇所 row, converted to ISO by hand-written era arithmetic."""
    eras = {"平成": 1988, "令和": 2018}
    out = []
    for line in lines(path):
        m = re.match(r"^(平成|令和)(\d+)年(\d+)月(\d+)日\t", line)
        if m:
            out.append(f"{eras[m[1]] + int(m[2]):04d}-{int(m[3]):02d}-{int(m[4]):02d}")
    return out


def column(solutions: Solutions, name: str) -> list[str]:
    return ["" if value is None else str(value) for value in solutions.column(name)]


def items(cell) -> set[str]:
    return {part for part in str(cell).split(" | ") if part}


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="session")
def seed_stores(seed_ingested):
    return stores_for(seed_ingested.dataset)


@pytest.fixture(scope="session")
def tiny_stores():
    result = ingest([TINY])
    assert not result.problems
    return stores_for(result.dataset)


@pytest.fixture(scope="session")
def seeds(catalogue, seed_stores):
    """Run a query on both seed stores, check they agree row for row, return the answer."""
    def run(name: str, **params) -> Solutions:
        rdflib_answer, oxigraph_answer = (run_query(catalogue[name], store, params) for store in seed_stores)
        assert rdflib_answer.variables == oxigraph_answer.variables
        assert rdflib_answer.rows == oxigraph_answer.rows
        return oxigraph_answer
    return run


@pytest.fixture(scope="session")
def tiny(catalogue, tiny_stores):
    def run(name: str, **params) -> Solutions:
        rdflib_answer, oxigraph_answer = (run_query(catalogue[name], store, params) for store in tiny_stores)
        assert (rdflib_answer.variables, rdflib_answer.rows) == (oxigraph_answer.variables, oxigraph_answer.rows)
        return oxigraph_answer
    return run


# --------------------------------------------------------------------------- the catalogue itself

def test_catalogue_has_every_required_query_with_a_header(catalogue):
    assert REQUIRED <= set(catalogue)
    for query in catalogue.values():
        assert query.title and query.question_ja and query.question_en
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", query.question_ja), query.name
        assert query.examples, f"{query.name} has no example command"


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_both_stores_give_identical_answers_on_the_seeds(seeds, name):
    seeds(name, **SEED_PARAMS.get(name, {}))


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_both_stores_give_identical_answers_on_the_tiny_graph(tiny, name):
    params = {**SEED_PARAMS.get(name, {})}
    if "organization" in params:
        params["organization"] = "甲市長"
    tiny(name, **params)


# --------------------------------------------------------------------------- seeds: expected answers

def test_recipients_of_nerima_are_the_annex_rows(seeds):
    answer = seeds("recipients-of", organization="練馬区長")
    records = answer.records()
    transfers = [r for r in records if str(r["direction"]) == "移転"]
    provisions = [r for r in records if str(r["direction"]) == "提供"]
    # 別紙2: 15 移転先, departments of 練馬区 (税務課, 国保年金課, 総合福祉事務所 …)
    assert len(transfers) == len(BESSHI2) == 15
    assert Counter(str(r["recipient"]) for r in transfers) == Counter(row[1] for row in BESSHI2)
    assert {str(r["recipientType"]) for r in transfers} == {"部署 (department)"}
    for record, row in zip(sorted(transfers, key=lambda r: int(r["line"])), BESSHI2):
        assert str(record["purpose"]) == row[2]
        assert items(record["methods"]) == set(row[4].split("・"))
        assert "番号法 第9条第2項" in items(record["citations"])  # the annex title's basis
    # 別紙1: 24 情報照会者, each on its 別表第二 row, by the entry's 情報提供ネットワークシステム
    assert len(provisions) == len(BESSHI1) == 24
    cited_rows = {c for r in provisions for c in items(r["citations"]) if c.endswith("の項")}
    assert cited_rows == {f"番号法 別表第二 {row[1]}の項" for row in BESSHI1}
    assert {str(r["methods"]) for r in provisions} == {"情報提供ネットワークシステム"}
    assert Counter(str(r["recipient"]) for r in provisions) == Counter(row[2] for row in BESSHI1)


def test_recipients_of_matsudo_are_its_two_transfers(seeds):
    answer = seeds("recipients-of", organization="松戸市長")
    assert column(answer, "recipient") == ["千葉県後期高齢者医療広域連合", "市民部 市民課"]
    assert column(answer, "direction") == ["移転", "移転"]
    first, second = answer.records()
    assert items(first["citations"]) == {f"高齢者の医療の確保に関する法律 {a}" for a in
                                         ("第48条", "第54条第1項", "第54条第10項", "第138条")}
    assert str(first["methods"]) == "専用線"
    assert str(first["subjects"]) == "1万人以上10万人未満"
    assert items(second["citations"]) == {"住民基本台帳法 第7条"}
    assert str(second["methods"]) == "その他"


def test_recipients_of_an_alias_is_canonicalised(seeds):
    assert len(seeds("recipients-of", organization="松戸市長 ").rows) == 2


def test_sources_of_nerima_are_its_12_named_sources(seeds):
    answer = seeds("sources-of", organization="練馬区長")
    assert set(column(answer, "source")) == {
        "区民部戸籍住民課", "区民部国保年金課", "区民部税務課", "区民部収納課", "福祉部各総合福祉事務所",
        "日本年金機構", "東京都国民健康保険団体連合会", "当区以外の地方公共団体", "後期高齢者医療広域連合",
        "共済組合", "健康保険組合", "年金支払者(日本年金機構を除く)"}
    assert Counter(column(answer, "category")) == {"評価実施機関内の他部署": 5, "行政機関・独立行政法人等": 2,
                                                   "地方公共団体・地方独立行政法人": 2, "その他": 3}
    assert set(column(answer, "methodsOther")) == {"サービス検索・電子申請機能"}


def test_by_legal_basis_row_94(seeds):
    answer = seeds("by-legal-basis", table="別表第二", row="94")
    records = {str(r["organization"]): r for r in answer.records()}
    assert set(records) == {"練馬区長", "愛知県信用金庫健康保険組合"}
    nerima = records["練馬区長"]
    row94 = next(row for row in BESSHI1 if row[1] == "94")
    assert str(nerima["counterpart"]) == row94[2]  # 市町村長
    assert (str(nerima["match"]), str(nerima["via"])) == ("exact", "flow")
    assert str(records["愛知県信用金庫健康保険組合"]["match"]) == "各項 (every row)"  # 別表第2の各項


def test_by_legal_basis_article_19_item_7_reaches_annex_rows(seeds):
    answer = seeds("by-legal-basis", law="番号法", article="十九", item="７")
    vias = Counter(column(answer, "via"))
    # 提供先1 of 練馬区, 大分市 and 愛知県信用金庫健康保険組合 cite it; the 24 rows of 練馬区's 別紙1 through its title
    assert vias == {"flow": 3, "annex": 24}
    assert set(column(answer, "match")) == {"exact"}
    assert len(seeds("by-legal-basis", article="19").rows) == 27  # the article matches its item (part)


def test_without_legal_basis_is_empty_on_the_seeds(seeds):
    assert seeds("without-legal-basis").rows == []  # every 提供先 / 移転先 of the four documents cites a law


def test_linkage_rows(seeds):
    answer = seeds("linkage-rows")
    rows = {}
    for r in answer.records():
        rows.setdefault((str(r["organization"]), str(r["role"]), str(r["source"])), []).append(str(r["row"]))
    annex1 = [row[1] for row in BESSHI1]
    assert rows[("練馬区長", "提供", "linkage")] == annex1  # in 別表第二 order
    assert rows[("練馬区長", "提供", "flows")] == annex1
    assert rows[("練馬区長", "照会", "linkage")] == ["93", "94"]
    assert rows[("松戸市長", "照会", "linkage")] == ["82"]
    assert ("松戸市長", "提供", "linkage") not in rows  # 情報提供の根拠 なし
    assert rows[("大分市長", "提供", "linkage")] == ["16の2", "115の2"]
    assert rows[("大分市長", "照会", "linkage")] == ["16の2", "16の3", "17", "18", "19", "115の2"]
    assert rows[("愛知県信用金庫健康保険組合", "提供", "flows")] == ["*"]


def test_number_use(seeds):
    answer = seeds("number-use")
    got = {(str(r["organization"]), str(r["kind"]), str(r["value"])) for r in answer.records()}
    assert got == {("松戸市長", "第9条", "1"), ("松戸市長", "別表第一", "59"),
                   ("愛知県信用金庫健康保険組合", "第9条", "1"), ("愛知県信用金庫健康保険組合", "別表第一", "2"),
                   ("大分市長", "第9条", "1"), ("大分市長", "別表第一", "10"), ("大分市長", "別表第一", "93の2"),
                   ("練馬区長", "第9条", "1"), ("練馬区長", "別表第一", "68")}


def test_systems_connected_to_the_intermediate_server(seeds):
    answer = seeds("systems-connected-to", kind="中間サーバ")  # spelling canonicalised to 中間サーバー
    got = {(str(r["organization"]), str(r["system"]), str(r["named"])) for r in answer.records()}
    assert got == {("松戸市長", "庁内共通連携基盤システム", "中間サーバ"), ("松戸市長", "番号管理システム", "中間サーバ"),
                   ("愛知県信用金庫健康保険組合", "健康保険組合事務基幹システム", "中間サーバー等")}
    address = seeds("systems-connected-to", kind="宛名システム等")
    assert {(str(r["system"]), str(r["checkbox"])) for r in address.records()} == {
        ("中間サーバ", "true"), ("番号管理システム", "true")}


def test_contractors(seeds):
    answer = seeds("contractors")
    assert len(answer.rows) == 13  # 練馬区 7 items (one names two companies), 愛知 4 named, 大分市 1
    first = answer.records()[0]
    assert str(first["contractor"]) == "社会保険診療報酬支払基金"  # 支払基金, three items of one file
    assert (int(first["assessments"]), int(first["files"]), int(first["entrustments"])) == (1, 1, 3)
    nerima = {str(r["contractor"]): str(r["reentrustment"]) for r in answer.records()
              if str(r["organization"]) == "練馬区長"}
    assert nerima["株式会社ニチイ学館"] == nerima["パーソルテンプスタッフ株式会社"] == "再委託しない"
    assert nerima["富士通株式会社"] == "再委託する"


def test_channels_risky_media_first(seeds):
    answer = seeds("channels")
    got = [(str(r["method"]), str(r["direction"]), int(r["flows"])) for r in answer.records()]
    transfer_methods = Counter(m for row in BESSHI2 for m in row[4].split("・"))
    assert got == [("フラッシュメモリ", "移転", transfer_methods["フラッシュメモリ"]),
                   ("紙", "移転", transfer_methods["紙"]),
                   ("その他", "入手", 12 + 13),  # 練馬区 and 愛知: 入手方法 その他, per named source
                   ("その他", "移転", 1),  # 松戸市 移転先2
                   ("専用線", "移転", 1),  # 松戸市 移転先1
                   ("庁内連携システム", "移転", transfer_methods["庁内連携システム"]),
                   ("情報提供ネットワークシステム", "提供", 24 + 1 + 1)]
    assert [int(r["risk"]) for r in answer.records()] == sorted(int(r["risk"]) for r in answer.records())


def test_shared_recipients(seeds):
    answer = seeds("shared-recipients")
    assert column(answer, "recipient") == ["都道府県知事又は市町村長"]  # 別紙1 row 24 of 練馬区 and 大分市's 提供先1
    assert column(answer, "organizations") == ["大分市長 | 練馬区長"]
    assert seeds("shared-recipients", minAssessments="1").rows[0] == answer.rows[0]
    assert seeds("shared-recipients", minAssessments="3").rows == []


def test_reach_from_nerima(seeds):
    answer = seeds("reach", organization="練馬区長")
    by_direction: dict[str, set[str]] = {}
    for r in answer.records():
        by_direction.setdefault(str(r["direction"]), set()).add(str(r["target"]))
    assert by_direction["提供"] == {row[2] for row in BESSHI1}
    assert by_direction["移転"] == {row[1] for row in BESSHI2}
    assert len(by_direction["委託"]) == 8  # 7 items, one with two companies
    assert len(by_direction["再委託"]) == 4  # items 3-6 say 再委託する
    assert set(column(answer, "continues")) == {"false"}  # no recipient assesses its own files here


def test_large_files(seeds):
    answer = seeds("large-files")
    assert [(str(r["subjects"]), int(r["rank"])) for r in answer.records()] == [
        ("10万人以上100万人未満", 3)] * 3 + [("1万人以上10万人未満", 2)]
    assert len(seeds("large-files", band="1万人以上10万人未満").rows) == 1


def test_changes_timeline(seeds):
    matsudo = seeds("changes-timeline", organization="松戸市長")
    assert column(matsudo, "date") == sorted(change_dates(MATSUDO))
    everyone = seeds("changes-timeline")
    dated = [d for d in column(everyone, "date") if d]
    assert dated == sorted(change_dates(MATSUDO) + change_dates(NERIMA))
    assert column(everyone, "date")[-1] == ""  # 大分市's undated row last


def test_stats(seeds):
    record = seeds("stats").records()[0]
    got = {k: int(v) for k, v in record.items()}
    assert got["assessments"] == got["files"] == 4
    assert got["provisions"] == 1 + 24 + 1 + 1
    assert got["transfers"] == 2 + 1 + 15
    assert got["annexRows"] == 24 + 15
    assert got["acquisitions"] == 12 + 13
    assert got["entrustments"] == 7 + 5 + 1
    assert got["reentrustments"] == 4 + 3 + 1
    assert got["flows"] == got["acquisitions"] + got["provisions"] + got["transfers"] + got["entrustments"] \
        + got["reentrustments"]
    assert got["systems"] == 3 + 2 + 2  # 大分市's systems are on lost pages
    assert got["contractors"] == 8 + 2 + 1
    assert got["changes"] == len(change_dates(MATSUDO)) + len(change_dates(NERIMA)) + 1


def test_flows(seeds):
    answer = seeds("flows")
    assert len(answer.rows) == 91
    aggregates = [r for r in answer.records() if str(r["aggregate"]) == "true"]
    assert sorted(str(r["counterpart"]) for r in aggregates) == sorted([
        "番号法第19条第7号別表第二に定める情報照会者(別紙1のとおり24件)",
        "番号法第9条第2項に基づき条例で定める移転先(別紙2のとおり15件)"])
    annexed = Counter(str(r["annex"]) for r in answer.records() if r["annex"] is not None)
    assert annexed == {"別紙1": 24, "別紙2": 15}
    assert {str(r["document"]) for r in answer.records()} == {p.name for p in (MATSUDO, AICHI, OITA, NERIMA)}


# --------------------------------------------------------------------------- tiny graph: one test per query

def test_tiny_flows(tiny):
    answer = tiny("flows")
    assert Counter(column(answer, "direction")) == {"提供": 3, "移転": 1, "委託": 2, "再委託": 1, "入手": 1}
    by_flow = {str(r["flow"]).rsplit("/", 1)[1]: r for r in answer.records()}
    assert str(by_flow["a-in1"]["counterpart"]) == "丁機構"
    assert str(by_flow["a-e1-re"]["counterpart"]) == "丙株式会社の再委託先"
    assert str(by_flow["b-p1"]["citations"]) == "番号法 第19条第7号"


def test_tiny_recipients_of(tiny):
    answer = tiny("recipients-of", organization="甲市長")
    assert column(answer, "recipient") == ["乙健康保険組合", "税務課"]


def test_tiny_sources_of(tiny):
    assert column(tiny("sources-of", organization="甲市長"), "source") == ["丁機構"]


def test_tiny_by_legal_basis(tiny):
    assert column(tiny("by-legal-basis", table="別表第2", row="94"), "counterpart") == ["乙健康保険組合"]
    assert column(tiny("by-legal-basis", article="19"), "match") == ["part"]
    assert column(tiny("by-legal-basis", article="19", item="7"), "match") == ["exact"]
    assert len(tiny("by-legal-basis").rows) == 2  # the whole 番号法
    assert tiny("by-legal-basis", law="住民基本台帳法").rows == []


def test_tiny_without_legal_basis(tiny):
    answer = tiny("without-legal-basis")
    assert {(str(r["organization"]), str(r["basis"])) for r in answer.records()} == {
        ("甲市長", "blank"), ("己市長", "missing (field not in the document)")}


def test_tiny_linkage_rows(tiny):
    assert [(str(r["role"]), str(r["row"])) for r in tiny("linkage-rows").records()] == [("提供", "94")]


def test_tiny_number_use(tiny):
    assert tiny("number-use").rows == []  # no assessment states its 個人番号の利用 basis


def test_tiny_systems_connected_to(tiny):
    answer = tiny("systems-connected-to", kind="中間サーバー")
    assert [(str(r["system"]), str(r["checkbox"]), str(r["named"])) for r in answer.records()] == [
        ("宛名システム", "false", "中間サーバ")]
    checked = tiny("systems-connected-to", kind="情報提供ネットワークシステム")
    assert column(checked, "checkbox") == ["true"]


def test_tiny_contractors(tiny):
    answer = tiny("contractors")
    assert set(column(answer, "contractor")) == {"丙株式会社"}
    assert set(column(answer, "assessments")) == {"2"}


def test_tiny_channels(tiny):
    assert [str(r["method"]) for r in tiny("channels").records()] == ["フラッシュメモリ", "紙", "電子メール",
                                                                      "情報提供ネットワークシステム"]


def test_tiny_shared_recipients(tiny):
    answer = tiny("shared-recipients")
    assert column(answer, "recipient") == ["戊広域連合"]
    assert column(answer, "organizations") == ["乙健康保険組合 | 己市長"]


def test_tiny_reach_goes_through_a_recipient_that_assesses(tiny):
    answer = tiny("reach", organization="甲市長")
    got = {(str(r["holder"]), str(r["target"]), str(r["continues"])) for r in answer.records()}
    assert ("甲市長", "乙健康保険組合", "true") in got
    assert ("乙健康保険組合", "戊広域連合", "false") in got  # two hops away
    assert len(got) == 6
    assert {str(r["target"]) for r in tiny("reach", organization="己市長").records()} == {"戊広域連合"}


def test_tiny_large_files(tiny):
    assert column(tiny("large-files"), "rank") == ["3", "2", "0"]


def test_tiny_changes_timeline(tiny):
    answer = tiny("changes-timeline", organization="甲市長")
    assert column(answer, "date") == ["2016-06", "2020-04-01"]
    assert tiny("changes-timeline", organization="己市長").rows == []


def test_tiny_stats(tiny):
    record = {k: int(v) for k, v in tiny("stats").records()[0].items()}
    assert (record["assessments"], record["flows"], record["contractors"], record["recipients"]) == (3, 8, 1, 3)


# --------------------------------------------------------------------------- parameters

HOSTILE = '松戸市長" } UNION { ?s ?p ?o } #'


@pytest.mark.parametrize("name,param", [("recipients-of", "organization"), ("sources-of", "organization"),
                                        ("reach", "organization"), ("changes-timeline", "organization"),
                                        ("large-files", "band"), ("systems-connected-to", "kind"),
                                        ("by-legal-basis", "law")])
def test_hostile_parameter_values_are_inert(catalogue, seed_stores, name, param):
    query = catalogue[name]
    for store in seed_stores:  # the query parses and runs: the value was one literal, matching nothing
        assert run_query(query, store, {param: HOSTILE}).rows == []


def test_hostile_value_is_one_escaped_literal(catalogue):
    query = catalogue["recipients-of"]
    text = query.render(query.bind({"organization": HOSTILE}))
    assert '"松戸市長\\"}UNION{?s?p?o}#"@ja' in text  # canonicalised, its quote escaped


def test_unknown_and_missing_parameters_are_usage_errors(catalogue):
    with pytest.raises(QueryParameterError, match="missing required parameter organization"):
        catalogue["recipients-of"].bind({})
    with pytest.raises(QueryParameterError, match="unknown parameter"):
        catalogue["recipients-of"].bind({"organization": "x", "org": "y"})
    with pytest.raises(QueryParameterError, match="not an integer"):
        catalogue["shared-recipients"].bind({"minAssessments": "two"})
    with pytest.raises(QueryParameterError, match="appended table"):
        catalogue["by-legal-basis"].bind({"table": "別表X"})
    query = catalogue["by-legal-basis"]
    for bad in ({"row": "94"}, {"article": "19", "table": "別表第二"}, {"item": "7"}):
        with pytest.raises(QueryParameterError):
            query.render(query.bind(bad))


def test_queries_are_runnable_from_a_file(tmp_path, seed_stores):
    from pdgraph.query.catalogue import find_query
    path = tmp_path / "mine.rq"
    path.write_text("# title: t\n# ja: 何件\n# en: how many\n# param: organization organization required — x\n"
                    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?body rdfs:label ?organization } }\n",
                    encoding="utf-8")
    query = find_query(str(path))
    assert int(run_query(query, seed_stores[1], {"organization": "練馬区長"}).rows[0][0]) >= 1


@pytest.mark.parametrize("text,message", [
    ("SELECT * WHERE { }", "no '# title:'"),
    ("# title: t\n# ja: j\n# en: e\n# param: x string sometimes — no\nSELECT ?x WHERE { }", "bad parameter"),
    ("# title: t\n# ja: j\n# en: e\n# param: y string required — unused\nSELECT ?x WHERE { }", "not a variable"),
])
def test_bad_headers_are_reported(text, message):
    from pdgraph.query.catalogue import parse_query
    with pytest.raises(QueryError, match=message):
        parse_query(text, "bad")


def test_rdflib_store_restores_its_dataset_setting(seed_ingested):
    store = RdflibStore(seed_ingested.dataset)
    before = seed_ingested.dataset.default_union
    store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert seed_ingested.dataset.default_union == before


def test_lists_are_sorted_and_empty_items_dropped():
    from pdgraph.query.catalogue import sorted_lists
    answer = Solutions(["a", "b"], [(Literal("z | | a"), None)])
    assert sorted_lists(answer, ("a", "b")).rows == [(Literal("a | z"), Literal(""))]


def test_every_query_is_documented_with_an_example_and_its_output(catalogue):
    docs = (Path(__file__).resolve().parent.parent / "docs" / "queries.md").read_text(encoding="utf-8")
    for name, query in catalogue.items():
        assert f"### {name}\n" in docs, name
        assert f"$ {query.examples[0]}" in docs, name
        section = docs.split(f"### {name}\n", 1)[1].split("\n### ", 1)[0]
        assert re.search(r"\(\d+ rows?\)|^\S+,", section, re.M), f"{name}: no output shown"
