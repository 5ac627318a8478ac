"""Dates: era (和暦) and Western notations, impossible era years."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdgraph.law.dates import DateValue, find_dates, parse_date
from pdgraph.law.numerals import to_kanji

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def render(value: int, style: str) -> str:
    """Render a number as ascii, full-width or kanji digits."""
    if style == "ascii":
        return str(value)
    if style == "full":
        return str(value).translate(FULL_WIDTH)
    return to_kanji(value)  # checked against an independent renderer in test_numerals

HEISEI_START = dt.date(1989, 1, 8)
REIWA_START = dt.date(2019, 5, 1)


@pytest.mark.parametrize(("text", "iso", "impossible"), [
    ("令和3年7月26日", "2021-07-26", False),
    ("令和３年７月２６日", "2021-07-26", False),
    ("令和三年七月二十六日", "2021-07-26", False),
    ("令和元年5月1日", "2019-05-01", False),
    ("令和1年6月27日", "2019-06-27", False),
    ("平成28年 1月", "2016-01", False),
    ("平成28年3月", "2016-03", False),
    ("平成 28 年 3 月 24 日", "2016-03-24", False),
    ("昭和63年12月31日", "1988-12-31", False),
    ("大正15年12月24日", "1926-12-24", False),
    ("2021年7月26日", "2021-07-26", False),
    ("2021/7/26", "2021-07-26", False),
    ("2021-07-26", "2021-07-26", False),
    ("R3.7.26", "2021-07-26", False),
    ("H28.1.1", "2016-01-01", False),
    # impossible era years are converted arithmetically
    ("平成32年9月25日", "2020-09-25", True),
    ("平成31年5月1日", "2019-05-01", True),
    ("平成31年4月30日", "2019-04-30", False),
    ("平成31年4月", "2019-04", False),
    ("平成31年5月", "2019-05", True),
    ("令和1年4月30日", "2019-04-30", True),
    ("昭和64年1月8日", "1989-01-08", True),
    ("昭和64年1月7日", "1989-01-07", False),
    ("平成元年1月7日", "1989-01-07", True),
    ("R1.4.1", "2019-04-01", True),
])
def test_parse_date(text, iso, impossible):
    value = parse_date(text)
    assert value == DateValue(iso, impossible, value.raw)
    assert value.raw


@pytest.mark.parametrize("text", ["令和3年2月30日", "平成28年13月1日", "2021/2/29"])
def test_invalid_calendar_date(text):
    value = parse_date(text)
    assert value is not None and value.iso is None and value.impossible and value.raw


@pytest.mark.parametrize("text", ["", None, "なし", "令和3年", "第3条第1項", "1234.5", "10万人以上100万人未満"])
def test_no_date(text):
    assert parse_date(text) is None


def test_raw_is_the_matched_text():
    assert parse_date("公表日 令和3年7月26日 (予定)").raw == "令和3年7月26日"


def test_find_dates_in_order():
    dates = find_dates("令和3年2月5日～令和3年2月28日")
    assert [d.iso for d in dates] == ["2021-02-05", "2021-02-28"]


def test_find_dates_mixed_notations():
    text = "<td>平成28年3月24日</td> 改訂 2020/1/11 及び R2.1.11"
    assert [d.iso for d in find_dates(text)] == ["2016-03-24", "2020-01-11", "2020-01-11"]


def render_era(day: dt.date, style: str, gannen: bool) -> str:
    """Write a date as 平成/令和 (元年 optionally for year 1)."""
    era, offset = ("令和", 2018) if day >= REIWA_START else ("平成", 1988)
    year = day.year - offset
    year_text = "元" if year == 1 and gannen else render(year, style)
    return f"{era}{year_text}年{render(day.month, style)}月{render(day.day, style)}日"


@given(st.dates(min_value=HEISEI_START, max_value=dt.date(2100, 12, 31)),
       st.sampled_from(["ascii", "full", "kanji"]), st.booleans())
def test_era_round_trip(day, style, gannen):
    value = parse_date(render_era(day, style, gannen))
    assert value is not None
    assert value.iso == day.isoformat()
    assert value.impossible is False


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(["ascii", "full", "kanji"]))
def test_heisei_after_its_end_is_impossible(day, style):
    text = f"平成{render(day.year - 1988, style)}年{render(day.month, style)}月{render(day.day, style)}日"
    value = parse_date(text)
    assert value.iso == day.isoformat()
    assert value.impossible is True


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_western_round_trip(day):
    for text in (f"{day.year}年{day.month}月{day.day}日", f"{day.year}/{day.month}/{day.day}", day.isoformat()):
        assert parse_date(text) == DateValue(day.isoformat(), False, text)
