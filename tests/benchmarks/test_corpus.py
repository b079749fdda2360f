"""The synthetic corpus generator: deterministic, shaped like the seeds, and loadable by the real build."""

from __future__ import annotations

import filecmp
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.corpus.writer import generate, prepare
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


@pytest.mark.slow
def test_a_generated_corpus_builds_as_estimated(cli: Callable[..., Ran], tmp_path: Path) -> None:
    figures = _corpus(tmp_path / "seeds", 4, seed=2)
    ran = cli("build", "--seeds", str(tmp_path / "seeds"), "--store", str(tmp_path / "store"), "--quiet")
    assert ran.returncode == 0, ran.stderr
    assert f"{int(figures['documents'])} documents, {int(figures['claims'])} claims" in ran.stdout
    quads = int(ran.stdout.split(" quads in ")[0].rsplit(" ", 1)[1])
    assert abs(quads - figures["estimate"]) / quads < 0.15, (quads, figures["estimate"])
