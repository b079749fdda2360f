"""The dumps a build writes beside the embedded store: one folder per store version, with a manifest
whose sizes and checksums are the files', cleaned up with the versions; none for a remote store, whose
description then names no dump but still counts what its dump holds."""

from __future__ import annotations

import gzip
import hashlib
import io
from pathlib import Path

import pyoxigraph as ox

from dprk_kg.dumps import DUMPS, current_manifest, dumps_root
from dprk_kg.store import EmbeddedStore, ResultFormat
from dprk_kg.store.remote import RemoteStore
from dprk_kg.vocabulary import VOID
from tests.conftest import run_cli
from tests.store.conftest import RemoteServer, oxigraph_server  # noqa: F401  (a fixture)

BASE = "https://w3id.org/dprk-kg/"


def build(store: Path | str, *, env: dict[str, str] | None = None) -> None:
    ran = run_cli("build", "--store", str(store), "--reasoner", "rules", "--quiet", env=env)
    assert ran.returncode == 0, ran.stderr


def test_each_version_has_its_dumps_and_they_go_with_it(tmp_path: Path) -> None:
    store = tmp_path / "store"
    for _ in range(3):
        build(store, env={"DPRK_KG_MAX_VERSIONS": "1"})  # the store keeps the current version and one before
    versions = {p.name for p in (tmp_path / "store.versions").iterdir() if p.is_dir()}
    assert len(versions) == 2  # the current one and the one before; the first is gone, and its dumps
    assert {p.name for p in dumps_root(store).iterdir()} == versions
    manifest = current_manifest(store)
    assert manifest is not None and manifest.version == store.resolve().name
    assert [f.dump for f in manifest.files] == list(DUMPS)
    whole = io.BytesIO()
    EmbeddedStore(store, read_only=True).dump(ResultFormat.N_QUADS, whole)
    expected = set(ox.parse(whole.getvalue(), format=ox.RdfFormat.N_QUADS))
    for entry in manifest.files:
        data = manifest.path(entry).read_bytes()
        assert len(data) == entry.size and hashlib.sha256(data).hexdigest() == entry.sha256
        if entry.dump.gzipped:
            data = gzip.decompress(data)
        assert set(ox.parse(data, format=ox.RdfFormat.from_media_type(entry.dump.format.media_type))) == expected


def test_a_remote_store_gets_a_description_and_no_dumps(oxigraph_server: RemoteServer, tmp_path: Path) -> None:  # noqa: F811
    build(oxigraph_server.location)
    store = RemoteStore(oxigraph_server.reader, base=BASE)
    rows = store.select(
        "SELECT ?n (COUNT(?dump) AS ?dumps) WHERE { GRAPH ?g { ?d void:triples ?n OPTIONAL { ?d void:dataDump ?dump } "
        f"FILTER (?d = <{BASE}dataset>) }} }} GROUP BY ?n",
        prefixes={"void": VOID.iri},
    )
    assert [(int(r["n"]), int(r["dumps"])) for r in rows] == [(store.quad_count(), 0)]
    assert not list(tmp_path.glob("**/*.dumps"))
