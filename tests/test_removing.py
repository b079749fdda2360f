"""``dprk-kg remove``: the document leaves the folder and the store; the registry entries only it
used are reported, and pruned on request; add then remove gives back the store quad for quad."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Ran
from tests.loaders.pipeline.test_incremental import comparable
from tests.test_adding import REPORT, snapshot, versions


def test_adding_then_removing_with_prune_gives_back_the_store_and_the_registry(
    cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    assert cli("build", "--seeds", str(seeds_copy), "--store", str(store), "--quiet").returncode == 0
    before, files = comparable(store), snapshot(seeds_copy)
    report = tmp_path / "report.md"
    report.write_text(REPORT, encoding="utf-8")
    added = cli("add", str(report), "--seeds", str(seeds_copy), "--store", str(store), "--quiet")
    assert added.returncode == 0, added.stderr
    doc_id = added.stdout.split("added ", 1)[1].split(":", 1)[0]
    assert comparable(store) != before

    removed = cli("remove", doc_id, "--prune", "--seeds", str(seeds_copy), "--store", str(store), "--quiet")
    assert removed.returncode == 0, removed.stderr
    assert "registry entries removed from the registry: daily-nk, kim-chol-su" in removed.stdout
    assert snapshot(seeds_copy) == files  # entities.yaml byte for byte
    assert comparable(store) == before


def test_removing_a_seed_reports_the_entries_only_it_used_and_keeps_curated_ones(
    cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    registry = (seeds_copy / "entities.yaml").read_bytes()
    ran = cli("remove", "004_5b61ddd10aea0cba", "--seeds", str(seeds_copy), "--store", str(store), "--quiet")
    assert ran.returncode == 0, ran.stderr
    line = ran.stdout.split("no remaining document uses (--prune removes them): ", 1)[1].splitlines()[0]
    unused = line.split(", ")
    assert {"asiapress", "kang-ji-won", "ishimaru-jiro"} <= set(unused)
    assert "north-korea" not in unused and "dprk-kg-curators" not in unused  # named by others, the curators
    assert (seeds_copy / "entities.yaml").read_bytes() == registry  # reported, not pruned
    assert not (seeds_copy / "004_5b61ddd10aea0cba.txt").exists()
    assert not re.search(r"<[^>]*004_5b61ddd10aea0cba[^>]*>", "\n".join(comparable(store)))  # no IRI of it


def test_an_unknown_document_is_refused_with_the_nearest_ids(
    cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path
) -> None:
    files = snapshot(seeds_copy)
    ran = cli("remove", "004_5b61ddd10aea0cb", "--seeds", str(seeds_copy), "--store", str(tmp_path / "s"))
    assert ran.returncode == 2 and "did you mean 004_5b61ddd10aea0cba?" in ran.stderr
    assert snapshot(seeds_copy) == files


def test_a_removal_the_build_refuses_puts_every_file_back(
    cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    assert cli("build", "--seeds", str(seeds_copy), "--store", str(store), "--quiet").returncode == 0
    files, before = snapshot(seeds_copy), versions(store)
    broken = seeds_copy / "000_1f7871d4d3f091d3.claims.yaml"  # the other document no longer loads
    broken.write_text(broken.read_text(encoding="utf-8").replace("document: 000", "document: 00x", 1))
    files[broken.name] = broken.read_bytes()
    ran = cli("remove", "004_5b61ddd10aea0cba", "--prune", "--seeds", str(seeds_copy), "--store", str(store))
    assert ran.returncode == 2, ran.stderr
    assert snapshot(seeds_copy) == files and versions(store) == before
