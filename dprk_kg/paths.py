"""Where the project's own data is read from.

The ontology, the shapes, the competency and integrity queries, the default seeds and the query page's
editor travel inside the package (``importlib.resources``), so an installed wheel finds them wherever
it runs, exactly as a clone with ``pip install -e .`` does. ``DPRK_KG_HOME`` names another folder
holding ``ontology/``, ``shapes/`` and ``queries/`` instead.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from dprk_kg.errors import DataError

_PACKAGES = {
    "ontology": "dprk_kg.ontology",
    "shapes": "dprk_kg.shapes",
    "queries": "dprk_kg.queries",
    "seeds": "dprk_kg.seeds",
}


def _data_dir(folder: str) -> Path:
    """A data folder as a real path (the package is installed unzipped, as pip does)."""
    from dprk_kg.config import from_environment  # config's defaults call back into this module

    home: Path | None = from_environment("home")
    if home is not None:
        path = home / folder
        remedy = "set DPRK_KG_HOME to a folder holding ontology/, shapes/ and queries/, or unset it"
    else:
        path = Path(str(files(_PACKAGES[folder])))
        remedy = "the installation is incomplete: reinstall dprk-kg (pip install --force-reinstall dprk-kg)"
    if not path.is_dir() or not os.access(path, os.R_OK | os.X_OK):
        raise DataError(f"the data folder {path} is missing or unreadable; {remedy}")
    return path


def ontology_dir() -> Path:
    return _data_dir("ontology")


def shapes_dir() -> Path:
    return _data_dir("shapes")


def queries_dir() -> Path:
    return _data_dir("queries")


def default_seeds_dir() -> Path:
    """The two seed articles that ship with the package: the default corpus of a build."""
    return Path(str(files(_PACKAGES["seeds"])))


def ui_assets_dir() -> Path:
    """The query page's editor (YASGUI), copied from the npm registry by ``scripts/ui-assets``."""
    return Path(str(files("dprk_kg.server"))) / "static" / "vendor" / "yasgui"


def source_checkout() -> Path | None:
    """The clone this package runs from (an editable install), if it does."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() and (root / "loaders").is_dir() else None


def default_store_path() -> Path:
    """``var/store`` in a clone (ignored by git); in the user's data folder for an installed package,
    which must not write into its own site-packages."""
    checkout = source_checkout()
    if checkout is not None:
        return checkout / "var" / "store"
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "dprk-kg" / "store"
