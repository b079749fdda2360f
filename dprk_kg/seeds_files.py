"""Changes to the seeds folder that are kept only if the store takes them.

``dprk-kg add`` and ``remove`` write, append to and delete files of the seeds folder, then build.
Each file's bytes are remembered before its first change; if the build fails (a quote the text does
not hold, a duplicate entity, a full disk, an interrupt), every changed file is put back exactly as it
was, so a failed command leaves the folder and the store as they were.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from dprk_kg.errors import StoreError
from dprk_kg.loaders.sources.inputs import REGISTRY_FILE

T = TypeVar("T")


class SeedsFiles:
    """The files of one seeds folder, and what they held before this command changed them."""

    def __init__(self, seeds: Path) -> None:
        self.seeds = seeds
        self.before: dict[Path, bytes | None] = {}

    @property
    def registry(self) -> Path:
        return self.seeds / REGISTRY_FILE

    def text(self, doc_id: str) -> Path:
        return self.seeds / f"{doc_id}.txt"

    def meta(self, doc_id: str) -> Path:
        return self.seeds / f"{doc_id}.meta.yaml"

    def claims(self, doc_id: str) -> Path:
        return self.seeds / f"{doc_id}.claims.yaml"

    @property
    def changed(self) -> bool:
        return bool(self.before)

    def write(self, path: Path, text: str) -> None:
        """Replace the file's content (written aside, then renamed: never half a file)."""
        self._remember(path)
        _write_bytes(path, text.encode("utf-8"))

    def append(self, path: Path, text: str) -> None:
        self._remember(path)
        _write_bytes(path, path.read_bytes() + text.encode("utf-8"))

    def delete(self, path: Path) -> None:
        self._remember(path)
        path.unlink(missing_ok=True)

    def commit_or_restore(self, load: Callable[[], T]) -> T:
        """Run ``load`` (a build, a check) and return what it returns; if it fails, restore every
        changed file and raise its error."""
        try:
            return load()
        except BaseException:
            self.restore()
            raise

    def restore(self) -> None:
        for path, content in self.before.items():
            if content is None:
                path.unlink(missing_ok=True)
            else:
                _write_bytes(path, content)

    def _remember(self, path: Path) -> None:
        if path not in self.before:
            self.before[path] = path.read_bytes() if path.exists() else None


def _write_bytes(path: Path, data: bytes) -> None:
    aside = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        aside.write_bytes(data)
        os.replace(aside, path)
    except OSError as error:
        aside.unlink(missing_ok=True)
        raise StoreError(f"cannot write {path}: {error.strerror}") from error


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive ``flock`` on the seeds folder itself, held by one command or save at a time, across
    processes (``add``, ``remove``, ``import``, the curation page): two of them writing the registry or
    one claims file at once would lose a change. No lock file is left in the seeds."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
