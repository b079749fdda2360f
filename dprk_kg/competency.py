"""Competency questions: ``queries/*.rq`` files whose header says what they ask and what they answer.

Header lines (comments before the query):

    # title: New factories in North Hamgyong
    # question: Which counties in North Hamgyong get new factories this year, and what will each make?
    # columns: county | product                       (the result variables, in order)
    # expect: Orang County | processed seafood        (one line per expected row, values by column)
    # expect-order: strict                             (optional: rows must come in this order)
    # expect-count: 49                                 (optional: the answer has this many rows, and
                                                        the expect lines are some of them)

Values are compared as plain strings: an IRI, or a literal's lexical form without language or type.

The same header feeds the test that checks each answer and the query page's list of examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dprk_kg.errors import InputError

HEADER = re.compile(r"^#\s*([a-z-]+):\s?(.*)$")


@dataclass(frozen=True)
class CompetencyQuery:
    name: str
    title: str
    question: str
    sparql: str
    columns: tuple[str, ...]
    expected: tuple[tuple[str, ...], ...]
    ordered: bool
    count: int | None
    path: Path


def read_query(path: Path) -> CompetencyQuery:
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = HEADER.match(line)
        if match is None:
            continue
        key, value = match.groups()
        if key not in {"title", "question", "columns", "expect", "expect-order", "expect-count"}:
            raise InputError(path, line_number, f"unknown header field {key!r}")
        fields.setdefault(key, []).append(value.rstrip())
    for required in ("title", "question", "columns"):
        if required not in fields:
            raise InputError(path, 1, f"missing '# {required}:' header line")
    if "expect" not in fields and "expect-count" not in fields:
        raise InputError(path, 1, "missing '# expect:' or '# expect-count:' header lines")
    columns = tuple(c.strip() for c in fields["columns"][0].split("|"))
    expected = tuple(tuple(cell.strip() for cell in row.split("|")) for row in fields.get("expect", []))
    for row in expected:
        if len(row) != len(columns):
            raise InputError(path, 1, f"expected row {row} has {len(row)} values for {len(columns)} columns")
    count = fields.get("expect-count")
    return CompetencyQuery(
        name=path.stem,
        title=fields["title"][0],
        question=" ".join(fields["question"]),
        sparql=text,
        columns=columns,
        expected=expected,
        ordered=fields.get("expect-order", [""])[0] == "strict",
        count=int(count[0]) if count else None,
        path=path,
    )


def read_queries(directory: Path) -> list[CompetencyQuery]:
    return [read_query(path) for path in sorted(directory.glob("*.rq"))]
