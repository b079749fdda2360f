"""``dprk-kg remove DOCUMENT-ID``: a document leaves the seeds folder and the store, and nothing else.

Its three files are deleted and the store is built incrementally (the batch that held it is loaded
again without it; the claims, mentions, provenance and entailments that were its own go with the
rebuilt version). Registry entries the document used and no remaining document uses — a publisher
or author ``dprk-kg add`` created for it, say — are reported; ``--prune`` removes them from
``entities.yaml`` too, so that adding a report and removing it leaves the store as it was. An entry
another registry entry names (``located_in`` …) or the mapping set links to Wikidata is curated
reference data and is never pruned. If the build fails, every file is put back.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dprk_kg.adding import CURATOR
from dprk_kg.errors import InputError
from dprk_kg.iris import Iris
from dprk_kg.loaders.sources.claims import read_claims
from dprk_kg.loaders.sources.documents import DocumentFiles, discover, read_document
from dprk_kg.loaders.sources.inputs import Inputs, read_inputs
from dprk_kg.loaders.sources.registry import REFERENCE_FIELDS, Registry
from dprk_kg.seeds_files import SeedsFiles, folder_lock


@dataclass
class Removed:
    document: str
    unused: list[str] = field(default_factory=list)  # registry entries only the document used
    pruned: bool = False


def remove_document(doc_id: str, seeds: Path, iris: Iris, prune: bool, load: Callable[[], None]) -> Removed:
    """Delete the document's files (and, with ``prune``, the registry entries only it used), then
    ``load``; if the load fails, put every file back and raise its error."""
    with folder_lock(seeds):
        return _remove(doc_id, seeds, iris, prune, load)


def _remove(doc_id: str, seeds: Path, iris: Iris, prune: bool, load: Callable[[], None]) -> Removed:
    documents = {files.id: files for files in discover(seeds)}
    if doc_id not in documents:
        near = difflib.get_close_matches(doc_id, documents, n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise InputError(seeds, None, f"no document {doc_id!r} in this seeds folder{hint}")
    inputs = read_inputs(seeds, iris)
    mine = used_entities([documents.pop(doc_id)], inputs)
    unused = sorted(mine - used_entities(documents.values(), inputs) - curated(inputs))
    files = SeedsFiles(seeds)
    for path in (files.text(doc_id), files.meta(doc_id), files.claims(doc_id)):
        files.delete(path)
    if prune and unused:
        files.write(
            files.registry, without_entries(files.registry.read_text(encoding="utf-8"), inputs.registry, unused)
        )
    files.commit_or_restore(load)
    return Removed(doc_id, unused, prune)


def used_entities(documents: Iterable[DocumentFiles], inputs: Inputs) -> set[str]:
    """The registry entries the documents' metadata and claims name (publisher, authors, who a claim
    is attributed to, the entities of its triples)."""
    prefix = inputs.iris.entity("")
    used: set[str] = set()
    for files in documents:
        document = read_document(files)
        used.update((document.publisher, *document.authors))
        for claim in read_claims(files.claims, document, inputs.prefixes).claims:
            used.add(claim.attributed_to)
            used.update(
                term.value[len(prefix) :]
                for triple in claim.triples
                for term in (triple.subject, triple.object)
                if isinstance(term, ox.NamedNode) and term.value.startswith(prefix)
            )
    return used & inputs.registry.ids()


def curated(inputs: Inputs) -> set[str]:
    """Entries that stay whatever the documents use: those another entry names (``located_in`` …,
    ``distinct_from``), those with a Wikidata link, and the registry's own agents (the curators)."""
    registry = inputs.registry
    named = {getattr(e, key) for e in registry.entries for key in REFERENCE_FIELDS} - {None}
    named |= {other for e in registry.entries for other in e.distinct_from}
    return {str(slug) for slug in named} | set(inputs.mappings.registry_links()) | {CURATOR}


def without_entries(text: str, registry: Registry, slugs: Iterable[str]) -> str:
    """The registry's text less the entries' lines (each from its ``- id:`` line to its last line
    before the next entry, less the comments and blank lines that open the next), and the one blank
    line before each — what ``dprk-kg add`` appended."""
    lines = text.splitlines(keepends=True)
    starts = sorted(e.line for e in registry.entries)
    drop: set[int] = set()
    for slug in slugs:
        entry = registry.get(slug)
        assert entry is not None
        following = [s for s in starts if s > entry.line]
        end = (following[0] if following else len(lines) + 1) - 1  # 1-based, inclusive
        while end > entry.line and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        first = entry.line - 1 if entry.line > 1 and not lines[entry.line - 2].strip() else entry.line
        drop.update(range(first, end + 1))
    return "".join(line for number, line in enumerate(lines, start=1) if number not in drop)
