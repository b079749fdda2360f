"""Every competency question in queries/ parses, runs on the built store and gives its expected answer."""

from __future__ import annotations

import json

import pytest

from dprk_kg.competency import CompetencyQuery, read_queries
from dprk_kg.store import EmbeddedStore, ResultFormat
from tests.conftest import ROOT

QUERIES = read_queries(ROOT / "queries")


def test_at_least_fifteen_questions() -> None:
    assert len(QUERIES) >= 15


def rows(store: EmbeddedStore, query: CompetencyQuery) -> tuple[list[str], list[tuple[str, ...]]]:
    data = json.loads(store.query(query.sparql, ResultFormat.SPARQL_JSON).body)
    names = data["head"]["vars"]
    return names, [tuple(b.get(n, {}).get("value", "") for n in names) for b in data["results"]["bindings"]]


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_expected_answer(query: CompetencyQuery, store: EmbeddedStore) -> None:
    names, found = rows(store, query)
    assert tuple(names) == query.columns
    expected = list(query.expected)
    if query.count is not None:
        assert len(found) == query.count
        missing = [row for row in expected if row not in found]
        assert not missing, missing
    elif query.ordered:
        assert found == expected
    else:
        assert sorted(found) == sorted(expected)


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_header_is_complete(query: CompetencyQuery) -> None:
    assert query.title and query.question.endswith("?")
