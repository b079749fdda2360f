"""Deployment settings shared by the CLI and the server: read from the environment, overridden by
command-line flags. Kept in one typed object rather than loose dicts."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dprk_kg.iris import Iris
from dprk_kg.namespaces import DEFAULT_BASE
from dprk_kg.paths import default_seeds_dir, default_store_path


@dataclass(frozen=True)
class Settings:
    """Where the store and seeds are, and the base of the deployment's IRIs."""

    store: str = field(default_factory=lambda: str(default_store_path()))
    seeds: Path = field(default_factory=default_seeds_dir)
    base: str = field(default_factory=lambda: os.environ.get("DPRK_KG_BASE", DEFAULT_BASE))

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            raise ValueError(f"the base IRI must end with '/': {self.base!r}")

    @property
    def iris(self) -> Iris:
        return Iris(self.base)
