"""Extractor behaviour on small purpose-built documents (one rule of the form per test)."""
from __future__ import annotations

from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from pdgraph.extract.machine import extract
from pdgraph.form.rows import parse_rows
from pdgraph.read.text import decode

HEADER = """特定個人情報保護評価書(重点項目評価書)

評価書番号\t評価書名
3\t架空市 介護保険事務 重点項目評価書

評価実施機関名

架空市長

公表日

令和元年5月1日
"""


def doc(body: str, header: str = HEADER):
    return extract(decode((header + body).encode("utf-8"), "tiny.txt"))


def test_header_fields_and_era_dates():
    a = doc("")
    assert (a.number, a.organization, a.kind) == ("3", "架空市長", "重点項目評価書")
    assert a.published.iso == "2019-05-01" and not a.published.impossible
    assert a.published_line == 12


def test_impossible_era_year_is_converted_and_flagged():
    a = doc("", HEADER.replace("令和元年5月1日", "平成32年9月25日"))
    assert a.published.iso == "2020-09-25" and a.published.impossible


def test_lost_sections_are_none_not_empty():
    a = doc("")
    assert a.systems is None and a.number_use is None and a.linkage is None and a.changes is None
    assert a.affair is None and a.files == []


def test_kind_falls_back_to_the_title_when_the_heading_is_lost():
    a = doc("", HEADER.replace("特定個人情報保護評価書(重点項目評価書)\n", ""))
    assert a.kind == "重点項目評価書"


def test_system_block_and_connections():
    a = doc("""
システム1\t
①システムの名称\t(1) 団体内統合宛名システム(以下「宛名システム」という。)
③他のシステムとの接続\t[ ○ ] 中間サーバー [ ] 税務システム [○] その他 ( 介護保険システム、統合収納システム )
""")
    (system,) = a.systems
    assert system.name == "団体内統合宛名システム" and system.kind == "宛名システム等"
    assert system.connections == ["その他"]
    assert system.other_connections == ["介護保険システム", "統合収納システム"]
    assert system.line == 14  # the システム1 heading


def test_basic_survey_lists_systems_in_one_cell():
    a = doc("""
I 関連情報
1. 特定個人情報ファイルを取り扱う事務
①事務の名称\t介護保険に関する事務
③システムの名称\t介護保険システム、中間サーバー、団体内統合宛名システム
""", HEADER.replace("重点項目評価書", "基礎項目評価書"))
    assert a.affair == "介護保険に関する事務"
    assert [(s.name, s.kind, s.connections) for s in a.systems] == [
        ("介護保険システム", "業務システム", None), ("中間サーバー", "中間サーバー", None),
        ("団体内統合宛名システム", "宛名システム等", None)]


FILE = """
II 特定個人情報ファイルの概要
1. 特定個人情報ファイル名
介護保険ファイル
2. 基本情報
②対象となる本人の数\t[ 1万人以上10万人未満 ] <選択肢> 1) 1万人未満 2) 1万人以上10万人未満
⑤保有開始日\t平成28年1月
"""


def test_file_block_and_template_slots_are_not_items():
    a = doc(FILE + """
4. 特定個人情報ファイルの取扱いの委託
委託の有無 ※\t[ 委託する ] <選択肢> 1) 委託する 2) 委託しない ( 1 ) 件
委託事項1\tシステム保守
③委託先名\t架空システム株式会社
再委託\t④再委託の有無 ※\t[ 再委託する ] <選択肢> 1) 再委託する 2) 再委託しない
\t⑤再委託の許諾方法\t書面により承認する。
委託事項2～5\t
委託事項2\t
①委託内容\t
③委託先名\t
5. 特定個人情報の提供・移転(委託に伴うものを除く。)
提供・移転の有無\t[ ○ ] 提供を行っている ( 1 ) 件 [ ] 移転を行っている ( ) 件 [ ] 行っていない
提供先1\t
①法令上の根拠\t
提供先2～5\t
""")
    (file,) = a.files
    assert (file.name, file.subjects, file.holding_start.iso) == ("介護保険ファイル", "1万人以上10万人未満", "2016-01")
    assert file.entrustment.status == "委託する" and file.entrustment.declared_count == 1
    (item,) = file.entrustment.items
    assert (item.title, item.contractor, item.reentrustment, item.permission_method) == (
        "システム保守", "架空システム株式会社", "再委託する", "書面により承認する。")
    assert file.provision_transfer.provides is True and file.provision_transfer.transfers is False
    assert file.provisions == [] and file.transfers == []


def test_flow_recipient_on_the_next_line_and_annex_rows():
    a = doc(FILE + """
5. 特定個人情報の提供・移転(委託に伴うものを除く。)
提供・移転の有無\t[ ] 提供を行っている ( ) 件 [○] 移転を行っている ( 2 ) 件 [ ] 行っていない
<b>移転先1</b>\t\t
番号法第9条第2項に基づき条例で定める移転先(別紙1のとおり)
①法令上の根拠\t番号法第9条第2項
⑥移転方法\t[ ○ ] 庁内連携システム [ ] 紙
(別紙1) 移転先一覧
<table><tr><th>No.</th><th>移転先</th><th>移転先における用途</th><th>移転方法</th></tr><tr><td>1</td><td>税務課</td><td>住民税の賦課</td><td>紙・フラッシュメモリ</td></tr><tr><td>2</td><td>福祉課</td><td>生活保護</td><td>庁内連携システム</td></tr></table>
""")
    (flow,) = a.files[0].transfers
    assert flow.recipient == "番号法第9条第2項に基づき条例で定める移転先(別紙1のとおり)"
    assert [(row.recipient, row.purpose, row.methods) for row in flow.breakdown] == [
        ("税務課", "住民税の賦課", ["紙", "フラッシュメモリ"]), ("福祉課", "生活保護", ["庁内連携システム"])]
    assert all(row.direction == "transfer" and row.annex_row for row in flow.breakdown)
    assert flow.basis.atoms[0].article == "9"


def test_risk_section_rows_are_not_read_as_file_facts():
    a = doc(FILE + """
III リスク対策
1. 特定個人情報ファイル名
介護保険ファイル
4. 特定個人情報ファイルの取扱いの委託\t\t[ ] 委託しない
委託の有無\t[ 委託しない ]
""")
    assert len(a.files) == 1 and a.files[0].entrustment is None


def test_changes_annex():
    a = doc("""
(別添2) 変更箇所
変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明
令和2年1月11日\tI-6 担当部署\t<ul><li>旧</li></ul>\t新\t事後\t異動
\t\t重点項目評価書\t全項目評価書\t\t引上げ
""")
    assert [(c.date.iso if c.date else None, c.item, c.before, c.after, c.timing) for c in a.changes] == [
        ("2020-01-11", "I-6 担当部署", "旧", "新", "事後"), (None, "", "重点項目評価書", "全項目評価書", "")]


def test_several_files_each_with_its_own_record_items():
    a = doc("""
II 特定個人情報ファイルの概要
1. 特定個人情報ファイル名
(1) 住民基本台帳ファイル
2. 基本情報
②対象となる本人の数\t[ 10万人以上100万人未満 ]
1. 特定個人情報ファイル名
(2) 本人確認情報ファイル
2. 基本情報
②対象となる本人の数\t[ 1万人未満 ]
(別添1) 特定個人情報ファイル記録項目
(1) 住民基本台帳ファイル
・氏名 ・住所
(2) 本人確認情報ファイル
・個人番号 ・生年月日
III リスク対策
1. 特定個人情報ファイル名
(1) 住民基本台帳ファイル
""", HEADER.replace("重点項目評価書", "全項目評価書"))
    assert [(f.name, f.subjects, f.record_items) for f in a.files] == [
        ("住民基本台帳ファイル", "10万人以上100万人未満", ["氏名", "住所"]),
        ("本人確認情報ファイル", "1万人未満", ["個人番号", "生年月日"])]


def test_flattened_table_with_a_field_on_the_block_heading_row():
    a = doc("""
システム1\t①システムの名称\t住民基本台帳ネットワークシステム
""" + FILE + """
5. 特定個人情報の提供・移転(委託に伴うものを除く。)
提供先1\t①法令上の根拠\t番号法第19条第8号
②提供先における用途\t年金の支給
""")
    assert [s.name for s in a.systems] == ["住民基本台帳ネットワークシステム"]
    (flow,) = a.files[0].provisions
    assert flow.recipient is None and flow.purpose == "年金の支給"
    assert [(x.article, x.item) for x in flow.basis.atoms] == [("19", "8")]


def _tr(cells: list[str]) -> str:
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _table_rows(text: str, render) -> str:
    """Every tab-separated line written as one table row by ``render(cells)``."""
    return "\n".join(render(line.split("\t")) if "\t" in line else line for line in text.split("\n"))


def _html_tables(text: str, one_line: bool) -> str:
    """Each run of tab-separated lines (without an HTML table of its own) as one HTML table."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            rows = [_tr(line.split("\t")) for line in run]
            out.extend(["<table>" + "".join(rows) + "</table>"] if one_line else ["<table>", *rows, "</table>"])
            run.clear()

    for line in text.split("\n"):
        if "\t" in line and "<table" not in line:
            run.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)


def test_html_tables_over_several_lines_and_lone_rows_become_numbered_rows():
    text = "前\n<table>\n<tr><td>部署</td><td>市民課</td></tr>\n<tr>\n<td>所属長</td><td>甲</td></tr>\n</table>\n<tr><td>a</td><td>b</td></tr>\n後"
    rows = parse_rows(decode(text.encode("utf-8"), "t.txt"))
    assert [(r.line, r.texts) for r in rows] == [
        (1, ("前",)), (3, ("部署", "市民課")), (4, ("所属長", "甲")), (7, ("a", "b")), (8, ("後",))]


def test_an_html_table_that_is_never_closed_runs_to_the_end_and_keeps_its_rows():
    rows = parse_rows(decode("<table>\n<tr><td>x</td></tr>\n<tr><td>y</td>".encode("utf-8"), "t.txt"))
    assert [(r.line, r.texts) for r in rows] == [(2, ("x",)), (3, ("y",))]


def test_format_variants_of_the_examples_give_the_same_facts():
    """Tables as Markdown pipes or HTML (row per line, table over lines, table on one line), blank
    lines between all lines, no Markdown heading marks, full-width digits, CRLF: same facts."""
    import re

    from pdgraph.graph.facts import facts_from_graph
    from pdgraph.graph.mapping import assessment_graph

    from conftest import EXAMPLES

    variants = {
        "markdown pipe rows": lambda t: _table_rows(t, lambda cells: "| " + " | ".join(cells) + " |"),
        "html rows": lambda t: _table_rows(t, _tr),
        "html tables over lines": lambda t: _html_tables(t, one_line=False),
        "html tables on one line": lambda t: _html_tables(t, one_line=True),
        "blank lines": lambda t: t.replace("\n", "\n\n"),
        "no heading marks": lambda t: re.sub(r"(?m)^#+\s*", "", t).replace("**", ""),
        "full-width digits": lambda t: t.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        "crlf": lambda t: t.replace("\n", "\r\n"),
    }
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")

        def facts(variant: str) -> dict:
            return facts_from_graph(assessment_graph(extract(decode(variant.encode("utf-8"), path.name))))

        expected = facts(text)
        for name, change in variants.items():
            assert facts(change(text)) == expected, (path.name, name)


# Lost pages: any contiguous run of lines (sometimes cut mid-line) can be missing from a document.
@lru_cache(maxsize=1)
def _example_texts() -> list[tuple[str, list[str]]]:
    from conftest import EXAMPLES
    return [(p.name, p.read_text(encoding="utf-8").split("\n")) for p in sorted(EXAMPLES.glob("*.txt"))]


@settings(max_examples=40, deadline=None)
@given(which=st.integers(0, 3), start=st.floats(0, 1), length=st.sampled_from([1, 5, 20, 80, 300]),
       mid_line=st.booleans())
def test_losing_any_run_of_lines_never_crashes_the_pipeline(which, start, length, mid_line):
    from pdgraph.errors import PdgraphError
    from pdgraph.graph.facts import facts_from_graph
    from pdgraph.graph.mapping import assessment_graph

    name, lines = _example_texts()[which]
    a = int(start * (len(lines) - 1))
    kept = lines[:a] + ([lines[a][: len(lines[a]) // 2]] if mid_line else []) + lines[a + length:]
    try:
        assessment = extract(decode("\n".join(kept).encode("utf-8"), name))
    except PdgraphError:
        return  # refused with a message (e.g. the header is gone): allowed, never a crash
    facts_from_graph(assessment_graph(assessment))


def test_form_version_stamp_is_the_form_version_not_the_publication_date():
    a = doc("", "[平成26年4月 様式3]\n" + HEADER)
    assert a.form_version == "平成26年4月 様式3" and a.form_version_line == 1
    assert a.published.iso == "2019-05-01"  # the 公表日, not the stamp's 平成26年4月
    b = doc("", HEADER.replace("令和元年5月1日\n", "\n") + "【平成28年1月 様式2】\n")
    assert b.form_version == "平成28年1月 様式2" and b.published is None


def test_form_version_is_recorded_in_the_graph():
    from rdflib import Literal

    from pdgraph.graph.mapping import assessment_graph
    from pdgraph.graph.vocab import PDG

    graph = assessment_graph(doc("", "[平成26年4月 様式3]\n" + HEADER))
    assert (None, PDG.formVersion, Literal("平成26年4月 様式3")) in graph
    assert not list(graph.triples((None, PDG.formVersion, None))) or doc("").form_version is None


def test_a_lost_header_page_still_gives_the_sections():
    a = extract(decode("I 基本情報\n1. 特定個人情報ファイルを取り扱う事務\n①事務の名称\t介護保険事務\n".encode(), "nohead.txt"))
    assert (a.kind, a.number, a.organization, a.published) == (None, None, None, None)
    assert a.affair == "介護保険事務"
