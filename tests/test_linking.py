"""The mention linker (issue 13): registry names found in texts under their spellings, ambiguity
reported rather than guessed, and the hand-labelled set its benchmark measures it on."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from benchmarks.mentions import judge, read_labels
from dprk_kg.linking import MentionLinker
from dprk_kg.loaders.sources.registry import read_registry
from tests.conftest import ROOT, SEEDS


@pytest.fixture(scope="module")
def linker() -> MentionLinker:
    return MentionLinker(read_registry(SEEDS / "entities.yaml"))


def test_every_labelled_span_is_its_text(linker: MentionLinker) -> None:
    """The hand-labelled offsets are right: each span of its document's text is the exact text labelled,
    names an entity of the registry, and no two labels overlap."""
    labels = read_labels()
    registry = read_registry(SEEDS / "entities.yaml")
    assert len(labels) == 91 and {label.document for label in labels} == {p.stem for p in SEEDS.glob("*.txt")}
    for label in labels:
        text = (SEEDS / f"{label.document}.txt").read_text(encoding="utf-8")
        assert text[label.start : label.end] == label.exact, label
        assert registry.get(label.entity) is not None, label
    ordered = sorted(labels, key=lambda la: (la.document, la.start))
    for first, second in itertools.pairwise(ordered):
        assert first.document != second.document or first.end <= second.start, (first, second)


@pytest.mark.parametrize(
    ("text", "exact", "entity"),
    [
        ("In a speech, Kim Jong-un said so.", "Kim Jong-un", "kim-jong-un"),
        ("residents of Yanggang say", "Yanggang", "ryanggang-province"),
        ("in North Hamgyeong and", "North Hamgyeong", "north-hamgyong-province"),
        ("North Hamgyong Province’s counties", "North Hamgyong Province", "north-hamgyong-province"),
        ("the Kyŏngsŏng-kun site", "Kyŏngsŏng-kun", "kyongsong-county"),
        ("in Gyeongseong County", "Gyeongseong County", "kyongsong-county"),
        ("양강도 주민", "양강도", "ryanggang-province"),
        ("decided by the Party", "the Party", "workers-party-of-korea"),
        ("to Russia to escape", "Russia", "russia"),
    ],
)
def test_spellings_are_found(linker: MentionLinker, text: str, exact: str, entity: str) -> None:
    found = linker.link(text).mentions
    assert [(m.exact, m.entity) for m in found] == [(exact, entity)]
    assert text[found[0].start : found[0].end] == exact


def test_common_words_are_no_names(linker: MentionLinker) -> None:
    """Names the registry gives with their article are common words without it."""
    text = "A party member said that provincial state offices and government bureaus in several provinces are busy."
    assert [m.exact for m in linker.link(text).mentions] == []


def test_the_longest_best_name_wins(linker: MentionLinker) -> None:
    text = "The North’s Korean Central Broadcasting Station and the Musan County Workers' Party Committee"
    found = linker.link(text).mentions
    assert [m.entity for m in found] == ["korean-central-broadcasting-station", "musan-county-party-committee"]


def test_two_entities_of_one_name_are_reported_not_guessed(tmp_path: Path) -> None:
    registry = tmp_path / "entities.yaml"
    registry.write_text(
        yaml.safe_dump(
            {
                "entities": [
                    {"id": "musan-county", "type": "dkg:County", "label": "Musan County", "alt": ["Musan"]},
                    {
                        "id": "musan-town",
                        "type": "dkg:Town",
                        "label": "Musan",
                        "alt": ["Musan-up"],
                        "distinct_from": ["musan-county"],  # namesakes: the registry says so
                    },
                    {"id": "hyesan", "type": "dkg:City", "label": "Hyesan"},
                ]
            }
        ),
        encoding="utf-8",
    )
    linked = MentionLinker(read_registry(registry)).link("From Musan to Hyesan.")
    assert [(a.exact, a.candidates) for a in linked.ambiguous] == [("Musan", ("musan-county", "musan-town"))]
    assert [m.entity for m in linked.mentions] == ["hyesan"]


def test_the_benchmark_judges_and_prints_its_figures() -> None:
    ran = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "mentions.py"), "--check", "--target", "0.85"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "all: " in ran.stdout and "labelled" in ran.stdout and "precision" in ran.stdout


def test_judging_counts_wrong_and_missed(linker: MentionLinker) -> None:
    labels = [label for label in read_labels() if label.document == "004_5b61ddd10aea0cba"]
    found = list(linker.link((SEEDS / "004_5b61ddd10aea0cba.txt").read_text(encoding="utf-8")).mentions)
    score, notes = judge(found[1:], labels)  # one fewer found: one more missed
    full, _ = judge(found, labels)
    assert score.strict == full.strict - 1 and score.found == full.found - 1
    assert any(note.startswith("  missed") and "Cheongsu" in note for note in notes)
