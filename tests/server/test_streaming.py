"""Large answers on a real server: past ``STREAM_BYTES`` an answer is written into a spool file and
streamed from it (server/executor.py), complete and with its length; past the result limit it is
still a clear 400, never a 200 cut short; the spool is closed whatever becomes of the answer (sent,
refused, HEAD, 304); and the result cache keeps a spooled answer only if it fits an entry."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from dprk_kg.server.executor import STREAM_BYTES
from tests.server.conftest import Server, start_server

# Every triple of the default graph, four times over: ~10 MB of JSON from the seeds' store.
COPIES = 4
LARGE = f"SELECT * WHERE {{ ?s ?p ?o VALUES ?copy {{ {' '.join(str(n) for n in range(COPIES))} }} }}"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = {"Accept": "application/sparql-results+json"}


def sparql(server: Server, text: str, method: str = "GET", **headers: str) -> requests.Response:
    return requests.request(method, f"{server.url}/sparql", params={"query": text}, headers=headers, timeout=120)


def triples(server: Server) -> int:
    return int(sparql(server, COUNT, **JSON).json()["results"]["bindings"][0]["n"]["value"])


def spools(server: Server, folder: Path) -> list[str]:
    """The deleted files in ``folder`` the server's processes hold open (``O_TMPFILE`` files, named
    ``#inode``), but for gunicorn's own heartbeat files: answers being streamed."""
    held = []
    for pid in family(server.process.pid):
        with_fds = Path(f"/proc/{pid}/fd")
        for fd in with_fds.iterdir() if with_fds.exists() else ():
            try:
                target = os.readlink(fd)
            except OSError:
                continue  # closed meanwhile
            name = target.removeprefix(f"{folder}/")
            if name != target and not name.startswith("wgunicorn-") and target.endswith("(deleted)"):
                held.append(target)
    return held


def family(root: int) -> set[int]:
    """``root`` and its descendants (gunicorn's master and workers)."""
    parents: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        parents[int(status.parent.name)] = int(fields.get("PPid", "0").strip())
    found = {root}
    while grown := {pid for pid, parent in parents.items() if parent in found} - found:
        found |= grown
    return found


@pytest.fixture(scope="module")
def spooling(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """The seeds' store served with the spools in a folder of the test's own (``TMPDIR``)."""
    directory = tmp_path_factory.mktemp("spooling")
    (directory / "spools").mkdir()
    running = start_server(built_store, directory / "server.log", env={"TMPDIR": str(directory / "spools")})
    yield running, directory / "spools"
    running.stop()


@pytest.fixture(scope="module")
def limited(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """A result limit of four times the threshold, and a cache whose entries hold less than it."""
    directory = tmp_path_factory.mktemp("limited")
    (directory / "spools").mkdir()
    env = {
        "TMPDIR": str(directory / "spools"),
        "DPRK_KG_MAX_RESULT": str(4 * STREAM_BYTES),
        "DPRK_KG_RESULT_CACHE": str(4 * STREAM_BYTES),  # entries of at most half the threshold
    }
    running = start_server(built_store, directory / "server.log", env=env)
    yield running, directory / "spools"
    running.stop()


def test_a_large_answer_is_sent_from_a_file(spooling: tuple[Server, Path]) -> None:
    """A client with a small receive window reads the first bytes and stops: the worker is left
    sending the answer from its spool file, which it closes once the client goes."""
    server, folder = spooling
    host, port = server.url.removeprefix("http://").split(":")
    with socket.socket() as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.settimeout(120)
        client.connect((host, int(port)))
        target = f"/sparql?{urllib.parse.urlencode({'query': LARGE})}"
        client.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept: {JSON['Accept']}\r\n\r\n".encode())
        assert client.recv(4096).startswith(b"HTTP/1.1 200 ")
        deadline = time.monotonic() + 30
        while not (held := spools(server, folder)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert held, "the answer is not sent from a spool file"
    deadline = time.monotonic() + 30
    while spools(server, folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not spools(server, folder)  # closed when the client went away


def test_a_large_answer_is_streamed_complete(spooling: tuple[Server, Path]) -> None:
    server, folder = spooling
    got = sparql(server, LARGE, **JSON)
    assert got.status_code == 200
    size = int(got.headers["Content-Length"])
    assert size > 2 * STREAM_BYTES and len(got.content) == size
    rows = json.loads(got.content)["results"]["bindings"]
    assert len(rows) == COPIES * triples(server)
    assert {row["copy"]["value"] for row in rows} == {str(n) for n in range(COPIES)}
    assert not spools(server, folder)  # closed once sent


def test_a_small_answer_is_not_spooled(spooling: tuple[Server, Path]) -> None:
    server, folder = spooling
    with requests.get(f"{server.url}/sparql", params={"query": COUNT}, stream=True, timeout=60) as got:
        assert got.status_code == 200 and not spools(server, folder)
        assert int(got.json()["results"]["bindings"][0]["n"]["value"]) > 0


def test_every_format_streams_the_same_solutions(spooling: tuple[Server, Path]) -> None:
    server, _ = spooling
    solutions = {
        "text/tab-separated-values": lambda body: len(body.splitlines()) - 1,  # newlines in terms are escaped
        "text/csv": lambda body: len(list(csv.reader(io.StringIO(body.decode())))) - 1,
        "application/sparql-results+xml": lambda body: body.count(b"<result>"),
    }
    for accept, count in solutions.items():
        got = sparql(server, LARGE, Accept=accept)
        assert got.status_code == 200 and len(got.content) == int(got.headers["Content-Length"]) > STREAM_BYTES
        assert count(got.content) == COPIES * triples(server), accept


def test_head_and_304_of_a_large_answer_close_its_spool(spooling: tuple[Server, Path]) -> None:
    server, folder = spooling
    full = sparql(server, LARGE, **JSON)
    head = sparql(server, LARGE, "HEAD", **JSON)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == full.headers["Content-Length"]
    # "*" is decided after the query ran (caching.py): the answer is made, then not sent
    star = sparql(server, LARGE, **{**JSON, "If-None-Match": "*"})
    assert star.status_code == 304 and star.content == b"" and star.headers["ETag"] == full.headers["ETag"]
    assert not spools(server, folder)


def test_an_answer_past_the_limit_is_a_clear_error(limited: tuple[Server, Path]) -> None:
    server, folder = limited
    refused = sparql(server, LARGE, **JSON)
    assert refused.status_code == 400
    assert f"larger than {4 * STREAM_BYTES} bytes" in refused.text and "LIMIT" in refused.text
    assert refused.headers["Cache-Control"] == "no-store" and "ETag" not in refused.headers
    assert sparql(server, LARGE, "HEAD", **JSON).status_code == 400
    assert not spools(server, folder)  # the refused answer's file is gone


def test_an_answer_between_the_threshold_and_the_limit_is_sent_whole(limited: tuple[Server, Path]) -> None:
    server, _ = limited
    count = triples(server)
    # about twice the threshold: the whole default graph once, in JSON, fits neither memory nor a cache entry
    text = "SELECT * WHERE { ?s ?p ?o }"
    first = sparql(server, text, **JSON)
    assert first.status_code == 200, first.text[:300]
    assert STREAM_BYTES < len(first.content) <= 4 * STREAM_BYTES
    assert len(first.json()["results"]["bindings"]) == count


def test_the_cache_keeps_a_spooled_answer_that_fits_an_entry(spooling: tuple[Server, Path]) -> None:
    server, _ = spooling
    agents = [f"spooled-{uuid.uuid4()}" for _ in range(2)]
    bodies = [sparql(server, LARGE, **JSON, **{"User-Agent": agent}).content for agent in agents]
    assert bodies[0] == bodies[1]
    assert server.log_record(agents[1])["cached"] is True
    assert server.log_record(agents[1])["bytes"] == len(bodies[1])


def test_the_cache_does_not_keep_an_answer_larger_than_an_entry(limited: tuple[Server, Path]) -> None:
    server, _ = limited
    text = "SELECT * WHERE { ?s ?p ?o }"
    agents = [f"too-large-to-keep-{uuid.uuid4()}" for _ in range(2)]
    bodies = [sparql(server, text, **JSON, **{"User-Agent": agent}).content for agent in agents]
    assert bodies[0] == bodies[1] and len(bodies[0]) > STREAM_BYTES
    assert server.log_record(agents[1])["cached"] is False
