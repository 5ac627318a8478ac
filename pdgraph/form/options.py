"""Selected options in a form cell: checkboxes, radios and bracketed choices (選択肢).

The documents were converted from PDF, so a mark has many spellings. A cell is
first turned into *marked text* by a real HTML parser: every ``<input>`` becomes
one symbol (``☑`` checked, ``◉`` radio — a ○ rendered as a radio — ``☐``
unchecked), block tags become spaces, entities are decoded. Bracket spellings
are then folded onto the same symbols: ``[ ○ ]`` / ``[○]`` / ``[ ☑ ]`` → ``☑``,
``[ ]`` / ``[]`` / ``[ ☐ ]`` → ``☐``. A bracket holding the option text itself
(``[ 実施する ]``, ``[ ☐ 委託する ]``) selects that option.

Rules (../shared/spec/facts.md "Selected options"): selected = ☑ ◉ ■ ✓ or the
option text in brackets; not selected = ☐ □ [ ]; exception: an 入手元 category or
an その他 option whose parentheses hold text counts as selected.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from ..textnorm import collapse, nfkc

CHECKED, RADIO, UNCHECKED = "☑", "◉", "☐"
SELECTED_MARKS = frozenset("☑◉■✓✔☒")
UNSELECTED_MARKS = frozenset("☐□")
_ALL_MARKS = SELECTED_MARKS | UNSELECTED_MARKS
_BLOCK_TAGS = frozenset({"p", "li", "td", "th", "tr", "div", "br", "ul", "ol", "table", "span", "b", "tbody"})


class _MarkedTextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            names = {name for name, _ in attrs}
            kind = dict(attrs).get("type", "")
            mark = CHECKED if "checked" in names else RADIO if kind == "radio" else UNCHECKED
            self.parts.append(f" {mark} ")
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


_BRACKET_SELECTED = re.compile(r"\[\s*(?:[○〇◯Oo●◉☑✓✔■レ]|☑\s*|◉\s*)\s*\]")
_BRACKET_EMPTY = re.compile(r"\[\s*(?:☐\s*)?\]")


def marked_text(cell: str) -> str:
    """Cell HTML/text -> NFKC text with one symbol per mark (see module doc)."""
    parser = _MarkedTextParser()
    parser.feed(cell)
    parser.close()
    text = collapse(nfkc("".join(parser.parts)))
    text = _BRACKET_SELECTED.sub(f" {CHECKED} ", text)
    text = _BRACKET_EMPTY.sub(f" {UNCHECKED} ", text)
    return collapse(text)


@dataclass(frozen=True, slots=True)
class Option:
    """One occurrence of an option label in a cell."""

    label: str
    selected: bool
    marked: bool  # False when no mark of any kind stood before the label
    paren_text: str  # text inside the parentheses after the label ("" when none or empty)


def _pattern(labels: list[str]) -> re.Pattern[str]:
    # Longest first: 電子記録媒体(フラッシュメモリを除く。) must win over フラッシュメモリ.
    alternatives = sorted({nfkc(label) for label in labels}, key=len, reverse=True)
    return re.compile("|".join(re.escape(a) for a in alternatives))


def _cut_choices_list(text: str) -> str:
    """Drop the printed list of choices ("<選択肢> 1) … 2) …"): it is a legend, not marks."""
    return re.sub(r"<選択肢>[^\[\]☑◉☐■]*?(?=\(\s*\d*\s*\)\s*件|[\[\]☑◉☐■]|$)", " ", text)


def find_options(cell: str, labels: list[str]) -> list[Option]:
    """Every occurrence of the given option labels in a cell, with its mark.

    The mark of an option is the last mark between the previous option (or the
    start of the cell) and the option; a bracket that closes after the label
    (``[ ☐ 委託する ]``) selects it. Parenthesised text after the label is kept
    (up to the closing parenthesis, or to the next mark when it never closes).
    """
    text = _cut_choices_list(marked_text(cell))
    pattern = _pattern(labels)
    matches = list(pattern.finditer(text))
    options: list[Option] = []
    previous_end = 0
    for index, match in enumerate(matches):
        before = text[previous_end:match.start()]
        next_start = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        after = text[match.end():next_start]
        marks = [ch for ch in before if ch in _ALL_MARKS]
        in_brackets = before.rfind("[") > before.rfind("]") and "]" in after.split("[")[0]
        selected = in_brackets or bool(marks and marks[-1] in SELECTED_MARKS)
        options.append(Option(match.group(0), selected, bool(marks) or in_brackets, _paren_text(after)))
        previous_end = match.end()
    return options


def _paren_text(after: str) -> str:
    stripped = after.lstrip()
    if not stripped.startswith("("):
        return ""
    body = stripped[1:]
    depth, end = 1, None
    for position, ch in enumerate(body):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                end = position
                break
    if end is None:  # never closed: up to the next mark
        cut = min((body.index(m) for m in _ALL_MARKS if m in body), default=len(body))
        end = cut
    return collapse(body[:end]).strip("、, ")


def selected_labels(cell: str, labels: list[str], text_selects: bool = False) -> list[Option]:
    """Selected options, in document order, without repeats.

    ``text_selects``: the 入手元 / その他 exception — an option whose parentheses
    hold text counts as selected (for その他 it always applies).
    """
    chosen: dict[str, Option] = {}
    for option in find_options(cell, labels):
        bracket_text = bool(option.paren_text)
        exception = bracket_text and (text_selects or option.label == "その他")
        if (option.selected or exception) and option.label not in chosen:
            chosen[option.label] = option
    return list(chosen.values())


_BRACKETED = re.compile(r"\[([^\[\]]*)\]")


def single_choice(cell: str, labels: list[str]) -> str | None:
    """The one selected option of a radio-style item, or None when none is selected.

    Tries, in order: option text inside brackets (``[ 10万人以上100万人未満 ]``),
    then an option label after a selected mark.
    """
    text = marked_text(cell)
    normalised = {re.sub(r"\s+", "", nfkc(label)): nfkc(label) for label in labels}
    for match in _BRACKETED.finditer(text):
        inner = re.sub(r"[\s" + "".join(_ALL_MARKS) + "]", "", match.group(1))
        if inner in normalised:
            return normalised[inner]
        # Unbalanced bracket such as "☐ 100人以上500人未満]": the text before "]" is the choice.
    for option in find_options(cell, labels):
        if option.selected:
            return option.label
    return None


def bracket_value(cell: str) -> str | None:
    """Text of the first non-empty bracket (``[ 無 料 ]``) for choices with free wording."""
    for match in _BRACKETED.finditer(marked_text(cell)):
        inner = collapse(re.sub("[" + "".join(_ALL_MARKS) + "]", " ", match.group(1)))
        if inner:
            return inner
    return None


def declared_count(cell: str, after: str | None = None) -> int | None:
    """The number in "( 5 ) 件" (optionally the first such count after a label), None when blank."""
    text = marked_text(cell)
    if after is not None:
        position = text.find(nfkc(after))
        if position < 0:
            return None
        text = text[position + len(nfkc(after)):]
        match = re.match(r"\s*\(\s*(\d*)\s*件?\s*\)", text)
    else:
        match = re.search(r"\(\s*(\d*)\s*\)\s*件|\(\s*(\d+)\s*件\s*\)", text)
        if match and match.group(2):
            return int(match.group(2))
    if not match or not match.group(1):
        return None
    return int(match.group(1))
