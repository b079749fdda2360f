"""The claims' Wikibase statements through the real endpoint: the Wikidata Query Service's pattern for
"the quote behind a statement" runs unchanged (no PREFIX lines), and the non-factual claims' deprecated
statements are out of the default graph, found only through the complete and non-factual views."""

from __future__ import annotations

import requests

from dprk_kg.vocabulary import DEFAULT_BASE
from tests.server.conftest import Server

# as on query.wikidata.org: no PREFIX lines, the statement, its value, its reference's quotation
WDQS = """SELECT ?item ?place ?quote WHERE {
  ?item p:P131 ?statement .
  ?statement ps:P131 ?place ; prov:wasDerivedFrom/pr:P1683 ?quote .
}"""
DEPRECATED = "SELECT ?statement WHERE { ?statement wikibase:rank wikibase:DeprecatedRank }"


def sparql(server: Server, query: str, **params: str) -> list[dict[str, dict[str, str]]]:
    response = requests.get(
        f"{server.url}/sparql",
        params={"query": query, **params},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return list(response.json()["results"]["bindings"])


def test_the_wdqs_quote_pattern_runs_unchanged_on_the_endpoint(server: Server) -> None:
    rows = sparql(server, WDQS)
    found = {(r["item"]["value"].rsplit("/", 1)[1], r["place"]["value"].rsplit("/", 1)[1]) for r in rows}
    assert ("kyongsong-county", "north-hamgyong-province") in found
    assert all(r["quote"].get("xml:lang") == "en" for r in rows)
    kyongsong = [r["quote"]["value"] for r in rows if r["item"]["value"].endswith("/kyongsong-county")]
    assert "North Hamgyong Province’s Gyongsong and Orang counties" in kyongsong


def test_non_factual_statements_are_deprecated_and_only_in_the_complete_view(server: Server) -> None:
    assert sparql(server, DEPRECATED) == []
    complete = sparql(server, DEPRECATED, **{"default-graph-uri": f"{DEFAULT_BASE}view/complete"})
    hidden = sparql(server, DEPRECATED, **{"default-graph-uri": f"{DEFAULT_BASE}view/non-factual"})
    assert complete and {r["statement"]["value"] for r in complete} == {r["statement"]["value"] for r in hidden}
