"""The corpus: ``DocumentWriter`` composes a report from the episodes; ``generate`` sizes the registry,
writes it and writes documents until the requested size; ``main`` is the command line."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import benchmarks.corpus as corpus
from benchmarks.corpus.episodes.commentary import Commentary
from benchmarks.corpus.episodes.funding import Funding
from benchmarks.corpus.episodes.labour import Labour
from benchmarks.corpus.episodes.reporting import Reporting
from benchmarks.corpus.text import (
    FIXED_QUADS,
    INFERRED_PER_ASSERTED,
    INFERRED_PER_REGISTRY_TRIPLE,
    PLAN_QUADS_PER_DOCUMENT,
)
from benchmarks.corpus.world import build_world, write_registry


class DocumentWriter(Reporting, Labour, Funding, Commentary):
    """One generated report: the episodes of every kind, composed into a story."""

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
    figures: dict[str, float] = {"documents": 0, "claims": 0, "asserted": 0, "provenance": 0, "evidence": 0}
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
    parser = argparse.ArgumentParser(description=corpus.__doc__.split("\n\n")[0])
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
