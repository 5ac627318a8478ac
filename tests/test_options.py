"""Selected options: every mark spelling of the contract, as a fixture table of cases."""
from __future__ import annotations

import pytest

from pdgraph.form.options import declared_count, find_options, marked_text, selected_labels, single_choice

LABELS = ["情報提供ネットワークシステム", "庁内連携システム", "その他"]

# (cell, selected labels)
MULTI_CASES = [
    ('<input checked="" type="checkbox"/> 情報提供ネットワークシステム <input type="checkbox"/> 庁内連携システム', ["情報提供ネットワークシステム"]),
    ('[<input type="radio"/>] 情報提供ネットワークシステム [] 庁内連携システム', ["情報提供ネットワークシステム"]),
    ("[ ○ ] 情報提供ネットワークシステム [    ] 庁内連携システム", ["情報提供ネットワークシステム"]),
    ("[○] 庁内連携システム [ ] 情報提供ネットワークシステム", ["庁内連携システム"]),
    ("■ 庁内連携システム □ 情報提供ネットワークシステム", ["庁内連携システム"]),
    ("☑ 庁内連携システム ☐ その他 ( )", ["庁内連携システム"]),
    ("✓ 情報提供ネットワークシステム", ["情報提供ネットワークシステム"]),
    ('<input type="radio"/> 庁内連携システム', ["庁内連携システム"]),
    ('[ <input checked="" type="checkbox"/> ] 庁内連携システム', ["庁内連携システム"]),
    ('[ <input type="checkbox"/> ] 庁内連携システム', []),
    ('<input type="checkbox"/> 庁内連携システム', []),
    ("[ ] 庁内連携システム [] 情報提供ネットワークシステム", []),
    # その他 with text in its parentheses counts even without a mark (converter lost marks).
    ('<input type="checkbox"/> その他 ( 住基ネット、マイナポータル )', ["その他"]),
    ("［○］庁内連携システム", ["庁内連携システム"]),  # full-width brackets
]


@pytest.mark.parametrize("cell,expected", MULTI_CASES)
def test_multi_choice_marks(cell, expected):
    assert [o.label for o in selected_labels(cell, LABELS)] == expected


def test_longest_label_wins_over_a_label_inside_it():
    cell = '[ ] 電子記録媒体(フラッシュメモリを除く。) [<input type="radio"/>] フラッシュメモリ'
    chosen = selected_labels(cell, ["電子記録媒体(フラッシュメモリを除く。)", "フラッシュメモリ"])
    assert [o.label for o in chosen] == ["フラッシュメモリ"]


def test_unclosed_other_parenthesis_ends_at_the_next_mark():
    cell = ('<input checked="" type="checkbox"/> その他（ 庁内共通連携基盤システム <input type="checkbox"/> 専用線'
            ' <input type="checkbox"/> 紙')
    (other,) = selected_labels(cell, ["その他", "専用線", "紙"])
    assert other.paren_text == "庁内共通連携基盤システム"


def test_source_category_with_text_counts_as_selected_only_with_text_selects():
    cell = '<input type="checkbox"/> 本人又は本人の代理人 <input type="checkbox"/> 民間事業者 ( 加入事業所 )'
    labels = ["本人又は本人の代理人", "民間事業者"]
    assert [o.label for o in selected_labels(cell, labels, text_selects=True)] == ["民間事業者"]
    assert selected_labels(cell, labels) == []


@pytest.mark.parametrize("cell,expected", [
    ("[ 実施する ] <選択肢> 1) 実施する 2) 実施しない 3) 未定", "実施する"),
    ('[ <input type="checkbox"/> 委託する ] <選択肢> 1) 委託する 2) 委託しない', "委託する"),
    ("[10万人以上100万人未満] <選択肢> 1) 1万人未満 2) 1万人以上10万人未満 3) 10万人以上100万人未満", "10万人以上100万人未満"),
    ('<input type="checkbox"/> 実施する <input type="checkbox"/> 実施しない <input type="checkbox"/> 未定', None),
    ("[ ] <選択肢> 1) 再委託する 2) 再委託しない", None),
    ('<input checked="" type="checkbox"/> 実施しない', "実施しない"),
])
def test_single_choice(cell, expected):
    assert single_choice(cell, ["実施する", "実施しない", "未定", "委託する", "委託しない", "再委託する", "再委託しない",
                                "1万人未満", "1万人以上10万人未満", "10万人以上100万人未満"]) == expected


def test_declared_counts():
    cell = "[ ☑ ] 提供を行っている ( 26 ) 件 [ ☐ ] 移転を行っている ( ) 件"
    assert declared_count(cell, "提供を行っている") == 26
    assert declared_count(cell, "移転を行っている") is None
    assert declared_count("[ 委託する ] ( 5 ) 件") == 5


def test_marked_text_decodes_entities_and_keeps_document_text():
    assert marked_text("&lt;選択肢&gt; <p>[ ]</p> x") == "<選択肢> ☐ x"


def test_option_records_whether_any_mark_was_seen():
    (option,) = find_options("庁内連携システム", ["庁内連携システム"])
    assert not option.marked and not option.selected
