"""Dates as written in 評価書: Japanese era dates (和暦) and Western dates.

``令和3年7月26日`` → ``2021-07-26``; ``平成28年3月`` (no day) → ``2016-03``.
Era years past the end of an era (平成32年, used by offices that did not yet
know the new era name) are converted arithmetically and flagged ``impossible``;
so are dates before an era began and invalid calendar dates (2月30日), which
have no ISO form at all.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from pdgraph.law.numerals import NUMERAL, parse_int
from pdgraph.textnorm import clean


@dataclass(frozen=True)
class DateValue:
    """One date found in text.

    ``iso`` is ``YYYY-MM-DD`` or ``YYYY-MM`` (no day written), ``None`` when the
    written date does not exist in the calendar. ``impossible`` marks dates that
    cannot be right as written (era year out of range, invalid day). ``raw`` is
    the matched text (cleaned).
    """

    iso: str | None
    impossible: bool
    raw: str


@dataclass(frozen=True)
class _Era:
    name: str
    letter: str
    start: dt.date
    end: dt.date | None  # last day, None for the current era

    @property
    def offset(self) -> int:
        """Gregorian year of the era's year 0."""
        return self.start.year - 1


_ERAS = (
    _Era("明治", "M", dt.date(1868, 1, 25), dt.date(1912, 7, 29)),
    _Era("大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    _Era("昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    _Era("平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    _Era("令和", "R", dt.date(2019, 5, 1), None),
)
_BY_NAME = {era.name: era for era in _ERAS}
_BY_LETTER = {era.letter: era for era in _ERAS}

_N = NUMERAL
_ERA_DATE = (rf"(?P<era>{'|'.join(_BY_NAME)})\s*(?P<ey>元|{_N})\s*年\s*(?P<em>{_N})\s*月"
             rf"(?:\s*(?P<ed>{_N})\s*日)?")
_ABBREV = (r"(?<![A-Za-z])(?P<letter>[MTSHR])\s*(?P<ay>元|\d{1,2})\s*(?P<sep>[./])"
           r"\s*(?P<am>\d{1,2})\s*(?P=sep)\s*(?P<ad>\d{1,2})(?!\d)")
_YEAR = r"(?:18|19|20|21)\d{2}"
_WESTERN_KANJI = (r"(?<!\d)(?P<wy>" + _YEAR + r")\s*年\s*(?P<wm>\d{1,2})\s*月"
                  r"(?:\s*(?P<wd>\d{1,2})\s*日)?")
# 2021/7/26 or 2021/7 (slash), 2021-07-26 or 2021.7.26 (day required).
_WESTERN_SEP = (r"(?<![\d.])(?P<sy>" + _YEAR + r")(?:/(?P<sm>\d{1,2})(?:/(?P<sd>\d{1,2}))?"
                r"|(?P<ssep>[.\-])(?P<sm2>\d{1,2})(?P=ssep)(?P<sd2>\d{1,2}))(?![\d.])")
_DATE = re.compile("|".join((_ERA_DATE, _ABBREV, _WESTERN_KANJI, _WESTERN_SEP)))


def _era_year(era: _Era, year_text: str) -> int:
    """Gregorian year of an era year (元年 = 1)."""
    return era.offset + (1 if year_text == "元" else parse_int(year_text))


def _outside_era(era: _Era, first: dt.date, last: dt.date) -> bool:
    """True when no day of [first, last] lies within the era."""
    return last < era.start or (era.end is not None and first > era.end)


def _build(year: int, month: int, day: int | None, raw: str, era: _Era | None) -> DateValue:
    """Validate the parts and produce a DateValue (era range checked when given)."""
    if not 1 <= month <= 12 or year < 1:
        return DateValue(None, True, raw)
    if day is None:
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        iso = f"{year:04d}-{month:02d}"
    else:
        try:
            first = last = dt.date(year, month, day)
        except ValueError:
            return DateValue(None, True, raw)
        iso = first.isoformat()
    impossible = era is not None and _outside_era(era, first, last)
    return DateValue(iso, impossible, raw)


def _from_match(m: re.Match[str]) -> DateValue:
    """Turn one regex match of any supported notation into a DateValue."""
    raw = m.group(0)
    g = m.groupdict()
    if g["era"]:
        era = _BY_NAME[g["era"]]
        day = parse_int(g["ed"]) if g["ed"] else None
        return _build(_era_year(era, g["ey"]), parse_int(g["em"]), day, raw, era)
    if g["letter"]:
        era = _BY_LETTER[g["letter"].upper()]
        return _build(_era_year(era, g["ay"]), int(g["am"]), int(g["ad"]), raw, era)
    if g["wy"]:
        day = int(g["wd"]) if g["wd"] else None
        return _build(int(g["wy"]), int(g["wm"]), day, raw, None)
    month, day = (g["sm"], g["sd"]) if g["sm"] else (g["sm2"], g["sd2"])
    return _build(int(g["sy"]), int(month), int(day) if day else None, raw, None)


def find_dates(text: str | None) -> list[DateValue]:
    """All dates in ``text``, in order (``令和3年2月5日～令和3年2月28日`` gives two)."""
    found = []
    for m in _DATE.finditer(clean(text)):
        try:
            found.append(_from_match(m))
        except ValueError:  # a malformed kanji numeral: not a date
            continue
    return found


def parse_date(text: str | None) -> DateValue | None:
    """The first date in ``text``, or None when it holds no date."""
    dates = find_dates(text)
    return dates[0] if dates else None
