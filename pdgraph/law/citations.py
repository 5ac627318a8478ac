"""Legal-basis citations (法令上の根拠) → flat lists of atoms.

A cell such as ``番号法第19条第7号及び別表第2の16の2・115の2の項`` becomes::

    Atom("番号法", article="19", item="7")
    Atom("番号法", table="別表第二", row="16の2")
    Atom("番号法", table="別表第二", row="115の2")

The parser is a small lexer (ordered rules, first match wins) driving a state
machine (:class:`_Parser`): the current law, the article / paragraph / item
being built, the active 別表 table and the current role (情報提供 / 情報照会)
for :func:`parse_linkage`.  See ``spec/facts.md`` section "Citations".

The atoms and the law names they use (`Atom`, `canonical_law`, `table_name`, the alias
patterns) are in `atoms`; this module is the parser: lexer, state machine and the public
`parse_citations` / `parse_linkage` / `has_citation_text`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from pdgraph.law.atoms import (BANGOU, BANGOU_FAMILY, BANGOU_NAMES, KNOWN_LAWS, LAW_ALIASES, Atom, canonical_law,
                               table_name)
from pdgraph.law.numerals import BRANCH_NUMERAL, NUMERAL, branch_number, parse_int
from pdgraph.textnorm import clean

_N = NUMERAL
_BN = BRANCH_NUMERAL


# --------------------------------------------------------------------------- state machine

BOTH, PROVISION, INQUIRY = "both", "provision", "inquiry"


@dataclass
class _Parser:
    """Citation state machine; the lexer rules call its ``on_*`` methods."""

    law: str | None = None
    law_known: bool = False
    law_used: bool = False
    article: str | None = None
    paragraph: str | None = None
    item: str | None = None
    pending: bool = False          # article chain built but not yet emitted
    level: str | None = None       # last level set: article / paragraph / item
    table: str | None = None
    table_law: str | None = None
    table_rows: bool = False
    last_row: str | None = None
    last: tuple[str | None, str | None] | None = None  # (article, paragraph) last emitted
    row_mode: bool = False         # bare numbers are 別表 rows
    after_table: bool = False      # directly after 別表 / 項番 (の is a connector)
    after_sep: bool = False        # after 、・及び or space: 第 may be omitted
    range_open: bool = False       # after ～ / から: next number closes a range
    role: str = BOTH
    out: list[tuple[Atom, str]] = field(default_factory=list)

    # -- emission
    def emit(self, atom: Atom) -> None:
        """Record an atom under the current role."""
        self.out.append((atom, self.role))

    def flush_article(self) -> None:
        """Emit the article chain being built, if any."""
        if self.pending and self.law is not None:
            self.emit(Atom(self.law, self.article, self.paragraph, self.item))
            self.law_used = True
            self.last = (self.article, self.paragraph)
        self.pending = False

    def on_same(self, level: str) -> None:
        """同条 / 同項: the article (and paragraph) of the previous citation, not itself an atom."""
        self.flush_article()
        if self.last is None:
            return
        self.article = self.last[0]
        self.paragraph = self.last[1] if level == "paragraph" else None
        self.item, self.level, self.range_open = None, level, False

    def close_table(self) -> None:
        """End the active 別表; one row-null atom when it got no rows."""
        if self.table is not None and not self.table_rows:
            self.emit(Atom(self.table_law or BANGOU, table=self.table, row=None))
            if self.table_law == self.law:
                self.law_used = True
        self.table, self.row_mode, self.after_table = None, False, False

    def flush_law(self) -> None:
        """A known law cited with no article and no table is one law-only atom."""
        if self.law is not None and self.law_known and not self.law_used:
            self.emit(Atom(self.law))
            self.law_used = True

    def set_law(self, law: str) -> None:
        """Switch the current law (closing whatever the previous one had open)."""
        self.flush_article()
        self.close_table()
        if law != self.law:
            self.flush_law()
            self.law, self.law_known, self.law_used = law, law in KNOWN_LAWS or law.endswith("条例"), False
        self.article = None
        self.level = None

    def based_on_previous(self, unit: str, rest: str) -> str | None:
        """The name of an ordinance "based on" (に基づく) the provision just cited, written as
        "番号法第19条第8号に基づく主務省令" whether the document names the provision or says 同号."""
        self.flush_article()
        if self.law is None or (unit != "法" and self.article is None):
            return None
        name = self.law
        if unit != "法":
            name += f"第{self.article}条"
            if unit in ("項", "号") and self.paragraph:
                name += f"第{self.paragraph}項"
            if unit == "号" and self.item:
                name += f"第{self.item}号"
        return f"{name}に基づく{rest}"

    def break_context(self) -> None:
        """Unrecognised text: 項/号 no longer attach to the article; rows end."""
        self.flush_article()
        self.article = None
        self.level = None
        self.row_mode = self.after_table = self.range_open = False

    def finish(self) -> list[tuple[Atom, str]]:
        """End of text: flush everything."""
        self.flush_article()
        self.close_table()
        self.flush_law()
        return self.out

    # -- events
    def on_label(self, role: str, column: bool) -> None:
        """A role label; column markers (第3欄(情報提供者)) keep the table open."""
        self.flush_article()
        if not column:
            self.close_table()
            self.flush_law()
        self.article, self.level, self.role = None, None, role

    def on_table(self, name: str) -> None:
        """別表第N: belongs to 番号法 unless another (non-番号法) law is current."""
        self.flush_article()
        self.close_table()
        if self.law is None or self.law in BANGOU_FAMILY:
            if self.law != BANGOU:
                self.set_law(BANGOU)
        self.table, self.table_law, self.table_rows = name, self.law, False
        self.row_mode = self.after_table = True
        self.article, self.level = None, None

    def on_rows(self, rows: list[str]) -> None:
        """Rows of the active table."""
        if self.table is None:
            return
        for row in rows:
            self.emit(Atom(self.table_law or BANGOU, table=self.table, row=row))
            self.last_row = row
        self.table_rows = True
        if self.table_law == self.law:
            self.law_used = True

    def on_level(self, level: str, value: str) -> None:
        """第N条 / 第N項 / 第N号 (value already normalised)."""
        if level != "article" and self.article is None:
            return  # 府番第27号, 条例第80号: no article context
        if level == "paragraph" and not self.pending and self.level == "article":
            self.paragraph, self.item = value, None  # 同条第2項
            self.pending, self.level, self.range_open = True, level, False
            return
        if level == "item" and not self.pending and self.level in ("article", "paragraph"):
            self.item = value  # 同項第3号
            self.pending, self.level, self.range_open = True, level, False
            return
        if self.range_open and self.level == level and self.pending:
            self._expand_range(level, value)
        elif level == "article":
            self.flush_article()
            self.close_table()
            if self.law is None:
                self.set_law(BANGOU)
            self.article, self.paragraph, self.item = value, None, None
        elif level == "paragraph":
            if not (self.pending and self.paragraph is None and self.item is None):
                self.flush_article()
            self.paragraph, self.item = value, None
        else:
            if not (self.pending and self.item is None):
                self.flush_article()
            self.item = value
        self.pending, self.level, self.range_open = True, level, False

    def _expand_range(self, level: str, value: str) -> None:
        """第1号～第14号: emit the start and every integer between, keep the end pending."""
        start = getattr(self, level)
        self.flush_article()
        if start is not None and start.isdigit() and value.isdigit():
            for number in range(int(start) + 1, int(value)):
                setattr(self, level, str(number))
                self.pending = True
                self.flush_article()
        setattr(self, level, value)
        if level == "article":
            self.paragraph = self.item = None
        elif level == "paragraph":
            self.item = None


# --------------------------------------------------------------------------- lexer

_PAREN_OPEN, _PAREN_CLOSE = "(", ")"
_QUOTE_PAIRS = {"「": "」", "『": "』"}
_BRACKETS = {"【": "】", "〔": "〕", "<": ">"}
_MAX_BRACKET = 40  # a heading such as 【住民基本台帳情報以外の情報】 is short


def _balanced(text: str, pos: int, open_: str, close: str) -> int | None:
    """End index (exclusive) of the balanced group opening at ``pos``, or None."""
    depth = 0
    for index in range(pos, len(text)):
        ch = text[index]
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return index + 1
    return None


_PAREN_RE = r"\((?:[^()]|\([^()]*\))*\)"
_ARTICLE_AHEAD = rf"(?=(?:\s*{_PAREN_RE})*\s*第?{_BN}条)"
_WORD = r"\u3400-\u9fff\u30a1-\u30fa\u30fc-\u30ffA-Za-z"
# Kanji allowed right after a numeral inside citations (第, 項, 及び …); any other
# word character means the numeral is part of a word.
_KANJI_END = r"(?![\u3400-\u9fff\u30a1-\u30fa\u30fc-\u30ff](?<![第項号条及並又若別同各]))"
# A number that ends here, not in the middle of a word (②行政手続 → "2行政手続").
_NUM_END = rf"(?![0-9A-Za-z]){_KANJI_END}"
_ROLE_TEXT = re.compile(r"(?:情報)?(提供|照会)(?:の根拠)?")
_COLUMN_ROLE = re.compile(r"(?:情報)?(提供|照会)者")
_ROW_ITEM = rf"(?:項番\s*)?第?({_BN})(?:の?項)?"
_ROW_LIST = re.compile(rf"\s*{_ROW_ITEM}(?:\s*(?:[、,・]|及び|並びに|および|ならびに|[~〜]|から)\s*{_ROW_ITEM})*\s*")
_ROW_SPLIT = re.compile(rf"{_ROW_ITEM}|(?P<range>[~〜]|から)")

_LAW_END = r"(?:法律|法|条例|令|規則|規程)"  # 令: 命令, 政令, 省令, 施行令
_NAME_FIRST = r"[^\s\d、,。・:;()\[\]「」『』【】<>~〜/は]"
_NAME_REST = r"[^\s、,。・:;()\[\]「」『』【】<>~〜/は]"
_GENERIC_LAW = re.compile(rf"{_NAME_FIRST}{_NAME_REST}{{0,120}}?{_LAW_END}{_ARTICLE_AHEAD}")
_ARTICLE_AHEAD_RE = re.compile(_ARTICLE_AHEAD)
# An ordinance named after the article it rests on, one law as written (番号法 is part of its
# name, not cited): "番号法第19条第8号に基づく主務省令第2条の表…" (the 2024 successor of 別表第二).
_BASED_ON = rf"に基づく(?P<rest>{_NAME_REST}{{0,60}}?(?:命令|省令|政令|規則))"
_BASED_ORDINANCE = re.compile(rf"{BANGOU_NAMES}\s*第{_N}条(?:の{_N})*(?:第{_N}項)?(?:第{_N}号(?:の{_N})*)?\s*{_BASED_ON}")
# The same ordinance named through the provision just cited: "番号法第19条第8号及び同号に基づく主務省令".
_SAME_BASED_ORDINANCE = re.compile(rf"同(?P<unit>法|条|項|号){_BASED_ON}")
_KNOWN_LAW = re.compile("|".join(f"(?:{p.pattern})" for p, _ in LAW_ALIASES))
_SEP = re.compile(r"[、,・;]|及び|並びに|および|ならびに|又は|または|若しくは|もしくは")
_RANGE = re.compile(r"[~〜]|から|ないし")
# 別表第一 / 別表第二 (also 別表1, 別表二); a bare 別表 directly followed by a row ("別表の24の項",
# "別表 項番24") is the single 別表 of the act as renumbered in 2024.
# "…条例で定める" / "条例に定める" describe, they do not cite one ordinance.
_ORDINANCE_USE = re.compile(r"\s*(?:で|に|の)定め")
# A municipal ordinance named without an article: "練馬区個人番号の利用に関する条例".
_MUNICIPAL_ORDINANCE = re.compile(rf"{_NAME_FIRST}{_NAME_REST}{{0,40}}?(?:都|道|府|県|市|区|町|村){_NAME_REST}{{0,100}}?条例"
                                  r"(?!\s*(?:で|に|の)定め)")
_TABLE = re.compile(r"別表\s*(?:第?\s*([一二12])(?![0-9〇一二三四五六七八九十百千万欄])|(?=の\s*[0-9〇一二三四五六七八九十]|\s*項番|\s*[0-9]))")
_COLUMN = re.compile(rf"第{_N}欄")
_LEVEL_RE = re.compile(rf"(第)?({_N}(?:の{_N})*)(条|項|号)((?:の{_N})*){_KANJI_END}")
_ROW_RE = re.compile(rf"(?:第)?({_BN})(?:の?項)?(?![条号欄]){_NUM_END}")
# A row written as an item right after its table or in its row list ("別表第一 第56号及び第57号"):
# a 別表 has 項 (rows), not 号.
_TABLE_ITEM_ROW = re.compile(rf"第({_BN})号{_NUM_END}")
_NUMBER = re.compile(rf"{_N}")
_WORD_CHAR = re.compile(rf"[{_WORD}]")
_SPACE = re.compile(r"\s+")
_ROLE_PHRASE = re.compile(r"(?:情報)?(提供|照会)の根拠")


def _rows_of(content: str) -> list[str] | None:
    """Rows listed in a parenthesis such as ``82の項`` or ``1項, 2項, 56の2項``; None if not a row list."""
    if "項" not in content or not _ROW_LIST.fullmatch(content):
        return None
    rows: list[str] = []
    range_open = False
    for m in _ROW_SPLIT.finditer(content):
        if m.group("range"):
            range_open = True
            continue
        row = branch_number(m.group(1))
        if range_open and rows and rows[-1].isdigit() and row.isdigit():
            rows.extend(str(n) for n in range(int(rows[-1]) + 1, int(row)))
        rows.append(row)
        range_open = False
    return rows


@dataclass
class _Lexer:
    """Walks the cleaned text and feeds :class:`_Parser` events."""

    text: str
    parser: _Parser = field(default_factory=_Parser)
    pos: int = 0
    prev_word: bool = False  # previous token was a word character of unrecognised text
    word: bool = False       # the token just read is such a word character

    def run(self) -> list[tuple[Atom, str]]:
        """Tokenise the whole text (first matching rule wins at each position)."""
        rules: tuple[Callable[[], bool], ...] = (
            self._space, self._bracket, self._paren, self._quote, self._role_text,
            self._sep, self._range, self._law, self._table, self._column,
            self._row_mark, self._rows, self._level, self._number,
        )
        while self.pos < len(self.text):
            self.word = False
            if not any(rule() for rule in rules):
                self.word = bool(_WORD_CHAR.match(self.text[self.pos]))
                self.parser.break_context()
                self.parser.after_sep = False
                self.pos += 1
            self.prev_word = self.word
        return self.parser.finish()

    # -- helpers
    def _match(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        return pattern.match(self.text, self.pos)

    def _advance(self, end: int, *, sep: bool = False) -> bool:
        self.pos = end
        self.parser.after_sep = sep
        return True

    # -- rules, in priority order
    def _space(self) -> bool:
        m = self._match(_SPACE)
        return bool(m) and self._advance(m.end(), sep=True)

    def _bracket(self) -> bool:
        """【…】 〔…〕 <…>: a role label (【情報提供の根拠】) or a heading that breaks the context."""
        opening = self.text[self.pos]
        close = _BRACKETS.get(opening)
        end = self.text.find(close, self.pos + 1) if close else -1
        content = self.text[self.pos + 1:end]
        tag_like = opening != "<" or (content.strip() and " " not in content)
        if end < 0 or opening in content or len(content) > _MAX_BRACKET or not tag_like:
            return False  # a stray < or 【, or "a < b > c": plain text
        self._label_or_break(content.strip())
        return self._advance(end + 1)

    def _label_or_break(self, content: str) -> None:
        role = _ROLE_TEXT.fullmatch(content)
        if role:
            self.parser.on_label(PROVISION if role.group(1) == "提供" else INQUIRY, column=False)
        elif content.endswith("の根拠"):
            self.parser.on_label(BOTH, column=False)  # (委託の根拠)
        else:
            self.parser.break_context()

    def _paren(self) -> bool:
        """(…): label, 別表 row list, or skipped text (title, alias, promulgation info)."""
        if not self.text.startswith(_PAREN_OPEN, self.pos):
            return False
        end = _balanced(self.text, self.pos, _PAREN_OPEN, _PAREN_CLOSE)
        if end is None:
            return False
        content = self.text[self.pos + 1:end - 1].strip()
        column = _COLUMN_ROLE.fullmatch(content)
        rows = _rows_of(content) if self.parser.table is not None else None
        if column:
            self.parser.on_label(PROVISION if column.group(1) == "提供" else INQUIRY, column=True)
        elif _ROLE_TEXT.fullmatch(content) or content.endswith("の根拠"):
            self._label_or_break(content)
        elif rows is not None:
            self.parser.on_rows(rows)
            self.parser.row_mode = self.parser.after_table = False
        return self._advance(end, sep=self.parser.after_sep)

    def _quote(self) -> bool:
        """「…」: a law name when an article follows, otherwise skipped (searched-for text)."""
        close = _QUOTE_PAIRS.get(self.text[self.pos])
        if close is None:
            return False
        end = _balanced(self.text, self.pos, self.text[self.pos], close)
        if end is None:
            return False
        name = self.text[self.pos + 1:end - 1]
        if _ARTICLE_AHEAD_RE.match(self.text, end) or (name.endswith("条例") and not _ORDINANCE_USE.match(self.text, end)):
            self.parser.set_law(canonical_law(name))
        else:
            self.parser.break_context()
        return self._advance(end)

    def _role_text(self) -> bool:
        m = self._match(_ROLE_PHRASE)
        if not m:
            return False
        self.parser.on_label(PROVISION if m.group(1) == "提供" else INQUIRY, column=False)
        return self._advance(m.end())

    def _sep(self) -> bool:
        m = self._match(_SEP)
        return bool(m) and self._advance(m.end(), sep=True)

    def _range(self) -> bool:
        m = self._match(_RANGE)
        if not m:
            return False
        self.parser.range_open = True
        return self._advance(m.end(), sep=True)

    def _law(self) -> bool:
        """A law name: 同法, a name followed by an article, or a known alias on its own."""
        if self.prev_word or (self.parser.after_table and self.text.startswith("の", self.pos)):
            return False  # inside a word of unrecognised text (練馬区行政手続…), or 別表第二の…
        if self.text.startswith("同法", self.pos):
            if self.parser.law is not None:
                self.parser.set_law(self.parser.law)
            return self._advance(self.pos + 2)
        if self.text.startswith(("同条", "同項"), self.pos):
            self.parser.on_same("article" if self.text[self.pos + 1] == "条" else "paragraph")
            return self._advance(self.pos + 2)
        same = self._match(_SAME_BASED_ORDINANCE)
        if same:
            self.parser.set_law(self.parser.based_on_previous(same.group("unit"), same.group("rest")) or same.group(0))
            return self._advance(same.end())
        # "第19条…" and "別表第二の26の項及び…" are no law's name
        generic = None if self._match(_LEVEL_RE) or self._match(_TABLE) else self._match(_GENERIC_LAW)
        m = self._match(_BASED_ORDINANCE) or generic or self._match(_KNOWN_LAW) or self._match(_MUNICIPAL_ORDINANCE)
        if not m:
            return False
        self.parser.set_law(canonical_law(m.group(0)))
        return self._advance(m.end())

    def _table(self) -> bool:
        m = self._match(_TABLE)
        if not m:
            return False
        name = table_name(m.group(1)) if m.group(1) else "別表"
        self.parser.on_table(name)
        return self._advance(m.end())

    def _column(self) -> bool:
        """第N欄 is a column of a 別表, not a citation."""
        m = self._match(_COLUMN)
        if not m:
            return False
        self.parser.row_mode = self.parser.after_table = False
        return self._advance(m.end())

    def _row_mark(self) -> bool:
        """項番 (row number follows), 各項 (every row), の right after 別表第N."""
        parser = self.parser
        if parser.table is None:
            return False
        if self.text.startswith("項番", self.pos):
            parser.row_mode = parser.after_table = True
            return self._advance(self.pos + 2, sep=True)
        if self.text.startswith("各項", self.pos) and parser.row_mode:
            parser.on_rows(["*"])
            return self._advance(self.pos + 2)
        if self.text.startswith("の", self.pos) and parser.after_table:
            parser.after_table = False
            return self._advance(self.pos + 1, sep=True)
        return False

    def _rows(self) -> bool:
        parser = self.parser
        if not parser.row_mode:
            return False
        m = self._match(_ROW_RE) or (self._match(_TABLE_ITEM_ROW) if parser.after_table or (parser.table_rows and parser.after_sep) else None)
        if not m:
            return False
        try:
            row = branch_number(m.group(1))
        except ValueError:
            return False
        rows = [row]
        if parser.range_open and parser.table_rows:
            last = parser.last_row
            if last and last.isdigit() and row.isdigit():
                rows = [str(n) for n in range(int(last) + 1, int(row) + 1)]
        parser.range_open = parser.after_table = False
        parser.on_rows(rows)
        return self._advance(m.end())

    def _level(self) -> bool:
        """第N条(のM) / 第N項 / 第N号; without 第 only after a separator or range."""
        m = self._match(_LEVEL_RE)
        if not m or not (m.group(1) or self.parser.after_sep):
            return False
        number, unit, branch = m.group(2), m.group(3), m.group(4)
        try:
            value = branch_number(number + branch)
        except ValueError:
            return False
        if unit == "項" and branch:
            return False  # 第3項の2 is not a form we know (号 and 条 do have branch numbers)
        level = {"条": "article", "項": "paragraph", "号": "item"}[unit]
        self.parser.on_level(level, value)
        return self._advance(m.end())

    def _number(self) -> bool:
        """A bare number closes a range at the last level (第1号～14), else breaks the context."""
        m = self._match(_NUMBER)
        if not m:
            return False
        parser = self.parser
        try:
            value = str(parse_int(m.group(0)))
        except ValueError:
            value = None
        if value is not None and parser.range_open and parser.level and parser.pending:
            parser.on_level(parser.level, value)
        else:
            parser.break_context()
            self.word = bool(_WORD_CHAR.match(m.group(0)[-1]))  # 一部, 十分: part of a word
        return self._advance(m.end())


# --------------------------------------------------------------------------- API


def _dedupe(atoms: list[Atom]) -> list[Atom]:
    """Unique atoms in order of first appearance."""
    return list(dict.fromkeys(atoms))


_HYPHEN_BRANCH = re.compile(r"(?<=[0-9])\s*[-‐‑–−－]\s*(?=[0-9])")
# A list enumerator ("1.番号法第9条… 2.行政手続…", "1)…"): at the start or after a space, a
# number with a full stop or a closing parenthesis before the next word. It separates citations;
# read as a number it would be a 別表 row ("別表第一の56の項 2.") or part of a law name (".番号法").
_ENUMERATOR = re.compile(r"(?:^|(?<=[\s、。]))[0-9]{1,2}\s*[.)](?=\s*[^\s0-9.)])")


def _parse(text: str | None) -> list[tuple[Atom, str]]:
    # "16-2の項" is written for "16の2の項": a hyphen between digits is an の branch.
    return _Lexer(_ENUMERATOR.sub("、", _HYPHEN_BRANCH.sub("の", clean(text)))).run()


def parse_citations(text: str | None) -> list[Atom]:
    """All citation atoms of a 法令上の根拠 cell, de-duplicated, in order of first appearance."""
    return _dedupe([atom for atom, _ in _parse(text)])


def parse_linkage(text: str | None) -> tuple[list[Atom], list[Atom]]:
    """Split a 情報連携 ②法令上の根拠 cell into (provision_basis, inquiry_basis).

    Role labels: 【情報提供の根拠】/【情報照会の根拠】, (1) 情報提供の根拠, (提供)/(照会),
    第3欄(情報提供者)/第1欄(情報照会者).  Atoms before any label or under another
    label such as (委託の根拠) belong to both lists.
    """
    pairs = _parse(text)
    provision = [atom for atom, role in pairs if role in (BOTH, PROVISION)]
    inquiry = [atom for atom, role in pairs if role in (BOTH, INQUIRY)]
    return _dedupe(provision), _dedupe(inquiry)


_CITATION_HINT = re.compile(r"法|条|別表|条例|項番")


def has_citation_text(text: str | None) -> bool:
    """True when the text looks like it means to cite law (for "nothing parsed" warnings)."""
    return bool(_CITATION_HINT.search(clean(text)))
