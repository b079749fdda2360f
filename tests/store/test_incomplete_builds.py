"""A remote build that fails or is killed part-way leaves a store that is neither the old data nor the
new: the store says so (its build status), ``dprk-kg serve`` refuses to answer from it (503, and
/healthz), and running the build again completes it with the same data as a clean build. Against real
servers: an Oxigraph server (and Virtuoso where installed) and ``dprk-kg serve`` in front."""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from benchmarks.corpus.writer import generate, prepare
from dprk_kg.errors import StoreError
from dprk_kg.store import ResultFormat, Store, open_store
from dprk_kg.store.base import Session
from dprk_kg.store.remote import INCOMPLETE, STATE, STATUS_GRAPH, RemoteStore
from tests.server.conftest import start_server
from tests.store.conftest import RemoteServer

BASE = "https://example.org/partial/"
P = ox.NamedNode("https://example.org/p")
TIMES = re.compile(
    r"<http://www\.w3\.org/ns/prov#(startedAtTime|endedAtTime)>|/dataset> <http://purl\.org/dc/terms/(created|issued|modified)>"
    r"|#distinctObjects>"  # counts those times: one literal when a build starts and ends in one second
)  # differ from build to build
INCOMPLETE_TEXT = "is incomplete: a build began replacing its data and has not finished"


@pytest.fixture(scope="module", params=["oxigraph", pytest.param("virtuoso", marks=pytest.mark.virtuoso)])
def remote(request: pytest.FixtureRequest) -> RemoteServer:
    server: RemoteServer = request.getfixturevalue(f"{request.param}_server")
    return server


def nquads(path: Path, quads: list[ox.Quad], tail: bytes = b"") -> Path:
    path.write_bytes((ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"") + tail)
    return path


def dump(store: Store) -> list[str]:
    out = io.BytesIO()
    store.dump(ResultFormat.N_QUADS, out)
    return sorted(out.getvalue().decode("utf-8").splitlines())


def status(store: Store) -> list[str]:
    """The deployment's build state, as the store holds it."""
    return [
        row["s"] for row in store.select(f"SELECT ?s WHERE {{ GRAPH <{STATUS_GRAPH}> {{ <{BASE}> <{STATE}> ?s }} }}")
    ]


@dataclass(frozen=True)
class Loaded:
    store: RemoteStore
    reader: str  # the store's location for reading, without credentials
    named: list[ox.Quad]  # the dataset's named graphs (its file also holds their merge)
    good: Path  # its N-Quads file
    whole: list[str]  # the store's dump once it is loaded


@pytest.fixture
def clean(remote: RemoteServer, tmp_path: Path) -> Loaded:
    """The remote store after a clean load of a dataset of one and a half requests' worth of quads
    (20,000 a request; 1,000 on Virtuoso, whose dumps stop at 10,000 rows), and its dump."""
    store = RemoteStore(remote.location, base=BASE)
    size = store.endpoints.flavour.load_batch * 3 // 2
    named = [
        ox.Quad(ox.NamedNode(f"{BASE}id/{n}"), P, ox.Literal(str(n)), ox.NamedNode(f"{BASE}graph/{n // 20}"))
        for n in range(size)
    ]
    good = nquads(tmp_path / "good.nq", named + [ox.Quad(q.subject, q.predicate, q.object) for q in named])
    store.replace_dataset(good)
    assert store.is_complete() and status(store) == ["complete"]
    return Loaded(store, remote.reader, named, good, dump(store))


def test_a_load_that_fails_part_way_is_marked_until_a_rerun_completes_it(clean: Loaded, tmp_path: Path) -> None:
    store = clean.store
    broken = nquads(tmp_path / "broken.nq", clean.named, b"<https://example.org/s> <https://example.org/p> .\n")
    with pytest.raises(SyntaxError):  # after one request's worth was sent
        store.replace_dataset(broken)
    assert 0 < store.quad_count() < len(clean.whole)  # neither the old data nor the new
    assert not store.is_complete() and status(store) == [INCOMPLETE] and store.exists()
    assert not open_store(clean.reader, read_only=True, base=BASE).is_complete()
    store.replace_dataset(clean.good)
    assert store.is_complete() and dump(store) == clean.whole


def test_the_store_is_complete_only_once_prepare_has_run(clean: Loaded) -> None:
    def fail(_: Session) -> None:
        raise StoreError("the reasoner's clean-up failed")

    with pytest.raises(StoreError, match="clean-up failed"):
        clean.store.replace_dataset(clean.good, prepare=fail)
    assert dump(clean.store) == clean.whole  # every quad is there, but not what prepare was to do
    assert not clean.store.is_complete()
    clean.store.replace_dataset(clean.good)
    assert clean.store.is_complete()


def test_the_status_is_not_data_and_emptying_forgets_it(clean: Loaded, remote: RemoteServer) -> None:
    store = clean.store
    assert STATUS_GRAPH not in set(store.graph_names()) and not any(STATUS_GRAPH in q for q in clean.whole)
    assert store.quad_count() == len(clean.whole)
    other = open_store(remote.location, base="https://example.org/another/")  # a deployment never built
    assert other.is_complete() and not other.exists()
    store.create_empty()
    assert store.is_complete() and not store.exists() and status(store) == []


@pytest.mark.slow
def test_a_build_killed_mid_load_is_refused_by_the_server_and_completed_by_a_rerun(
    oxigraph_server: RemoteServer, tmp_path: Path
) -> None:
    """The real command, SIGKILLed while it loads a generated corpus (~80,000 quads with the merge)."""
    corpus = tmp_path / "corpus"
    prepare(corpus, force=False)
    generate(corpus, triples=None, documents=30, seed=7)
    location = oxigraph_server.location
    command = [sys.executable, "-m", "dprk_kg.cli", "build", "--store", location, "--seeds", str(corpus), "--quiet"]
    assert subprocess.run(command, capture_output=True, check=False, timeout=600).returncode == 0
    store = open_store(location, read_only=True)
    built = [line for line in dump(store) if not TIMES.search(line)]
    whole = store.quad_count()

    build = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed_at = _kill_while_loading(build, store, whole)
    assert 0 < killed_at < whole and 0 < store.quad_count() < whole
    assert not store.is_complete() and store.exists()

    server = start_server(tmp_path / "unused", tmp_path / "serve.log", store_location=location, healthz=503)
    try:
        health = requests.get(f"{server.url}/healthz", timeout=10)
        assert health.json()["status"] == "incomplete" and INCOMPLETE_TEXT in health.json()["error"]
        for path in ("/sparql?query=ASK%20%7B%7D", "/id/anything.html", "/data?default"):
            answer = requests.get(f"{server.url}{path}", timeout=10)
            assert answer.status_code == 503 and INCOMPLETE_TEXT in answer.text, path
            assert answer.headers["Retry-After"]
        assert "warning" in server.log.read_text() and INCOMPLETE_TEXT in server.log.read_text()

        rerun = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
        assert rerun.returncode == 0, rerun.stderr
        assert store.is_complete() and [line for line in dump(store) if not TIMES.search(line)] == built
        deadline = time.monotonic() + 30  # each worker looks again within a few seconds
        while requests.get(f"{server.url}/healthz", timeout=10).status_code != 200:
            assert time.monotonic() < deadline, "the server still says the store is incomplete"
            time.sleep(0.5)
        answer = requests.get(f"{server.url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
        assert answer.status_code == 200 and answer.json()["boolean"] is True
    finally:
        server.stop()


def _kill_while_loading(build: subprocess.Popen[bytes], store: Store, whole: int) -> int:
    """SIGKILL the build once its load is under way — the count of quads grows (it only shrinks while
    the old graphs are dropped) and is short of the whole; the quads the store held just before."""
    before: int | None = None
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and build.poll() is None:
        if not store.is_complete():
            count = store.quad_count()
            if before is not None and before < count < whole * 4 // 5:
                build.send_signal(signal.SIGKILL)
                build.wait()
                return count
            before = count
        time.sleep(0.05)
    build.kill()
    pytest.fail("the build finished before it could be killed mid-load")
