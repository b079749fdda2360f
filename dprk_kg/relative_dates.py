"""Relative date expressions ("last June", "two weeks ago", "in early March", "a month later") turned
into the dates a curator may infer from them, with the arithmetic spelled out as the claim's basis.

A report rarely dates what it tells; it says "last June" and leaves the year to its date of writing.
Working that out by hand is where curators slip (is "last June" in a September report June of that
year or the year before?), so the resolver does the arithmetic, states it in one sentence, and refuses
when the anchor does not determine the answer: the document's ``issued`` date may be only a year or a
month, and then it resolves the expression for every day the anchor allows and keeps only what all of
them agree on — a coarser date (``xsd:gYear`` for "two weeks ago" in a report of September 2024 that
may date from late August), or no date at all ("last June" in a report of 2024: June 2023 or June
2024). Nothing finer than the text and the anchor give is ever produced.

Expressions relative to the report (deictic: "last year") count from the document's date; those
relative to an event told in the text (anaphoric: "a month later") only from a reference date the
caller gives, never from the report's. Conventions that the text does not settle are stated in the
basis: a month or season named without a year is of the report's year (news style); seasons are
Korea's (northern hemisphere: spring March–May … winter December–February). A weekday alone ("on
Tuesday") may be the one before or after the report, so it needs a tense.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from dprk_kg.vocabulary import DKG, XSD

Tense = Literal["past", "future"]
Interval = tuple[dt.date, dt.date]

SUPPORTED = (
    "relative to the report: this/last/next year, month or week (with early/mid/late for a year or "
    "month: 'late last year'); N days, weeks, months or years ago; yesterday, today, tomorrow; "
    "[in] [early|mid|late] [last|this|next] <Month> ('last June', 'in early March'); [on] <Month> <day>; "
    "in the/last/this/next spring, summer, autumn, fall or winter; [on] [last|this|next] <weekday> "
    "(a weekday alone needs a tense, past or future); relative to an event (needs its date): N days, "
    "weeks, months or years later, after, earlier or before; the next/following/previous day, week, "
    "month or year"
)

MONTHS = tuple(calendar.month_name)[1:]
WEEKDAYS = tuple(calendar.day_name)
# Korea's seasons: the first month of each and how many months it lasts (winter runs into the next year).
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
QUALIFIERS = {"early": DKG.uri("EarlyPeriod"), "mid": DKG.uri("MidPeriod"), "late": DKG.uri("LatePeriod")}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
NUMBERS |= {"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_ANCHOR = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class UnsupportedExpression(ValueError):
    """The expression is not one the resolver reads; the message lists those it does."""


@dataclass(frozen=True)
class Resolution:
    """What a relative date expression comes to: a value with its XSD datatype (and the early/mid/late
    qualifier when the expression gives one at that precision) and the basis, or the reason why not.

    ``earliest``/``latest`` bound the days meant whenever they are known, resolved or not (a season, or
    "last winter", has bounds but no single XSD value)."""

    expression: str
    value: str | None  # lexical form: "2024-06-14", "2024-06", "2024"
    datatype: str | None  # XSD IRI: xsd:date, xsd:gYearMonth or xsd:gYear
    qualifier: str | None  # dkg:EarlyPeriod, dkg:MidPeriod or dkg:LatePeriod, refining the value
    earliest: dt.date | None
    latest: dt.date | None
    basis: str | None  # one sentence: the arithmetic, when resolved
    reason: str | None  # why it cannot be resolved, when not
    needs_reference: bool  # relative to an event, not the report: resolvable only from its date

    @property
    def resolved(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Found:
    """A relative date expression in a text: its exact words, which occurrence of those words in the
    text it is (1-based, as a claim's ``occurrence``; 0 only where it overlaps an earlier occurrence of
    the same words, which no quote can point at), where it stands, and what it resolves to."""

    quote: str
    occurrence: int
    start: int
    end: int
    resolution: Resolution


@dataclass(frozen=True)
class _Span:
    start: dt.date
    end: dt.date
    label: str  # "June 2024"


# A rule reads one matched expression for one possible anchor day: the days it means, or a reason
# (the same for every day) why it cannot.
_Reader = Callable[[re.Match[str], dt.date, Tense | None], _Span | str]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    read: _Reader
    relative_to_event: bool = False
    convention: str = ""  # said in the basis when the reading rests on it


def _words(*options: str) -> str:
    return "|".join(sorted(options, key=len, reverse=True))


_Q = r"(?:(?i:(?P<q>early|mid|late))(?:-|\s+(?i:in\s+)?))?"
_NUMBER = rf"(?P<n>\d{{1,3}}|(?i:{_words(*NUMBERS)}))"
_UNIT = r"(?i:(?P<unit>day|week|month|year)s?)"
_MONTH = rf"(?P<month>{_words(*MONTHS)})"  # capitalised: "may" and "march" are words too
_WEEKDAY = rf"(?P<weekday>{_words(*WEEKDAYS)})"
_WHICH = r"(?i:(?P<which>this|last|next))"


def _month_span(year: int, month: int) -> _Span:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return _Span(dt.date(year, month, 1), dt.date(year, month, last), f"{MONTHS[month - 1]} {year}")


def _year_span(year: int) -> _Span:
    return _Span(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))


def _week_span(day: dt.date) -> _Span:
    monday = day - dt.timedelta(days=day.weekday())
    sunday = monday + dt.timedelta(days=6)
    return _Span(monday, sunday, f"the week of {monday.isoformat()} to {sunday.isoformat()}")


def _day_span(day: dt.date) -> _Span:
    return _Span(day, day, day.isoformat())


def _unit_span(unit: str, day: dt.date, shift: int) -> _Span:
    """The day, week, month or year ``shift`` units from the one holding ``day``; a shift in months or
    years says nothing of the day, so the result is the whole month or year."""
    if unit == "day":
        return _day_span(day + dt.timedelta(days=shift))
    if unit == "week":
        return _week_span(day + dt.timedelta(weeks=shift))
    if unit == "month":
        return _month_span(day.year, day.month + shift)
    return _year_span(day.year + shift)


def _number(match: re.Match[str]) -> int:
    text = match["n"].lower()
    return NUMBERS[text] if text in NUMBERS else int(text)


def _shifted(match: re.Match[str], day: dt.date, sign: int) -> _Span:
    """N units from ``day``: days and weeks count days ("two weeks ago" is a day); months and years
    count months and years."""
    unit, n = match["unit"].lower(), _number(match) * sign
    if unit in ("day", "week"):
        return _day_span(day + dt.timedelta(days=n * (7 if unit == "week" else 1)))
    return _unit_span(unit, day, n)


def _deictic(match: re.Match[str], day: dt.date, tense: Tense | None) -> _Span:
    return _unit_span(match["unit"].lower(), day, {"this": 0, "last": -1, "next": 1}[match["which"].lower()])


def _ago(match: re.Match[str], day: dt.date, tense: Tense | None) -> _Span:
    return _shifted(match, day, -1)


def _later(match: re.Match[str], day: dt.date, tense: Tense | None) -> _Span:
    before = match["direction"].lower() in ("earlier", "before")
    return _shifted(match, day, -1 if before else 1)


def _adjacent(match: re.Match[str], day: dt.date, tense: Tense | None) -> _Span:
    previous = (match["adjacent"] or match["before_after"] or "").lower() in ("previous", "before")
    return _unit_span((match["unit"] or "day").lower(), day, -1 if previous else 1)


def _named_day(match: re.Match[str], day: dt.date, tense: Tense | None) -> _Span:
    shift = {"yesterday": -1, "today": 0, "tomorrow": 1}[match["named"].lower()]
    return _day_span(day + dt.timedelta(days=shift))


def _instances(make: Callable[[int], _Span], day: dt.date) -> list[_Span]:
    return [make(year) for year in (day.year - 2, day.year - 1, day.year, day.year + 1, day.year + 2)]


def _choose(
    make: Callable[[int], _Span], match: re.Match[str], day: dt.date, tense: Tense | None, name: str
) -> _Span | str:
    """One instance of a period that recurs every year (June, autumn, June 5): 'last' is the latest
    wholly before the anchor day, 'next' the first wholly after it; named alone, the tense chooses the
    latest begun by the anchor day (past) or the first not yet over (future), and without a tense the
    instance of the report's year."""
    which = (match.groupdict().get("which") or "").lower()
    instances = _instances(make, day)
    if which == "last" or (not which and tense == "past"):
        return max((s for s in instances if (s.end < day if which else s.start <= day)), key=lambda s: s.start)
    if which == "next" or (not which and tense == "future"):
        return min((s for s in instances if (s.start > day if which else s.end >= day)), key=lambda s: s.start)
    if name == "winter":
        return "a winter spans two years: say which with 'last' or 'next', or give a tense"
    return make(day.year)


def _month(match: re.Match[str], day: dt.date, tense: Tense | None) -> _Span | str:
    month = MONTHS.index(match["month"]) + 1
    return _choose(lambda year: _month_span(year, month), match, day, tense, "month")


def _month_day(match: re.Match[str], day: dt.date, tense: Tense | None) -> _Span | str:
    month, number = MONTHS.index(match["month"]) + 1, int(match["day"])
    if not 1 <= number <= calendar.monthrange(2000, month)[1]:  # 2000: February 29 exists
        return f"{match['month']} has no day {number}"

    def make(year: int) -> _Span:
        if number > calendar.monthrange(year, month)[1]:  # February 29 of a common year: none
            return _Span(dt.date(year, month, 1), dt.date(year, month, 1) - dt.timedelta(days=1), "")
        return _day_span(dt.date(year, month, number))

    chosen = _choose(make, match, day, tense, "day")
    if isinstance(chosen, _Span) and chosen.end < chosen.start:
        return f"{match['month']} {number} of {chosen.start.year} does not exist"
    return chosen


def _season(match: re.Match[str], day: dt.date, tense: Tense | None) -> _Span | str:
    name = match["season"].lower()
    first = SEASONS[name]

    def make(year: int) -> _Span:
        start = _month_span(year, first).start
        end = _month_span(year, first + 2).end
        return _Span(
            start, end, f"{name} {year if year == end.year else f'{year}–{end.year}'} ({start:%B %Y} to {end:%B %Y})"
        )

    return _choose(make, match, day, tense, name)


def _weekday(match: re.Match[str], day: dt.date, tense: Tense | None) -> _Span | str:
    which = (match["which"] or "").lower()
    target = WEEKDAYS.index(match["weekday"])
    back, ahead = (day.weekday() - target) % 7, (target - day.weekday()) % 7
    if which == "last" or (which != "next" and tense == "past"):
        back = back or (7 if which == "last" else 0)
        return _day_span(day - dt.timedelta(days=back))
    if which == "next" or tense == "future":
        ahead = ahead or (7 if which == "next" else 0)
        return _day_span(day + dt.timedelta(days=ahead))
    return f"a weekday alone may be the {match['weekday']} before or after the report: give a tense (past or future)"


def _word(pattern: str) -> re.Pattern[str]:
    """A rule's pattern, starting a word ("Unlast year" holds none): checked first, it also spares the
    scan of a long text trying every pattern at every letter."""
    return re.compile(r"\b(?<![\w-])" + pattern)


_MONTH_NOTE = "a month named without a year is taken to be of the report's year"
_SEASON_NOTE = (
    "seasons are Korea's: spring March–May, summer June–August, autumn September–November, winter December–February"
)
_AFTER_MONTH = r"(?!,?\s*\d)(?![\w-])"  # "June 2023" is no relative date, "June 5" another rule's
_AFTER_DAY = r"(?!,?\s*\d{3,4}\b)(?![\w-])"  # "June 5, 2024" is no relative date
_RULES = (
    _Rule(_word(rf"{_Q}{_WHICH}\s+(?P<unit>(?i:year|month|week))\b"), _deictic),
    _Rule(_word(rf"{_NUMBER}\s+{_UNIT}\s+(?i:ago)\b"), _ago),
    _Rule(_word(r"(?P<named>(?i:yesterday|today|tomorrow))\b"), _named_day),
    _Rule(_word(rf"{_NUMBER}\s+{_UNIT}\s+(?P<direction>(?i:later|after|earlier|before))\b"), _later, True),
    _Rule(
        _word(
            r"(?i:the\s+)(?:(?P<adjacent>(?i:next|following|previous))\s+(?P<unit>(?i:day|week|month|year))"
            r"|(?i:day)\s+(?P<before_after>(?i:before|after)))\b"
        ),
        _adjacent,
        True,
    ),
    _Rule(
        _word(rf"(?:(?i:on)\s+)?(?:{_WHICH}\s+)?{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?{_AFTER_DAY}"),
        _month_day,
        convention=_MONTH_NOTE,
    ),
    _Rule(_word(rf"(?:(?i:in)\s+)?{_Q}{_WHICH}\s+{_MONTH}{_AFTER_MONTH}"), _month),
    _Rule(_word(rf"(?i:in)\s+{_Q}{_MONTH}{_AFTER_MONTH}"), _month, convention=_MONTH_NOTE),
    _Rule(_word(rf"{_Q.removesuffix('?')}{_MONTH}{_AFTER_MONTH}"), _month, convention=_MONTH_NOTE),
    _Rule(
        _word(
            rf"(?:(?:(?i:in|during)\s+)?{_WHICH}\s+|(?i:in|during)\s+(?i:the\s+)?)"
            rf"(?P<season>(?i:{_words(*SEASONS)})){_AFTER_MONTH}(?!\s+(?i:of)\b)"
        ),
        _season,
        convention=_SEASON_NOTE,
    ),
    _Rule(_word(rf"(?:(?i:on)\s+)?(?:{_WHICH}\s+)?{_WEEKDAY}\b"), _weekday),
)
_NAMES = re.compile(rf"\b(?i:{_words(*MONTHS, *WEEKDAYS)})\b")


def parse_anchor(anchor: str) -> Interval:
    """The days a (possibly partial) date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` may be."""
    match = _ANCHOR.fullmatch(anchor)
    if match is None:
        raise ValueError(f"{anchor!r} is not a YYYY, YYYY-MM or YYYY-MM-DD date")
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if day is not None:
            single = dt.date(year, int(month), int(day))
            return single, single
        if month is not None:
            first = dt.date(year, int(month), 1)
            return first, _month_span(year, first.month).end
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        raise ValueError(f"{anchor!r} is not a valid date") from None


def resolve(
    expression: str, issued: str | None, reference: str | None = None, tense: Tense | None = None
) -> Resolution:
    """Resolve ``expression`` (e.g. "last June", exactly one expression, any case and spacing) from the
    document's ``issued`` date, or from ``reference`` (an event's date, or the date a curator takes an
    undated report to be from) when given; ``tense`` chooses between the instances before and after the
    anchor of a period named alone ("on Tuesday"). Raises ``UnsupportedExpression`` for an expression
    the resolver does not read, ``ValueError`` for an ill-formed date."""
    text = _NAMES.sub(lambda name: name.group().capitalize(), " ".join(expression.split()))
    for rule in _RULES:
        match = rule.pattern.fullmatch(text)
        if match is not None:
            return _resolve(rule, match, text, issued, reference, tense)
    raise UnsupportedExpression(f"{expression!r} is not a relative date the resolver reads; it reads {SUPPORTED}")


def find_relative_dates(text: str, issued: str | None, tense: Tense | None = None) -> list[Found]:
    """Every relative date expression in ``text``, left to right (the longest where two overlap), each
    resolved from ``issued``; those relative to an event come back unresolved, ``needs_reference``."""
    matches: list[tuple[int, int, _Rule, re.Match[str]]] = []
    for rule in _RULES:
        matches.extend((match.start(), -match.end(), rule, match) for match in rule.pattern.finditer(text))
    found: list[Found] = []
    occurrences = _Occurrences(text)
    resolved: dict[tuple[int, str], Resolution] = {}  # a long text says "last year" many times
    taken_until = -1
    for start, negative_end, rule, match in sorted(matches, key=lambda m: (m[0], m[1])):
        if start < taken_until:
            continue
        taken_until = -negative_end
        quote = match.group()
        key = (_RULES.index(rule), " ".join(quote.split()))
        if key not in resolved:
            resolved[key] = _resolve(rule, match, quote, issued, None, tense)
        found.append(Found(quote, occurrences.at(quote, start), start, -negative_end, resolved[key]))
    return found


def occurrence_at(text: str, quote: str, start: int) -> int:
    """Which occurrence of ``quote`` starts at ``start``, counted as a claim's quote is located (left to
    right, not overlapping: ``quotes.locate``), so that ``locate(text, quote, n)`` finds it again; 0 when
    none starts there."""
    return _Occurrences(text).at(quote, start)


class _Occurrences:
    """Occurrences counted as a scan goes left to right, resuming where the last question about the same
    quote stopped: a long text is searched once per quote, not once per match."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.state: dict[str, tuple[int, int]] = {}  # quote → (occurrences before the next, the next)

    def at(self, quote: str, start: int) -> int:
        count, at = self.state.get(quote, (0, self.text.find(quote)))
        while 0 <= at < start:
            count += 1
            at = self.text.find(quote, at + len(quote))
        self.state[quote] = (count, at)
        return count + 1 if at == start else 0


def _resolve(
    rule: _Rule, match: re.Match[str], text: str, issued: str | None, reference: str | None, tense: Tense | None
) -> Resolution:
    text = " ".join(text.split())
    anchor = reference if reference is not None else None if rule.relative_to_event else issued
    if anchor is None:
        reason = (
            f"'{text}' counts from an event told in the text, not from the report: give that event's date"
            if rule.relative_to_event
            else f"'{text}' counts from the report's date, and none is given"
        )
        return _unresolved(text, rule, None, reason)
    # Every day the anchor may be, read alike: what they all agree on is what the anchor determines.
    earliest_anchor, latest_anchor = parse_anchor(anchor)
    spans: list[_Span] = []
    try:
        for offset in range((latest_anchor - earliest_anchor).days + 1):
            read = rule.read(match, earliest_anchor + dt.timedelta(days=offset), tense)
            if isinstance(read, str):
                return _unresolved(text, rule, None, f"'{text}': {read}")
            if not spans or spans[-1] != read:
                spans.append(read)
    except (ValueError, OverflowError):  # the calendar's ends: year 1 and 9999
        return _unresolved(text, rule, None, f"'{text}' from {anchor} falls outside the years 1 to 9999")
    narrowed = [_narrow(span, match) for span in spans]
    earliest, latest = min(s.start for s in narrowed), max(s.end for s in narrowed)
    counted = (
        f"'{text}' counted from {anchor}, the date given for reference"
        if reference is not None
        else f"'{text}' in a report issued {anchor}"
    )
    labels = list(dict.fromkeys(s.label for s in narrowed))
    value = _value(earliest, latest)
    if value is None:
        which = " or ".join(labels) if len(labels) <= 3 else f"between {earliest} and {latest}"
        reason = f"{counted}: {which}; no single date, month or year holds it"
        if len(labels) > 1:
            reason += f" (the date {anchor} does not say which)"
        return _unresolved(text, rule, (earliest, latest), reason)
    lexical, datatype = value
    qualifier = QUALIFIERS.get((match.groupdict().get("q") or "").lower())
    if qualifier is not None and datatype != _qualified_unit(match):
        qualifier = None  # early autumn 2024 is not early 2024
    said = labels[0] if len(labels) == 1 else f"between {earliest} and {latest} ({anchor} gives no finer date)"
    if qualifier is None and datatype != "date" and parse_anchor(lexical) != (earliest, latest):
        said += f", so {lexical}, the finest XSD date holding it"
    if rule.convention and "which" not in _present(match) and tense is None:
        said += f" ({rule.convention})"
    return Resolution(
        text,
        lexical,
        XSD.uri(datatype),
        qualifier,
        earliest,
        latest,
        f"{counted}: {said}.",
        None,
        rule.relative_to_event,
    )


def _present(match: re.Match[str]) -> set[str]:
    return {name for name, value in match.groupdict().items() if value}


def _qualified_unit(match: re.Match[str]) -> str:
    """The precision an early/mid/late qualifier refines: the month named, or the year."""
    if match.groupdict().get("month"):
        return "gYearMonth"
    unit = (match.groupdict().get("unit") or "").lower()
    return {"month": "gYearMonth", "year": "gYear"}.get(unit, "")


def _narrow(span: _Span, match: re.Match[str]) -> _Span:
    """Early, mid or late: the first, middle or last third of a month (days 1–10, 11–20, 21–end) or of a
    year (January–April, May–August, September–December)."""
    qualifier = (match.groupdict().get("q") or "").lower()
    if not qualifier:
        return span
    third = ("early", "mid", "late").index(qualifier)
    year, month = span.start.year, span.start.month
    if (span.start, span.end) == (_month_span(year, month).start, _month_span(year, month).end):
        start = span.start.replace(day=1 + 10 * third)
        end = span.end if third == 2 else span.start.replace(day=10 * (third + 1))
    elif (span.start, span.end) == (dt.date(year, 1, 1), dt.date(year, 12, 31)):
        start = span.start.replace(month=1 + 4 * third)
        end = _month_span(year, 4 * (third + 1)).end
    else:  # a week: only the whole is said
        return span
    return _Span(start, end, ("mid-" if qualifier == "mid" else f"{qualifier} ") + span.label)


def _value(earliest: dt.date, latest: dt.date) -> tuple[str, str] | None:
    """The finest XSD date value (lexical form, datatype name) holding every day from ``earliest`` to
    ``latest``."""
    if earliest == latest:
        return earliest.isoformat(), "date"
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        return f"{earliest.year:04d}-{earliest.month:02d}", "gYearMonth"
    if earliest.year == latest.year:
        return f"{earliest.year:04d}", "gYear"
    return None


def _unresolved(text: str, rule: _Rule, bounds: Interval | None, reason: str) -> Resolution:
    earliest, latest = bounds if bounds else (None, None)
    return Resolution(text, None, None, None, earliest, latest, None, reason, rule.relative_to_event)
