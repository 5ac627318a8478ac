"""Bar charts as inline SVG, drawn in Python: no chart library, no script, nothing fetched.

`bar_chart` draws horizontal bars, stacked by series, one bar per category, with the category
label on the left (clipped; the full text is the bar's ``<title>`` tooltip), the total at the
end of each bar and a legend. Colours are SVG presentation attributes (``fill="…"``), not
``style`` attributes, so the page's Content-Security-Policy needs no ``'unsafe-inline'``.
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from ..query.formats import width

WIDTH = 720
LABEL_WIDTH = 250
BAR_HEIGHT = 18
GAP = 6
TOP = 28
FONT = 12


@dataclass(frozen=True)
class Bar:
    """One category: its label and its value in each series (same order as the chart's series)."""

    label: str
    values: tuple[float, ...]

    @property
    def total(self) -> float:
        return sum(self.values)


@dataclass(frozen=True)
class Series:
    name: str
    color: str


def _clip(text: str, columns: int) -> str:
    """``text`` cut to ``columns`` display columns (East Asian characters count two), with …."""
    if width(text) <= columns:
        return text
    out, used = "", 0
    for char in text:
        if used + width(char) > columns - 1:
            break
        out, used = out + char, used + width(char)
    return out + "…"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def bar_chart(bars: Sequence[Bar], series: Sequence[Series], title: str) -> str:
    """An SVG bar chart (``role="img"``, ``aria-label`` = title); an empty chart says so."""
    esc = html.escape
    label_columns = (LABEL_WIDTH - 10) * 2 // FONT
    plot = WIDTH - LABEL_WIDTH - 60
    biggest = max((b.total for b in bars), default=0) or 1
    legend_y = TOP + len(bars) * (BAR_HEIGHT + GAP) + 14
    height = legend_y + (20 if len(series) > 1 else 0) + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{esc(title)}" '
             f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-size="{FONT}" '
             f'font-family="sans-serif">']
    parts.append(f'<text x="0" y="16" font-weight="bold" fill="#222">{esc(title)}</text>')
    if not bars:
        parts.append(f'<text x="0" y="{TOP + 14}" fill="#666">(データなし / no data)</text>')
    for index, bar in enumerate(bars):
        y = TOP + index * (BAR_HEIGHT + GAP)
        parts.append(f'<g class="bar" data-label="{esc(bar.label)}" data-total="{_number(bar.total)}">')
        parts.append(f'<title>{esc(bar.label)}: {_number(bar.total)}</title>')
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 5}" text-anchor="end" fill="#222">'
                     f'{esc(_clip(bar.label, label_columns))}</text>')
        x = float(LABEL_WIDTH)
        for value, serie in zip(bar.values, series):
            if value <= 0:
                continue
            length = plot * value / biggest
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                         f'fill="{esc(serie.color)}"><title>{esc(bar.label)} — {esc(serie.name)}: '
                         f'{_number(value)}</title></rect>')
            x += length
        parts.append(f'<text x="{x + 4:.1f}" y="{y + BAR_HEIGHT - 5}" fill="#222">{_number(bar.total)}</text>')
        parts.append("</g>")
    if len(series) > 1:
        x = 0
        for serie in series:
            parts.append(f'<rect x="{x}" y="{legend_y}" width="12" height="12" fill="{esc(serie.color)}"/>')
            parts.append(f'<text x="{x + 16}" y="{legend_y + 11}" fill="#222">{esc(serie.name)}</text>')
            x += 24 + width(serie.name) * FONT // 2 + 8
    parts.append("</svg>")
    return "".join(parts)
