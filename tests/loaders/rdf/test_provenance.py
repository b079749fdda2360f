"""The documents' description in the graph: where each was published, and how that was checked."""

from __future__ import annotations

from dprk_kg.store import EmbeddedStore

# The addresses verified against stored public copies (the search tool's pages corpus, 2026-11).
PUBLISHED = {
    "000_1f7871d4d3f091d3": "https://www.nkinsider.org/provincial-governments-tap-wealthy-traders-to-donate-for-regional-development/",
    "004_5b61ddd10aea0cba": "https://www.asiapress.org/rimjin-gang/2024/02/society-economy/construction/",
}


def test_each_seed_carries_its_verified_publication_address(store: EmbeddedStore) -> None:
    rows = store.select(
        "SELECT ?id ?url ?checked WHERE { ?doc dkg:documentId ?id ; schema:url ?url ; dkg:checkedAgainst ?checked "
        'FILTER STRSTARTS(?checked, "url: ") }',
        prefixes={"dkg": "https://w3id.org/dprk-kg/ontology#", "schema": "https://schema.org/"},
    )
    assert {row["id"]: row["url"] for row in rows} == PUBLISHED
    assert all("stored public copy" in row["checked"] for row in rows)
