"""Episodes about money: donation campaigns and who funds the construction."""

from __future__ import annotations

from benchmarks.corpus.document import FUNDING_MINISTRIES, GROUPS, Document
from benchmarks.corpus.text import decimal, ent, lit


class Funding(Document):
    """Donations and funding."""

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
