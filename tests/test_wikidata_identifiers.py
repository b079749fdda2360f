"""Every Wikidata identifier in the project is one recorded, exactly, with its evidence, in the mapping
set ``ontology/mappings.sssom.tsv`` — compared as whole identifiers, so a trap (Q2949557) or a
truncated one (Q1) cannot pass for a verified one by appearing inside a longer text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib

from dprk_kg.loaders.sources.registry import read_registry
from dprk_kg.loaders.sources.sssom import read_mappings
from dprk_kg.store import EmbeddedStore
from tests.conftest import ROOT, SEEDS

MAPPINGS = read_mappings(ROOT / "ontology" / "mappings.sssom.tsv")
VERIFIED = {m.wikidata_id for m in MAPPINGS.verified()}
TRAPS = MAPPINGS.traps()
WIKIDATA = "http://www.wikidata.org/entity/"
# a Wikidata IRI, or a wd: name in Turtle or SPARQL (not one inside another address, such as a mirror's)
WIKIDATA_REFERENCE = re.compile(r"(?:wikidata\.org/entity/|(?<![\w-])wd:)([QP][1-9]\d*)\b")


def test_each_verified_row_has_a_label_and_evidence() -> None:
    for mapping in MAPPINGS.verified():
        assert mapping.subject_label and mapping.object_label and mapping.evidence, mapping
    assert not TRAPS & VERIFIED


def test_the_registry_links_exactly_the_verified_entity_rows(built_store: Path) -> None:
    registry = read_registry(SEEDS / "entities.yaml")
    store = EmbeddedStore(built_store, read_only=True)
    rows = store.select(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?e ?w WHERE { GRAPH <https://w3id.org/dprk-kg/graph/registry> { ?e skos:exactMatch ?w } }"
    )
    linked = {row["e"].rsplit("/", 1)[1]: row["w"].removeprefix(WIKIDATA) for row in rows}
    expected = {slug: m.wikidata_id for slug, m in MAPPINGS.registry_links().items()}
    assert linked == expected
    assert set(expected) <= registry.ids()


def test_the_ontology_maps_to_exactly_the_verified_term_rows() -> None:
    graph = rdflib.Graph().parse(ROOT / "ontology" / "wikidata-mapping.ttl")
    dkg = "https://w3id.org/dprk-kg/ontology#"
    used = {
        f"dkg:{str(term).removeprefix(dkg)}": str(target).removeprefix(WIKIDATA)
        for predicate in (rdflib.SKOS.exactMatch, rdflib.SKOS.closeMatch)
        for term, target in graph.subject_objects(predicate)
        if str(target).startswith(WIKIDATA)
    }
    recorded = {m.subject_id: m.wikidata_id for m in MAPPINGS.verified() if m.subject_id.startswith("dkg:")}
    assert used == recorded


@pytest.mark.parametrize("folder", ["seeds", "ontology", "shapes", "queries", "server"])
def test_no_trap_and_no_unrecorded_identifier_anywhere(folder: str) -> None:
    """Every Wikidata reference in the project's data, queries and pages is a verified identifier (the
    mapping set itself names the traps, in its rows marked Not)."""
    for path in sorted((ROOT / folder).rglob("*")):
        if path.suffix not in (".yaml", ".ttl", ".rq", ".html", ".md", ".txt", ".py") or path == MAPPINGS.path:
            continue
        for identifier in WIKIDATA_REFERENCE.findall(path.read_text(encoding="utf-8")):
            where = path.relative_to(ROOT)
            assert identifier not in TRAPS, f"{where}: {identifier} is a known wrong identifier"
            assert identifier in VERIFIED, f"{where}: {identifier} is not verified in ontology/mappings.sssom.tsv"


def test_the_built_graph_links_only_verified_identifiers(built_store: Path) -> None:
    store = EmbeddedStore(built_store, read_only=True)
    # IRIs only: the dataset description names Wikidata's URI space as a literal (void:uriSpace)
    rows = store.select(
        f'SELECT DISTINCT ?w WHERE {{ ?s ?p ?w FILTER (isIRI(?w) && STRSTARTS(STR(?w), "{WIKIDATA}")) }}'
    )
    linked = {row["w"].removeprefix(WIKIDATA) for row in rows}
    assert linked and linked <= VERIFIED, linked - VERIFIED
    assert {m.wikidata_id for m in MAPPINGS.registry_links().values()} <= linked
