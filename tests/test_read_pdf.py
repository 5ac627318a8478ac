"""The PDF reader (pdgraph.read.pdf) on PDFs generated at test time (tests/pdf_maker.py) and on
hostile files (scanned, encrypted, corrupt, too large)."""
from __future__ import annotations

import pytest

from pdf_maker import DEMO_TITLE, LONG, Grid, NewPage, Text, demo_items, make_pdf
from pdgraph.read.pdf import (
    EncryptedPdf, Limits, NoTextLayer, PdfReadError, PdfTooLarge, is_page_number, join_wrapped,
    read_pdf, read_pdf_bytes,
)


def test_demo_round_trip(tmp_path):
    result = read_pdf(make_pdf(tmp_path / "demo.pdf", demo_items(), header=DEMO_TITLE))
    assert result.pages == 2
    # (page, line of text on the page where the row starts: the running head is line 1)
    assert [(line.page, line.line, line.cells) for line in result.lines] == [
        (1, 2, ("特定個人情報保護評価書(重点項目評価書)",)),
        (1, 3, ("①事務の名称", "介護保険事務")),
        (1, 4, ("②事務の内容 ※", LONG)),  # wrapped over four lines, joined without spaces
        (2, 2, ("2. 特定個人情報ファイルを取り扱う事務において使用するシステム",)),
        (2, 3, ("③他のシステムとの接続", "[ ○ ] 情報提供ネットワークシステム [ ] 庁内連携システム ■ 宛名システム等 □ 税務システム")),
        (2, 5, ("公表日", "令和3年7月26日")),  # the row above wraps onto line 4
    ]
    assert DEMO_TITLE not in result.text and "1 / 2" not in result.text  # running heads dropped
    assert result.text.split("\n")[2] == "②事務の内容 ※\t" + LONG


def test_row_cut_by_page_break_is_one_row(tmp_path):
    long_value = "特定個人情報の漏えいその他の事態を発生させるリスクを軽減させるための措置を講じる。" * 120
    items = [Text("前置き"), Grid([["①ラベル", "短い値"], ["②長い項目", long_value], ["③次の項目", "値"]])]
    result = read_pdf(make_pdf(tmp_path / "split.pdf", items, header="表題 評価書"))
    assert result.pages >= 2
    rows = [line.cells for line in result.lines]
    assert ("②長い項目", long_value) in rows
    assert rows[-1] == ("③次の項目", "値")


def test_latin_words_keep_their_space_across_a_wrap(tmp_path):
    english = " ".join(["Information provision network system connection"] * 8)
    result = read_pdf(make_pdf(tmp_path / "latin.pdf", [Grid([["Label", english]])], header="", footer=""))
    assert result.lines[0].cells == ("Label", english)


def test_footer_patterns_on_every_page(tmp_path):
    # first lines sit in the top margin and differ only in digits: kept, as their numbers
    # do not follow the page numbers
    items = [item for n in (5, 12, 30) for item in (Text(f"システム{n}"), NewPage())] + [Text("最後")]
    for footer in ("- {page} -", "{page}/{pages}", "{page} / {pages} ページ", "Page {page}"):
        result = read_pdf(make_pdf(tmp_path / "f.pdf", items, header="共通の表題", footer=footer))
        assert [line.text for line in result.lines] == ["システム5", "システム12", "システム30", "最後"], footer


def test_scanned_pdf_has_no_text_layer(tmp_path):
    from PIL import Image

    path = tmp_path / "scan.pdf"
    Image.new("RGB", (600, 800), "white").save(path, "PDF")
    with pytest.raises(NoTextLayer, match="scan.pdf: no text layer: OCR it first$"):
        read_pdf(path)


def test_encrypted_pdf(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(100, 700, "hello")
    c.save()
    with pytest.raises(EncryptedPdf, match="password"):
        read_pdf(path)


@pytest.mark.parametrize("data, reason", [
    (b"", "not a PDF"),
    (b"plain text", "not a PDF"),
    (b"%PDF-1.7\n" + bytes(range(256)) * 20, "cannot open PDF: .*Data format error"),
])
def test_corrupt_input_says_why(data, reason):
    with pytest.raises(PdfReadError, match=reason):
        read_pdf_bytes(data, "x.pdf")


def test_limits(tmp_path):
    path = make_pdf(tmp_path / "three.pdf", [Text("a"), NewPage(), Text("b"), NewPage(), Text("c")])
    with pytest.raises(PdfTooLarge, match="3 pages"):
        read_pdf(path, Limits(max_pages=2))
    with pytest.raises(PdfTooLarge, match="bytes"):
        read_pdf(path, Limits(max_bytes=100))


@pytest.mark.parametrize("text", ["3", "- 3 -", "3 / 57", "1/5", "1 / 69 ページ", "Page 2 of 9", "第3頁", "１２"])
def test_page_numbers(text):
    assert is_page_number(text)


@pytest.mark.parametrize("text", ["3. 特定個人情報", "令和3年", "(1) 適用", "No.3"])
def test_not_page_numbers(text):
    assert not is_page_number(text)


@pytest.mark.parametrize("first, second, is_wrap, joined", [
    ("団体内統合", "宛名番号", True, "団体内統合宛名番号"),
    ("network", "system", True, "network system"),
    ("1,0", "00人", True, "1,000人"),
    ("機能。", "2. 宛名", False, "機能。 2. 宛名"),
    ("口座振替情報 仮収納明細情報 口振依頼情報", "滞納処分情報", True, "口座振替情報 仮収納明細情報 口振依頼情報 滞納処分情報"),
])
def test_join_wrapped(first, second, is_wrap, joined):
    assert join_wrapped(first, second, is_wrap) == joined


# ------------------------------------------------------------------ through the pipeline and the CLI

FORM = [
    Text("特定個人情報保護評価書(重点項目評価書)"),
    Grid([["評価書番号", "評価書名"], ["12", "児童手当事務 重点項目評価書"]]),
    Grid([["評価実施機関名", "テスト市長"], ["公表日", "令和5年4月1日"]]),
    Text("I 基本情報"),
    Grid([["1. 特定個人情報ファイルを取り扱う事務", ""], ["①事務の名称", "児童手当事務"]]),
    NewPage(),
    Grid([["システム1", ""], ["①システムの名称", "児童手当システム"],
          ["③他のシステムとの接続", "[ ○ ] 庁内連携システム [ ] 宛名システム等"]]),
]


def test_a_generated_pdf_gives_the_facts_of_its_form(tmp_path):
    import json

    from click.testing import CliRunner

    from pdgraph.cli import main

    pdf = make_pdf(tmp_path / "city.pdf", FORM, header="児童手当事務 重点項目評価書")
    result = CliRunner().invoke(main, ["facts", str(pdf), "-o", str(tmp_path / "facts")])
    assert result.exit_code == 0, result.output
    facts = json.loads((tmp_path / "facts" / "city.json").read_text(encoding="utf-8"))
    assert facts["assessment"]["organization"] == "テスト市長"
    assert facts["assessment"]["number"] == "12"
    assert facts["assessment"]["kind"] == "重点項目評価書"
    assert facts["assessment"]["affair"] == "児童手当事務"
    assert [s["name"] for s in facts["systems"]] == ["児童手当システム"]


def test_pdf_lines_keep_their_page_and_line(tmp_path):
    from pdgraph.read.text import read_document

    source = read_document(make_pdf(tmp_path / "city.pdf", FORM, header="児童手当事務 重点項目評価書"))
    assert source.encoding == "pdf" and len(source.locations) == len(source.lines)
    row = next(i for i, line in enumerate(source.lines, 1) if line.startswith("①システムの名称"))
    assert source.place(row).startswith("p2:L")


def test_scanned_pdf_is_a_clear_error_in_a_batch(tmp_path):
    from click.testing import CliRunner
    from PIL import Image

    from pdgraph.cli import main

    scan = tmp_path / "scan.pdf"
    Image.new("RGB", (600, 800), "white").save(scan, "PDF")
    good = make_pdf(tmp_path / "city.pdf", FORM)
    result = CliRunner().invoke(main, ["facts", str(scan), str(good), "-o", str(tmp_path / "facts")])
    assert result.exit_code == 2
    assert "scan.pdf: no text layer: OCR it first" in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "facts" / "city.json").exists()  # the batch goes on
