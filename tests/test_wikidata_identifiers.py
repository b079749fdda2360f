"""Every Wikidata identifier in the project is one recorded, exactly, with its evidence, in
``ontology/wikidata-verified.yaml`` — compared as whole identifiers, so a trap (Q2949557) or a
truncated one (Q1) cannot pass for a verified one by appearing inside a longer text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
import yaml

from dprk_kg.loaders.sources.registry import read_registry
from dprk_kg.store import EmbeddedStore
from tests.conftest import ROOT, SEEDS

RECORD = yaml.safe_load((ROOT / "ontology" / "wikidata-verified.yaml").read_text(encoding="utf-8"))
VERIFIED = {r["id"]: r for kind in ("items", "classes", "properties") for r in RECORD[kind]}
TRAPS = {t["id"] for t in RECORD["traps"]}
WIKIDATA = "http://www.wikidata.org/entity/"
# a Wikidata IRI, or a wd: name in Turtle or SPARQL (not one inside another address, such as a mirror's)
WIKIDATA_REFERENCE = re.compile(r"(?:wikidata\.org/entity/|(?<![\w-])wd:)([QP][1-9]\d*)\b")


def test_each_record_is_a_whole_identifier_with_evidence() -> None:
    for kind, prefix in (("items", "Q"), ("classes", "Q"), ("properties", "P")):
        for record in RECORD[kind]:
            assert re.fullmatch(rf"{prefix}[1-9]\d*", record["id"]), record
            assert record["label"] and record["used_by"] and record["evidence"], record
    assert len(VERIFIED) == sum(len(RECORD[k]) for k in ("items", "classes", "properties"))  # no duplicates
    assert not TRAPS & set(VERIFIED)


def test_the_registry_uses_exactly_the_recorded_items() -> None:
    registry = read_registry(SEEDS / "entities.yaml")
    used = {entry.id: entry.wikidata for entry in registry.entries if entry.wikidata}
    recorded = {entry: r["id"] for r in RECORD["items"] for entry in r["used_by"]}
    assert used == recorded


def test_the_ontology_maps_to_exactly_the_recorded_classes_and_properties() -> None:
    graph = rdflib.Graph().parse(ROOT / "ontology" / "wikidata-mapping.ttl")
    dkg = "https://w3id.org/dprk-kg/ontology#"
    used = {
        f"dkg:{str(term).removeprefix(dkg)}": str(target).removeprefix(WIKIDATA)
        for predicate in (rdflib.SKOS.exactMatch, rdflib.SKOS.closeMatch)
        for term, target in graph.subject_objects(predicate)
        if str(target).startswith(WIKIDATA)
    }
    recorded = {term: r["id"] for kind in ("classes", "properties") for r in RECORD[kind] for term in r["used_by"]}
    assert used == recorded


@pytest.mark.parametrize("folder", ["seeds", "ontology", "shapes", "queries", "server"])
def test_no_trap_and_no_unrecorded_identifier_anywhere(folder: str) -> None:
    """Every Wikidata reference in the project's data, queries and pages is a recorded identifier."""
    for path in sorted((ROOT / folder).rglob("*")):
        if path.suffix not in (".yaml", ".ttl", ".rq", ".html", ".md", ".txt", ".py"):
            continue
        for identifier in WIKIDATA_REFERENCE.findall(path.read_text(encoding="utf-8")):
            where = path.relative_to(ROOT)
            assert identifier not in TRAPS, f"{where}: {identifier} is a known wrong identifier"
            assert identifier in VERIFIED, f"{where}: {identifier} is not in ontology/wikidata-verified.yaml"


def test_the_built_graph_links_only_recorded_identifiers(built_store: Path) -> None:
    store = EmbeddedStore(built_store, read_only=True)
    rows = store.select(f'SELECT DISTINCT ?w WHERE {{ ?s ?p ?w FILTER STRSTARTS(STR(?w), "{WIKIDATA}") }}')
    linked = {row["w"].removeprefix(WIKIDATA) for row in rows}
    assert linked and linked <= set(VERIFIED), linked - set(VERIFIED)
    assert {r["id"] for r in RECORD["items"]} <= linked
