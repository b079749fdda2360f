"""Episodes that set a report up: the photo caption, the lead with the new sites, and the sources it
introduces (a reporting partner, a resident, an official)."""

from __future__ import annotations

from benchmarks.corpus.document import Document, Source
from benchmarks.corpus.text import MONTHS, ent, lit, slugify, typed


class Reporting(Document):
    """The caption, the lead and the sources."""

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
