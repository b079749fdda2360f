"""Shared fixtures: the real ``dprk-kg`` command, a store built from ``seeds/`` once per session, and
scratch copies of the seeds for the bad-input tests."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from dprk_kg.cli import main
from dprk_kg.store import EmbeddedStore, ResultFormat

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def run_cli(*args: str, timeout: float = 300, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``dprk-kg`` as a separate process, as a user would (``env`` adds to the environment)."""
    return subprocess.run(
        [sys.executable, "-m", "dprk_kg.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **env} if env else None,
    )


@dataclass(frozen=True)
class Ran:
    """What a command printed and returned, like ``subprocess.CompletedProcess``."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """``dprk-kg`` run in this process (no interpreter start-up): the same ``main`` the command calls."""

    def run(*args: str) -> Ran:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


def sorted_dump(store_path: Path) -> list[str]:
    """Every quad of a store as sorted N-Quads lines, to compare stores exactly."""
    out = io.BytesIO()
    EmbeddedStore(store_path, read_only=True).dump(ResultFormat.N_QUADS, out)
    return sorted(out.getvalue().decode("utf-8").splitlines())


@pytest.fixture(scope="session", autouse=True)
def answers_kept_in_the_session(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Servers and apps the tests start keep their shared answers (server/result_cache.py) in the
    session's folder, not in /dev/shm, which would outlive the tests (keys carry the store version, so
    stores never read each other's answers)."""
    os.environ.setdefault("DPRK_KG_RESULT_CACHE_DIR", str(tmp_path_factory.mktemp("answers")))


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds built into a fresh store by the real command line."""
    path = tmp_path_factory.mktemp("built") / "store"
    result = run_cli("build", "--store", str(path), "--quiet")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="session")
def store(built_store: Path) -> EmbeddedStore:
    return EmbeddedStore(built_store, read_only=True)


@pytest.fixture(scope="session")
def built_dump(built_store: Path) -> list[str]:
    return sorted_dump(built_store)


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def edit(seeds_copy: Path) -> Callable[[str, str, str], Path]:
    """Replace text in a copied seed file; the replaced text must be there exactly once."""

    def replace(name: str, old: str, new: str) -> Path:
        path = seeds_copy / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")
        return path

    return replace


def line_of(path: Path, text: str) -> int:
    """1-based line of the first occurrence of ``text`` in a file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")
