"""The Wikidata Query Service's label service on the running endpoint, as WDQS users write it, through
SPARQLWrapper and plain HTTP: filled by a rewrite on this server, never an outbound call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from tests.server.conftest import Server

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/dprk-kg/"
# A WDQS query as its users write it: no prefixes declared, the service last, [AUTO_LANGUAGE] first.
WDQS_STYLE = """SELECT ?item ?itemLabel ?itemAltLabel WHERE {
  ?item a dkg:Place .
  SERVICE wikibase:label { bd:serviceParam wikibase:language "[AUTO_LANGUAGE],en". }
}
ORDER BY ?item"""
RYANGGANG = BASE + "id/ryanggang-province"


def ask(server: Server, query: str, *, headers: dict[str, str] | None = None, **params: str) -> list[dict[str, Any]]:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(JSON)
    for name, value in (headers or {}).items():
        client.addCustomHttpHeader(name, value)
    for name, value in params.items():
        client.addParameter(name, value)
    results = client.queryAndConvert()
    assert isinstance(results, dict)
    bindings: list[dict[str, Any]] = results["results"]["bindings"]
    return bindings


def labels(bindings: list[dict[str, Any]], name: str = "itemLabel") -> dict[str, tuple[str, str | None]]:
    return {row["item"]["value"]: (row[name]["value"], row[name].get("xml:lang")) for row in bindings if name in row}


def test_a_wdqs_query_runs_unchanged_and_defaults_to_english(server: Server) -> None:
    got = ask(server, WDQS_STYLE)
    by_item = labels(got)
    assert by_item[RYANGGANG] == ("Ryanggang Province", "en")
    assert len(by_item) == len(got) >= 3  # every place labelled, each once
    aliases = labels(got, "itemAltLabel")[RYANGGANG]
    assert set(aliases[0].split(", ")) == {"Yanggang", "Yanggang Province", "Ryanggang"} and aliases[1] == "en"


def test_accept_language_chooses_auto_language(server: Server) -> None:
    by_item = labels(ask(server, WDQS_STYLE, headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"}))
    assert by_item[RYANGGANG] == ("양강도", "ko")
    assert any(language == "en" for _, language in by_item.values()), "English where no Hangul label is known"


def test_uselang_wins_over_accept_language(server: Server) -> None:
    by_item = labels(ask(server, WDQS_STYLE, headers={"Accept-Language": "en"}, uselang="ko"))
    assert by_item[RYANGGANG] == ("양강도", "ko")


def test_an_answer_that_depends_on_accept_language_says_so(server: Server) -> None:
    english = requests.get(f"{server.url}/sparql", params={"query": WDQS_STYLE}, timeout=30)
    korean = requests.get(
        f"{server.url}/sparql", params={"query": WDQS_STYLE}, headers={"Accept-Language": "ko"}, timeout=30
    )
    assert english.status_code == korean.status_code == 200
    assert "accept-language" in english.headers["Vary"].lower()
    assert english.headers["ETag"] != korean.headers["ETag"]
    fixed = requests.get(f"{server.url}/sparql", params={"query": WDQS_STYLE, "uselang": "en"}, timeout=30)
    assert "accept-language" not in fixed.headers["Vary"].lower()
    repeat = requests.get(
        f"{server.url}/sparql",
        params={"query": WDQS_STYLE},
        headers={"If-None-Match": english.headers["ETag"]},
        timeout=30,
    )
    assert repeat.status_code == 304


def test_manual_mode_and_the_local_name_fallback(server: Server) -> None:
    query = """SELECT ?item ?name ?hangul WHERE {
      VALUES ?item { id:ryanggang-province wd:Q42 }
      SERVICE wikibase:label {
        bd:serviceParam wikibase:language "fr" .
        bd:serviceParam wikibase:language "ko" .
        ?item rdfs:label ?name .
      }
    }"""
    by_item = labels(ask(server, query), "name")
    assert by_item == {RYANGGANG: ("양강도", "ko"), "http://www.wikidata.org/entity/Q42": ("Q42", None)}


def test_labels_come_from_the_querys_own_dataset(server: Server) -> None:
    query = (
        "SELECT ?item ?itemLabel WHERE { VALUES ?item { id:ryanggang-province } "
        "SERVICE wikibase:label { bd:serviceParam wikibase:language 'en' } }"
    )
    registry = labels(ask(server, query, **{"default-graph-uri": BASE + "graph/registry"}))
    ontology = labels(ask(server, query, **{"default-graph-uri": BASE + "graph/ontology"}))
    assert registry[RYANGGANG] == ("Ryanggang Province", "en")
    assert ontology[RYANGGANG] == ("ryanggang-province", None)  # no label there: the local name


def test_bad_languages_and_misuse_are_400_with_a_message(server: Server) -> None:
    start = "SELECT ?xLabel WHERE { ?x a dkg:Province SERVICE wikibase:label { bd:serviceParam "
    cases = {
        start + 'wikibase:language "en\'; DROP" } }': "is not a language tag",
        start + "wikibase:lang 'en' } }": "takes one parameter",
        f"SELECT ?x WHERE {{ GRAPH ?g {{ {start[23:]}wikibase:language 'en' }} }} }}": "GRAPH",
    }
    for query, message in cases.items():
        answer = requests.get(f"{server.url}/sparql", params={"query": query}, timeout=30)
        assert answer.status_code == 400, query
        assert message in answer.text and "Traceback" not in answer.text
    answer = requests.get(f"{server.url}/sparql", params={"query": WDQS_STYLE, "uselang": "ko'"}, timeout=30)
    assert answer.status_code == 400 and "not a language tag" in answer.text


def test_other_services_are_still_refused(server: Server) -> None:
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    answer = requests.get(f"{server.url}/sparql", params={"query": query}, timeout=30)
    assert answer.status_code == 403


def test_an_update_with_the_label_service_is_400(writable_server: Server) -> None:
    update = (
        "INSERT { GRAPH <https://example.org/g> { ?x <https://example.org/name> ?xLabel } } WHERE { "
        "?x a ?t SERVICE wikibase:label { bd:serviceParam wikibase:language 'en' . ?x rdfs:label ?xLabel } }"
    )
    answer = requests.post(
        f"{writable_server.url}/update",
        data=update.encode(),
        headers={"Content-Type": "application/sparql-update", **writable_server.auth},
        timeout=30,
    )
    assert answer.status_code == 400 and "label service" in answer.text


def test_the_wdqs_quote_query_runs_unchanged(server: Server) -> None:
    """Issue 12's test of done: a query as a WDQS user writes it — no prefixes, the statement pattern
    p:/ps:/prov:wasDerivedFrom/pr:, the label service — answers the competency question 22 gives."""
    query = """SELECT ?itemLabel ?quote ?document WHERE {
  ?item p:P131 ?statement .
  ?statement ps:P131 id:north-hamgyong-province ;
             wikibase:rank wikibase:NormalRank ;
             prov:wasDerivedFrom ?reference .
  ?reference pr:P1683 ?quote ; pr:P248 ?document .
  SERVICE wikibase:label { bd:serviceParam wikibase:language "[AUTO_LANGUAGE],en". }
}
ORDER BY ?itemLabel ?quote"""
    answered = [
        (row["itemLabel"]["value"], row["quote"]["value"], row["document"]["value"])
        for row in ask(server, query, headers={"Accept-Language": "en"})
    ]
    expected = [
        tuple(line.removeprefix("# expect: ").split(" | "))
        for line in (ROOT / "queries" / "22-quote-behind-a-statement.rq").read_text().splitlines()
        if line.startswith("# expect: ")
    ]
    assert answered == expected
