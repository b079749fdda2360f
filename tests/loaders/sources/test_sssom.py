"""The mapping set (ontology/mappings.sssom.tsv): valid SSSOM by the ``sssom`` package's own schema
checks, the one source of the ontology's published Wikidata mapping, and strict about what a row may
claim — a bad row is refused with its file and line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sssom.parsers import parse_sssom_table
from sssom.validators import validate

from dprk_kg.errors import InputError
from dprk_kg.loaders.sources.registry import read_registry
from dprk_kg.loaders.sources.sssom import mapping_turtle, read_mappings
from tests.conftest import ROOT, SEEDS

MAPPINGS = ROOT / "ontology" / "mappings.sssom.tsv"
CURATION = "semapv:ManualMappingCuration"
ROW = "\t".join(
    ("id:hyesan", "Hyesan", "skos:exactMatch", "", "wd:Q489829", "Hyesan", CURATION, "0.95", "id:dprk-kg-curators", "")
)


def schema_problems(path: Path) -> list[object]:
    """Every problem the sssom package's validators (JSON Schema, prefix map, CURIE format) report.

    Not ``strict=True`` parsing: in sssom 0.4.21 that raises "non-standard and undefined metadata" for
    every file whose metadata is all standard (it tests the irregularity check's result inverted), so
    the standard-metadata check is made here from the package's own warning instead."""
    msdf = parse_sssom_table(path)
    return [result for report in validate(msdf, fail_on_error=False).values() for result in report.results]


def test_the_mapping_set_is_valid_sssom(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert schema_problems(MAPPINGS) == []
    assert not [r for r in caplog.records if "not a standard SSSOM" in r.getMessage()]


def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    """A confidence above 1 breaks the SSSOM schema: the validation above is real."""
    bad = tmp_path / "bad.sssom.tsv"
    bad.write_text(MAPPINGS.read_text(encoding="utf-8") + ROW.replace("0.95", "1.7") + "x\n", encoding="utf-8")
    problems = schema_problems(bad)
    assert problems and "1.7 is greater than the maximum of 1.0" in str(problems[0].message)  # type: ignore[attr-defined]


def test_the_published_ontology_mapping_is_generated_from_the_mapping_set() -> None:
    """ontology/wikidata-mapping.ttl is the mapping set's ontology rows, exactly (regenerate it with
    ``.venv/bin/python -m dprk_kg.loaders.sources.sssom``)."""
    generated = mapping_turtle(read_mappings(MAPPINGS))
    assert (ROOT / "ontology" / "wikidata-mapping.ttl").read_text(encoding="utf-8") == generated


def test_every_entity_row_names_a_registry_entity() -> None:
    registry = read_registry(SEEDS / "entities.yaml")
    mappings = read_mappings(MAPPINGS, registry.ids())
    assert len(mappings.registry_links()) >= 13
    assert all(m.evidence for m in mappings.verified())


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (ROW.replace("0.95", "0.5"), "skos:exactMatch needs a verified identifier"),
        (ROW.replace("skos:exactMatch", "skos:relatedMatch"), "a candidate (skos:relatedMatch) has a confidence below"),
        (ROW.replace("wd:Q489829", "wd:Q2949557"), "wd:Q2949557 is a known wrong identifier"),
        (ROW.replace("wd:Q489829", "Q489829"), "object_id 'Q489829' is not a CURIE"),
        (ROW.replace("id:hyesan", "id:atlantis"), "subject_id id:atlantis is not an entity of the registry"),
        (ROW.replace("semapv:ManualMappingCuration", "semapv:LexicalMatching"), "must be semapv:ManualMappingCuration"),
        (ROW.replace("skos:exactMatch", "owl:sameAs"), "is not a CURIE with a prefix of the curie_map"),
        (ROW.replace("skos:exactMatch\t\t", "skos:exactMatch\tMaybe\t"), "predicate_modifier must be Not or empty"),
    ],
)
def test_a_bad_row_is_refused_with_its_line(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "mappings.sssom.tsv"
    text = MAPPINGS.read_text(encoding="utf-8")
    path.write_text(text + row + "known in a test\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_mappings(path, read_registry(SEEDS / "entities.yaml").ids())
    assert message in str(raised.value)
    assert raised.value.line == len(text.splitlines()) + 1
