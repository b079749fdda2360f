"""Where the project's own data lives.

The ontology, shapes and competency queries are part of the project checkout, not of the Python
package: the project is used from a clone (``pip install -e .``), so they are found beside the
package. ``DPRK_KG_HOME`` points elsewhere when a deployment keeps them in another place.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The folder holding ``ontology/``, ``shapes/``, ``queries/`` and, by default, ``seeds/``."""
    env = os.environ.get("DPRK_KG_HOME")
    root = Path(env) if env else Path(__file__).resolve().parent.parent
    if not (root / "ontology").is_dir():
        raise FileNotFoundError(f"no ontology/ folder under {root}; set DPRK_KG_HOME to the dprk-kg checkout")
    return root


def ontology_dir() -> Path:
    return project_root() / "ontology"


def shapes_dir() -> Path:
    return project_root() / "shapes"


def queries_dir() -> Path:
    return project_root() / "queries"


def default_seeds_dir() -> Path:
    return project_root() / "seeds"


def default_store_path() -> Path:
    """The embedded store lives under ``var/`` (ignored by git) unless configured otherwise."""
    env = os.environ.get("DPRK_KG_STORE")
    return Path(env) if env else project_root() / "var" / "store"
