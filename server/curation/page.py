"""What the curation page shows of a document: its text cut into sentences and pieces, with the claims
of its claims file and the entities the mention linker finds highlighted, and what the draft form
completes from.

Everything is read from the seeds folder the server is configured with, not from the store: the page
edits the files, and the store holds them only after ``dprk-kg build``. The text is cut as the document
pages cut it (``document_text``: sentences, pieces covered by the same claims, markers for claims no
piece leads to); each piece is then cut again where a mention starts or ends, and each part carries its
offset in the text, which is how the page's script turns a selection into a quote and its occurrence.
The mentions are the linker's (``dprk_kg.linking``), the same ones a build writes as annotations into
the document's mentions graph, found afresh so that a document not yet built has them too.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from dprk_kg.errors import DprkKgError
from dprk_kg.iris import DOCUMENT_ID, Iris
from dprk_kg.linking import Mention, linker_for
from dprk_kg.loaders.rdf.references import introduced_labels
from dprk_kg.loaders.sources.claims import MODALITIES, STATUSES, Claim, read_claims
from dprk_kg.loaders.sources.documents import Document, DocumentFiles, discover, read_document
from dprk_kg.loaders.sources.inputs import REGISTRY_FILE
from dprk_kg.loaders.sources.ontology import load_ontology
from dprk_kg.loaders.sources.registry import Registry, read_registry
from dprk_kg.paths import ontology_dir
from dprk_kg.server import document_text
from dprk_kg.terms import curie, describe_terms
from dprk_kg.vocabulary import base_prefixes

STATUS_NAMES = tuple(STATUSES)
MODALITY_NAMES = tuple(MODALITIES)


@dataclass(frozen=True)
class Part:
    """A run of text inside one piece: all of it in one mention, or in none."""

    text: str
    start: int
    mention: Mention | None


@dataclass
class Piece:
    claims: list[document_text.Quote]  # the claims quoting it, innermost first
    markers: list[document_text.Quote]
    parts: list[Part]

    @property
    def depth(self) -> int:
        return min(len(self.claims), 3)


@dataclass
class Sentence:
    pieces: list[Piece]
    claimed: bool


@dataclass
class CurationPage:
    document: Document
    sentences: list[Sentence]
    claims: tuple[Claim, ...]
    claims_error: str | None  # the claims file as it stands does not read: shown, and nothing of it
    mentions: tuple[Mention, ...]
    completions: dict[str, object] = field(default_factory=dict)

    @property
    def unclaimed(self) -> int:
        return sum(not sentence.claimed for sentence in self.sentences)


def document_files(seeds: Path, doc_id: str) -> DocumentFiles | None:
    """The document's files, if ``doc_id`` is a document id and the folder has all three; the id is
    checked against the id rule before it comes near a path, so no id names a file outside the folder."""
    if not DOCUMENT_ID.fullmatch(doc_id):
        return None
    files = DocumentFiles(
        doc_id, seeds / f"{doc_id}.txt", seeds / f"{doc_id}.meta.yaml", seeds / f"{doc_id}.claims.yaml"
    )
    if not all(path.is_file() for path in (files.text, files.meta, files.claims)):
        return None
    return files


def curation_page(files: DocumentFiles, seeds: Path, iris: Iris) -> CurationPage:
    """The page's model; raises ``DprkKgError`` when the text, metadata or registry cannot be read
    (a claims file that does not read is shown with its error instead)."""
    document = read_document(files)
    registry = read_registry(seeds / REGISTRY_FILE)
    prefixes = base_prefixes(iris.base)
    claims: tuple[Claim, ...] = ()
    claims_error = None
    try:
        claims = read_claims(files.claims, document, prefixes).claims
    except DprkKgError as error:
        claims_error = str(error).replace(f"{seeds}/", "")
    mentions = linker_for(registry).link(document.text).mentions
    rows = [
        {"claim": iris.claim(files.id, claim.id), "id": claim.id, "start": str(e.start), "end": str(e.end)}
        for claim in claims
        for e in claim.evidence
    ]
    page = CurationPage(document, _sentences(document.text, rows, mentions), claims, claims_error, mentions)
    page.completions = {
        "entities": _entities(registry, mentions, _introduced(files, seeds, registry, iris)),
        "terms": _terms(iris.base),
        "text": document.text,
    }
    return page


def _sentences(text: str, rows: list[dict[str, str]], mentions: tuple[Mention, ...]) -> list[Sentence]:
    """``document_text``'s sentences, each piece cut again at the mentions (which never overlap)."""
    result = []
    offset = 0
    for sentence in document_text.sentences(text, document_text.quotes_of(rows, text)):
        pieces = []
        for piece in sentence.pieces:
            start, end = offset, offset + len(piece.text)
            offset = end
            pieces.append(Piece(piece.quotes, piece.markers, _parts(text, start, end, mentions)))
        result.append(Sentence(pieces, sentence.quoted))
    return result


def _parts(text: str, start: int, end: int, mentions: tuple[Mention, ...]) -> list[Part]:
    inside = [m for m in mentions if m.start < end and start < m.end]
    cuts = sorted({start, end} | {max(start, m.start) for m in inside} | {min(end, m.end) for m in inside})
    parts = []
    for left, right in itertools.pairwise(cuts):
        mention = next((m for m in inside if m.start <= left and right <= m.end), None)
        parts.append(Part(text[left:right], left, mention))
    return parts


def _entities(
    registry: Registry, mentions: tuple[Mention, ...], introduced: dict[str, tuple[str, str]]
) -> list[dict[str, str]]:
    """Entity ids to complete: those the text mentions first, then those the documents' claims
    introduce (this one's first), then the rest of the registry; each with its label and where it
    comes from."""
    named = {m.entity for m in mentions}
    found: dict[str, dict[str, str]] = {}
    for entry in registry.entries:
        if entry.id in named:
            found[entry.id] = {"id": entry.id, "label": entry.label, "from": "named in the text"}
    for slug, (label, where) in introduced.items():
        found.setdefault(slug, {"id": slug, "label": label, "from": where})
    for entry in registry.entries:
        found.setdefault(entry.id, {"id": entry.id, "label": entry.label, "from": "registry"})
    return list(found.values())


def _introduced(files: DocumentFiles, seeds: Path, registry: Registry, iris: Iris) -> dict[str, tuple[str, str]]:
    """Every entity the folder's claims introduce (slug → label, and which document): a claim may name
    another document's entity by its id alone. This document's come first."""
    found: dict[str, tuple[str, str]] = {}
    for other in sorted(discover(seeds), key=lambda each: each.id != files.id):
        where = "introduced by this document" if other.id == files.id else f"introduced by {other.id}"
        for slug, label in _introduced_by(other, registry, iris).items():
            found.setdefault(slug, (label, where))
    return found


# document id → (what its labels were read from, the labels): a page lists every document's entities,
# and reads a document's claims again only when its files or the registry changed
_INTRODUCED: dict[str, tuple[tuple[object, ...], dict[str, str]]] = {}


def _introduced_by(files: DocumentFiles, registry: Registry, iris: Iris) -> dict[str, str]:
    """The entities (slug → English label) one document's claims introduce; none while its claims do
    not read (the checks report that, on its own page or at a save)."""
    prefix = iris.entity("")
    try:
        paths = (files.text, files.meta, files.claims, registry.path)
        stamp = (iris.base, *((stat.st_mtime_ns, stat.st_size) for stat in map(Path.stat, paths)))
        remembered = _INTRODUCED.get(files.id)
        if remembered is not None and remembered[0] == stamp:
            return remembered[1]
        claims = read_claims(files.claims, read_document(files), base_prefixes(iris.base))
        labels = {label.entity.removeprefix(prefix): label.label for label in introduced_labels(claims, iris, registry)}
    except (DprkKgError, OSError):
        return {}
    _INTRODUCED[files.id] = (stamp, labels)
    return labels


@functools.cache
def _terms(base: str) -> tuple[dict[str, str], ...]:
    """The ontology's classes and properties as prefixed names (the ontology does not change while the
    server runs: its digest is part of the server's fingerprint)."""
    prefixes = base_prefixes(base)
    return tuple(
        {"curie": curie(term.iri, prefixes), "kind": term.kind, "label": term.label or ""}
        for term in describe_terms(load_ontology(ontology_dir()), None, prefixes)
        if not curie(term.iri, prefixes).startswith("<")
    )
