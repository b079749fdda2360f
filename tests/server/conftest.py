"""Real servers for the HTTP tests: ``dprk-kg serve`` started as a separate process on a free port
of 127.0.0.1, waited for on /healthz, and stopped at the end."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
from flask.testing import FlaskClient

from dprk_kg.config import Config
from dprk_kg.server import runtime
from dprk_kg.server.app import create_app
from tests.conftest import SEEDS

if TYPE_CHECKING:
    from tests.server.listener import Listener

TOKEN = "test-write-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    store: Path
    process: subprocess.Popen[str]
    log: Path
    token: str | None = None
    log_handle: object = None

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def log_record(self, agent: str) -> dict[str, Any]:
        """The access log line of the request sent with ``User-Agent: agent``."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for line in self.log.read_text().splitlines():
                if line.startswith("{") and (record := json.loads(line)).get("agent") == agent:
                    return dict(record)
            time.sleep(0.05)
        raise AssertionError(f"no access log line for {agent}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log_handle is not None:
            self.log_handle.close()


def start_server(
    store: Path,
    log: Path,
    *,
    token: str | None = None,
    empty: bool = False,
    workers: int = 2,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
    store_location: str | None = None,
    healthz: int = 200,
    port: int | None = None,
) -> Server:
    """``store_location`` serves a remote store (``oxigraph+http://…``) instead of the path ``store``;
    ``healthz`` is the status that says the server is up (503 for one in front of an incomplete store);
    ``port``, one chosen beforehand (for a store built with the server's own address as its base)."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "dprk_kg.cli",
        "serve",
        "--store",
        store_location or str(store),
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    if empty:
        command.append("--empty")
    if timeout is not None:
        command += ["--timeout", str(timeout)]
    # each server its own cache of answers, in its test's folder (not /dev/shm, which outlives the tests)
    environment = {**os.environ, "DPRK_KG_RESULT_CACHE_DIR": str(log.parent / f"results-{port}"), **(env or {})}
    environment.pop("DPRK_KG_WRITE_TOKEN", None)
    if token:
        environment["DPRK_KG_WRITE_TOKEN"] = token
    handle = log.open("w")
    process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, text=True, env=environment)
    server = Server(f"http://127.0.0.1:{port}", store, process, log, token, handle)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=2).status_code == healthz:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"the server did not start: {log.read_text()}")


@pytest.fixture(scope="session")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The seeds' store, served read-only (no write token)."""
    running = start_server(built_store, tmp_path_factory.mktemp("logs") / "server.log")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """An empty store served with writes enabled by a bearer token; one per test module."""
    directory = tmp_path_factory.mktemp("writable")
    running = start_server(directory / "store", directory / "server.log", token=TOKEN, empty=True)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def curation_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """A writable server whose seeds folder (``DPRK_KG_SEEDS``) is a copy of seeds/ it may write (the
    curation page's claims files), with that folder; one per test module."""
    directory = tmp_path_factory.mktemp("curation")
    shutil.copytree(SEEDS, directory / "seeds")
    env = {"DPRK_KG_SEEDS": str(directory / "seeds")}
    running = start_server(directory / "store", directory / "server.log", token=TOKEN, empty=True, env=env)
    yield running, directory / "seeds"
    running.stop()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    """A listener that logs every connection, shared by a module's tests (see ``listener.py``)."""
    from tests.server.listener import Listener  # listener.py starts servers with this module's help

    running = Listener()
    yield running
    running.close()


@pytest.fixture(scope="module")
def client(built_store: Path) -> Iterator[FlaskClient]:
    """The app in this process, on the seeds' store, to see the queries a page runs."""
    app = create_app(Config.load({"store": str(built_store)}, environ={}))
    try:
        yield app.test_client()
    finally:
        with app.app_context():
            runtime.close_all()
