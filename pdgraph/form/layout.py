"""Rebuild the form rows of a 特定個人情報保護評価書 from plain PDF text.

pdgraph reads text whose form rows are cells: one row per line, label cell TAB
value cell. PDF text has no cells: ``pdftotext`` puts a label alone on its line
and its value on the following lines (wrapped at the cell width, sometimes
reordered), ``pdftotext -raw`` and web copies put the value beside its label,
``pdftotext -layout`` sets cells side by side with spaces, and document-sharing
sites publish a whole page as one line. This module finds the labels of the
official form (様式) in such text and puts every value back beside its label:

    text --detect_layout--> "cells" (returned unchanged) | "lines" | "pages"
         --without_site_footer--> the text up to a web site's closing block
         --split_pages--> pages without running headers / page numbers
                          (-layout cells put back in cell order)
         --segments--> label hits and content pieces, in reading order
                       (labels that open a line; alone, or with the value beside them)
         --assemble--> form rows, annex tables rebuilt by their columns
         --> Relaid: one RelaidLine per row, with the source line it came from

The form's vocabulary is the anchor, not the geometry of one file: a value is
whatever stands between its label and the next label of the form. Content is
typed (check boxes of a given option list, a 万人 band, a date, free text), so a
value that pdftotext printed after a later label still reaches its own label.
Everything is pure: no I/O, no global state besides compiled patterns.
"""
from __future__ import annotations

import heapq
import re
import unicodedata
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

Layout = Literal["cells", "lines", "pages"]


# --------------------------------------------------------------------------- public records


@dataclass(frozen=True, slots=True)
class RelaidLine:
    """One output row: its cells joined by TAB and where in the source it starts."""

    text: str
    line: int  # 1-based source line
    page: int | None = None  # 1-based page, for one-line-per-page input
    offset: int | None = None  # character offset in the source line, for one-line-per-page input


@dataclass(frozen=True, slots=True)
class Relaid:
    """The rebuilt rows of a document and the layout they were rebuilt from."""

    layout: Layout
    lines: tuple[RelaidLine, ...]

    @property
    def text(self) -> str:
        """The rows as one text, the way pdgraph reads a document."""
        return "\n".join(line.text for line in self.lines)


def relayout(text: str) -> Relaid:
    """Rows of ``text``: unchanged when it already has cells, rebuilt from the form otherwise."""
    layout = detect_layout(text)
    if layout == "cells":
        return Relaid("cells", tuple(RelaidLine(line, number) for number, line in enumerate(text.split("\n"), 1)))
    pages = split_pages(without_site_footer(text, layout), layout)
    rows = assemble(segments(pages, layout), layout)
    return Relaid(layout, tuple(rows))


# --------------------------------------------------------------------------- stage 1: layout

_HTML_CELLS = re.compile(r"<(?:table|tr|td|th)\b", re.I)
_MARKDOWN = re.compile(r"^(?:#{1,6}\s|\s*\|.*\|\s*$)", re.M)
_PAGE_LINE_CHARS = 400  # a "line" this long is a whole page joined by spaces


def detect_layout(text: str) -> Layout:
    """"cells" when the text already has tab cells (a line with a label before a tab: a converter that made cells made them throughout),
    HTML tables or Markdown structure; "pages" when most of it sits in page-long lines;
    "lines" otherwise (pdftotext output)."""
    lines = text.split("\n")
    tabbed = sum(1 for line in lines if "\t" in line and line.split("\t", 1)[0].strip())
    if tabbed >= 1 or _HTML_CELLS.search(text) or _MARKDOWN.search(text):
        return "cells"
    if "\f" in text:
        return "lines"  # pdftotext marks its pages with form feeds
    long_chars = sum(len(line) for line in lines if len(line) >= _PAGE_LINE_CHARS)
    return "pages" if long_chars * 2 > len(text) or _labels_inside_lines(fold(text)) else "lines"


def _labels_inside_lines(folded: str) -> bool:
    """Whether the form's labels mostly stand inside lines rather than open them: pages joined
    into lines (short pages can be short lines), not pdftotext lines, where a label opens its
    line (alone, or with its value beside it)."""
    opening = inside = 0
    previous_end, line_start = -1, 0
    for match in label_pattern().finditer(folded):
        start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
        line_start = folded.rfind("\n", 0, start) + 1
        if not folded[line_start:start].strip() or (previous_end >= line_start and not folded[previous_end:start].strip()):
            opening += 1
        else:
            inside += 1
        previous_end = match.end()
        if opening + inside >= _ENOUGH_LABELS:
            break  # the first pages tell the layout: no need to scan a long text to its end
    return inside >= _INSIDE_EVIDENCE and inside > 2 * opening


_INSIDE_EVIDENCE, _ENOUGH_LABELS = 10, 200  # labels enough to tell a layout by; more than enough


# --------------------------------------------------------------------------- text folding


class _Fold(dict):
    """str.translate table: a character's NFKC form when that is one character.

    Folding keeps every offset (full-width ``（１）`` becomes ``(1)``); circled numbers
    and Roman numerals stay, because they are how the form numbers its items."""

    def __missing__(self, code: int) -> int:
        ch = chr(code)
        folded = unicodedata.normalize("NFKC", ch)
        keep = "\u2460" <= ch <= "\u2473" or "\u2160" <= ch <= "\u217f" or len(folded) != 1
        self[code] = code if keep else ord(folded)
        return self[code]


_FOLD = _Fold()


def fold(text: str) -> str:
    """Length-preserving normal form used for matching (see `_Fold`)."""
    return text if text.isascii() else text.translate(_FOLD)


class _Narrow(dict):
    """str.translate table that deletes the characters a Japanese font prints wide."""

    def __missing__(self, code: int) -> int | None:
        self[code] = None if unicodedata.east_asian_width(chr(code)) in "WFA" else code
        return self[code]


_NARROW = _Narrow()


def display_width(text: str) -> int:
    """Columns a text takes when printed: wide (CJK) characters count two, and so do the
    ambiguous ones (①, ※, ○, □), which a Japanese font prints wide. (Counted by deleting the
    wide characters with one str.translate: this is called on every word of a page.)"""
    if text.isascii():
        return len(text)
    return 2 * len(text) - len(text.translate(_NARROW))


# --------------------------------------------------------------------------- stage 2: pages


@dataclass(frozen=True, slots=True)
class Strip:
    """A run of one source line kept in a page: its line number and starting column."""

    line: int
    column: int
    text: str


@dataclass(frozen=True, slots=True)
class Page:
    """A page of the source without its running header and page number.

    ``text`` is the kept strips joined by newlines; ``starts`` holds where each strip
    begins in it, so any position maps back to (source line, column)."""

    number: int
    strips: tuple[Strip, ...]
    text: str
    starts: tuple[int, ...]

    def locate(self, position: int) -> tuple[int, int]:
        """(1-based source line, 0-based column) of a position in ``text``."""
        index = max(0, bisect_right(self.starts, position) - 1)
        strip = self.strips[index]
        return strip.line, strip.column + position - self.starts[index]


_NOISE = re.compile(r"\*\*|(?:(?<=\s)|^)-{2,}|-{2,}(?=\s|$)")


def _quiet(text: str, rule: str = " ") -> str:
    """Markdown left-overs blanked out, keeping every offset: the "**" of a bold heading, and
    the "-- ---" of a table rule, which in a page-long line marks a cell boundary (``rule``)."""
    return _NOISE.sub(lambda m: (rule if m.group(0)[0] == "-" else " ") + " " * (len(m.group(0)) - 1), text)


def _page(number: int, strips: list[Strip], rule: str = " ") -> Page:
    strips = [Strip(s.line, s.column, _quiet(s.text, rule)) for s in strips]
    starts, position = [], 0
    for strip in strips:
        starts.append(position)
        position += len(strip.text) + 1
    return Page(number, tuple(strips), "\n".join(s.text for s in strips), tuple(starts))


_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*\d{1,4}\s*-|\d{1,4}\s*/\s*\d{1,4}\s*(?:ページ|頁)?|(?:p\.|P\.|ページ)\s*\d{1,4}"
                          r"|\d{1,4}\s*(?:ページ|頁))\s*$")
_PAGE_NUMBER_INLINE = re.compile(r"(?:(?<=\s)|^)(?:-\s?\d{1,4}\s?-|\d{1,4}\s?/\s?\d{1,4}(?:\s?(?:ページ|頁))?)\s*$")


# Web-page furniture: a link back to the top of the page (dropped wherever it stands, like a page
# number) and the closing block of a site (the page's contact box, a copyright line, a note on
# PDF readers, a feedback form), which ends the form: what follows it is no longer the 評価書.
_TOP_LINK = r"[▲△↑]?\s?(?:ページ|このページ|画面)の?(?:先頭|トップ|上)へ(?:戻る)?"
_TOP_LINK_LINE = re.compile(rf"^\s*{_TOP_LINK}\s*$")
_TOP_LINK_INLINE = re.compile(rf"(?<!\S){_TOP_LINK}(?!\S)")
_SITE_END = (r"このページ(?:に関する|についての)\s?お?問い?合わ?せ|このページの(?:情報|内容)は(?:役に立ち|わかりやす)"
             r"|Copyright\b|©|All rights reserved|Adobe\s?(?:Acrobat\s?)?Reader|PDF(?:形式の)?ファイルを(?:ご覧|閲覧|開)")
_SITE_END_LINE = re.compile(rf"^[ \t]*(?:{_SITE_END})", re.I | re.M)
_SITE_END_INLINE = re.compile(rf"(?<!\S)(?:{_SITE_END})", re.I)


def without_site_footer(text: str, layout: Layout) -> str:
    """The text up to a web site's closing block, when one follows the form (the text before
    the first label of the form is left alone: assembly skips it)."""
    first = label_pattern().search(fold(text))
    if first is None:
        return text
    end = (_SITE_END_LINE if layout == "lines" else _SITE_END_INLINE).search(text, first.end())
    return text if end is None else text[:end.start()]


def split_pages(text: str, layout: Layout) -> list[Page]:
    """Pages of the text with running headers (the 評価書名 at each page top) and page
    numbers ("1 / 12", "- 3 -", "1 / 69 ページ") removed."""
    if layout == "pages":
        raw = [[Strip(n, 0, line)] for n, line in enumerate(text.split("\n"), 1) if line.strip()]
        header = _common_page_prefix([page[0].text for page in raw])
        return [_page(i, [_trim_page_line(page[0], header)], "\n") for i, page in enumerate(raw, 1)]
    raw = _line_pages(text)
    header = _running_header(raw)
    columned = _columned(text)
    return [_page(i, _uncolumn(kept) if columned else kept)
            for i, kept in enumerate((_drop_furniture(page, header) for page in raw), 1)]


_GAP = re.compile(r"\S {2,}\S")  # two cells side by side: pdftotext -layout pads between them with spaces
_CHUNK = re.compile(r"\S+(?: \S+)*")  # a cell's text on a line: words one space apart
_COLUMNED_SHARE = 0.1  # pdftotext without -layout (and the examples) has next to no such line


def _columned(text: str) -> bool:
    """Whether the text sets cells side by side on its lines (``pdftotext -layout``): one
    line in ten or more has two runs of text a gap of two or more spaces apart."""
    lines = [line for line in text.split("\n") if line.strip()]
    gaps = sum(1 for line in lines if _GAP.search(line))
    return gaps >= 5 and gaps >= _COLUMNED_SHARE * len(lines)


_ROW_OPENER = re.compile(r"[\u2460-\u2473]|\d{1,2}\s?\.\s?\S|(?:VII|VI|IV|V|III|II|I|[\u2160-\u2166])\s"
                         r"|(?:システム|委託事項|提供先|移転先)\s?\d|[(【]\s?(?:別添|別紙)")


def _opens_with_label(text: str) -> bool:
    folded = fold(text)
    return bool(_ROW_OPENER.match(folded) or label_pattern().match(folded))


def _uncolumn(strips: list[Strip]) -> list[Strip]:
    """Cells printed side by side (``pdftotext -layout``) put one after the other, each cell's
    lines together and a blank line after it, the way pdftotext prints them without -layout.

    A block is a label row (the label at the left, its value to the right, both maybe wrapped
    over the following lines) or a table row; its columns start where the cells of its first
    line start, and a later line's text goes to the column it starts in. A line whose text
    starts at the left opens a new block when it opens with a label of the form, or when the
    block is a table row (its first cell is no label: every row starts at the left); else it
    goes on the block (a label wrapped in its cell: "④提供する情報の対象となる本" / "人の数").
    Text goes to the column whose start is nearest its own (a cell's lines may shift a little)."""
    out: list[Strip] = []
    columns: list[list[Strip]] = []
    starts: list[int] = []
    label_row = False

    def flush() -> None:
        for column in columns:
            if column:
                out.extend(column)
                out.append(Strip(column[-1].line, 0, ""))  # the next cell
        columns.clear()
        starts.clear()

    for strip in strips:
        chunks = [(m.start(), m.group(0)) for m in _CHUNK.finditer(strip.text)]
        if not chunks:
            flush()
            out.append(strip)
            continue
        left = chunks[0][0]
        if not starts or left <= starts[0] + 1:
            label = _opens_with_label(chunks[0][1])
            if not starts or label or not label_row:
                flush()
                starts.extend(column for column, _ in chunks)
                columns.extend([] for _ in chunks)
                label_row = label
        for column, text in chunks:
            index = min(range(len(starts)), key=lambda i: abs(starts[i] - column))  # the nearest column
            columns[index].append(Strip(strip.line, strip.column + column, text))
    flush()
    return out


def _line_pages(text: str) -> list[list[Strip]]:
    """Source lines grouped by page: at form feeds, else after page-number lines (a web
    page's "ページの先頭へ" links left out)."""
    pages: list[list[Strip]] = [[]]
    has_feeds = "\f" in text
    for number, line in enumerate(text.split("\n"), 1):
        column = 0
        while "\f" in line:  # pdftotext puts the form feed at the start of the next page
            before, _, line = line.partition("\f")
            if before.strip():
                pages[-1].append(Strip(number, column, before))
            column += len(before) + 1
            pages.append([])
        if _TOP_LINK_LINE.match(line):
            continue  # web furniture between pages: it would hide the running header under it
        pages[-1].append(Strip(number, column, line))
        if not has_feeds and _PAGE_NUMBER.match(line):
            pages.append([])
    return [page for page in pages if any(s.text.strip() for s in page)]


def _first_lines(page: list[Strip], count: int) -> tuple[str, ...]:
    return tuple(s.text.strip() for s in page if s.text.strip())[:count]


def _running_header(pages: list[list[Strip]]) -> tuple[str, ...]:
    """The lines that open most pages (the header is the 評価書名, maybe wrapped)."""
    if len(pages) < 2:
        return ()
    need = max(2, (len(pages) + 1) // 2)
    header: tuple[str, ...] = ()
    for count in (1, 2, 3):
        firsts = [_first_lines(page, count) for page in pages]
        tallies: dict[tuple[str, ...], int] = {}
        for first in firsts:
            if len(first) == count and first[:len(header)] == header:
                tallies[first] = tallies.get(first, 0) + 1
        best = max(tallies.items(), key=lambda item: item[1], default=None)
        if best is None or best[1] < need or _PAGE_NUMBER.match(best[0][-1]):
            break
        header = best[0]
    return header


def _drop_furniture(page: list[Strip], header: tuple[str, ...]) -> list[Strip]:
    """A page without its running header (when it has it) and its page-number lines."""
    kept = list(page)
    for expected in header:  # the header lines at the top, in order, when this page has them
        index = next((i for i, s in enumerate(kept) if s.text.strip()), None)
        if index is None or kept[index].text.strip() != expected:
            break
        del kept[index]
    return [s for s in kept if not _PAGE_NUMBER.match(s.text) and not _TOP_LINK_LINE.match(s.text)]


def _common_page_prefix(pages: list[str]) -> str:
    """The longest word-aligned prefix that opens at least half of the page lines."""
    if len(pages) < 2:
        return ""
    need = max(2, (len(pages) + 1) // 2)
    best = ""
    for page in pages[:2]:
        for match in re.finditer(r" ", page[:160]):
            prefix = page[:match.start()]
            if len(prefix) > len(best) and sum(p.startswith(prefix + " ") for p in pages) >= need:
                best = prefix
    return best


def _trim_page_line(strip: Strip, header: str) -> Strip:
    text, column = strip.text, 0
    if header and text.startswith(header + " "):
        column = len(header) + 1
        text = text[column:]
    footer = _PAGE_NUMBER_INLINE.search(text)
    if footer:
        text = text[:footer.start()].rstrip()
    text = _TOP_LINK_INLINE.sub(lambda m: " " * len(m.group(0)), text)
    return Strip(strip.line, column, text)


# --------------------------------------------------------------------------- vocabulary of the form

# Option vocabularies: a content piece that shows these words belongs to a label of that kind.
OPTION_WORDS: dict[str, tuple[str, ...]] = {
    "connections": ("情報提供ネットワークシステム", "庁内連携システム", "住民基本台帳ネットワークシステム",
                    "既存住民基本台帳システム", "宛名システム等", "税務システム"),
    "sources": ("本人又は本人の代理人", "評価実施機関内の他部署", "行政機関・独立行政法人等",
                "地方公共団体・地方独立行政法人", "民間事業者"),
    "methods": ("紙", "電子記録媒体(フラッシュメモリを除く。)", "フラッシュメモリ", "電子メール", "専用線",
                "庁内連携システム", "情報提供ネットワークシステム"),
    "file_kind": ("システム用ファイル", "その他の電子ファイル(表計算ファイル等)"),
    "linkage": ("実施する", "実施しない", "未定"),
    "entrust": ("委託する", "委託しない"),
    "reentrust": ("再委託する", "再委託しない", "再委託していない"),
    "provision": ("提供を行っている", "移転を行っている", "行っていない", "提供・移転しない"),
    "scope": ("特定個人情報ファイルの全体", "特定個人情報ファイルの一部"),
    "sufficiency": ("特に力を入れている", "十分である", "課題が残されている"),
    "practice": ("特に力を入れて行っている", "十分に行っている", "十分に行っていない", "行っている"),
    "rules": ("定めている", "定めていない"),
    "incident": ("発生あり", "発生なし"),
    "audit": ("自己点検", "内部監査", "外部監査"),
    "network": ("接続しない(入手)", "接続しない(提供)"),
    "threshold": ("基礎項目評価及び重点項目評価の実施が義務付けられる", "基礎項目評価の実施が義務付けられる",
                  "特定個人情報保護評価の実施が義務付けられない"),
}
_BAND_KIND = {"people": re.compile(r"\d[\d,]*\s?万?人(?:以上|未満)"), "items": re.compile(r"\d+\s?項目(?:以上|未満)")}
# Kinds of label that take prose (or a short token such as a number or a date), not check boxes.
_TEXT_KINDS = frozenset({"text", "title", "number", "date"})

# The labels of the 様式 (基礎項目 様式2, 重点項目 様式3, 全項目 様式4), with the kind of value
# each takes ("none": a heading). Bodies are written without numbering; "F" labels may carry a
# circled number, "S" ones are "N. title" sub-sections, "M" ones major sections (I ... VII).
_VOCABULARY = """
H 評価書番号 number
H 評価書名 title
H 評価実施機関名 text
H 公表日 date
H 個人のプライバシー等の権利利益の保護の宣言 text
H 特記事項 text
H 項目一覧 toc
H 個人情報保護委員会承認日【行政機関等のみ】 text
M 基本情報 none
M 関連情報 none
M 特定個人情報ファイルの概要 none
M リスク対策 none
M 特定個人情報ファイルの取扱いプロセスにおけるリスク対策 none
M その他のリスク対策 none
M 開示請求、問合せ none
M 評価実施手続 none
M しきい値判断項目 none
M しきい値判断結果 none
S 特定個人情報ファイルを取り扱う事務 none
S 特定個人情報ファイルを取り扱う事務において使用するシステム none
S 特定個人情報ファイル名 text
S 特定個人情報ファイルを取り扱う理由 none
S 個人番号の利用 none
S 情報提供ネットワークシステムによる情報連携 none
S 評価実施機関における担当部署 none
S 他の評価実施機関 text
S 基本情報 none
S 特定個人情報の入手・使用 none
S 特定個人情報ファイルの取扱いの委託 entrust
S 特定個人情報の提供・移転(委託に伴うものを除く。) provision
S 特定個人情報の提供・移転(委託や情報提供ネットワークシステムを通じた提供を除く。) provision
S 特定個人情報の保管・消去 none
S 備考 text
S 特定個人情報の入手(情報提供ネットワークシステムを通じた入手を除く。) none
S 特定個人情報の使用 none
S 情報提供ネットワークシステムとの接続 network
S 監査 none
S 従業者に対する教育・啓発 none
S 従業員に対する教育・啓発 none
S その他のリスク対策 text
S 特定個人情報の開示・訂正・利用停止請求 none
S 特定個人情報ファイルの取扱いに関する問合せ none
S 基礎項目評価 none
S 国民・住民等からの意見の聴取 none
S 国民・住民からの意見の聴取 none
S 第三者点検 none
S 個人情報保護委員会の承認 none
S 重点項目評価 none
S 全項目評価 none
S 対象人数 people
S 取扱者数 people
S 重大事故 none
S 提出する特定個人情報保護評価書の種類 text
S 人手を介在させる作業 none
S 最も優先度が高いと考えられる対策 text
S 特定個人情報の漏えい等 none
F 事務の名称 text
F 事務の内容 text
F 事務の概要 text
F 対象人数 people
F システムの名称 text
F システムの機能 text
F 他のシステムとの接続 connections
F 法令上の根拠 text
F 事務実施上の必要性 text
F 実現が期待されるメリット text
F 実施の有無 linkage
F 部署 text
F 所属長 text
F 所属長の役職名 text
F ファイルの種類 file_kind
F 対象となる本人の数 people
F 対象となる本人の範囲 text
P その必要性 text
F 記録される項目 items
P 主な記録項目 text
P その妥当性 text
P 全ての記録項目 text
F 保有開始日 date
F 事務担当部署 text
F 入手元 sources
F 入手方法 methods
F 入手の時期・頻度 text
F 入手に係る妥当性 text
F 本人への明示 text
F 使用目的 text
P 変更の妥当性 text
F 使用の主体 none
P 使用部署 text
P 使用者数 people
F 使用方法 text
P 情報の突合 text
P 情報の統計分析 text
P 権利利益に影響を与え得る決定 text
F 使用開始日 date
P 委託の有無 entrust
F 委託内容 text
F 取扱いを委託する特定個人情報ファイルの範囲 scope
F 委託先における取扱者数 people
F 委託先への特定個人情報ファイルの提供方法 methods
F 委託先名の確認方法 text
F 委託先名 text
P 再委託 none
F 再委託の有無 reentrust
F 再委託の許諾方法 text
F 再委託事項 text
P 提供・移転の有無 provision
F 提供先における用途 text
F 移転先における用途 text
F 提供する情報 text
F 移転する情報 text
F 提供する情報の対象となる本人の数 people
F 移転する情報の対象となる本人の数 people
F 提供する情報の対象となる本人の範囲 text
F 移転する情報の対象となる本人の範囲 text
F 提供方法 methods
F 移転方法 methods
F 時期・頻度 text
F 保管場所 text
F 保管期間 text
P 期間 text
F 消去方法 text
P リスクに対する措置の内容 text
P リスクへの対策は十分か sufficiency
P ユーザ認証の管理 practice
P 具体的な管理方法 text
P 具体的な方法 text
P その他の措置の内容 text
P 規定の内容 text
P 再発防止策の内容 text
P その内容 text
P ルール内容及びルール遵守の確認方法 text
P ルールの内容及びルール遵守の確認方法 text
P 委託契約書中の特定個人情報ファイルの取扱いに関する規定 rules
P 特定個人情報の提供・移転に関するルール rules
P 再委託先による特定個人情報ファイルの適切な取扱いの担保 practice
P 再委託先による特定個人情報ファイルの適切な取扱いの確保 practice
F 事故発生時手順の策定・周知 practice
F 過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか incident
P 従業者に対する教育・啓発 practice
P 従業員に対する教育・啓発 practice
F 請求先 text
F 請求方法 text
F 特記事項 text
F 法令による特別の手続 text
F 個人情報ファイル簿への不記載等 text
F 連絡先 text
F 対応方法 text
F 実施日 date
F しきい値判断結果 threshold
P 評価対象の事務の対象人数は何人か people
P いつ時点の計数か date
P 特定個人情報ファイル取扱者数は500人以上か people
P 過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか incident
P 目的外の入手が行われるリスクへの対策は十分か sufficiency
P 目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスクへの対策は十分か sufficiency
P 権限のない者(元職員、アクセス権限のない職員等)によって不正に使用されるリスクへの対策は十分か sufficiency
P 委託先における不正な使用等のリスクへの対策は十分か sufficiency
P 不正な提供・移転が行われるリスクへの対策は十分か sufficiency
P 不正な提供が行われるリスクへの対策は十分か sufficiency
P 特定個人情報の漏えい・滅失・毀損リスクへの対策は十分か sufficiency
P 人為的ミスが発生するリスクへの対策は十分か sufficiency
P 当該対策は十分か【再掲】 sufficiency
P 判断の根拠 text
F 方法 text
F 実施日・期間 text
F 主な意見の内容 text
F 結果 text
P 個人情報ファイル名 text
P 公表場所 text
"""


@dataclass(frozen=True, slots=True)
class Label:
    """A label of the form: its style (H header, M major, S sub-section, F field, P plain,
    B block heading, A annex, K the kind heading, R a risk heading) and the kind of value it takes."""

    style: str
    body: str
    kind: str


def _vocabulary() -> dict[tuple[str, str], Label]:
    labels = {}
    for line in _VOCABULARY.strip().splitlines():
        style, body, kind = line.split()
        labels[(style, fold(body))] = Label(style, fold(body), kind)
    return labels


VOCABULARY = _vocabulary()
# Block families: a heading "システムk" / "委託事項k" / "提供先k" / "移転先k" opens a block of
# numbered fields; these are the fields each family numbers.
_BLOCK_KIND = {"システム": "none", "委託事項": "title", "提供先": "title", "移転先": "title"}
_FLOW_FIELDS = frozenset({"法令上の根拠", "提供先における用途", "移転先における用途", "提供する情報", "移転する情報",
                          "提供する情報の対象となる本人の数", "移転する情報の対象となる本人の数",
                          "提供する情報の対象となる本人の範囲", "移転する情報の対象となる本人の範囲",
                          "提供方法", "移転方法", "時期・頻度"})
_BLOCK_FIELDS = {
    "システム": frozenset({"システムの名称", "システムの機能", "他のシステムとの接続"}),
    "委託事項": frozenset({"委託内容", "取扱いを委託する特定個人情報ファイルの範囲", "委託先における取扱者数",
                       "委託先への特定個人情報ファイルの提供方法", "委託先名の確認方法", "委託先名", "再委託の有無",
                       "再委託の許諾方法", "再委託事項"}),
    "提供先": _FLOW_FIELDS,
    "移転先": _FLOW_FIELDS,
}
_MAJOR_ORDER = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7}
_ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "Ⅵ": "VI", "Ⅶ": "VII"}


def _trie(words: list[str]) -> str:
    """One regex alternation for many words, factored by prefix (so each position is tried
    once per character, not once per word), allowing one white space between any two
    characters (a label wrapped at the cell width)."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def alternatives(node: dict) -> str:
        branches = []
        for ch, child in sorted(node.items()):
            if not ch:
                continue
            if set(child) == {""}:
                branches.append(re.escape(ch))
                continue
            tail = r"(?:\s?" + alternatives(child) + ")" + ("?" if "" in child else "")
            branches.append(re.escape(ch) + tail)
        return "(?:" + "|".join(branches) + ")"

    return alternatives(root)


_ANNEX_TITLES = ("特定個人情報ファイル記録項目", "変更箇所", "事務の内容", "特定個人情報の提供先一覧", "特定個人情報の移転先一覧")
_SUFFIX = r"(?:\s?【(?:任意|行政機関等のみ)】)?(?:\s?※(?:\s?\([^)\n]{0,24}\))?)?"
_CIRCLED = "[\u2460-\u2473]"


@lru_cache(maxsize=1)
def label_pattern() -> re.Pattern[str]:
    """The single alternation that finds every label of the form in folded text."""
    by_style: dict[str, list[str]] = {}
    for (style, body) in VOCABULARY:
        by_style.setdefault(style, []).append(body)
    heads = sorted(set(by_style["H"]) | set(by_style["P"]))
    parts = [
        rf"(?P<kindh>{_trie([fold(f'特定個人情報保護評価書({kind}評価書)') for kind in ('基礎項目', '重点項目', '全項目')])})",
        rf"(?P<roman>VII|VI|IV|V|III|II|I|[\u2160-\u2166])\s?-?\s?(?P<major>{_trie(by_style['M'])})",
        r"(?P<annex>\(\s?(?:別添|別紙)\s?\d{0,2}\s?\)|【\s?(?:別添|別紙)\s?\d{0,2}\s?】)"
        rf"(?:\s?(?P<atitle>{_trie([fold(t) for t in _ANNEX_TITLES])}))?",
        rf"(?P<subno>\d{{1,2}})\s?\.\s?(?P<sub>{_trie(by_style['S'])})",
        r"(?P<block>システム|委託事項|提供先|移転先)\s?(?P<blockno>\d{1,2}(?:\s?[～~〜\-]\s?\d{1,2})?)",
        rf"(?P<circled>{_CIRCLED})?\s?(?P<field>{_trie(by_style['F'])})",
        rf"(?P<head>{_trie(heads)})",
        r"(?P<risk>リスク\d{0,2}\s?:\s?\S[^\n]{0,80}?リスク)",
    ]
    return re.compile(r"(?<!\S)(?:" + "|".join(parts) + ")" + _SUFFIX + r"(?=\s|$)")


@dataclass(frozen=True, slots=True)
class Hit:
    """A label found in a page: which label, its number (circled number, N., block k), its
    span, and its text as a row cell (wrapping undone: "④提供する情報の対象となる本人の数")."""

    style: str
    key: str  # folded body (or the block family / annex marker)
    kind: str
    number: str
    start: int
    end: int
    text: str


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _hit(match: re.Match[str]) -> Hit | None:
    g = match.group
    name = next(n for n in ("kindh", "major", "atitle", "annex", "sub", "blockno", "field", "head", "risk") if g(n))
    suffix = " ".join(match.string[match.end(name):match.end()].split())
    whole = match.group(0)
    span = (match.start() + len(whole) - len(whole.lstrip()), match.end())  # an optional space may lead

    def make(style: str, key: str, kind: str, number: str, prefix: str, body: str) -> Hit:
        text = prefix + body + (" " + suffix if suffix else "")
        return Hit(style, key, kind, number, *span, text)

    if g("kindh"):
        return make("K", _squeeze(g("kindh")), "none", "", "", _squeeze(g("kindh")))
    if g("major"):
        body = _squeeze(g("major"))
        return make("M", body, "none", _ROMAN.get(g("roman"), g("roman")), g("roman") + " ", body)
    if g("annex"):
        marker = _squeeze(g("annex"))
        title = _squeeze(g("atitle") or "")
        return make("A", marker, "none", re.sub(r"\D", "", marker), marker, " " + title if title else "")
    if g("sub"):
        body = _squeeze(g("sub"))
        return make("S", body, VOCABULARY[("S", body)].kind, g("subno"), g("subno") + ". ", body)
    if g("block"):
        number = _squeeze(g("blockno"))
        kind = "none" if re.search(r"\D", number) else _BLOCK_KIND[g("block")]
        return make("B", g("block"), kind, number, g("block"), number)
    if g("field"):
        body = _squeeze(g("field"))
        circled = g("circled") or ""
        number = str(ord(circled) - 0x245F) if circled else ""
        return make("F", body, VOCABULARY[("F", body)].kind, number, circled, body)
    if g("head"):
        body = _squeeze(g("head"))
        label = VOCABULARY.get(("H", body)) or VOCABULARY[("P", body)]
        return make(label.style, body, label.kind, "", "", body)
    if g("risk"):
        return make("R", "リスク", "none", "", "", " ".join(g("risk").split()))
    return None


def find_labels(folded: str, layout: Layout, inline: bool | None = None) -> list[Hit]:
    """Label hits in a folded page text.

    In "pages" layout every label found counts. In "lines" layout a label counts when it
    stands at the start of a line (after indentation, or after other labels of that line)
    and either its line(s) hold nothing else (pdftotext's default output), or ``inline``
    holds: the text puts a value on the label's own line (``pdftotext -raw`` / ``-layout``,
    web copies; see `inline_values`). An annex heading takes the rest of its line as title."""
    candidates = _candidates(folded, layout)
    if inline is None:
        inline = inline_values([candidates])
    return _accepted(candidates, layout, inline)


def _accepted(candidates: list[tuple[Hit, bool, bool]], layout: Layout, inline: bool) -> list[Hit]:
    return [hit for hit, alone, opens in candidates if layout != "lines" or alone or (inline and opens)]


def inline_values(pages: list[list[tuple[Hit, bool, bool]]]) -> bool:
    """Whether a "lines" text puts values on the label's own line: most numbered fields
    (①…, which take a value) that open a line have text after them on that line. ``pages``:
    the `_candidates` of each page."""
    alone = beside = 0
    for candidates in pages:
        for hit, fills, opens in candidates:
            if hit.style == "F" and hit.number and hit.kind != "none" and opens:
                alone += fills
                beside += not fills
    return beside >= _INLINE_EVIDENCE and beside > alone


_INLINE_EVIDENCE = 3  # a few such fields, not one quoted in a table cell ("②所属長 鈴木" in 変更箇所)


def _candidates(folded: str, layout: Layout) -> list[tuple[Hit, bool, bool]]:
    """Label hits with, for "lines" layout, whether each stands alone on its line(s) and
    whether it opens its line. A label opens its line when only white space or other labels
    that open the line come before it; it stands alone when, in addition, only white space
    or other labels come after it up to the end of the line (a line of stacked labels,
    "評価書番号 評価書名", stands alone)."""
    found: list[Hit] = []
    for match in label_pattern().finditer(folded):
        hit = _hit(match)
        if hit is None:
            continue
        if hit.style == "A":
            hit = _annex_hit(folded, hit, layout)
            if hit is None:
                continue
        found.append(hit)
    if layout != "lines":
        return [(hit, True, True) for hit in found]
    opens = [False] * len(found)
    closes = [False] * len(found)
    for index, hit in enumerate(found):
        line_start = folded.rfind("\n", 0, hit.start) + 1
        opens[index] = not folded[line_start:hit.start].strip() or (
            index > 0 and opens[index - 1] and found[index - 1].end <= hit.start
            and not folded[found[index - 1].end:hit.start].strip())
    for index in range(len(found) - 1, -1, -1):
        hit = found[index]
        line_end = folded.find("\n", hit.end)
        line_end = len(folded) if line_end < 0 else line_end
        closes[index] = not folded[hit.end:line_end].strip() or (
            index + 1 < len(found) and closes[index + 1] and hit.end <= found[index + 1].start
            and not folded[hit.end:found[index + 1].start].strip())
    return [(hit, (hit.style == "A" or opens[i]) and closes[i], hit.style == "A" or opens[i])
            for i, hit in enumerate(found)]


_ANNEX_MARKER = re.compile(r"\(\s?(?:別添|別紙)\s?\d{0,2}\s?\)|【\s?(?:別添|別紙)\s?\d{0,2}\s?】")
_ANNEX_REFERENCE = re.compile(r"^[のをにへとで「]|(?:を参照|のとおり|参照)\)?$")


def _annex_hit(folded: str, hit: Hit, layout: Layout) -> Hit | None:
    """An annex heading, or None for a reference to an annex ("(別紙2)のとおり")."""
    line_end = folded.find("\n", hit.end)  # a fixed title may wrap: the line its match ends on
    line_end = len(folded) if line_end < 0 else line_end
    if layout == "lines":
        if folded[folded.rfind("\n", 0, hit.start) + 1:hit.start].strip():
            return None
        if "\n" in folded[hit.start:hit.end]:  # "(別添1) 特定個人情報ファイル記 / 録項目": the title made whole
            head, rest = hit.text, folded[hit.end:line_end].strip()
        else:
            marker = _ANNEX_MARKER.match(folded, hit.start)
            head, rest = hit.key, folded[marker.end():line_end].strip()
        if _ANNEX_REFERENCE.search(rest):
            return None
        text = head + (" " + " ".join(rest.split()) if rest else "")
        return Hit(hit.style, hit.key, hit.kind, hit.number, hit.start, line_end, text)
    rest = folded[hit.end:hit.end + 40].strip()
    return None if _ANNEX_REFERENCE.search(rest[:1]) else hit


def _fills_lines(text: str, start: int, end: int) -> bool:
    before = text.rfind("\n", 0, start)
    after = text.find("\n", end)
    after = len(text) if after < 0 else after
    return not text[before + 1:start].strip() and not text[end:after].strip()


# --------------------------------------------------------------------------- stage 3: segments


@dataclass(frozen=True, slots=True)
class Where:
    """Provenance of a piece of output: source line, and page / offset for page-long lines."""

    line: int
    page: int | None
    offset: int | None


@dataclass(frozen=True, slots=True)
class Piece:
    """Content text between labels: one source line ("lines") or one span of a page line.

    ``gap``: a blank line stands before it (a new cell in pdftotext output);
    ``page_break``: it is the first piece of a page."""

    text: str
    where: Where
    gap: bool = False
    page_break: bool = False
    joint: str | None = None  # what joins it to the piece before, when known ("" for a wrapped line)
    source: str = ""  # page-long lines: the span as printed (tables rebuild their own wraps)
    lead: int = 0  # columns printed before it on its line (the label it stands beside)

    @property
    def width(self) -> int:
        """Columns its printed line takes (a line's fullness tells a wrap from a hard break)."""
        return self.lead + display_width(self.text.strip())


@dataclass(frozen=True, slots=True)
class LabelPiece:
    """A label hit with its original text and provenance."""

    hit: Hit
    text: str
    where: Where
    gap: bool = False
    raw: str = ""  # the label as printed, wrapped lines and all
    page_break: bool = False  # it is the first thing on its page

    def as_pieces(self) -> list["Piece"]:
        """The label as content (a label quoted inside a table cell), one piece per line."""
        if self.where.page is not None:  # a page-long line: the label is one word of the table
            return [Piece(self.text, self.where, self.gap, self.page_break, " ", " ".join(self.raw.split()))]
        lines = [line.strip() for line in (self.raw or self.text).split("\n") if line.strip()]
        return [Piece(line, Where(self.where.line + i, self.where.page, self.where.offset), self.gap and i == 0,
                      self.page_break and i == 0) for i, line in enumerate(lines)]


Segment = Piece | LabelPiece


def _where(page: Page, position: int, layout: Layout) -> Where:
    line, column = page.locate(position)
    return Where(line, page.number, column) if layout == "pages" else Where(line, None, None)


def segments(pages: list[Page], layout: Layout) -> list[Segment]:
    """Labels and content pieces of all pages, in reading order."""
    candidates = [_candidates(fold(page.text), layout) for page in pages]
    inline = layout == "lines" and inline_values(candidates)
    found = [(page, _accepted(each, layout, inline)) for page, each in zip(pages, candidates)]
    cut = _labels_cut_by_page_breaks(found, layout, inline)
    width = _document_width(found) if layout == "pages" else 0
    out: list[Segment] = []
    carried = 0  # where the page starts after the end of a label the page break cut
    for index, (page, hits) in enumerate(found):
        cursor, first = carried, not carried
        carried = 0
        for hit in hits:
            out.extend(_content(page, cursor, hit.start, layout, first, width))
            gap = layout == "lines" and _blank_before(page.text, hit.start)
            top = first and not page.text[cursor:hit.start].strip()
            out.append(LabelPiece(hit, hit.text, _where(page, hit.start, layout), gap and not top,
                                  page.text[hit.start:hit.end], top))
            first = False
            cursor = hit.end
        if cut[index] is None:
            out.extend(_content(page, cursor, len(page.text), layout, first, width))
            continue
        hit, raw, carried = cut[index]
        out.extend(_content(page, cursor, hit.start, layout, first, width))
        out.append(LabelPiece(hit, hit.text, _where(page, hit.start, layout), False, raw, False))
    return out


_CUT_REACH = 80  # characters either side of a page break looked at for a label it cut


def _labels_cut_by_page_breaks(found: list[tuple[Page, list[Hit]]], layout: Layout,
                               inline: bool) -> list[tuple[Hit, str, int] | None]:
    """Labels a page break cut in two ("③他のシステムと" | "の接続"): for each page, the label that
    starts at its end and ends on the next page (as a hit of this page, its text as printed,
    and where the next page goes on after it), or None. The last label of the page is
    replaced when the cut label goes on from it ("④提供する情報" | "の対象となる本人の数")."""
    cut: list[tuple[Hit, str, int] | None] = [None] * len(found)
    for index in range(len(found) - 1):
        (page, hits), (following, next_hits) = found[index], found[index + 1]
        tail_start = hits[-1].end if hits else 0
        if hits and not page.text[hits[-1].end:].strip():
            tail_start = hits[-1].start
        tail_start = max(tail_start, len(page.text) - _CUT_REACH)
        tail = fold(page.text[tail_start:]).rstrip()
        head_raw = fold(following.text[:min(next_hits[0].start if next_hits else len(following.text), _CUT_REACH)])
        head = head_raw.lstrip()
        lead = len(head_raw) - len(head)
        joint = tail + "\n" + head
        for match in label_pattern().finditer(joint):
            start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
            if not start < len(tail) < match.end() - 1:
                continue
            hit = _hit(match)
            if hit is None or hit.style == "A":
                continue
            if layout == "lines":
                line_end = joint.find("\n", match.end())
                opens = not joint[joint.rfind("\n", 0, start) + 1:start].strip()
                alone = not joint[match.end():len(joint) if line_end < 0 else line_end].strip()
                if not opens or not (alone or inline):
                    continue
            if hits and tail_start + start <= hits[-1].start:
                hits.pop()  # the label went on past the page break: the longer label is the label
            placed = Hit(hit.style, hit.key, hit.kind, hit.number, tail_start + start, len(page.text), hit.text)
            cut[index] = (placed, joint[start:match.end()], lead + match.end() - len(tail) - 1)
            break
    return cut


def _document_width(found: list[tuple[Page, list[Hit]]]) -> int:
    """Page-long lines: the width the value column wraps at, i.e. the most common width of
    the long space-free runs (a full line of Japanese text has no space)."""
    tally: dict[int, int] = {}
    for page, hits in found:
        for token in page.text.split(" "):
            width = display_width(token)
            if width >= 40:
                tally[width] = tally.get(width, 0) + 1
    return max(tally, key=lambda w: (tally[w], w)) if tally else 0


_MAX_WRAP_TOKENS = 4000  # longer chunks keep their spaces (hostile input stays linear)
_NARROWEST_WRAP = 30  # a value that wraps narrower than this is a table cell, rebuilt elsewhere
_WIDTH_SLACK = 3  # a PDF font is proportional: a full line counts a few columns short or long
_NO_LINE_START = frozenset("、。，．,.)）」』】〕ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ")


def wrap_spaces(text: str, document_width: int) -> set[int]:
    """Positions of the spaces in a page-line chunk that stood for a line wrapped at the
    cell width (pdftotext joined the lines with spaces).

    Each space is a real space, a wrap or a hard break. The renderer wraps character by
    character, so a token that fits on the line was on it unless a hard break came first,
    and a token that does not fit starts a new line: a wrap when the line was full, a hard
    break otherwise. Hard breaks are what the text must explain, cheaply after a sentence
    end or before a bullet, dearly elsewhere; the cheapest reading wins (a small dynamic
    programme over (token, line width)). The wrap width W is the widest token when two
    tokens reach it (full lines of the cell), else the document's value-column width."""
    tokens = text.split(" ")
    if len(tokens) < 2 or len(tokens) > _MAX_WRAP_TOKENS:
        return set()
    widths = [display_width(t) for t in tokens]
    widest = max(widths)
    strong = widest >= _NARROWEST_WRAP and sum(1 for w in widths if w >= widest - _WIDTH_SLACK) >= 2
    if not strong and not document_width:
        return set()  # no full line to measure the wrap width by: keep every space
    wrap = widest if strong else max(widest, document_width)
    # states: line width -> (cost, choices so far as a linked list of wrap positions)
    states: dict[int, tuple[float, tuple | None]] = {widths[0]: (0, None)}
    position = len(tokens[0])
    previous = tokens[0]
    for token, width in zip(tokens[1:], widths[1:]):
        space_at, position = position, position + 1 + len(token)
        if not token:
            continue
        cheap = previous.endswith(("。", "】", ")", "）")) or bool(_LIST_START.match(fold(token)))
        hard_cost = 1 if cheap else 3
        head = display_width(token[:2]) if token[1:2] in _NO_LINE_START else display_width(token[0])
        following: dict[int, tuple[float, tuple | None]] = {}

        def offer(line: int, cost: float, trail: tuple | None) -> None:
            if line not in following or cost < following[line][0]:
                following[line] = (cost, trail)

        for line, (cost, trail) in states.items():
            # a proportional font leaves the wrap point uncertain by a few columns
            if line + 1 + width <= wrap + _WIDTH_SLACK:
                offer(line + 1 + width, cost, trail)  # a space within the line
            if line + 1 + width <= wrap - _WIDTH_SLACK or line + head <= wrap - _WIDTH_SLACK:
                offer(width, cost + hard_cost, trail)  # a hard break (the word would have fitted)
            else:
                # the line was full: a wrap, which explains it (the fuller the line, the likelier)
                offer(width, cost - 1 + max(0, wrap - line) / 100, (space_at, trail))
        states = following
        previous = token
    trail = min(states.values(), key=lambda state: state[0])[1]
    spaces = set()
    while trail is not None:
        spaces.add(trail[0])
        trail = trail[1]
    return spaces


def _blank_before(text: str, position: int) -> bool:
    return bool(re.search(r"\n[ \t]*\n[ \t]*$", text[max(0, position - 200):position]))


def _content(page: Page, start: int, end: int, layout: Layout, first: bool, width: int = 0) -> list[Piece]:
    """Content between two labels: one piece per non-blank line, or (page-long lines) one per
    span that starts with a mark of its own (a check box, a bullet, a choice list), with the
    spaces that stood for wrapped lines taken out."""
    pieces: list[Piece] = []
    if layout == "lines":
        gap, position = False, start
        for index, raw in enumerate(page.text[start:end].split("\n")):
            if raw.strip() and not _RULE_LINE.match(raw):
                at_top = first and not pieces
                where = _where(page, position + len(raw) - len(raw.lstrip()), layout)
                beside = index == 0 and start > 0  # the rest of a label's line: one space from it
                lead = 0
                if beside:
                    opening = position + len(raw) - len(raw.lstrip())
                    lead = display_width(page.text[page.text.rfind("\n", 0, opening) + 1:opening])
                pieces.append(Piece(heal_numbers(raw.strip()), where, gap and not at_top, at_top,
                                    " " if beside else None, lead=lead))
                gap = False
            elif index > 0 and not raw.strip():  # index 0 is the rest of the label's own line
                gap = True
            position += len(raw) + 1
        return pieces
    text = page.text[start:end]
    wraps = wrap_spaces(text, width)
    gap = False
    for a, b in _spans(text):
        raw = text[a:b]
        gap = gap or "\n" in raw[:len(raw) - len(raw.lstrip())]  # a table rule stood here
        if not raw.strip():
            continue
        joined = "".join(ch for i, ch in enumerate(raw, a) if i not in wraps)
        offset = start + a + len(raw) - len(raw.lstrip())
        pieces.append(Piece(heal(" ".join(joined.split())), _where(page, offset, layout), gap, first and not pieces, " ",
                            " ".join(raw.split())))
        gap = False
    return pieces


_RULE_LINE = re.compile(r"^[\s\-]*-{2,}[\s\-]*$")  # remnants of Markdown table rules ("-- ---")
_MARK_START = re.compile(r"(?<=\s)(?<!\[\s)(?=[□■☐☑◉●○◯・]|\[|<選択肢>|＜選択肢＞|【)|\n")


def _spans(text: str) -> list[tuple[int, int]]:
    """Spans of a page-line chunk, cut before every mark that starts an item of its own,
    after a printed list of choices (<選択肢> 1) … 2) …), and after a check box's option
    word that prose follows ("[ ] 行っていない 番号法第19条…": the prose is another cell)."""
    folded = fold(text)
    cuts = {0, len(text)} | {m.start() for m in _MARK_START.finditer(folded)}
    cuts |= {m.end() for m in _legend_pattern().finditer(folded)}
    cuts |= {m.end("option") for m in _option_end_pattern().finditer(folded)}
    ordered = sorted(cuts)
    return [(a, b) for a, b in zip(ordered, ordered[1:]) if b > a]


@lru_cache(maxsize=1)
def _option_end_pattern() -> re.Pattern[str]:
    words = sorted({fold(w) for ws in OPTION_WORDS.values() for w in ws}, key=len, reverse=True)
    alternation = "|".join(re.escape(w) for w in words)
    return re.compile(rf"[□■☐☑○◯\]]\s?(?P<option>(?:{alternation})(?:\s?\(\s?\d*\s?\)\s?件)?)"
                      r"(?=\s[^\s(（\[□■☐☑○◯<＜件)])")


@lru_cache(maxsize=1)
def _legend_pattern() -> re.Pattern[str]:
    words = sorted({fold(w) for ws in OPTION_WORDS.values() for w in ws} | {"その他"}, key=len, reverse=True)
    # a band, wrapped anywhere ("100万 人以上1,000万人未満"): a space may stand between any two parts
    number, limit = r"\d(?:\s?[\d,])*", r"(?:以\s?上|未\s?満)"
    people = rf"{number}\s?(?:万\s?)?人\s?{limit}"
    items = rf"{number}\s?項\s?目\s?{limit}"
    choice = _trie(words) + rf"|{people}(?:\s?{people})?|{items}(?:\s?{items})?"
    return re.compile(rf"<選択肢>(?:\s?\d{{1,2}}\)\s?(?:{choice})[^\s\d]{{0,12}})+(?:\s?\(\s?\d*\s?\)\s?件)?")


# --------------------------------------------------------------------------- healing page-line text


def _heal_words() -> list[str]:
    words = {fold(w) for values in OPTION_WORDS.values() for w in values}
    words |= {body for (_, body) in VOCABULARY} | {"情報提供の根拠", "情報照会の根拠", "委託の根拠"}
    words |= {"<選択肢>", "その他", "10万人以上100万人未満", "1万人以上10万人未満", "100万人以上1,000万人未満",
              "1,000万人以上", "1万人未満", "10項目未満", "10項目以上50項目未満", "50項目以上100項目未満", "100項目以上",
              "10人未満", "10人以上50人未満", "50人以上100人未満", "100人以上500人未満", "500人以上1,000人未満", "1,000人以上"}
    return sorted(words, key=len, reverse=True)


@lru_cache(maxsize=1)
def _heal_pattern() -> re.Pattern[str]:
    # Only words of two or more characters with a space inside them are worth rewriting.
    return re.compile(_trie([w for w in _heal_words() if len(w) > 1]))


# Four or more words of at most three Japanese characters in a row: a narrow cell printed a
# character or three per line.
_VERTICAL = re.compile(r"(?<!\S)[^\x00-\x7f\s]{1,3}(?: [^\x00-\x7f\s]{1,3}(?!\S)){3,}")
_SPACED_DIGITS = re.compile(r"(?<=[\d,]) (?=\d[\d,]*\s?(?:万|千)?(?:人|件|項目|年|月|日|号|条|項|歳))")
_DIGITS_ONLY = re.compile(r"\d(?: \d){1,5}")
_SPACED_COUNT = re.compile(r"\(\s?(\d(?: \d)+)\s?\)")


def heal(text: str) -> str:
    """Undo spaces that joined wrapped lines inside the form's words and numbers
    ("フラッシュメモ リ", "1 0万人", "( 1 5 ) 件") and in text printed one character per
    line ("中 間 サ ー バ"); other spaces stay (they may be real)."""
    folded = fold(text)
    pieces, last = [], 0
    for match in _heal_pattern().finditer(folded):
        if " " in match.group(0) or "\n" in match.group(0):
            pieces.append(text[last:match.start()])
            pieces.append(re.sub(r"\s", "", text[match.start():match.end()]))
            last = match.end()
    pieces.append(text[last:])
    text = "".join(pieces)
    return heal_numbers(_VERTICAL.sub(lambda m: m.group(0).replace(" ", ""), text))


def heal_numbers(text: str) -> str:
    """Numbers printed with spaced digits made whole: "1 0万人", "1 8 日", "( 1 5 ) 件", and a
    line that is nothing but spaced digits ("1 2": a 評価書番号 printed digit by digit)."""
    if _DIGITS_ONLY.fullmatch(text.strip()):
        return text.replace(" ", "")
    text = _SPACED_DIGITS.sub("", text)
    return _SPACED_COUNT.sub(lambda m: "( " + m.group(1).replace(" ", "") + " )", text)


# --------------------------------------------------------------------------- stage 4: assembly


@dataclass(eq=False)
class Field:
    """A label with the content pieces given to it (compared by identity)."""

    label: LabelPiece
    pieces: list[Piece] = field(default_factory=list)
    order: tuple[int, int] = (0, 0)  # place in the form: (unit, position in its block)
    seq: int = 0  # how many labels came before it: later labels have larger numbers

    @property
    def kind(self) -> str:
        return self.label.hit.kind

    @property
    def number(self) -> str:
        return self.label.hit.number


@dataclass(eq=False)
class Block:
    """システムk / 委託事項k / 提供先k / 移転先k: the heading and its numbered fields."""

    heading: Field | None = None
    fields: list[Field] = field(default_factory=list)
    index: int = 0  # its place among the units of the document
    family: str = ""  # canonical block heading (see `_CANONICAL_FAMILY`)
    last_number: int = 0  # the highest field number ① ② … it holds


@dataclass(eq=False)
class Table:
    """An annex table (変更箇所, 別紙 recipients) or list (記録項目) and its raw pieces."""

    mode: str  # "records" | "changes" | "recipients" | "other"
    heading: LabelPiece
    title: list[Piece] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)


Unit = Field | Block | Table | Piece


class _OpenStacks:
    """Open (still empty) fields by kind, latest on top. A field that got content is popped
    once it reaches the top, so finding the latest open field of a kind is amortised O(1)
    (scanning back over all labels would be quadratic on hostile input)."""

    ANY = "*"  # the stack of every field pushed

    def __init__(self) -> None:
        self._stacks: dict[str, list[Field]] = {}

    def push(self, f: Field) -> None:
        for key in (f.kind, self.ANY):
            self._stacks.setdefault(key, []).append(f)

    def latest(self, kinds: Iterable[str]) -> Field | None:
        best: Field | None = None
        for kind in kinds:
            stack = self._stacks.get(kind)
            while stack and stack[-1].pieces:
                stack.pop()
            if stack and (best is None or stack[-1].seq > best.seq):
                best = stack[-1]
        return best


@dataclass(eq=False)
class _Run:
    """Labels printed one after another (stacked labels) before their content."""

    fields: list[Field] = field(default_factory=list)
    members: set[Field] = field(default_factory=set)
    open: _OpenStacks = field(default_factory=_OpenStacks)  # value labels of the run
    open_plain: _OpenStacks = field(default_factory=_OpenStacks)  # … that are not sub-section headings
    cursor: int = 0  # fields before it are filled or take no value (see `first_open`)
    head: int = 0  # where the last block heading of the run stands

    def add(self, f: Field) -> None:
        if f.label.hit.style == "B":
            self.head = len(self.fields)
        self.fields.append(f)
        self.members.add(f)
        if f.kind in _VALUE_KINDS:
            self.open.push(f)
            if f.label.hit.style != "S":
                self.open_plain.push(f)

    def first_open(self) -> Field | None:
        """The first open value label (fields only fill up: the cursor never goes back)."""
        while self.cursor < len(self.fields):
            f = self.fields[self.cursor]
            if f.kind in _VALUE_KINDS and not f.pieces:
                return f
            self.cursor += 1
        return None


@dataclass(eq=False)
class _Section:
    """The value labels of the current major section that are not sub-section headings."""

    open: _OpenStacks = field(default_factory=_OpenStacks)
    last: dict[str, Field] = field(default_factory=dict)  # the latest of each kind, open or not

    def add(self, f: Field) -> None:
        if f.kind in _VALUE_KINDS and f.label.hit.style != "S":
            self.open.push(f)
            self.last[f.kind] = f

    def latest(self, kinds: Iterable[str]) -> Field | None:
        found = [self.last[k] for k in kinds if k in self.last]
        return max(found, key=lambda f: f.seq) if found else None


@dataclass(eq=False)
class _Blocks:
    """The blocks of the current sub-section, indexed by family (canonical block heading) so
    that placing a field looks up its block instead of scanning them all."""

    last: Block | None = None
    last_of: dict[str, Block] = field(default_factory=dict)
    headless: dict[str, deque[Block]] = field(default_factory=dict)  # in form order
    by_next: dict[tuple[str, int], list[tuple[int, Block]]] = field(default_factory=dict)  # heaps by place

    def add(self, block: Block) -> None:
        self.last = self.last_of[block.family] = block
        if block.heading is None:
            self.headless.setdefault(block.family, deque()).append(block)
        self.index(block)

    def index(self, block: Block) -> None:
        heap = self.by_next.setdefault((block.family, block.last_number), [])
        heapq.heappush(heap, (block.index, block))

    def first_headless(self, family: str) -> Block | None:
        queue = self.headless.get(family)
        while queue and queue[0].heading is not None:
            queue.popleft()
        return queue[0] if queue else None

    def expecting(self, family: str, number: int) -> Block | None:
        """The first block whose next field number is ``number``."""
        heap = self.by_next.get((family, number - 1))
        while heap and heap[0][1].last_number != number - 1:
            heapq.heappop(heap)  # the block has moved on (its numbers only grow)
        return heap[0][1] if heap else None


@dataclass
class _State:
    units: list[Unit] = field(default_factory=list)
    section: _Section = field(default_factory=_Section)  # the fields of the current major section
    run: _Run = field(default_factory=_Run)  # labels printed one after another (stacked)
    labels: int = 0  # labels seen so far (numbers the fields)
    content_seen: bool = False  # content came since the last label: the next label starts a run
    current: Field | None = None  # the field that took the last content
    blocks: _Blocks = field(default_factory=_Blocks)  # blocks of the current sub-section
    table: Table | None = None
    toc: bool = False
    toc_seen: set[str] = field(default_factory=set)
    major: int = 0
    started: bool = False
    terminal: bool = False  # inside 変更箇所: everything after it is table content
    restarts: frozenset[int] = frozenset()  # ids of the title labels that start another assessment
    buffer: list[Piece] = field(default_factory=list)  # content printed since the last label
    after_label: bool = False  # the last segment was a label (content right under it is its value)
    layout: Layout = "lines"
    line_width: int = 0  # the width value lines usually wrap at


def assemble(stream: list[Segment], layout: Layout) -> list[RelaidLine]:
    """Rows of the document from its labels and content pieces."""
    state = _State(layout=layout, line_width=_typical_width(stream), restarts=_second_titles(stream))
    for segment in stream:
        if isinstance(segment, LabelPiece):
            _on_label(state, segment)
        else:
            _on_piece(state, segment)
    _flush(state)
    return _emit(state.units, layout)


_HEADER_KEYS = frozenset(fold(label) for label in ("評価書番号", "評価書名", "評価実施機関名"))
_TITLE_REACH = 6  # segments after a title within which its header labels stand


def _second_titles(stream: list[Segment]) -> frozenset[int]:
    """The assessment-kind titles (特定個人情報保護評価書(…評価書)) followed by header labels
    (評価書番号, 評価書名, 評価実施機関名): where an assessment starts. After the first, each is a
    hard boundary — it ends any table, even 変更箇所, which otherwise runs to the end of the
    text — so the rows show a second assessment (refused by the extractor) instead of a
    change-history table that swallowed it."""
    starts = []
    for index, segment in enumerate(stream):
        if isinstance(segment, LabelPiece) and segment.hit.style == "K" and any(
                isinstance(after, LabelPiece) and after.hit.style == "H" and after.hit.key in _HEADER_KEYS
                for after in stream[index + 1:index + 1 + _TITLE_REACH]):
            starts.append(id(segment))
    return frozenset(starts[1:])


def _restart(state: _State) -> None:
    """Back to the state before the form's sections: another assessment starts."""
    if state.table is None:
        _flush(state)
    state.table, state.terminal, state.toc = None, False, False
    state.major, state.section, state.blocks = 0, _Section(), _Blocks()
    state.run, state.content_seen, state.current = _Run(), False, None


def _typical_width(stream: list[Segment]) -> int:
    """The width value lines usually wrap at: the most common width of the long lines."""
    tally: dict[int, int] = {}
    for segment in stream:
        if isinstance(segment, Piece):
            width = display_width(segment.text)
            if width >= 40:
                tally[width] = tally.get(width, 0) + 1
    return max(tally, key=lambda w: (tally[w], w)) if tally else 0


def _on_label(state: _State, label: LabelPiece) -> None:
    hit = label.hit
    if id(label) in state.restarts:
        _restart(state)
    if state.table is not None and not _ends_table(state, hit):
        for piece in label.as_pieces():
            _table_piece(state, piece)
        return
    _flush(state)
    if state.toc:
        if hit.style in ("M", "A") and _toc_key(label) not in state.toc_seen:
            state.toc_seen.add(_toc_key(label))
            state.units.append(Field(label))
            return
        state.toc = False
    if hit.style == "M":
        order = _MAJOR_ORDER.get(hit.number, 0)
        if order < state.major:  # sections come in form order: an earlier one is quoted text
            _on_piece(state, Piece(label.text, label.where, label.gap))
            return
        state.major, state.section, state.blocks, state.table = order, _Section(), _Blocks(), None
    state.started = True
    if state.content_seen:
        state.run, state.content_seen = _Run(), False
    if hit.style == "A":
        _open_table(state, label)
        return
    if hit.style == "H" and hit.kind == "toc":
        state.toc, state.toc_seen = True, set()
    if hit.style == "S":
        state.blocks = _Blocks()
    f = Field(label, seq=state.labels)
    state.labels += 1
    _place(state, f)
    state.section.add(f)
    state.run.add(f)
    state.after_label = True


def _toc_key(label: LabelPiece) -> str:
    return _squeeze(fold(label.text))


def _family(f: Field) -> str | None:
    """The block family a field belongs to (None: not a block field)."""
    hit = f.label.hit
    if hit.style == "B":
        return hit.key
    return next((family for family, bodies in _BLOCK_FIELDS.items() if hit.key in bodies), None)


# families with the same fields share blocks (提供先 and 移転先 both number ①法令上の根拠 …)
_CANONICAL_FAMILY = {name: min(n for n, b in _BLOCK_FIELDS.items() if b == bodies)
                     for name, bodies in _BLOCK_FIELDS.items()}


def _place(state: _State, f: Field) -> None:
    """Put a field in its block (the form numbers block fields ①, ②, … in order; a heading
    printed after its fields still opens their block) or at the end of the document, and
    note its place in the form."""
    hit = f.label.hit
    family = _family(f)
    blocks = state.blocks
    if hit.style == "B" and family is not None:
        if not hit.number.isdigit():  # "委託事項6～10": a group of empty slots, a row of its own
            _append(state, f)
            return
        family = _CANONICAL_FAMILY[family]
        block = blocks.first_headless(family)
        if block is None:
            block = _new_block(state, family, f)
        block.heading, f.order = f, (block.index, -1)
        return
    if family is not None and hit.number.isdigit():
        family, n = _CANONICAL_FAMILY[family], int(hit.number)
        block = blocks.expecting(family, n)
        if block is None:
            last = blocks.last_of.get(family)
            block = last if last is not None and n != 1 else _new_block(state, family)
        _join_block(state, block, f)
        return
    if blocks.last is not None and hit.style == "P" and blocks.last.fields:
        _join_block(state, blocks.last, f)  # 再委託 and other unnumbered rows inside a block
        return
    _append(state, f)


def _append(state: _State, unit: Unit) -> None:
    if isinstance(unit, Field):
        unit.order = (len(state.units), 0)
    state.units.append(unit)


def _new_block(state: _State, family: str, heading: Field | None = None) -> Block:
    block = Block(heading=heading, index=len(state.units), family=family)
    state.blocks.add(block)
    state.units.append(block)
    return block


def _join_block(state: _State, block: Block, f: Field) -> None:
    f.order = (block.index, len(block.fields))
    block.fields.append(f)
    if f.number.isdigit() and int(f.number) > block.last_number:
        block.last_number = int(f.number)
        state.blocks.index(block)


def _open_table(state: _State, label: LabelPiece) -> None:
    state.table = Table("pending", label)
    state.units.append(state.table)
    state.run, state.current = _Run(), None


_TABLE_MODES = (("records", "記録項目"), ("changes", "変更箇所"), ("other", "事務の内容"))


def _table_mode(title: str) -> str:
    for mode, marker in _TABLE_MODES:
        if marker in title:
            return mode
    return "recipients"


def _ends_table(state: _State, hit: Hit) -> bool:
    """Only a later major section or another annex ends an annex table (labels quoted in
    table cells stay cells); 変更箇所 runs to the end of the document."""
    if state.terminal:
        return False
    if hit.style == "A":
        return True
    return hit.style == "M" and _MAJOR_ORDER.get(hit.number, 0) > state.major


def _on_piece(state: _State, piece: Piece) -> None:
    if state.table is not None:
        _table_piece(state, piece)
        return
    if not state.started:
        return  # web-page text before the form
    state.toc = False
    state.buffer.append(piece)


def _flush(state: _State) -> None:
    """Give the content printed since the last label to the labels (see `_target`); a
    paragraph that no label takes stays a row of its own."""
    if not state.buffer:
        return
    pieces, state.buffer = state.buffer, []
    paragraphs = _split_number(state, _paragraphs_of(pieces, state.line_width))
    celled = state.layout == "lines" and any(p.gap for p in pieces[1:])  # blank lines part the cells here
    if celled:
        paragraphs = _prose_cells(paragraphs)
    waiting = _open_prose_labels(state)  # kept up to date below rather than recomputed (stays linear)
    numbers = [f for f in waiting if f.kind == "number"]  # 評価書番号 waits beside 評価書名
    waiting = [f for f in waiting if f.kind != "number"] if len(numbers) < len(waiting) else waiting
    if not celled and len(waiting) > _prose_count(paragraphs):  # stacked labels run together: split at hard breaks
        paragraphs = [part for paragraph in paragraphs for part in _hard_parts(paragraph)]
    prose_left = _prose_count(paragraphs)
    for paragraph in paragraphs:
        target = _target(state, paragraph, prose_left, waiting, numbers)
        prose_left -= _is_prose(paragraph)
        state.content_seen = True
        if target is None:
            state.units.append(Piece(join_pieces(paragraph), paragraph[0].where, paragraph[0].gap))
            continue
        for pending in (numbers, waiting):
            if not target.pieces and target in pending:
                pending.remove(target)
        target.pieces.extend(paragraph)
        state.current = target
        state.after_label = False


def _prose_cells(paragraphs: list[list[Piece]]) -> list[list[Piece]]:
    """Where blank lines part the cells, prose paragraphs with none between them are one cell
    ("…保管・管理する。" / "＜中間サーバー等における措置＞ …": items of one value), so they go to
    one label."""
    out: list[list[Piece]] = []
    prose_before = False
    for paragraph in paragraphs:
        prose = _is_prose(paragraph)
        first = paragraph[0]
        if out and prose and prose_before and not first.gap and not first.page_break:
            out[-1] = out[-1] + paragraph
        else:
            out.append(paragraph)
        prose_before = prose
    return out


def _paragraphs_of(pieces: list[Piece], width: int) -> list[list[Piece]]:
    """Lines grouped into paragraphs: a blank line, a line that starts an item (bullet, check
    box, enumerator) or a page break after a line that was not full starts a new one. The
    numbered choices of a printed legend ("<選択肢> 1) 委託する 2) 委託しない", wrapped before
    "2)") stay in its paragraph."""
    out: list[list[Piece]] = []
    legend, tail = False, ""  # the paragraph holds a legend (its "k)" lines go on with it); its last characters
    for piece in pieces:
        folded = fold(piece.text.strip())
        item = _LIST_START.match(folded) and not (legend and _LEGEND_CHOICE.match(folded))
        new = not out or piece.gap or piece.where.offset is not None or item
        if not new and piece.page_break:
            new = not _line_full(out[-1], width)
        if new:
            out.append([piece])
            legend, tail = False, ""
        else:
            out[-1].append(piece)
        tail = (tail + folded)[-40:]  # "<選" + "択肢>": the legend word may wrap too
        legend = legend or "<選択肢>" in tail
    return out


_LEGEND_CHOICE = re.compile(r"\d{1,2}\)")


def _line_full(paragraph: list[Piece], width: int) -> bool:
    widths = [p.width for p in paragraph]
    if len(widths) > 1:
        return widths[-1] >= max(widths[:-1]) - 2
    return widths[-1] >= 0.9 * width


def _hard_parts(paragraph: list[Piece]) -> list[list[Piece]]:
    """A paragraph cut after sentence ends and short lines (pdftotext runs the cells of
    stacked labels together)."""
    widths = [p.width for p in paragraph]
    widest = max(widths)
    parts: list[list[Piece]] = [[]]
    for index, piece in enumerate(paragraph):
        if parts[-1] and (parts[-1][-1].text.endswith("。") or widths[index - 1] < widest - _SHORT_LINE):
            parts.append([])
        parts[-1].append(piece)
    return parts


def _is_prose(paragraph: list[Piece]) -> bool:
    return not piece_kinds(join_pieces(paragraph)) - {"number"}


def _prose_count(paragraphs: list[list[Piece]]) -> int:
    return sum(1 for p in paragraphs if _is_prose(p))


_MAX_STACKED = 64  # far more labels than a form stacks; bounds the matching on hostile input


def _open_prose_labels(state: _State) -> list[Field]:
    """Open labels of the last run that take prose, in form order; labels printed before a
    block heading belong to the block before it and no longer wait for prose."""
    ordered = sorted(state.run.fields[state.run.head:], key=lambda f: f.order)
    return [f for f in ordered if f.kind in _TEXT_KINDS and not f.pieces][-_MAX_STACKED:]


def _table_piece(state: _State, piece: Piece) -> None:
    """A piece inside an annex: its title (wrapped over lines) or a table piece."""
    table = state.table
    if table.mode == "pending":
        if _continues_title(table, piece):
            table.title.append(piece)
            return
        table.mode = _table_mode(_title_text(table))
        state.terminal = table.mode == "changes"
    table.pieces.append(piece)


def _continues_title(table: Table, piece: Piece) -> bool:
    """A 別紙 title wraps onto a few lines (a long one, citing its law, onto five or six in a
    narrow column); the fixed titles (記録項目, 変更箇所) do not. (In page-long lines the title
    runs into the table: the table takes it apart.)"""
    if _table_mode(fold(table.heading.text)) != "recipients" or piece.joint is not None:
        return False
    return (len(table.title) < _TITLE_LINES and not piece.gap and not piece.page_break
            and not _HEADER_WORD.match(fold(piece.text)) and len(_title_text(table)) < _TITLE_CHARS)


_TITLE_LINES, _TITLE_CHARS = 6, 200


def _title_text(table: Table) -> str:
    return fold(table.heading.text + "".join(p.text for p in table.title))


_NUMBER_TOKEN = re.compile(r"^(?:第\s?)?\d{1,6}(?:\s?号)?$")


def _split_number(state: _State, paragraphs: list[list[Piece]]) -> list[list[Piece]]:
    """評価書番号 and 評価書名 printed as stacked labels: their values may share one paragraph
    ("7 松戸市 … 評価書", or the title wrapped and the number after it); the number is the
    short numeric token at either end, a word or a line of its own."""
    if not any(f.kind == "number" and not f.pieces for f in state.run.fields):
        return paragraphs
    out = []
    for paragraph in paragraphs:
        first, last = paragraph[0], paragraph[-1]
        head = first.text.split(" ", 1)
        tail = last.text.rsplit(" ", 1)
        if len(paragraph) > 1 and _NUMBER_TOKEN.match(fold(first.text.strip())):
            out.extend([[first], paragraph[1:]])
        elif len(head) == 2 and _NUMBER_TOKEN.match(fold(head[0])):
            rest = replace(first, text=head[1], lead=first.lead + display_width(head[0]) + 1)
            out.extend([[Piece(head[0], first.where)], [rest, *paragraph[1:]]])
        elif len(paragraph) > 1 and _NUMBER_TOKEN.match(fold(last.text.strip())):
            out.extend([paragraph[:-1], [last]])
        elif len(tail) == 2 and _NUMBER_TOKEN.match(fold(tail[1])):
            out.extend([[*paragraph[:-1], replace(last, text=tail[0])], [Piece(tail[1], last.where)]])
        else:
            out.append(paragraph)
    return out


_MARKED = re.compile(r"[□■☐☑◉●○◯✓✔\[\]]|<選択肢>")


def piece_kinds(text: str) -> set[str]:
    """Kinds a content piece can belong to: the option list its check boxes show, a 人 or
    項目 band, "marks" (nothing but boxes or a dash), "number" (a short numeric token).
    Option words count only beside a mark: prose that names a system stays prose."""
    folded = fold(text)
    kinds: set[str] = set()
    if re.fullmatch(r"[\s\-—―‐ー]*|[\[\]\s□■☐☑○◯]*", folded):
        return {"marks"}
    if _NUMBER_TOKEN.match(folded.strip()):
        kinds.add("number")
    if not _MARKED.search(folded):
        return kinds
    words = _option_matches(folded)
    if words:
        best = max(words.values())
        kinds |= {kind for kind, count in words.items() if count == best}
    for kind, pattern in _BAND_KIND.items():
        if pattern.search(folded):
            kinds.add(kind)
    return kinds


@lru_cache(maxsize=1)
def _option_pattern() -> re.Pattern[str]:
    words = sorted({fold(w) for ws in OPTION_WORDS.values() for w in ws}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@lru_cache(maxsize=None)
def _kinds_of_word(word: str) -> frozenset[str]:
    return frozenset(k for k, ws in OPTION_WORDS.items() if word in {fold(w) for w in ws})


def _option_matches(folded: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for match in _option_pattern().finditer(folded):
        for kind in _kinds_of_word(match.group(0)):
            counts[kind] = counts.get(kind, 0) + 1
    return counts


_VALUE_KINDS = _TEXT_KINDS | frozenset(OPTION_WORDS) | frozenset(_BAND_KIND)


def _target(state: _State, paragraph: list[Piece], prose_left: int, waiting: list[Field],
            numbers: list[Field]) -> Field | None:
    """The label a paragraph belongs to.

    Typed content (check boxes of an option list, a band) goes to the label of that kind:
    an open one printed just before, or an open one further back in the section (pdftotext
    prints some cells after later labels), else the last label of that kind. Prose printed
    right under a label is its value; otherwise it fills the open labels of the last run of
    stacked labels, ``waiting`` (the last ones when there are fewer paragraphs than labels:
    the first were blank; a number goes to 評価書番号), else continues the label before;
    after a blank line with nothing open it is a row of its own."""
    first = paragraph[0]
    kinds = piece_kinds(join_pieces(paragraph))
    current = state.current
    run = state.run
    if "marks" in kinds:
        return current if current in run.members else run.open.latest([_OpenStacks.ANY]) or current
    typed = kinds & (frozenset(OPTION_WORDS) | frozenset(_BAND_KIND))
    if typed:
        # a sub-section heading takes a bare flag ("[ ] 委託しない") only, not a list with its legend
        legend = "<選択肢>" in fold(join_pieces(paragraph))
        takes_current = current in run.members and current.kind in typed \
            and not (legend and current.label.hit.style == "S")
        found = (current if takes_current else None) \
            or (run.open_plain if legend else run.open).latest(typed) \
            or state.section.open.latest(typed) \
            or state.section.latest(typed)
        if found is not None:
            return found
    if "number" in kinds and numbers:
        return numbers[0]  # 評価書番号 stacked with 評価書名: the number is its value wherever it stands
    last = run.fields[-1] if run.fields else None
    if state.after_label and last is not None and not last.pieces and last.kind in _TEXT_KINDS - {"number"} \
            and state.layout == "lines" and not first.gap and not first.page_break:
        return last  # printed right under its label, with no blank line between
    if waiting:
        return waiting[min(len(waiting) - 1, max(0, len(waiting) - prose_left))]
    opened = run.first_open()
    if opened is not None:
        return opened
    if current is not None and (not first.gap or first.page_break):
        return current
    return None


# --------------------------------------------------------------------------- annex tables

_HEADER_WORD = re.compile(r"^(?:No\.?|番号|項番|変更日|項目|変更前の記載|変更後の記載|提出時期|移転先|提供先|別二項番|別表第二項番"
                          r"|番号照会者|情報照会者|照会者|提供先名|移転先名)$")
_DATE_TEXT = (r"(?:(?:明治|大正|昭和|平成|令和)\s?(?:元|\d{1,2})\s?年\s?\d{1,2}\s?月\s?\d{1,2}\s?日"
              r"|(?:19|20)\d{2}\s?[年/.-]\s?\d{1,2}\s?[月/.-]\s?\d{1,2}\s?日?)")
_DATE = re.compile(rf"^{_DATE_TEXT}$")
_TIMING = re.compile(r"^(?:事前|事後)$")
_ITEM_LIKE = re.compile(r"^(?:VII|VI|IV|V|III|II|I|[\u2160-\u2166]|\(\s?別|【|評価書|表紙|特定個人情報|[\u2460-\u2473])")
_CHANGE_COLUMNS = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明")


@dataclass
class _Cell:
    """A table cell being rebuilt: its pieces (lines) and where it starts."""

    pieces: list[Piece]

    @property
    def text(self) -> str:
        return join_pieces(self.pieces)


def _cells(pieces: list[Piece], column_names: bool = False, dates: bool = False) -> list[_Cell]:
    """Cells of a table in "lines" layout: runs of lines between blank lines or page breaks;
    with ``column_names`` (a 別紙 table) a column name ("No.", "移転先") is a cell of its own,
    with ``dates`` (変更箇所) a line that is a date (the next row's 変更日, printed right under
    the end of a cell) is one."""
    cells: list[_Cell] = []
    for piece in pieces:
        text = fold(piece.text.strip())
        if (not cells or piece.gap or piece.page_break or (column_names and _HEADER_WORD.match(text))
                or (dates and _DATE.match(text))):
            cells.append(_Cell([piece]))
        else:
            cells[-1].pieces.append(piece)
    return cells


def _column_width(cells: list[_Cell]) -> int:
    """The wrap width of the table: the widest line of a cell that wrapped."""
    return max((display_width(p.text) for c in cells if len(c.pieces) > 1 for p in c.pieces), default=0)


_COMPLETE_CELL = re.compile(r"^(?:\d{1,3}|事前|事後|" + _DATE_TEXT + r")$")


_WIDTH_LINES = 8


def _goes_on(cell: _Cell, width: int) -> bool:
    """Whether a cell's text went on past a page break: its last line is full (as wide as
    its other lines, or as the table's wrap width for a one-line cell)."""
    if len(cell.pieces) == 1 and _COMPLETE_CELL.match(fold(cell.text).strip()):
        return False  # a date, a number, 事前 / 事後 are whole
    widths = [display_width(p.text) for p in cell.pieces[-_WIDTH_LINES:]]  # a cell's width shows in a few lines
    if len(widths) > 1:
        return widths[-1] >= max(widths[:-1]) - 1
    return width > 0 and widths[0] >= width - 1


def _table_rows(table: Table, layout: Layout) -> tuple[str, list[tuple[list[str], Where]]]:
    """The rows of an annex, and the part of its title found among its cells."""
    if table.mode == "records":
        return "", _record_rows(table.pieces)
    if table.mode in ("other", "pending"):
        return "", [([p.text], p.where) for p in _paragraphs(table.pieces)]
    if layout == "lines" and not any(p.gap for p in table.pieces[1:]):
        layout = "pages"  # no blank line parts its cells (pdftotext -raw): rebuilt from the words, as in page lines
    if layout == "lines":
        cells = _cells(table.pieces, column_names=table.mode == "recipients", dates=table.mode == "changes")
    else:
        changes = table.mode == "changes"
        cells = _page_cells(_tokens(table.pieces, not changes), _CHANGE_ANCHOR if changes else _NUMBER_ANCHOR, not changes)
    if table.mode == "changes":
        return "", _change_rows(cells, layout == "pages")
    return _recipient_rows(cells)


def _record_rows(pieces: list[Piece]) -> list[tuple[list[str], Where]]:
    """記録項目: a list of item names. An item printed as a cell of its own (a one-line block)
    may hold a space ("照会対象期間終了 年月日"): such items go two to a row, as cells, so
    that each stays whole; a line of a longer block is a run of items separated by spaces
    or bullets and stays a row of its own."""
    rows: list[tuple[list[str], Where]] = []
    pending: list[Piece] = []

    def flush() -> None:
        if pending:
            rows.append(([p.text for p in pending] + [""] * (2 - len(pending)), pending[0].where))
            pending.clear()

    for cell in _cells(pieces):
        piece = cell.pieces[0]
        if piece.source:  # page-long lines: the items as printed, a group heading a row of its own
            for each in cell.pieces:
                rows.extend(_record_words(each))
            continue
        text = piece.text.strip()
        if (len(cell.pieces) == 1 and piece.joint is None and not _RECORD_GROUP.match(text)
                and not re.search(r"(?:^|\s)・", text) and not re.match(r"[-*+]\s", text)):
            pending.append(piece)  # waits for a partner, across group headings (items are a set)
            if len(pending) == 2:
                flush()
            continue
        rows.extend(([p.text.strip()], p.where) for p in cell.pieces)
    flush()
    return rows


def _record_words(piece: Piece) -> list[tuple[list[str], Where]]:
    rows: list[tuple[list[str], Where]] = []
    words: list[str] = []
    for word in (piece.source or piece.text).split():
        if _RECORD_GROUP.match(word):
            if words:
                rows.append(([" ".join(words)], piece.where))
            rows.append(([word], piece.where))
            words = []
        else:
            words.append(word)
    if words:
        rows.append(([" ".join(words)], piece.where))
    return rows


_RECORD_GROUP = re.compile(r"^(?:<[^<>]+>|＜[^＜＞]+＞|【[^】]*】|◆.*|※.*|\([^)]*\))$")


def _tokens(pieces: list[Piece], whole_labels: bool) -> list[Piece]:
    """The words of page-line pieces as printed; with ``whole_labels`` a label found in the
    table (a column name such as "②移転先における用 途") stays one word."""
    out = []
    for piece in pieces:
        if whole_labels and piece.joint == " " and _is_label_text(piece.text):
            out.append(Piece(piece.text, piece.where, piece.gap, piece.page_break))
            continue
        offset = piece.where.offset
        for index, match in enumerate(re.finditer(r"\S+", _close_dates(piece.source or piece.text))):
            where = Where(piece.where.line, piece.where.page, None if offset is None else offset + match.start())
            out.append(Piece(match.group(0), where, piece.gap and index == 0, piece.page_break and index == 0))
    return out


_SPACED_DATE = re.compile(r"(?<!\S)(明治|大正|昭和|平成|令和)\s?(元|\d{1,2})\s?年\s?(\d{1,2})\s?月\s?(\d{1,2})\s?日(?!\S)")


def _close_dates(text: str) -> str:
    """"平成 28 年 6 月 30 日" as one word, the way a 変更日 cell is read."""
    return _SPACED_DATE.sub(lambda m: f"{m[1]}{m[2]}年{m[3]}月{m[4]}日", text)


def _is_label_text(text: str) -> bool:
    match = label_pattern().fullmatch(fold(text))
    return match is not None


_CHANGE_ANCHOR = re.compile(rf"^(?:{_DATE_TEXT}|事前|事後|\(\s?(?:追加|新規|削除|[-ー―－])\s?\)"
                            r"|実施する|実施しない|委託する|委託しない|再委託する|再委託しない|発生あり|発生なし)$")
_NUMBER_ANCHOR = re.compile(r"^(?:\d{1,3}(?:の\d{1,3})?|\d[\d,]*万?人(?:以上|未満)(?:\d[\d,]*万?人(?:以上|未満))?"
                            r"|(?:紙|電子記録媒体|フラッシュメモリ|電子メール|専用線|庁内連携システム|情報提供ネットワークシステム)"
                            r"(?:[・、](?:紙|電子記録媒体|フラッシュメモリ|電子メール|専用線|庁内連携システム|情報提供ネットワークシステム))*)$")


def _page_cells(tokens: list[Piece], anchor: re.Pattern[str], header_words: bool = False) -> list[_Cell]:
    """Page-long lines: the cells of a table rebuilt from its words. A cell's lines wrap at
    the column width W; a word that would have fitted on a line that ended early starts a
    new cell (a hard break), one that did not fit continues the cell on a new line. Anchor
    words (a date, 事前 / 事後, a number) and column names are cells of their own. W is the
    common width of the words of each stretch between anchors (full lines of the cells).
    ``header_words``: before the first row number each word is a column name (the title,
    the words before the first column name, stays one cell)."""
    cells: list[_Cell] = []
    if header_words:
        first = next((i for i, t in enumerate(tokens) if fold(t.text) == "1"), 0)
        named = next((i for i, t in enumerate(tokens[:first]) if _HEADER_WORD.match(fold(t.text))), first)
        if named:
            cells.append(_Cell([Piece(" ".join(t.text for t in tokens[:named]), tokens[0].where)]))
        cells.extend(_Cell([t]) for t in tokens[named:first])
        tokens = tokens[first:]
    tokens = _merge_split_anchors(tokens, anchor)
    stretches: list[list[Piece]] = [[]]
    for index, token in enumerate(tokens):
        if _DATE.match(fold(token.text)) and anchor is _CHANGE_ANCHOR and index + 1 < len(tokens) \
                and not _ITEM_LIKE.match(fold(tokens[index + 1].text)) and not anchor.match(fold(tokens[index + 1].text)):
            stretches[-1].append(token)  # a date inside a cell ("平成29年7月1日 時点"), not a 変更日
            continue
        if anchor.match(fold(token.text)) or _is_column_name(token.text):
            stretches.append([token])
            stretches.append([])
        else:
            stretches[-1].append(token)
    table_width = _common_width(tokens, 0)
    for previous, stretch in zip([[]] + stretches, stretches):
        item = bool(previous) and bool(_DATE.match(fold(previous[0].text))) and anchor is _CHANGE_ANCHOR
        cells.extend(_stretch_cells(_merge_column_names(stretch), _common_width(stretch, table_width), item))
    return cells


def _merge_split_anchors(tokens: list[Piece], anchor: re.Pattern[str]) -> list[Piece]:
    """An anchor word that a wrap or spacing cut up ("10万人以上100万人" "未満", "( - )")
    is one word again."""
    out: list[Piece] = []
    for token in tokens:
        out.append(token)
        for size in (2, 3):
            parts = out[-size:]
            if len(parts) < size or any(p.page_break for p in parts[1:]) or anchor.match(fold(parts[0].text)):
                continue
            joined = "".join(p.text for p in parts)
            if anchor.match(fold(joined)) and re.search(r"\D", joined):
                first = parts[0]
                out[-size:] = [Piece(joined, first.where, first.gap, first.page_break, first.joint)]
                break
    return out


def _common_width(tokens: list[Piece], fallback: int) -> int:
    tally: dict[int, int] = {}
    for token in tokens:
        width = display_width(token.text)
        if width >= 8:
            tally[width] = tally.get(width, 0) + 1
    best = max(tally, key=lambda w: (tally[w], w), default=0)
    return best if tally.get(best, 0) >= 3 or not fallback else fallback


def _is_column_name(text: str) -> bool:
    return _squeeze(fold(text)) in _CHANGE_COLUMNS or bool(re.fullmatch(r"No\.?", text))


def _merge_column_names(stretch: list[Piece]) -> list[Piece]:
    """A column name wrapped over two words ("提出時期に係る 説明") is one word again."""
    out: list[Piece] = []
    for token in stretch:
        if out and _is_column_name(out[-1].text + token.text) and not _is_column_name(out[-1].text):
            out[-1] = Piece(out[-1].text + token.text, out[-1].where, out[-1].gap, out[-1].page_break, out[-1].joint)
        else:
            out.append(token)
    return out


def _stretch_cells(stretch: list[Piece], width: int, item: bool = False) -> list[_Cell]:
    """Cells of a run of words between anchors (see `_page_cells`). ``item``: the run
    follows a 変更日, so its first cell is a 項目, which names a place in the form: at a
    full line it goes on only with words of the form's vocabulary."""
    cells: list[_Cell] = []
    line = 0
    for position, token in enumerate(stretch):
        size = display_width(token.text)
        if not cells or token.page_break or width == 0 or len(stretch) == 1:
            cells.append(_Cell([Piece(token.text, token.where, token.gap, token.page_break)]))
            line = size
            continue
        last = cells[-1].pieces[-1]
        following = [t.text for t in stretch[position:position + 3]]
        if line + 1 + size <= width:
            cells[-1].pieces[-1] = Piece(last.text + " " + token.text, last.where, last.gap, last.page_break, last.joint)
            line += 1 + size
            continue
        goes_on = _line_was_full(last.text, token.text, line, width)
        if item and len(cells) == 1 and _ends_on_place(cells[0].text):
            goes_on = not _item_ends(cells[0].text, following)  # a 項目 lists places, one after another
        elif item and len(cells) == 1 and _place_goes_on(cells[0].text, following):
            goes_on = True  # "②所属長の" | "役職名": the word finishes the place the line cut
        if goes_on:  # the cell goes on
            cells[-1].pieces.append(Piece(token.text, token.where, joint=""))
        else:
            cells.append(_Cell([Piece(token.text, token.where, token.gap, token.page_break)]))
        line = size
    return cells


_VALUE_START = re.compile(r"^(?:\d|[・○●◯※「\[(【<＜□■])")  # a value's first word: a number, a bullet, a bracket


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern[str]:
    """The words that name a place in the form: every label body (with its section number,
    block or circled number), a block heading, an annex, a row number ("No.21")."""
    bodies = sorted({body for (_, body) in VOCABULARY}, key=len, reverse=True)
    prefix = (r"(?:(?:VII|VI|IV|V|III|II|I|[\u2160-\u2166])(?:\s?-\s?\d{1,2})?|\d{1,2}\s?\.?|[\u2460-\u2473]|"
              r"(?:システム|委託事項|提供先|移転先)\s?\d{1,2}|\(\s?(?:別添|別紙)\s?\d{0,2}\s?\))")
    alone = (r"(?:システム|委託事項|提供先|移転先)\s?\d{1,2}|No\.?\s?\d{1,3}|\(\s?(?:別添|別紙)\s?\d{0,2}\s?\)"
             r"|(?:VII|VI|IV|V|III|II|I|[\u2160-\u2166])\s?-\s?\d{1,2}"  # a section number alone ("I-6")
             r"|別二項番|番号照会者|情報照会者|情報提供者")  # and the columns of the 別紙 tables
    return re.compile(rf"(?:{prefix})?\s?{_trie(bodies)}|{alone}")


def _ends_on_place(item: str) -> bool:
    folded = fold(item)
    return any(m.end() == len(folded) for m in _place_pattern().finditer(folded))


def _place_goes_on(item: str, following: list[str]) -> bool:
    """Whether the words after a 項目 finish a place of the form that its last line began."""
    boundary = len(fold(item))
    joined = fold(item + " " + " ".join(following))
    return any(m.start() < boundary < m.end() for m in _place_pattern().finditer(joined))


def _item_ends(item: str, following: list[str]) -> bool:
    """Whether a 項目 that a line ended is complete: it ends on a place of the form and the
    words that follow neither finish that place nor start another."""
    folded = fold(item)
    if not _ends_on_place(item):
        return False
    joined = fold(item + " " + " ".join(following))
    boundary = len(folded) + 1
    places = list(_place_pattern().finditer(joined))
    last = next((m for m in reversed(places) if m.end() <= len(folded)), None)
    for m in places:
        if m.start() <= boundary < m.end():
            # a place goes deeper (I-6 then ②所属長); one at the same level or above is the next cell
            return m.start() == boundary and last is not None and _place_level(m.group(0)) <= _place_level(last.group(0))
    # a numbered place the window of words cuts short ("2. 特定個人情報 の入手(情報提供ネットワーク …")
    opening = _NUMBERED_PLACE.match(joined, boundary)
    if opening and last is not None and _place_level(opening.group(0)) > _place_level(last.group(0)):
        return not _body_prefix(_squeeze(joined[opening.end():]))
    return True


_NUMBERED_PLACE = re.compile(r"(?:\d{1,2}\s?\.|[\u2460-\u2473]|(?:システム|委託事項|提供先|移転先)\s?\d{1,2})\s?")


def _body_prefix(text: str) -> bool:
    """Whether a text (spaces out) opens like a label body of the form (its first characters)."""
    return len(text) >= 2 and text[:_PREFIX_CHARS] in _body_prefixes()


_PREFIX_CHARS = 6


@lru_cache(maxsize=1)
def _body_prefixes() -> frozenset[str]:
    return frozenset(body[:n] for (_, body) in VOCABULARY for n in range(2, _PREFIX_CHARS + 1))


_PLACE_LEVELS = ((re.compile(r"(?:VII|VI|IV|V|III|II|I|[\u2160-\u2166])(?![\s-]*\d)"), 1),
                 (re.compile(r"(?:VII|VI|IV|V|III|II|I|[\u2160-\u2166])|\d{1,2}\s?\.|\(\s?(?:別添|別紙)"), 2),
                 (re.compile(r"システム|委託事項|提供先|移転先"), 3), (re.compile(r"[\u2460-\u2473]"), 4))


def _place_level(place: str) -> int:
    """How deep a place of the form is: I (1), I-6 / 5. / (別紙1) (2), システム4 (3), ② (4), a bare label (5)."""
    return next((level for pattern, level in _PLACE_LEVELS if pattern.match(place.strip())), 5)


def _line_was_full(line_text: str, word: str, line: int, width: int) -> bool:
    """Whether a line had no room left for the next word's first character. Between two
    Japanese characters a wrap leaves no space; next to Latin text or a symbol the line may
    have ended on a space, which took a column too."""
    if word[0] in _OPENING:  # an opening bracket may not end a line: it went down with the next character
        return line + 2 + display_width(word[1:2]) > width
    head = display_width(word[:2]) if word[1:2] in _NO_LINE_START else display_width(word[0])
    wide = display_width(line_text[-1:]) == 2 and display_width(word[:1]) == 2 and word[0] not in "①②③④⑤⑥⑦⑧⑨⑩※○□■["
    return line + head + (0 if wide else 1) > width


_OPENING = frozenset("(（「『【〔<＜[")


_MAX_COLUMNS = 16  # more than any table of the form has: bounds the look-back on a row that never ends


def _group_rows(cells: list[_Cell], starts_row, whole=None) -> list[list[_Cell]]:
    """Cells grouped into rows. ``starts_row(cell, rows)`` tells a cell that opens a row.

    At a page break the cells of the last row whose text went on (their last line is full)
    take the first blocks of the new page, in column order; pdftotext may print the first
    cell of the next row (a 変更日 at the top left) before them; a row that starts after the
    cells went on is in reading order and ends what was owed. ``whole(cell, column)`` tells a
    cell that is complete whatever its last line (a change item that ends on a place)."""
    width = _column_width(cells)
    rows: list[list[_Cell]] = []
    owed: list[_Cell] = []
    held: _Cell | None = None
    paid = False  # a block of this page went to an owed cell
    for cell in cells:
        if cell.pieces[0].page_break and rows:
            first = max(0, len(rows[-1]) - _MAX_COLUMNS)
            owed = [c for index, c in enumerate(rows[-1][first:], first) if len(c.pieces) > 1 and _goes_on(c, width)
                    and not (whole and whole(c, index))]
            paid = False
        if owed and held is None and paid and starts_row(cell, rows):
            owed = []
        if owed:
            if held is None and starts_row(cell, rows):
                held = cell
            else:
                owed.pop(0).pieces.extend(cell.pieces)
                paid = True
            continue
        if held is not None:
            rows.append([held])
            held = None
        if not rows or starts_row(cell, rows):
            rows.append([cell])
        else:
            rows[-1].append(cell)
    if held is not None:
        rows.append([held])
    return rows


def _change_rows(cells: list[_Cell], parallel: bool = False) -> list[tuple[list[str], Where]]:
    """変更箇所: a header of known columns, then rows that start with a 変更日 and hold a
    提出時期 (事前 / 事後); cells missing from a row are blank ones."""
    header = [c for c in cells if _squeeze(fold(c.text)) in _CHANGE_COLUMNS]
    body = [c for c in cells if _squeeze(fold(c.text)) not in _CHANGE_COLUMNS]  # header cells may come late

    def starts_row(cell: _Cell, rows: list[list[_Cell]]) -> bool:
        return bool(_DATE.match(fold(cell.text))) and _row_complete(rows[-1])

    out: list[tuple[list[str], Where]] = []
    if header:
        out.append((list(_CHANGE_COLUMNS), header[0].pieces[0].where))
    def whole(cell: _Cell, column: int) -> bool:
        return column == 1 and _ends_on_place(cell.text)  # the 項目 names a place: it ends there

    for row in _group_rows(body, starts_row, whole):
        out.append((_change_cells(row, parallel), row[0].pieces[0].where))
    return out


def _row_complete(row: list[_Cell]) -> bool:
    """A row is complete once it has its 提出時期, or enough cells without one: a date seen
    before that is a 変更前 / 変更後 value ("平成30年10月1日" → "令和1年8月1日")."""
    return len(row) >= 5 or any(_TIMING.match(fold(c.text).strip()) for c in row)


def _change_cells(row: list[_Cell], parallel: bool = False) -> list[str]:
    """変更日, 項目, 変更前, 変更後, 提出時期, 説明 of a row whose blank cells printed nothing.
    ``parallel``: cells were rebuilt from page-long lines and may have run together; when
    項目, 変更前 and 変更後 came out as fewer than three cells, 変更前 and 変更後 are found
    as the two runs that start with the same word (they state the same item: "②所属長 …")."""
    texts = [c.text for c in row]
    date = texts.pop(0) if texts and _DATE.match(fold(texts[0])) else ""
    timing_at = next((i for i, t in enumerate(texts) if _TIMING.match(fold(t).strip())), None)
    head = texts if timing_at is None else texts[:timing_at]
    tail = [] if timing_at is None else texts[timing_at + 1:]
    timing = "" if timing_at is None else texts[timing_at]
    if parallel and 0 < len(head) < 3:
        cells = [c for c in row if c.text in head]
        split = _parallel_split(_cell_words(cells))
        if split is not None:
            return [date, *split, timing, " ".join(tail)]
    item = head.pop(0) if head and _ITEM_LIKE.match(fold(head[0])) else ""
    if timing_at is None and len(head) > 2:
        head, tail = head[:2], head[2:] + tail
    before, after = _before_after(head)
    if not parallel and not before and after and len(tail) > 1:
        # pdftotext printed a short 変更前 after the 説明: it opens with the words of 変更後 (the
        # same item, before and after the change), never with those of an explanation
        late = next((t for t in tail[1:] if _same_opening(t, after)), None)
        if late is not None:
            before = late
            tail = [t for t in tail if t is not late]
    if parallel and before and after:
        opening = after.split(" ")[0]
        last = item.rsplit(" ", 1)[-1] if " " in item else ""
        if len(opening) > 1 and item.endswith(" " + opening) and not before.startswith(opening):
            item, before = item[:-len(opening)].rstrip(), opening + " " + before  # "②所属長" opens both
        elif last[:1] and last[:1] == opening[:1] and _CIRCLED_START.match(last) and not before.startswith(last[:1]):
            # 変更前 and 変更後 state the same field, by its number: "②所属長 池田 俊彦" → "②広域保険担当室長"
            item, before = item[:-len(last)].rstrip(), last + " " + before
    return [date, item, before, after, timing, " ".join(tail)]


_CIRCLED_START = re.compile(r"[\u2460-\u2473]\S")
_OPENING_CHARS = 8


def _same_opening(one: str, other: str) -> bool:
    a, b = _squeeze(fold(one)), _squeeze(fold(other))
    return len(a) >= _OPENING_CHARS and a[:_OPENING_CHARS] == b[:_OPENING_CHARS]


def _cell_words(cells: list[_Cell]) -> list[tuple[str, str]]:
    """The words of cells with what joined each to the one before ("" across a wrap)."""
    words: list[tuple[str, str]] = []
    for cell in cells:
        for index, piece in enumerate(cell.pieces):
            for position, word in enumerate(piece.text.split(" ")):
                joint = " " if position or index == 0 else (piece.joint if piece.joint is not None else " ")
                words.append((word, joint))
    return words


def _parallel_split(words: list[tuple[str, str]]) -> tuple[str, str, str] | None:
    """項目 | 変更前 | 変更後 from words where 変更前 and 変更後 open with the same words."""
    texts = [w for w, _ in words]
    best: tuple[int, int, int] | None = None
    for i in range(1, len(texts)):
        for j in range(i + 1, len(texts)):
            if texts[i] != texts[j] or not re.search(r"[^\W\d_]", texts[i]):
                continue
            common = 0
            while j + common < len(texts) and i + common < j and texts[i + common] == texts[j + common]:
                common += 1
            if best is None or common > best[0]:
                best = (common, i, j)
    if best is None:
        return None
    _, i, j = best

    def text(part: list[tuple[str, str]]) -> str:
        return "".join((joint if k else "") + word for k, (word, joint) in enumerate(part))

    return text(words[:i]), text(words[i:j]), text(words[j:])


def _before_after(middle: list[str]) -> tuple[str, str]:
    if not middle:
        return "", ""
    if len(middle) == 1:
        return "", middle[0]  # a blank 変更前 is the usual case (an addition)
    if len(middle) == 2:
        return middle[0], middle[1]
    half = (len(middle) + 1) // 2
    return " ".join(middle[:half]), " ".join(middle[half:])


def _recipient_rows(cells: list[_Cell]) -> tuple[str, list[tuple[list[str], Where]]]:
    """別紙 tables of recipients: header cells, then rows that start with No. 1, 2, 3, …
    Cells before the first column name are the end of the annex title."""
    cells = _split_row_numbers(cells)
    first = next((i for i, c in enumerate(cells) if fold(c.text).strip() == "1"), None)
    if first is None or first == 0:
        return "", [([c.text], c.pieces[0].where) for c in cells]
    named = next((i for i, c in enumerate(cells[:first]) if _HEADER_WORD.match(fold(c.text))), 0)
    title = " ".join(c.text for c in cells[:named])
    header, body = cells[named:first], cells[first:]
    if not header:
        return title, [([c.text], c.pieces[0].where) for c in body]

    def starts_row(cell: _Cell, rows: list[list[_Cell]]) -> bool:
        # the next row number, once the row before has more than its number and 別表 row
        return fold(cell.text).strip() == str(len(rows) + 1) and (not rows or len(rows[-1]) > 2
                                                                  or _cell_type(rows[-1][-1].text) == "text")

    columns = [_column_type(fold(c.text)) for c in header]
    rows = _group_rows(body, starts_row)
    needed = sum(1 for c in columns[1:] if c == "text")
    split = [_typed_and_text(row[1:]) for row in rows]
    seen = _column_values([texts for _, texts in split if len(texts) == needed])
    out = [([c.text for c in header], header[0].pieces[0].where)]
    width = _column_width(body)
    for row, (typed, texts) in zip(rows, split):
        fragments = [c for c in texts[1:] if c.pieces[0].page_break]  # text a page break cut off
        texts = [c for c in texts if c not in fragments]
        while len(texts) < needed and _split_best(texts, seen):
            pass
        for fragment in fragments:
            host = next((c for c in texts if len(c.pieces) > 1 and _goes_on(c, width)), texts[-1] if texts else None)
            if host is None:
                texts.append(fragment)
            else:
                host.pieces.extend(fragment.pieces)
        out.append((_fit_row(row[0].text, typed, [c.text for c in texts], columns), row[0].pieces[0].where))
    return title, out


def _typed_and_text(cells: list[_Cell]) -> tuple[dict[str, str], list[_Cell]]:
    """A row's typed cells (別表 row, band, methods) by type, and its text cells in order."""
    typed: dict[str, str] = {}
    texts: list[_Cell] = []
    for cell in cells:
        kind = _cell_type(cell.text)
        if kind != "text" and kind not in typed:
            typed[kind] = cell.text
        else:
            texts.append(_Cell(list(cell.pieces)))
    return typed, texts


def _column_values(rows: list[list[_Cell]]) -> list[set[str]]:
    """The values each text column holds in the rows that came out whole."""
    width = max((len(r) for r in rows), default=0)
    return [{_squeeze(r[i].text) for r in rows if i < len(r)} for i in range(width)]


_ORGANISATION_END = re.compile(r"(?:知事|市長|町長|村長|区長|大臣|長|会|組合|協会|機構|連合|事業団|庁|省|課|室|部|局|所|署"
                               r"|センター|法人)等?$")


def _split_best(cells: list[_Cell], seen: list[set[str]]) -> bool:
    """Two cells that ran together (the first ended on a full line): cut the one cell at the
    line boundary that reads best as a cell end: a value the column holds in other rows, a
    sentence end (。/もの), an organisation name in the first column (the recipient)."""
    best: tuple[int, int, int] | None = None
    for position, cell in enumerate(cells):
        for index in range(1, len(cell.pieces)):
            left, right = join_pieces(cell.pieces[:index]), join_pieces(cell.pieces[index:])
            score = 0
            if position < len(seen) and _squeeze(left) in seen[position]:
                score += 3
            if position + 1 < len(seen) and _squeeze(right) in seen[position + 1]:
                score += 3
            if re.search(r"(?:。|もの)$", left):
                score += 2
            if position == 0 and _ORGANISATION_END.search(left):
                score += 2
            if score and (best is None or score > best[0]):
                best = (score, position, index)
    if best is None:
        return False
    _, position, index = best
    cell = cells[position]
    cells[position:position + 1] = [_Cell(cell.pieces[:index]), _Cell(cell.pieces[index:])]
    return True


def _split_row_numbers(cells: list[_Cell]) -> list[_Cell]:
    """A row number can end the cell that a page break cut ("…省令で定めるも / の / 7"):
    cut such cells before the line that holds only a number."""
    out: list[_Cell] = []
    for cell in cells:
        current: list[Piece] = []
        for piece in cell.pieces:
            if current and re.fullmatch(r"\d{1,3}", fold(piece.text).strip()):
                out.append(_Cell(current))
                current = []
            current.append(piece)
        out.append(_Cell(current))
    return out


def _column_type(name: str) -> str:
    """What a 別紙 column holds, from its header: a row number, a 別表 row, a 本人の数 band,
    transfer methods, or text."""
    name = _squeeze(name)
    if re.fullmatch(r"No\.?|番号|#", name):
        return "index"
    if "項番" in name or re.search(r"別表.*項$", name):
        return "basis"
    if "本人の数" in name:
        return "people"
    if "方法" in name:
        return "methods"
    return "text"


def _cell_type(text: str) -> str:
    """A cell's type: a 別表 row number, a 本人の数 band, a list of methods, or text."""
    folded = _squeeze(fold(text))
    if re.fullmatch(r"\d{1,3}(?:の\d{1,3})?", folded):
        return "basis"
    if _NUMBER_ANCHOR.match(folded):
        return "people" if _BAND_KIND["people"].search(folded) else "methods"
    return "text"


def _fit_row(number: str, typed: dict[str, str], texts: list[str], columns: list[str]) -> list[str]:
    """A row's cells under their columns: a typed column (別表 row, band, methods) takes the
    cell of its type, text columns take the text cells in order (the last takes any left)."""
    out = [number]
    rest = list(texts)
    text_columns = [i for i, c in enumerate(columns) if c == "text" and i > 0]
    for position, column in enumerate(columns[1:], 1):
        if column != "text":
            out.append(typed.get(column, ""))
        elif position == text_columns[-1]:
            out.append(" ".join(rest))
            rest = []
        else:
            out.append(rest.pop(0) if rest else "")
    return out


# --------------------------------------------------------------------------- emitting rows

_HARD_BREAK = "<br>"  # a line break the text meant, as the converted cells write it (lists split on it)
_SHORT_LINE = 6  # a line this much narrower than the widest of its paragraph ended early (a hard break)
_LIST_START = re.compile(r"^(?:[・○◯●◆■□※\[【<＜]|\(\d{1,2}\)|\d{1,2}[.)](?!\d)|[\u2460-\u2473])")


def join_pieces(pieces: list[Piece]) -> str:
    """Text of consecutive pieces: wrapped lines join without a space (Japanese breaks
    anywhere); a new item (bullet, check box, enumerator), a new cell, a line after a
    sentence end or after a line much shorter than the others (a hard break) after a space.
    A piece that knows its joint (spans of a page-long line) uses it."""
    if not pieces:
        return ""
    widths = [p.width for p in pieces]
    wide = sorted(widths)[len(widths) // 2]  # the typical line (a narrow column wraps every line)
    out = pieces[0].text.strip()
    for index in range(1, len(pieces)):
        piece = pieces[index]
        text = piece.text.strip()
        if piece.joint is not None:
            out += piece.joint + text
            continue
        hard = (piece.gap or _LIST_START.match(fold(text)) or out.endswith("。")
                or widths[index - 1] < wide - _SHORT_LINE)
        if out[-1:] in _OPENING or text[:1] in _NO_LINE_START:
            hard = False  # a line never ends on an opening bracket nor starts with "。" or ")": a wrap
        out += (_HARD_BREAK if hard else "") + text
    return out


def _paragraphs(pieces: list[Piece]) -> list[Piece]:
    """Pieces of wrapped lines joined into one piece per item / cell."""
    out: list[list[Piece]] = []
    for piece in pieces:
        if not out or piece.gap or _LIST_START.match(fold(piece.text)):
            out.append([piece])
        else:
            out[-1].append(piece)
    return [Piece(join_pieces(group), group[0].where, group[0].gap, group[0].page_break) for group in out]


_FIRST_ENUMERATOR = re.compile(r"\s*(?:(?P<dot>1\s?\.(?!\d))|(?P<paren>\(\s?1\s?\))|(?P<half>1\)))|(?P<circled>\u2460)")
_NEXT_ENUMERATOR = {"dot": r"(?<![\d.]){k}\s?\.(?!\d)", "paren": r"\(\s?{k}\s?\)", "half": r"(?<![\d(]){k}\)",
                    "circled": "{circled}"}


def split_enumeration(value: str) -> str:
    """A list inside a value split by its numbering: a value that opens with an enumerator
    numbered 1 ("1.", "(1)", "1)", "①") and goes on with 2, 3, … of the same style, in order,
    gets a line break before each further item ("1.児童手当システム2.ID連携サーバ" → two lines)."""
    folded = fold(value)
    first = _FIRST_ENUMERATOR.match(folded)
    if first is None:
        return value
    style = first.lastgroup
    cuts, position = [], first.end()
    for k in range(2, 100):
        pattern = _NEXT_ENUMERATOR[style].format(k=k, circled=chr(0x245F + k) if k <= 20 else "\uffff")
        found = re.compile(pattern).search(folded, position)
        if found is None:
            break
        cuts.append(found.start())
        position = found.end()
    out, last = [], 0
    for cut in cuts:
        head = value[last:cut].rstrip()
        out.append(head if head.endswith(_HARD_BREAK) or not head else head + _HARD_BREAK)
        last = cut
    return "".join(out) + value[last:]


def _field_row(f: Field) -> tuple[list[str], Where]:
    value = split_enumeration(heal_numbers(join_pieces(f.pieces)))  # heal: a number a page break cut ("第1 / 9条")
    cells = [f.label.text] + ([value] if value else [])
    return cells, f.label.where


def _emit(units: list[Unit], layout: Layout) -> list[RelaidLine]:
    rows: list[tuple[list[str], Where]] = []
    for unit in units:
        if isinstance(unit, Field):
            rows.append(_field_row(unit))
        elif isinstance(unit, Block):
            if unit.heading is not None:
                rows.append(_field_row(unit.heading))
            rows.extend(_field_row(f) for f in unit.fields)
        elif isinstance(unit, Table):
            more, table_rows = _table_rows(unit, layout)
            title = " ".join(t for t in (unit.heading.text, join_pieces(unit.title), more) if t)
            rows.append(([title], unit.heading.where))
            rows.extend(table_rows)
        else:
            rows.append(([unit.text], unit.where))
    return [RelaidLine("\t".join(c.replace("\t", " ") for c in cells), w.line, w.page, w.offset)
            for cells, w in rows]
