"""The world a corpus is set in, and its registry: provinces, counties and cities with their party and
people's committees, enterprises, ministries, outlets and journalists, policies and funds, sized with the
corpus from one seeded random stream; ``write_registry`` writes it as ``entities.yaml``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from benchmarks.corpus.text import CURATORS, MONTHS, YEARS, clamp, slugify, words, yaml_list, yaml_str
from dprk_kg.loaders.sources.duplicates import Named, NameKeys
from dprk_kg.matching import analyse

REGISTRY = Path("entities.yaml")


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

    def label(self, place: str) -> str:
        return f"{place} {self.suffix}"


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


def place_labels(name: str, level: str) -> tuple[str, str, str, str]:
    """A county's or city's (``level``) label and romanised name, and its party and people's committees'."""
    label, suffix = (f"{name} County", "gun") if level == "County" else (name, "si")
    return label, f"{name}-{suffix}", f"{name} {level} Party Committee", f"{name} {level} People's Committee"


def every_place_label(name: str) -> list[str]:
    """Every label a place's name may go into: as a county or a city, and any enterprise's."""
    return [*place_labels(name, "County"), *place_labels(name, "City"), *(k.label(name) for k in ENTERPRISE_KINDS)]


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
    """Invented names that the name normaliser reads as no other name of the registry, so every slug is
    distinct and no two entries are named alike: the registry's reader refuses "Ho Chol-nam" beside
    "Ho Nam-chol", or "Rakdok" beside "Raktok County", as one thing entered twice (duplicates.py)."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.keys = NameKeys()
        self.unavailable: set[str] = set()  # names indexed, and candidates found taken (the index only grows)

    def register(self, entry: Entry) -> None:
        """Take the names of an entry of the registry."""
        for text in (entry.label, *entry.alt, *entry.romanised):
            if text not in self.unavailable:
                self.unavailable.add(text)
                self.keys.add(Named(entry.id, text, REGISTRY, 0))

    def place(self, labels: Callable[[str], Iterable[str]]) -> str:
        """A place name whose ``labels`` are all free (taken with it)."""
        for attempt in range(200):
            parts = 2 if attempt < 100 else 3
            name = "".join(self.rng.choice(SYLLABLES) for _ in range(parts)).capitalize()
            if 4 <= len(name) <= 12 and self._take(name, labels(name)):
                return name
        raise RuntimeError("ran out of place names")

    def person(self) -> str:
        for _ in range(1000):
            given = self.rng.choice(GIVEN) + "-" + self.rng.choice(GIVEN)
            name = f"{self.rng.choice(SURNAMES)} {given.capitalize()}"
            if self._take(name, [name]):
                return name
        raise RuntimeError("ran out of person names")

    def numbered(self, template: str, count: int) -> list[str]:
        """``count`` labels of ``template`` numbered 1, 2 …, less the numbers the normaliser reads as an
        earlier one's (it collapses doubled characters: "No. 11" is "No. 1" to it)."""
        labels: list[str] = []
        number = 0
        while len(labels) < count:
            number += 1
            label = template.format(number)
            if self._take(label, [label]):
                labels.append(label)
        return labels

    def _take(self, name: str, labels: Iterable[str]) -> bool:
        """Whether every label is free, by the normaliser's reading of every name so far; then they are
        taken. A name free on its own may not be in a longer label: the normaliser reads the sorted
        words of "Okkap County Party Committee" and "Okha County Party Committee" alike."""
        if name in self.unavailable:
            return False
        analysed = []
        for label in labels:
            found = analyse(label)
            if label in self.unavailable or next(self.keys.scored(found), None) is not None:
                self.unavailable.add(name)
                return False
            analysed.append((label, found))
        for label, found in analysed:
            self.unavailable.add(label)
            self.keys.add(Named(slugify(name), label, REGISTRY, 0), found)
        return True


def build_world(planned_documents: int, seed: str) -> World:
    """The registry, sized with the corpus: about one county or city per two documents (60 to 4,000)."""
    rng = Random(f"{seed}:registry")
    names = Names(rng)
    entries: list[Entry] = []

    def add(entry: Entry) -> Entry:
        entries.append(entry)
        names.register(entry)
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
        name = names.place(every_place_label)
        county = rng.random() < 0.8
        level = "County" if county else "City"
        label, romanised, party_label, people_label = place_labels(name, level)
        if county:
            types = ["dkg:County"]
        else:
            types = ["dkg:City", "dkg:BorderCity"] if province.borders_china and rng.random() < 0.4 else ["dkg:City"]
        place_entry = add(Entry(slugify(label), types, label, romanised=[romanised], located_in=province.entry.id))
        committee_type = "dkg:CountyPartyCommittee" if county else "dkg:MunicipalPartyCommittee"
        pc = add(
            Entry(
                slugify(party_label),
                [committee_type],
                party_label,
                sub_organization_of=province.party_committee.id,
                based_in=place_entry.id,
            )
        )
        people = add(
            Entry(
                slugify(people_label),
                ["dkg:PeoplesCommittee"],
                people_label,
                sub_organization_of=province.peoples_committee.id,
                based_in=place_entry.id,
            )
        )
        enterprises = []
        for kind in rng.sample(ENTERPRISE_KINDS, 1 + (rng.random() < 0.5)):
            label = kind.label(name)
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

    for label in names.numbered("Local Industry Support Fund No. {}", clamp(planned_documents // 500, 1, 20)):
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
