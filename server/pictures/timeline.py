"""A timeline of what the data dates (``dkg:date``), drawn honestly for partial dates.

The ontology lets a date be as precise as the text is: ``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``,
and, where the text gives no year, ``xsd:gMonthDay`` or ``xsd:gMonth`` (``--06``: a June of no stated
year). So the timeline has two lanes: dated marks on a scale of years, where a year-only date spans its
whole year and a month its whole month; and marks with no year on a scale of one year's months, labelled
"June, year not stated" — never placed in a year the data does not give. A date qualifier stated in the
same graph as the date (approximately, mid, late, as early as, the year before the report) is written
beside it, and an approximate one is drawn with soft edges. A date that only a non-factual graph holds
(a curator's inference dating a yearless mention, say) is hatched and says why; in the facts view
there are none. One event may so appear twice: as the text gives it, and as a curator dated it.

Each (event, date) is kept once with every graph of the view that holds it, and links to the event's
page and to the claims the date comes from. A date no reading of XML Schema's lexical forms accepts is
listed apart, as written.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from dprk_kg.server import linked_data
from dprk_kg.server.views import View
from dprk_kg.vocabulary import XSD

MAX_MARKS = 2000
MONTHS = tuple(calendar.month_name[1:])
MONTH_INITIALS = tuple(name[:3] for name in MONTHS)
DAY_WIDTH = 0.6  # per cent of a lane: a day is drawn this wide at least, so it can be seen and clicked

DATED = (  # each date and the graph holding it, with the qualifier stated in the same graph
    "SELECT DISTINCT ?e ?date ?g ?g_nonFactual ?g_claim ?g_status ?status ?modality ?qualifier ?e_label "
    "?qualifier_label "
    "WHERE { GRAPH ?g { ?e dkg:date ?date } OPTIONAL { GRAPH ?g { ?e dkg:dateQualifier ?qualifier } "
    f"{linked_data._labelled('qualifier')} }} {linked_data._flags('g')} "
    f"{linked_data._english('status', 'dkg:epistemicStatus', 'g')} "
    f"{linked_data._english('modality', 'dkg:modality', 'g')} {linked_data._labelled('e')} }} LIMIT {MAX_MARKS}"
)
# XML Schema's lexical forms, with an optional time zone (which a date's place on the scale ignores).
ZONE = r"(?:Z|[+-]\d\d:\d\d)?"
FORMS = {
    XSD.uri("date"): re.compile(rf"(?P<year>-?\d{{4,}})-(?P<month>\d\d)-(?P<day>\d\d){ZONE}"),
    XSD.uri("dateTime"): re.compile(rf"(?P<year>-?\d{{4,}})-(?P<month>\d\d)-(?P<day>\d\d)T[\d:.]+{ZONE}"),
    XSD.uri("gYearMonth"): re.compile(rf"(?P<year>-?\d{{4,}})-(?P<month>\d\d){ZONE}"),
    XSD.uri("gYear"): re.compile(rf"(?P<year>-?\d{{4,}}){ZONE}"),
    XSD.uri("gMonthDay"): re.compile(rf"--(?P<month>\d\d)-(?P<day>\d\d){ZONE}"),
    XSD.uri("gMonth"): re.compile(rf"--(?P<month>\d\d){ZONE}"),
}
APPROXIMATE = "approximate"  # the local name of dkg:Approximate


@dataclass(frozen=True)
class PartialDate:
    """A date as precise as the data gives it: any of year, month and day may be missing."""

    year: int | None
    month: int | None
    day: int | None

    @staticmethod
    def read(lexical: str, datatype: str) -> PartialDate | None:
        """The date a literal writes, or None if it is not a valid one of the forms above."""
        form = FORMS.get(datatype)
        match = form.fullmatch(lexical.strip()) if form else None
        if match is None:
            return None
        parts = match.groupdict()
        year = int(parts["year"]) if parts.get("year") else None
        month = int(parts["month"]) if parts.get("month") else None
        day = int(parts["day"]) if parts.get("day") else None
        if month is not None and not 1 <= month <= 12:
            return None
        if day is not None and not 1 <= day <= calendar.monthrange(year if year is not None else 2000, month or 1)[1]:
            return None  # with no year, 29 February is allowed (2000 was a leap year)
        return PartialDate(year, month, day)

    @property
    def words(self) -> str:
        """The date in words, saying what is not stated."""
        month = MONTHS[self.month - 1] if self.month else ""
        if self.year is None:
            return f"{self.day} {month}, year not stated" if self.day else f"{month}, year not stated"
        if self.day:
            return f"{self.day} {month} {self.year}"
        return f"{month} {self.year}" if month else f"{self.year} (the whole year)"

    def within_year(self) -> tuple[float, float]:
        """Where it starts and ends within its year, in years (0 to 1): a month spans its month, a day
        its day, no month the whole year."""
        if self.month is None:
            return 0.0, 1.0
        if self.day is None:
            return (self.month - 1) / 12, self.month / 12
        days_before = sum(calendar.monthrange(self.year or 2001, m)[1] for m in range(1, self.month))
        length = 366 if self.year is not None and calendar.isleap(self.year) else 365
        return (days_before + self.day - 1) / length, (days_before + self.day) / length


@dataclass
class Mark:
    """One date of one event, with the graphs of the view that hold it."""

    event: str
    label: str
    date: PartialDate
    lexical: str
    graphs: list[str] = field(default_factory=list)
    fact: bool = False
    statuses: list[str] = field(default_factory=list)  # the claims' status and modality, where no fact
    qualifiers: list[str] = field(default_factory=list)  # labels of the qualifiers stated with it
    approximate: bool = False
    left: float = 0.0  # per cent of its lane
    width: float = 0.0

    @property
    def reason(self) -> str:
        """Why it is no fact: the status and modality of the claims holding it."""
        return "" if self.fact else "not held as fact" + (": " + ", ".join(self.statuses) if self.statuses else "")


@dataclass
class Timeline:
    dated: list[Mark]
    yearless: list[Mark]
    unreadable: list[Mark]  # dates that are no valid partial date, listed as written
    first_year: int = 0
    years: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.dated or self.yearless or self.unreadable)

    def year_ticks(self) -> list[tuple[int, float]]:
        """Labelled years and their place (per cent); at most about a dozen labels."""
        step = max(1, len(self.years) // 12 + (len(self.years) % 12 > 0))
        return [(year, 100 * (year - self.first_year) / len(self.years)) for year in self.years[::step]]

    @staticmethod
    def month_ticks() -> list[tuple[str, float]]:
        return [(name, 100 * index / 12) for index, name in enumerate(MONTH_INITIALS)]


def timeline(view: View, events: set[str] | None = None) -> Timeline:
    """The dated things in ``view`` (only ``events`` when given: an entity's page), laid out."""
    member = linked_data.Membership(view)
    labels: dict[str, str] = {}
    marks: dict[tuple[str, str, str], Mark] = {}
    unreadable: dict[tuple[str, str, str], Mark] = {}
    for row in linked_data._select(DATED, None, labels):
        value = {k: v["value"] for k, v in row.items()}
        if events is not None and value["e"] not in events:
            continue
        non_factual = value.get("g_nonFactual") == "true"
        if not member(value["g"], non_factual, value.get("g_claim") == "true", value.get("g_status", "")):
            continue
        datatype = row["date"].get("datatype", "")
        key = (value["e"], value["date"], datatype)
        date = PartialDate.read(value["date"], datatype)
        shelf = unreadable if date is None else marks
        mark = shelf.setdefault(key, Mark(value["e"], "", date or PartialDate(None, None, None), value["date"]))
        if value["g"] not in mark.graphs:
            mark.graphs.append(value["g"])
        mark.fact = mark.fact or not non_factual
        for word in (value.get("status"), value.get("modality")) if non_factual else ():
            if word and word not in mark.statuses:
                mark.statuses.append(word)
        if "qualifier" in value:
            words = labels.get(value["qualifier"]) or linked_data._short(value["qualifier"])
            if words not in mark.qualifiers:
                mark.qualifiers.append(words)
            mark.approximate = mark.approximate or value["qualifier"].lower().endswith(APPROXIMATE)
    for mark in (*marks.values(), *unreadable.values()):
        mark.label = labels.get(mark.event) or linked_data._short(mark.event)
    return _laid_out(list(marks.values()), list(unreadable.values()))


def _laid_out(marks: list[Mark], unreadable: list[Mark]) -> Timeline:
    """Places each mark in its lane: years from the first to the last dated one, or one year's months."""
    dated = sorted((m for m in marks if m.date.year is not None), key=lambda m: (m.date.year, m.date.within_year()))
    yearless = sorted((m for m in marks if m.date.year is None), key=lambda m: (m.date.within_year(), m.label))
    found = Timeline(dated, yearless, sorted(unreadable, key=lambda m: m.label))
    if dated:
        found.first_year = min(m.date.year for m in dated if m.date.year is not None)
        last = max(m.date.year for m in dated if m.date.year is not None)
        found.years = list(range(found.first_year, last + 1))
    for mark in dated:
        start, end = mark.date.within_year()
        offset = (mark.date.year or 0) - found.first_year
        _place(mark, (offset + start) / len(found.years), (offset + end) / len(found.years))
    for mark in yearless:
        _place(mark, *mark.date.within_year())
    return found


def _place(mark: Mark, start: float, end: float) -> None:
    mark.left = round(100 * start, 3)
    mark.width = round(max(100 * (end - start), DAY_WIDTH), 3)
