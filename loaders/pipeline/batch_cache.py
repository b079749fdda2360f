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
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import dprk_kg
import dprk_kg.loaders
from dprk_kg.loaders.pipeline.batches import BatchResult
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

    def key(self, batch: Sequence[DocumentFiles]) -> str:
        digest = hashlib.sha256(self.shared.encode())
        for files in batch:
            digest.update(files.id.encode() + b"\0")
            for path in (files.text, files.meta, files.claims):
                digest.update(sha256_of(path).encode())
        return digest.hexdigest()

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
        """Keep the result (written aside, then renamed into place); a cache that cannot be written
        only costs the next build its time, so a failure here does not fail the build."""
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
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            aside = Path(tempfile.mkdtemp(dir=self.folder, prefix=f".{os.getpid()}-"))
            (aside / QUADS).write_bytes(result.nquads)
            (aside / TRANSITIVE).write_bytes(result.transitive)
            (aside / RESULT).write_text(json.dumps(fields), encoding="utf-8")
            try:
                aside.rename(self.folder / key)
            except OSError:  # a build beside this one cached the same batch first
                shutil.rmtree(aside, ignore_errors=True)
        except OSError:
            return

    def keep_only_used(self) -> None:
        """Remove the entries this build did not use, and what killed builds left aside."""
        with contextlib.suppress(FileNotFoundError):
            for entry in self.folder.iterdir():
                if entry.name not in self.used:
                    shutil.rmtree(entry, ignore_errors=True)
