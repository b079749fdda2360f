"""Episodes of comment and context: opinions, the publisher's view, what is uncertain or expected,
products, broadcasts, competition between provinces, criticism, events shared across reports, the
policy's goal and section headings."""

from __future__ import annotations

from benchmarks.corpus.document import OPINIONS, PUBLISHER_VIEWS, Document, When
from benchmarks.corpus.text import MONTHS, article, ent, lit, typed


class Commentary(Document):
    """What sources think, doubt and expect, and the context around the story."""

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
