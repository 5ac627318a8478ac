"""Renderings of a converted assessment (tab-separated cells) as other converters print it.

Test helpers, no pdgraph code: each function takes text in the cells layout the examples use
(one form row per line, label TAB value) and prints it the way a reader of PDFs or a web page
would hand it over, so that a test can compare the facts of both:

- `as_lines`: ``pdftotext`` default mode: every cell alone on its lines, wrapped at the cell
  width, a blank line after each cell;
- `as_beside`: ``pdftotext -raw`` and many web copies: the value on the label's line, after a space,
  its continuation lines wrapped under it;
- `paginate`: pages with a running header (the 評価書名) and a page number ("3 / 12", "- 3 -",
  "3 / 12 ページ"), separated by form feeds or not;
- `one_line_per_page`: each page's lines joined by single spaces (document-sharing sites);
- `in_web_page`: site menus and breadcrumbs before the form, "ページの先頭へ" and a site footer
  after it.
"""
from __future__ import annotations

import unicodedata


def width_of(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Lines of ``text`` wrapped character by character at ``width`` columns (Japanese breaks
    anywhere); a space that falls at a wrap is dropped, as a PDF renderer does."""
    lines, line = [], ""
    for ch in text:
        if line and width_of(line + ch) > width:
            lines.append(line.rstrip())
            line = "" if ch == " " else ch
            continue
        line += ch
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _rows(cells_text: str) -> list[list[str]]:
    return [line.split("\t") for line in cells_text.strip("\n").split("\n")]


def as_lines(cells_text: str, width: int = 60, label_width: int = 16) -> list[str]:
    """pdftotext's default output: each cell on its own lines, the first cell of a row (the
    label) wrapped at ``label_width``, the others at ``width``, a blank line after a cell."""
    out: list[str] = []
    for cells in _rows(cells_text):
        cells = [c.strip() for c in cells if c.strip()]
        for index, cell in enumerate(cells):
            out.extend(wrap(cell, label_width if index == 0 and len(cells) > 1 else width))
            out.append("")
    return out


def as_beside(cells_text: str, width: int = 60) -> list[str]:
    """``pdftotext -raw``: the cells of a row on one line joined by a space, wrapped at ``width``."""
    out: list[str] = []
    for cells in _rows(cells_text):
        out.extend(wrap(" ".join(c.strip() for c in cells if c.strip()), width))
    return out


FOOTERS = {"slash": "{n} / {m}", "tight": "{n}/{m}", "dashes": "- {n} -", "page-word": "{n} / {m} ページ"}


def paginate(lines: list[str], per_page: int, header: str, footer: str = "{n} / {m}",
             feeds: bool = True) -> list[list[str]]:
    """The lines cut into pages of ``per_page`` lines, each opening with ``header`` and closing
    with its page number; with ``feeds`` each page after the first starts with a form feed."""
    bodies = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
    pages = []
    for n, body in enumerate(bodies, 1):
        page = [header, "", *body, "", footer.format(n=n, m=len(bodies))]
        if feeds and n > 1:
            page[0] = "\f" + page[0]
        pages.append(page)
    return pages


def joined(pages: list[list[str]]) -> str:
    return "\n".join(line for page in pages for line in page) + "\n"


def one_line_per_page(pages: list[list[str]]) -> str:
    """Each page as one line: its non-blank lines joined by single spaces."""
    return "\n".join(" ".join(line.strip("\f") for line in page if line.strip()) for page in pages) + "\n"


WEB_BEFORE = """メインメニューへ移動
本文へ移動
サイトマップ
English
文字サイズ 標準 拡大
ホーム > 市政情報 > 個人情報保護 > 特定個人情報保護評価
特定個人情報保護評価書を公表します
更新日:2019年6月18日
ページID:1234
"""

WEB_AFTER = """ページの先頭へ
このページに関するお問い合わせ
総務部 総務課 情報公開担当
電話:000-000-0000
プライバシーポリシー
リンク・著作権
Copyright © Kakuu City. All rights reserved.
"""


def in_web_page(text: str) -> str:
    """The form as a web page prints it: site menus and a breadcrumb before it, a link back to the
    top and the site footer after it."""
    return WEB_BEFORE + "\n" + text.rstrip("\n") + "\n\n" + WEB_AFTER
