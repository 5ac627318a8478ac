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

from .reader import SourceText
from .textnorm import clean

_RULE = re.compile(r"^[\s|:]*-{3,}[\s|:-]*$")
_HEADING = re.compile(r"^\s*(#{1,6})\s+")
_BOLD = re.compile(r"^\*\*(.*)\*\*$")
_BOLD_TAG = re.compile(r"^<b>(.*)</b>$", re.S)
_LIST = re.compile(r"^\s*[-*+]\s+")


@dataclass(frozen=True)
class Row:
    """One line of the document: its 1-based line number and its tab-separated cells."""

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


def parse_rows(source: SourceText) -> list[Row]:
    """All non-blank, non-rule lines of the document as rows (blank cells kept in place)."""
    rows: list[Row] = []
    for number, line in enumerate(source.lines, start=1):
        if not line.strip() or _RULE.match(line):
            continue
        heading = bool(_HEADING.match(line)) or bool(_BOLD.match(line.strip()))
        list_item = bool(_LIST.match(line)) and not heading
        body = _HEADING.sub("", line, count=1) if heading else line
        if list_item:
            body = _LIST.sub("", body, count=1)
        rows.append(Row(number, tuple(body.split("\t")), heading, list_item))
    return rows
