"""`pdgraph diff`: two versions of an assessment compared by meaning, cross-checked against 変更箇所.

The Done test of issue 14 builds a second version of 練馬区長's assessment by editing its text
(a later 公表日, one annex 提供先 removed, one annex row's 別表第二 row changed, one 委託先 added,
one 変更箇所 row added that declares only the 委託先) and checks every line of the diff in the
three formats. The other tests check the matching (by recipient, citations, names; never by
line or position) and the cross-check rules on their own.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, strategies as st

from pdgraph.cli import main
from pdgraph.diff import diff_graphs, diff_snapshots, render
from pdgraph.diff.compare import compare_entrustments, compare_flows
from pdgraph.diff.declared import anchors_in
from pdgraph.diff.snapshot import ChangePart, EntrustmentPart, FlowPart
from pdgraph.graph.ingest import assessment_graphs, ingest

from conftest import EXAMPLES

NERIMA = EXAMPLES / "003_f2d2f4201ce28b38.txt"
ADDED_CONTRACTOR = "株式会社テストサービス"
DECLARING_ROW = ("令和3年4月1日\tII 特定個人情報ファイルの概要 4. 特定個人情報ファイルの取扱いの委託 委託事項2 ③委託先名\t"
                 "株式会社 セゾンパーソナルプラス\t株式会社 セゾンパーソナルプラス / " + ADDED_CONTRACTOR + "\t事後\tその他の変更")


def edit_line(lines: list[str], pattern: str, replace) -> None:
    """Apply ``replace`` to the one line matching ``pattern`` (the test fails if not exactly one)."""
    hits = [i for i, line in enumerate(lines) if re.search(pattern, line)]
    assert len(hits) == 1, (pattern, hits)
    value = replace(lines[hits[0]])
    if value is None:
        del lines[hits[0]]
    elif isinstance(value, list):
        lines[hits[0]:hits[0] + 1] = value
    else:
        lines[hits[0]] = value


def second_version(text: str) -> str:
    """The edited second version of 練馬区長's assessment (see the module docstring)."""
    lines = text.split("\n")
    edit_line(lines, r"^令和2年1月11日$", lambda line: "令和3年4月1日")  # the 公表日 of the header
    edit_line(lines, r"^10\t33\t日本私立学校振興・共済事業団\t", lambda line: None)  # 別紙1 row 10 removed
    edit_line(lines, r"^9\t30\t社会福祉協議会\t", lambda line: line.replace("9\t30\t", "9\t31\t", 1))  # 別表第二 30 -> 31
    edit_line(lines, r"^③委託先名\t株式会社 セゾンパーソナルプラス",
              lambda line: line.replace("株式会社 セゾンパーソナルプラス",
                                        f"株式会社 セゾンパーソナルプラス / {ADDED_CONTRACTOR}"))
    edit_line(lines, r"^令和2年1月11日\tV 評価実施手続 1\. 基礎項目評価", lambda line: [line, DECLARING_ROW])
    return "\n".join(lines)


def versions(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    text = NERIMA.read_text(encoding="utf-8")
    old.write_text(text, encoding="utf-8")
    new.write_text(second_version(text), encoding="utf-8")
    return old, new


def graph_of(path: Path):
    (graph,) = assessment_graphs(ingest([path]).dataset)
    return graph


EXPECTED_TEXT = """\
評価書の変更点: 練馬区長 重点項目評価書 No.7
旧: old.txt (公表日 2020-01-11)
新: new.txt (公表日 2021-04-01)
差分 5件、うち変更箇所に記載のないもの 2件 (変更箇所の新しい行 1件)

■ 評価書
  変更 評価書 公表日: 2020-01-11 → 2021-04-01  [旧 old.txt:22 / 新 new.txt:22]

■ 別紙の行 (提供先・移転先)
  変更 社会福祉協議会 (別紙1) 法令上の根拠: − 番号法 別表第二 30の項 ／ + 番号法 別表第二 31の項  [旧 old.txt:189 / 新 new.txt:189]  ※変更箇所に記載なし
  削除 日本私立学校振興・共済事業団 (別紙1): 番号法 別表第二 33の項  [旧 old.txt:190 / 新 —]  ※変更箇所に記載なし

■ 委託
  変更 介護保険課窓口業務委託 (介護保険情報ファイル) 委託先: + 株式会社テストサービス  [旧 old.txt:113 / 新 new.txt:113]  (変更箇所: new.txt:490)

■ 変更箇所
  追加 II 特定個人情報ファイルの概要 4. 特定個人情報ファイルの取扱いの委託 委託事項2 3委託先名: 2021-04-01: 株式会社 セゾンパーソナルプラス → 株式会社 セゾンパーソナルプラス / 株式会社テストサービス  [旧 — / 新 new.txt:490]

■ 変更箇所に記載のない変更 (changed but not declared): 2件
  別紙の行 (提供先・移転先): 変更 社会福祉協議会 (別紙1) 法令上の根拠: − 番号法 別表第二 30の項 ／ + 番号法 別表第二 31の項  [旧 old.txt:189 / 新 new.txt:189]  ※変更箇所に記載なし
  別紙の行 (提供先・移転先): 削除 日本私立学校振興・共済事業団 (別紙1): 番号法 別表第二 33の項  [旧 old.txt:190 / 新 —]  ※変更箇所に記載なし
"""

EXPECTED_DIFFERENCES = [
    {"section": "assessment", "section_label": "評価書", "change": "changed", "change_label": "変更",
     "subject": "評価書", "context": None, "aspect": "published", "aspect_label": "公表日",
     "removed": ["2020-01-11"], "added": ["2021-04-01"], "old": "old.txt:22", "new": "new.txt:22",
     "declared": None, "declared_by": None},
    {"section": "annex_row", "section_label": "別紙の行 (提供先・移転先)", "change": "changed", "change_label": "変更",
     "subject": "社会福祉協議会", "context": "別紙1", "aspect": "legal_basis", "aspect_label": "法令上の根拠",
     "removed": ["番号法 別表第二 30の項"], "added": ["番号法 別表第二 31の項"], "old": "old.txt:189",
     "new": "new.txt:189", "declared": False, "declared_by": []},
    {"section": "annex_row", "section_label": "別紙の行 (提供先・移転先)", "change": "removed", "change_label": "削除",
     "subject": "日本私立学校振興・共済事業団", "context": "別紙1", "aspect": None, "aspect_label": None,
     "removed": ["番号法 別表第二 33の項"], "added": [], "old": "old.txt:190", "new": None,
     "declared": False, "declared_by": []},
    {"section": "entrustment", "section_label": "委託", "change": "changed", "change_label": "変更",
     "subject": "介護保険課窓口業務委託", "context": "介護保険情報ファイル", "aspect": "contractor",
     "aspect_label": "委託先", "removed": [], "added": [ADDED_CONTRACTOR], "old": "old.txt:113",
     "new": "new.txt:113", "declared": True, "declared_by": ["new.txt:490"]},
    {"section": "change", "section_label": "変更箇所", "change": "added", "change_label": "追加",
     "subject": "II 特定個人情報ファイルの概要 4. 特定個人情報ファイルの取扱いの委託 委託事項2 3委託先名", "context": None,
     "aspect": None, "aspect_label": None, "removed": [],
     "added": ["2021-04-01: 株式会社 セゾンパーソナルプラス → 株式会社 セゾンパーソナルプラス / 株式会社テストサービス"],
     "old": None, "new": "new.txt:490", "declared": None, "declared_by": None},
]


def test_done_text_every_line(tmp_path):
    old, new = versions(tmp_path)
    result = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 1, result.output
    assert result.output == EXPECTED_TEXT


def test_done_json_every_difference(tmp_path):
    old, new = versions(tmp_path)
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["differences"] == EXPECTED_DIFFERENCES
    assert data["counts"] == {"differences": 5, "undeclared": 2, "declared": 1}
    assert data["changed"] is True
    assert (data["old"]["published"], data["new"]["published"]) == ("2020-01-11", "2021-04-01")
    assert [c["where"] for c in data["declaring_changes"]] == ["new.txt:490"]


class _Rows(HTMLParser):
    """The table rows of a diff page, per section, as lists of cell texts; and any script or link."""

    def __init__(self):
        super().__init__()
        self.sections: dict[str, list[list[str]]] = {}
        self.section = ""
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.classes: dict[str, list[str]] = {}
        self.forbidden: list[str] = []
        self.csp = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "link", "img", "iframe", "object"):
            self.forbidden.append(tag)
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            self.csp = attrs["content"]
        if tag == "section":
            self.section = attrs["id"]
            self.sections[self.section] = []
            self.classes[self.section] = []
        if tag == "tr" and self.section and "class" in attrs:
            self.row = []
            self.classes[self.section].append(attrs["class"])
        if tag == "td" and self.row is not None:
            self.cell = []
        if tag == "br" and self.cell is not None:
            self.cell.append("|")

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.row.append("".join(self.cell).strip("|"))
            self.cell = None
        if tag == "tr" and self.row is not None:
            self.sections[self.section].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


UNDECLARED_ROWS = [
    ["変更", "社会福祉協議会 (別紙1)", "法令上の根拠", "番号法 別表第二 30の項", "番号法 別表第二 31の項",
     "old.txt:189", "new.txt:189", "変更箇所に記載なし"],
    ["削除", "日本私立学校振興・共済事業団 (別紙1)", "", "番号法 別表第二 33の項", "", "old.txt:190", "—", "変更箇所に記載なし"],
]


def test_done_html_every_row(tmp_path):
    old, new = versions(tmp_path)
    out = tmp_path / "d.html"
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "html", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "5 difference(s), 2 not declared in 変更箇所" in result.output
    page = _Rows()
    page.feed(out.read_text(encoding="utf-8"))
    assert page.forbidden == []
    assert "default-src 'none'" in page.csp and "script-src 'none'" in page.csp
    assert page.sections == {
        "undeclared": UNDECLARED_ROWS,
        "section-assessment": [["変更", "評価書", "公表日", "2020-01-11", "2021-04-01", "old.txt:22", "new.txt:22", ""]],
        "section-annex_row": UNDECLARED_ROWS,
        "section-entrustment": [["変更", "介護保険課窓口業務委託 (介護保険情報ファイル)", "委託先", "", ADDED_CONTRACTOR,
                                 "old.txt:113", "new.txt:113", "new.txt:490"]],
        "section-change": [["追加", "II 特定個人情報ファイルの概要 4. 特定個人情報ファイルの取扱いの委託 委託事項2 3委託先名", "", "",
                            "2021-04-01: 株式会社 セゾンパーソナルプラス → 株式会社 セゾンパーソナルプラス / 株式会社テストサービス",
                            "—", "new.txt:490", ""]],
    }
    assert page.classes["undeclared"] == ["changed undeclared", "removed undeclared"]
    assert page.classes["section-entrustment"] == ["changed"]


def test_same_document_twice_is_no_difference(tmp_path):
    result = CliRunner().invoke(main, ["diff", str(NERIMA), str(NERIMA)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "差分なし"


def test_a_pdf_and_its_text_are_the_same_version(tmp_path):
    """The same assessment read from its text and its PDF rendering: places differ, meaning does not."""
    pdf = Path("/work/shared/variants/pdf/003_f2d2f4201ce28b38.pdf")
    if not pdf.exists():
        pdf = EXAMPLES.parent.parent / "shared" / "variants" / "pdf" / "003_f2d2f4201ce28b38.pdf"
    if not pdf.exists():
        import pytest
        pytest.skip("../shared/variants not present")
    result = diff_graphs(graph_of(NERIMA), graph_of(pdf))
    assert result.differences == []


def test_bad_input_is_exit_2(tmp_path):
    memo = tmp_path / "memo.txt"
    memo.write_text("ただのメモ\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(memo), str(NERIMA)])
    assert result.exit_code == 2
    assert "memo.txt:1: no item of the 特定個人情報保護評価書 form was recognised" in result.output
    trig = tmp_path / "two.trig"
    assert CliRunner().invoke(main, ["build", str(NERIMA), str(EXAMPLES / "000_47fd13a79d78c58a.txt"),
                                     "-o", str(trig)]).exit_code == 0
    result = CliRunner().invoke(main, ["diff", str(trig), str(NERIMA)])
    assert result.exit_code == 2
    assert "two.trig: holds 2 assessments" in result.output


def test_html_escapes_document_text(tmp_path):
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    text = NERIMA.read_text(encoding="utf-8")
    old.write_text(text, encoding="utf-8")
    # as HTML entities (the reader drops real tags; entities become document text "<script>…")
    hostile = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
    new.write_text(text.replace("\t社会福祉協議会\t", f"\t社会福祉協議会{hostile}\t", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "html"])
    assert result.exit_code == 1
    assert "<script" not in result.output and "<img" not in result.output
    assert "社会福祉協議会&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in result.output


# -- matching by meaning -------------------------------------------------------------------------

def _row(recipient, rows=(), position=1, purpose="事務", annex="別紙1", where=None):
    return FlowPart("提供", recipient, where or f"d.txt:{position}", position,
                    {f"iri:{r}": f"別表第二 {r}の項" for r in rows}, (), None, purpose, annex)


def test_reordered_rows_are_no_difference():
    old = [_row("A", ["1"], 1), _row("B", ["2"], 2), _row("市町村長", ["3"], 3, "x"), _row("市町村長", ["4"], 4, "y")]
    new = [_row("市町村長", ["4"], 1, "y"), _row("B", ["2"], 2), _row("市町村長", ["3"], 3, "x"), _row("A", ["1"], 4)]
    assert compare_flows(old, new, "f") == []


def test_a_repeated_recipient_is_paired_by_citations_then_purpose():
    old = [_row("市町村長", ["61"], 1, "老人福祉"), _row("市町村長", ["94"], 2, "介護保険")]
    new = [_row("市町村長", ["94"], 1, "介護保険"), _row("市町村長", ["62"], 2, "老人福祉")]
    (difference,) = compare_flows(old, new, "f")
    assert (difference.change, difference.aspect, difference.removed, difference.added) == \
        ("changed", "legal_basis", ("別表第二 61の項",), ("別表第二 62の項",))
    assert (difference.old_where, difference.new_where) == ("d.txt:1", "d.txt:2")


def test_a_renamed_recipient_with_the_same_citations_is_changed_not_removed():
    (difference,) = compare_flows([_row("都道府県知事", ["26"])], [_row("都道府県知事等", ["26"])], "f")
    assert (difference.change, difference.aspect, difference.removed, difference.added) == \
        ("changed", "recipient", ("都道府県知事",), ("都道府県知事等",))


def test_names_match_without_spaces_and_widths():
    assert compare_flows([_row("株式会社 ＡＢＣ", ["1"])], [_row("株式会社ABC", ["1"])], "f") == []


def test_entrustments_by_title_then_contractors():
    old = [EntrustmentPart("窓口業務", "d:1", 1, ("A社",)), EntrustmentPart("保守", "d:5", 2, ("B社",))]
    new = [EntrustmentPart("保守運用", "d:1", 1, ("B社",)), EntrustmentPart("窓口業務", "d:5", 2, ("A社", "C社")),
           EntrustmentPart("印刷", "d:9", 3, ("D社",))]
    found = {(d.change, d.aspect, d.subject, d.removed, d.added) for d in compare_entrustments(old, new, "f")}
    assert found == {("changed", "title", "保守運用", ("保守",), ("保守運用",)),
                     ("changed", "contractor", "窓口業務", (), ("C社",)),
                     ("added", "", "印刷", (), ("D社",))}


# -- the cross-check -----------------------------------------------------------------------------

def test_anchors_in_change_items():
    assert anchors_in("II-4特定個人情報ファイルの取扱いの委託4、5、6") == {("委託事項", 4), ("委託事項", 5), ("委託事項", 6)}
    assert anchors_in("Ⅱ (別紙1)番号法第19条第7号別表第二に定める事務 No. 21") == {("別紙", 1), ("No", 21)}
    assert anchors_in("II-5 提供先１ ①法令上の根拠") == {("提供先", 1)}
    assert anchors_in("システム 4 ②システムの機能") == {("システム", 4)}


@given(st.sampled_from(["提供先", "移転先", "委託事項", "システム", "別紙"]),
       st.lists(st.integers(min_value=1, max_value=999), min_size=1, max_size=4), st.sampled_from(["、", ",", "・"]))
def test_anchors_in_lists(word, numbers, separator):
    text = f"II {word}{separator.join(str(n) for n in numbers)} の記載"
    assert anchors_in(text) == {(word, n) for n in numbers}


def _snapshot(path: Path):
    from pdgraph.diff import read_snapshot
    return read_snapshot(graph_of(path))


def test_a_row_citing_a_provision_declares_its_change(tmp_path):
    old, new = versions(tmp_path)
    old_snap, new_snap = _snapshot(old), _snapshot(new)
    new_snap.changes.append(ChangePart("2021-04-01", "II 別紙1", "別表第二の30の項", "別表第二の31の項", "new.txt:491"))
    result = diff_snapshots(old_snap, new_snap)
    by_subject = {(d.subject, d.aspect): d for d in result.differences}
    assert by_subject[("社会福祉協議会", "legal_basis")].declared_by == ("new.txt:491",)
    assert by_subject[("日本私立学校振興・共済事業団", "")].declared is False


def test_a_row_naming_the_annex_place_declares_the_removed_row(tmp_path):
    old, new = versions(tmp_path)
    old_snap, new_snap = _snapshot(old), _snapshot(new)
    new_snap.changes.append(ChangePart("2021-04-01", "Ⅱ (別紙1)番号法第19条第7号別表第二に定める事務 No.10", "…", "( 削除 )",
                                       "new.txt:491"))
    result = diff_snapshots(old_snap, new_snap)
    removed = [d for d in result.differences if d.change == "removed" and d.section == "annex_row"]
    assert [d.declared_by for d in removed] == [("new.txt:491",)]


def test_render_formats_agree_on_no_difference():
    graph = graph_of(NERIMA)
    result = diff_graphs(graph, graph)
    assert not result.changed
    assert json.loads(render(result, "json"))["differences"] == []
    assert "差分なし" in render(result, "html")


def test_diff_never_writes_over_an_input(tmp_path):
    old, new = versions(tmp_path)
    before = new.read_bytes()
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "-o", str(new)])
    assert result.exit_code == 2 and new.read_bytes() == before
