"""The one configuration object of the command line and the server: each setting comes from a
command-line flag, else its environment variable, else its default — read here and nowhere else, so
every part of the system sees the same values, and the README's table is checked against ``SETTINGS``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dprk_kg import paths
from dprk_kg.errors import ConfigError
from dprk_kg.iris import Iris
from dprk_kg.vocabulary import DEFAULT_BASE


def _words(value: str) -> tuple[str, ...]:
    return tuple(word for word in value.replace(",", " ").split() if word)


def _optional(value: str) -> str | None:
    return value.strip() or None


def _positive(kind: Callable[[str], float]) -> Callable[[str], Any]:
    def parse(value: str) -> Any:
        number = kind(value)
        if number <= 0:
            raise ValueError("must be greater than 0")
        return number

    return parse


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("must be 0 or more")
    return number


def _switch(value: str) -> bool:
    if value.lower() in ("on", "true", "1", "yes"):
        return True
    if value.lower() in ("off", "false", "0", "no"):
        return False
    raise ValueError("must be on or off")


def _base(value: str) -> str:
    if not value.endswith("/"):
        raise ValueError("must end with '/'")
    return value


@dataclass(frozen=True)
class Setting:
    """One configuration value: its field, environment variable, default and meaning."""

    field: str
    variable: str
    parse: Callable[[str], Any]
    default: Callable[[], Any]
    meaning: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "store",
        "DPRK_KG_STORE",
        str,
        lambda: str(paths.default_store_path()),
        "the store: a folder for the embedded store, or the URL of a SPARQL 1.1 store "
        "(`http(s)://…`, or with a flavour: `oxigraph+http://…`, `virtuoso+http://…` …)",
    ),
    Setting(
        "seeds",
        "DPRK_KG_SEEDS",
        Path,
        lambda: paths.default_seeds_dir(),
        "the folder of source documents a build reads",
    ),
    Setting("base", "DPRK_KG_BASE", _base, lambda: DEFAULT_BASE, "the base of the data IRIs (ends with `/`)"),
    Setting(
        "home",
        "DPRK_KG_HOME",
        Path,
        lambda: None,
        "a folder holding `ontology/`, `shapes/` and `queries/` to use instead of the installed package's",
    ),
    Setting("store_token", "DPRK_KG_STORE_TOKEN", _optional, lambda: None, "bearer token for a remote store"),
    Setting(
        "version_grace",
        "DPRK_KG_VERSION_GRACE",
        _positive(float),
        lambda: 300.0,
        "seconds an embedded store keeps a replaced version for readers that still use it",
    ),
    Setting(
        "max_versions",
        "DPRK_KG_MAX_VERSIONS",
        _positive(int),
        lambda: 32,
        "replaced versions an embedded store keeps at most, however recent",
    ),
    Setting("query_timeout", "DPRK_KG_QUERY_TIMEOUT", _positive(float), lambda: 30.0, "query time limit (seconds)"),
    Setting(
        "max_body_bytes",
        "DPRK_KG_MAX_BODY",
        _positive(int),
        lambda: 32 << 20,  # a graph store PUT of 100,000 triples is 8-15 MB of N-Triples
        "largest request body (bytes)",
    ),
    Setting("max_result_bytes", "DPRK_KG_MAX_RESULT", _positive(int), lambda: 64 << 20, "largest query result (bytes)"),
    Setting(
        "cache_max_age",
        "DPRK_KG_CACHE_MAX_AGE",
        _non_negative,
        lambda: None,
        "seconds a cache may reuse a successful GET before revalidating it (0: revalidate every time); "
        "unset: 60, or 0 when writes are enabled",
    ),
    Setting(
        "result_cache_bytes",
        "DPRK_KG_RESULT_CACHE",
        _non_negative,
        lambda: 256 << 20,
        "bytes of query answers the server's workers share, keyed on the store version (0: off)",
    ),
    Setting(
        "result_cache_dir",
        "DPRK_KG_RESULT_CACHE_DIR",
        Path,
        lambda: None,
        "folder of the shared answers (default: one per store in `/dev/shm`, memory)",
    ),
    Setting(
        "max_nesting",
        "DPRK_KG_MAX_NESTING",
        _positive(int),
        lambda: 256,
        "deepest nesting of groups a query may have (pyoxigraph 0.5.13 crashes near 2,500)",
    ),
    Setting(
        "write_token",
        "DPRK_KG_WRITE_TOKEN",
        _optional,
        lambda: None,
        "bearer token that enables writes (`/update`, graph store PUT/POST/DELETE); unset: read-only",
    ),
    Setting(
        "write_token_file",
        "DPRK_KG_WRITE_TOKEN_FILE",
        Path,
        lambda: None,
        "a file holding the write token (read at start; takes precedence over `DPRK_KG_WRITE_TOKEN`)",
    ),
    Setting(
        "allowed_services",
        "DPRK_KG_ALLOWED_SERVICES",
        _words,
        tuple,
        "endpoints a query may call with `SERVICE` (space or comma separated IRIs); none by default",
    ),
    Setting(
        "network_isolation",
        "DPRK_KG_NETWORK_ISOLATION",
        _switch,
        lambda: True,
        "`off` lets the server's workers keep the network even where they need none (see SECURITY.md)",
    ),
    Setting(
        "allowed_loads",
        "DPRK_KG_ALLOWED_LOADS",
        _words,
        tuple,
        "sources an update may `LOAD` (space or comma separated IRIs); none by default",
    ),
)


@dataclass(frozen=True)
class Config:
    """Every setting, resolved. Build one with ``Config.load``."""

    store: str
    seeds: Path
    base: str
    home: Path | None
    store_token: str | None
    version_grace: float
    max_versions: int
    query_timeout: float
    max_body_bytes: int
    max_result_bytes: int
    cache_max_age: int | None
    result_cache_bytes: int
    result_cache_dir: Path | None
    max_nesting: int
    write_token: str | None
    write_token_file: Path | None
    allowed_services: tuple[str, ...]
    network_isolation: bool
    allowed_loads: tuple[str, ...]

    @classmethod
    def load(cls, flags: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Config:
        """Flags (None means not given), then the environment, then the defaults; ``ConfigError`` (exit 2)
        names the variable or flag whose value is unusable."""
        flags = {k: v for k, v in (flags or {}).items() if v is not None}
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            if setting.field in flags:
                value = flags[setting.field]
                try:
                    values[setting.field] = setting.parse(str(value))
                except ValueError as error:
                    raise ConfigError(f"--{setting.field.replace('_', '-')} {value!r}: {error}") from error
            else:
                values[setting.field] = _from_environment(setting, environ)
        values["write_token"] = _write_token(values["write_token"], values["write_token_file"])
        return cls(**values)

    @property
    def iris(self) -> Iris:
        return Iris(self.base)

    @property
    def writes_enabled(self) -> bool:
        return self.write_token is not None

    @property
    def freshness(self) -> int:
        """Seconds a cache may reuse a GET's answer: as set, else 60 — or 0 when writes are enabled,
        so that no one reads an answer from before their own write."""
        if self.cache_max_age is not None:
            return self.cache_max_age
        return 0 if self.writes_enabled else 60


def from_environment(name: str) -> Any:
    """One setting from the environment alone (or its default), for code that runs without a ``Config``
    at hand — such as a build worker finding the ontology."""
    return _from_environment(next(s for s in SETTINGS if s.field == name), os.environ)


def _from_environment(setting: Setting, environ: Mapping[str, str]) -> Any:
    value = environ.get(setting.variable, "")
    if value == "":
        return setting.default()
    try:
        return setting.parse(value)
    except ValueError as error:
        raise ConfigError(f"{setting.variable}={value!r}: {error}") from error


def _write_token(token: str | None, path: Path | None) -> str | None:
    if path is None:
        return token
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError as error:
        raise ConfigError(f"DPRK_KG_WRITE_TOKEN_FILE: cannot read {path}: {error.strerror}") from error
