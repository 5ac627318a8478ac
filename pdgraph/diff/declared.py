"""Cross-checking: which differences the newer version's own 変更箇所 table declares.

The rows a revision adds to its change table (those the older version does not have,
`compare.new_change_rows`) are its declaration. A row declares a difference when it names it
the way the official form's change tables do:

- a form place: 提供先2, 移転先1, 委託事項3 (also 委託4、5、6), システム2, or 別紙1 together
  with the row's No.5 (lists of numbers are expanded; a place must be named whole);
- a name: the recipient, contractor, system, file or 入手元 entity (compared without spaces);
- a provision: a citation in the row (番号法 別表第二の37、74の項) that the difference adds or
  removes, compared as provisions (the same IRI), not as text;
- a field word of the section (入手元, 個人番号の利用, 情報連携 …) in the row's 項目.

Differences that no row declares are "changed but not declared". The 公表日 and the change
rows themselves are not cross-checked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..graph.iris import provision_iri
from ..law.citations import parse_citations
from ..textnorm import clean
from .compare import Diff, Difference
from .snapshot import ChangePart

_ANCHOR = re.compile(r"(提供先|移転先|委託事項|委託|システム|別紙|別添|No\.?|項番) ?"
                     r"(\d+(?: ?(?:[、,・]|及び|と|および) ?(?:委託事項|委託|No\.?)? ?\d+)*)")
_WORD = {"委託": "委託事項", "No.": "No", "項番": "No"}


def _squeeze(text: str) -> str:
    return "".join(clean(text).split())


def anchors_in(text: str) -> set[tuple[str, int]]:
    """The numbered form places a text names: {("提供先", 2), ("別紙", 1), ("No", 5), …}."""
    found = set()
    for match in _ANCHOR.finditer(clean(text)):  # spaces kept: "提供先1 ①…" is 提供先1, not 提供先11
        word = _WORD.get(match.group(1), match.group(1))
        for number in re.findall(r"\d+", match.group(2)):
            found.add((word, int(number)))
    return found


@dataclass(frozen=True)
class Declaration:
    """One change row, prepared for matching."""

    where: str
    text: str  # item, before and after, squeezed
    item: str
    anchors: frozenset[tuple[str, int]]
    provisions: frozenset[str]


def declaration(row: ChangePart) -> Declaration:
    texts = (row.item, row.before, row.after)
    provisions = set()
    for text in texts:  # free text: what is no citation cites nothing
        provisions |= {str(provision_iri(atom)) for atom in parse_citations(clean(text))}
    return Declaration(row.where, "".join(_squeeze(t) for t in texts), _squeeze(row.item),
                       frozenset(anchors_in(" ".join(texts))), frozenset(provisions))


def declares(row: Declaration, difference: Difference) -> bool:
    clues = difference.clues
    if any(all(place in row.anchors for place in anchor) for anchor in clues.anchors):
        return True
    if any(len(name) >= 2 and _squeeze(name) in row.text for name in clues.names):
        return True
    if clues.provisions & row.provisions:
        return True
    return any(_squeeze(word) in row.item for word in clues.words)


def cross_check(diff: Diff, rows: list[ChangePart]) -> Diff:
    """The diff with ``declared_by`` set on every difference the check applies to."""
    declarations = [declaration(r) for r in rows]
    checked = []
    for difference in diff.differences:
        if difference.section == "change" or difference.aspect == "published":
            checked.append(difference)
            continue
        checked.append(replace(difference, declared_by=tuple(d.where for d in declarations
                                                             if declares(d, difference))))
    return Diff(diff.old, diff.new, checked, list(rows))
