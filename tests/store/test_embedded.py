"""What only the embedded store does: versions behind a link, swapped atomically; a failed or
interrupted build or write leaves the old store; one writer at a time. The interface every backend
shares is tested in test_contract.py."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pyoxigraph as ox
import pytest

from dprk_kg.errors import QueryError, StoreError
from dprk_kg.store import EmbeddedStore

G = "https://example.org/g"


def nquads(tmp_path: Path, text: str, name: str = "data.nq") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "var" / "store")
    triple = '<https://example.org/s> <https://example.org/p> "1"'
    store.replace_dataset(nquads(tmp_path, f"{triple} <{G}> .\n{triple} .\n"))  # as a build writes it
    return store


def test_replace_swaps_a_link(store: EmbeddedStore) -> None:
    assert store.path.is_symlink()
    assert store.quad_count() == 2
    assert list(store.graph_names()) == [G]


def test_failed_bulk_load_leaves_the_previous_store(store: EmbeddedStore, tmp_path: Path) -> None:
    before = store.path.resolve()
    broken = nquads(tmp_path, "<https://example.org/s> <https://example.org/p> .\n", "broken.nq")
    with pytest.raises(StoreError, match="writing a new version"):
        store.replace_dataset(broken)
    assert store.path.resolve() == before
    reader = EmbeddedStore(store.path, read_only=True)
    assert reader.quad_count() == 2
    assert sorted(p.name for p in (tmp_path / "var" / "store.versions").iterdir() if p.is_dir()) == [before.name]


def test_interrupted_build_is_ignored_then_pruned(store: EmbeddedStore, tmp_path: Path) -> None:
    versions = tmp_path / "var" / "store.versions"
    leftover = versions / "00000000T000000000000Z-1"  # what a killed build leaves behind
    leftover.mkdir()
    (leftover / "garbage").write_text("half-written")
    assert EmbeddedStore(store.path, read_only=True).quad_count() == 2
    two = f'<https://example.org/s> <https://example.org/p> "2" <{G}> .\n'
    store.replace_dataset(nquads(tmp_path, two, "two.nq"))
    assert not leftover.exists()
    assert EmbeddedStore(store.path, read_only=True).select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }") == [{"o": "2"}]


def test_one_build_at_a_time(store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dprk_kg.store.embedded.LOCK_WAIT_SECONDS", 0.2)
    lock = tmp_path / "var" / "store.versions" / ".lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(StoreError, match="another build or write"):
            store.replace_dataset(nquads(tmp_path, "", "empty.nq"))


def test_a_directory_from_an_older_layout_is_adopted(tmp_path: Path) -> None:
    path = tmp_path / "store"
    legacy = ox.Store(str(path))
    legacy.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("x")))
    del legacy
    store = EmbeddedStore(path)
    store.replace_dataset(nquads(tmp_path, f'<https://example.org/s> <https://example.org/p> "1" <{G}> .\n'))
    assert path.is_symlink() and (tmp_path / "store.versions" / "legacy").is_dir()


def merged(store: EmbeddedStore) -> set[str]:
    return {r["o"] for r in store.select("SELECT ?o WHERE { ?s ?p ?o }")}


def test_a_failing_update_changes_nothing(store: EmbeddedStore, tmp_path: Path) -> None:
    version = store.version_name()
    with pytest.raises(QueryError):
        store.update(
            f'INSERT DATA {{ GRAPH <{G}> {{ <https://example.org/a> <https://example.org/b> "x" }} }} ; '
            f"ADD <{G}> TO <{G}3> ; INSERT DATA {{ GRAPH <{G}> {{ <a"
        )
    assert store.version_name() == version and merged(store) == {"1"}
    assert sorted(p.name for p in (tmp_path / "var" / "store.versions").iterdir() if p.is_dir()) == [version]


def test_writes_go_to_a_new_version_that_readers_follow(store: EmbeddedStore) -> None:
    reader = EmbeddedStore(store.path, read_only=True)
    first = reader.version_name()
    assert merged(reader) == {"1"}
    store.update(f'INSERT DATA {{ GRAPH <{G}> {{ <https://example.org/s> <https://example.org/p> "9" }} }}')
    assert reader.version_name() != first
    assert merged(reader) == {"1", "9"}
    assert (store.versions / first).is_dir()  # kept for readers still on it


def test_versions_are_bounded_by_count_as_well_as_time(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A steady write load used to keep every version of the last 300 s (267 versions, 383 MB)."""
    monkeypatch.setenv("DPRK_KG_MAX_VERSIONS", "3")
    for n in range(8):
        store.update(f"INSERT DATA {{ GRAPH <urn:test:g> {{ <urn:s> <urn:p> {n} }} }}")
    versions = [p for p in store.versions.iterdir() if p.is_dir()]
    assert len(versions) <= 3, versions
    assert store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:test:g> { ?s ?p ?o } }") == [{"n": "8"}]
