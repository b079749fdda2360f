"""The entity registry: every identifier taken from outside is backed by a verification record."""

from __future__ import annotations

import pytest

from dprk_kg.loaders.sources.registry import read_registry
from tests.conftest import ROOT, SEEDS


@pytest.mark.parametrize("field", ["ko"])
def test_registry_identifiers_come_from_the_verification_record(field: str) -> None:
    """Every Hangul label in the registry appears in a verification record kept in docs/ (QIDs are
    compared exactly with ontology/mappings.sssom.tsv, in tests/test_wikidata_identifiers.py)."""
    record = (ROOT / "docs" / "verification-2026-11.md").read_text() + (
        ROOT / "docs" / "wikidata-verified.md"
    ).read_text()
    registry = read_registry(SEEDS / "entities.yaml")
    for entry in registry.entries:
        value = getattr(entry, field)
        if value:
            assert value in record, f"{entry.id}: {value} is not in the verification record"
