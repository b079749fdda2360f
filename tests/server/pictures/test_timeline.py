"""The timeline: partial dates drawn as partial (a month with no year is never put in a year), a
year-only date spans its year, approximate and non-factual dates marked, the view honoured."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
import requests

from dprk_kg.server.pictures.timeline import Mark, PartialDate, _laid_out
from dprk_kg.vocabulary import XSD
from tests.server.conftest import Server


@pytest.mark.parametrize(
    ("lexical", "datatype", "expected", "words"),
    [
        ("2024-01-15", "date", PartialDate(2024, 1, 15), "15 January 2024"),
        ("2024-01-15Z", "date", PartialDate(2024, 1, 15), "15 January 2024"),
        ("2023-06", "gYearMonth", PartialDate(2023, 6, None), "June 2023"),
        ("2024", "gYear", PartialDate(2024, None, None), "2024 (the whole year)"),
        ("--06", "gMonth", PartialDate(None, 6, None), "June, year not stated"),
        ("--02-03", "gMonthDay", PartialDate(None, 2, 3), "3 February, year not stated"),
        ("--02-29", "gMonthDay", PartialDate(None, 2, 29), "29 February, year not stated"),
    ],
)
def test_partial_dates_are_read_and_said_as_partial(
    lexical: str, datatype: str, expected: PartialDate, words: str
) -> None:
    date = PartialDate.read(lexical, XSD.uri(datatype))
    assert date == expected
    assert date is not None and date.words == words


@pytest.mark.parametrize(
    ("lexical", "datatype"),
    [("--13", "gMonth"), ("2023-02-29", "date"), ("June", "gMonth"), ("2024", "string"), ("--06", "gYear")],
)
def test_what_is_no_valid_partial_date_is_not_placed(lexical: str, datatype: str) -> None:
    assert PartialDate.read(lexical, XSD.uri(datatype)) is None


def test_a_year_spans_its_year_and_a_month_its_month() -> None:
    marks = [
        Mark("urn:a", "a", PartialDate(2020, None, None), "2020"),
        Mark("urn:b", "b", PartialDate(2021, 6, None), "2021-06"),
        Mark("urn:c", "c", PartialDate(None, 6, None), "--06"),
    ]
    laid = _laid_out(marks, [])
    assert laid.years == [2020, 2021]
    year, month = laid.dated
    assert (year.left, year.width) == (0.0, 50.0)  # the whole of 2020: half the scale of two years
    assert month.left == pytest.approx(50 + 50 * 5 / 12, abs=0.01)
    assert month.width == pytest.approx(50 / 12, abs=0.01)
    (yearless,) = laid.yearless  # June of no year: on the months' scale, in no year
    assert yearless.left == pytest.approx(100 * 5 / 12, abs=0.01)


@dataclass
class Row:
    lane: str
    text: str = ""
    classes: list[str] = field(default_factory=list)
    style: str = ""
    links: list[str] = field(default_factory=list)


class Rows(HTMLParser):
    """The timeline's rows (li.mark) with their lane, words, bar position and links."""

    def __init__(self) -> None:
        super().__init__()
        self.lane = ""
        self.rows: list[Row] = []
        self.row: Row | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "ol" and "lane" in classes:
            self.lane = classes[1]
        elif tag == "li" and "mark" in classes:
            self.row = Row(self.lane, classes=classes)
            self.rows.append(self.row)
        elif self.row is not None and "bar" in classes:
            self.row.style = attributes.get("style") or ""
        elif self.row is not None and tag == "a":
            self.row.links.append(attributes.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.row is not None:
            self.row.text += data


def rows(server: Server, path: str) -> list[Row]:
    response = requests.get(f"{server.url}{path}", timeout=30)
    assert response.status_code == 200, response.text
    parser = Rows()
    parser.feed(response.text)
    for row in parser.rows:
        row.text = " ".join(row.text.split())
    return parser.rows


def of(found: list[Row], label: str) -> list[Row]:
    return [row for row in found if row.text.startswith(label)]


ANNOUNCEMENT = "The Workers' Party's announcement of a five-year economic plan"


def test_a_month_without_a_year_is_drawn_as_such_and_the_inferred_year_apart(server: Server) -> None:
    found = of(rows(server, "/timeline"), ANNOUNCEMENT)
    yearless = [row for row in found if row.lane == "yearless"]
    dated = [row for row in found if row.lane == "dated"]
    assert len(yearless) == 1 and len(dated) == 1, found
    assert "June, year not stated" in yearless[0].text and "of the previous year" in yearless[0].text
    assert "non-factual" not in yearless[0].classes  # the text states it
    assert "June 2023" in dated[0].text and "not held as fact: inferred" in dated[0].text
    assert "non-factual" in dated[0].classes
    assert "/id/five-year-plan-announcement.html" in dated[0].links
    assert "/claim/000_1f7871d4d3f091d3/five-year-plan-announced-year.html" in dated[0].links
    assert "/claim/000_1f7871d4d3f091d3/five-year-plan-announced.html" in yearless[0].links


def test_the_facts_view_leaves_the_curators_dates_out(server: Server) -> None:
    found = rows(server, "/timeline?view=facts")
    assert [row.lane for row in of(found, ANNOUNCEMENT)] == ["yearless"]
    assert not [row for row in found if "non-factual" in row.classes]
    assert all("year not stated" in row.text for row in found if row.lane == "yearless")
    # only a photograph's line states a year in these texts
    assert {row.lane for row in found if "2017" in row.text} == {"dated"}


def test_year_only_dates_span_their_year_and_approximate_ones_are_marked(server: Server) -> None:
    found = rows(server, "/timeline")
    years = sorted({int(y) for row in found if row.lane == "dated" for y in re.findall(r"\b(20\d\d)\b", row.text)})
    span = 100 / (years[-1] - years[0] + 1)
    (orang,) = of(found, "Construction of the new factory in Orang County")
    assert "2024 (the whole year)" in orang.text
    width = float(re.search(r"width: ([\d.]+)%", orang.style).group(1))  # type: ignore[union-attr]
    assert width == pytest.approx(span, abs=0.01)
    (drive,) = [row for row in of(found, "Construction of factories under the 20×10") if row.lane == "yearless"]
    assert "approximate" in drive.classes and "≈ February, year not stated" in drive.text


def test_an_entity_page_shows_the_events_it_takes_part_in(server: Server) -> None:
    found = rows(server, "/id/workers-party-of-korea.html")
    assert of(found, ANNOUNCEMENT)  # the Party is its speaker
    assert not of(found, "Ishimaru Jiro's photograph")  # not linked to the Party
    assert rows(server, "/id/workers-party-of-korea.html?view=facts") == [
        row for row in found if "non-factual" not in row.classes
    ]


def test_an_unknown_view_is_refused(server: Server) -> None:
    assert requests.get(f"{server.url}/timeline?view=guesses", timeout=30).status_code == 400
