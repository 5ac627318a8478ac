"""Stage 1, read (PDF): a PDF assessment as form rows: one line per table row, its cells joined by TAB.

The published 評価書 PDFs are forms drawn as ruled tables (label cell, value cell, ...).
The reader rebuilds the cells from the ruling lines, not from text spacing:

1. Per page, PDFium gives every glyph with its box, and every painted path; thin paths
   (and the edges of stroked rectangles) are the rules. Rule sets drawn inside a table
   without touching it (a framed legend, a nested table) are left out.
2. The page is cut into bands at every rule y. A band covered by two or more vertical
   rules is a table band; its cells lie between neighbouring vertical rules. A cell with
   no horizontal rule under it goes on into the next band (row span, or a page-break cut).
3. Each glyph goes to the cell holding its centre; the rest is free text. Glyphs make
   lines; the lines of a cell make one text: a line that ended because the next word did
   not fit is a wrap (joined without a space in Japanese, with one between Latin words),
   any other line end is a paragraph break (one space). Side-by-side text columns inside a
   cell (a borderless nested table) are read column by column when text wraps inside them.
4. Over the document: free lines in the top/bottom margin that repeat at the same place
   on most pages (digits ignored) or look like a page number are running heads: dropped.
   A row cut by a page break (same column edges; a rule missing at the cut, or a cell
   emptied on the new page) is rebuilt from both fragments' glyphs before its text is read;
   a paragraph cut by a page break is joined too.
5. Each output line keeps the page and the line of text on that page where it starts, counted
   from the top as a reader counts them (running heads included, blank space not): the line
   ``pdftotext -layout`` prints there once its blank lines are dropped. It is shown as
   ``file.pdf:p12:L7`` wherever pdgraph cites a fact.

PDFium through pypdfium2 (Apache-2.0 / BSD-3-Clause) is the only dependency. It is imported
when a PDF is read, so the pure layout functions below can be tested without it.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import queue as queue_module
import re
import statistics
import time
from bisect import bisect_left
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import PdgraphError

__all__ = [
    "Limits", "PdfLine", "PdfText", "PdfReadError", "NoTextLayer", "EncryptedPdf", "PdfTooLarge",
    "read_pdf", "read_pdf_bytes", "read_pdf_isolated",
]


# ================================================================ public types and errors

@dataclass(frozen=True, slots=True)
class PdfLine:
    """One output line: a table row (cells left to right) or one paragraph of free text."""

    page: int  # 1-based page the line starts on
    line: int  # 1-based line of text on that page where it starts (running heads counted)
    cells: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\t".join(self.cells)


@dataclass(frozen=True, slots=True)
class PdfText:
    lines: list[PdfLine]
    pages: int
    pages_without_text: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The seed-like text: one line per row, cells separated by TAB."""
        return "\n".join(line.text for line in self.lines)


class PdfReadError(PdgraphError):
    """The PDF cannot be read; the message names the file and the reason."""


class NoTextLayer(PdfReadError):
    def __init__(self, message: str = "no text layer: OCR it first") -> None:
        super().__init__(message)


class EncryptedPdf(PdfReadError):
    pass


class PdfTooLarge(PdfReadError):
    pass


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds against hostile or runaway input, checked before and between pages."""

    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    max_glyphs_per_page: int = 100_000
    max_paths_per_page: int = 20_000  # beyond these the page's rules are ignored
    max_rules_per_page: int = 1_000  # (with a warning) and its tables read as free text
    max_seconds: float = 120.0


# ================================================================ geometry types

@dataclass(frozen=True, slots=True)
class Glyph:
    text: str
    x0: float
    top: float  # top-left origin, y grows downwards
    x1: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class Rule:
    """A ruling line: horizontal (pos = y, from x a to b) or vertical (pos = x, y a to b)."""

    pos: float
    a: float
    b: float


@dataclass(frozen=True, slots=True)
class RawPage:
    number: int
    width: float
    height: float
    glyphs: tuple[Glyph, ...]
    hrules: tuple[Rule, ...]
    vrules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class TextLine:
    """Glyphs of one line, left to right, with their extent and text (computed once)."""

    glyphs: tuple[Glyph, ...]
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # median glyph height: the font size, near enough
    text: str

    @classmethod
    def of(cls, glyphs: Sequence[Glyph]) -> TextLine:
        ordered = tuple(sorted(glyphs, key=lambda g: g.x0))
        heights = sorted(g.bottom - g.top for g in ordered)
        return cls(ordered, min(g.x0 for g in ordered), max(g.x1 for g in ordered),
                   min(g.top for g in ordered), max(g.bottom for g in ordered),
                   heights[len(heights) // 2], _line_text(ordered))


@dataclass(slots=True)
class Cell:
    x0: float
    x1: float
    top: float
    bottom: float
    open_top: bool  # no rule above: the cell may go on from the previous page
    open_bottom: bool = False
    glyphs: list[Glyph] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Block:
    """A table row (cells, text still as glyphs) or a free-text paragraph, on one page."""

    top: float
    bottom: float
    text: str = ""  # free text
    cells: tuple[Cell, ...] = ()  # table row, left to right
    first: TextLine | None = None  # free text: first and last line and the edge it wraps
    last: TextLine | None = None  # at, to join a paragraph cut by a page break
    right_edge: float = 0.0
    line: int = 0  # line of text on the page where the block starts (see `page_line_numbers`)

    @property
    def is_row(self) -> bool:
        return bool(self.cells)

    @property
    def edges(self) -> tuple[float, ...]:
        """x of the rules around and between the cells."""
        return (self.cells[0].x0, *(c.x1 for c in self.cells)) if self.cells else ()

    def texts(self) -> tuple[str, ...]:
        return tuple(cell_text(c) for c in self.cells) if self.cells else (self.text,)


TOL = 1.5  # pt: rules drawn as thin boxes are snapped within this distance
RULE_MAX_THICKNESS = 2.0
MARGIN_SHARE = 0.12  # top/bottom share of the page height where running heads live


# ================================================================ reading (PDFium)

def read_pdf(path: str | Path, limits: Limits = Limits()) -> PdfText:
    """Read a PDF file into seed-like form rows (see module doc)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise PdfReadError(f"{path.name}: cannot read file: {error.strerror or error}") from None
    if size > limits.max_bytes:
        raise PdfTooLarge(f"{path.name}: {size} bytes is over the limit of {limits.max_bytes}")
    return read_pdf_bytes(path.read_bytes(), path.name, limits)


def read_pdf_bytes(data: bytes, name: str = "<pdf>", limits: Limits = Limits()) -> PdfText:
    """Read PDF bytes into seed-like form rows (see module doc)."""
    if len(data) > limits.max_bytes:
        raise PdfTooLarge(f"{name}: {len(data)} bytes is over the limit of {limits.max_bytes}")
    if b"%PDF-" not in data[:1024]:
        raise PdfReadError(f"{name}: not a PDF (no %PDF- header)")
    warnings: list[str] = []
    pages = list(_load_pages(data, name, limits, warnings))
    empty = tuple(p.number for p in pages if not any(not g.text.isspace() for g in p.glyphs))
    if len(empty) == len(pages):
        raise NoTextLayer(f"{name}: no text layer: OCR it first")
    if empty:
        warnings.append(f"pages without text (scanned?): {', '.join(map(str, empty))}")
    blocks = drop_running_heads([page_blocks(page) for page in pages], [p.height for p in pages])
    return PdfText(number_lines(merge_page_breaks(blocks)), len(pages), empty, tuple(warnings))


def read_pdf_isolated(path: str | Path, limits: Limits = Limits(), timeout: float = 60.0,
                      memory_mb: int = 2048) -> PdfText:
    """`read_pdf` in a child process with a wall-clock timeout and an address-space cap:
    the in-process limits are checked between pages, this also bounds one pathological
    page (a decompression bomb, a content stream PDFium chews on for minutes)."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=1)
    child = context.Process(target=_isolated_child, args=(str(path), limits, memory_mb, queue), daemon=True)
    child.start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                kind, value = queue.get(timeout=0.2)
                break
            except queue_module.Empty:
                if not child.is_alive() and queue.empty():  # died without an answer (memory cap hit)
                    raise PdfTooLarge(f"{Path(path).name}: reading stopped (over {memory_mb} MB of memory?)") from None
                if time.monotonic() > deadline:
                    raise PdfTooLarge(f"{Path(path).name}: no result within {timeout:g} s") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
    if kind == "error":
        raise value
    return value


def _isolated_child(path: str, limits: Limits, memory_mb: int, queue) -> None:
    import resource

    cap = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        queue.put(("ok", read_pdf(path, limits)))
    except PdfReadError as error:
        queue.put(("error", error))
    except MemoryError:
        queue.put(("error", PdfTooLarge(f"{Path(path).name}: over {memory_mb} MB of memory")))


def _load_pages(data: bytes, name: str, limits: Limits, warnings: list[str]) -> Iterator[RawPage]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        reason = str(error)
        if "password" in reason.lower():
            raise EncryptedPdf(f"{name}: encrypted PDF: a password is needed to open it") from None
        raise PdfReadError(f"{name}: cannot open PDF: {reason}") from None
    deadline = time.monotonic() + limits.max_seconds
    try:
        count = len(pdf)
        if count > limits.max_pages:
            raise PdfTooLarge(f"{name}: {count} pages is over the limit of {limits.max_pages}")
        for index in range(count):
            if time.monotonic() > deadline:
                raise PdfTooLarge(f"{name}: reading took over {limits.max_seconds:g} s (stopped at page {index + 1})")
            try:
                page = pdf[index]
            except pdfium.PdfiumError as error:
                raise PdfReadError(f"{name}: cannot read page {index + 1}: {error}") from None
            try:
                yield _read_page(raw, page, index + 1, name, limits, warnings)
            finally:
                page.close()
    finally:
        pdf.close()


def _read_page(raw, page, number: int, name: str, limits: Limits, warnings: list[str]) -> RawPage:
    left, bottom, right, top = page.get_mediabox()
    glyphs = _page_glyphs(raw, page, top, limits, name, number)
    hrules: list[Rule] = []
    vrules: list[Rule] = []
    paths = list(_paths_with_matrix(raw, page, limits.max_paths_per_page + 1))
    if len(paths) > limits.max_paths_per_page:
        warnings.append(f"page {number}: over {limits.max_paths_per_page} drawings, rules ignored")
    else:
        for obj, matrix in paths:
            stroked = _is_stroked(raw, obj)
            for x0, y0, x1, y1, closed in _subpath_boxes(raw, obj, matrix, top):
                _add_rules(x0, y0, x1, y1, closed and stroked, hrules, vrules)
    hrules, vrules = merge_rules(hrules), merge_rules(vrules)
    if len(hrules) + len(vrules) > limits.max_rules_per_page:
        warnings.append(f"page {number}: {len(hrules) + len(vrules)} rules, ignored (tables read as text)")
        hrules, vrules = [], []
    return RawPage(number, right - left, top - bottom, tuple(glyphs), tuple(hrules), tuple(vrules))


def _page_glyphs(raw, page, page_top: float, limits: Limits, name: str, number: int) -> list[Glyph]:
    text_page = page.get_textpage()
    try:
        handle = text_page.raw
        count = raw.FPDFText_CountChars(handle)
        if count > limits.max_glyphs_per_page:
            raise PdfTooLarge(f"{name}: page {number} has {count} characters (limit {limits.max_glyphs_per_page})")
        rect = raw.FS_RECTF()
        glyphs: list[Glyph] = []
        high = 0  # a pending UTF-16 high surrogate
        for i in range(count):
            if raw.FPDFText_IsGenerated(handle, i):  # PDFium's own spaces and line breaks
                continue
            code = raw.FPDFText_GetUnicode(handle, i)
            if 0xD800 <= code <= 0xDBFF:
                high = code
                continue
            if 0xDC00 <= code <= 0xDFFF and high:
                code, high = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00), 0
            if code in (0, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
                continue
            if raw.FPDFText_GetLooseCharBox(handle, i, ctypes.byref(rect)):
                glyphs.append(Glyph(chr(code), rect.left, page_top - rect.top, rect.right, page_top - rect.bottom))
        return glyphs
    finally:
        text_page.close()


Matrix = tuple[float, float, float, float, float, float]


def _paths_with_matrix(raw, page, limit: int) -> Iterator[tuple[object, Matrix]]:
    """Path objects with their page-space matrix, including those inside form XObjects
    (whose matrices are relative to the form), stopping after `limit`."""
    stack: list[Matrix] = []  # page-space matrix of the enclosing forms, by nesting level
    found = 0
    for obj in page.get_objects(max_depth=4):
        del stack[obj.level:]
        own = tuple(obj.get_matrix().get())
        matrix = _compose(own, stack[-1]) if stack else own
        if obj.type == raw.FPDF_PAGEOBJ_FORM:
            stack.append(matrix)
        elif obj.type == raw.FPDF_PAGEOBJ_PATH:
            yield obj, matrix
            found += 1
            if found >= limit:
                return


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """inner then outer (PDF row-vector convention: p' = p x inner x outer)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _is_stroked(raw, obj) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))
    return bool(stroke.value)


def _subpath_boxes(raw, obj, matrix: Matrix, page_top: float) -> Iterator[tuple[float, float, float, float, bool]]:
    """Page-space boxes (x0, top, x1, bottom, closed) of each subpath of a path object.
    One path may hold a whole grid of rules, so its overall bounds are not enough."""
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    points: list[tuple[float, float]] = []
    closed = False
    for i in range(raw.FPDFPath_CountSegments(obj.raw)):
        segment = raw.FPDFPath_GetPathSegment(obj.raw, i)
        raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        if raw.FPDFPathSegment_GetType(segment) == raw.FPDF_SEGMENT_MOVETO and points:
            yield _box(points, page_top, closed)
            points, closed = [], False
        points.append((a * x.value + c * y.value + e, b * x.value + d * y.value + f))
        closed = closed or bool(raw.FPDFPathSegment_GetClose(segment))
    if points:
        yield _box(points, page_top, closed)


def _box(points: list[tuple[float, float]], page_top: float, closed: bool) -> tuple[float, float, float, float, bool]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), page_top - max(ys), max(xs), page_top - min(ys), closed


# ================================================================ rules (pure)

def _add_rules(x0: float, top: float, x1: float, bottom: float, stroked_box: bool,
               hrules: list[Rule], vrules: list[Rule]) -> None:
    """A thin box is one rule; a stroked rectangle gives its four edges; a wide fill is no rule."""
    w, h = x1 - x0, bottom - top
    if h <= RULE_MAX_THICKNESS < w:
        hrules.append(Rule((top + bottom) / 2, x0, x1))
    elif w <= RULE_MAX_THICKNESS < h:
        vrules.append(Rule((x0 + x1) / 2, top, bottom))
    elif stroked_box and w > RULE_MAX_THICKNESS and h > RULE_MAX_THICKNESS:
        hrules += [Rule(top, x0, x1), Rule(bottom, x0, x1)]
        vrules += [Rule(x0, top, bottom), Rule(x1, top, bottom)]


def merge_rules(rules: Sequence[Rule], tol: float = TOL) -> list[Rule]:
    """Snap rules at (nearly) the same position and join those that touch or overlap."""
    merged: list[Rule] = []
    for group in _cluster(sorted(rules, key=lambda r: r.pos), lambda r: r.pos, tol):
        pos = statistics.median(r.pos for r in group)
        for r in sorted(group, key=lambda r: r.a):
            if merged and merged[-1].pos == pos and r.a <= merged[-1].b + tol:
                merged[-1] = Rule(pos, merged[-1].a, max(merged[-1].b, r.b))
            else:
                merged.append(Rule(pos, r.a, r.b))
    return merged


def _cluster(items: Sequence, key, tol: float) -> list[list]:
    """Split items sorted by key into runs whose neighbours are at most tol apart."""
    groups: list[list] = []
    for item in items:
        if groups and key(item) - key(groups[-1][-1]) <= tol:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def _covers(rule: Rule, a: float, b: float, tol: float = TOL) -> bool:
    return rule.a <= a + tol and rule.b >= b - tol


def _touch(h: Rule, v: Rule, tol: float = TOL) -> bool:
    return h.a - tol <= v.pos <= h.b + tol and v.a - tol <= h.pos <= v.b + tol


def outer_rules(hrules: Sequence[Rule], vrules: Sequence[Rule], tol: float = TOL) -> tuple[list[Rule], list[Rule]]:
    """Drop rule sets drawn inside a table without touching it (a framed legend or a nested
    table inside a cell): their text belongs to the outer cell, their rules would cut it."""
    rules = [*hrules, *vrules]
    parent = list(range(len(rules)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hrules):  # connected sets of touching rules
        for j, v in enumerate(vrules, start=len(hrules)):
            if _touch(h, v, tol):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rules)):
        groups[root(i)].append(i)
    boxes = {key: _rules_box([(rules[i], i < len(hrules)) for i in members]) for key, members in groups.items()}

    def inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
        return (inner[0] > outer[0] + tol and inner[1] > outer[1] + tol
                and inner[2] < outer[2] - tol and inner[3] < outer[3] - tol)

    nested = {key for key, box in boxes.items() if any(inside(box, other) for k, other in boxes.items() if k != key)}
    keep = {i for key, members in groups.items() if key not in nested for i in members}
    return ([r for i, r in enumerate(hrules) if i in keep],
            [r for i, r in enumerate(vrules, start=len(hrules)) if i in keep])


def _rules_box(rules: Sequence[tuple[Rule, bool]]) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) of rules given as (rule, is_horizontal)."""
    xs = [x for r, horizontal in rules for x in ((r.a, r.b) if horizontal else (r.pos,))]
    ys = [y for r, horizontal in rules for y in ((r.pos,) if horizontal else (r.a, r.b))]
    return min(xs), min(ys), max(xs), max(ys)


# ================================================================ cells (pure)

def find_cells(hrules: Sequence[Rule], vrules: Sequence[Rule], tol: float = TOL) -> list[Cell]:
    """Cells of all ruled tables on a page (see module doc, step 2)."""
    ys = sorted({r.pos for r in hrules} | {r.a for r in vrules} | {r.b for r in vrules})
    cuts = [statistics.mean(g) for g in _cluster(ys, lambda y: y, tol)]
    at_cut = {y: [r for r in hrules if abs(r.pos - y) <= tol] for y in cuts}  # rules lying on each cut
    cells: list[Cell] = []
    open_cells: dict[tuple[float, float], Cell] = {}  # (x0, x1) -> cell that may go on down
    for top, bottom in zip(cuts, cuts[1:]):
        if bottom - top <= tol:
            continue
        xs = sorted(r.pos for r in vrules if _covers(r, top, bottom, tol))
        still_open: dict[tuple[float, float], Cell] = {}
        for x0, x1 in zip(xs, xs[1:]):
            if x1 - x0 <= tol:
                continue
            ruled_above = any(_covers(r, x0, x1, tol) for r in at_cut[top])
            ruled_below = any(_covers(r, x0, x1, tol) for r in at_cut[bottom])
            above = open_cells.get((x0, x1))
            if above is not None and not ruled_above:
                above.bottom = bottom  # no rule between: the same cell goes on
                cell = above
            else:
                cell = Cell(x0, x1, top, bottom, open_top=not ruled_above)
                cells.append(cell)
            cell.open_bottom = not ruled_below
            if not ruled_below:
                still_open[(x0, x1)] = cell
        open_cells = still_open
    return cells


def assign_glyphs(glyphs: Sequence[Glyph], cells: Sequence[Cell], bucket: float = 20.0) -> list[Glyph]:
    """Put each glyph into the cell holding its centre; return the glyphs outside every cell."""
    by_band: dict[int, list[Cell]] = defaultdict(list)  # cells by y bucket: no full scan per glyph
    for cell in cells:
        for key in range(int(cell.top // bucket), int(cell.bottom // bucket) + 1):
            by_band[key].append(cell)
    free: list[Glyph] = []
    for g in glyphs:
        cx, cy = g.cx, g.cy
        home = next((c for c in by_band.get(int(cy // bucket), ())
                     if c.x0 <= cx <= c.x1 and c.top <= cy <= c.bottom), None)
        if home is None:
            free.append(g)
        else:
            home.glyphs.append(g)
    return free


# ================================================================ text (pure)

def text_lines(glyphs: Sequence[Glyph]) -> list[TextLine]:
    """Group glyphs into lines (vertical overlap with the line so far), top to bottom."""
    lines: list[list[Glyph]] = []
    extent: list[tuple[float, float]] = []
    for g in sorted(glyphs, key=lambda g: (g.cy, g.x0)):
        if lines:
            top, bottom = extent[-1]
            overlap = min(bottom, g.bottom) - max(top, g.top)
            if overlap >= 0.5 * min(bottom - top, g.bottom - g.top) or (g.text.isspace() and top <= g.cy <= bottom):
                lines[-1].append(g)
                extent[-1] = (min(top, g.top), max(bottom, g.bottom))
                continue
        lines.append([g])
        extent.append((g.top, g.bottom))
    return [TextLine.of(line) for line in lines if any(not g.text.isspace() for g in line)]


def _line_text(glyphs: Sequence[Glyph]) -> str:
    """Glyphs of one line left to right; a wide gap without a space glyph becomes a space."""
    parts: list[str] = []
    previous: Glyph | None = None
    for g in glyphs:
        if previous is not None and not g.text.isspace() and not previous.text.isspace():
            height = max(g.bottom - g.top, previous.bottom - previous.top)
            if g.x0 - previous.x1 > 0.3 * height:
                parts.append(" ")
        parts.append(g.text)
        previous = g
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _is_wide(ch: str) -> bool:
    """Japanese (and other full-width) characters: wrapped lines join them with no space."""
    return bool(ch) and unicodedata.east_asian_width(ch[0]) in ("W", "F")


# An enumerator or bullet at the start of a line begins a new item even after a full line.
_ITEM_START = re.compile(
    r"^\s*(?:[(（]\s*[0-9０-９一二三四五六七八九十]+\s*[)）]|[0-9０-９]+\s*[.．)）]|[0-9０-９]+\s+\S"
    r"|[①-⑳㉑-㉟]|[●○◎■□◆◇▪※]|[【＜<])"
)
# Characters a Japanese line may not start with (kinsoku): the break moves before the
# character in front of them, so a wrapped line can end that much earlier.
_NO_LINE_START = frozenset("、。，．,.)）]」』】〕〉》!！?？:：;；ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々・")


def wrapped(line: TextLine, following: TextLine, right_edge: float) -> bool:
    """Did `line` end because the start of `following` did not fit (a wrap), rather than at
    a paragraph end? The room left before the right edge is compared with the width of the
    next line's first word (Latin) or first character and its non-starters (Japanese),
    plus one character of slack."""
    if right_edge - line.x1 > _lead_width(following) + line.size:
        return False
    if line.text.endswith("。") and following.text.startswith("・"):
        return False  # a sentence, then a bullet: a new item that follows a full line
    return not _ITEM_START.match(following.text) or _splits_number(line.text, following.text)


def _lead_width(line: TextLine) -> float:
    glyphs = [g for g in line.glyphs if not g.text.isspace()] or list(line.glyphs)
    first = glyphs[0]
    end = first.x1
    latin = not _is_wide(first.text)
    for g in glyphs[1:]:
        follows = (latin and not _is_wide(g.text)) or g.text in _NO_LINE_START
        if not follows or g.x0 - end > 0.3 * (g.bottom - g.top):
            break
        end = g.x1
    return end - first.x0


def join_wrapped(first: str, second: str, is_wrap: bool) -> str:
    """Join two pieces of one text. A wrap joins Japanese directly and Latin words with a
    space; a paragraph break leaves one space."""
    if not first or not second:
        return first or second
    if is_wrap and not _spaced_list(first) and (_is_wide(first[-1]) or _is_wide(second[0])
                                                 or _splits_number(first, second)):
        return first + second
    return first.rstrip() + " " + second.lstrip()


def _spaced_list(text: str) -> bool:
    """Short Japanese words separated by spaces ("口座振替情報 仮収納明細情報 …"): in such a
    list a line break falls between words, so it is a separator even where it looks a wrap."""
    words = text.split()
    wide_words = [w for w in words if all(_is_wide(ch) for ch in w)]
    return len(words) >= 3 and len(wide_words) >= 0.8 * len(words) and sum(map(len, words)) / len(words) <= 10


def _splits_number(first: str, second: str) -> bool:
    """A number cut by the wrap ("1,0" + "00人"): only a break-anywhere layout cuts numbers,
    so no space goes in."""
    return bool(re.search(r"\d[,.]?$", first)) and second[:1].isdigit()


def lines_to_text(lines: Sequence[TextLine], right_edge: float) -> str:
    """Lines of one cell or paragraph as one string (see `wrapped`)."""
    text = ""
    for index, line in enumerate(lines):
        is_wrap = index > 0 and wrapped(lines[index - 1], line, right_edge)
        text = join_wrapped(text, line.text, is_wrap)
    return text


def text_columns(glyphs: Sequence[Glyph], min_gap: float = 0.6) -> list[list[Glyph]]:
    """Split glyphs at vertical gutters: x ranges at least `min_gap` em wide that no glyph
    (spaces included) crosses over the cell's whole height."""
    if not glyphs:
        return []
    size = statistics.median(g.bottom - g.top for g in glyphs)
    columns: list[list[Glyph]] = []
    right = float("-inf")
    for g in sorted(glyphs, key=lambda g: g.x0):
        if columns and g.x0 - right < min_gap * size:
            columns[-1].append(g)
        else:
            columns.append([g])
        right = max(right, g.x1)
    return columns


def cell_text(cell: Cell) -> str:
    """Text of a cell.

    Lines are read across the whole cell (a grid of short choices reads row by row), unless
    the cell has side-by-side columns of several lines and text wraps inside one of them (a
    borderless nested table, two floated boxes): then column by column, no word cut in two.
    """
    columns = [lines for lines in (text_lines(c) for c in text_columns(cell.glyphs)) if lines]
    # one long spaced-out line that wraps back to the left edge makes a false gutter above
    # its short last line: real columns have several lines side by side
    if sum(1 for lines in columns if len(lines) > 1) > 1:
        edges = [max(line.x1 for line in lines) for lines in columns]  # a column wraps at its widest line
        if any(wrapped(a, b, edge) for lines, edge in zip(columns, edges) for a, b in zip(lines, lines[1:])):
            text = ""
            for lines, edge in zip(columns, edges):
                text = join_wrapped(text, lines_to_text(lines, edge), False)
            return text
    lines = text_lines(cell.glyphs)
    return lines_to_text(lines, cell.x1 - _padding(cell, lines))


def _padding(cell: Cell, lines: Sequence[TextLine]) -> float:
    """Inner padding of a cell, taken as equal on both sides (measured on the left)."""
    if not lines:
        return 0.0
    size = statistics.median(line.size for line in lines)
    return max(0.0, min(min(line.x0 for line in lines) - cell.x0, size))


# ================================================================ one page (pure)

def page_blocks(page: RawPage) -> list[Block]:
    """Table rows and free-text paragraphs of a page, top to bottom, each with its line on the page."""
    cells = find_cells(*outer_rules(page.hrules, page.vrules))
    free = assign_glyphs(page.glyphs, cells)
    blocks = _row_blocks(cells) + _free_blocks(text_lines(free), _body_right(page, free))
    blocks.sort(key=lambda b: (b.top, b.edges[:1] or (0.0,)))
    return [replace(b, line=n) for b, n in zip(blocks, page_line_numbers(page.glyphs, blocks))]


def page_line_numbers(glyphs: Sequence[Glyph], blocks: Sequence[Block]) -> list[int]:
    """The line of text on the page where each block starts, as a reader counts the lines of the
    page from the top (every glyph of the page, running heads and all, cells side by side on one
    line): 1 + the lines wholly above the block's highest glyph (above its top if it is empty)."""
    bottoms = sorted(_line_bottoms(glyphs))
    numbers = []
    for block in blocks:
        if block.is_row:
            inked = [g for c in block.cells for g in c.glyphs if not g.text.isspace()]
        else:
            inked = [g for g in block.first.glyphs if not g.text.isspace()] if block.first else []
        y = min(g.cy for g in inked) if inked else block.top
        numbers.append(bisect_left(bottoms, y) + 1)
    return numbers


def _line_bottoms(glyphs: Sequence[Glyph]) -> list[float]:
    """Bottom of each line of text of the page, lines grouped as `text_lines` groups them; only
    the vertical extents of the inked glyphs matter, so each distinct extent is taken once."""
    extents = sorted({(g.top, g.bottom) for g in glyphs if not g.text.isspace()},
                     key=lambda e: (e[0] + e[1]) / 2)
    bottoms: list[float] = []
    top = bottom = 0.0
    for g_top, g_bottom in extents:
        if bottoms and min(bottom, g_bottom) - max(top, g_top) >= 0.5 * min(bottom - top, g_bottom - g_top):
            top, bottom = min(top, g_top), max(bottom, g_bottom)
            bottoms[-1] = bottom
        else:
            top, bottom = g_top, g_bottom
            bottoms.append(bottom)
    return bottoms


def _row_blocks(cells: Sequence[Cell]) -> list[Block]:
    """Cells starting at the same y form one row; a cell spanning rows shows in its first."""
    rows: dict[float, list[Cell]] = defaultdict(list)
    for cell in cells:
        rows[round(cell.top, 1)].append(cell)
    blocks = []
    for top, row in rows.items():
        if all(c.bottom - c.top < 3 and not c.glyphs for c in row):
            continue  # slivers between double rules
        row.sort(key=lambda c: c.x0)
        blocks.append(Block(top, max(c.bottom for c in row), cells=tuple(row)))
    return blocks


def _body_right(page: RawPage, free: Sequence[Glyph]) -> float:
    """Right edge of the text body: the rightmost glyph or vertical rule outside the margins."""
    margin = MARGIN_SHARE * page.height
    xs = [g.x1 for g in free if margin < g.cy < page.height - margin] + [r.pos for r in page.vrules]
    return max(xs, default=page.width)


def _free_blocks(lines: Sequence[TextLine], right_edge: float) -> list[Block]:
    """Free lines joined into paragraphs: a wrapped line goes on in the next one when that
    starts at the same x and follows at normal line spacing."""
    paragraphs: list[list[TextLine]] = []
    for line in lines:
        if paragraphs:
            previous = paragraphs[-1][-1]
            if (wrapped(previous, line, right_edge) and abs(line.x0 - paragraphs[-1][0].x0) <= previous.size
                    and line.top - previous.bottom <= 0.8 * previous.size):
                paragraphs[-1].append(line)
                continue
        paragraphs.append([line])
    return [Block(p[0].top, p[-1].bottom, text=lines_to_text(p, right_edge), first=p[0], last=p[-1],
                  right_edge=right_edge) for p in paragraphs]


# ================================================================ running heads (pure)

_PAGE_NUMBER = re.compile(
    r"""^(?:
        [-‐–—―]?\s*\d{1,4}\s*[-‐–—―]?                      # 3, - 3 -
      | \d{1,4}\s*/\s*\d{1,4}(?:\s*(?:ページ|頁))?           # 3 / 57, 1/5, 1 / 69 ページ
      | (?:p\.?|page)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?  # Page 3, p. 3 of 9
      | \d{1,4}\s*of\s*\d{1,4}
      | 第?\s*\d{1,4}\s*(?:ページ|頁)                         # 3ページ, 第3頁
    )$""",
    re.X | re.I,
)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(unicodedata.normalize("NFKC", text).strip()))


def _head_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", unicodedata.normalize("NFKC", text)))


def drop_running_heads(pages: Sequence[Sequence[Block]], heights: Sequence[float],
                       share: float = 0.5, y_tol: float = 3.0) -> list[list[Block]]:
    """Drop free lines in the top/bottom margin that are page numbers, or that come back at
    about the same height on at least `share` of the pages (and on two or more) either
    word for word or with a number that follows the page number ("3 / 57", "- 3 -")."""
    def margin_lines(index: int) -> Iterator[Block]:
        margin = MARGIN_SHARE * heights[index]
        for b in pages[index]:
            if not b.is_row and (b.bottom <= margin or b.top >= heights[index] - margin):
                yield b

    seen: dict[str, list[tuple[int, float, str]]] = defaultdict(list)  # key -> (page, top, text)
    for index in range(len(pages)):
        for b in margin_lines(index):
            seen[_head_key(b.text)].append((index + 1, b.top, b.text))
    needed = max(2, share * len(pages))
    repeated = {key for key, hits in seen.items() if _runs_on_pages(hits, needed, y_tol)}
    result = []
    for index, blocks in enumerate(pages):
        drop = {id(b) for b in margin_lines(index) if is_page_number(b.text) or _head_key(b.text) in repeated}
        result.append([b for b in blocks if id(b) not in drop])
    return result


def _runs_on_pages(hits: Sequence[tuple[int, float, str]], needed: float, y_tol: float) -> bool:
    """Do these lines (same text but for digits) repeat like a running head?"""
    usual = Counter(round(top / y_tol) for _, top, _ in hits).most_common(1)[0][0] * y_tol
    placed = [(page, text) for page, top, text in hits if abs(top - usual) <= y_tol]
    if len({page for page, _ in placed}) < needed:
        return False
    if Counter(text for _, text in placed).most_common(1)[0][1] >= needed:
        return True  # the same words on most pages
    # digits differ: a running head only if one of its numbers moves with the page number
    # (a heading "システム2", "システム3" at the top of pages does not)
    offsets = Counter((k, n - page) for page, text in placed for k, n in enumerate(_numbers(text)))
    return bool(offsets) and offsets.most_common(1)[0][1] >= needed


# ================================================================ page breaks (pure)

def row_continues(previous: Block, following: Block, tol: float = 2.0) -> bool:
    """Is row `following` (first on its page) the rest of row `previous` (last before)?
    Same column edges, and a sign of the cut: a rule missing at the break, or a cell that
    had text above and has none now beside cells that go on (renderers that rule every
    fragment leave the short label on the first page)."""
    if not (previous.is_row and following.is_row) or len(previous.edges) != len(following.edges):
        return False
    if any(abs(a - b) > tol for a, b in zip(previous.edges, following.edges)):
        return False
    open_cut = any(c.open_top for c in following.cells) or any(c.open_bottom for c in previous.cells)
    before, after = _filled(previous), _filled(following)
    emptied = any(b and not a for b, a in zip(before, after)) and any(after)
    return open_cut or emptied


def _filled(block: Block) -> list[bool]:
    return [any(not g.text.isspace() for g in c.glyphs) for c in block.cells]


def paragraph_continues(previous: Block, following: Block) -> bool:
    """Is free text `following` (first on its page) the rest of the paragraph `previous`?"""
    if previous.is_row or following.is_row or previous.last is None or following.first is None:
        return False
    same_start = abs(following.first.x0 - previous.first.x0) <= previous.last.size
    return same_start and wrapped(previous.last, following.first, previous.right_edge)


def join_cells(upper: Cell, lower: Cell) -> Cell:
    """One cell from two fragments: the lower one's glyphs move to just below the upper ones,
    so lines, columns and wraps are read across the page break as if it were not there."""
    dy = upper.bottom - lower.top
    moved = [Glyph(g.text, g.x0, g.top + dy, g.x1, g.bottom + dy) for g in lower.glyphs]
    return Cell(upper.x0, upper.x1, upper.top, lower.bottom + dy, upper.open_top, lower.open_bottom,
                upper.glyphs + moved)


def merge_page_breaks(pages: Sequence[Sequence[Block]]) -> list[tuple[int, Block]]:
    """(start page, block) in reading order, rows and paragraphs cut by page breaks joined
    (over any number of pages)."""
    out: list[tuple[int, Block]] = []
    last_page = 0  # page of the latest fragment of out[-1]
    for number, blocks in enumerate(pages, start=1):
        for position, block in enumerate(blocks):
            if position == 0 and out and last_page == number - 1:
                page, previous = out[-1]
                if row_continues(previous, block):
                    cells = tuple(join_cells(a, b) for a, b in zip(previous.cells, block.cells))
                    out[-1], last_page = (page, replace(previous, cells=cells, bottom=block.bottom)), number
                    continue
                if paragraph_continues(previous, block):
                    text = join_wrapped(previous.text, block.text, True)
                    out[-1], last_page = (page, replace(previous, text=text, last=block.last)), number
                    continue
            out.append((number, block))
            last_page = number
    return out


def number_lines(blocks: Sequence[tuple[int, Block]]) -> list[PdfLine]:
    """Output lines with the page and the line on that page where each block starts."""
    return [PdfLine(page, block.line or 1, block.texts()) for page, block in blocks]
