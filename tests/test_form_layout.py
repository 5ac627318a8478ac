"""Hand-made cases for relayout: one per layout feature, each a few lines written from the
form's labels, with the rows it must give back (cells joined by TAB)."""
from __future__ import annotations

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
    start = time.perf_counter()
    relayout(text)
    assert time.perf_counter() - start < 10
