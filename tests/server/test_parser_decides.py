"""One parser decides (issue 9): the checks on SERVICE and LOAD are made on the engine's reading of
the text, so they hold on their own. These servers run WITHOUT the network isolation that
``test_isolation.py`` relies on, and with an allow-list naming one IRI of a listener: what the check
lets through reaches the listener (the positive control), everything else must be refused with 403
before the engine runs, and the listener must hear nothing of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.server.conftest import Server
from tests.server.listener import Listener, start_allowlisted

UPDATE = "application/sparql-update"


@pytest.fixture(scope="module")
def open_server(listener: Listener, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_allowlisted(listener, tmp_path_factory.mktemp("open"))
    yield running
    running.stop()


@pytest.fixture
def heard(listener: Listener) -> Iterator[list[bytes]]:
    listener.received.clear()
    yield listener.received


def _query(server: Server, text: str) -> requests.Response:
    return requests.post(f"{server.url}/sparql", data={"query": text}, timeout=30)


def _update(server: Server, text: str, **params: str) -> requests.Response:
    return requests.post(
        f"{server.url}/update",
        params=params,
        data=text.encode(),
        headers={"Content-Type": UPDATE, **server.auth},
        timeout=30,
    )


def test_the_allowed_service_is_called(open_server: Server, listener: Listener, heard: list[bytes]) -> None:
    """The control: without it, a refusal below could come from anything but the check."""
    response = _query(
        open_server, f"SELECT ?x WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/allowed> {{ ?x ?y ?z }} }}"
    )
    assert response.status_code == 200, response.text
    assert "LEAKED" in response.text and len(heard) == 1


def test_an_escaped_spelling_of_the_allowed_iri_is_the_allowed_iri(
    open_server: Server, listener: Listener, heard: list[bytes]
) -> None:
    """The engine decodes ``\\u`` inside an IRI; so does the check."""
    response = _query(
        open_server, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/allow\\u0065d> {{ }} }}"
    )
    assert response.status_code == 200 and len(heard) == 1, response.text


HOSTILE_QUERIES = {
    # issue 9, item 1, exactly as reported: the old lexer read from one apostrophe to the next
    "apostrophes": "SELECT * WHERE {{ {{ BIND(<\\u0041'> AS ?a) }} UNION {{ SERVICE <http://127.0.0.1:{port}/x> "
    "{{ ?x ?y ?z }} }} BIND(<\\u0041'> AS ?b) }}",
    "escaped host": "SELECT * WHERE {{ SERVICE <http://127.0.0.1\\u003A{port}/x> {{ }} }}",
    "prefixed name": "PREFIX l: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE l:x {{ }} }}",
    "escaped local name": "PREFIX l: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE l:allowed\\/x {{ }} }}",
    "silent": "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/x> {{ }} }}",
    "lower case": "select * where {{ service <http://127.0.0.1:{port}/x> {{ }} }}",
    "no spaces": "SELECT*WHERE{{SERVICE<http://127.0.0.1:{port}/x>{{}}}}",
    "in a subquery": "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/x> {{ }} }} }} }}",
    "in EXISTS": "ASK {{ FILTER EXISTS {{ SERVICE <http://127.0.0.1:{port}/x> {{ }} }} }}",
    "after a comment": "SELECT * WHERE {{ # }} \n SERVICE <http://127.0.0.1:{port}/x> {{ }} }}",
    "dot segments": "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/x/../allowed> {{ }} }}",
    "relative": "BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <allowed> {{ }} }}",
    "a variable": "SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/x> AS ?s) SERVICE ?s {{ }} }}",
    "after a string with quotes": "SELECT * WHERE {{ BIND('''a'b\"c''' AS ?q) "
    "SERVICE <http://127.0.0.1:{port}/x> {{ }} }}",
}


@pytest.mark.parametrize("name", HOSTILE_QUERIES)
def test_a_service_not_allowed_is_refused_however_written(
    open_server: Server, listener: Listener, heard: list[bytes], name: str
) -> None:
    response = _query(open_server, HOSTILE_QUERIES[name].format(port=listener.port))
    assert response.status_code == 403, response.text
    assert "not allowed" in response.text and heard == []


@pytest.mark.parametrize(
    "text",
    [
        # an escaped quote ends a string for engines that decode escapes first: refused, not guessed
        'SELECT * WHERE {{ BIND("\\u0022 . SERVICE <http://127.0.0.1:{port}/x> {{ }} BIND(\\u0022" AS ?x) }}',
        # an escaped line end closes a comment for such engines
        "SELECT * WHERE {{ # \\u000A SERVICE <http://127.0.0.1:{port}/x> {{ }}\n }}",
        # the engine does not decode escapes in keywords: not a SERVICE to it, and not SPARQL to us
        "SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/x> {{ }} }}",
    ],
)
def test_text_two_engines_would_read_differently_is_refused(
    open_server: Server, listener: Listener, heard: list[bytes], text: str
) -> None:
    response = _query(open_server, text.format(port=listener.port))
    assert response.status_code == 400, response.text
    assert heard == []


def test_an_update_calling_a_service_is_refused(open_server: Server, listener: Listener, heard: list[bytes]) -> None:
    """Issue 9, item 6: /update never checked SERVICE."""
    update = (
        f"INSERT {{ GRAPH <urn:test:ssrf> {{ ?x ?y ?z }} }} WHERE {{ {{ BIND(<\\u0041'> AS ?a) }} UNION "
        f"{{ SERVICE <http://127.0.0.1:{listener.port}/update> {{ ?x ?y ?z }} }} }}"
    )
    response = _update(open_server, update)
    assert response.status_code == 403 and heard == [], response.text


def test_a_load_hidden_from_a_lexer_is_refused(open_server: Server, listener: Listener, heard: list[bytes]) -> None:
    update = (
        "INSERT DATA { GRAPH <urn:test:a> { <urn:s> <urn:p> <\\u0041'> } } ; "
        f"LOAD <http://127.0.0.1:{listener.port}/load> INTO GRAPH <urn:test:l> ; "
        "INSERT DATA { GRAPH <urn:test:a> { <urn:s> <urn:p> <\\u0041'> } }"
    )
    response = _update(open_server, update)
    assert response.status_code == 403 and "LOAD" in response.text and heard == [], response.text


def test_the_allowed_load_runs(open_server: Server, listener: Listener, heard: list[bytes]) -> None:
    response = _update(open_server, f"LOAD SILENT <http://127.0.0.1:{listener.port}/allowed> INTO GRAPH <urn:test:l>")
    assert response.status_code == 204 and len(heard) == 1, response.text


def test_using_graph_uri_is_written_in_and_read_again(open_server: Server, heard: list[bytes]) -> None:
    """The protocol's dataset enters the update as a serialised IRI, and the result is what is checked."""
    _update(open_server, "INSERT DATA { GRAPH <urn:test:src> { <urn:s> <urn:p> 1 } }")
    response = _update(
        open_server,
        "INSERT { GRAPH <urn:test:dst> { ?s ?p ?o } } WHERE { ?s ?p ?o } ;\n"
        "DELETE { GRAPH <urn:test:none> { ?s ?p ?o } } WHERE { ?s ?p ?o } # a comment at the end",
        **{"using-graph-uri": "urn:test:src"},
    )
    assert response.status_code == 204, response.text
    copied = _query(open_server, "ASK { GRAPH <urn:test:dst> { <urn:s> <urn:p> 1 } }")
    assert copied.json()["boolean"] is True and heard == []


@pytest.mark.parametrize(
    "text",
    ["INSERT DATA { <urn:s> <urn:p> 1 }", "CLEAR DEFAULT", "LOAD <urn:x>", "COPY <urn:a> TO DEFAULT"],
)
def test_writing_the_default_graph_is_refused_by_the_same_reading(open_server: Server, text: str) -> None:
    response = _update(open_server, text)
    assert response.status_code in (400, 403) and ("default graph" in response.text or "LOAD" in response.text)


def test_an_update_with_its_own_prologue_runs(open_server: Server) -> None:
    """The merge repair's operations go after the update's PREFIX/BASE lines (the engine takes a
    prologue only at the start); they used to go before them, and such an update failed."""
    response = _update(
        open_server, "PREFIX e: <urn:test:e:>\nBASE <http://h/>\nINSERT DATA { GRAPH e:g { e:s e:p <rel> } }"
    )
    assert response.status_code == 204, response.text
    found = _query(open_server, "ASK { <urn:test:e:s> <urn:test:e:p> <http://h/rel> }")
    assert found.json()["boolean"] is True
