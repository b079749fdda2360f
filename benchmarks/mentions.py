"""Precision and recall of the mention linker on the seed texts, labelled by hand.

    python benchmarks/mentions.py            # the figures of docs/benchmarks.md, and every miss
    python benchmarks/mentions.py --check    # exit 1 when a figure is below --target

``mentions_labelled.yaml`` holds every mention of a registry entity in the two seed texts (its
conventions are in its header). The linker (``dprk_kg.linking``) runs on each text with the seeds'
registry, and each mention it finds is judged against the labels: **strict**, a true positive when a
label has the same span and entity; **lenient**, when a label of the same entity overlaps it. Precision
is TP / mentions found, recall TP / mentions labelled. Spans the linker reports as ambiguous are
counted apart (they are neither found nor guessed). The time is the linker's alone, per text.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from dprk_kg.linking import Mention, MentionLinker
from dprk_kg.loaders.sources.registry import read_registry
from dprk_kg.paths import default_seeds_dir

LABELLED = Path(__file__).with_name("mentions_labelled.yaml")


@dataclass(frozen=True)
class Label:
    document: str
    start: int
    end: int
    exact: str
    entity: str


@dataclass(frozen=True)
class Score:
    found: int
    labelled: int
    strict: int
    lenient: int

    @property
    def precision(self) -> tuple[float, float]:
        return self.strict / (self.found or 1), self.lenient / (self.found or 1)

    @property
    def recall(self) -> tuple[float, float]:
        return self.strict / (self.labelled or 1), self.lenient / (self.labelled or 1)


def read_labels(path: Path = LABELLED) -> list[Label]:
    return [Label(**item) for item in yaml.safe_load(path.read_text(encoding="utf-8"))["mentions"]]


def judge(found: list[Mention], labels: list[Label]) -> tuple[Score, list[str]]:
    """The score of one text's mentions against its labels, and a line for each disagreement."""
    exact = {(label.start, label.end, label.entity) for label in labels}
    strict = sum((m.start, m.end, m.entity) in exact for m in found)
    overlapping = [m for m in found if any(_overlap(m, label) for label in labels if label.entity == m.entity)]
    recalled = [label for label in labels if any(_overlap(m, label) for m in found if m.entity == label.entity)]
    notes = [f"  wrong  {m.start}-{m.end} {m.exact!r} → {m.entity}" for m in found if m not in overlapping]
    notes += [f"  missed {la.start}-{la.end} {la.exact!r} → {la.entity}" for la in labels if la not in recalled]
    lenient = min(len(overlapping), len(recalled))
    return Score(len(found), len(labels), strict, lenient), notes


def _overlap(mention: Mention, label: Label) -> bool:
    return mention.start < label.end and label.start < mention.end


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when precision or recall is below --target")
    parser.add_argument("--target", type=float, default=0.8, help="the lenient figures --check requires")
    args = parser.parse_args(argv)
    seeds = default_seeds_dir()
    linker = MentionLinker(read_registry(seeds / "entities.yaml"))
    labels = read_labels()
    totals = Score(0, 0, 0, 0)
    ambiguous = 0
    for document in sorted({label.document for label in labels}):
        text = (seeds / f"{document}.txt").read_text(encoding="utf-8")
        started = time.perf_counter()
        linked = linker.link(text)
        seconds = time.perf_counter() - started
        mine = [label for label in labels if label.document == document]
        score, notes = judge(list(linked.mentions), mine)
        ambiguous += len(linked.ambiguous)
        print(
            f"{document}: {score.found} found, {score.labelled} labelled, {len(linked.ambiguous)} ambiguous, "
            f"{seconds * 1000:.0f} ms"
        )
        print(
            "\n".join(notes + [f"  ambiguous {a.start}-{a.end} {a.exact!r}: {a.candidates}" for a in linked.ambiguous])
        )
        totals = Score(*(getattr(totals, f) + getattr(score, f) for f in ("found", "labelled", "strict", "lenient")))
    (p_strict, p_lenient), (r_strict, r_lenient) = totals.precision, totals.recall
    print(
        f"all: {totals.found} found, {totals.labelled} labelled, {ambiguous} ambiguous; precision {p_strict:.3f} "
        f"strict / {p_lenient:.3f} lenient, recall {r_strict:.3f} strict / {r_lenient:.3f} lenient"
    )
    return 1 if args.check and min(p_lenient, r_lenient) < args.target else 0


if __name__ == "__main__":
    sys.exit(main())
