"""Relative dates: the arithmetic at each precision, refusals where the anchor or the text does not
settle the date, hostile and ambiguous expressions, and the scanner's quotes and offsets."""

from __future__ import annotations

import datetime as dt

import pytest

from dprk_kg.loaders.sources.quotes import locate
from dprk_kg.relative_dates import (
    SUPPORTED,
    Found,
    Resolution,
    UnsupportedExpression,
    find_relative_dates,
    parse_anchor,
    resolve,
)
from tests.conftest import SEEDS

XSD = "http://www.w3.org/2001/XMLSchema#"
DKG = "https://w3id.org/dprk-kg/ontology#"


def value(resolution: Resolution) -> tuple[str | None, str | None, str | None]:
    """The value, its datatype's local name and the qualifier's, for short comparisons."""
    datatype = resolution.datatype.removeprefix(XSD) if resolution.datatype else None
    qualifier = resolution.qualifier.removeprefix(DKG) if resolution.qualifier else None
    return resolution.value, datatype, qualifier


@pytest.mark.parametrize(
    ("expression", "issued", "expected"),
    [
        # xsd:date: offsets in days or weeks, named days, weekdays, month and day
        ("two weeks ago", "2024-09-12", ("2024-08-29", "date", None)),
        ("10 days ago", "2024-03-05", ("2024-02-24", "date", None)),
        ("yesterday", "2024-03-01", ("2024-02-29", "date", None)),  # a leap year
        ("tomorrow", "2024-12-31", ("2025-01-01", "date", None)),
        ("today", "2024-09-12", ("2024-09-12", "date", None)),
        ("last Tuesday", "2024-09-10", ("2024-09-03", "date", None)),  # a Tuesday: the one before
        ("last Tuesday", "2024-09-12", ("2024-09-10", "date", None)),
        ("next Friday", "2024-09-13", ("2024-09-20", "date", None)),
        ("on January 15", "2024-02-20", ("2024-01-15", "date", None)),
        ("February 29", "2024-05", ("2024-02-29", "date", None)),
        # xsd:gYearMonth: a month named, or counted
        ("last June", "2024-09-12", ("2024-06", "gYearMonth", None)),
        ("last June", "2024-09", ("2024-06", "gYearMonth", None)),
        ("last June", "2024-03-10", ("2023-06", "gYearMonth", None)),
        ("last June", "2024-06-30", ("2023-06", "gYearMonth", None)),  # in June, last June is a year ago
        ("last June", "2024-07-01", ("2024-06", "gYearMonth", None)),
        ("next June", "2024-06-01", ("2025-06", "gYearMonth", None)),
        ("this June", "2024", ("2024-06", "gYearMonth", None)),
        ("in early March", "2024-09-12", ("2024-03", "gYearMonth", "EarlyPeriod")),
        ("in early March", "2024", ("2024-03", "gYearMonth", "EarlyPeriod")),  # of the report's year
        ("mid-March", "2024", ("2024-03", "gYearMonth", "MidPeriod")),
        ("late February", "2025-03-01", ("2025-02", "gYearMonth", "LatePeriod")),
        ("In mid-February", "2024-02", ("2024-02", "gYearMonth", "MidPeriod")),
        ("in March", "2024-01-10", ("2024-03", "gYearMonth", None)),
        ("last month", "2024-01-10", ("2023-12", "gYearMonth", None)),
        ("next month", "2024-12-05", ("2025-01", "gYearMonth", None)),
        ("this month", "2024-09", ("2024-09", "gYearMonth", None)),
        ("early this month", "2024-09", ("2024-09", "gYearMonth", "EarlyPeriod")),
        ("three months ago", "2024-02-29", ("2023-11", "gYearMonth", None)),
        ("last week", "2024-09-12", ("2024-09", "gYearMonth", None)),  # 2–8 September: coarser
        # xsd:gYear: a year named or counted, a season, and coarser answers for a coarse anchor
        ("this year", "2024", ("2024", "gYear", None)),
        ("last year", "2024-01-01", ("2023", "gYear", None)),
        ("next year", "2024-12", ("2025", "gYear", None)),
        ("a year ago", "2024", ("2023", "gYear", None)),
        ("late last year", "2024-02", ("2023", "gYear", "LatePeriod")),
        ("early this year", "2024", ("2024", "gYear", "EarlyPeriod")),
        ("in the autumn", "2024-09-12", ("2024", "gYear", None)),
        ("in autumn", "2024", ("2024", "gYear", None)),
        ("last fall", "2024-10-01", ("2023", "gYear", None)),  # the autumn before, not the current one
        ("next spring", "2024-04-10", ("2025", "gYear", None)),
        ("two weeks ago", "2024-09", ("2024", "gYear", None)),  # 18 August to 16 September
        ("last week", "2024-09", ("2024", "gYear", None)),
        ("early this month", "2024", ("2024", "gYear", None)),  # no month: no "early" of the year
    ],
)
def test_resolves_at_the_precision_the_text_and_anchor_allow(
    expression: str, issued: str, expected: tuple[str, str, str | None]
) -> None:
    resolution = resolve(expression, issued)
    assert value(resolution) == expected
    assert resolution.resolved and resolution.reason is None and not resolution.needs_reference
    assert resolution.earliest is not None and resolution.latest is not None
    start, end = parse_anchor(resolution.value or "")
    assert start <= resolution.earliest <= resolution.latest <= end  # the value holds every day meant
    assert resolution.basis is not None
    assert resolution.basis.startswith(f"'{' '.join(expression.split())}' in a report issued {issued}: ")
    assert resolution.basis.endswith(".") and resolution.basis.count(". ") == 0  # one sentence


def test_the_basis_spells_out_the_arithmetic() -> None:
    assert resolve("last June", "2024-09-12").basis == "'last June' in a report issued 2024-09-12: June 2024."
    assert resolve("in early March", "2024").basis == (
        "'in early March' in a report issued 2024: early March 2024 "
        "(a month named without a year is taken to be of the report's year)."
    )
    autumn = resolve("in the autumn", "2024-09-12")
    assert autumn.basis is not None and "autumn 2024 (September 2024 to November 2024), so 2024" in autumn.basis
    assert "autumn September–November" in autumn.basis
    assert (autumn.earliest, autumn.latest) == (dt.date(2024, 9, 1), dt.date(2024, 11, 30))
    weeks = resolve("two weeks ago", "2024-09")
    assert weeks.basis == (
        "'two weeks ago' in a report issued 2024-09: between 2024-08-18 and 2024-09-16 "
        "(2024-09 gives no finer date), so 2024, the finest XSD date holding it."
    )


@pytest.mark.parametrize(
    ("expression", "issued", "bounds", "reason"),
    [
        # the anchor does not say which: no guess
        ("last June", "2024", ("2023-06-01", "2024-06-30"), "June 2023 or June 2024"),
        ("last month", "2024", ("2023-12-01", "2024-11-30"), "between 2023-12-01 and 2024-11-30"),
        ("two weeks ago", "2024-01", ("2023-12-18", "2024-01-17"), "between 2023-12-18 and 2024-01-17"),
        ("next month", "2024-12", ("2025-01-01", "2025-01-31"), None),  # resolved, see below
        # no single XSD value holds it
        ("last winter", "2024-03-01", ("2023-12-01", "2024-02-29"), "winter 2023–2024"),
        ("next winter", "2024", ("2024-12-01", "2026-02-28"), "no single date, month or year holds it"),
    ],
)
def test_refuses_when_no_single_value_holds_it(
    expression: str, issued: str, bounds: tuple[str, str], reason: str | None
) -> None:
    resolution = resolve(expression, issued)
    assert (str(resolution.earliest), str(resolution.latest)) == bounds
    if reason is None:
        assert resolution.resolved
        return
    assert not resolution.resolved
    assert (resolution.value, resolution.datatype, resolution.qualifier, resolution.basis) == (None, None, None, None)
    assert resolution.reason is not None and reason in resolution.reason
    assert resolution.reason.startswith(f"'{expression}' in a report issued {issued}: ")


@pytest.mark.parametrize(
    ("expression", "issued", "reason"),
    [
        ("on Tuesday", "2024-09-12", "give a tense (past or future)"),
        ("Tuesday", "2024-09-12", "may be the Tuesday before or after the report"),
        ("in the winter", "2024-01-10", "a winter spans two years"),
        ("on February 29", "2023-05", "February 29 of 2023 does not exist"),
        ("on February 30", "2024", "February has no day 30"),
        ("this year", None, "counts from the report's date, and none is given"),
    ],
)
def test_refuses_what_the_text_does_not_settle(expression: str, issued: str | None, reason: str) -> None:
    resolution = resolve(expression, issued)
    assert not resolution.resolved and resolution.reason is not None and reason in resolution.reason


@pytest.mark.parametrize(
    ("expression", "tense", "expected"),
    [
        ("on Tuesday", "past", "2024-09-10"),
        ("on Tuesday", "future", "2024-09-17"),
        ("on Thursday", "past", "2024-09-12"),  # the report's own day, either way
        ("on Thursday", "future", "2024-09-12"),
        ("last Tuesday", "future", "2024-09-10"),  # the words say which: the tense does not override
        ("in the autumn", "past", "2024"),  # the latest begun by the report's day: the one under way
        ("in the autumn", "future", "2024"),  # the first not over
        ("in the spring", "future", "2025"),
        ("in March", "past", "2024-03"),
        ("in October", "past", "2023-10"),
        ("in October", "future", "2024-10"),
    ],
)
def test_a_tense_chooses_before_or_after_the_report(expression: str, tense: str, expected: str) -> None:
    resolution = resolve(expression, "2024-09-12", tense=tense)  # type: ignore[arg-type]
    assert resolution.value == expected
    assert resolution.basis is not None and "report's year" not in resolution.basis  # no convention needed


def test_winter_with_a_tense_has_bounds_but_no_value() -> None:
    resolution = resolve("in the winter", "2024-01-10", tense="past")
    assert (resolution.earliest, resolution.latest) == (dt.date(2023, 12, 1), dt.date(2024, 2, 29))
    assert not resolution.resolved


@pytest.mark.parametrize(
    ("expression", "reference", "expected"),
    [
        ("a month later", "2024-01-15", ("2024-02", "gYearMonth", None)),
        ("A month later", "2024-01", ("2024-02", "gYearMonth", None)),
        ("two weeks later", "2024-01-15", ("2024-01-29", "date", None)),
        ("three days after", "2024-12-30", ("2025-01-02", "date", None)),
        ("a year earlier", "2024", ("2023", "gYear", None)),
        ("two months before", "2024-01-31", ("2023-11", "gYearMonth", None)),
        ("the day before", "2024-03-01", ("2024-02-29", "date", None)),
        ("the day after", "2024-02-28", ("2024-02-29", "date", None)),
        ("the following year", "2024-01-15", ("2025", "gYear", None)),
        ("the previous month", "2024-01-15", ("2023-12", "gYearMonth", None)),
        ("the next day", "2024-12-31", ("2025-01-01", "date", None)),
    ],
)
def test_event_relative_expressions_count_from_the_reference_only(
    expression: str, reference: str, expected: tuple[str, str, None]
) -> None:
    unanchored = resolve(expression, "2024-09-12")  # the report's date is not the event's
    assert not unanchored.resolved and unanchored.needs_reference
    assert unanchored.reason is not None and "counts from an event told in the text" in unanchored.reason
    resolution = resolve(expression, "2024-09-12", reference=reference)
    assert value(resolution) == expected and resolution.needs_reference
    assert resolution.basis is not None
    assert resolution.basis.startswith(f"'{expression}' counted from {reference}, the date given for reference: ")


def test_a_reference_also_anchors_a_report_relative_expression() -> None:
    """For a report without ``issued``: the date the curator takes it to be from."""
    assert not resolve("last June", None).resolved
    resolution = resolve("last June", None, reference="2024-02")
    assert resolution.value == "2023-06"
    assert resolution.basis == "'last June' counted from 2024-02, the date given for reference: June 2023."


@pytest.mark.parametrize(
    "expression",
    [
        "",
        "   ",
        "opened",
        "June 2023",  # a month with its year: nothing relative
        "June 5, 2024",
        "last Junebug",
        "lastJune",
        "early autumn",
        "a while ago",
        "last June; DROP ALL",
        "last June last June",
        "in the fall of 2023",
        "in the fall of the regime",
        "-1 days ago",
        "1000 years ago",
        "last Juneteenth",
        "last\u00a0June\u202e",
    ],
)
def test_unsupported_expressions_say_what_is_supported(expression: str) -> None:
    with pytest.raises(UnsupportedExpression) as caught:
        resolve(expression, "2024-09-12")
    assert SUPPORTED in str(caught.value) and repr(expression) in str(caught.value)


def test_case_and_spacing_of_a_given_expression_do_not_matter() -> None:
    assert resolve("LAST  june", "2024-09-12").value == "2024-06"
    assert resolve("last\nJune", "2024-09-12").expression == "last June"
    assert resolve("In Early march", "2024").value == "2024-03"


@pytest.mark.parametrize("anchor", ["24", "2024-13", "2024-02-30", "2024-9-1", "2024/09/12", "", "2024-09-12T00:00"])
def test_an_ill_formed_anchor_is_a_value_error(anchor: str) -> None:
    with pytest.raises(ValueError, match="is not a"):
        resolve("last June", anchor)
    with pytest.raises(ValueError, match="is not a"):
        resolve("a month later", "2024", reference=anchor)


def test_parse_anchor_gives_the_days_a_partial_date_may_be() -> None:
    assert parse_anchor("2024") == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert parse_anchor("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert parse_anchor("2023-02") == (dt.date(2023, 2, 1), dt.date(2023, 2, 28))
    assert parse_anchor("2024-09-12") == (dt.date(2024, 9, 12), dt.date(2024, 9, 12))


TEXT = (
    "Last year the county built a factory. In early March, work began; they may finish in May.\n"
    "A month later the army's Long march ended. This year, as last year, the fall of prices\n"
    "continued in the fall; two weeks ago the committee met on Tuesday. Last\nJune was dry.\n"
)


def test_the_scanner_finds_each_expression_with_its_quote_occurrence_and_offsets() -> None:
    found = find_relative_dates(TEXT, "2024-09-12")
    assert [(f.quote, f.occurrence) for f in found] == [
        ("Last year", 1),
        ("In early March", 1),
        ("in May", 1),  # "may" the verb is not May
        ("A month later", 1),
        ("This year", 1),
        ("last year", 1),  # "Last year" is other words: quotes are exact
        ("in the fall", 1),  # "the fall of prices" is no season
        ("two weeks ago", 1),
        ("on Tuesday", 1),
        ("Last\nJune", 1),
    ]
    for item in found:
        assert TEXT[item.start : item.end] == item.quote
        assert locate(TEXT, item.quote, item.occurrence).start == item.start  # a claim can quote it so
    by_quote = {f.quote: f.resolution for f in found}
    assert value(by_quote["In early March"]) == ("2024-03", "gYearMonth", "EarlyPeriod")
    assert by_quote["A month later"].needs_reference and not by_quote["A month later"].resolved
    assert by_quote["on Tuesday"].reason is not None and "tense" in by_quote["on Tuesday"].reason
    assert by_quote["Last\nJune"].value == "2024-06"
    assert by_quote["Last\nJune"].expression == "Last June"


def test_the_scanner_numbers_repeated_quotes_as_a_claim_would() -> None:
    text = "this year, and this year again; early this year."
    found = find_relative_dates(text, "2024")
    assert [(f.quote, f.occurrence, f.start) for f in found] == [
        ("this year", 1, 0),
        ("this year", 2, 15),
        ("early this year", 1, 32),  # the longest where two overlap
    ]


def test_the_scanner_does_not_match_inside_words_or_absolute_dates() -> None:
    text = "Unlast year; pre-yesterday; on June 5, 2024; in June 2023; the Mayday; Marchers; outlast week."
    assert find_relative_dates(text, "2024-09-12") == []


def test_the_scanner_with_the_tense_given() -> None:
    (found,) = find_relative_dates("They met on Tuesday.", "2024-09-12", tense="past")
    assert found.resolution.value == "2024-09-10"


def test_the_scanner_on_an_undated_document_says_why_each_is_unresolved() -> None:
    found = find_relative_dates("last June and a month later", None)
    assert [f.resolution.reason for f in found] == [
        "'last June' counts from the report's date, and none is given",
        "'a month later' counts from an event told in the text, not from the report: give that event's date",
    ]
    assert [f.resolution.needs_reference for f in found] == [False, True]


def test_the_scanner_on_the_seeds_finds_what_their_curators_dated_by_hand() -> None:
    """Both seeds are undated; read as of February 20, 2024 (what their claims infer), "last June" is
    June 2023, as claim five-year-plan-announced-year of 000_1f7871d4d3f091d3 concludes by hand."""
    text = (SEEDS / "000_1f7871d4d3f091d3.txt").read_text(encoding="utf-8")
    found = {f.quote: f for f in find_relative_dates(text, "2024-02-20")}
    assert found["last June"].resolution.value == "2023-06"
    assert found["on January 15"].resolution.value == "2024-01-15"
    other = find_relative_dates((SEEDS / "004_5b61ddd10aea0cba.txt").read_text(encoding="utf-8"), "2024-02-20")
    later = [f for f in other if f.quote == "A month later"]
    assert len(later) == 1 and later[0].resolution.needs_reference
    assert resolve("A month later", None, reference="2024-01-15").value == "2024-02"  # claim factory-building-begins


def test_found_is_a_plain_record() -> None:
    found = find_relative_dates("next year", "2024")
    assert found == [Found("next year", 1, 0, 9, resolve("next year", "2024"))]


@pytest.mark.parametrize(
    ("expression", "anchor"), [("next year", "9999"), ("tomorrow", "9999-12-31"), ("999 years ago", "0500")]
)
def test_the_ends_of_the_calendar_are_refused_not_crashed(expression: str, anchor: str) -> None:
    resolution = resolve(expression, anchor)
    assert (
        not resolution.resolved and resolution.reason is not None and "outside the years 1 to 9999" in resolution.reason
    )
    assert find_relative_dates(expression, anchor)[0].resolution == resolution


def test_early_is_said_only_of_a_month_or_year() -> None:
    week = resolve("early this week", "2024-09-12")  # the whole week: no third of it is invented
    assert value(week) == ("2024-09", "gYearMonth", None)
    assert (week.earliest, week.latest) == (dt.date(2024, 9, 9), dt.date(2024, 9, 15))
    assert "early" not in (week.basis or "").split(":", 1)[1]
