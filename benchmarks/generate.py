"""Generate a synthetic corpus shaped like ``seeds/``, at any size, to benchmark the build and the endpoint.

The output is a seeds folder in exactly the format ``dprk-kg build --seeds OUT`` reads: ``entities.yaml``
(a registry of places, organisations, people, policies and funds, sized with the corpus) and, per
document, ``{id}.txt``, ``{id}.meta.yaml`` and ``{id}.claims.yaml``. Documents are English news reports
assembled from sentence templates about labour mobilisation, factory construction, donation campaigns and
the like; every claim quotes the text exactly and asserts a handful of triples with the ontology's terms,
so the real loader, SHACL gate and reasoner do the same work per claim as on the curated seeds.

    python benchmarks/generate.py --out /tmp/corpus --triples 1000000 [--seed 0]
    python benchmarks/generate.py --out /tmp/corpus --documents 500

Deterministic: the same arguments give byte-identical files. All randomness comes from
``random.Random`` seeded with strings derived from ``--seed`` (one stream for the registry, one per
document), nothing reads the clock, and every collection is iterated in insertion or sorted order.
Documents are written one at a time, so memory does not grow with the corpus.

Everything generated is fictitious (places, enterprises, people, outlets, events); the country,
provinces, central bodies and policies are real names used as scaffolding only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

# --- calibration --------------------------------------------------------------------------------------
# Quads the build writes whatever the corpus: ontology and shapes graphs and the build graph (measured
# on the seeds: total quads minus asserted, registry, provenance and inferred triples).
FIXED_QUADS = 1728
# OWL RL entailments kept in the inferred graph, per asserted claim triple and per registry triple
# (superclass types, inverses, transitive closure of locatedIn / partOf / subOrganizationOf). Measured
# on builds of generated corpora; see benchmarks/README.md.
INFERRED_PER_ASSERTED = 1.36
INFERRED_PER_REGISTRY_TRIPLE = 3.01
# Quads one document adds on average (asserted + provenance + inferred); only used to size the registry
# before the documents exist. The number of documents itself follows the running estimate.
PLAN_QUADS_PER_DOCUMENT = 1315

CURATORS = "dprk-kg-curators"


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MONTHS = words("January February March April May June July August September October November December")
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
YEARS = tuple(range(2019, 2026))


# ======================================================================================================
# Small helpers: slugs, Turtle terms, YAML scalars
# ======================================================================================================


def slugify(text: str) -> str:
    """A registry-style slug ("Kumsong County Party Committee" → "kumsong-county-party-committee")."""
    text = text.replace("×", "x").replace("’", "").replace("'", "").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def ent(slug: str) -> str:
    return f"id:{slug}"


def lit(text: str, language: str | None = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{language}' if language else f'"{escaped}"'


def typed(value: str | int, datatype: str) -> str:
    return f'"{value}"^^xsd:{datatype}'


def decimal(value: int) -> str:
    return typed(str(value), "decimal")


_PLAIN = re.compile(r"^[A-Za-z0-9(\u2018-\u201d][^\n\t]*$")
_NUMERIC = re.compile(r"^[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?$|^0x[0-9a-fA-F]+$|^0o[0-7]+$")
_RESERVED = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}


def yaml_str(text: str, *, flow: bool = False) -> str:
    """The text as a YAML scalar: plain when that is unambiguous, else single- or double-quoted.

    Plain scalars keep the files readable like the curated seeds; anything YAML could read as another
    type (numbers, booleans, dates, ``key: value``, comments, indicators) is quoted."""
    plain = (
        _PLAIN.match(text)
        and ":" not in text
        and " #" not in text
        and not text.endswith(" ")
        and text.lower() not in _RESERVED
        and not _NUMERIC.match(text)
        and not (flow and any(c in text for c in ",[]{}"))
    )
    if plain:
        return text
    if "\n" not in text:
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def yaml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(yaml_str(i, flow=True) for i in items) + "]"


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


# ======================================================================================================
# The registry (entities.yaml)
# ======================================================================================================


@dataclass
class Entry:
    """One registry entity, as written to ``entities.yaml``."""

    id: str
    types: list[str]
    label: str
    alt: list[str] = field(default_factory=list)
    romanised: list[str] = field(default_factory=list)
    located_in: str | None = None
    sub_organization_of: str | None = None
    based_in: str | None = None
    note: str | None = None

    def triples(self) -> int:
        """Registry-graph triples the loader makes of this entry (registry_graph.registry_quads)."""
        refs = (self.located_in, self.sub_organization_of, self.based_in, self.note)
        return len(self.types) + 1 + len(self.alt) + len(self.romanised) + sum(r is not None for r in refs)

    def yaml(self) -> str:
        types = self.types[0] if len(self.types) == 1 else yaml_list(self.types)
        lines = [f"  - id: {self.id}", f"    type: {types}", f"    label: {yaml_str(self.label)}"]
        if self.alt:
            lines.append(f"    alt: {yaml_list(self.alt)}")
        if self.romanised:
            lines.append(f"    romanised: {yaml_list(self.romanised)}")
        for key in ("located_in", "sub_organization_of", "based_in"):
            value = getattr(self, key)
            if value:
                lines.append(f"    {key}: {value}")
        if self.note:
            lines.append(f"    note: {yaml_str(self.note)}")
        return "\n".join(lines)


@dataclass(frozen=True)
class EnterpriseKind:
    suffix: str
    types: tuple[str, ...]
    ministry: str  # slug of the ministry it answers to
    workers: str  # how the text names its workforce
    facility: bool  # a Facility (Factory/Mine): a place, needs located_in


ENTERPRISE_KINDS = (
    EnterpriseKind("Coal Mine", ("dkg:Mine", "dkg:StateEnterprise"), "ministry-of-coal-industry", "miners", True),
    EnterpriseKind("Iron Mine", ("dkg:Mine", "dkg:StateEnterprise"), "ministry-of-metal-industry", "miners", True),
    EnterpriseKind(
        "Textile Mill", ("dkg:Factory", "dkg:StateEnterprise"), "ministry-of-light-industry", "mill workers", True
    ),
    EnterpriseKind(
        "Foodstuff Factory", ("dkg:Factory", "dkg:StateEnterprise"), "ministry-of-light-industry", "workers", True
    ),
    EnterpriseKind(
        "Fish Processing Plant", ("dkg:Factory", "dkg:StateEnterprise"), "ministry-of-fisheries", "workers", True
    ),
    EnterpriseKind(
        "Chemical Factory", ("dkg:Factory", "dkg:StateEnterprise"), "ministry-of-chemical-industry", "workers", True
    ),
    EnterpriseKind(
        "Machine Complex", ("dkg:StateEnterprise",), "ministry-of-machine-building-industry", "workers", False
    ),
    EnterpriseKind("Cooperative Farm", ("dkg:Enterprise",), "ministry-of-agriculture", "farmers", False),
    EnterpriseKind(
        "Construction Enterprise", ("dkg:StateEnterprise",), "ministry-of-urban-management", "builders", False
    ),
    EnterpriseKind(
        "Power Station", ("dkg:Factory", "dkg:StateEnterprise"), "ministry-of-electric-power-industry", "workers", True
    ),
)

MINISTRIES = (
    "Ministry of State Security",
    "Ministry of Social Security",
    "Ministry of Coal Industry",
    "Ministry of Metal Industry",
    "Ministry of Light Industry",
    "Ministry of Fisheries",
    "Ministry of Chemical Industry",
    "Ministry of Machine-Building Industry",
    "Ministry of Agriculture",
    "Ministry of Urban Management",
    "Ministry of Electric Power Industry",
    "Ministry of Finance",
    "Ministry of Foreign Economic Relations",
    "Ministry of Land and Environment Protection",
)

# (label, whether it borders China, share of the country's counties)
PROVINCES = (
    ("North Pyongan Province", True, 12),
    ("South Pyongan Province", False, 12),
    ("Chagang Province", True, 9),
    ("North Hwanghae Province", False, 9),
    ("South Hwanghae Province", False, 10),
    ("Kangwon Province", False, 8),
    ("South Hamgyong Province", False, 10),
    ("North Hamgyong Province", True, 10),
    ("Ryanggang Province", True, 7),
    ("Rason Province", True, 2),
)

SYLLABLES = words(
    "an bong chang chol chon dan dok gang ha hae hung hwa hyang hyon jae jang jin ju kap kil kum kyong man "
    "mu myong nam ok pak pyok rak ri ryong sam san sin sok song su sun tae to tok ul un won yang yon yong "
    "chu pho hoe"
)
SURNAMES = words("Kim Ri Pak Choe Jong Kang Jo Yun Jang Han Sin Hwang O Ho Ryu Hong Mun Son Paek Yang Kwon Ko Song Cha")
GIVEN = words("chol ho myong su nam il sun gwang hyok jin yong ok hui mi song ryong chun un bok dok sok hyon")
OUTLETS = (
    "Border Dispatch",
    "Peninsula Monitor",
    "Yalu Wire",
    "Tumen Report",
    "North Star Review",
    "Korea Frontline",
    "Hamgyong Letters",
    "Pyongan Watch",
    "Inside Chosun Weekly",
    "Amnok Bulletin",
    "Eastern Sea Press",
    "Daedong Observer",
    "Jangmadang Times",
    "Paektu Notes",
    "Rajin Correspondent",
    "Kaema Plateau News",
    "Chongjin Files",
    "Sinuiju Brief",
    "Haeju Ledger",
    "Kangwon Courier",
    "Wonsan Digest",
    "Chagang Review",
    "Musan Monitor",
    "Hyesan Herald",
)
DATELINES = ("SEOUL", "TOKYO", "OSAKA", "DANDONG", "YANJI", "WASHINGTON")

POLICY_TEMPLATES = (
    ("dkg:DevelopmentPolicy", "{prov} Local Factory Programme", "build a modern local factory in each county"),
    ("dkg:EconomicPlan", "{prov} Rural Housing Plan", "replace the old houses of the cooperative farms of {prov}"),
    ("dkg:DevelopmentPolicy", "{prov} Fisheries Modernisation Plan", "modernise the fishing fleet and seafood plants"),
    ("dkg:IncentiveScheme", "{prov} Investor Incentive Scheme", "offer posts and trading rights to private investors"),
    ("dkg:Policy", "{prov} Light Industry Revival", "raise the output of consumer goods in local factories"),
    ("dkg:EconomicPlan", "{prov} Power Supply Plan", "bring steady electricity to every county seat"),
)


@dataclass(eq=False)
class Place:
    """A county or city of the registry, with the bodies and enterprises based there."""

    entry: Entry
    province: Province
    party_committee: Entry
    peoples_committee: Entry
    enterprises: list[tuple[Entry, EnterpriseKind]]
    official: tuple[Entry, str] | None  # a person and their role

    @property
    def label(self) -> str:
        return self.entry.label

    @property
    def is_county(self) -> bool:
        return self.entry.types[0] == "dkg:County"


@dataclass(eq=False)
class Province:
    entry: Entry
    short: str  # "North Hamgyong"
    borders_china: bool
    party_committee: Entry
    peoples_committee: Entry
    secretary: Entry
    fund: Entry
    places: list[Place] = field(default_factory=list)


@dataclass
class Policy:
    entry: Entry
    goal: str
    sites_per_year: int | None
    duration_years: int | None


@dataclass
class Publisher:
    entry: Entry
    journalists: list[Entry]


@dataclass(frozen=True)
class SharedEvent:
    """An event several documents speak of: introduced by each with the same label and the same facts."""

    slug: str
    cls: str
    label: str
    year: int
    month: int
    day: int
    speaker: str
    audience: str | None
    mention: str  # how a text names it, e.g. "In a speech to the Supreme People's Assembly on January 15"


@dataclass
class World:
    """The registry and the handles the document generator draws on."""

    entries: list[Entry]
    provinces: list[Province]
    places: list[Place]
    publishers: list[Publisher]
    policies: list[Policy]
    funds: list[Entry]
    ministries: dict[str, Entry]
    shared_events: dict[int, list[SharedEvent]]  # by year

    def registry_triples(self) -> int:
        return sum(e.triples() for e in self.entries)


class Names:
    """Unique invented names, so every slug of the registry is distinct."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def place(self) -> str:
        for attempt in range(200):
            parts = 2 if attempt < 100 else 3
            name = "".join(self.rng.choice(SYLLABLES) for _ in range(parts)).capitalize()
            if name not in self.used and 4 <= len(name) <= 12:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of place names")

    def person(self) -> str:
        for _ in range(1000):
            given = self.rng.choice(GIVEN) + "-" + self.rng.choice(GIVEN)
            name = f"{self.rng.choice(SURNAMES)} {given.capitalize()}"
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of person names")


def build_world(planned_documents: int, seed: str) -> World:
    """The registry, sized with the corpus: about one county or city per two documents (60 to 4,000)."""
    rng = Random(f"{seed}:registry")
    names = Names(rng)
    entries: list[Entry] = []

    def add(entry: Entry) -> Entry:
        entries.append(entry)
        return entry

    add(Entry("north-korea", ["dkg:Country"], "North Korea", alt=["DPRK", "Democratic People's Republic of Korea"]))
    add(Entry("china", ["dkg:Country"], "China", alt=["People's Republic of China"]))
    add(Entry("russia", ["dkg:Country"], "Russia"))
    add(
        Entry(
            "chinese-side-of-the-border",
            ["dkg:Region"],
            "Chinese side of the China–North Korea border",
            located_in="china",
        )
    )
    add(
        Entry(
            "rural-areas", ["dkg:Region"], "rural areas of North Korea", alt=["rural areas"], located_in="north-korea"
        )
    )
    for river in ("Yalu River", "Tumen River", "Taedong River", "Chongchon River"):
        add(Entry(slugify(river), ["dkg:River"], river))
    wpk = add(
        Entry("workers-party-of-korea", ["dkg:PoliticalParty"], "Workers' Party of Korea", alt=["WPK", "the Party"])
    )
    add(
        Entry(
            "wpk-central-committee",
            ["dkg:CentralCommittee"],
            "Central Committee of the Workers' Party of Korea",
            alt=["the Central Committee"],
            sub_organization_of=wpk.id,
        )
    )
    government = add(
        Entry(
            "government-of-north-korea",
            ["dkg:CentralGovernment"],
            "Government of North Korea",
            alt=["the central government", "the state"],
        )
    )
    add(Entry("supreme-peoples-assembly", ["dkg:Legislature"], "Supreme People's Assembly", alt=["SPA"]))
    add(
        Entry(
            "socialist-patriotic-youth-league",
            ["dkg:YouthOrganization"],
            "Socialist Patriotic Youth League",
            alt=["Youth League"],
        )
    )
    add(
        Entry(
            "korean-central-broadcasting-station",
            ["dkg:Broadcaster"],
            "Korean Central Broadcasting Station",
            alt=["KCBS"],
        )
    )
    add(Entry("kim-jong-un", ["dkg:Person"], "Kim Jong Un", alt=["Kim Jong-un"]))
    add(Entry("donju", ["dkg:SocialClass"], "donju", alt=["money masters"]))
    add(
        Entry(
            CURATORS,
            ["dkg:Curator"],
            "dprk-kg curators",
            note="The people who curate the claims files; inferred claims are attributed to them.",
        )
    )
    ministries = {
        slugify(m): add(Entry(slugify(m), ["dkg:Ministry"], m, sub_organization_of=government.id)) for m in MINISTRIES
    }

    policies = [
        Policy(
            add(
                Entry(
                    "20x10-regional-development-policy",
                    ["dkg:DevelopmentPolicy"],
                    "20×10 Regional Development Policy",
                    alt=["20×10 policy", "20x10 policy"],
                )
            ),
            "build modern local factories in 20 cities and counties every year for ten years",
            20,
            10,
        ),
        Policy(
            add(
                Entry(
                    "five-year-economic-plan", ["dkg:EconomicPlan"], "Five-year economic plan", alt=["five-year plan"]
                )
            ),
            "develop the national economy over five years",
            None,
            5,
        ),
        Policy(
            add(Entry("regional-development", ["dkg:Policy"], "regional development")),
            "close the gap between the capital and the provinces",
            None,
            None,
        ),
    ]
    funds = [
        add(
            Entry(
                "kim-il-sung-and-kim-jong-il-loyalty-fund",
                ["dkg:Fund"],
                "Kim Il Sung and Kim Jong Il Loyalty Fund",
                alt=["Loyalty Fund"],
            )
        )
    ]

    provinces: list[Province] = []
    for label, borders, _share in PROVINCES:
        short = label.removesuffix(" Province")
        p_entry = add(Entry(slugify(label), ["dkg:Province"], label, alt=[short], located_in="north-korea"))
        ppc = add(
            Entry(
                slugify(f"{short} Provincial Party Committee"),
                ["dkg:ProvincialPartyCommittee"],
                f"{short} Provincial Party Committee",
                sub_organization_of=wpk.id,
                based_in=p_entry.id,
            )
        )
        ppeople = add(
            Entry(
                slugify(f"{short} Provincial People's Committee"),
                ["dkg:PeoplesCommittee"],
                f"{short} Provincial People's Committee",
                sub_organization_of=government.id,
                based_in=p_entry.id,
            )
        )
        person = names.person()
        secretary = add(
            Entry(
                slugify(person),
                ["dkg:Person"],
                person,
                based_in=p_entry.id,
                note=f"Chief secretary of the {short} Provincial Party Committee (fictitious).",
            )
        )
        fund = add(
            Entry(slugify(f"{short} Regional Development Fund"), ["dkg:Fund"], f"{short} Regional Development Fund")
        )
        funds.append(fund)
        provinces.append(Province(p_entry, short, borders, ppc, ppeople, secretary, fund))

    total_places = clamp(planned_documents // 2, 60, 4000)
    weights = [share for _, _, share in PROVINCES]
    for _ in range(total_places):
        province = rng.choices(provinces, weights=weights)[0]
        name = names.place()
        county = rng.random() < 0.8
        if county:
            place_entry = Entry(
                slugify(f"{name} County"),
                ["dkg:County"],
                f"{name} County",
                romanised=[f"{name}-gun"],
                located_in=province.entry.id,
            )
        else:
            types = ["dkg:City", "dkg:BorderCity"] if province.borders_china and rng.random() < 0.4 else ["dkg:City"]
            place_entry = Entry(slugify(name), types, name, romanised=[f"{name}-si"], located_in=province.entry.id)
        add(place_entry)
        level = "County" if county else "City"
        committee_type = "dkg:CountyPartyCommittee" if county else "dkg:MunicipalPartyCommittee"
        pc = add(
            Entry(
                slugify(f"{name} {level} Party Committee"),
                [committee_type],
                f"{name} {level} Party Committee",
                sub_organization_of=province.party_committee.id,
                based_in=place_entry.id,
            )
        )
        people = add(
            Entry(
                slugify(f"{name} {level} People's Committee"),
                ["dkg:PeoplesCommittee"],
                f"{name} {level} People's Committee",
                sub_organization_of=province.peoples_committee.id,
                based_in=place_entry.id,
            )
        )
        enterprises = []
        for kind in rng.sample(ENTERPRISE_KINDS, 1 + (rng.random() < 0.5)):
            label = f"{name} {kind.suffix}"
            enterprise = Entry(slugify(label), list(kind.types), label, sub_organization_of=kind.ministry)
            if kind.facility:
                enterprise.located_in = place_entry.id
            else:
                enterprise.based_in = place_entry.id
            enterprises.append((add(enterprise), kind))
        official = None
        if rng.random() < 0.5:
            person = names.person()
            role = f"the chief secretary of the {pc.label}"
            official = (
                add(
                    Entry(
                        slugify(person),
                        ["dkg:Person"],
                        person,
                        based_in=place_entry.id,
                        note=f"Chief secretary of the {pc.label} (fictitious).",
                    )
                ),
                role,
            )
        place = Place(place_entry, province, pc, people, enterprises, official)
        province.places.append(place)
    places = [p for province in provinces for p in province.places]
    for province in provinces:  # every province needs places for the stories set in it
        if not province.places:
            province.places.append(places[0])

    publishers = []
    for outlet in OUTLETS[: clamp(4 + planned_documents // 250, 4, len(OUTLETS))]:
        publisher = add(
            Entry(
                slugify(outlet),
                ["dkg:NewsPublisher"],
                outlet,
                note="A fictitious outlet of the synthetic benchmark corpus.",
            )
        )
        journalists = []
        for _ in range(rng.randint(2, 5)):
            person = names.person()
            journalists.append(add(Entry(slugify(person), ["dkg:Journalist"], person, alt=[person.upper()])))
        publishers.append(Publisher(publisher, journalists))

    extra_policies = clamp(3 + planned_documents // 150, 3, 60)
    for index in range(extra_policies):
        province = provinces[index % len(provinces)]
        cls, label, goal = POLICY_TEMPLATES[(index // len(provinces)) % len(POLICY_TEMPLATES)]
        round_ = index // (len(provinces) * len(POLICY_TEMPLATES))
        label = label.format(prov=province.short) + (f" ({round_ + 1})" if round_ else "")
        entry = add(Entry(slugify(label), [cls], label, located_in=None))
        sites = rng.randint(2, 12) if cls == "dkg:DevelopmentPolicy" else None
        policies.append(Policy(entry, goal.format(prov=province.short), sites, rng.choice((3, 5, 10))))

    for index in range(clamp(planned_documents // 500, 1, 20)):
        label = f"Local Industry Support Fund No. {index + 1}"
        funds.append(add(Entry(slugify(label), ["dkg:Fund"], label)))

    shared: dict[int, list[SharedEvent]] = {year: [] for year in YEARS}
    for index in range(clamp(8 + planned_documents // 40, 8, 300)):
        year = YEARS[index % len(YEARS)]
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        when = f"{MONTHS[month - 1]} {day}"
        if index % 3 == 0:
            event = SharedEvent(
                f"kim-jong-un-speech-{year}-{month:02d}-{day:02d}",
                "dkg:Speech",
                f"Kim Jong Un's speech to the Supreme People's Assembly, {when}, {year}",
                year,
                month,
                day,
                "kim-jong-un",
                "supreme-peoples-assembly",
                f"In a speech to the Supreme People's Assembly on {when}",
            )
        elif index % 3 == 1:
            event = SharedEvent(
                f"wpk-plenary-meeting-{year}-{month:02d}-{day:02d}",
                "dkg:Meeting",
                f"Plenary meeting of the WPK Central Committee, {when}, {year}",
                year,
                month,
                day,
                "wpk-central-committee",
                None,
                f"At the plenary meeting of the Party Central Committee on {when}",
            )
        else:
            province = provinces[index % len(provinces)]
            event = SharedEvent(
                f"{province.party_committee.id}-meeting-{year}-{month:02d}-{day:02d}",
                "dkg:Meeting",
                f"Enlarged meeting of the {province.party_committee.label}, {when}, {year}",
                year,
                month,
                day,
                province.party_committee.id,
                None,
                f"At an enlarged meeting of the {province.party_committee.label} on {when}",
            )
        if all(e.slug != event.slug for e in shared[year]):
            shared[year].append(event)

    return World(entries, provinces, places, publishers, policies, funds, ministries, shared)


def write_registry(world: World, path: Path) -> None:
    header = (
        "# The entity registry of a SYNTHETIC benchmark corpus, generated by benchmarks/generate.py.\n"
        "# Counties, cities, enterprises, people and outlets are invented; the country, provinces, central\n"
        "# bodies and policies are real names used as scaffolding. No Hangul labels or Wikidata QIDs are\n"
        "# given, as none could be verified. Format: see seeds/README.md.\n\nentities:\n\n"
    )
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(header)
        handle.write("\n\n".join(e.yaml() for e in world.entries))
        handle.write("\n")


# ======================================================================================================
# Documents
# ======================================================================================================

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

    @property
    def estimate(self) -> float:
        return self.asserted + self.provenance + INFERRED_PER_ASSERTED * self.asserted


class DocumentWriter:
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
        **fields: str | None,
    ) -> None:
        n = self.claim_ids.get(kind, 0) + 1
        self.claim_ids[kind] = n
        claim_id = kind if n == 1 else f"{kind}-{n}"
        unique = list(dict.fromkeys(triples))  # a triple twice in one claim would break assertsTriples
        self.claims.append(Claim(claim_id, quotes if isinstance(quotes, list) else [quotes], unique, **fields))

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

    # --- episodes: each adds a paragraph (or two) and the claims it supports ------------------------------
    def ep_photo(self) -> bool:
        """A photo caption: a registry facility under renovation, photographed from across the border."""
        facilities = [(e, k, p) for p in self.places for e, k in p.enterprises if k.facility]
        if not facilities:
            return False
        entry, _kind, place = self.rng.choice(facilities)
        journalist = self.rng.choice(self.authors or self.publisher.journalists)
        month = self.rng.randint(1, 12)
        year = self.year - self.rng.randint(0, 4)
        adjective = self.rng.choice(("long-abandoned", "half-finished", "run-down", "tattered"))
        first = f"A view of the {adjective} {entry.label}, which is currently undergoing renovations."
        second = (
            f"Photographed by {journalist.label} from the Chinese side of the border across from "
            f"{self.province.entry.label} in {MONTHS[month - 1]} {year}."
        )
        p = self.para(f"{first} {second}")
        renovation = self.slug(f"renovation of {entry.label}")
        self.claim(
            "renovation",
            p.q(first),
            [
                (ent(entry.id), "dkg:facilityStatus", "dkg:UnderRenovation"),
                (ent(entry.id), "dkg:characterisedAs", lit(adjective)),
                (ent(renovation), "a", "dkg:Renovation"),
                (ent(renovation), "rdfs:label", lit(f"Renovation of the {entry.label}")),
                (ent(renovation), "dkg:builds", ent(entry.id)),
                (ent(renovation), "dkg:place", ent(place.entry.id)),
                (ent(renovation), "dkg:eventStatus", "dkg:Ongoing"),
            ],
        )
        photo = self.slug(f"photo of {entry.label} {year}")
        self.claim(
            "photo",
            p.q(second),
            [
                (ent(photo), "a", "dkg:Photograph"),
                (
                    ent(photo),
                    "rdfs:label",
                    lit(f"{journalist.label}'s photograph of the {entry.label}, {MONTHS[month - 1]} {year}"),
                ),
                (ent(photo), "dkg:photographer", ent(journalist.id)),
                (ent(photo), "dkg:depicts", ent(entry.id)),
                (ent(photo), "dkg:takenFrom", ent("chinese-side-of-the-border")),
                (ent(photo), "dkg:date", typed(f"{year}-{month:02d}", "gYearMonth")),
            ],
        )
        if self.rng.random() < 0.5:
            self.claim(
                "renovation-possibly-policy",
                [p.q("which is currently undergoing renovations")],
                [(ent(renovation), "dkg:implements", ent(self.policy.entry.id))],
                status="inferred",
                modality="possible",
                basis=(
                    f"The report illustrates the {self.policy.entry.label} with this renovation but does "
                    "not say that the renovation belongs to it."
                ),
            )
        if self.photo_basis is None:
            self.photo_basis = f"its photograph caption is dated {MONTHS[month - 1]} {year}"
        return True

    def ep_lead(self) -> bool:
        """The lead: the policy the report is about, and the sites of the new factories."""
        first, second = self.places[0], self.places[1] if len(self.places) > 1 else self.places[0]
        names = f"{first.label} and {second.label}" if first is not second else first.label
        dateline = f"{self.dateline} — " if self.dateline else ""
        lead = (
            f"{self.province.entry.label}’s {names} will be sites for new factories under the "
            f"{self.policy.entry.label}, {self.pub} has learned."
        )
        byline = ""
        if self.authors:
            byline = " (By " + " / ".join(a.label.upper() for a in self.authors) + ")"
        p = self.para(f"{dateline}{lead}{byline}")
        announcement = self.slug(f"announcement of new factory sites in {self.province.short}")
        triples = [
            (ent(announcement), "a", "dkg:Announcement"),
            (
                ent(announcement),
                "rdfs:label",
                lit(f"Announcement of new factory sites in {self.province.entry.label} ({self.pub} report {self.id})"),
            ),
            (ent(announcement), "dkg:announces", ent(self.policy.entry.id)),
        ]
        for place in dict.fromkeys((first, second)):
            construction, introductions = self.new_construction(place)
            construction.mention = p.q(lead)
            triples.extend(
                [
                    *introductions,
                    (ent(announcement), "dkg:announces", ent(construction.factory)),
                    (ent(construction.factory), "dkg:facilityStatus", "dkg:PlannedFacility"),
                ]
            )
        self.claim("new-factory-sites", p.q(lead), triples)
        return True

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

    def ep_source_partner(self) -> bool:
        place = self.rng.choice(self.places)
        if any(s.place is place for s in self.sources):
            return False
        entry, _kind, _ = self.enterprise(place)
        sentence = (
            f"{self.pub} spoke to a reporting partner in {place.label}, {self.province.entry.label}, "
            f"who works at the {entry.label}."
        )
        p = self.para(sentence)
        slug = self.slug(f"{self.pub} partner in {place.label}")
        label = f"{self.pub} reporting partner in {place.label}"
        self.claim(
            "partner-in-" + slugify(place.label),
            p.q(sentence),
            [
                (ent(slug), "a", "dkg:ReportingPartner"),
                (ent(slug), "rdfs:label", lit(label)),
                (ent(slug), "dkg:basedIn", ent(place.entry.id)),
                (ent(slug), "dkg:employedBy", ent(entry.id)),
            ],
        )
        interview = self.slug(f"interview with partner in {place.label}")
        self.claim(
            "interview-in-" + slugify(place.label),
            p.q(f"{self.pub} spoke to a reporting partner in {place.label}"),
            [
                (ent(interview), "a", "dkg:Interview"),
                (
                    ent(interview),
                    "rdfs:label",
                    lit(f"{self.pub}'s interview with its reporting partner in {place.label}"),
                ),
                (ent(interview), "dkg:agent", ent(self.publisher.entry.id)),
                (ent(interview), "dkg:participant", ent(slug)),
                (ent(interview), "dkg:concerns", ent(self.policy.entry.id)),
            ],
        )
        self.sources.append(Source(slug, label, f"the reporting partner in {place.label}", "the partner", place))
        return True

    def ep_source_resident(self) -> bool:
        place = self.rng.choice(self.places)
        if any(s.place is place for s in self.sources):
            return False
        where = self.place_phrase(place)
        sentence = f"{self.pub} also heard from a resident of {where}, who asked not to be named."
        p = self.para(sentence)
        slug = self.slug(f"{self.pub} resident of {place.label}")
        label = f"{self.pub}'s source, a resident of {place.label}"
        self.claim(
            "resident-of-" + slugify(place.label),
            p.q(sentence),
            [
                (ent(slug), "a", "dkg:Resident"),
                (ent(slug), "rdfs:label", lit(label)),
                (ent(slug), "dkg:residentOf", ent(place.entry.id)),
            ],
        )
        self.sources.append(Source(slug, label, f"a resident of {where}", "the resident", place))
        return True

    def ep_source_official(self) -> bool:
        if any(s.short == "the official" for s in self.sources):
            return False
        body = self.province.peoples_committee
        sentence = (
            f"An official of the {body.label}, speaking on condition of anonymity, gave {self.pub} further details."
        )
        p = self.para(sentence)
        slug = self.slug(f"{self.pub} source in {body.label}")
        label = f"{self.pub}'s source, an official of the {body.label}"
        self.claim(
            "official-source",
            p.q(sentence),
            [
                (ent(slug), "a", "dkg:AnonymousSource"),
                (ent(slug), "rdfs:label", lit(label)),
                (ent(slug), "dkg:basedIn", ent(self.province.entry.id)),
                (ent(slug), "dkg:employedBy", ent(body.id)),
            ],
        )
        self.sources.append(Source(slug, label, f"the official of the {body.label}", "the official", self.places[0]))
        return True

    def ep_mobilisation(self) -> bool:
        """The core story: workers of an enterprise sent to build a factory."""
        src = self.source()
        entry, kind, _home = self.enterprise()
        if self.constructions and self.rng.random() < 0.6:
            construction = self.rng.choice(self.constructions)
            introductions: list[tuple[str, str, str]] = []
        else:
            construction, introductions = self.new_construction(self.rng.choice(self.places))
        when = self.when()
        verb = self.rng.choice(MOBILISED)
        with_counts = self.rng.random() < 0.5
        n_min = self.rng.choice((50, 80, 100, 150, 200, 300, 400, 500, 800, 1000))
        n_max = n_min + self.rng.choice((20, 50, 100, 200))
        months = self.rng.randint(1, 6)
        lead = f"{when.start}, {src.phrase} reported that"
        workers = (
            f"{n_min:,} to {n_max:,} {kind.workers} from the {entry.label}"
            if with_counts
            else f"{kind.workers} from the {entry.label}"
        )
        core = f"{workers} had been {verb}"
        shift = f"for {NUMBER_WORDS[months]}-month shifts"
        build = f"to build {article(construction.product)} {construction.product} factory in {construction.place.label}"
        with_shift = self.rng.random() < 0.6
        sentence = f"{lead} {core} {shift + ' ' if with_shift else ''}{build}."
        p = self.para(sentence)
        if introductions:
            construction.mention = p.q(build)

        mob = self.slug(f"mobilisation of {entry.label} workers")
        label = f"Mobilisation of {kind.workers} of the {entry.label} to build the {construction.factory_label}"
        workforce = self.workforces.get(entry.id)
        workforce_triples: list[tuple[str, str, str]] = []
        if workforce is None:
            workforce = self.workforces[entry.id] = self.slug(f"{entry.label} {kind.workers}")
            workforce_triples = [
                (ent(workforce), "a", "dkg:Workforce"),
                (ent(workforce), "rdfs:label", lit(f"{kind.workers.capitalize()} of the {entry.label}")),
                (ent(workforce), "dkg:employedBy", ent(entry.id)),
            ]
        report = self.slug(f"report of {src.label} on {entry.label}")
        mobilisation = Mobilisation(mob, label, entry, construction.place, construction, src)
        self.mobilisations.append(mobilisation)
        self.claim(
            "source-reported",
            p.q(lead),
            [
                (ent(report), "a", "dkg:Report"),
                (ent(report), "rdfs:label", lit(f"Report of {src.label} on the mobilisation at the {entry.label}")),
                (ent(report), "dkg:agent", ent(src.slug)),
                *self.date_triples(ent(report), when),
                (ent(report), "dkg:reportsOn", ent(mob)),
            ],
        )
        self.year_claim("source-reported-year", p.q(lead), ent(report), when)
        self.claim(
            "workers-mobilised",
            p.q(core),
            [
                (ent(mob), "a", "dkg:LabourMobilisation"),
                (ent(mob), "rdfs:label", lit(label)),
                (ent(mob), "dkg:mobilises", ent(workforce)),
                (ent(mob), "dkg:implements", ent(self.policy.entry.id)),
                (ent(mob), "dkg:eventStatus", "dkg:Begun"),
                *workforce_triples,
            ],
            status="reported",
            attributed_to=src.slug,
        )
        mobilisation.facts.add("eventStatus")
        if with_counts:
            self.claim(
                "mobilisation-size",
                p.q(workers),
                [
                    (ent(mob), "dkg:participantCountMin", str(n_min)),
                    (ent(mob), "dkg:participantCountMax", str(n_max)),
                ],
                status="reported",
                attributed_to=src.slug,
            )
            mobilisation.facts.add("counts")
        if with_shift:
            self.claim(
                "mobilisation-shifts",
                p.q(shift),
                [
                    (ent(mob), "dkg:shiftLength", typed(f"P{months}M", "duration")),
                ],
                status="reported",
                modality="planned",
                attributed_to=src.slug,
            )
        self.claim(
            "mobilisation-purpose",
            p.q(build),
            [
                *introductions,
                (ent(mob), "dkg:purpose", ent(construction.slug)),
                (ent(mob), "dkg:place", ent(construction.place.entry.id)),
            ],
            status="reported",
            attributed_to=src.slug,
        )
        return True

    def ep_size(self) -> bool:
        candidates = [m for m in self.mobilisations if "counts" not in m.facts]
        if not candidates:
            return False
        mob = self.rng.choice(candidates)
        hedge = self.rng.choice(HEDGES)
        units = self.rng.randint(1, 4)
        unit = self.rng.choice(UNITS)
        per_unit = self.rng.choice((150, 200, 250, 300))
        low, high = units * per_unit, units * per_unit + self.rng.choice((50, 100))
        unit_text = f"{NUMBER_WORDS[units]} {unit if units == 1 else UNIT_PLURALS[unit]}"
        sentence = (
            f"The number of workers from the {mob.enterprise.label} {hedge} about {unit_text}, "
            f"with {low:,} to {high:,} people."
        )
        p = self.para(sentence)
        self.claim(
            "mobilisation-size",
            p.q(sentence),
            [
                (ent(mob.slug), "dkg:unitCount", str(units)),
                (ent(mob.slug), "dkg:unitType", lit(unit)),
                (ent(mob.slug), "dkg:participantCountMin", str(low)),
                (ent(mob.slug), "dkg:participantCountMax", str(high)),
                (ent(mob.slug), "dkg:approximate", "true"),
            ],
            status="reported",
            hedge=hedge,
            attributed_to=mob.source.slug,
        )
        mob.facts.add("counts")
        return True

    def ep_selection(self) -> bool:
        if not self.mobilisations:
            return False
        mob = self.rng.choice(self.mobilisations)
        when = self.when(explicit=0.0) if self.rng.random() < 0.5 else None
        tail = f"began {when.phrase}" if when else "has already begun"
        sentence = (
            f"At the {mob.enterprise.label}, the selection of people for the "
            f"{mob.construction.place.label} site {tail}."
        )
        p = self.para(sentence)
        selection = self.slug(f"selection of {mob.enterprise.label} workers")
        triples = [
            (ent(selection), "a", "dkg:Recruitment"),
            (ent(selection), "rdfs:label", lit(f"Selection of {mob.enterprise.label} workers for mobilisation")),
            (ent(selection), "dkg:partOf", ent(mob.slug)),
            (ent(selection), "dkg:eventStatus", "dkg:Begun"),
        ]
        if when:
            triples.extend(self.date_triples(ent(selection), when))
        self.claim("selection-begun", p.q(sentence), triples, status="reported", attributed_to=mob.source.slug)
        if when:
            self.year_claim("selection-year", p.q(sentence), ent(selection), when)
        return True

    def ep_shock_troops(self) -> bool:
        if not self.mobilisations:
            return False
        mob = self.rng.choice(self.mobilisations)
        place = mob.construction.place
        first = (
            f"At the {mob.enterprise.label}, there are 'party members' and 'youth league shock troops' who will "
            f"work on the {place.label} site"
        )
        second = "meetings are being organized to encourage people to volunteer for enlistment"
        p = self.para(f"{first}, and {second} in these groups.")
        party = self.slug(f"party members shock troop of {mob.enterprise.label}")
        youth = self.slug(f"youth league shock troop of {mob.enterprise.label}")
        meeting = self.slug(f"enlistment meetings at {mob.enterprise.label}")
        base = mob.enterprise.based_in or mob.enterprise.located_in
        self.claim(
            "shock-troops",
            p.q(first),
            [
                (ent(party), "a", "dkg:ShockTroop"),
                (ent(party), "rdfs:label", lit(f"party members' shock troop of the {mob.enterprise.label}")),
                (ent(party), "dkg:recruitedFrom", ent("workers-party-of-korea")),
                (ent(party), "dkg:basedIn", ent(base or place.entry.id)),
                (ent(youth), "a", "dkg:ShockTroop"),
                (ent(youth), "rdfs:label", lit(f"youth league shock troop of the {mob.enterprise.label}")),
                (ent(youth), "dkg:recruitedFrom", ent("socialist-patriotic-youth-league")),
                (ent(mob.slug), "dkg:mobilises", ent(party)),
                (ent(mob.slug), "dkg:mobilises", ent(youth)),
            ],
            status="reported",
            attributed_to=mob.source.slug,
        )
        self.claim(
            "enlistment-meetings",
            p.q(second),
            [
                (ent(meeting), "a", "dkg:Meeting"),
                (ent(meeting), "rdfs:label", lit(f"Meetings at the {mob.enterprise.label} urging people to volunteer")),
                (ent(meeting), "dkg:purposeText", lit("to encourage people to volunteer for enlistment")),
                (ent(meeting), "dkg:purpose", ent(party)),
                (ent(meeting), "dkg:purpose", ent(youth)),
                (ent(meeting), "dkg:eventStatus", "dkg:Ongoing"),
            ],
            status="reported",
            attributed_to=mob.source.slug,
        )
        return True

    def ep_department(self) -> bool:
        if not self.constructions:
            return False
        construction = self.rng.choice(self.constructions)
        committee = construction.place.party_committee
        if f"department-{committee.id}" in self.used_lines:
            return False
        self.used_lines.add(f"department-{committee.id}")
        purpose = f"to organize material support for the construction in {construction.place.label}"
        sentence = f"A specialized department has been created in the {committee.label} {purpose}."
        p = self.para(sentence)
        department = self.slug(f"{committee.label} construction support department")
        self.claim(
            "party-department",
            p.q(sentence),
            [
                (ent(department), "a", "dkg:PartyDepartment"),
                (
                    ent(department),
                    "rdfs:label",
                    lit(f"Department of the {committee.label} for material support of the construction"),
                ),
                (ent(department), "org:subOrganizationOf", ent(committee.id)),
                (ent(department), "dkg:purposeText", lit(purpose)),
                (ent(department), "dkg:purpose", ent(construction.slug)),
            ],
            status="reported",
            attributed_to=self.source().slug,
        )
        return True

    def ep_cadres(self) -> bool:
        if not self.mobilisations:
            return False
        mob = self.rng.choice(self.mobilisations)
        content, verb_phrase = self.rng.choice(CADRE_LINES)
        place = mob.construction.place
        key = f"cadres-{place.entry.id}-{content}"
        if key in self.used_lines:
            return False
        self.used_lines.add(key)
        sentence = f"Cadres in {place.label} {verb_phrase}."
        p = self.para(f"“{sentence}”" if self.rng.random() < 0.5 else sentence)
        group = self.slug(f"cadres in {place.label}")
        statement = self.slug(f"statement of cadres in {place.label}")
        self.claim(
            "cadres-statement",
            p.q(sentence),
            [
                (ent(statement), "a", "dkg:Statement"),
                (ent(statement), "rdfs:label", lit(f"Statement of cadres in {place.label} that {content}")),
                (ent(statement), "dkg:speaker", ent(group)),
                (ent(statement), "dkg:content", lit(content)),
                (ent(statement), "dkg:concerns", ent(mob.slug)),
                (ent(group), "a", "dkg:Group"),
                (ent(group), "rdfs:label", lit(f"cadres in {place.label}")),
                (ent(group), "dkg:basedIn", ent(place.entry.id)),
            ],
            status="reported",
            attributed_to=mob.source.slug,
        )
        return True

    def ep_instruction(self) -> bool:
        if not self.constructions:
            return False
        construction = self.rng.choice(self.constructions)
        place = construction.place
        speaker, role = place.official or (
            self.province.secretary,
            f"the chief secretary of the {self.province.party_committee.label}",
        )
        n = self.rng.choice((100, 200, 300, 500, 1000))
        month = MONTHS[self.rng.randint(self.month - 1, 11)]
        task = f"to send {n:,} workers to the {construction.product} factory site by the end of {month}"
        key = f"instruction-{place.entry.id}-{n}-{month}"
        if key in self.used_lines:
            return False
        self.used_lines.add(key)
        sentence = f"{speaker.label}, {role}, ordered the {place.peoples_committee.label} {task}."
        src = self.source()
        p = self.para(f"{sentence} {src.short.capitalize()} said the order came without any budget.")
        instruction = self.slug(f"instruction of {speaker.label} on workers for {place.label}")
        self.claim(
            "instruction",
            p.q(sentence),
            [
                (ent(instruction), "a", "dkg:Instruction"),
                (
                    ent(instruction),
                    "rdfs:label",
                    lit(f"{speaker.label}'s order to send workers to the site in {place.label}"),
                ),
                (ent(instruction), "dkg:speaker", ent(speaker.id)),
                (ent(instruction), "dkg:addressee", ent(place.peoples_committee.id)),
                (ent(instruction), "dkg:content", lit(task)),
                (ent(instruction), "dkg:purpose", ent(construction.slug)),
            ],
            status="reported",
            attributed_to=src.slug,
        )
        self.claim(
            "instruction-responsibility",
            p.q(task),
            [
                (ent(place.peoples_committee.id), "dkg:responsibleFor", ent(construction.slug)),
                (ent(place.peoples_committee.id), "dkg:responsibilityText", lit(task)),
            ],
            status="reported",
            modality="instructed",
            attributed_to=src.slug,
        )
        return True

    def ep_donation(self) -> bool:
        place = self.rng.choice(self.places)
        body = place.peoples_committee
        group_text, group_label = self.rng.choice(GROUPS)
        fund = self.rng.choice((self.province.fund, *self.world.funds[:1]))
        key = f"donation-{body.id}-{group_text}"
        if key in self.used_lines:
            return False
        self.used_lines.add(key)
        amount = self.rng.choice((50_000, 100_000, 200_000, 300_000, 500_000, 1_000_000))
        sentence = (
            f"The {body.label} has launched a campaign asking {group_text} to donate {amount:,} won each "
            f"to the {fund.label}."
        )
        p = self.para(sentence)
        campaign = self.slug(f"donation campaign of {body.label}")
        group = self.slug(f"{group_label} of {place.label}")
        src = self.source()
        triples = [
            (ent(campaign), "a", "dkg:DonationCampaign"),
            (ent(campaign), "rdfs:label", lit(f"Donation campaign of the {body.label} for the {fund.label}")),
            (ent(campaign), "dkg:organiser", ent(body.id)),
            (ent(campaign), "dkg:targets", ent(group)),
            (ent(campaign), "dkg:raisesFundsFor", ent(fund.id)),
            (ent(campaign), "dkg:eventStatus", "dkg:Ongoing"),
            (ent(campaign), "dkg:amount", decimal(amount)),
            (ent(campaign), "dkg:currency", lit("KPW", None)),
            (ent(group), "a", "dkg:Group"),
            (ent(group), "rdfs:label", lit(f"{group_label} of {place.label}")),
            (ent(group), "dkg:basedIn", ent(place.entry.id)),
        ]
        self.claim(
            "donation-campaign",
            p.q(sentence),
            triples,
            status="reported",
            attributed_to=src.slug,
            note="The amount is asked of each donor; it is recorded on the campaign.",
        )
        self.campaigns.append(campaign)
        if group_text in ("wealthy traders", "money lenders"):
            self.claim(
                "donors-are-donju",
                p.q(f"asking {group_text}"),
                [(ent(campaign), "dkg:targets", ent("donju"))],
                status="inferred",
                modality="possible",
                basis=(
                    f"The report does not name the class, but {group_text} who can give {amount:,} won are "
                    "taken to be, or to include, the donju."
                ),
            )
        if self.constructions and self.rng.random() < 0.5:
            construction = self.rng.choice(self.constructions)
            self.claim(
                "donation-funds-construction",
                [p.q(sentence), *([construction.mention] if construction.mention else [])],
                [
                    (ent(campaign), "dkg:funds", ent(construction.slug)),
                ],
                status="inferred",
                modality="possible",
                basis=(
                    f"The campaign and the construction of the {construction.factory_label} are reported side by "
                    "side; the text does not say that the money pays for it."
                ),
            )
        return True

    def ep_funding(self) -> bool:
        if not self.constructions:
            return False
        construction = self.rng.choice(self.constructions)
        ministry = self.world.ministries.get(self.rng.choice(FUNDING_MINISTRIES))
        if ministry is None or f"funding-{construction.slug}" in self.used_lines:
            return False
        self.used_lines.add(f"funding-{construction.slug}")
        millions = self.rng.choice((5, 10, 20, 50, 80, 120))
        body = construction.place.peoples_committee
        sentence = (
            f"The {ministry.label} is expected to provide about {millions} million won for the "
            f"{construction.factory_label}, with the rest to be raised by the {body.label}."
        )
        p = self.para(sentence)
        arrangement = self.slug(f"funding of {construction.factory_label}")
        self.claim(
            "central-funding",
            p.q(sentence),
            [
                (ent(arrangement), "a", "dkg:FundingArrangement"),
                (
                    ent(arrangement),
                    "rdfs:label",
                    lit(f"Funding of the {construction.factory_label} by the {ministry.label}"),
                ),
                (ent(arrangement), "dkg:funder", ent(ministry.id)),
                (ent(arrangement), "dkg:funds", ent(construction.slug)),
                (ent(arrangement), "dkg:beneficiary", ent(body.id)),
                (ent(arrangement), "dkg:amount", decimal(millions * 1_000_000)),
                (ent(arrangement), "dkg:currency", lit("KPW", None)),
                (ent(arrangement), "dkg:approximate", "true"),
            ],
            status="reported",
            modality="expected",
            hedge="about",
            attributed_to=self.source().slug,
        )
        return True

    def ep_opinion(self) -> bool:
        subjects = [m.slug for m in self.mobilisations] + self.campaigns
        remaining = [o for o in OPINIONS if o not in self.used_lines]
        if not subjects or not remaining or not self.sources:
            return False
        opinion = self.rng.choice(remaining)
        self.used_lines.add(opinion)
        src = self.source()
        quote = f"“{opinion},”"
        p = self.para(f"{quote} {src.short} said.")
        reaction = self.slug(f"reaction of {src.label}")
        self.claim(
            "source-opinion",
            p.q(quote),
            [
                (ent(reaction), "a", "dkg:Reaction"),
                (ent(reaction), "rdfs:label", lit(f"View of {src.label}: {opinion.lower()}")),
                (ent(reaction), "dkg:agent", ent(src.slug)),
                (ent(reaction), "dkg:concerns", ent(self.rng.choice(subjects))),
                (ent(reaction), "dkg:characterisedAs", lit(opinion)),
            ],
            status="opinion",
            attributed_to=src.slug,
        )
        return True

    def ep_publisher_view(self) -> bool:
        candidates = [m for m in self.mobilisations if "unpaid" not in m.facts]
        remaining = [v for v in PUBLISHER_VIEWS if v not in self.used_lines]
        if not candidates or not remaining:
            return False
        mob = self.rng.choice(candidates)
        view = self.rng.choice(remaining)
        self.used_lines.add(view)
        sentence = f"{view} in {mob.construction.place.label}."
        p = self.para(sentence)
        reaction = self.slug(f"{self.pub} view of the mobilisation")
        self.claim(
            "publisher-view",
            p.q(sentence),
            [
                (ent(reaction), "a", "dkg:Reaction"),
                (ent(reaction), "rdfs:label", lit(f"{self.pub}'s view of the {mob.label.lower()}")),
                (ent(reaction), "dkg:agent", ent(self.publisher.entry.id)),
                (ent(reaction), "dkg:concerns", ent(mob.slug)),
                (ent(reaction), "dkg:characterisedAs", lit(view)),
            ],
            status="opinion",
        )
        if view.startswith("Unpaid"):
            self.claim("labour-unpaid", p.q(sentence), [(ent(mob.slug), "dkg:unpaid", "true")])
            mob.facts.add("unpaid")
        return True

    def ep_uncertain(self) -> bool:
        candidates = [m for m in self.mobilisations if "unpaid" not in m.facts]
        if candidates and self.rng.random() < 0.5:
            mob = self.rng.choice(candidates)
            sentence = f"It is not clear whether the workers from the {mob.enterprise.label} will be paid."
            p = self.para(sentence)
            self.claim(
                "pay-unclear",
                p.q(sentence),
                [(ent(mob.slug), "dkg:unpaid", "false")],
                status="reported",
                modality="uncertain",
                attributed_to=mob.source.slug,
                note="Modelled as “paid”, with the uncertainty the text expresses.",
            )
            mob.facts.add("unpaid")
            return True
        candidates_c = [c for c in self.constructions if "mode" not in c.facts]
        if not candidates_c:
            return False
        construction = self.rng.choice(candidates_c)
        sentence = (
            f"It is not clear whether the {construction.factory_label} will be a new building or a renovated one."
        )
        p = self.para(sentence)
        self.claim(
            "mode-unclear",
            p.q(sentence),
            [
                (ent(construction.slug), "dkg:constructionMode", "dkg:BuildNew"),
                (ent(construction.slug), "dkg:constructionMode", "dkg:RenovateExisting"),
            ],
            modality="uncertain",
        )
        construction.facts.add("mode")
        return True

    def ep_expected_end(self) -> bool:
        candidates = [c for c in self.constructions if "end" not in c.facts]
        if not candidates or not self.sources:
            return False
        construction = self.rng.choice(candidates)
        month = self.rng.randint(self.month, 12)
        sentence = (
            f"Cadres expect the {construction.product} factory in {construction.place.label} to be finished "
            f"by {MONTHS[month - 1]}."
        )
        p = self.para(sentence)
        src = self.source()
        self.claim(
            "completion-expected",
            p.q(sentence),
            [
                (ent(construction.slug), "dkg:timeframeText", lit(f"by {MONTHS[month - 1]}")),
            ],
            status="reported",
            modality="expected",
            hedge="expect",
            attributed_to=src.slug,
        )
        self.claim(
            "completion-expected-year",
            p.q(sentence),
            [
                (ent(construction.slug), "dkg:expectedEnd", typed(f"{self.year}-{month:02d}", "gYearMonth")),
            ],
            status="inferred",
            modality="expected",
            basis=self.year_basis(),
        )
        construction.facts.add("end")
        return True

    def ep_products(self) -> bool:
        candidates = [c for c in self.constructions if "products" not in c.facts]
        partners = [s for s in self.sources if s.short == "the partner"]
        if not candidates or not partners:
            return False
        construction = self.rng.choice(candidates)
        construction.facts.add("products")
        self.para(f"-- What will the new factory in {construction.place.label} make?")
        answer = (
            f"In {construction.place.label}, we are building {article(construction.product)} "
            f"{construction.product} plant."
        )
        p = self.para(
            f"{answer} We are either building completely new modern factories or renovating "
            f"existing ones, like everywhere in {self.province.short}."
        )
        triples = [
            (ent(construction.factory), "dkg:facilityStatus", "dkg:UnderConstruction"),
            (
                ent(construction.factory),
                "skos:altLabel",
                lit(f"{construction.product} plant in {construction.place.label}"),
            ),
        ]
        if construction.concept:
            triples.append((ent(construction.factory), "dkg:productType", construction.concept))
        self.claim(
            "factory-products", p.q(answer), triples, status="reported", attributed_to=self.rng.choice(partners).slug
        )
        return True

    def ep_broadcast(self) -> bool:
        n = self.rng.randint(2, 9)
        phrase, _concept = self.product()
        month = self.rng.randint(1, self.month)
        day = self.rng.randint(1, 28)
        key = f"broadcast-{month}-{day}"
        if key in self.used_lines:
            return False
        self.used_lines.add(key)
        sentence = (
            f"The Korean Central Broadcasting Station reported on {MONTHS[month - 1]} {day} that construction "
            f"of new {phrase} factories had begun in {n} counties of {self.province.entry.label}."
        )
        p = self.para(sentence)
        broadcast = self.slug(f"kcbs broadcast {month} {day}")
        when = When.day(f"on {MONTHS[month - 1]} {day}", self.year, month, day)
        drive = self.slug(f"construction of {phrase} factories in {self.province.short}")
        self.claim(
            "kcbs-broadcast",
            p.q(sentence),
            [
                (ent(broadcast), "a", "dkg:Broadcast"),
                (
                    ent(broadcast),
                    "rdfs:label",
                    lit(
                        f"KCBS report of {MONTHS[month - 1]} {day} on new {phrase} "
                        f"factories in {self.province.entry.label}"
                    ),
                ),
                (ent(broadcast), "dkg:agent", ent("korean-central-broadcasting-station")),
                (ent(broadcast), "dkg:date", when.literal),
                (ent(broadcast), "dkg:reportsOn", ent(drive)),
            ],
        )
        drive_triples = [
            (ent(drive), "a", "dkg:Construction"),
            (ent(drive), "rdfs:label", lit(f"Construction of new {phrase} factories in {self.province.entry.label}")),
            (ent(drive), "dkg:place", ent(self.province.entry.id)),
            (ent(drive), "dkg:implements", ent(self.policy.entry.id)),
            (ent(drive), "dkg:eventStatus", "dkg:Begun"),
            (ent(drive), "dkg:sizeText", lit(f"{n} counties")),
        ]
        self.claim(
            "factories-begun",
            p.q(f"construction of new {phrase} factories had begun in {n} counties of {self.province.entry.label}"),
            drive_triples,
            status="reported",
            attributed_to="korean-central-broadcasting-station",
        )
        self.year_claim("kcbs-broadcast-year", p.q(f"reported on {MONTHS[month - 1]} {day}"), ent(broadcast), when)
        return True

    def ep_competition(self) -> bool:
        rivals = [p for p in self.world.provinces if p is not self.province]
        rival = self.rng.choice(rivals)
        key = f"competition-{rival.entry.id}"
        if key in self.used_lines:
            return False
        self.used_lines.add(key)
        decision_text = f"the country has decided to make {self.province.short} compete with {rival.short}"
        busy = f"the {self.province.party_committee.label} has become feverishly busy"
        p = self.para(f"Since {decision_text}, {busy}, urging its subordinate organizations to fill the ranks.")
        decision = self.slug(f"decision to make {self.province.short} compete with {rival.short}")
        competition = self.slug(f"competition between {self.province.short} and {rival.short}")
        ours, theirs = self.province.party_committee.id, rival.party_committee.id
        src = self.source()
        self.claim(
            "provinces-compete",
            p.q(decision_text),
            [
                (ent(decision), "a", "dkg:Decision"),
                (
                    ent(decision),
                    "rdfs:label",
                    lit(f"The decision to make {self.province.short} compete with {rival.short}"),
                ),
                (ent(decision), "dkg:decidedBy", ent("government-of-north-korea")),
                (ent(decision), "dkg:purpose", ent(competition)),
                (ent(competition), "a", "dkg:Competition"),
                (
                    ent(competition),
                    "rdfs:label",
                    lit(
                        f"Competition between {self.province.short} and {rival.short} "
                        f"over the {self.policy.entry.label}"
                    ),
                ),
                (ent(competition), "dkg:participant", ent(ours)),
                (ent(competition), "dkg:participant", ent(theirs)),
                (ent(competition), "dkg:purpose", ent(self.policy.entry.id)),
                (ent(ours), "dkg:competesWith", ent(theirs)),
            ],
            status="reported",
            attributed_to=src.slug,
        )
        self.claim(
            "provincial-committee-busy",
            p.q(busy),
            [
                (ent(ours), "dkg:characterisedAs", lit("feverishly busy")),
            ],
            status="reported",
            attributed_to=src.slug,
        )
        return True

    def ep_criticism(self) -> bool:
        if not self.constructions or not self.sources:
            return False
        construction = self.rng.choice(self.constructions)
        place = construction.place
        speaker = (place.official or (self.province.secretary, ""))[0]
        key = f"criticism-{place.entry.id}"
        if key in self.used_lines:
            return False
        self.used_lines.add(key)
        src = self.source()
        sentence = (
            f"{speaker.label} criticized officials of the {place.peoples_committee.label} for delays at "
            f"the {construction.product} factory site"
        )
        p = self.para(f"{sentence}, {src.short} said.")
        criticism = self.slug(f"criticism by {speaker.label} of {place.peoples_committee.label}")
        self.claim(
            "criticism",
            p.q(sentence),
            [
                (ent(criticism), "a", "dkg:Criticism"),
                (
                    ent(criticism),
                    "rdfs:label",
                    lit(f"{speaker.label}'s criticism of the {place.peoples_committee.label}"),
                ),
                (ent(criticism), "dkg:speaker", ent(speaker.id)),
                (ent(criticism), "dkg:targets", ent(place.peoples_committee.id)),
                (ent(criticism), "dkg:concerns", ent(construction.slug)),
            ],
            status="reported",
            attributed_to=src.slug,
        )
        return True

    def ep_shared_event(self) -> bool:
        candidates = [
            e
            for e in self.world.shared_events.get(self.year, [])
            if e.slug not in self.introduced and (e.month, e.day) <= (self.month, 28)
        ]
        if not candidates:
            return False
        event = self.rng.choice(candidates)
        self.introduced.add(event.slug)
        call = self.rng.choice(
            (
                f"modern local factories to be built in {self.province.short}",
                "every county to raise the living standards of its people",
                "cadres to take responsibility for the economy of their regions",
                "an end to the gap between the capital and the provinces",
            )
        )
        speaker = "Kim Jong Un" if event.speaker == "kim-jong-un" else "the meeting"
        sentence = f"{event.mention}, {speaker} called for {call}."
        p = self.para(sentence)
        when = When.day(event.mention, event.year, event.month, event.day)
        triples = [
            (ent(event.slug), "a", event.cls),
            (ent(event.slug), "rdfs:label", lit(event.label)),
            (ent(event.slug), "dkg:date", when.literal),
        ]
        if event.cls == "dkg:Speech":
            triples += [
                (ent(event.slug), "dkg:speaker", ent(event.speaker)),
                (ent(event.slug), "dkg:audience", ent(event.audience or "supreme-peoples-assembly")),
                (ent(event.slug), "dkg:content", lit(call)),
            ]
        else:
            triples += [
                (ent(event.slug), "dkg:organiser", ent(event.speaker)),
                (ent(event.slug), "dkg:purposeText", lit(f"to call for {call}")),
            ]
        triples.append((ent(event.slug), "dkg:concerns", ent(self.policy.entry.id)))
        self.claim("shared-event", p.q(sentence), triples)
        self.year_claim("shared-event-year", p.q(event.mention), ent(event.slug), when)
        return True

    def ep_policy_goal(self) -> bool:
        policy = self.policy
        if "policy-goal" in self.used_lines:
            return False
        self.used_lines.add("policy-goal")
        sentence = f"The {policy.entry.label} aims to {policy.goal}."
        p = self.para(sentence)
        triples = [(ent(policy.entry.id), "dkg:goalText", lit(policy.goal))]
        if policy.sites_per_year:
            triples.append((ent(policy.entry.id), "dkg:sitesPerYear", str(policy.sites_per_year)))
        if policy.duration_years:
            triples.append((ent(policy.entry.id), "dkg:durationYears", str(policy.duration_years)))
        triples.append((ent(policy.entry.id), "dkg:adoptedBy", ent("government-of-north-korea")))
        self.claim("policy-goal", p.q(sentence), triples)
        return True

    def ep_heading(self) -> bool:
        place = self.rng.choice(self.places)
        heading = self.rng.choice(
            (
                f"◆ In {place.label}, “everyone will be mobilized”",
                f"◆ {place.label}: the quota arrives before the materials",
                f"◆ Money for the {self.policy.entry.label} comes from the people",
                f"◆ {self.province.short} races to finish first",
            )
        )
        if heading in self.used_lines:
            return False
        self.used_lines.add(heading)
        self.para(heading)
        return True

    # --- the document as a whole ------------------------------------------------------------------------
    def compose(self) -> None:
        """Assemble the story: caption, lead, sources, then episodes until the claim target is met."""
        if self.issued is None or self.rng.random() < 0.3:
            self.ep_photo()
        if self.issued is None and self.photo_basis is None:
            self.issued = f"{self.year}-{self.month:02d}"  # no caption to date it by: the month is known
        self.ep_lead()
        self.ep_policy_goal()
        self.ep_source_partner()
        for make_source in self.rng.sample(
            (self.ep_source_resident, self.ep_source_official, self.ep_source_partner), self.rng.randint(0, 2)
        ):
            make_source()
        episodes: list[tuple[Callable[[], bool], int]] = [
            (self.ep_mobilisation, 8),
            (self.ep_size, 3),
            (self.ep_selection, 3),
            (self.ep_shock_troops, 2),
            (self.ep_department, 2),
            (self.ep_cadres, 2),
            (self.ep_instruction, 2),
            (self.ep_donation, 3),
            (self.ep_funding, 2),
            (self.ep_opinion, 3),
            (self.ep_publisher_view, 1),
            (self.ep_uncertain, 2),
            (self.ep_expected_end, 2),
            (self.ep_products, 2),
            (self.ep_broadcast, 1),
            (self.ep_competition, 1),
            (self.ep_criticism, 2),
            (self.ep_shared_event, 2),
            (self.ep_heading, 1),
        ]
        functions = [f for f, _ in episodes]
        weights = [w for _, w in episodes]
        attempts = 0
        while len(self.claims) < self.target_claims and attempts < 400:
            attempts += 1
            self.rng.choices(functions, weights=weights)[0]()
        self.paragraphs.append(
            self.rng.choice(
                (
                    f"{self.pub} will continue to follow the construction in {self.province.entry.label}.",
                    f"Reporting by {self.pub} partners in {self.province.short}.",
                    f"({self.pub})",
                )
            )
        )

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
        return DocumentStats(len(self.claims), asserted, provenance, sum(len(c.quotes) for c in self.claims))

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
            out.extend("      " + line for line in turtle(claim.triples))
        return "\n".join(out) + "\n"


def turtle(triples: list[tuple[str, str, str]]) -> Iterator[str]:
    """Triples as Turtle, one subject block after another, as curators write them."""
    blocks: dict[str, list[tuple[str, str]]] = {}
    for s, p, o in triples:
        blocks.setdefault(s, []).append((p, o))
    for subject, pairs in blocks.items():
        for n, (p, o) in enumerate(pairs):
            end = " ." if n == len(pairs) - 1 else " ;"
            yield (f"{subject} {p} {o}{end}" if n == 0 else f"    {p} {o}{end}")


# ======================================================================================================
# Driver
# ======================================================================================================


def plan_documents(triples: int, seed: str) -> int:
    """How many documents a corpus of about ``triples`` quads will need, to size the registry (which takes
    its share of the quads) before any document exists."""
    documents = max(1, triples // PLAN_QUADS_PER_DOCUMENT)
    for _ in range(4):
        registry = build_world(documents, seed).registry_triples() * (1 + INFERRED_PER_REGISTRY_TRIPLE)
        documents = max(1, int((triples - FIXED_QUADS - registry) / PLAN_QUADS_PER_DOCUMENT))
    return documents


def prepare(out: Path, force: bool) -> None:
    """The output folder must be new or empty; --force clears the generated files of an earlier run."""
    out.mkdir(parents=True, exist_ok=True)
    existing = sorted(out.iterdir())
    if not existing:
        return
    ours = [p for p in existing if p.name == "entities.yaml" or p.name.endswith((".txt", ".meta.yaml", ".claims.yaml"))]
    if not force or len(ours) != len(existing):
        raise SystemExit(f"generate: {out} is not empty (use --force to replace a generated corpus there)")
    for path in ours:
        path.unlink()


def generate(out: Path, *, triples: int | None, documents: int | None, seed: int) -> dict[str, float]:
    """Write the corpus and return its figures and the estimate of the quads a build will hold."""
    key = str(seed)
    planned = documents if documents is not None else plan_documents(triples or 0, key)
    world = build_world(planned, key)
    write_registry(world, out / "entities.yaml")
    registry = world.registry_triples()
    estimate = FIXED_QUADS + registry * (1 + INFERRED_PER_REGISTRY_TRIPLE)
    figures = {"documents": 0, "claims": 0, "asserted": 0, "provenance": 0, "evidence": 0}
    index = 0

    def more() -> bool:
        if documents is not None:
            return index < documents
        # Stop where the next document would overshoot more than stopping undershoots.
        average = (estimate - start) / index if index else PLAN_QUADS_PER_DOCUMENT
        return estimate + average / 2 < (triples or 0)

    start = estimate
    while more():
        stats = DocumentWriter(world, index, key).write(out)
        figures["documents"] += 1
        figures["claims"] += stats.claims
        figures["asserted"] += stats.asserted
        figures["provenance"] += stats.provenance
        figures["evidence"] += stats.evidence
        estimate += stats.estimate
        index += 1
    inferred = INFERRED_PER_ASSERTED * figures["asserted"] + INFERRED_PER_REGISTRY_TRIPLE * registry
    figures.update(
        registry_entities=len(world.entries),
        registry_triples=registry,
        inferred=round(inferred),
        estimate=round(estimate),
        places=len(world.places),
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="seeds folder to write (new or empty)")
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--triples", type=int, help="approximate number of quads the built store should hold")
    size.add_argument("--documents", type=int, help="exact number of documents to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--force", action="store_true", help="replace the generated files of an earlier run")
    args = parser.parse_args(argv)
    if (args.triples is not None and args.triples < 1) or (args.documents is not None and args.documents < 0):
        parser.error("sizes must be positive")
    prepare(args.out, args.force)
    clock = time.perf_counter()
    figures = generate(args.out, triples=args.triples, documents=args.documents, seed=args.seed)
    seconds = time.perf_counter() - clock
    print(
        f"wrote {args.out}: {figures['documents']} documents, {figures['claims']} claims "
        f"({figures['evidence']} quotes), {figures['registry_entities']} registry entities "
        f"({figures['places']} counties and cities); in {seconds:.1f} s\n"
        f"estimate for the build: {figures['asserted']} asserted + {figures['registry_triples']} registry + "
        f"{figures['provenance']} provenance + ~{figures['inferred']} inferred + {FIXED_QUADS} ontology/shapes/build "
        f"≈ {figures['estimate']} quads" + (f" (requested {args.triples})" if args.triples is not None else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
