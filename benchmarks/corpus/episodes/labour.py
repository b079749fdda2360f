"""Episodes about labour: mobilisations, unit sizes, selection, shock troops, departments, cadres and
instructions from above."""

from __future__ import annotations

from benchmarks.corpus.document import CADRE_LINES, HEDGES, MOBILISED, UNIT_PLURALS, UNITS, Document, Mobilisation
from benchmarks.corpus.text import MONTHS, NUMBER_WORDS, article, ent, lit, typed


class Labour(Document):
    """Who is mobilised, how many, how chosen, on whose orders."""

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
