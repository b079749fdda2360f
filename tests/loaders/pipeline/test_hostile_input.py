"""Build inputs that used to cost minutes, gigabytes or a traceback (issue 9, item 10): each is now a
clear error with its file and line, and the store is left exactly as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from dprk_kg.loaders.pipeline.build import SCRATCH_PREFIX
from tests.conftest import Ran, sorted_dump

BOMB_LEVELS = 12  # 9 ** 12 strings once expanded: a 1.2 KB file that used to take 45 s and 2.3 GB at 10 levels


def _bomb() -> str:
    lines = ['  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, BOMB_LEVELS)]
    return "\nbomb:\n" + "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_at_once(
    cli: Callable[..., Ran], seeds_copy: Path, built_store: Path, built_dump: list[str]
) -> None:
    meta = seeds_copy / "004_5b61ddd10aea0cba.meta.yaml"
    before = meta.read_text(encoding="utf-8")
    meta.write_text(before + _bomb(), encoding="utf-8")
    ran = cli("build", "--seeds", str(seeds_copy), "--store", str(built_store), "--quiet")
    assert ran.returncode == 2, ran.stderr
    line = len(before.splitlines()) + 4  # the first alias, in a1
    assert f"{meta}:{line}: YAML aliases (*name) are not allowed" in ran.stderr
    assert sorted_dump(built_store) == built_dump


def test_a_document_that_is_a_folder_is_an_input_error(
    cli: Callable[..., Ran], seeds_copy: Path, built_store: Path, built_dump: list[str]
) -> None:
    (seeds_copy / "x.txt").mkdir()
    for kind in ("meta", "claims"):
        (seeds_copy / f"x.{kind}.yaml").write_text("{}\n", encoding="utf-8")
    ran = cli("build", "--seeds", str(seeds_copy), "--store", str(built_store), "--quiet")
    assert ran.returncode == 2, ran.stderr
    assert f"{seeds_copy / 'x.txt'}: a document must be a text file" in ran.stderr
    assert "Traceback" not in ran.stderr and sorted_dump(built_store) == built_dump


@pytest.mark.slow
def test_scratch_files_of_killed_builds_are_removed(cli: Callable[..., Ran], tmp_path: Path) -> None:
    store = tmp_path / "store"
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    abandoned = tmp_path / f"{SCRATCH_PREFIX}{gone.stdout.strip()}-abc.nq"
    running = tmp_path / f"{SCRATCH_PREFIX}{os.getpid()}-def.nq"  # this process is alive: not touched
    for path in (abandoned, running):
        path.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    ran = cli("build", "--store", str(store), "--quiet")
    assert ran.returncode == 0, ran.stderr
    assert not abandoned.exists() and running.exists()
    assert list(tmp_path.glob(f"{SCRATCH_PREFIX}*")) == [running]  # and the build's own is gone too


def _lengthen(seeds: Path, megabytes: float) -> Path:
    """The seed document with unquoted filler appended: its claims still stand, its length grows."""
    text = seeds / "004_5b61ddd10aea0cba.txt"
    line = "alpha bravo delta echo kilo lima oscar tango zulu yankee 0123456789\n"
    filler = line * int(megabytes * (1 << 20) / len(line))
    text.write_text(text.read_text(encoding="utf-8") + "\n" + filler, encoding="utf-8", newline="")
    return text


@pytest.mark.slow
def test_a_long_document_builds(cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path) -> None:
    """3 MiB used to cost minutes (quadratic in rdflib's N-Triples reader); now about as much as the seeds."""
    _lengthen(seeds_copy, 3)
    ran = cli("build", "--seeds", str(seeds_copy), "--store", str(tmp_path / "store"), "--quiet")
    assert ran.returncode == 0, ran.stderr
    # 6136; the description (997), its provenance (1), its terms declared (123); issue 13's mention
    # annotations (1230 in 2 mentions graphs), their graphs' provenance (8), the oa: terms and
    # dkg:MentionGraph declared (23) and their partitions in the description (18): 1279; issue 12's
    # Wikibase statements (3175 in 2 graphs), with their graphs' and the mapping set's provenance and
    # the description's partitions of their properties: 3895
    assert "12431 quads" in ran.stdout


def test_a_document_over_the_size_limit_is_refused(
    cli: Callable[..., Ran], seeds_copy: Path, built_store: Path, built_dump: list[str]
) -> None:
    text = _lengthen(seeds_copy, 5)
    ran = cli("build", "--seeds", str(seeds_copy), "--store", str(built_store), "--quiet")
    assert ran.returncode == 2, ran.stderr
    assert f"{text}: the document is 5.0 MiB; documents are limited to 4 MiB" in ran.stderr
    assert sorted_dump(built_store) == built_dump
