"""The embedded store: atomic replacement, a failed or interrupted build leaves the old store, one
writer at a time, read-only opening, transactional graph replacement."""

from __future__ import annotations

import fcntl
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from dprk_kg.errors import QueryError, StoreError
from dprk_kg.store import EmbeddedStore, ResultFormat

G = "https://example.org/g"


def nquads(tmp_path: Path, text: str, name: str = "data.nq") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "var" / "store")
    store.replace_dataset(nquads(tmp_path, f'<https://example.org/s> <https://example.org/p> "1" <{G}> .\n'))
    return store


def test_replace_swaps_a_link(store: EmbeddedStore) -> None:
    assert store.path.is_symlink()
    assert store.quad_count() == 1
    assert list(store.graph_names()) == [G]


def test_failed_bulk_load_leaves_the_previous_store(store: EmbeddedStore, tmp_path: Path) -> None:
    before = store.path.resolve()
    broken = nquads(tmp_path, "<https://example.org/s> <https://example.org/p> .\n", "broken.nq")
    with pytest.raises(StoreError, match="bulk load"):
        store.replace_dataset(broken)
    assert store.path.resolve() == before
    reader = EmbeddedStore(store.path, read_only=True)
    assert reader.quad_count() == 1
    assert sorted(p.name for p in (tmp_path / "var" / "store.versions").iterdir() if p.is_dir()) == [before.name]


def test_interrupted_build_is_ignored_then_pruned(store: EmbeddedStore, tmp_path: Path) -> None:
    versions = tmp_path / "var" / "store.versions"
    leftover = versions / "00000000T000000000000Z-1"  # what a killed build leaves behind
    leftover.mkdir()
    (leftover / "garbage").write_text("half-written")
    assert EmbeddedStore(store.path, read_only=True).quad_count() == 1
    two = f'<https://example.org/s> <https://example.org/p> "2" <{G}> .\n'
    store.replace_dataset(nquads(tmp_path, two, "two.nq"))
    assert not leftover.exists()
    assert EmbeddedStore(store.path, read_only=True).select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }") == [{"o": "2"}]


def test_one_build_at_a_time(store: EmbeddedStore, tmp_path: Path) -> None:
    lock = tmp_path / "var" / "store.versions" / ".lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(StoreError, match="another build"):
            store.replace_dataset(nquads(tmp_path, "", "empty.nq"))


def test_a_directory_from_an_older_layout_is_adopted(tmp_path: Path) -> None:
    path = tmp_path / "store"
    legacy = ox.Store(str(path))
    legacy.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("x")))
    del legacy
    store = EmbeddedStore(path)
    store.replace_dataset(nquads(tmp_path, f'<https://example.org/s> <https://example.org/p> "1" <{G}> .\n'))
    assert path.is_symlink() and (tmp_path / "store.versions" / "legacy").is_dir()


def test_read_only_store_refuses_writes(store: EmbeddedStore) -> None:
    reader = EmbeddedStore(store.path, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        reader.update("INSERT DATA { <https://example.org/a> <https://example.org/b> <https://example.org/c> }")


def test_replace_graphs_in_one_transaction(store: EmbeddedStore) -> None:
    store.replace_graphs([G], f'<https://example.org/s> <https://example.org/p> "3" <{G}> .\n'.encode())
    assert store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }") == [{"o": "3"}]
    with pytest.raises(StoreError, match="invalid N-Quads"):
        store.replace_graphs([G], b"<https://example.org/s> <https://example.org/p> .\n")
    assert store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }") == [{"o": "3"}]


def test_bad_update_changes_nothing(store: EmbeddedStore) -> None:
    with pytest.raises(QueryError):
        store.update(f"DROP GRAPH <{G}> ; INSERT DATA {{ <https://example.org/a> ")
    assert store.quad_count() == 1


def test_results_format_must_fit_the_query_form(store: EmbeddedStore) -> None:
    with pytest.raises(QueryError, match="cannot carry the triples"):
        store.query("CONSTRUCT WHERE { ?s ?p ?o }", ResultFormat.CSV)
    with pytest.raises(QueryError, match="cannot carry SELECT"):
        store.query("SELECT * WHERE { ?s ?p ?o }", ResultFormat.TURTLE)
    ask = store.query("ASK { GRAPH ?g { ?s ?p ?o } }", ResultFormat.SPARQL_JSON)
    assert ask.kind == "boolean" and b"true" in ask.body


def test_dataset_restricts_the_default_graph(store: EmbeddedStore) -> None:
    from dprk_kg.store.base import Dataset

    plain = json.loads(store.query("SELECT ?o WHERE { ?s ?p ?o }", ResultFormat.SPARQL_JSON).body)
    assert plain["results"]["bindings"] == []  # this store's default graph was left empty
    restricted = store.query("SELECT ?o WHERE { ?s ?p ?o }", ResultFormat.SPARQL_JSON, dataset=Dataset((G,)))
    assert [b["o"]["value"] for b in json.loads(restricted.body)["results"]["bindings"]] == ["1"]


def test_dump_needs_a_dataset_format(store: EmbeddedStore) -> None:
    with pytest.raises(QueryError, match="cannot hold named graphs"):
        store.dump(ResultFormat.TURTLE, io.BytesIO())
    out = io.BytesIO()
    store.dump(ResultFormat.TRIG, out)
    assert G.encode() in out.getvalue()
