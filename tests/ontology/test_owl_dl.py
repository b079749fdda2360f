"""The ontology checked by real OWL tools, as CI runs them.

- **OWL 2 DL and RL** — py-horned-owl's profile checker (horned-owl, in Rust) reads the ontology's
  RDF into OWL axioms and checks the global restrictions of OWL 2 DL (every entity declared, no
  illegal punning, simple properties where needed …) and the OWL 2 RL profile the reasoners rely on.
- **Consistency** — HermiT, a complete OWL 2 DL reasoner (run by owlready2, on Java), classifies the
  ontology: it must be consistent, with no unsatisfiable class, and use only datatypes of the OWL 2
  datatype map.

Both run on the ontology as the build reads it (every ``ontology/*.ttl``, so with the Wikidata
mapping set) and on the ontology document alone. Each check is shown to fail on a copy broken on
purpose: a class used as a property, an object property declared a datatype property too, a
transitive property made functional, an undeclared term, disjoint classes with a common instance.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
import rdflib

from tests.conftest import ROOT

PREFIXES = """
@prefix dkg:  <https://w3id.org/dprk-kg/ontology#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""
ONTOLOGY = ROOT / "ontology" / "dprk-kg.ttl"
AS_BUILT = sorted((ROOT / "ontology").glob("*.ttl"))


def ontology(files: list[Path], extra: str = "") -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in files:
        graph.parse(path, format="turtle")
    if extra:
        graph.parse(data=PREFIXES + extra, format="turtle")
    return graph


def profile_violations(graph: rdflib.Graph, profile: str) -> list[str]:
    """What py-horned-owl finds against an OWL 2 profile ("DL", "RL" …), one line per violation."""
    import pyhornedowl
    from pyhornedowl import profile as profiles

    parsed = pyhornedowl.open_ontology_from_string(graph.serialize(format="xml"), "owl")
    report = profiles.check_profile(parsed, profile)
    return sorted({f"{type(v).__name__} {getattr(v, 'iri', '')}".strip() for v in report.violations})


def hermit(graph: rdflib.Graph, tmp_path: Path) -> list[str]:
    """What HermiT finds wrong: inconsistency, unsatisfiable classes, or what it refuses to reason
    with (one line each; nothing when the ontology is consistent and every class satisfiable)."""
    import owlready2

    if shutil.which("java") is None:
        pytest.fail("java is missing: install Debian's default-jre-headless (scripts/system-deps does)")
    path = tmp_path / "ontology.nt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdflib: "NTSerializer always uses UTF-8 encoding"
        graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load(format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        return [f"unsatisfiable {c.iri}" for c in world.inconsistent_classes() if c is not owlready2.Nothing]
    except owlready2.OwlReadyInconsistentOntologyError:
        return ["inconsistent"]
    except owlready2.OwlReadyJavaError as error:  # the message, without the Java stack trace
        lines = [line.strip() for line in str(error).splitlines()[1:] if line.strip()]
        return ["refused: " + " ".join(line for line in lines if not line.startswith("at "))]
    finally:
        world.close()


@pytest.mark.parametrize("files", [AS_BUILT, [ONTOLOGY]], ids=["as built", "document"])
def test_the_ontology_is_owl2_dl_and_rl(files: list[Path]) -> None:
    graph = ontology(files)
    assert profile_violations(graph, "DL") == []
    assert profile_violations(graph, "RL") == []  # what owlrl and the rule reasoner implement


def test_hermit_finds_the_ontology_consistent_with_every_class_satisfiable(tmp_path: Path) -> None:
    assert hermit(ontology(AS_BUILT), tmp_path) == []


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            "dkg:Stated dkg:Person dkg:Reported .",
            "UseOfUndeclaredObjectProperty https://w3id.org/dprk-kg/ontology#Person",
        ),
        ("dkg:Person rdfs:subPropertyOf dkg:locatedIn .", "UseOfUndeclaredObjectProperty"),
        ("dkg:locatedIn a owl:DatatypeProperty .", "UseOfIllegalPunning https://w3id.org/dprk-kg/ontology#locatedIn"),
        ("dkg:locatedIn a owl:FunctionalProperty .", "UseOfNonSimplePropertyInFunctionalPropertyAxiom"),
        (
            "dkg:Place rdfs:subClassOf <http://www.w3.org/2003/01/geo/wgs84_pos#SpatialThing> .",
            "UseOfUndeclaredClass http://www.w3.org/2003/01/geo/wgs84_pos#SpatialThing",
        ),
    ],
    ids=["class as property", "class as sub-property", "illegal punning", "non-simple functional", "undeclared"],
)
def test_the_profile_check_fails_on_a_broken_copy(broken: str, expected: str) -> None:
    violations = profile_violations(ontology(AS_BUILT, broken), "DL")
    assert any(v.startswith(expected) for v in violations), violations


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("dkg:EpistemicStatus owl:disjointWith dkg:Modality . dkg:Stated a dkg:Modality .", "inconsistent"),
        ("dkg:Journalist owl:disjointWith dkg:Person .", "unsatisfiable https://w3id.org/dprk-kg/ontology#Journalist"),
        (
            "dkg:shiftLength rdfs:range xsd:duration .",
            "datatype 'http://www.w3.org/2001/XMLSchema#duration' is not part of the OWL 2 datatype map",
        ),
    ],
    ids=["inconsistent", "unsatisfiable", "datatype"],
)
def test_hermit_fails_on_a_broken_copy(broken: str, expected: str, tmp_path: Path) -> None:
    found = hermit(ontology(AS_BUILT, broken), tmp_path)
    assert any(line.startswith(expected) or expected in line for line in found), found
