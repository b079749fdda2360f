"""Checks of typed literals, so a bad date or number is an input error, not a silent bad triple.

pyoxigraph keeps a literal's lexical form exactly as written (which is what the graph must hold),
but does not reject an ill-formed one; this module does, for the datatypes the project uses.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable

from dprk_kg.vocabulary import XSD

# Datatypes a date-valued property may take: full date, or as much as the source gives.
PARTIAL_DATE_TYPES = frozenset(XSD.uri(t) for t in ("date", "gYearMonth", "gYear", "gMonthDay", "gMonth"))

_TZ = r"(Z|[+-]\d{2}:\d{2})?"
_DURATION = re.compile(r"^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")


def _date(value: str) -> bool:
    match = re.fullmatch(r"(-?\d{4,})-(\d{2})-(\d{2})" + _TZ, value)
    return match is not None and _valid_day(int(match[1]), int(match[2]), int(match[3]))


def _g_year_month(value: str) -> bool:
    match = re.fullmatch(r"-?\d{4,}-(\d{2})" + _TZ, value)
    return match is not None and 1 <= int(match[1]) <= 12


def _g_month_day(value: str) -> bool:
    match = re.fullmatch(r"--(\d{2})-(\d{2})" + _TZ, value)
    return match is not None and _valid_day(2000, int(match[1]), int(match[2]))  # 2000: Feb 29 is allowed


def _g_month(value: str) -> bool:
    match = re.fullmatch(r"--(\d{2})" + _TZ, value)
    return match is not None and 1 <= int(match[1]) <= 12


def _date_time(value: str) -> bool:
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value


def _valid_day(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12:
        return False
    leap_year = year if year > 0 else 2000
    return 1 <= day <= calendar.monthrange(leap_year, month)[1]


def _pattern(regex: str) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    return lambda value: bool(compiled.fullmatch(value))


CHECKS: dict[str, Callable[[str], bool]] = {
    XSD.uri("date"): _date,
    XSD.uri("gYearMonth"): _g_year_month,
    XSD.uri("gYear"): _pattern(r"-?\d{4,}" + _TZ),
    XSD.uri("gMonthDay"): _g_month_day,
    XSD.uri("gMonth"): _g_month,
    XSD.uri("dateTime"): _date_time,
    XSD.uri("integer"): _pattern(r"[+-]?\d+"),
    XSD.uri("nonNegativeInteger"): _pattern(r"\+?\d+"),
    XSD.uri("decimal"): _pattern(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    XSD.uri("boolean"): _pattern(r"true|false|1|0"),
    XSD.uri("duration"): lambda value: bool(_DURATION.match(value)),
}


def date_form(value: str) -> str | None:
    """The partial-date datatype (IRI) whose lexical form ``value`` is, if any: ``2024-09`` is an
    xsd:gYearMonth, ``--09-14`` an xsd:gMonthDay; so a mistyped date can be told how to write it."""
    for datatype in ("date", "gYearMonth", "gYear", "gMonthDay", "gMonth"):
        if CHECKS[XSD.uri(datatype)](value):
            return XSD.uri(datatype)
    return None


def is_valid(value: str, datatype: str) -> bool:
    """True when ``value`` is a valid lexical form of ``datatype`` (unchecked datatypes pass)."""
    check = CHECKS.get(datatype)
    return check(value) if check else True
