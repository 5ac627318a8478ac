"""Citation atoms and law names: what a citation resolves to, before any text is parsed.

`Atom` is one cited provision (an article / paragraph / item of a law, a 別表 row, or a bare
law). `canonical_law` maps a written law name to its canonical name (番号法 for マイナンバー法,
the 番号法 title …; facts.md table) and `table_name` writes a 別表 number as 別表第一 / 別表第二.
The alias patterns (`LAW_ALIASES`, `BANGOU_NAMES`) are also what the citation lexer
(`citations`) recognises as law names in running text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pdgraph.law.numerals import NUMERAL, parse_int, to_kanji
from pdgraph.textnorm import clean


@dataclass(frozen=True)
class Atom:
    """One citation atom: an article (条/項/号) of a law, a 別表 row, or a bare law."""

    law: str
    article: str | None = None
    paragraph: str | None = None
    item: str | None = None
    table: str | None = None
    row: str | None = None

    def to_json(self) -> dict[str, str | None]:
        """The contract shape: table atoms ``{law, table, row}``, others ``{law, article, paragraph, item}``."""
        if self.table is not None:
            return {"law": self.law, "table": self.table, "row": self.row}
        return {"law": self.law, "article": self.article,
                "paragraph": self.paragraph, "item": self.item}


# --------------------------------------------------------------------------- law names

BANGOU = "番号法"
BANGOU_TABLE1 = "番号法別表第一省令"
BANGOU_TABLE2 = "番号法別表第二省令"
JUKI = "住民基本台帳法"
KOUKAKU = "高齢者の医療の確保に関する法律"
#: Laws whose bare mention (no article, no table) is itself an atom.
KNOWN_LAWS = frozenset({BANGOU, BANGOU_TABLE1, BANGOU_TABLE2, JUKI, KOUKAKU})
#: Laws whose 別表 tables are the 番号法 tables.
BANGOU_FAMILY = frozenset({BANGOU, BANGOU_TABLE1, BANGOU_TABLE2})

_TITLE = "行政手続における特定の個人を識別するための番号の利用等に関する法律"
BANGOU_NAMES = rf"(?:{_TITLE}|番号法|番号利用法|マイナンバー法)"
# 別表第一の主務省令で定める事務を定める命令 / 別表第二の…事務及び情報を定める命令, with or
# without the 番号法 name in front; also the short forms 別表第一省令, 番号法別表第1省令.
_ORDINANCE = (rf"(?:{BANGOU_NAMES}\s*(?:\(番号法\))?\s*)?別表\s*第?(?P<tab>{NUMERAL})\s*"
              r"(?:の主務省令で定める事務(?:及び情報)?を定める命令|省令)")
LAW_ALIASES: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(_ORDINANCE), None),  # None: 別表第一/第二 decides
    (re.compile(BANGOU_NAMES), BANGOU),
    (re.compile(r"住民基本台帳法|住基法"), JUKI),
    (re.compile(rf"{KOUKAKU}|高確法"), KOUKAKU),
)
_LEADING = re.compile(r"^(?:[\s・•●○◯\-]|及び|並びに|又は|および|ならびに|または|また)+")
_QUOTES = "「」『』\"'“”"


def _alias_canonical(m: re.Match[str], canonical: str | None) -> str | None:
    """Canonical name for an alias match (the 主務省令 pattern needs its table number)."""
    if canonical is not None:
        return canonical
    number = parse_int(m.group("tab"))
    return {1: BANGOU_TABLE1, 2: BANGOU_TABLE2}.get(number)


def canonical_law(name: str) -> str:
    """Map a written law name to its canonical name (facts.md table), else the cleaned name.

    The whole name must be an alias: ``練馬区行政手続における…法律に基づく…条例``
    contains the 番号法 title but ends in 条例, so it stays as written.
    Quotes 「」, bullets and leading conjunctions (及び, 並びに…) are dropped.
    """
    text = _LEADING.sub("", clean(name)).strip(_QUOTES + " ")
    for pattern, canonical in LAW_ALIASES:
        m = pattern.fullmatch(text)
        if m:
            try:
                found = _alias_canonical(m, canonical)
            except ValueError:
                found = None
            if found:
                return found
    return text


def table_name(number: str) -> str:
    """``1`` / ``第1`` / ``一`` → ``別表第一``."""
    return "別表第" + to_kanji(parse_int(number))
