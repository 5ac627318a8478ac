"""Numerals as written in 評価書: ASCII, full-width (１２) and kanji (百三十六).

Article, paragraph, item and 別表 row numbers are normalised to ASCII digit
strings; branch numbers keep their の (第30条の9 → ``"30の9"``).
"""
from __future__ import annotations

import re

from pdgraph.textnorm import clean

#: One numeral as it may appear inside a larger pattern (after NFKC).
NUMERAL = r"(?:[0-9]+|[〇零一二三四五六七八九十百千万]+)"

#: A number with optional branches: ``30の9``, ``三十の九``, ``115の2``.
BRANCH_NUMERAL = rf"{NUMERAL}(?:の{NUMERAL})*"

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_MAN = "万"
_ASCII = re.compile(r"[0-9]+")


def _positional(text: str) -> int:
    """Digit-by-digit kanji such as 二〇二一 (no unit characters)."""
    return int("".join(str(_DIGITS[ch]) for ch in text))


def _below_man(text: str) -> int:
    """A kanji numeral below 10000 written with 十/百/千 units (一百十 → 110)."""
    if not text:
        raise ValueError("empty numeral section")
    total, digit, last_unit = 0, None, 10_000
    for ch in text:
        if ch in _DIGITS:
            if digit is not None:
                raise ValueError(f"two digits in a row in {text!r}")
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit >= last_unit or digit == 0:
                raise ValueError(f"malformed kanji numeral {text!r}")
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            raise ValueError(f"not a kanji numeral: {text!r}")
    return total + (digit or 0)


def _kanji(text: str) -> int:
    """Convert a kanji numeral up to 9999万9999."""
    if all(ch in _DIGITS for ch in text):
        if len(text) > 1 and not any(ch in "〇零" for ch in text):
            # 一二 is not a numeral; 二〇二一 (with a zero) is.
            raise ValueError(f"ambiguous kanji digit string {text!r}")
        return _positional(text)
    if text.count(_MAN) > 1:
        raise ValueError(f"malformed kanji numeral {text!r}")
    if _MAN in text:
        high, low = text.split(_MAN)
        return (_below_man(high) if high else 1) * 10_000 + (_below_man(low) if low else 0)
    return _below_man(text)


def parse_int(text: str) -> int:
    """Parse one non-negative integer written in ASCII, full-width or kanji numerals.

    >>> parse_int("１２"), parse_int("十九"), parse_int("百三十六"), parse_int("千二百")
    (12, 19, 136, 1200)

    Raises ValueError for anything else (signs, mixed scripts, empty text).
    """
    value = clean(text)
    if _ASCII.fullmatch(value):
        return int(value)
    if value and all(ch in _DIGITS or ch in _UNITS or ch == _MAN for ch in value):
        return _kanji(value)
    raise ValueError(f"not a numeral: {text!r}")


def branch_number(text: str) -> str:
    """Normalise a branch number: ``"三十の九"`` → ``"30の9"``, ``"５６の２"`` → ``"56の2"``.

    Each part between の is converted with :func:`parse_int`.
    """
    parts = clean(text).split("の")
    return "の".join(str(parse_int(part)) for part in parts)


def to_kanji(value: int) -> str:
    """Render 0 <= value < 10000 in kanji numerals with units (136 → 百三十六)."""
    if not 0 <= value < 10_000:
        raise ValueError(f"out of range: {value}")
    if value == 0:
        return "〇"
    digits = "〇一二三四五六七八九"
    out = []
    for unit, mark in ((1000, "千"), (100, "百"), (10, "十")):
        count, value = divmod(value, unit)
        if count:
            out.append(("" if count == 1 else digits[count]) + mark)
    if value:
        out.append(digits[value])
    return "".join(out)
