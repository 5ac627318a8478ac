"""Make small assessment-like PDFs at test time: ruled tables, Japanese text, running heads.

reportlab (BSD-3-Clause, pure Python wheel from PyPI) has the Adobe-Japan1 CID fonts
HeiseiKakuGo-W5 / HeiseiMin-W3 built in as *non-embedded* fonts: the PDF names the font and
the UniJIS-UCS2-H CMap, so no font file is needed to write it and a reader gets exact
Unicode back (rendering falls back to any installed Japanese font). Tables are platypus
Tables with a GRID style (every cell ruled); `splitInRow` lets a long row break across
pages, as in the published assessments. Each page gets a header (the assessment title,
right-aligned) and a footer "N / M" (two passes: the first counts the pages).

usage: python tests/pdf_maker.py OUT.pdf     (writes the demo document below, reads it back)
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "HeiseiKakuGo-W5"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13.5, wordWrap="CJK")


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Grid:
    """A ruled table: rows of cell texts; widths in points (default: label 140, rest shared)."""

    rows: list[list[str]]
    widths: list[float] | None = None


class NewPage:
    pass


Item = Text | Grid | NewPage


def make_pdf(path: str | Path, items: list[Item], header: str = "", footer: str = "{page} / {pages}") -> Path:
    """Write `items` as an A4 PDF with `header` on top of every page and `footer` below."""
    path = Path(path)
    pages = _build(path, items, header, footer, total=0)  # first pass counts the pages
    _build(path, items, header, footer, total=pages)
    return path


def _build(path: Path, items: list[Item], header: str, footer: str, total: int) -> int:
    count = 0

    def decorate(canvas, doc) -> None:
        nonlocal count
        count = doc.page
        width, height = A4
        canvas.saveState()
        canvas.setFont(FONT, 7)
        if header:
            canvas.drawRightString(width - 42, height - 22, header)
        if footer:
            canvas.setFont(FONT, 8)
            canvas.drawCentredString(width / 2, 22, footer.format(page=doc.page, pages=total or "?"))
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=42, rightMargin=42, topMargin=50, bottomMargin=50,
                            title=header or "test")
    doc.build([flowable for item in items for flowable in _flowables(item, doc.width)],
              onFirstPage=decorate, onLaterPages=decorate)
    return count


def _flowables(item: Item, width: float) -> list:
    if isinstance(item, NewPage):
        return [PageBreak()]
    if isinstance(item, Text):
        return [Paragraph(item.text, BODY), Spacer(0, 4)]
    columns = max(len(row) for row in item.rows)
    widths = item.widths or ([140.0] + [(width - 140.0) / (columns - 1)] * (columns - 1) if columns > 1 else [width])
    data = [[Paragraph(cell, BODY) for cell in row] + [""] * (columns - len(row)) for row in item.rows]
    table = Table(data, colWidths=widths, splitInRow=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [table, Spacer(0, 6)]


_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"</?(?:p|br|li)\b[^>]*>", re.I)


def _cell_markup(cell: str) -> str:
    """A converted cell (HTML fragments, entities) as reportlab paragraph markup: one line per
    <p>/<br>/<li>, other tags dropped, the text escaped (<選択肢> is text, not a tag)."""
    lines = [html.unescape(_TAG.sub("", part)).strip() for part in _BREAK.split(cell)]
    return "<br/>".join(escape(line) for line in lines if line)


def items_from_cells(text: str) -> list[Item]:
    """The items of a document written in the cell layout of examples/*.txt: tab-separated rows
    become ruled tables (a new table where the number of cells changes), other lines paragraphs
    (Markdown heading marks dropped). So one purpose-built document gives its PDF."""
    items: list[Item] = []
    rows: list[list[str]] = []

    def close() -> None:
        if rows:
            items.append(Grid(list(rows)))
            rows.clear()

    for line in text.splitlines():
        if not line.strip():
            continue
        if "\t" not in line:
            close()
            items.append(Text(_cell_markup(line.lstrip("#").strip())))
            continue
        cells = line.split("\t")
        while len(cells) > 1 and not cells[-1].strip():
            cells.pop()
        if rows and len(rows[-1]) != len(cells):
            close()
        rows.append([_cell_markup(cell) for cell in cells])
    close()
    return items


DEMO_TITLE = "練馬区 介護保険事務 重点項目評価書"
LONG = "介護保険法に基づき、資格管理業務、保険料賦課・収納業務及び保険給付業務に関する事務を行う。" * 3


def demo_items() -> list[Item]:
    """Two pages: a 2-row form table on page 1, free text and a 2-row table on page 2."""
    return [
        Text("特定個人情報保護評価書(重点項目評価書)"),
        Grid([["①事務の名称", "介護保険事務"],
              ["②事務の内容 ※", LONG]]),
        NewPage(),
        Text("2. 特定個人情報ファイルを取り扱う事務において使用するシステム"),
        Grid([["③他のシステムとの接続", "[ ○ ] 情報提供ネットワークシステム [ ] 庁内連携システム ■ 宛名システム等 □ 税務システム"],
              ["公表日", "令和3年7月26日"]]),
    ]


if __name__ == "__main__":
    import sys

    from pdgraph.read.pdf import read_pdf

    out = make_pdf(sys.argv[1] if len(sys.argv) > 1 else "demo.pdf", demo_items(), header=DEMO_TITLE)
    result = read_pdf(out)
    print(f"{out}: {result.pages} pages")
    for line in result.lines:
        print(f"p{line.page} l{line.line}: {line.text}")
