"""Entity tags on a real server, beyond test_http_caching.py: a 304 carries exactly the validators,
``Vary`` and ``Cache-Control`` its 200 carries, on every kind of answer (small and streamed query
results, the label service's language-negotiated answers, pages and representations); the tag says
which answer, not where it came from (engine or result cache); and a write moves the tags of large
answers as of small ones."""

from __future__ import annotations

import uuid

import pytest
import requests

from dprk_kg.vocabulary import DEFAULT_BASE
from tests.server.conftest import TOKEN, Server
from tests.server.test_streaming import LARGE

SELECT = "SELECT ?c WHERE { ?c a dkg:County } ORDER BY ?c"
LABELLED = (
    "SELECT ?c ?cLabel WHERE { ?c a dkg:County "
    'SERVICE wikibase:label { bd:serviceParam wikibase:language "[AUTO_LANGUAGE],en" } } ORDER BY ?c'
)
# What a 304 must repeat of its 200 (RFC 9110 §15.4.5), as far as this server sends them; Last-Modified
# is representation metadata a 304 with an ETag should not repeat (Werkzeug drops it from every 304).
REPEATED = ("ETag", "Vary", "Cache-Control")


@pytest.mark.parametrize(
    ("path", "params", "headers"),
    [
        ("/sparql", {"query": SELECT}, {}),
        ("/sparql", {"query": SELECT}, {"Accept": "text/csv"}),
        ("/sparql", {"query": LARGE}, {"Accept": "application/sparql-results+json"}),
        ("/sparql", {"query": LABELLED}, {"Accept-Language": "ko, en;q=0.5"}),
        ("/sparql", {"query": LABELLED, "uselang": "en"}, {}),
        ("/sparql", {"query": SELECT, "default-graph-uri": f"{DEFAULT_BASE}view/complete"}, {}),
        ("/id/orang-county.html", {}, {}),
        ("/id/orang-county.ttl", {}, {}),
        ("/data", {"graph": f"{DEFAULT_BASE}graph/registry"}, {}),
    ],
    ids=["select", "csv", "streamed", "accept-language", "uselang", "view", "page", "turtle", "graph-store"],
)
def test_a_304_repeats_what_its_200_says(server: Server, path: str, params: dict[str, str], headers: dict) -> None:
    url = f"{server.url}{path}"
    full = requests.get(url, params=params, headers=headers, timeout=120)
    assert full.status_code == 200 and full.headers["ETag"].startswith('W/"')
    for method in (requests.get, requests.head):
        again = method(url, params=params, headers={**headers, "If-None-Match": full.headers["ETag"]}, timeout=120)
        assert again.status_code == 304 and again.content == b""
        assert {h: again.headers.get(h) for h in REPEATED} == {h: full.headers.get(h) for h in REPEATED}


def test_the_label_services_tag_follows_the_language_it_chose(server: Server) -> None:
    """The rewritten query (with the languages chosen) is what the tag is keyed on: the header the
    choice came from is in ``Vary``; ``uselang`` fixes the choice, and then the header is not."""
    tags = {
        language: requests.get(
            f"{server.url}/sparql", params={"query": LABELLED}, headers={"Accept-Language": language}, timeout=60
        ).headers["ETag"]
        for language in ("ko", "en", "fr")
    }
    assert len(set(tags.values())) == 3
    fixed = [
        requests.get(
            f"{server.url}/sparql",
            params={"query": LABELLED, "uselang": "ko"},
            headers={"Accept-Language": a},
            timeout=60,
        )
        for a in ("ko", "en")
    ]
    assert fixed[0].headers["ETag"] == fixed[1].headers["ETag"]
    assert "accept-language" not in fixed[0].headers["Vary"].lower()


def test_the_tag_is_the_same_from_the_engine_and_from_the_cache(server: Server) -> None:
    text = f"SELECT ?c ?marker WHERE {{ ?c a dkg:County BIND ('{uuid.uuid4()}' AS ?marker) }}"  # never run before
    agents = [f"tagged-{uuid.uuid4()}" for _ in range(2)]
    answers = [
        requests.get(f"{server.url}/sparql", params={"query": text}, headers={"User-Agent": a}, timeout=60)
        for a in agents
    ]
    assert [server.log_record(a)["cached"] for a in agents] == [False, True]
    assert answers[0].headers["ETag"] == answers[1].headers["ETag"] and answers[0].content == answers[1].content


def test_no_tag_where_the_answer_is_not_a_function_of_the_data(server: Server) -> None:
    for text in ("SELECT (RAND() AS ?r) WHERE {}", "SELECT ?c (NOW() AS ?t) WHERE { ?c a dkg:County }"):
        response = requests.get(f"{server.url}/sparql", params={"query": text}, timeout=60)
        assert response.status_code == 200 and "ETag" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"


def test_a_write_moves_the_tags_of_small_and_streamed_answers(writable_server: Server) -> None:
    graph = f"https://example.org/etag-{uuid.uuid4()}"
    many = "".join(f'<urn:s{i}> <urn:p> "{"x" * 200} {i}" .\n' for i in range(8000))  # > 1 MiB as JSON
    put = requests.put(
        f"{writable_server.url}/data",
        params={"graph": graph},
        data=many.encode(),
        headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {TOKEN}"},
        timeout=120,
    )
    assert put.status_code in (201, 204)
    small, large = (
        f"ASK {{ GRAPH <{graph}> {{ <urn:s0> ?p ?o }} }}",
        f"SELECT * WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
    )
    before = {
        text: requests.get(f"{writable_server.url}/sparql", params={"query": text}, timeout=120)
        for text in (small, large)
    }
    assert int(before[large].headers["Content-Length"]) > 1 << 20
    update = requests.post(
        f"{writable_server.url}/update",
        data={"update": f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:new> <urn:p> 'added' }} }}"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=120,
    )
    assert update.status_code == 204
    for text, earlier in before.items():
        after = requests.get(
            f"{writable_server.url}/sparql",
            params={"query": text},
            headers={"If-None-Match": earlier.headers["ETag"]},
            timeout=120,
        )
        assert after.status_code == 200 and after.headers["ETag"] != earlier.headers["ETag"]
    assert len(after.json()["results"]["bindings"]) == 8001
