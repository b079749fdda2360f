"""Whole-dataset dumps, written by a build beside the embedded store and served at ``/dumps/``.

A dump is what ``dprk-kg export`` writes — the same call, ``Store.dump``, on the same store version —
so the two hold the same quads: every named graph and the default graph's merge. A build writes each
format of ``DUMPS`` for the version it has just swapped in, into ``<store>.dumps/<version>/``, with a
``manifest.json`` giving each file's size and SHA-256: the files are written in a scratch folder and
renamed into place whole, so a reader sees a version's dumps complete or not at all.

The checksums and sizes cannot be in the dataset they describe (a dump cannot hold its own digest):
the dataset description in the store (``loaders/rdf/dataset_description.py``) names the dumps and
their formats, and the server adds the manifest's checksum and size when it serves the description
at ``/.well-known/void``.

Dumps follow the store's versions: those of a version the store has deleted are deleted at the next
build, and a write through the server (a new version) has none until the next build. A remote store
gets no dumps: its data is not on this machine, and ``dprk-kg export --store URL`` dumps it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dprk_kg.store import EmbeddedStore, ResultFormat

MANIFEST = "manifest.json"
SCRATCH = ".partial-"  # then the writing process's id
CHUNK = 1 << 20


@dataclass(frozen=True)
class DumpFormat:
    """One dump file: its name, its RDF format, whether it is gzipped, and its key in fragment IRIs."""

    name: str
    format: ResultFormat
    gzipped: bool
    key: str

    @property
    def content_type(self) -> str:
        """The type the file is served with: gzip files as ``application/gzip`` (not as an encoding,
        so a client keeps the bytes the checksum is of)."""
        return "application/gzip" if self.gzipped else self.format.media_type

    def download_iri(self, base: str) -> str:
        """Where the file is published: under the deployment's base, as every IRI here is."""
        return f"{base}dumps/{self.name}"

    def distribution_iri(self, base: str) -> str:
        return f"{base}dataset#dump-{self.key}"


DUMPS = (
    DumpFormat("dprk-kg.trig", ResultFormat.TRIG, gzipped=False, key="trig"),
    DumpFormat("dprk-kg.nq.gz", ResultFormat.N_QUADS, gzipped=True, key="nquads-gz"),
)
BY_NAME = {dump.name: dump for dump in DUMPS}


@dataclass(frozen=True)
class DumpFile:
    """A dump as written: its format, size in bytes and SHA-256 (hex)."""

    dump: DumpFormat
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """The dumps of one store version, and where they are."""

    version: str
    folder: Path
    files: tuple[DumpFile, ...]

    def file(self, name: str) -> DumpFile | None:
        return next((f for f in self.files if f.dump.name == name), None)

    def path(self, entry: DumpFile) -> Path:
        return self.folder / entry.dump.name


def dumps_root(store_path: Path) -> Path:
    """The folder of an embedded store's dumps: beside it, like its versions (``<store>.versions``)."""
    return store_path.parent / f"{store_path.name}.dumps"


def write_dumps(store: EmbeddedStore, running: Callable[[int], bool]) -> Manifest:
    """Write every dump of the store's current version and its manifest, then delete the dumps of
    versions the store no longer has (``running`` tells whether a process id is alive, for the scratch
    folders of writers that died). ``StoreError`` if the store cannot be read; ``OSError`` if the
    files cannot be written (the build reports it as a store error)."""
    version = store.current_version()
    root = dumps_root(store.path)
    root.mkdir(parents=True, exist_ok=True)
    scratch = root / f"{SCRATCH}{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        # each format on its own thread and reader of this version (even if a write swaps another in):
        # the engine serialises without the GIL, so the two take the time of one (12 s, not 23, at 1M)
        with ThreadPoolExecutor(max_workers=len(DUMPS)) as pool:
            files = tuple(pool.map(lambda dump: _write(version, dump, scratch / dump.name), DUMPS))
        (scratch / MANIFEST).write_text(json.dumps(_manifest_json(version.name, files), indent=2) + "\n")
        final = root / version.name
        shutil.rmtree(final, ignore_errors=True)
        os.replace(scratch, final)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    prune_dumps(store, running)
    return Manifest(version.name, final, files)


def _write(version: Path, dump: DumpFormat, path: Path) -> DumpFile:
    store = EmbeddedStore(version, read_only=True)
    with path.open("wb") as raw:
        if dump.gzipped:
            # mtime=0 and no file name: the same bytes whenever they are written; level 6, gzip's own default
            with gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=6, mtime=0) as packed:
                store.dump(dump.format, packed)  # type: ignore[arg-type]  # a GzipFile is a binary file
        else:
            store.dump(dump.format, raw)
    store.close()
    return DumpFile(dump, path.stat().st_size, sha256_of(path))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest_json(version: str, files: tuple[DumpFile, ...]) -> dict[str, object]:
    return {
        "version": version,
        "files": [
            {
                "name": f.dump.name,
                "media_type": f.dump.format.media_type,
                "gzipped": f.dump.gzipped,
                "bytes": f.size,
                "sha256": f.sha256,
            }
            for f in files
        ],
    }


def prune_dumps(store: EmbeddedStore, running: Callable[[int], bool]) -> None:
    """Delete the dumps of versions the store has deleted, and scratch folders of writers that died."""
    root = dumps_root(store.path)
    for folder in root.iterdir() if root.is_dir() else ():
        if folder.name.startswith(SCRATCH):
            pid = folder.name[len(SCRATCH) :]
            if pid.isdigit() and int(pid) != os.getpid() and not running(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)
        elif folder.is_dir() and not (store.versions / folder.name).is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def current_manifest(store_path: Path) -> Manifest | None:
    """The dumps of the store's current version, or None: no store, a version written after the last
    build (a write through the server), or dumps still being written. Read without opening the store."""
    try:
        version = Path(os.readlink(store_path)).name if store_path.is_symlink() else store_path.name
    except OSError:
        return None
    return read_manifest(dumps_root(store_path) / version)


def read_manifest(folder: Path) -> Manifest | None:
    try:
        data = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    files = tuple(
        DumpFile(BY_NAME[entry["name"]], int(entry["bytes"]), str(entry["sha256"]))
        for entry in data["files"]
        if entry["name"] in BY_NAME
    )
    return Manifest(str(data["version"]), folder, files)
