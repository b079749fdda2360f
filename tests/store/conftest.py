"""Real remote stores for the remote-backend tests: Oxigraph server (PyPI ``oxigraph``) and Virtuoso
(Debian's ``virtuoso-opensource``), each started on a free port of 127.0.0.1 with its own data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pytest
import requests

from tests.server.conftest import free_port

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@dataclass
class RemoteServer:
    location: str  # as dprk-kg takes it, with credentials where writes need them
    reader: str  # without credentials
    process: subprocess.Popen[bytes]
    log: BinaryIO

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def launch(
    command: list[str], log: Path, probe: str, cwd: Path | None = None
) -> tuple[subprocess.Popen[bytes], BinaryIO]:
    """Start a store and wait until its query endpoint answers."""
    handle = log.open("wb")
    process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, cwd=cwd)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            handle.close()
            raise RuntimeError(f"the store exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            with requests.post(probe, data={"query": "ASK {}"}, timeout=2) as response:
                if response.status_code == 200:
                    return process, handle
        except requests.RequestException:
            pass
        time.sleep(0.3)
    process.kill()
    handle.close()
    raise RuntimeError(f"the store did not start: {log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteServer]:
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        pytest.fail("the oxigraph server is part of the test dependencies: pip install -e '.[test]'")
    directory = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    process, handle = launch(
        [str(binary), "serve", "--location", str(directory / "data"), "--bind", f"127.0.0.1:{port}"],
        directory / "server.log",
        f"http://127.0.0.1:{port}/query",
    )
    location = f"oxigraph+http://127.0.0.1:{port}"
    server = RemoteServer(location, location, process, handle)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteServer]:
    binary = shutil.which("virtuoso-t")
    if binary is None or not VIRTUOSO_INI.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must run the Virtuoso tests: apt-get install virtuoso-opensource")
        pytest.skip("Debian's virtuoso-opensource is not installed (CI installs it)")
    directory = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    config = VIRTUOSO_INI.read_text()
    config = config.replace("/var/lib/virtuoso-opensource-7/db/", f"{directory}/")
    config = config.replace("ServerPort               = 1111", f"ServerPort               = 127.0.0.1:{sql_port}")
    config = config.replace(
        "ServerPort                  = 8890", f"ServerPort                  = 127.0.0.1:{http_port}"
    )
    (directory / "virtuoso.ini").write_text(config)
    process, handle = launch(
        [binary, "+foreground", "+configfile", str(directory / "virtuoso.ini")],
        directory / "out.log",
        f"http://127.0.0.1:{http_port}/sparql",
        cwd=directory,
    )
    server = RemoteServer(
        f"virtuoso+http://dba:dba@127.0.0.1:{http_port}", f"virtuoso+http://127.0.0.1:{http_port}", process, handle
    )
    yield server
    server.stop()
