"""The project's errors: each says where the problem is, so the CLI can print it and exit cleanly.

Exit codes (used by the CLI): 1 the data does not conform to the shapes, 2 bad input (a seed file, a
query, an argument), 3 the store could not be read or written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class DprkKgError(Exception):
    """Base of every error the project raises on purpose."""

    exit_code = 3


class InputError(DprkKgError):
    """A seed file (document, metadata, claims, registry) is malformed; names the file and line."""

    exit_code = 2

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[type, tuple[Path, int | None, str]]:
        return (type(self), (self.path, self.line, self.message))  # crosses process boundaries intact


class ConfigError(DprkKgError):
    """A setting (flag or environment variable) has an unusable value, such as a store location that is
    neither a folder nor a supported URL; refused before anything is written."""

    exit_code = 2


class DataError(DprkKgError):
    """The project's own data (ontology, shapes, queries) cannot be found or read."""

    exit_code = 3


class QueryError(DprkKgError):
    """A SPARQL query or update could not be parsed or is not allowed."""

    exit_code = 2


class StoreError(DprkKgError):
    """The store could not be opened, read or written."""

    exit_code = 3


class ResultTooLarge(DprkKgError):
    """A query's serialised result exceeds the configured bound."""

    exit_code = 2


@dataclass(frozen=True)
class Violation:
    """One SHACL result, with the evidence that produced the offending node."""

    focus: str
    path: str | None
    message: str
    severity: str
    value: str | None = None
    sources: tuple[str, ...] = ()  # "document-id / claim-id: «quote»" for each claim that mentions the focus

    def render(self) -> str:
        lines = [f"{self.severity}: {self.message}", f"  focus node: <{self.focus}>"]
        if self.path:
            lines.append(f"  path: {self.path}")
        if self.value:
            lines.append(f"  value: {self.value}")
        lines.extend(f"  from: {source}" for source in self.sources)
        return "\n".join(lines)


class ValidationFailed(DprkKgError):
    """A batch does not conform to the shapes; nothing of it is written."""

    exit_code = 1

    def __init__(self, batch: str, violations: list[Violation]) -> None:
        self.batch = batch
        self.violations = violations
        super().__init__(str(self))

    def __str__(self) -> str:
        head = f"{self.batch}: {len(self.violations)} SHACL violation(s)"
        return "\n".join([head, *(v.render() for v in self.violations)])

    def __reduce__(self) -> tuple[type, tuple[str, list[Violation]]]:
        return (type(self), (self.batch, self.violations))
