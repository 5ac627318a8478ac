"""Stage 2, parse the form: text lines -> rows of cells with line numbers.

The converted documents mix Markdown headings (``# …``, ``**…**``), ``<b>``
headings, tab-separated table rows, Markdown table rules (``----\\t---``),
list items (``- …``) and HTML fragments inside cells. A `Row` keeps the raw
cells (for provenance and for the option decoder, which needs the HTML) and
their cleaned text (for matching form labels).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from html.parser import HTMLParser

from ..read.text import SourceText
from .layout import relayout
from ..textnorm import clean

_RULE = re.compile(r"^[\s|:]*-{3,}[\s|:-]*$")
_HEADING = re.compile(r"^\s*(#{1,6})\s+")
_BOLD = re.compile(r"^\*\*(.*)\*\*$")
_BOLD_TAG = re.compile(r"^<b>(.*)</b>$", re.S)
_LIST = re.compile(r"^\s*[-*+]\s+")


@dataclass(frozen=True)
class Row:
    """One line of the document: its 1-based line number and its tab-separated cells.

    ``line`` is a `pdgraph.read.text.Line`: the line of the text as read, carrying its place in
    the source file when that is more than the line (a PDF page and line, a column of a
    page-long line)."""

    line: int
    cells: tuple[str, ...]
    heading: bool = False  # a Markdown heading or a bold line
    list_item: bool = False

    @cached_property
    def texts(self) -> tuple[str, ...]:
        """Cleaned text of each cell (tags out, entities decoded, NFKC, spaces collapsed)."""
        return tuple(_clean_cell(cell) for cell in self.cells)

    @property
    def text(self) -> str:
        """Cleaned text of the whole row, cells joined by one space."""
        return " ".join(t for t in self.texts if t)

    @property
    def first(self) -> str:
        """Cleaned text of the first non-empty cell ("" for a blank row)."""
        return next((t for t in self.texts if t), "")

    def value_after(self, index: int) -> tuple[str, int] | None:
        """Raw text and index of the first non-empty cell after cell ``index``."""
        for position in range(index + 1, len(self.cells)):
            if self.texts[position]:
                return self.cells[position], position
        return None


def _clean_cell(cell: str) -> str:
    text = cell.strip()
    bold = _BOLD.match(text) or _BOLD_TAG.match(text)
    if bold:
        text = bold.group(1)
    return clean(text.replace("**", " "))


class _TableSplitter(HTMLParser):
    """Split an HTML ``<table>`` line into rows of cells, keeping each cell's inner HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.rows: list[list[str]] = []
        self.row_lines: list[int] = []  # the line each row starts on (set `line` before feeding it)
        self.line = 0
        self.cell: list[str] | None = None
        self.depth = 0  # nested tables stay inside their cell

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.depth += 1
        if self.depth == 1 and tag == "tr":
            self.rows.append([])
            self.row_lines.append(self.line)
            return
        if self.depth == 1 and tag in ("td", "th"):
            self.cell = []
            return
        if self.cell is not None:
            self.cell.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag, attrs):
        if self.cell is not None:
            self.cell.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        if tag == "table":
            self.depth -= 1
        elif self.depth == 1 and tag in ("td", "th") and self.cell is not None:
            if not self.rows:
                self.rows.append([])
                self.row_lines.append(self.line)
            self.rows[-1].append("".join(self.cell))
            self.cell = None
            return
        if self.cell is not None:
            self.cell.append(f"</{tag}>")

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    def handle_entityref(self, name):
        if self.cell is not None:
            self.cell.append(f"&{name};")

    def handle_charref(self, name):
        if self.cell is not None:
            self.cell.append(f"&#{name};")


def split_html_table(line: str) -> list[list[str]]:
    """Rows of cells (inner HTML) of a line that is one HTML table."""
    return [cells for _, cells in html_table_rows([(0, line)])]


def html_table_rows(lines: list[tuple[int, str]]) -> list[tuple[int, list[str]]]:
    """(line number, cells) of each non-blank ``<tr>`` of an HTML table given as numbered lines
    (a table on one line, or spread over several: ``<table>``, ``<tr>…</tr>`` …, ``</table>``)."""
    splitter = _TableSplitter()
    for number, text in lines:
        splitter.line = number
        splitter.feed(text + "\n")
    splitter.close()
    return [(number, row) for number, row in zip(splitter.row_lines, splitter.rows) if any(c.strip() for c in row)]


def _table_end(lines: list[str], start: int) -> int:
    """Index of the line that closes the HTML table opened on ``lines[start]`` (balanced
    ``<table>`` tags); the last line when it is never closed."""
    depth = 0
    for index in range(start, len(lines)):
        lowered = lines[index].lower()
        depth += lowered.count("<table") - lowered.count("</table")
        if depth <= 0:
            return index
    return len(lines) - 1


def _pipe_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_rows(source: SourceText) -> list[Row]:
    """All non-blank, non-rule lines of the document as rows (blank cells kept in place).

    An HTML ``<table>`` (on one line or over several, up to its ``</table>``) becomes one row
    per ``<tr>``, numbered by the line the row starts on, and so does a lone ``<tr>…</tr>``
    line; a Markdown pipe-table line (``| a | b |``) is split on the pipes.
    """
    rows: list[Row] = []
    relaid = relayout(source.text)
    if relaid.layout == "cells":
        lines, numbers = source.lines, [source.line(n) for n in range(1, len(source.lines) + 1)]
    else:  # labels and values on separate lines or pages: rows rebuilt from the form's labels
        lines = [line.text for line in relaid.lines]
        numbers = [source.line(line.line, None if line.offset is None else line.offset + 1) for line in relaid.lines]
    skip_to = 0
    for index, line in enumerate(lines):
        number = numbers[index]
        if index < skip_to or not line.strip() or _RULE.match(line):
            continue
        stripped = line.strip()
        lowered = stripped.lower()
        if (lowered.startswith("<table") or lowered.startswith("<tr")) and "\t" not in stripped:
            end = _table_end(lines, index) if lowered.startswith("<table") else index
            numbered = [(numbers[n], lines[n]) for n in range(index, end + 1)]
            if not lowered.startswith("<table"):  # a lone row: a table of one row
                numbered = [(number, f"<table>{stripped}</table>")]
            rows.extend(Row(n, tuple(cells)) for n, cells in html_table_rows(numbered))
            skip_to = end + 1
            continue
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
            rows.append(Row(number, tuple(_pipe_cells(stripped))))
            continue
        heading = bool(_HEADING.match(line)) or bool(_BOLD.match(line.strip()))
        list_item = bool(_LIST.match(line)) and not heading
        body = _HEADING.sub("", line, count=1) if heading else line
        if list_item:
            body = _LIST.sub("", body, count=1)
        rows.append(Row(number, tuple(body.split("\t")), heading, list_item))
    return rows
