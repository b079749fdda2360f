"""``dprk-kg add FILE…``: a report becomes a document of the seeds folder, ready to curate, and is loaded.

A report is a plain-text, Markdown or HTML file, optionally opening with YAML front matter between
``---`` lines (``title``, ``publisher``, ``issued``, ``language``, ``url``, ``url_checked``, ``authors``,
``dateline``, ``date_note``, ``note``, ``id``); options fill what the front matter leaves out, and an
HTML page's own metadata (title, language, author, publication time, site name) what both leave out,
which the document's note then says. The text is written verbatim (an HTML page reduced to its text
by ``html_text``'s rule); the metadata as ``{id}.meta.yaml``; a claims skeleton — no claims yet, with
the registry entities the mention linker finds named in the text and the relative dates it holds, as
comments for the curator — as ``{id}.claims.yaml``, unless the document already has claims (they are
the curators' work and are kept).

The document id is ``{issued or 'undated'}_{publisher}_{h}``, ``h`` the first 12 hex digits of the
SHA-256 of the report's ``url`` (else of its title, case and spacing folded): the same report added
again has the same id, so adding an unchanged file changes nothing and adding a changed one replaces
its document. A publisher or author named by text rather than by id is the registry entity the name
normaliser finds the same name for (the mention linker's index); a name no entity has becomes a new
registry entry, and a name two entities have is refused with both, never guessed.

The files are written, then the store built incrementally (only the new document's batch is loaded);
if the build fails, every file is put back as it was and the store is untouched.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dprk_kg.errors import InputError
from dprk_kg.html_text import html_text
from dprk_kg.iris import DOCUMENT_ID, is_slug
from dprk_kg.linking import linker_for
from dprk_kg.loaders.sources.documents import MAX_DOCUMENT_BYTES
from dprk_kg.loaders.sources.duplicates import registry_names
from dprk_kg.loaders.sources.registry import Registry, read_registry
from dprk_kg.relative_dates import Found, find_relative_dates
from dprk_kg.seeds_files import SeedsFiles, folder_lock

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n", re.S | re.M)
FIELDS = {
    "title",
    "publisher",
    "issued",
    "language",
    "url",
    "url_checked",
    "authors",
    "dateline",
    "date_note",
    "note",
    "id",
    "date",  # the same as issued
}
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".md", ".markdown", *HTML_SUFFIXES)
MARKDOWN_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
ENTITY_TYPES = {"publisher": "dkg:NewsPublisher", "authors": "dkg:Journalist"}
CURATOR = "dprk-kg-curators"
MAX_REPORT_BYTES = 4 * MAX_DOCUMENT_BYTES  # an HTML page is larger than its text, which the loader limits
NULLS = ("", "~", "null", "Null", "NULL")  # what YAML reads as no value


@dataclass
class Report:
    """One report as it is to be written: its id, text, metadata and the registry entries it needs."""

    source: Path
    id: str
    text: str
    meta: dict[str, Any]
    from_page: tuple[str, ...] = ()  # metadata fields taken from the HTML page's own metadata
    new_entities: list[dict[str, str]] = field(default_factory=list)


def read_report(path: Path, options: Mapping[str, Any], registry: Registry) -> Report:
    """The report in ``path`` with its metadata from front matter, ``options`` and the page."""
    if not path.name.endswith(TEXT_SUFFIXES):
        raise InputError(path, None, f"a report is a {', '.join(TEXT_SUFFIXES)} file")
    if not path.is_file():  # not a folder, a device or a pipe, whose reading might never end
        raise InputError(path, None, "not found, or not a regular file")
    if path.stat().st_size > MAX_REPORT_BYTES:
        raise InputError(path, None, f"the report is over {MAX_REPORT_BYTES >> 20} MiB; split it into parts")
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError(path, None, f"not valid UTF-8: {error}") from error
    except OSError as error:
        raise InputError(path, None, f"cannot read: {error.strerror}") from error
    front, body = _front_matter(raw, path)
    meta = {**{k: v for k, v in options.items() if v not in (None, [], "")}, **front}
    from_page: list[str] = []
    if path.name.endswith(HTML_SUFFIXES):
        page = html_text(body)
        body = page.text
        names = {"title": "title", "language": "language", "issued": "issued", "publisher": "publisher"}
        for key, name in names.items():
            if key not in meta and name in page.metadata:
                meta[key] = page.metadata[name][:10] if key == "issued" else page.metadata[name]
                from_page.append(key)
        if "authors" not in meta and "author" in page.metadata:
            meta["authors"] = [page.metadata["author"]]
            from_page.append("authors")
    if not body.strip():
        raise InputError(path, None, "the report has no text")
    if "title" not in meta and (heading := MARKDOWN_HEADING.search(body)):
        meta["title"] = heading.group(1)
        from_page.append("title")
    for required in ("title", "publisher", "language"):
        if not meta.get(required):
            raise InputError(path, None, f"no {required}: give it in the front matter or as --{required}")
    if meta.get("url") and not meta.get("url_checked"):
        raise InputError(path, None, "url needs url_checked: where the address was verified to carry this text")
    report = Report(path, "", body, meta, tuple(from_page))
    report.meta["publisher"] = _entity(report, "publisher", str(meta["publisher"]), registry)
    authors = meta.get("authors") or []
    authors = [authors] if isinstance(authors, str) else authors
    report.meta["authors"] = [_entity(report, "authors", str(name), registry) for name in authors]
    report.id = str(meta.pop("id", None) or document_id(report.meta))
    if not DOCUMENT_ID.match(report.id):
        raise InputError(path, None, f"document id {report.id!r} must match {DOCUMENT_ID.pattern}")
    return report


def document_id(meta: Mapping[str, Any]) -> str:
    """``{issued or 'undated'}_{publisher}_{12 hex digits of the url, else of the folded title}``."""
    basis = str(meta.get("url") or " ".join(str(meta["title"]).casefold().split()))
    return f"{meta.get('issued') or 'undated'}_{meta['publisher']}_{hashlib.sha256(basis.encode()).hexdigest()[:12]}"


def _front_matter(raw: str, path: Path) -> tuple[dict[str, Any], str]:
    match = FRONT_MATTER.match(raw)
    if match is None:
        return {}, raw
    try:  # every value read as text: a YAML timestamp would turn an impossible date into a crash
        front = yaml.load(match.group(1), Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        raise InputError(path, line, f"front matter is not valid YAML: {getattr(error, 'problem', error)}") from error
    if not isinstance(front, dict):
        raise InputError(path, 2, "front matter must be a mapping of fields")
    unknown = sorted(set(map(str, front)) - FIELDS)
    if unknown:
        raise InputError(path, None, f"unknown front matter field(s) {unknown}; known: {sorted(FIELDS)}")
    front = {key: value for key, value in front.items() if value not in NULLS}
    if "date" in front:
        if "issued" in front:
            raise InputError(path, None, "front matter gives both date and issued: they are the same field")
        front["issued"] = front.pop("date")
    return front, raw[match.end() :]


def _entity(report: Report, role: str, name: str, registry: Registry) -> str:
    """The registry id for a publisher or author given by id or by name; a new entry when no entity
    has the name (and none of the report's new entries has it already)."""
    if is_slug(name) and registry.get(name) is not None:
        return name
    same = sorted({named.entity for named in registry_names(registry).same(name)})
    if len(same) > 1:
        raise InputError(
            report.source, None, f"{role} {name!r} is the name of {' and '.join(same)}: give the id you mean"
        )
    if same:
        return same[0]
    for entry in report.new_entities:
        if entry["label"] == name:
            return entry["id"]
    slug = _free_slug(name, registry, report)
    report.new_entities.append({"id": slug, "type": ENTITY_TYPES[role], "label": name, "role": role})
    return slug


def _free_slug(name: str, registry: Registry, report: Report) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "entity"
    taken = registry.ids() | {e["id"] for e in report.new_entities}
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def meta_yaml(report: Report) -> str:
    """The ``{id}.meta.yaml`` of the report, fields in the order seeds/README.md lists them."""
    meta = dict(report.meta)
    if report.from_page:
        taken = ", ".join(report.from_page)
        meta["note"] = " ".join(
            filter(None, [meta.get("note"), f"{taken}: taken from the metadata of the report page."])
        )
    ordered: dict[str, Any] = {"title": meta["title"], "type": "schema:NewsArticle"}
    for key in ("publisher", "authors", "language", "dateline", "url", "url_checked", "issued", "date_note", "note"):
        if key in meta or key in ("authors", "issued"):
            ordered[key] = meta.get(key)
    header = f"# Metadata of document {report.id} (the text is {report.id}.txt), written by dprk-kg add.\n"
    return header + yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100)


def claims_skeleton(report: Report, registry: Registry) -> str:
    """A claims file with no claims yet: what the curator starts from, with the entities the text
    names and its relative dates (resolved from the report's date, for a ``dated:`` field) as comments."""
    linked = linker_for(registry).link(report.text)
    lines = [
        f"# Claims of document {report.id} ({report.meta['title']!r}), drafted by dprk-kg add: none yet.",
        "# Add them under `claims:` (format: seeds/README.md), then run `dprk-kg check` on this file and",
        "# `dprk-kg build`.",
    ]
    counts: dict[str, list[int]] = {}
    for mention in linked.mentions:
        counts.setdefault(mention.entity, []).append(report.text.count("\n", 0, mention.start) + 1)
    if counts:
        lines.append("#")
        lines.append("# Registry entities the text names (the mention linker's findings: refer to them by id):")
        lines += [f"#   id:{e}  line {', '.join(map(str, sorted(set(at))))}" for e, at in sorted(counts.items())]
    if linked.ambiguous:
        lines.append("# Names two entities share, not linked (decide which is meant):")
        lines += [f"#   {a.exact!r}: {' or '.join(f'id:{c}' for c in a.candidates)}" for a in linked.ambiguous]
    if found := find_relative_dates(report.text, report.meta.get("issued")):
        lines.append("# Relative dates in the text (a claim quoting one can date its subject with `dated:`,")
        lines.append("# seeds/README.md):")
        lines += [f"#   {_dated(report.text, each)}" for each in found]
    defaults = {"attributed_to": report.meta["publisher"], "status": "stated"}
    if registry.get(CURATOR) is not None:
        defaults["curator"] = CURATOR
    body = yaml.safe_dump({"document": report.id, "defaults": defaults, "claims": []}, sort_keys=False)
    return "\n".join(lines) + "\n\n" + body


def _dated(text: str, found: Found) -> str:
    where = f"{' '.join(found.quote.split())!r} (line {text.count(chr(10), 0, found.start) + 1})"
    resolution = found.resolution
    if resolution.resolved:
        return f"{where}: {resolution.value} ({str(resolution.datatype).rsplit('#', 1)[-1]}) - {resolution.basis}"
    return f"{where}: not resolved - {resolution.reason}"


def registry_additions(entries: Sequence[dict[str, str]], document: str) -> str:
    """The new entries as the registry's YAML, each saying why it was added."""
    text = ""
    for entry in entries:
        role = "the publisher" if entry["role"] == "publisher" else "an author"
        fields = {
            "id": entry["id"],
            "type": entry["type"],
            "label": entry["label"],
            "note": f"Named as {role} of document {document}; added by dprk-kg add.",
        }
        dumped = yaml.safe_dump([fields], allow_unicode=True, sort_keys=False, width=100)
        text += "\n" + "".join(f"  {line}\n" for line in dumped.splitlines())
    return text


@dataclass
class Added:
    """What ``add`` did, for its summary."""

    written: list[str] = field(default_factory=list)  # document ids added or replaced
    unchanged: list[str] = field(default_factory=list)
    new_entities: list[str] = field(default_factory=list)


def add_reports(
    paths: Sequence[Path],
    seeds: Path,
    options: Mapping[str, Any],
    load: Callable[[], None],
    loaded: Callable[[Sequence[str]], bool],
) -> Added:
    """Write the reports into ``seeds``, then ``load`` (the incremental build) unless nothing changed
    and the store already ``loaded`` the documents; if the load fails, put every file back as it was
    and raise its error."""
    with folder_lock(seeds):
        return _add(paths, seeds, options, load, loaded)


def _add(
    paths: Sequence[Path],
    seeds: Path,
    options: Mapping[str, Any],
    load: Callable[[], None],
    loaded: Callable[[Sequence[str]], bool],
) -> Added:
    files = SeedsFiles(seeds)
    added = Added()
    for path in paths:  # one at a time: a report may name an entity the one before it added
        registry = read_registry(files.registry)
        report = read_report(path, options, registry)
        texts = {files.text(report.id): report.text, files.meta(report.id): meta_yaml(report)}
        if not files.claims(report.id).exists():
            texts[files.claims(report.id)] = claims_skeleton(report, registry)
        if all(p.exists() and p.read_text(encoding="utf-8") == text for p, text in texts.items()):
            added.unchanged.append(report.id)
            continue
        for target, text in texts.items():
            files.write(target, text)
        if report.new_entities:
            files.append(files.registry, registry_additions(report.new_entities, report.id))
            added.new_entities += [e["id"] for e in report.new_entities]
        added.written.append(report.id)
    if files.changed or not loaded([*added.written, *added.unchanged]):
        files.commit_or_restore(load)
    return added
