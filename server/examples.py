"""The competency questions of ``queries/`` as examples for the query page and the service
description (without the header lines that hold their expected answers)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dprk_kg.competency import read_queries
from dprk_kg.paths import queries_dir

TEST_HEADERS = ("# columns:", "# expect")


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    question: str
    sparql: str


def examples() -> list[Example]:
    return list(_load(queries_dir()))


@lru_cache(maxsize=4)
def _load(directory: Path) -> tuple[Example, ...]:
    found = []
    for query in read_queries(directory):
        text = "\n".join(line for line in query.sparql.splitlines() if not line.startswith(TEST_HEADERS))
        found.append(Example(query.name, query.title, query.question, text.strip() + "\n"))
    return tuple(found)
