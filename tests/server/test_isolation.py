"""No outbound request the operator did not allow, even when a check on the query text is walked
around (issue 9, items 1, 2 and 6). A listener on this machine logs every connection; the hostile
requests of the reproduction are sent as they were, and the listener must receive nothing — because
the workers have no network (``server/isolation.py``), whatever the text checks conclude."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests

from tests.server.conftest import Server
from tests.server.listener import Listener


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


def _assert_nothing_left(listener: Listener, response: requests.Response) -> None:
    assert listener.received == [], listener.received
    assert "LEAKED" not in response.text
    assert response.status_code != 500, response.text


def test_the_lexer_trick_reaches_no_listener(server: Server, listener: Listener) -> None:
    """``<\\u0041'>`` hid the SERVICE from the old lexer: the query got through and fetched the listener."""
    query = (
        "SELECT * WHERE { { BIND(<\\u0041'> AS ?a) } UNION "
        f"{{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?x ?y ?z }} }} BIND(<\\u0041'> AS ?b) }}"
    )
    response = requests.get(f"{server.url}/sparql", params={"query": query}, timeout=30)
    _assert_nothing_left(listener, response)
    assert response.status_code in (400, 403), response.text


def test_a_linked_data_path_reaches_no_listener(server: Server, listener: Listener) -> None:
    """The path was pasted into ``<{iri}>`` unescaped, and the SERVICE it smuggled in ran."""
    injected = f"orang-county> ?p ?o }} SERVICE <http://127.0.0.1:{listener.port}/ld-inject> {{ ?x ?y ?z }} }} #"
    response = requests.get(f"{server.url}/id/{quote(injected, safe='')}.html", timeout=30)
    _assert_nothing_left(listener, response)
    assert response.status_code == 404, response.text  # not an IRI: refused before any query is made


def test_a_path_of_nested_groups_crashes_no_worker(server: Server) -> None:
    """A 3 KB GET on a linked-data route used to nest the describe query deep enough to crash a worker."""
    path = quote("x>?p?o" + "{" * 500 + "}" * 500 + "#", safe="")  # 3 KB, within the request-line limit
    response = requests.get(f"{server.url}/id/{path}.html", timeout=30)
    assert response.status_code == 404, response.text
    assert requests.get(f"{server.url}/healthz", timeout=30).status_code == 200
    assert "SIGSEGV" not in server.log.read_text()


def test_an_update_reaches_no_listener(writable_server: Server, listener: Listener) -> None:
    """With the token, /update never checked SERVICE; the response was fetched and stored."""
    update = (
        "INSERT { GRAPH <urn:test:ssrf> { ?x ?y ?z } } WHERE { { BIND(<\\u0041'> AS ?a) } UNION "
        f"{{ SERVICE <http://127.0.0.1:{listener.port}/update> {{ ?x ?y ?z }} }} }}"
    )
    response = requests.post(
        f"{writable_server.url}/update",
        data=update.encode(),
        headers={"Content-Type": "application/sparql-update", **writable_server.auth},
        timeout=30,
    )
    _assert_nothing_left(listener, response)
    assert response.status_code in (400, 403), response.text


def test_using_graph_uri_cannot_smuggle_a_load(writable_server: Server, listener: Listener) -> None:
    """The parameter was pasted into the update unescaped, and the LOAD it carried ran."""
    using = f"urn:x> WHERE {{}} ; LOAD <http://127.0.0.1:{listener.port}/load> INTO GRAPH <urn:t:l> ; USING <urn:y"
    response = requests.post(
        f"{writable_server.url}/update",
        params={"using-graph-uri": using},
        data=b"INSERT { GRAPH <urn:test:u> { ?s ?p ?o } } WHERE { ?s ?p ?o }",
        headers={"Content-Type": "application/sparql-update", **writable_server.auth},
        timeout=30,
    )
    _assert_nothing_left(listener, response)
    assert response.status_code == 400 and "using-graph-uri" in response.text


def test_the_server_says_its_workers_have_no_network(server: Server) -> None:
    assert "query workers: no network" in server.log.read_text()
