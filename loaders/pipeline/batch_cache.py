"""What each batch of documents came to, kept between builds so that an edit reloads only its batch.

A batch's result — its quads, its entailments, its counts and labels — is a function of its
documents' files and of the project-wide inputs (ontology, shapes, registry, mappings, the loader's
own code, the IRI base, the engines). The key of a cached result is the digest of all of these, so a
changed document, a changed registry or a new version of the loader is a miss, never a stale hit:
the build that reuses cached batches writes exactly the store a full build writes (tested quad for
quad). Every rule but transitivity fires within one document, and transitivity is closed by the
build across all batches, so a batch's result does not depend on which other batches exist.

Entries are folders named by their key, written aside and renamed into place (a killed build leaves
no half entry); a build keeps the entries it used and removes the rest, so the cache holds one
build's batches (about the size of the build's scratch file).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import dprk_kg
import dprk_kg.loaders
from dprk_kg.loaders.pipeline.batches import BatchResult
from dprk_kg.loaders.rdf.introductions import Introduced, Introduction
from dprk_kg.loaders.rdf.references import Label
from dprk_kg.loaders.sources.documents import DocumentFiles
from dprk_kg.loaders.sources.inputs import Inputs, sha256_of
from dprk_kg.paths import shapes_dir

FORMAT = "1"  # the entries' layout: a change makes every old entry a miss
QUADS, TRANSITIVE, RESULT = "quads.nq", "transitive.nq", "result.json"


def code_digest() -> str:
    """The loader's own source: an edited rule or serialiser must not reuse what the old code wrote."""
    digest = hashlib.sha256(dprk_kg.__version__.encode())
    root, loaders = Path(dprk_kg.__file__).parent, Path(dprk_kg.loaders.__file__).parent
    for path in sorted([*root.glob("*.py"), *loaders.rglob("*.py")]):
        digest.update(path.as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class BatchCache:
    """The cached results of one seeds folder's batches, under ``folder``."""

    def __init__(
        self, folder: Path, inputs: Inputs, seeds: Path, engines: Iterable[str], *, reuse: bool = True
    ) -> None:
        self.folder = folder
        self.reuse = reuse  # False: a full build, which loads every batch and caches what it loaded
        self.loaded_documents = 0
        shared = hashlib.sha256(FORMAT.encode())
        for part in (inputs.digest, code_digest(), inputs.iris.base, str(seeds.resolve()), *engines):
            shared.update(part.encode() + b"\0")
        for shape in sorted(shapes_dir().glob("*.ttl")):
            shared.update(sha256_of(shape).encode())
        self.shared = shared.hexdigest()
        self.used: set[str] = set()

    def key(self, batch: Sequence[DocumentFiles], depends: str = "") -> str:
        """The batch's key: its documents' files, the inputs, and ``depends``, what it reads of the
        other documents (the entities they introduce that it names by id alone)."""
        digest = hashlib.sha256(self.shared.encode())
        for files in batch:
            digest.update(self.document_key(files).encode())
        digest.update(depends.encode())
        return digest.hexdigest()

    def document_key(self, files: DocumentFiles) -> str:
        digest = hashlib.sha256(self.shared.encode())
        digest.update(files.id.encode() + b"\0")
        for path in (files.text, files.meta, files.claims):
            digest.update(sha256_of(path).encode())
        return digest.hexdigest()

    def introduced(self, files: DocumentFiles, read: Callable[[], Introduced]) -> Introduced:
        """What the document introduces (``introductions``), from the cache while its files are the same."""
        key = f"introduced-{self.document_key(files)}.json"
        self.used.add(key)
        if self.reuse:
            try:
                fields = json.loads((self.folder / key).read_text(encoding="utf-8"))
                return Introduced(
                    fields["document"],
                    tuple(
                        Introduction(e["slug"], frozenset(e["types"]), e["label"], frozenset(e["documents"]))
                        for e in fields["entities"]
                    ),
                    frozenset(fields["external"]),
                )
            except (OSError, ValueError, KeyError, TypeError):
                pass
        found = read()
        entities = [
            {"slug": e.slug, "types": sorted(e.types), "label": e.label, "documents": sorted(e.documents)}
            for e in found.entities
        ]
        fields = {"document": found.document, "entities": entities, "external": sorted(found.external)}
        self._write(key, lambda path: path.write_text(json.dumps(fields), encoding="utf-8"))
        return found

    def get(self, key: str) -> BatchResult | None:
        """The batch's result, or None when it was never cached (or its entry is unreadable)."""
        if not self.reuse:
            return None
        entry = self.folder / key
        try:
            fields = json.loads((entry / RESULT).read_text(encoding="utf-8"))
            nquads = (entry / QUADS).read_bytes()
            transitive = (entry / TRANSITIVE).read_bytes()
        except (OSError, ValueError):
            return None
        self.used.add(key)
        labels = tuple(
            Label(**{**label, "path": Path(label["path"]), "distinct_from": frozenset(label["distinct_from"])})
            for label in fields.pop("labels")
        )
        ambiguous = tuple(fields.pop("ambiguous"))
        return BatchResult(**fields, labels=labels, ambiguous=ambiguous, nquads=nquads, transitive=transitive)

    def put(self, key: str, result: BatchResult) -> None:
        """Keep the result."""
        self.used.add(key)
        self.loaded_documents += result.documents
        fields = {
            "documents": result.documents,
            "claims": result.claims,
            "asserted_triples": result.asserted_triples,
            "provenance_triples": result.provenance_triples,
            "graphs": result.graphs,
            "mention_triples": result.mention_triples,
            "ambiguous": list(result.ambiguous),
            "labels": [
                {**vars(label), "path": str(label.path), "distinct_from": sorted(label.distinct_from)}
                for label in result.labels
            ],
        }

        def write(aside: Path) -> None:
            aside.mkdir()
            (aside / QUADS).write_bytes(result.nquads)
            (aside / TRANSITIVE).write_bytes(result.transitive)
            (aside / RESULT).write_text(json.dumps(fields), encoding="utf-8")

        self._write(key, write)

    def _write(self, key: str, write: Callable[[Path], object]) -> None:
        """Write an entry aside, then rename it into place; a cache that cannot be written only costs
        the next build its time, so a failure here does not fail the build."""
        aside = self.folder / f".{os.getpid()}-{key}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write(aside)
            try:
                aside.rename(self.folder / key)
            except OSError:  # a build beside this one cached the same entry first
                _remove(aside)
        except OSError:
            _remove(aside)

    def keep_only_used(self) -> None:
        """Remove the entries this build did not use, and what killed builds left aside."""
        with contextlib.suppress(FileNotFoundError):
            for entry in self.folder.iterdir():
                if entry.name not in self.used:
                    _remove(entry)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
