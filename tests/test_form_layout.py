"""Hand-made cases for relayout: one per layout feature, each a few lines written from the
form's labels, with the rows it must give back (cells joined by TAB)."""
from __future__ import annotations

import json
import time

import pytest

from pdgraph.form.layout import RelaidLine, detect_layout, relayout


def rows(text: str) -> list[str]:
    return [line.text for line in relayout(text).lines]


# --------------------------------------------------------------------------- pass-through


@pytest.mark.parametrize("text", [
    "評価書番号\t評価書名\n7\t○○市 介護保険事務 重点項目評価書\n①事務の名称\t介護保険事務\n公表日\t令和2年1月11日\n",
    "<table><tr><td>①事務の名称</td><td>介護保険事務</td></tr></table>\n公表日\n令和2年1月11日\n",
    "# 特定個人情報保護評価書(重点項目評価書)\n## 公表日\n令和2年1月11日\n",
])
def test_text_with_cells_is_returned_unchanged(text: str) -> None:
    relaid = relayout(text)
    assert relaid.layout == "cells"
    assert relaid.text == text
    assert [line.line for line in relaid.lines] == list(range(1, text.count("\n") + 2))


def test_layout_detection() -> None:
    assert detect_layout("①事務の名称\n\n介護保険事務\n") == "lines"
    assert detect_layout("①事務の名称 介護保険事務 " * 40) == "pages"
    assert detect_layout("a\tb\nc\td\ne\tf\n") == "cells"


# --------------------------------------------------------------------------- labels and values


def test_label_alone_then_value_on_the_next_lines() -> None:
    text = "①事務の名称\n\n介護保険事務\n\n③対象人数\n\n[ 10万人以上30万人未満 ]\n"
    assert rows(text) == ["①事務の名称\t介護保険事務", "③対象人数\t[ 10万人以上30万人未満 ]"]


def test_wrapped_value_joins_without_space() -> None:
    text = ("②システムの機能\n\n"
            "介護保険の資格管理、保険料の賦課・収納、給付の管理を行う機能を持つシステムであり、\n"
            "住民記録システムと連携する。\n")
    assert rows(text) == ["②システムの機能\t介護保険の資格管理、保険料の賦課・収納、給付の管理を行う機能を持つシステムであり、"
                          "住民記録システムと連携する。"]


def test_label_wrapped_over_lines_with_its_note() -> None:
    text = "④提供する情報の対象となる本\n人の数\n\n[ 1万人未満 ]\n\n④再委託の有無\n※\n\n[ 再委託しない ]\n"
    assert rows(text) == ["④提供する情報の対象となる本人の数\t[ 1万人未満 ]", "④再委託の有無 ※\t[ 再委託しない ]"]


def test_short_line_is_a_hard_break() -> None:
    text = ("法令上の根拠\n\n"
            "番号法第9条第1項、別表第一の59の項 行政手続における特定の個人を識別するため\n"
            "の番号の利用等に関する法律 第9条\n"
            "住民基本台帳法第30条の9(国の機関等への本人確認情報の提供)及び第30条の10\n")
    assert rows(text) == ["法令上の根拠\t番号法第9条第1項、別表第一の59の項 行政手続における特定の個人を識別するための番号の利用等に"
                          "関する法律 第9条<br>住民基本台帳法第30条の9(国の機関等への本人確認情報の"
                          "提供)及び第30条の10"]


def test_list_inside_a_value_keeps_its_items_apart() -> None:
    text = "③システムの名称\n\n1.児童手当システム\n2.ID連携サーバ\n3.中間サーバ\n"
    assert rows(text) == ["③システムの名称\t1.児童手当システム<br>2.ID連携サーバ<br>3.中間サーバ"]


def test_check_boxes_wrapped_over_lines() -> None:
    text = ("②入手方法\n\n□ 紙 □ 電子記録媒体(フラッシュメモリを除く。) □ フラッシュメモリ □ 電子メ\n"
            "ール ■ 専用線 □ 庁内連携システム □ その他 ( )\n")
    assert rows(text) == ["②入手方法\t□ 紙 □ 電子記録媒体(フラッシュメモリを除く。) □ フラッシュメモリ □ 電子メール ■ 専用線 "
                          "□ 庁内連携システム □ その他 ( )"]


def test_typed_value_printed_after_later_labels_reaches_its_label() -> None:
    # pdftotext printed the ⑤ text and the ⑥ check boxes after all three labels
    text = ("④移転する情報の対象となる本人の数\n⑤移転する情報の対象となる本人の範囲\n⑥移転方法\n\n"
            "[1万人以上10万人未満]\n\n被保険者及びその世帯員\n□ 庁内連携システム ■ 専用線\n")
    assert rows(text) == ["④移転する情報の対象となる本人の数\t[1万人以上10万人未満]",
                          "⑤移転する情報の対象となる本人の範囲\t被保険者及びその世帯員",
                          "⑥移転方法\t□ 庁内連携システム ■ 専用線"]


def test_block_heading_printed_after_its_fields_opens_their_block() -> None:
    text = ("委託の有無 ※\n\n[ 委託する ] ( 1 ) 件\n\n①委託内容\n\n保守\n\n④再委託の有無\n※\n\n"
            "委託事項1\n基幹システムの保守\n\n[ 再委託しない ]\n")
    assert rows(text) == ["委託の有無 ※\t[ 委託する ] ( 1 ) 件", "委託事項1\t基幹システムの保守", "①委託内容\t保守",
                          "④再委託の有無 ※\t[ 再委託しない ]"]


def test_items_of_one_value_go_to_one_label_when_stacked_labels_wait() -> None:
    # pdftotext printed ⑤–⑦ (blank), 保管場所 and 備考 stacked, then the values: 備考's, ⑥'s boxes and
    # 保管場所's two items with no blank line between them (one cell)
    text = ("⑤移転する情報の対象となる本人の範囲\n⑥移転方法\n\n⑦時期・頻度\n6. 特定個人情報の保管・消去\n保管場所 ※\n\n"
            "7. 備考\nなし\n\n[ □ ] 庁内連携システム [ ■ ] 専用線\n\n＜基幹システムにおける措置＞ サーバ室に保管する。\n"
            "＜中間サーバー等における措置＞ データセンターに保管する。\n")
    assert rows(text) == ["⑤移転する情報の対象となる本人の範囲", "⑥移転方法\t[ □ ] 庁内連携システム [ ■ ] 専用線", "⑦時期・頻度",
                          "6. 特定個人情報の保管・消去",
                          "保管場所 ※\t＜基幹システムにおける措置＞ サーバ室に保管する。<br>＜中間サーバー等における措置＞ データセンターに保管する。",
                          "7. 備考\tなし"]


# --------------------------------------------------------------------------- header of the form


def test_stacked_header_labels_take_number_and_title() -> None:
    text = "評価書番号\n\n評価書名\n\n7\n\n松戸市 後期高齢者医療制度に関する事務 重点項目評価書\n"
    assert rows(text) == ["評価書番号\t7", "評価書名\t松戸市 後期高齢者医療制度に関する事務 重点項目評価書"]


def test_stacked_header_labels_with_the_number_after_the_title() -> None:
    text = "評価書番号 評価書名 松戸市 介護保険事務 全項目評価書 19 " + "公表日 令和2年1月11日 " * 30
    assert rows(text)[:2] == ["評価書番号\t19", "評価書名\t松戸市 介護保険事務 全項目評価書"]


def test_title_wrapped_over_three_lines() -> None:
    text = "評価書名\n\n○○県○○市における児童手当\nに関する事務及び特例給付に関\nする事務 全項目評価書\n\n公表日\n令和2年1月11日\n"
    assert rows(text)[0] == "評価書名\t○○県○○市における児童手当に関する事務及び特例給付に関する事務 全項目評価書"


def test_kind_heading_split_over_two_lines() -> None:
    text = "特定個人情報保護評価書(\n重点項目評価書)\n評価実施機関名\n松戸市長\n"
    assert rows(text) == ["特定個人情報保護評価書(重点項目評価書)", "評価実施機関名\t松戸市長"]


def test_web_page_text_before_the_form_is_dropped() -> None:
    text = ("ホーム > くらし > 特定個人情報保護評価\n最終更新日:2021年8月1日\n\n"
            "特定個人情報保護評価書(基礎項目評価書)\n公表日\n令和3年7月26日\n")
    assert rows(text) == ["特定個人情報保護評価書(基礎項目評価書)", "公表日\t令和3年7月26日"]


def test_spaced_digits_in_dates_and_bands() -> None:
    text = "公表日\n平成 30 年 6 月 1 8 日\n\n②対象となる本人の数\n\n[ 1 0 万人以上100万人未満 ]\n"
    assert rows(text) == ["公表日\t平成 30 年 6 月 18 日", "②対象となる本人の数\t[ 10 万人以上100万人未満 ]"]


# --------------------------------------------------------------------------- pages, headers, footers


def _pdf_pages(*pages: str, title: str = "松戸市 介護保険事務 重点項目評価書", footer: str = "{n} / {m}") -> str:
    m = len(pages)
    return "\f".join(f"{title}\n\n{body}\n\n{footer.format(n=n, m=m)}\n" for n, body in enumerate(pages, 1))


@pytest.mark.parametrize("footer", ["{n} / {m}", "{n}/{m}", "- {n} -", "{n} / {m} ページ"])
def test_running_header_and_page_numbers_are_removed_inside_a_value(footer: str) -> None:
    text = _pdf_pages("①事務の名称\n\n介護保険事務\n\n②事務の内容\n\n資格管理、保険料の賦課・収納、要介護認定等、保険給付などの介護保険事",
                      "務を行う。\n\n③対象人数\n\n[ 10万人以上30万人未満 ]", "①部署\n\n介護保険課", footer=footer)
    assert rows(text) == ["①事務の名称\t介護保険事務",
                          "②事務の内容\t資格管理、保険料の賦課・収納、要介護認定等、保険給付などの介護保険事務を行う。",
                          "③対象人数\t[ 10万人以上30万人未満 ]", "①部署\t介護保険課"]


def test_page_numbers_without_form_feeds_split_the_pages() -> None:
    text = ("松戸市 介護保険事務 重点項目評価書\n①事務の名称\n介護保険事務\n1 / 69 ページ\n"
            "松戸市 介護保険事務 重点項目評価書\n①部署\n介護保険課\n2 / 69 ページ\n"
            "松戸市 介護保険事務 重点項目評価書\n②所属長の役職名\n介護保険課長\n3 / 69 ページ\n")
    assert rows(text) == ["①事務の名称\t介護保険事務", "①部署\t介護保険課", "②所属長の役職名\t介護保険課長"]


def test_one_line_per_page_finds_labels_inside_the_line_and_keeps_offsets() -> None:
    header = "松戸市 介護保険事務 重点項目評価書"
    page1 = f"{header} ①事務の名称 介護保険事務 ②事務の内容 資格管理を行う。 1 / 2"
    page2 = f"{header} ①部署 高齢施策担当部 介護保険課 2 / 2"
    relaid = relayout("\n".join([page1, page2]) + "\n" + " " * 0)
    if relaid.layout != "pages":  # short pages: force the page-per-line reading the way sharing sites publish
        relaid = relayout("\n".join([page1 + " " * 400, page2 + " " * 400]))
    assert [line.text for line in relaid.lines] == ["①事務の名称\t介護保険事務", "②事務の内容\t資格管理を行う。",
                                                    "①部署\t高齢施策担当部 介護保険課"]
    first = relaid.lines[0]
    assert (first.line, first.page, first.offset) == (1, 1, page1.index("①事務の名称"))
    assert (relaid.lines[2].page, relaid.lines[2].offset) == (2, page2.index("①部署"))


def test_one_line_per_page_undoes_wraps_inside_words() -> None:
    value = "行政手続における特定の個人を識別するための番号の利用等に関する法律(番号法)第9条 第1項及び別表第1の10の項"
    wrapped = value[:40] + " " + value[40:]  # the line wrapped inside 番号法…, pdftotext joined it with a space
    page = ("①事務の名称 予防接種事務 ②事務の内容 " + "予防接種の対象者であることの確認及び接種履歴の管理を行う事務であ る。 " * 3
            + "法令上の根拠 " + wrapped + " ①部署 保健予防課")
    relaid = relayout(page + " " * 300)
    law = next(line.text for line in relaid.lines if line.text.startswith("法令上の根拠"))
    assert "識別するための番号の利用等" in law


# --------------------------------------------------------------------------- tables


def test_annex_recipient_table_rebuilt_by_its_columns() -> None:
    text = ("(別紙2) 移転先一覧\nNo.\n\n移転先\n\n②移転先における用\n途\n\n④移転する情報の対\n象となる本人の数\n\n⑥移転方法\n\n"
            "1\n\n税務課\n\n個人住民税の賦課お\nよび徴収に関する事\n務\n\n10万人以上100万人\n未満\n\n庁内連携システム\n\n"
            "2\n\n国保年金課\n\n国民健康保険事務\n\n1万人未満\n\n紙\n")
    assert rows(text) == ["(別紙2) 移転先一覧",
                          "No.\t移転先\t②移転先における用途\t④移転する情報の対象となる本人の数\t⑥移転方法",
                          "1\t税務課\t個人住民税の賦課および徴収に関する事務\t10万人以上100万人未満\t庁内連携システム",
                          "2\t国保年金課\t国民健康保険事務\t1万人未満\t紙"]


def test_recipient_row_cut_by_a_page_break_gets_its_fragment_back() -> None:
    text = _pdf_pages("(別紙1) 情報照会者一覧\nNo.\n\n別二項番\n\n番号照会者\n\n事務\n\n情報提供者\n\n"
                      "1\n\n1\n\n厚生労働大臣\n\n健康保険に関する事務で\nあって主務省令で定める\n\n市町村長",
                      "もの\n2\n\n8\n\n都道府県知事\n\n児童福祉法による事務\n\n市町村長")
    assert rows(text)[2:] == ["1\t1\t厚生労働大臣\t健康保険に関する事務であって主務省令で定めるもの\t市町村長",
                              "2\t8\t都道府県知事\t児童福祉法による事務\t市町村長"]


def test_change_table_rows_start_at_dates_and_blank_cells_stay_blank() -> None:
    text = ("(別添2) 変更箇所\n変更日\n\n項目\n\n変更前の記載\n\n変更後の記載\n\n提出時期\n\n提出時期に係る\n説明\n\n"
            "平成28年6月30日\n\nI-6評価実施機\n関における担当\n部署\n\n②所属長 鈴木\n昌夫\n\n②所属長 原島\n和夫\n\n事後\n\n人事異動\n\n"
            "令和1年6月27日\n\nⅢリスク対策\n\nⅢ リスク対策\nを記載\n\n事後\n\n様式改正\n")
    assert rows(text) == ["(別添2) 変更箇所", "変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明",
                          "平成28年6月30日\tI-6評価実施機関における担当部署\t②所属長 鈴木昌夫\t②所属長 原島和夫\t事後\t人事異動",
                          "令和1年6月27日\tⅢリスク対策\t\tⅢ リスク対策を記載\t事後\t様式改正"]


def test_labels_quoted_in_change_cells_stay_cells() -> None:
    text = ("(別添2) 変更箇所\n変更日\n\n項目\n\n変更前の記載\n\n変更後の記載\n\n提出時期\n\n"
            "平成28年3月24日\n\nII-5 移転先1\n①法令上の根拠\n\n(追加)\n\n住民基本台帳法第7条\n\n事後\n")
    assert rows(text)[2] == "平成28年3月24日\tII-5 移転先1<br>①法令上の根拠\t(追加)\t住民基本台帳法第7条\t事後\t"


def test_record_items_one_per_cell_stay_whole() -> None:
    text = "(別添1) 特定個人情報ファイル記録項目\n<加入者情報項目>\n\n識別番号\n\nその他条件 履歴情報\n\n氏名 カナ氏名 性別\n生年月日 住所\n"
    assert rows(text) == ["(別添1) 特定個人情報ファイル記録項目", "<加入者情報項目>", "識別番号\tその他条件 履歴情報",
                          "氏名 カナ氏名 性別", "生年月日 住所"]


def test_table_of_contents_does_not_open_the_annexes() -> None:
    text = "項目一覧\nI 基本情報\n(別添1) 特定個人情報ファイル記録項目\n(別添2) 変更箇所\nシステム1\n①システムの名称\n\n介護保険システム\n"
    assert rows(text) == ["項目一覧", "I 基本情報", "(別添1) 特定個人情報ファイル記録項目", "(別添2) 変更箇所", "システム1",
                          "①システムの名称\t介護保険システム"]


def test_provenance_points_at_the_label_line() -> None:
    relaid = relayout("特記事項\n—\n\n評価実施機関名\n松戸市長\n")
    assert relaid.lines == (RelaidLine("特記事項\t—", 1), RelaidLine("評価実施機関名\t松戸市長", 4))


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize("text", ["あ" * 1_000_000, "法令上の根拠 " * 150_000, "[ " * 500_000, "1 " * 500_000,
                                  "①事務の名称\n" * 50_000 + "あ\n" * 50_000])
def test_hostile_input_is_fast(text: str) -> None:
    """CPU time of this process (other jobs on the machine do not count)."""
    start = time.process_time()
    relayout(text)
    assert time.process_time() - start < 10


# --------------------------------------------------------------------------- end to end: text -> facts
#
# Each layout feature of issue 11 point 2, read all the way to the facts JSON (read -> form ->
# extract -> graph -> facts). FORM (tests/renderings.py) is a 重点項目評価書 written by hand in
# the cells layout; a rendering of it must give the same facts, compared the way the answer
# key compares them (white space does not count: a wrap at a space loses it).

import re
from functools import lru_cache

from renderings import (FOOTERS, FORM, WEB_AFTER, WEB_BEFORE, as_beside, as_lines, in_web_page, joined,
                        one_line_per_page, paginate)

from pdgraph.extract.machine import extract
from pdgraph.graph.facts import facts_from_graph
from pdgraph.graph.mapping import assessment_graph
from pdgraph.read.text import decode

TITLE = "架空市 介護保険に関する事務 重点項目評価書"


@lru_cache(maxsize=None)
def facts_of(text: str) -> dict:
    facts = facts_from_graph(assessment_graph(extract(decode(text.encode("utf-8"), "layout.txt"))))
    facts.pop("source")
    return facts


def squeezed(value):
    """A facts value without white space in its texts (the answer key's comparison)."""
    if isinstance(value, dict):
        return {key: squeezed(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((squeezed(item) for item in value), key=repr)
    return re.sub(r"\s+", "", value) if isinstance(value, str) else value


def test_the_hand_written_form_gives_its_facts() -> None:
    """The reference the renderings are compared with states every part of the form."""
    facts = facts_of(FORM)
    assert facts["assessment"] == {"number": "12", "title": TITLE, "kind": "重点項目評価書", "organization": "架空市長",
                                   "published": "2018-06-18", "affair": "介護保険に関する事務",
                                   "department": "健康福祉部 介護保険課"}
    assert [s["name"] for s in facts["systems"]] == ["介護保険システム", "中間サーバー"]
    (file,) = facts["files"]
    assert file["sources"][1]["entities"] == ["市民課", "税務課"]
    assert file["entrustment"]["items"] == [{"title": "介護保険システムの運用保守", "contractor": "架空システム株式会社",
                                             "reentrustment": "再委託しない"}]
    assert [p["recipient"] for p in file["provisions"]] == ["架空県後期高齢者医療広域連合"]
    assert sorted(file["record_items"]) == sorted(["氏名", "住所", "生年月日", "性別", "被保険者番号", "個人番号"])
    assert [c["date"] for c in facts["changes"]] == ["2018-06-18"]


@pytest.mark.parametrize("width", [9, 14, 23, 40, 90])
def test_e2e_label_alone_then_value_wrapped_at_any_width(width: int) -> None:
    text = "\n".join(as_lines(FORM, width)) + "\n"  # labels wrap at 16 columns
    assert squeezed(facts_of(text)) == squeezed(facts_of(FORM))


@pytest.mark.parametrize("width", [40, 300])
def test_e2e_value_beside_its_label(width: int) -> None:
    """pdftotext -raw and web copies: the value on the label's line (wrapped under it)."""
    text = "\n".join(as_beside(FORM, width)) + "\n"
    assert squeezed(facts_of(text)) == squeezed(facts_of(FORM))


@pytest.mark.parametrize("footer", sorted(FOOTERS))
def test_e2e_whole_page_on_one_line(footer: str) -> None:
    """Document-sharing sites: each page one line, its lines (cells) joined by spaces, with the
    running title and the page number inside the line."""
    text = one_line_per_page(paginate(as_lines(FORM, 40), 30, TITLE, FOOTERS[footer]))
    assert all(len(line) < 400 for line in text.split("\n"))  # short pages, too
    assert squeezed(facts_of(text)) == squeezed(facts_of(FORM))


@pytest.mark.parametrize("feeds", [True, False], ids=["form feeds", "no form feeds"])
@pytest.mark.parametrize("footer", sorted(FOOTERS))
def test_e2e_page_headers_and_numbers_interleaved(footer: str, feeds: bool) -> None:
    """The title repeated at each page top and "1/5", "- 3 -", "1 / 69 ページ" at the bottom,
    cutting values in two (pages of 23 lines cut every few rows)."""
    text = joined(paginate(as_lines(FORM, 30), 23, TITLE, FOOTERS[footer], feeds))
    facts = facts_of(text)
    assert squeezed(facts) == squeezed(facts_of(FORM))
    assert "ページ" not in json.dumps(facts, ensure_ascii=False)


def test_e2e_spaced_digits_in_dates_and_numbers() -> None:
    text = ("特定個人情報保護評価書(重点項目評価書)\n評価書番号\n\n評価書名\n\n1 2\n\n" + TITLE + "\n\n"
            "評価実施機関名\n\n架空市長\n\n公表日\n\n平成 30 年 6 月 1 8 日\n\nI 基本情報\n"
            "1. 特定個人情報ファイルを取り扱う事務\n①事務の名称\n\n介護保険に関する事務\n\n"
            "II 特定個人情報ファイルの概要\n1. 特定個人情報ファイル名\n介護保険ファイル\n2. 基本情報\n"
            "②対象となる本人の数\n\n[ 1 0万人以上100万人未満 ]\n")
    facts = facts_of(text)
    assert (facts["assessment"]["number"], facts["assessment"]["published"]) == ("12", "2018-06-18")
    assert facts["files"][0]["subjects"] == "10万人以上100万人未満"


@pytest.mark.parametrize("header", [
    "評価書番号\n\n評価書名\n\n12\n\n{title}\n",  # stacked, then both values
    "評価書番号\n評価書名\n{title}\n12\n",  # the number after the title
    "評価書番号 評価書名\n12 {title}\n",  # labels on one line, values on the next
    "評価書番号 評価書名\n{title} 12\n",
    "評価書番号\n評価書名\n架空市 介護保険に関\nする事務 重点項目評価書\n12\n",  # a wrapped title, then the number
])
def test_e2e_stacked_number_and_title_labels(header: str) -> None:
    text = ("特定個人情報保護評価書(重点項目評価書)\n" + header.format(title=TITLE)
            + "評価実施機関名\n架空市長\n公表日\n平成30年6月18日\nI 基本情報\n")
    assessment = facts_of(text)["assessment"]
    assert (assessment["number"], squeezed(assessment["title"])) == ("12", squeezed(TITLE))


def test_e2e_stacked_labels_on_a_page_line_with_the_number_after_the_title() -> None:
    text = one_line_per_page(paginate(as_lines(FORM.replace(f"12\t{TITLE}", f"{TITLE}\t12"), 50, 50), 36, TITLE))
    assert facts_of(text)["assessment"]["number"] == "12"


@pytest.mark.parametrize("title", ["架空市 介護保険に関する事務\n重点項目評価書", "架空市 介護保\n険に関する事務 重\n点項目評価書"],
                         ids=["two lines", "three lines"])
def test_e2e_title_wrapped(title: str) -> None:
    text = ("特定個人情報保護評価書(重点項目評価書)\n\n評価書番号\n\n12\n\n評価書名\n\n" + title + "\n\n"
            "評価実施機関名\n\n架空市長\n")
    assert squeezed(facts_of(text)["assessment"]["title"]) == squeezed(TITLE)


@pytest.mark.parametrize("heading, kind", [("特定個人情報保護評価書(\n重点項目評価書)", "重点項目評価書"),
                                           ("特定個人情報保護評価書\n(全項目評価書)", "全項目評価書"),
                                           ("特定個人情報保護評価書(基礎項\n目評価書)", "基礎項目評価書")])
def test_e2e_kind_heading_split_over_lines(heading: str, kind: str) -> None:
    text = heading + "\n\n評価書番号\n\n12\n\n評価書名\n\n架空市 介護保険に関する事務\n\n評価実施機関名\n\n架空市長\n"
    assert facts_of(text)["assessment"]["kind"] == kind


@pytest.mark.parametrize("render", ["lines", "beside", "pages"])
def test_e2e_web_page_boilerplate_before_and_after_the_form(render: str) -> None:
    """Menus, breadcrumbs, "ページの先頭へ" and the site footer around the form (after the 変更箇所
    table, which otherwise runs to the end of the text) are not facts."""
    body = "\n".join(as_lines(FORM, 40) if render != "beside" else as_beside(FORM, 40))
    if render == "pages":  # a web copy of a PDF: "ページの先頭へ" between pages
        body = "\nページの先頭へ\n".join(" ".join(line for line in body.split("\n")[i:i + 36] if line)
                                      for i in range(0, body.count("\n") + 1, 36))
    facts = facts_of(in_web_page(body))
    assert squeezed(facts) == squeezed(facts_of(FORM))
    dumped = json.dumps(facts, ensure_ascii=False)
    for line in (WEB_BEFORE + WEB_AFTER).splitlines():
        assert line not in dumped


BASIC = """特定個人情報保護評価書(基礎項目評価書)

評価書番号

評価書名

12

架空町 児童手当に関する事務 基礎項目評価書

評価実施機関名

架空町長

公表日

令和3年7月26日

Ⅰ 関連情報
1. 特定個人情報ファイルを取り扱う事務
①事務の名称

児童手当に関する事務

②事務の概要

児童手当法に基づき、児童手当の認定、支給等を行う。

③システムの名称

{systems}

2. 特定個人情報ファイル名

児童手当ファイル
"""


@pytest.mark.parametrize("systems", [
    "1.児童手当システム 2.ID連携サーバ 3.中間サーバ",
    "1.児童手当システム\n2.ID連携サーバ\n3.中間サーバ",
    "1.児童手当システム2.ID連携サーバ3.中間サーバ",
    "①児童手当システム ②ID連携サーバ ③中間サーバ",
    "①児童手当システム②ID連携サーバ③中間サーバ",
    "（1）児童手当システム （2）ID連携サーバ （3）中間サーバ",
    "(1)児童手当システム(2)ID連携サーバ(3)中間サーバ",
    "１．児童手当システム　２．ＩＤ連携サーバ　３．中間サーバ",
])
def test_e2e_list_inside_a_value_split_by_its_numbering(systems: str) -> None:
    facts = facts_of(BASIC.format(systems=systems))
    assert [s["name"] for s in facts["systems"]] == ["児童手当システム", "ID連携サーバ", "中間サーバ"]


def test_list_numbering_splits_only_a_value_that_opens_with_item_1() -> None:
    from pdgraph.form.layout import split_enumeration
    assert split_enumeration("(1)甲(2)乙(3)丙") == "(1)甲<br>(2)乙<br>(3)丙"
    assert split_enumeration("番号法第9条第1項 別表第一の2.項") == "番号法第9条第1項 別表第一の2.項"
    assert split_enumeration("1. 甲 3. 乙") == "1. 甲 3. 乙"  # no item 2: not a list


# --------------------------------------------------------------------------- text utilities (properties)

from hypothesis import given
from hypothesis import strategies as st

from pdgraph.form.layout import display_width, fold, heal_numbers, split_enumeration

_FORM_TEXT = st.lists(st.sampled_from(list("12345 .()（）①②③介護保険システム、。[]□■\n") + ["<br>"]),
                      max_size=60).map("".join)


@given(st.text(max_size=80))
def test_display_width_counts_each_character_one_or_two_columns(text: str) -> None:
    import unicodedata
    assert display_width(text) == sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)
    assert len(fold(text)) == len(text)  # folding keeps every offset (provenance maps back)


@given(_FORM_TEXT)
def test_split_enumeration_only_adds_line_breaks(value: str) -> None:
    split = split_enumeration(value)
    assert re.sub(r"\s|<br>", "", split) == re.sub(r"\s|<br>", "", value)


@given(_FORM_TEXT)
def test_heal_numbers_only_removes_spaces(value: str) -> None:
    assert heal_numbers(value).replace(" ", "") == value.replace(" ", "")
