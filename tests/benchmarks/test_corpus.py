"""The synthetic corpus generator: deterministic, shaped like the seeds, and loadable by the real build."""

from __future__ import annotations

import filecmp
from collections.abc import Callable
from pathlib import Path
from random import Random

import pytest

from benchmarks.corpus.world import Names, build_world, write_registry
from benchmarks.corpus.writer import generate, prepare
from dprk_kg.loaders.sources.registry import read_registry
from tests.conftest import Ran


def _corpus(out: Path, documents: int, seed: int) -> dict[str, float]:
    prepare(out, force=False)
    return generate(out, triples=None, documents=documents, seed=seed)


def test_the_same_arguments_give_the_same_files(tmp_path: Path) -> None:
    first = _corpus(tmp_path / "a", 3, seed=5)
    second = _corpus(tmp_path / "b", 3, seed=5)
    assert first == second and first["documents"] == 3
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert len(names) == 1 + 3 * 3  # the registry, and a text, metadata and claims file per document
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert mismatch == [] and errors == []
    third = _corpus(tmp_path / "c", 3, seed=6)
    assert third != first


def test_an_earlier_corpus_is_replaced_only_with_force(tmp_path: Path) -> None:
    _corpus(tmp_path / "a", 1, seed=0)
    with pytest.raises(SystemExit, match="not empty"):
        prepare(tmp_path / "a", force=False)
    prepare(tmp_path / "a", force=True)
    assert list((tmp_path / "a").iterdir()) == []


def test_a_large_generated_registry_names_no_two_entries_alike(tmp_path: Path) -> None:
    """Invented names the normaliser reads alike ("Ho Chol-nam", "Ho Nam-chol"; "Rakdok", "Raktok County";
    "Okkap" and "Okha County Party Committee") are not given: the registry's reader refuses such pairs.
    This size gave 205 of them before the generator asked the normaliser."""
    world = build_world(2000, "0")
    write_registry(world, tmp_path / "entities.yaml")
    assert len(read_registry(tmp_path / "entities.yaml").entries) == len(world.entries) > 5000


def test_numbered_names_skip_the_numbers_the_normaliser_reads_as_others() -> None:
    labels = Names(Random(0)).numbered("Support Fund No. {}", 12)
    assert labels[:10] == [f"Support Fund No. {n}" for n in range(1, 11)]
    assert labels[10:] == ["Support Fund No. 12", "Support Fund No. 13"]  # "No. 11" would be "No. 1"


@pytest.mark.slow
def test_a_generated_corpus_builds_as_estimated(cli: Callable[..., Ran], tmp_path: Path) -> None:
    figures = _corpus(tmp_path / "seeds", 4, seed=2)
    ran = cli("build", "--seeds", str(tmp_path / "seeds"), "--store", str(tmp_path / "store"), "--quiet")
    assert ran.returncode == 0, ran.stderr
    assert f"{int(figures['documents'])} documents, {int(figures['claims'])} claims" in ran.stdout
    quads = int(ran.stdout.split(" quads in ")[0].rsplit(" ", 1)[1])
    assert abs(quads - figures["estimate"]) / quads < 0.15, (quads, figures["estimate"])
