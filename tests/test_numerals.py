"""Numerals: ASCII, full-width and kanji (parse_int, branch_number)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdgraph.law.numerals import branch_number, parse_int, to_kanji

KANJI_DIGITS = "〇一二三四五六七八九"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def render_kanji(value: int, explicit_one: bool = False) -> str:
    """Independent kanji renderer for tests (千二百, 百三十六; 一百 when explicit_one)."""
    if value == 0:
        return "〇"
    parts = []
    for unit, mark in ((1000, "千"), (100, "百"), (10, "十")):
        count = value // unit % 10
        if count:
            parts.append(("一" if explicit_one else "") + mark if count == 1 else KANJI_DIGITS[count] + mark)
    if value % 10:
        parts.append(KANJI_DIGITS[value % 10])
    return "".join(parts)


def render(value: int, style: str) -> str:
    """Render a number as ascii, full-width or kanji."""
    if style == "ascii":
        return str(value)
    if style == "full":
        return str(value).translate(FULL_WIDTH)
    return render_kanji(value)


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12), ("１２", 12), ("十九", 19), ("百三十六", 136), ("二十七", 27),
    ("千二百", 1200), ("一百十", 110), ("十", 10), ("〇", 0), ("零", 0),
    ("二〇二一", 2021), ("一万二千", 12000), (" 7 ", 7),
])
def test_parse_int(text, expected):
    assert parse_int(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "-1", "3.5", "十十", "百千", "一二", "1万", "第1", "十九条"])
def test_parse_int_rejects(text):
    with pytest.raises(ValueError):
        parse_int(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("30の9", "30の9"), ("三十の九", "30の9"), ("５６の２", "56の2"), ("16", "16"), ("百十五の二", "115の2"),
])
def test_branch_number(text, expected):
    assert branch_number(text) == expected


@pytest.mark.parametrize("text", ["の2", "30の", "30のa"])
def test_branch_number_rejects(text):
    with pytest.raises(ValueError):
        branch_number(text)


@given(st.integers(min_value=1, max_value=9999), st.booleans())
def test_kanji_round_trip(value, explicit_one):
    assert parse_int(render_kanji(value, explicit_one)) == value


@given(st.integers(min_value=0, max_value=99999))
def test_ascii_and_full_width(value):
    assert parse_int(str(value)) == value
    assert parse_int(str(value).translate(FULL_WIDTH)) == value


@given(st.integers(min_value=0, max_value=9999))
def test_to_kanji_matches_renderer(value):
    assert to_kanji(value) == render_kanji(value)


@given(st.lists(st.integers(min_value=1, max_value=999), min_size=1, max_size=4),
       st.sampled_from(["ascii", "full", "kanji"]))
def test_branch_number_property(parts, style):
    written = "の".join(render(part, style) for part in parts)
    assert branch_number(written) == "の".join(map(str, parts))
