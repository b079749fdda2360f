"""The seed documents: finding them, and reading each one's text and metadata.

A document in ``seeds/`` is three files sharing an id: ``{id}.txt`` (the text, verbatim),
``{id}.meta.yaml`` (title, publisher, authors, language, what is known of the date) and
``{id}.claims.yaml`` (the curated claims).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dprk_kg.errors import InputError
from dprk_kg.iris import DOCUMENT_ID, is_slug
from dprk_kg.loaders.sources.literals import is_valid
from dprk_kg.loaders.sources.yaml_source import check_keys, read_yaml, require_mapping
from dprk_kg.vocabulary import XSD

META_FIELDS = {
    "title",
    "type",
    "publisher",
    "authors",
    "language",
    "dateline",
    "issued",
    "date_note",
    "note",
    "url",
    "url_checked",
}
META_REQUIRED = {"title", "type", "publisher", "language"}
DOCUMENT_TYPES = {"schema:NewsArticle"}
ISSUED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")


def issued_type(value: str) -> ox.NamedNode:
    """The XSD datatype of a (possibly partial) publication date: gYear, gYearMonth or date."""
    return XSD[{4: "gYear", 7: "gYearMonth"}.get(len(value), "date")]


@dataclass(frozen=True)
class DocumentFiles:
    """The three files of one document."""

    id: str
    text: Path
    meta: Path
    claims: Path


@dataclass(frozen=True)
class Document:
    """A document's text and curated metadata; the text is kept exactly as in its file."""

    files: DocumentFiles
    text: str
    title: str
    type: str
    publisher: str
    authors: tuple[str, ...]
    language: str
    dateline: str | None
    issued: str | None
    date_note: str | None
    note: str | None
    url: str | None  # where the document was published
    url_checked: str | None  # where that address was verified to carry this text
    meta_line: dict[str, int]

    @property
    def id(self) -> str:
        return self.files.id

    def references(self) -> list[tuple[str, int]]:
        """Entity slugs the metadata names, with their lines, for the reference check."""
        refs = [(self.publisher, self.meta_line["publisher"])]
        refs.extend((author, self.meta_line.get("authors", 1)) for author in self.authors)
        return refs


def discover(seeds: Path) -> list[DocumentFiles]:
    """Every ``*.txt`` in ``seeds`` is a document; its two YAML files must stand beside it."""
    if not seeds.is_dir():
        raise InputError(seeds, None, "seeds folder not found")
    found = []
    for text in sorted(seeds.glob("*.txt")):
        doc_id = text.stem
        if not text.is_file():
            raise InputError(text, None, "a document must be a text file (this is a folder or a special file)")
        if not DOCUMENT_ID.match(doc_id):
            raise InputError(text, None, f"document id {doc_id!r} must match {DOCUMENT_ID.pattern}")
        files = DocumentFiles(doc_id, text, seeds / f"{doc_id}.meta.yaml", seeds / f"{doc_id}.claims.yaml")
        for companion in (files.meta, files.claims):
            if not companion.is_file():
                raise InputError(text, None, f"missing companion file {companion.name}")
        found.append(files)
    return found


MAX_DOCUMENT_BYTES = 4 << 20
"""A document's text travels as one literal, and pyoxigraph's parsers hold at most 16 MiB per line;
escaping can double a text, so 4 MiB leaves a wide margin (a news report is rarely 100 KB)."""


def read_document(files: DocumentFiles) -> Document:
    """Read the text verbatim (no newline translation: offsets count every code point)."""
    try:
        size = files.text.stat().st_size
    except OSError as error:
        raise InputError(files.text, None, f"cannot read: {error.strerror}") from error
    if size > MAX_DOCUMENT_BYTES:
        raise InputError(
            files.text,
            None,
            f"the document is {size / (1 << 20):.1f} MiB; documents are limited to "
            f"{MAX_DOCUMENT_BYTES >> 20} MiB (a text is stored as one literal): split it into parts",
        )
    try:
        with files.text.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        raise InputError(files.text, None, f"not valid UTF-8: {error}") from error
    except OSError as error:
        raise InputError(files.text, None, f"cannot read: {error.strerror}") from error
    if not text.strip():
        raise InputError(files.text, None, "the document is empty")
    meta = require_mapping(read_yaml(files.meta), files.meta, 1, "metadata")
    check_keys(meta, files.meta, META_FIELDS, META_REQUIRED, "metadata")
    path = files.meta
    if meta["type"] not in DOCUMENT_TYPES:
        raise InputError(path, meta.line_of("type"), f"type must be one of {sorted(DOCUMENT_TYPES)}")
    authors = meta.get("authors") or []
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise InputError(path, meta.line_of("authors"), "authors must be a list of entity ids")
    for key, value in [("publisher", meta["publisher"]), *(("authors", a) for a in authors)]:
        if not isinstance(value, str) or not is_slug(value):
            raise InputError(path, meta.line_of(key), f"{key}: {value!r} is not an entity id (a lowercase slug)")
    issued = meta.get("issued")
    if issued is not None and not (
        isinstance(issued, str) and ISSUED.match(issued) and is_valid(issued, issued_type(issued).value)
    ):
        raise InputError(
            path, meta.line_of("issued"), f"issued: {issued!r} is not a valid YYYY, YYYY-MM or YYYY-MM-DD date"
        )
    language = meta["language"]
    if not isinstance(language, str) or not LANGUAGE.match(language):
        raise InputError(path, meta.line_of("language"), f"language: {language!r} is not a BCP 47 tag")
    for key in ("title", "dateline", "date_note", "note", "url", "url_checked"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            raise InputError(path, meta.line_of(key), f"{key} must be text")
    url = meta.get("url")
    if url is not None:
        _check_address(url, path, meta.line_of("url"))
        if not meta.get("url_checked"):
            raise InputError(path, meta.line_of("url"), "url needs url_checked: where the address was verified")
    return Document(
        files=files,
        text=text,
        title=meta["title"].strip(),
        type=meta["type"],
        publisher=meta["publisher"],
        authors=tuple(authors),
        language=language,
        dateline=meta.get("dateline"),
        issued=issued,
        date_note=meta.get("date_note"),
        note=meta.get("note"),
        url=url,
        url_checked=meta.get("url_checked"),
        meta_line=dict(meta.value_lines),
    )


def _check_address(url: str, path: Path, line: int | None) -> None:
    """A publication address is an absolute http(s) IRI, as pyoxigraph reads one."""
    try:
        ox.NamedNode(url)
    except ValueError as error:
        raise InputError(path, line, f"url: {url!r} is not an IRI: {error}") from error
    if not url.startswith(("http://", "https://")):
        raise InputError(path, line, f"url: {url!r} is not an http or https address")
