"""Incremental builds: reusing the batches whose documents did not change gives, quad for quad, the
store a full build of the same files gives — on the seeds and on a generated corpus, after documents
are added, replaced and removed — and never reuses a batch whose inputs changed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from benchmarks.corpus.writer import generate, prepare
from dprk_kg.loaders.pipeline import build as build_module
from dprk_kg.loaders.pipeline.build import BuildReport, batch_cache_dir, build, plan
from dprk_kg.loaders.sources.documents import discover
from dprk_kg.store import EmbeddedStore
from tests.conftest import sorted_dump

TIMES = re.compile(  # what differs between any two builds: when they ran (and the count of those times)
    r"<http://www\.w3\.org/ns/prov#(startedAtTime|endedAtTime)>|/dataset> <http://purl\.org/dc/terms/(created|issued|modified)>"
    r"|#distinctObjects>"
)


def comparable(store: Path) -> list[str]:
    return [line for line in sorted_dump(store) if not TIMES.search(line)]


def run(seeds: Path, store: Path, *, full: bool = False, reasoner: str = "rules") -> BuildReport:
    return build(seeds, EmbeddedStore(store), reasoner=reasoner, workers=1, full=full)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 generated documents."""
    out = tmp_path_factory.mktemp("corpus") / "seeds"
    prepare(out, force=False)
    generate(out, triples=None, documents=30, seed=3)
    return out


def move_document(doc_id: str, source: Path, target: Path) -> None:
    for suffix in (".txt", ".meta.yaml", ".claims.yaml"):
        shutil.move(source / f"{doc_id}{suffix}", target / f"{doc_id}{suffix}")


def test_batches_end_where_the_ids_say_so_and_adding_a_document_changes_one_batch(corpus: Path) -> None:
    files = discover(corpus)
    groups = plan(files)
    assert [f for group in groups for f in group] == files
    fewer = plan([f for f in files if f != files[12]])
    changed = [g for g in groups if list(g) not in [list(h) for h in fewer]]
    assert len(changed) == 1 and files[12] in changed[0]


@pytest.mark.slow
def test_added_replaced_and_removed_documents_give_the_store_a_full_build_gives(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_module, "BATCH_DOCUMENTS", 4)  # several batches out of 30 documents
    seeds = tmp_path / "seeds"
    shutil.copytree(corpus, seeds)
    ids = [f.id for f in discover(seeds)]
    aside = tmp_path / "aside"
    aside.mkdir()
    move_document(ids[7], seeds, aside)
    first = run(seeds, tmp_path / "store")
    assert first.reloaded == first.documents == 29
    before = [[f.id for f in group] for group in plan(discover(seeds))]

    move_document(ids[7], aside, seeds)  # added
    move_document(ids[20], seeds, aside)  # removed
    claims = seeds / f"{ids[3]}.claims.yaml"  # replaced: its claims are now reported, not stated
    claims.write_text(claims.read_text(encoding="utf-8").replace("  status: stated\n", "  status: reported\n", 1))
    again = run(seeds, tmp_path / "store")
    assert again.documents == 29
    after = [[f.id for f in group] for group in plan(discover(seeds))]
    changed = [group for group in after if group not in before or ids[3] in group]
    assert again.reloaded == sum(len(group) for group in changed) < 29, again.summary()  # only those batches
    assert "(rules;" in again.summary()

    full = run(seeds, tmp_path / "full", full=True)
    assert full.reloaded == 29
    assert comparable(tmp_path / "store") == comparable(tmp_path / "full")
    assert again.quads == full.quads and again.graphs == full.graphs


def test_a_rebuild_of_unchanged_seeds_loads_nothing_and_writes_the_same_store(seeds_copy: Path, tmp_path: Path) -> None:
    first = run(seeds_copy, tmp_path / "store", reasoner="owlrl")
    before = comparable(tmp_path / "store")
    again = run(seeds_copy, tmp_path / "store", reasoner="owlrl")
    assert (first.reloaded, again.reloaded) == (2, 0)
    assert comparable(tmp_path / "store") == before
    assert again.quads == first.quads == 12431


def test_a_changed_registry_or_a_full_build_reuses_nothing(seeds_copy: Path, tmp_path: Path) -> None:
    run(seeds_copy, tmp_path / "store")
    assert run(seeds_copy, tmp_path / "store", full=True).reloaded == 2
    registry = seeds_copy / "entities.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8") + "\n  - id: extra-place\n    type: dkg:Place\n    label: Extra Place\n"
    )
    assert run(seeds_copy, tmp_path / "store").reloaded == 2  # every mention, every reference may change


def test_a_damaged_cache_entry_is_loaded_again_not_trusted(seeds_copy: Path, tmp_path: Path) -> None:
    run(seeds_copy, tmp_path / "store")
    before = comparable(tmp_path / "store")
    cache = batch_cache_dir(EmbeddedStore(tmp_path / "store"))
    batches = [e for e in cache.iterdir() if e.is_dir()]
    introduced = [e for e in cache.iterdir() if e.name.startswith("introduced-")]
    assert batches and len(introduced) == 2
    for entry in batches:
        (entry / "result.json").write_text("{not json", encoding="utf-8")
    for entry in introduced:
        entry.write_text('{"document": 1}', encoding="utf-8")
    assert run(seeds_copy, tmp_path / "store").reloaded == 2
    assert comparable(tmp_path / "store") == before
    assert len(list(cache.iterdir())) == len(batches) + len(introduced)  # the build keeps only what it used
