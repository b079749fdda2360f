"""The endpoint's configuration: limits, write access and allow-lists, read from the environment and
overridden by ``dprk-kg serve`` flags. One typed object, so every route reads the same values."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dprk_kg.namespaces import DEFAULT_BASE
from dprk_kg.paths import default_store_path, project_root


def _words(name: str) -> tuple[str, ...]:
    return tuple(w for w in os.environ.get(name, "").replace(",", " ").split() if w)


def _token() -> str | None:
    path = os.environ.get("DPRK_KG_WRITE_TOKEN_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip() or None
    return os.environ.get("DPRK_KG_WRITE_TOKEN") or None


@dataclass(frozen=True)
class ServerConfig:
    store: str = field(default_factory=lambda: str(default_store_path()))
    base: str = field(default_factory=lambda: os.environ.get("DPRK_KG_BASE", DEFAULT_BASE))
    query_timeout: float = field(default_factory=lambda: float(os.environ.get("DPRK_KG_QUERY_TIMEOUT", "30")))
    max_body_bytes: int = field(default_factory=lambda: int(os.environ.get("DPRK_KG_MAX_BODY", str(1 << 20))))
    max_result_bytes: int = field(default_factory=lambda: int(os.environ.get("DPRK_KG_MAX_RESULT", str(64 << 20))))
    # pyoxigraph 0.5.13 segfaults near 2,500 nested groups; real queries stay far below this
    max_nesting: int = field(default_factory=lambda: int(os.environ.get("DPRK_KG_MAX_NESTING", "256")))
    write_token: str | None = field(default_factory=_token)
    allowed_services: tuple[str, ...] = field(default_factory=lambda: _words("DPRK_KG_ALLOWED_SERVICES"))
    allowed_loads: tuple[str, ...] = field(default_factory=lambda: _words("DPRK_KG_ALLOWED_LOADS"))
    queries_dir: Path = field(default_factory=lambda: project_root() / "queries")
    ui_assets: Path = field(
        default_factory=lambda: project_root() / "server" / "ui" / "node_modules" / "@zazuko" / "yasgui" / "build"
    )

    @property
    def writes_enabled(self) -> bool:
        return self.write_token is not None
