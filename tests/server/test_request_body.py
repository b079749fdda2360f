"""Bodies are whole or refused (issue 9, item 4): a chunked body over ``DPRK_KG_MAX_BODY`` used to be
cut at the limit and executed — a PUT of 2,048 triples answered 201 and stored the first part."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.server.conftest import TOKEN, Server, start_server

LIMIT = 20_000


@pytest.fixture(scope="module")
def small_limit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp("body-limit")
    running = start_server(
        directory / "store", directory / "server.log", token=TOKEN, empty=True, env={"DPRK_KG_MAX_BODY": str(LIMIT)}
    )
    yield running
    running.stop()


def _triples(count: int) -> bytes:
    return "".join(f"<urn:s{i}> <urn:p> <urn:o{i}> .\n" for i in range(count)).encode()


def _chunked(body: bytes) -> Iterator[bytes]:
    """A generator body: requests sends it with Transfer-Encoding: chunked and no Content-Length."""
    for start in range(0, len(body), 4096):
        yield body[start : start + 4096]


def _put_chunked(server: Server, graph: str, body: bytes) -> requests.Response:
    return requests.put(
        f"{server.url}/data",
        params={"graph": graph},
        data=_chunked(body),
        headers={"Content-Type": "application/n-triples", **server.auth},
        timeout=30,
    )


def _count(server: Server, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    answer = requests.get(f"{server.url}/sparql", params={"query": query}, timeout=30)
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_a_chunked_put_over_the_limit_is_refused_and_stores_nothing(small_limit_server: Server) -> None:
    body = _triples(2048)  # 67 KB, cut at 20 KB on a line boundary it would have parsed
    assert len(body) > LIMIT
    response = _put_chunked(small_limit_server, "urn:test:chunked-over", body)
    assert response.status_code == 413, response.text
    assert "limit of 20000 bytes" in response.text
    assert _count(small_limit_server, "urn:test:chunked-over") == 0


def test_a_chunked_put_within_the_limit_is_stored_whole(small_limit_server: Server) -> None:
    body = _triples(400)
    assert len(body) < LIMIT
    response = _put_chunked(small_limit_server, "urn:test:chunked-within", body)
    assert response.status_code == 201, response.text
    assert _count(small_limit_server, "urn:test:chunked-within") == 400


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "content-length"])
def test_a_query_over_the_limit_is_refused(small_limit_server: Server, chunked: bool) -> None:
    body = b"query=ASK%20%7B%7D" + b"%20" * LIMIT
    response = requests.post(
        f"{small_limit_server.url}/sparql",
        data=_chunked(body) if chunked else body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert response.status_code == 413, response.text


def test_a_body_shorter_than_its_content_length_is_not_executed(small_limit_server: Server) -> None:
    url = urlsplit(small_limit_server.url)
    update = b"INSERT DATA { GRAPH <urn:test:short> { <urn:a> <urn:b> <urn:c> } }"
    head = (
        f"POST /update HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: application/sparql-update\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Length: {len(update) + 100}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((url.hostname, url.port), timeout=30) as connection:
        connection.sendall(head + update)
        connection.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    assert not reply.startswith(b"HTTP/1.1 2"), reply[:200]
    assert _count(small_limit_server, "urn:test:short") == 0


def test_the_log_has_no_traceback(small_limit_server: Server) -> None:
    assert "Traceback" not in Path(small_limit_server.log).read_text()
