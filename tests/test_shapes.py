"""Per-shape fixtures: a minimal valid claim with its provenance, and one violation per rule, each through
both SHACL engines: pyshacl, and the shapes compiled to SPARQL (which must reject what pyshacl rejects)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from dprk_kg.errors import ValidationFailed
from dprk_kg.loaders.gate.validation import Gate
from dprk_kg.loaders.rdflib_bridge import to_rdflib
from dprk_kg.loaders.sources.inputs import load_shapes
from dprk_kg.loaders.sources.ontology import load_ontology
from tests.conftest import ROOT

PREFIXES = """
@prefix dkg: <https://w3id.org/dprk-kg/ontology#> . @prefix id: <https://w3id.org/dprk-kg/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix c: <https://w3id.org/dprk-kg/claim/d/> .
"""
VALID = """
<https://w3id.org/dprk-kg/doc/d> a dkg:SourceDocument ; rdfs:label "D"@en ; dcterms:title "D"@en ;
    dcterms:publisher id:outlet ; dcterms:language "en"^^xsd:language ; dkg:documentId "d" ;
    schema:text "Kim spoke on January 15." .
id:outlet a dkg:NewsPublisher ; rdfs:label "Outlet"@en .
id:kim a dkg:Person ; rdfs:label "Kim"@en .
id:loader a dkg:SoftwareAgent ; rdfs:label "loader"@en .
id:load a dkg:LoadActivity ; rdfs:label "load"@en ; prov:used <https://w3id.org/dprk-kg/doc/d> ;
    prov:wasAssociatedWith id:loader ;
    prov:startedAtTime "2026-11-23T00:00:00Z"^^xsd:dateTime ; prov:endedAtTime "2026-11-23T00:00:01Z"^^xsd:dateTime .
c:c1 a dkg:Claim ; dkg:claimId "c1" ; prov:wasDerivedFrom <https://w3id.org/dprk-kg/doc/d> ;
    prov:wasAttributedTo id:outlet ; dkg:epistemicStatus dkg:Stated ; prov:wasGeneratedBy id:load ;
    dkg:assertsTriples 2 ; dkg:evidence <https://w3id.org/dprk-kg/claim/d/c1#evidence-1> .
<https://w3id.org/dprk-kg/claim/d/c1#evidence-1> a oa:SpecificResource ;
    oa:hasSource <https://w3id.org/dprk-kg/doc/d> ;
    oa:hasSelector <https://w3id.org/dprk-kg/claim/d/c1#quote-1>, <https://w3id.org/dprk-kg/claim/d/c1#position-1> .
<https://w3id.org/dprk-kg/claim/d/c1#quote-1> a oa:TextQuoteSelector ; oa:exact "Kim spoke" .
<https://w3id.org/dprk-kg/claim/d/c1#position-1> a oa:TextPositionSelector ;
    oa:start "0"^^xsd:nonNegativeInteger ; oa:end "9"^^xsd:nonNegativeInteger .
id:speech a dkg:Speech ; rdfs:label "speech"@en ; dkg:speaker id:kim ; dkg:date "--01-15"^^xsd:gMonthDay .
"""

# (name, text to remove from VALID or "" , text to add, expected message fragment)
VIOLATIONS = [
    ("claim without status", "dkg:epistemicStatus dkg:Stated ;", "", "exactly one epistemic status"),
    (
        "claim without evidence",
        "dkg:evidence <https://w3id.org/dprk-kg/claim/d/c1#evidence-1> .",
        'dkg:claimId "c1" .',
        "rests on at least one quote",
    ),
    (
        "claim without document",
        "prov:wasDerivedFrom <https://w3id.org/dprk-kg/doc/d> ;",
        "",
        "derived from exactly one source document",
    ),
    ("claim without attribution", "prov:wasAttributedTo id:outlet ;", "", "attributed to exactly one agent"),
    (
        "claim with two statuses",
        "dkg:epistemicStatus dkg:Stated ;",
        "dkg:epistemicStatus dkg:Stated, dkg:Reported ;",
        "exactly one epistemic status",
    ),
    (
        "inferred claim without basis",
        "dkg:epistemicStatus dkg:Stated ;",
        "dkg:epistemicStatus dkg:Inferred ;",
        "must record the basis",
    ),
    ("quote selector without exact", 'oa:exact "Kim spoke" .', 'oa:prefix "" .', "exactly one non-empty exact quote"),
    (
        "position start after end",
        'oa:start "0"^^xsd:nonNegativeInteger',
        'oa:start "12"^^xsd:nonNegativeInteger',
        "a count before its end",
    ),
    (
        "document without text",
        'schema:text "Kim spoke on January 15." .',
        'dkg:documentId "d" .',
        "holds its full text",
    ),
    (
        "entity without English label",
        'id:kim a dkg:Person ; rdfs:label "Kim"@en .',
        "id:kim a dkg:Person .",
        "exactly one English label",
    ),
    (
        "two English labels",
        'id:kim a dkg:Person ; rdfs:label "Kim"@en .',
        'id:kim a dkg:Person ; rdfs:label "Kim"@en, "K"@en .',
        "exactly one English label",
    ),
    (
        "Korean label not in Hangul",
        'id:kim a dkg:Person ; rdfs:label "Kim"@en .',
        'id:kim a dkg:Person ; rdfs:label "Kim"@en, "Gim"@ko ; dkg:checkedAgainst "Hangul label: x" .',
        "written in Hangul",
    ),
    (
        "Hangul label without its source",
        'id:kim a dkg:Person ; rdfs:label "Kim"@en .',
        'id:kim a dkg:Person ; rdfs:label "Kim"@en, "김정은"@ko .',
        "Hangul label must name the source",
    ),
    (
        "Wikidata link without its source",
        'id:kim a dkg:Person ; rdfs:label "Kim"@en .',
        'id:kim a dkg:Person ; rdfs:label "Kim"@en ; skos:exactMatch <http://www.wikidata.org/entity/Q56226> .',
        "Wikidata link must name the source",
    ),
    (
        "Wikidata link that is not an entity",
        'id:kim a dkg:Person ; rdfs:label "Kim"@en .',
        'id:kim a dkg:Person ; rdfs:label "Kim"@en ; skos:exactMatch <https://example.org/kim> ; '
        'dkg:checkedAgainst "Wikidata link: x" .',
        "Wikidata entity IRI",
    ),
    ("date as plain text", 'dkg:date "--01-15"^^xsd:gMonthDay', 'dkg:date "January 15"', "a date is an xsd:date"),
    ("speaker that is not an agent", "dkg:speaker id:kim", "dkg:speaker id:speech", "Value does not have class"),
    (
        "participants min above max",
        "dkg:speaker id:kim",
        "dkg:speaker id:kim ; dkg:participantCountMin 700 ; dkg:participantCountMax 600",
        "not above the upper bound",
    ),
    (
        "amount without currency",
        "dkg:speaker id:kim",
        'dkg:speaker id:kim ; dkg:amount "5"^^xsd:decimal',
        "an amount has a currency",
    ),
    ("load without its time", 'prov:startedAtTime "2026-11-23T00:00:00Z"^^xsd:dateTime ;', "", "startedAtTime"),
]


@pytest.fixture(scope="module", params=["pyshacl", "compiled"])
def gate(request: pytest.FixtureRequest) -> Gate:
    return Gate(load_shapes(ROOT / "shapes"), to_rdflib(load_ontology(ROOT / "ontology").triples), request.param)


def validate(turtle: str, gate: Gate) -> None:
    triples = [q.triple for q in ox.parse(PREFIXES + turtle, format=ox.RdfFormat.TURTLE)]
    gate.validate(triples, batch="fixture")


def test_valid_fixture_conforms(gate: Gate) -> None:
    validate(VALID, gate)


@pytest.mark.parametrize(("name", "old", "new", "message"), VIOLATIONS, ids=[v[0] for v in VIOLATIONS])
def test_violation(name: str, old: str, new: str, message: str, gate: Gate) -> None:
    assert VALID.count(old) == 1, old
    with pytest.raises(ValidationFailed) as raised:
        validate(VALID.replace(old, new), gate)
    report = str(raised.value)
    assert message in report, report
