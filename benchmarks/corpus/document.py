"""One generated report: its phrase tables, the pieces a story is made of (paragraphs, claims, sources,
dates), and ``Document``, which holds the story as it grows and writes its text, metadata and claims
files. The episodes that fill it are in ``episodes/``; ``writer.DocumentWriter`` assembles them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

from benchmarks.corpus.text import (
    CURATORS,
    INFERRED_PER_ASSERTED,
    MENTIONS_GRAPH_QUADS,
    MENTIONS_PER_CHARACTER,
    MONTHS,
    QUADS_PER_MENTION,
    WIKIBASE_PER_ASSERTED,
    YEARS,
    ent,
    lit,
    slugify,
    typed,
    yaml_list,
    yaml_str,
)
from benchmarks.corpus.world import DATELINES, EnterpriseKind, Entry, Place, World

# (phrase as written, product concept or None)
PRODUCTS = (
    ("seafood processing", "dkg:SeafoodProducts"),
    ("fish canning", "dkg:SeafoodProducts"),
    ("soy sauce and bean paste", "dkg:BasicFoodProducts"),
    ("noodle", "dkg:BasicFoodProducts"),
    ("cooking oil", "dkg:BasicFoodProducts"),
    ("bread and confectionery", "dkg:BasicFoodProducts"),
    ("local specialty", "dkg:LocalSpecialties"),
    ("wild herb processing", "dkg:LocalSpecialties"),
    ("mushroom processing", "dkg:LocalSpecialties"),
    ("medicinal herb", "dkg:LocalSpecialties"),
    ("fertilizer", "dkg:Chemicals"),
    ("soap and detergent", "dkg:Chemicals"),
    ("textile", None),
    ("shoe", None),
    ("furniture", None),
    ("paper", None),
)
MOBILISED = ("mobilized", "sent", "dispatched", "called up", "assigned")
UNITS = ("battalion", "company", "brigade")
UNIT_PLURALS = {"battalion": "battalions", "company": "companies", "brigade": "brigades"}
FUNDING_MINISTRIES = ("ministry-of-finance", "ministry-of-light-industry", "ministry-of-urban-management")
HEDGES = ("is said to be", "is reportedly", "is believed to be")
OPINIONS = (
    "People are exhausted by one mobilization after another",
    "Nobody believes the factory will be finished this year",
    "The cadres only care about how they will be evaluated",
    "Households can barely feed themselves, let alone donate",
    "This time the state seems serious about local factories",
    "Everyone knows the quota will be raised again next month",
    "The workers are sent without food or proper tools",
    "The new factories are for show, not for the people",
    "Young people are glad to have a chance of a job in the county",
    "Traders give money because they are afraid, not because they want to",
)
PUBLISHER_VIEWS = (
    "Unpaid labor of this kind puts further pressure on people’s lives",
    "Such mobilizations take workers away from their own plots at the busiest time of year",
    "The burden of the campaign falls on the poorest households",
    "The drive shows how little the centre is prepared to pay for its own policy",
)
CADRE_LINES = (
    ("they are setting an example to mobilize everything", "say they are setting an example to mobilize everything"),
    ("every household must contribute", "say every household must contribute"),
    ("the factory will be finished ahead of schedule", "insist the factory will be finished ahead of schedule"),
    ("materials will be supplied by the province", "claim materials will be supplied by the province"),
)
GROUPS = (
    ("wealthy traders", "wealthy traders"),
    ("money lenders", "money lenders"),
    ("owners of private restaurants", "owners of private restaurants"),
    ("families with relatives abroad", "families with relatives abroad"),
)


@dataclass
class When:
    """A date as a text gives it, and how the claims model it."""

    phrase: str  # as written, inline: "in mid-March", "on March 12", "last June", "in March 2024"
    literal: str  # the dkg:date literal the text supports
    qualifier: str | None
    inferred: str | None  # the dated literal a curator infers from the report's year, if the text gives none
    year: int

    @property
    def start(self) -> str:
        return self.phrase[0].upper() + self.phrase[1:]

    @classmethod
    def day(cls, phrase: str, year: int, month: int, day: int) -> When:
        """A day the text gives without its year ("on June 4"), which a curator dates from the report."""
        return cls(
            phrase,
            typed(f"--{month:02d}-{day:02d}", "gMonthDay"),
            None,
            typed(f"{year}-{month:02d}-{day:02d}", "date"),
            year,
        )


@dataclass
class Para:
    index: int
    text: str

    def q(self, fragment: str) -> tuple[int, str]:
        if fragment not in self.text:
            raise AssertionError(f"quote {fragment!r} not in paragraph {self.text!r}")
        return (self.index, fragment)


@dataclass
class Claim:
    id: str
    quotes: list[tuple[int, str]]
    triples: list[tuple[str, str, str]]
    status: str | None = None
    attributed_to: str | None = None
    modality: str | None = None
    hedge: str | None = None
    basis: str | None = None
    note: str | None = None
    occurrence: int | None = None

    def provenance_triples(self) -> int:
        """Quads of the claim's description in the provenance graph (provenance.claim_quads)."""
        optional = (self.modality, self.hedge, self.basis, self.note)
        return 8 + sum(v is not None for v in optional) + 12 * len(self.quotes)


@dataclass
class Source:
    """An anonymous source a document introduces, to whom its reported claims are attributed."""

    slug: str
    label: str
    phrase: str  # definite description for the text: "the reporting partner in Kumsong County"
    short: str  # "the partner"
    place: Place


@dataclass
class Construction:
    slug: str
    factory: str
    factory_label: str
    product: str
    concept: str | None
    place: Place
    facts: set[str] = field(default_factory=set)  # single-valued properties already asserted
    mention: tuple[int, str] | None = None  # the quote that first names it


@dataclass
class Mobilisation:
    slug: str
    label: str
    enterprise: Entry
    place: Place
    construction: Construction
    source: Source
    facts: set[str] = field(default_factory=set)


@dataclass
class DocumentStats:
    claims: int
    asserted: int
    provenance: int
    evidence: int
    characters: int = 0  # of the text, where the mention linker finds registry entities named

    @property
    def estimate(self) -> float:
        annotations = QUADS_PER_MENTION * MENTIONS_PER_CHARACTER * self.characters + MENTIONS_GRAPH_QUADS
        inferred, statements = INFERRED_PER_ASSERTED * self.asserted, WIKIBASE_PER_ASSERTED * self.asserted
        return self.asserted + self.provenance + inferred + statements + annotations


class Document:
    """One generated report: its story, text, claims and metadata, written to three files."""

    def __init__(self, world: World, index: int, seed: str) -> None:
        self.world = world
        self.index = index
        self.rng = rng = Random(f"{seed}:document:{index}")
        self.id = f"{index:06d}_{rng.getrandbits(64):016x}"
        self.tag = f"g{index}"
        self.publisher = rng.choice(world.publishers)
        self.pub = self.publisher.entry.label
        self.authors = rng.sample(self.publisher.journalists, rng.choice((0, 1, 1, 2)))
        self.province = rng.choice(world.provinces)
        places = self.province.places
        self.places = rng.sample(places, min(len(places), rng.randint(2, 4)))
        self.policy = world.policies[0] if rng.random() < 0.5 else rng.choice(world.policies)
        self.year = rng.choice(YEARS)
        self.month = rng.randint(3, 12)
        self.issued = f"{self.year}-{self.month:02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.7 else None
        self.dateline = rng.choice(DATELINES) if rng.random() < 0.6 else None
        self.target_claims = rng.randint(20, 60)

        self.paragraphs: list[str] = []
        self.claims: list[Claim] = []
        self.claim_ids: dict[str, int] = {}
        self.slugs: set[str] = set()
        self.introduced: set[str] = set()  # shared events already introduced by this document
        self.sources: list[Source] = []
        self.constructions: list[Construction] = []
        self.mobilisations: list[Mobilisation] = []
        self.campaigns: list[str] = []
        self.workforces: dict[str, str] = {}  # enterprise id → its workforce, introduced once
        self.used_lines: set[str] = set()
        self.photo_basis: str | None = None

    # --- building blocks -------------------------------------------------------------------------------
    def para(self, text: str) -> Para:
        self.paragraphs.append(text)
        return Para(len(self.paragraphs) - 1, text)

    def slug(self, base: str) -> str:
        slug = f"{slugify(base)}-{self.tag}"
        candidate, n = slug, 1
        while candidate in self.slugs:
            n += 1
            candidate = f"{slug}-{n}"
        self.slugs.add(candidate)
        return candidate

    def claim(
        self,
        kind: str,
        quotes: tuple[int, str] | list[tuple[int, str]],
        triples: list[tuple[str, str, str]],
        **fields: Any,
    ) -> None:
        n = self.claim_ids.get(kind, 0) + 1
        self.claim_ids[kind] = n
        claim_id = kind if n == 1 else f"{kind}-{n}"
        unique = list(dict.fromkeys(triples))  # a triple twice in one claim would break assertsTriples
        self.claims.append(Claim(claim_id, quotes if isinstance(quotes, list) else [quotes], unique, **fields))

    def new_construction(self, place: Place) -> tuple[Construction, list[tuple[str, str, str]]]:
        """A factory to be built and its construction, with the triples that introduce them (for the claim
        that first names them)."""
        phrase, concept = self.product()
        factory = self.slug(f"new {phrase} factory in {place.label}")
        construction = self.slug(f"construction of {phrase} factory in {place.label}")
        built = Construction(construction, factory, f"new {phrase} factory in {place.label}", phrase, concept, place)
        self.constructions.append(built)
        introductions = [
            (ent(factory), "a", "dkg:Factory"),
            (ent(factory), "rdfs:label", lit(f"New {phrase} factory in {place.label}")),
            (ent(factory), "dkg:locatedIn", ent(place.entry.id)),
            (ent(construction), "a", "dkg:Construction"),
            (ent(construction), "rdfs:label", lit(f"Construction of the new {phrase} factory in {place.label}")),
            (ent(construction), "dkg:builds", ent(factory)),
            (ent(construction), "dkg:place", ent(place.entry.id)),
            (ent(construction), "dkg:implements", ent(self.policy.entry.id)),
        ]
        if concept:
            introductions.append((ent(factory), "dkg:productType", concept))
        return built, introductions

    def when(self, *, explicit: float = 0.15) -> When:
        """A partial date in the report's past, as news reports give them."""
        rng, year = self.rng, self.year
        roll = rng.random()
        if roll < explicit:
            month = rng.randint(1, self.month)
            if rng.random() < 0.5:
                day = rng.randint(1, 28)
                return When(
                    f"on {MONTHS[month - 1]} {day}, {year}",
                    typed(f"{year}-{month:02d}-{day:02d}", "date"),
                    None,
                    None,
                    year,
                )
            return When(f"in {MONTHS[month - 1]} {year}", typed(f"{year}-{month:02d}", "gYearMonth"), None, None, year)
        if roll < explicit + 0.1:
            month = rng.randint(self.month, 12)
            return When(
                f"last {MONTHS[month - 1]}",
                typed(f"--{month:02d}", "gMonth"),
                "dkg:PreviousYear",
                typed(f"{year - 1}-{month:02d}", "gYearMonth"),
                year - 1,
            )
        month = rng.randint(max(1, self.month - 3), self.month)
        name = MONTHS[month - 1]
        inferred = typed(f"{year}-{month:02d}", "gYearMonth")
        kind = rng.randrange(5)
        if kind == 0:
            day = rng.randint(1, 28)
            return When(
                f"on {name} {day}",
                typed(f"--{month:02d}-{day:02d}", "gMonthDay"),
                None,
                typed(f"{year}-{month:02d}-{day:02d}", "date"),
                year,
            )
        phrase, qualifier = [
            (f"in early {name}", "dkg:EarlyPeriod"),
            (f"in mid-{name}", "dkg:MidPeriod"),
            (f"in late {name}", "dkg:LatePeriod"),
            (f"as early as {name}", "dkg:AsEarlyAs"),
        ][kind - 1]
        return When(phrase, typed(f"--{month:02d}", "gMonth"), qualifier, inferred, year)

    def date_triples(self, subject: str, when: When) -> list[tuple[str, str, str]]:
        triples = [(subject, "dkg:date", when.literal)]
        if when.qualifier:
            triples.append((subject, "dkg:dateQualifier", when.qualifier))
        return triples

    def year_claim(self, kind: str, quote: tuple[int, str], subject: str, when: When) -> None:
        """The inferred claim that dates an event whose year the text leaves out."""
        if when.inferred is None:
            return
        self.claim(kind, quote, [(subject, "dkg:date", when.inferred)], status="inferred", basis=self.year_basis(when))

    def year_basis(self, when: When | None = None) -> str:
        what = f"“{when.phrase}”" if when else "“this year”"
        if when and when.qualifier == "dkg:PreviousYear":
            relation = f"the year before the report, {when.year}"
        else:
            relation = f"in the report's year, {self.year}"
        if self.issued:
            return f"The text gives no year. The report is dated {self.issued}, so {what} is taken to be {relation}."
        return (
            f"The text gives no year. The report is undated, but {self.photo_basis}, so {what} is taken to be "
            f"{relation}."
        )

    def source(self) -> Source:
        return self.rng.choice(self.sources)

    def enterprise(self, place: Place | None = None) -> tuple[Entry, EnterpriseKind, Place]:
        place = place or self.rng.choice(self.places)
        entry, kind = self.rng.choice(place.enterprises)
        return entry, kind, place

    def product(self) -> tuple[str, str | None]:
        return self.rng.choice(PRODUCTS)

    def place_phrase(self, place: Place) -> str:
        return place.label if place.is_county else f"the city of {place.label}"

    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def locate_quotes(self, text: str) -> None:
        """Check every quote against the final text the way the loader does, and set ``occurrence``
        where a single quote recurs; a repeated part of a multi-part quote is dropped."""
        offsets, position = [], 0
        for paragraph in self.paragraphs:
            offsets.append(position)
            position += len(paragraph) + 2
        for claim in self.claims:
            located = []
            for index, quote in claim.quotes:
                at = offsets[index] + self.paragraphs[index].index(quote)
                starts = [m.start() for m in re.finditer(re.escape(quote), text)]
                if at not in starts:
                    raise RuntimeError(f"{self.id}: quote {quote!r} overlaps another occurrence")
                located.append((index, quote, starts.index(at) + 1, len(starts)))
            unique = [(i, q) for i, q, _, count in located if count == 1]
            if len(unique) == len(located):
                continue
            if len(claim.quotes) > 1 and unique:
                claim.quotes = unique
            else:
                index, quote, occurrence, _ = located[0]
                claim.quotes = [(index, quote)]
                claim.occurrence = occurrence

    def title(self) -> str:
        place = self.places[0].label
        return self.rng.choice(
            (
                f"{self.province.entry.label}’s {place} to host new factory… Mobilizations for construction have "
                "already begun",
                f"Workers sent to build {self.policy.entry.label} factories in {self.province.short}",
                f"Provincial authorities in {self.province.short} press residents to fund local factories",
                f"In {place}, the {self.policy.entry.label} means more unpaid labor",
            )
        )

    def compose(self) -> None:
        """Tell the story: the episodes' work (``writer.DocumentWriter`` has them all)."""
        raise NotImplementedError

    def write(self, out: Path) -> DocumentStats:
        self.compose()
        text = self.text()
        self.locate_quotes(text)
        (out / f"{self.id}.txt").write_text(text, encoding="utf-8", newline="")
        meta = self.meta()
        (out / f"{self.id}.meta.yaml").write_text(meta, encoding="utf-8", newline="\n")
        (out / f"{self.id}.claims.yaml").write_text(self.claims_yaml(), encoding="utf-8", newline="\n")
        asserted = sum(len(c.triples) for c in self.claims)
        provenance = sum(c.provenance_triples() for c in self.claims) + self.document_quads()
        quotes = sum(len(c.quotes) for c in self.claims)
        return DocumentStats(len(self.claims), asserted, provenance, quotes, len(text))

    def document_quads(self) -> int:
        """Provenance-graph quads of the document, its three source files and its load activity."""
        optional = (self.dateline, self.issued, self.date_note(), "note")
        return 12 + len(self.authors) + sum(v is not None for v in optional) + 9 + 10

    def date_note(self) -> str | None:
        if self.issued and len(self.issued) == 10:
            return None
        if self.issued:
            return (
                f"The text gives no publication date; the page it was captured from dates it to "
                f"{MONTHS[self.month - 1]} {self.year}."
            )
        return (
            f"No publication date is given; {self.photo_basis}, and the events are taken to be of {self.year} "
            "(recorded as inferred claims)."
        )

    def meta(self) -> str:
        lines = [
            f"# Metadata of synthetic document {self.id} (generated by benchmarks/generate.py).",
            f"title: {yaml_str(self.title())}",
            "type: schema:NewsArticle",
            f"publisher: {self.publisher.entry.id}",
            f"authors: {yaml_list([a.id for a in self.authors])}",
            "language: en",
        ]
        if self.dateline:
            lines.append(f"dateline: {self.dateline}")
        lines.append(f"issued: '{self.issued}'" if self.issued else "issued: null")
        note = self.date_note()
        if note:
            lines.append(f"date_note: {yaml_str(note)}")
        lines.append("note: A synthetic benchmark document; its places, people, outlet and events are fictitious.")
        return "\n".join(lines) + "\n"

    def claims_yaml(self) -> str:
        out = [
            f"# Claims of synthetic document {self.id} (generated by benchmarks/generate.py). Format: see "
            "seeds/README.md.",
            "",
            f"document: {yaml_str(self.id)}",
            "defaults:",
            f"  attributed_to: {self.publisher.entry.id}",
            "  status: stated",
            f"  curator: {CURATORS}",
            "",
            "claims:",
        ]
        for claim in self.claims:
            out.append("")
            out.append(f"  - id: {claim.id}")
            if len(claim.quotes) == 1:
                out.append(f"    quote: {yaml_str(claim.quotes[0][1])}")
            else:
                out.append("    quote:")
                out.extend(f"      - {yaml_str(q)}" for _, q in claim.quotes)
            if claim.occurrence is not None:
                out.append(f"    occurrence: {claim.occurrence}")
            for key in ("status", "attributed_to", "modality", "hedge", "basis", "note"):
                value = getattr(claim, key)
                if value is not None:
                    out.append(f"    {key}: {yaml_str(value)}")
            out.append("    assert: |")
            out.extend("      " + line for line in turtle([self.own_label(triple) for triple in claim.triples]))
        return "\n".join(out) + "\n"

    def own_label(self, triple: tuple[str, str, str]) -> tuple[str, str, str]:
        """The label of an entity this document mints, marked with the document's id: another document's
        "cadres in Musan County" is another group, and the build refuses two entities of one name (the id,
        not the short tag: the name normaliser reads g112 and g12 alike)."""
        subject, predicate, obj = triple
        if predicate != "rdfs:label" or subject[3:] not in self.slugs or self.id in obj:
            return triple  # not this document's entity, or its label names the document already
        text, language = obj.rsplit("@", 1)
        return subject, predicate, f'{text[:-1]} (report {self.id})"@{language}'


def turtle(triples: list[tuple[str, str, str]]) -> Iterator[str]:
    """Triples as Turtle, one subject block after another, as curators write them."""
    blocks: dict[str, list[tuple[str, str]]] = {}
    for s, p, o in triples:
        blocks.setdefault(s, []).append((p, o))
    for subject, pairs in blocks.items():
        for n, (p, o) in enumerate(pairs):
            end = " ." if n == len(pairs) - 1 else " ;"
            yield (f"{subject} {p} {o}{end}" if n == 0 else f"    {p} {o}{end}")
