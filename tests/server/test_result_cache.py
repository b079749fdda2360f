"""The shared cache of answers (server/result_cache.py), on real servers over HTTP: a repeated query is
answered from it by any worker, and nothing it holds is ever served where it would be wrong — after a
write, for another dataset or view, another format, a query that changes from run to run, or with the
cache switched off."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import requests

from dprk_kg.server.result_cache import SHARED_MEMORY, ResultCache, cache_folder
from dprk_kg.store import ResultFormat
from dprk_kg.store.base import Dataset
from dprk_kg.vocabulary import DEFAULT_BASE
from tests.server.conftest import TOKEN, Server, start_server

COUNTIES = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a dkg:County }"
JSON = "application/sparql-results+json"


def ask(server: Server, text: str, *, accept: str = JSON, **params: str) -> tuple[requests.Response, bool]:
    """POST the query (a cache in front of HTTP would not key on the body: only the server's own cache
    can answer it); the response, and whether the access log says the cache answered."""
    agent = f"cache-test-{uuid.uuid4()}"
    response = requests.post(
        f"{server.url}/sparql", data={"query": text, **params}, headers={"Accept": accept, "User-Agent": agent}
    )
    assert response.status_code == 200, response.text
    return response, bool(server.log_record(agent)["cached"])


def count(response: requests.Response) -> int:
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_a_repeated_query_is_answered_from_the_cache_the_workers_share(server: Server) -> None:
    text = f"{COUNTIES} # {uuid.uuid4()}"  # new to this server
    first, cached = ask(server, text)
    assert not cached
    # two workers: the requests land on either, and each is answered from what the first stored
    again = [ask(server, text) for _ in range(6)]
    assert all(cached for _, cached in again)
    assert {response.content for response, _ in again} == {first.content}


def test_formats_datasets_and_views_are_never_answered_for_one_another(server: Server) -> None:
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} # {uuid.uuid4()}"
    facts, _ = ask(server, text)
    complete, cached = ask(server, text, **{"default-graph-uri": f"{DEFAULT_BASE}view/complete"})
    assert not cached and count(complete) > count(facts)  # the complete view reads the non-factual claims too
    xml, cached = ask(server, text, accept="application/sparql-results+xml")
    assert not cached and xml.headers["Content-Type"].startswith("application/sparql-results+xml")
    assert ask(server, text)[0].content == facts.content


@pytest.mark.parametrize("call", ["RAND()", "STRUUID()", "NOW()", "BNODE()"])
def test_an_answer_that_changes_from_run_to_run_is_never_cached(server: Server, call: str) -> None:
    text = f"SELECT ?v WHERE {{ BIND ({call} AS ?v) }}"
    assert [ask(server, text)[1] for _ in range(3)] == [False, False, False]


def test_a_write_is_never_answered_from_before_it(writable_server: Server) -> None:
    graph = f"{DEFAULT_BASE}graph/cache-test-{uuid.uuid4()}"
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"

    def insert(subject: str) -> None:
        update = f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:{subject}> <urn:p> 1 }} }}"
        headers = {"Authorization": f"Bearer {TOKEN}"}
        assert requests.post(f"{writable_server.url}/update", data={"update": update}, headers=headers).ok

    insert("a")
    assert count(ask(writable_server, text)[0]) == 1
    response, cached = ask(writable_server, text)
    assert cached and count(response) == 1
    insert("b")
    response, cached = ask(writable_server, text)
    assert not cached and count(response) == 2
    # the graph store's writes make new versions too
    turtle = "<urn:x> <urn:p> 1 .\n<urn:y> <urn:p> 2 .\n<urn:z> <urn:p> 3 ."
    put = requests.put(
        f"{writable_server.url}/data",
        params={"graph": graph},
        data=turtle.encode(),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
    )
    assert put.status_code in (200, 201, 204), put.text
    assert count(ask(writable_server, text)[0]) == 3


@pytest.fixture(scope="module")
def small_cache_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The seeds' store with a cache of 64 KiB: answers larger than 8 KiB are not kept."""
    logs = tmp_path_factory.mktemp("small-cache")
    running = start_server(built_store, logs / "server.log", env={"DPRK_KG_RESULT_CACHE": str(64 << 10)})
    yield running
    running.stop()


def test_answers_larger_than_an_eighth_of_the_cache_are_not_kept(small_cache_server: Server) -> None:
    large = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT 400 # {uuid.uuid4()}"
    response, _ = ask(small_cache_server, large)
    assert len(response.content) > 8 << 10
    assert not ask(small_cache_server, large)[1]
    small = f"{COUNTIES} # {uuid.uuid4()}"
    ask(small_cache_server, small)
    assert ask(small_cache_server, small)[1]


def test_the_cache_can_be_switched_off(built_store: Path, tmp_path: Path) -> None:
    running = start_server(built_store, tmp_path / "server.log", env={"DPRK_KG_RESULT_CACHE": "0"})
    try:
        assert [ask(running, COUNTIES)[1] for _ in range(3)] == [False, False, False]
        assert not list(tmp_path.glob("results-*"))
    finally:
        running.stop()


def key(
    cache: ResultCache,
    version: str = "v1",
    text: str = "SELECT ?x {}",
    result_format: ResultFormat = ResultFormat.SPARQL_JSON,
    **options: Any,
) -> str:
    given = {"dataset": None, "prefixes": None, "base_iri": None, "bindings": None, **options}
    return cache.key(version, text, result_format, **given)


def test_keys_differ_in_everything_that_decides_an_answer(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "cache", 1 << 20, salt="code")
    variants = [
        key(cache, version="v2"),
        key(cache, text="SELECT ?x { }"),
        key(cache, result_format=ResultFormat.SPARQL_XML),
        key(cache, dataset=Dataset(union=True)),
        key(cache, dataset=Dataset(default_graphs=("urn:g",))),
        key(cache, dataset=Dataset(named_graphs=("urn:g",))),
        key(cache, prefixes={"a": "urn:a"}),
        key(cache, base_iri="http://x/"),
        key(cache, bindings={"x": ox.NamedNode("urn:a")}),
        key(cache, bindings={"x": ox.Literal("urn:a")}),
        key(ResultCache(tmp_path / "other", 1 << 20, salt="other code")),
    ]
    assert key(cache) not in variants and len(set(variants)) == len(variants)
    assert key(cache) == key(cache, prefixes={})  # no prefixes and none declared are one
    cache.close()


def test_by_default_the_cache_is_in_shared_memory_one_folder_per_store(tmp_path: Path) -> None:
    first, second = cache_folder("/srv/a/store", None), cache_folder("/srv/b/store", None)
    assert first != second and first.parent == (SHARED_MEMORY if SHARED_MEMORY.is_dir() else first.parent)
    assert cache_folder("/srv/a/store", tmp_path) == tmp_path
