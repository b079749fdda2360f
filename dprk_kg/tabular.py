"""Claims from a table: rows of a CSV or JSON Lines file turned into claims files, for curators who
work in a spreadsheet or produce claims with another tool.

One row is one triple of one claim; the rows of a claim (same ``document`` and ``claim``) share its
quote, status and attribution. Each cell holds what a claims file would hold there: the subject,
predicate and object are Turtle terms (``id:musan-county``, ``dkg:locatedIn``, ``"500 to 600"@en``,
``500``, ``"2024-09"^^xsd:gYearMonth``), and each is checked to be exactly one term, so a cell can never
add a triple of its own. The claims files are then read by the very code the build reads them with
(quotes located in the text, Turtle, dates, numbers, statuses), and an error names the table's file
and row. Nothing is written unless every document's claims pass; then all files are written at once
and checked as ``dprk-kg check`` checks them (entity ids, terms, domains and ranges, duplicates,
shapes: what needs the registry and the other documents), and if that fails the seeds folder is put
back exactly as it was. The layout is documented in seeds/README.md.
"""

from __future__ import annotations

import csv
import difflib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from dprk_kg.checking import check_files
from dprk_kg.errors import InputError
from dprk_kg.iris import Iris
from dprk_kg.loaders.sources.claims import read_claims
from dprk_kg.loaders.sources.documents import DocumentFiles, read_document
from dprk_kg.seeds_files import SeedsFiles, folder_lock
from dprk_kg.vocabulary import turtle_prefix_line

COLUMNS = (
    "document",
    "claim",
    "quote",
    "occurrence",
    "subject",
    "predicate",
    "object",
    "status",
    "attributed_to",
    "modality",
    "hedge",
    "basis",
    "note",
)
REQUIRED = ("document", "claim", "quote", "subject", "predicate", "object")
CLAIM_FIELDS = ("occurrence", "status", "attributed_to", "modality", "hedge", "basis", "note")
TERMS = ("subject", "predicate", "object")


@dataclass(frozen=True)
class Row:
    path: Path
    line: int
    values: dict[str, str]


@dataclass
class TableClaim:
    """The rows of one claim, gathered."""

    document: str
    id: str
    rows: list[Row] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    triples: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    def where(self) -> tuple[Path, int]:
        first = self.rows[0]
        return first.path, first.line

    def add(self, row: Row, prefix_line: str) -> None:
        self.rows.append(row)
        quote = row.values["quote"]
        if quote not in self.quotes:
            self.quotes.append(quote)
        for name in CLAIM_FIELDS:
            value = row.values.get(name, "")
            if not value:
                continue
            if self.fields.setdefault(name, value) != value:
                first = next(r for r in self.rows if r.values.get(name))
                raise InputError(
                    row.path,
                    row.line,
                    f"claim {self.id!r}: {name} is {value!r} here but {self.fields[name]!r} on line {first.line}; "
                    "the rows of a claim share it",
                )
        self.triples.append(_triple(row, prefix_line))

    def as_yaml(self) -> dict[str, Any]:
        claim: dict[str, Any] = {"id": self.id, "quote": self.quotes[0] if len(self.quotes) == 1 else self.quotes}
        for name in CLAIM_FIELDS:
            if name in self.fields:
                value = self.fields[name]
                claim[name] = int(value) if name == "occurrence" and value.isdigit() else value
        claim["assert"] = "".join(f"{triple}\n" for triple in self.triples)
        return claim


def read_rows(path: Path) -> list[Row]:
    """The rows of a ``.csv`` (with a header line) or ``.jsonl`` file, each with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, None, f"cannot read: {error}") from error
    if path.suffix == ".csv":
        return list(_csv_rows(path, text))
    if path.suffix in (".jsonl", ".ndjson"):
        return list(_json_rows(path, text))
    raise InputError(path, None, "a table is a .csv file (with a header line) or a .jsonl file (one object a line)")


def _csv_rows(path: Path, text: str) -> Iterator[Row]:
    reader = csv.DictReader(text.splitlines(keepends=True), strict=True)
    try:
        header = reader.fieldnames or []
        _check_columns(path, 1, header)
        start = reader.line_num + 1  # a record's first line (a quoted cell may span several)
        for record in reader:
            if None in record:
                raise InputError(path, start, f"{len(record[None])} more cells than the header has columns")
            yield _row(path, start, {k: v or "" for k, v in record.items()})
            start = reader.line_num + 1
    except csv.Error as error:
        raise InputError(path, reader.line_num, f"CSV error: {error}") from error


def _json_rows(path: Path, text: str) -> Iterator[Row]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(path, number, f"not JSON: {error.msg} (column {error.colno})") from error
        if not isinstance(record, dict):
            raise InputError(path, number, "each line must be a JSON object")
        _check_columns(path, number, list(record))
        for key, value in record.items():
            if value is not None and not isinstance(value, str | int):
                raise InputError(path, number, f"{key} must be text or a whole number, not {type(value).__name__}")
        yield _row(path, number, {k: "" if v is None else str(v) for k, v in record.items()})


def _check_columns(path: Path, line: int, names: Iterable[str]) -> None:
    for name in names:
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; the columns are {', '.join(COLUMNS)}"
            raise InputError(path, line, f"unknown column {name!r}{hint}")


def _row(path: Path, line: int, values: dict[str, str]) -> Row:
    for name in REQUIRED:
        if not values.get(name, "").strip():
            raise InputError(path, line, f"{name} is empty; every row needs {', '.join(REQUIRED)}")
    for name in TERMS:
        if "\n" in values[name] or "\r" in values[name]:
            raise InputError(path, line, f"{name} spans lines; write a line break in a literal as \\n")
    return Row(path, line, values)


def _triple(row: Row, prefix_line: str) -> str:
    """The row's triple as a Turtle line, once it has been parsed as exactly one triple: a cell that
    holds more than one term (``id:a . id:b dkg:c id:d``), a comment or a blank node is refused."""
    subject, predicate, obj = (row.values[name].strip() for name in TERMS)
    line = f"{subject} {predicate} {obj} ."
    try:
        quads = list(ox.parse(f"{prefix_line}\n{line}\n", format=ox.RdfFormat.TURTLE))
    except SyntaxError as error:
        raise InputError(row.path, row.line, f"the triple {line!r} is not Turtle: {error}") from error
    if len(quads) != 1:
        raise InputError(row.path, row.line, f"{line!r} holds {len(quads)} triples; each cell holds one term")
    if any(isinstance(term, ox.BlankNode) for term in (quads[0].subject, quads[0].object)):
        raise InputError(row.path, row.line, "blank nodes are not allowed; name the node with an id: IRI")
    return line


def gather(rows: Iterable[Row], prefixes: dict[str, str]) -> dict[str, list[TableClaim]]:
    """The claims of each document, in the order of their first rows."""
    prefix_line = turtle_prefix_line(prefixes)
    claims: dict[tuple[str, str], TableClaim] = {}
    for row in rows:
        key = (row.values["document"].strip(), row.values["claim"].strip())
        claims.setdefault(key, TableClaim(*key)).add(row, prefix_line)
    by_document: dict[str, list[TableClaim]] = {}
    for claim in claims.values():
        by_document.setdefault(claim.document, []).append(claim)
    return by_document


class _Literal(str):
    """A string written as a YAML literal block (``|``), as curators write ``assert``."""


def _literal_block(dumper: yaml.SafeDumper, value: _Literal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, _literal_block)


def claims_file_text(document: str, claims: list[TableClaim], defaults: dict[str, str], sources: str) -> str:
    """The claims file, as a curator would write it, with a header naming where it came from."""
    items = []
    for claim in claims:
        item = claim.as_yaml()
        item["assert"] = _Literal(item["assert"])
        items.append(item)
    body: dict[str, Any] = {"document": document}
    if defaults:
        body["defaults"] = defaults
    body["claims"] = items
    header = f"# Claims of {document}, imported by `dprk-kg import` from {sources}. Format: see seeds/README.md.\n\n"
    return header + yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 30)


@dataclass(frozen=True)
class Written:
    """A claims file made from a table: where it goes, its text, and the claims whose rows it holds."""

    path: Path
    text: str
    claims: list[TableClaim]


def import_tables(
    tables: list[Path], seeds: Path, prefixes: dict[str, str], *, defaults: dict[str, str], replace: bool = False
) -> list[Path]:
    """Write a claims file for each document the tables name, once every one reads without error; keep
    them only if they pass ``dprk-kg check``."""
    rows = [row for table in tables for row in read_rows(table)]
    if not rows:
        raise InputError(tables[0], None, "the table has no rows")
    sources = ", ".join(table.name for table in tables)
    written: list[Written] = []
    for document, claims in gather(rows, prefixes).items():
        files = DocumentFiles(
            document, seeds / f"{document}.txt", seeds / f"{document}.meta.yaml", seeds / f"{document}.claims.yaml"
        )
        path, line = claims[0].where()
        if not files.text.is_file() or not files.meta.is_file():
            raise InputError(path, line, f"document {document!r} is not in {seeds} (its .txt and .meta.yaml)")
        if files.claims.exists() and not replace:
            raise InputError(path, line, f"{files.claims} exists; give --replace to replace it")
        text = claims_file_text(document, claims, defaults, sources)
        made = Written(files.claims, text, claims)
        _check(made, files, prefixes)
        written.append(made)
    changes = SeedsFiles(seeds)

    def write_and_check() -> None:
        for made in written:
            changes.write(made.path, made.text)
        _check_as_check_does(written, seeds, prefixes)

    with folder_lock(seeds):  # no add, remove or curation save writes the folder meanwhile
        changes.commit_or_restore(write_and_check)  # on any failure, every file is put back as it was
    return [made.path for made in written]


def _check(made: Written, files: DocumentFiles, prefixes: dict[str, str]) -> None:
    """Read the claims file as the build will; an error is reported at the table's row it comes from."""
    with _scratch(files.claims.parent, made.text) as scratch:
        try:
            read_claims(scratch, read_document(files), prefixes)
        except InputError as error:
            if error.path != scratch:
                raise
            raise _at_row(error, made) from None


def _check_as_check_does(written: Sequence[Written], seeds: Path, prefixes: dict[str, str]) -> None:
    """``dprk-kg check`` on the written files; an error in one is reported at the table's row."""
    try:
        check_files([made.path for made in written], seeds, _iris(prefixes))
    except InputError as error:
        for made in written:
            if error.path.resolve() == made.path.resolve():
                raise _at_row(error, made) from None
        raise


def _at_row(error: InputError, made: Written) -> InputError:
    """The error at a line of a generated claims file, moved to the table row the line came from."""
    row_path, line = _origin(made.text, made.claims, error.line)
    return InputError(row_path, line, error.message)


def _iris(prefixes: dict[str, str]) -> Iris:
    """The deployment's IRI scheme, from its prefix table (``vocabulary.base_prefixes``: ``id:`` is
    ``{base}id/``)."""
    return Iris(prefixes["id"].removesuffix("id/"))


def _origin(text: str, claims: list[TableClaim], line: int | None) -> tuple[Path, int]:
    """The table row behind a line of the generated file: the row of a triple's line of ``assert`` (one
    line a row, in the rows' order), else the first row of the claim whose block holds the line."""
    if line is None:
        return claims[0].where()
    chosen, assert_line = claims[0], None
    for number, content in enumerate(text.splitlines()[:line], start=1):
        if content.startswith("- id: "):
            claim_id = content.removeprefix("- id: ").strip().strip("'\"")
            chosen, assert_line = next(c for c in claims if c.id == claim_id), None
        elif content.startswith("  assert: |"):
            assert_line = number
    if assert_line is not None and 0 <= line - assert_line - 1 < len(chosen.rows):
        row = chosen.rows[line - assert_line - 1]
        return row.path, row.line
    return chosen.where()


@contextmanager
def _scratch(folder: Path, text: str) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(dir=folder, prefix=".import-", suffix=".claims.yaml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)
