"""Store locations: a folder or a supported URL, read once; anything else is refused (exit 2) before
anything is written."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from dprk_kg.errors import ConfigError
from dprk_kg.store import EmbeddedStore, open_store
from dprk_kg.store.location import GENERIC, LocalLocation, RemoteLocation, parse_location
from dprk_kg.store.remote import RemoteStore
from tests.conftest import Ran


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://127.0.0.1:7878", RemoteLocation(GENERIC, "http://127.0.0.1:7878")),
        ("https://kg.example.org/sparql", RemoteLocation(GENERIC, "https://kg.example.org/sparql")),
        ("HTTP://Example.org:80/q", RemoteLocation(GENERIC, "http://example.org:80/q")),
        (
            "http://h/query?update=http://h/update",
            RemoteLocation(GENERIC, "http://h/query", update="http://h/update"),
        ),
        (
            "sparql+http://h/query?update=http://h/update",
            RemoteLocation(GENERIC, "http://h/query", update="http://h/update"),
        ),
        ("oxigraph+http://127.0.0.1:7878/", RemoteLocation("oxigraph", "http://127.0.0.1:7878/")),
        ("fuseki+https://h:3030/ds", RemoteLocation("fuseki", "https://h:3030/ds")),
        (
            "virtuoso+http://dba:s%40cret@127.0.0.1:8890",
            RemoteLocation("virtuoso", "http://127.0.0.1:8890", username="dba", password="s@cret"),
        ),
        (
            "graphdb+http://h:7200/repositories/kg?infer=false",
            RemoteLocation("graphdb", "http://h:7200/repositories/kg?infer=false"),
        ),
        ("http://[::1]:7878/sparql", RemoteLocation(GENERIC, "http://[::1]:7878/sparql")),
    ],
)
def test_store_urls(text: str, expected: RemoteLocation) -> None:
    assert parse_location(text) == expected


def test_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert parse_location("var/store") == LocalLocation(Path("var/store"))
    assert parse_location(str(tmp_path / "store")) == LocalLocation(tmp_path / "store")
    assert parse_location("./odd:name") == LocalLocation(Path("odd:name"))  # a colon, written as a path
    (tmp_path / "kept").mkdir()
    assert parse_location("kept", writable=False) == LocalLocation(Path("kept"))
    assert list(tmp_path.iterdir()) == [tmp_path / "kept"]  # reading a location creates nothing


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ftp://x", "neither a folder nor a supported store URL"),
        ("foo+http://x", "unknown store flavour 'foo'"),
        ("oxigraph+ftp://x", "neither a folder nor a supported store URL"),
        ("http:", "names no server"),
        ("http:/x", "names no server"),
        ("http://", "names no server"),
        ("https:///sparql", "names no server"),
        ("http://h:port/sparql", "Port could not be cast"),
        ("http://h/q?update=/update", "the update endpoint must be an http"),
        ("c:store", "neither a folder nor a supported store URL"),
        ("  ", "is empty"),
    ],
)
def test_what_is_refused(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        parse_location(text)
    assert raised.value.exit_code == 2


def test_a_refusal_does_not_repeat_the_password() -> None:
    with pytest.raises(ConfigError, match=r"foo\+http://dba:\*\*\*@h") as raised:
        parse_location("foo+http://dba:secret@h")
    assert "secret" not in str(raised.value)


def test_folders_that_cannot_hold_a_store(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="is a file"):
        parse_location(str(tmp_path / "file"))
    with pytest.raises(ConfigError, match="cannot be created"):
        parse_location(str(tmp_path / "file" / "store"))
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(ConfigError, match="cannot be created"):
            parse_location(str(locked / "store"))
        assert parse_location(str(locked / "store"), writable=False) == LocalLocation(locked / "store")


def test_open_store_chooses_the_backend(tmp_path: Path) -> None:
    assert isinstance(open_store(str(tmp_path / "store")), EmbeddedStore)
    remote = open_store("virtuoso+http://dba:secret@127.0.0.1:1", read_only=True)
    assert isinstance(remote, RemoteStore)
    assert "secret" not in remote.location and "secret" not in remote.version_name()  # both get printed
    assert remote.location == "virtuoso+http://dba@127.0.0.1:1"


def test_a_url_never_becomes_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="is a URL, not a folder"):
        EmbeddedStore(Path("http://127.0.0.1:7878"))  # a Path reads it "http:/127.0.0.1:7878"
    with pytest.raises(ConfigError):
        RemoteStore(str(tmp_path))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("location", ["ftp://x", "foo+http://x", "http:", "http:/x"])
@pytest.mark.parametrize(
    "command",
    [("build", "--quiet"), ("query", "-e", "ASK {}"), ("export",), ("serve",)],
    ids=["build", "query", "export", "serve"],
)
def test_the_command_line_refuses_a_bad_location_and_writes_nothing(
    cli: Callable[..., Ran], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, location: str, command: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(command[0], "--store", location, *command[1:])
    assert result.returncode == 2, result.stderr
    assert location in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_environment_variable_is_read_the_same_way(
    cli: Callable[..., Ran], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DPRK_KG_STORE", "foo+http://127.0.0.1:7878")
    result = cli("build", "--quiet")
    assert result.returncode == 2 and "unknown store flavour 'foo'" in result.stderr
    assert list(tmp_path.iterdir()) == []
