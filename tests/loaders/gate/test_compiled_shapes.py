"""The shapes compiled to SPARQL, held to pyshacl (the reference): for every top-level shape, the focus
nodes that fail must be the same — on the seeds, on the per-shape fixtures, on randomly mutated batches
and on one case per SHACL Core component. Where the compiled form is deliberately stricter (it may be:
pyshacl then decides), the case says so."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import RDF, SH

from dprk_kg.errors import ValidationFailed
from dprk_kg.iris import Iris
from dprk_kg.loaders.gate.compiled_shapes import UnsupportedShape, compile_shapes, mixin_triples, violating_focus_nodes
from dprk_kg.loaders.gate.validation import Gate
from dprk_kg.loaders.gate.working_store import batch_graph, working_store
from dprk_kg.loaders.pipeline.batches import Worker
from dprk_kg.loaders.rdf.document_graphs import load_document
from dprk_kg.loaders.sources.documents import discover
from dprk_kg.loaders.sources.inputs import read_inputs
from tests.conftest import SEEDS
from tests.test_shapes import PREFIXES, VALID, VIOLATIONS

Pairs = set[tuple[str, str]]


@pytest.fixture(scope="module")
def inputs():
    return read_inputs(SEEDS, Iris())


def compiled_pairs(shapes: rdflib.Graph, ontology: rdflib.Graph, triples: Sequence[ox.Triple]) -> Pairs:
    store = working_store(triples, mixin_triples(ontology))
    found = violating_focus_nodes(store, compile_shapes(shapes))
    return {(shape, _node(node)) for shape, nodes in found.items() for node in nodes}


def pyshacl_pairs(shapes: rdflib.Graph, ontology: rdflib.Graph, triples: Sequence[ox.Triple]) -> Pairs:
    """(top-level shape, focus node) of every result pyshacl reports, on the data as the store holds it."""
    data = batch_graph(working_store(triples))
    shapes_copy = rdflib.Graph()
    for triple in shapes:
        shapes_copy.add(triple)
    _, report, _ = pyshacl_validate(
        data, shacl_graph=shapes_copy, ont_graph=ontology, inference="none", allow_warnings=True
    )
    owner = {p: s for s, p in shapes.subject_objects(SH.property)}
    targeted = _targets(shapes, ontology, triples)
    pairs = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        source = report.value(result, SH.sourceShape)
        top = str(source if str(source) in targeted else owner.get(source))
        focus = _node(report.value(result, SH.focusNode))
        if focus in targeted.get(top, ()):  # pyshacl also reports nested shapes' results on their own nodes
            pairs.add((top, focus))
    return pairs


def _targets(shapes: rdflib.Graph, ontology: rdflib.Graph, triples: Sequence[ox.Triple]) -> dict[str, set[str]]:
    """Each top-level shape's focus nodes (from the compiled queries' target patterns)."""
    store = working_store(triples, mixin_triples(ontology))
    found = {}
    for query in compile_shapes(shapes):
        pattern = query.sparql.split(" FILTER (!")[0] + " }"
        found[query.shape] = {_node(r["this"]) for r in store.query(pattern, use_default_graph_as_union=True)}
    return found


def _node(node: object) -> str:
    """A focus node as text: IRIs bare, literals in N-Triples, blank nodes all alike (their labels
    differ between the two engines)."""
    if isinstance(node, rdflib.Literal):
        return node.n3()
    text = str(node)  # compiled results come as N-Triples text, pyshacl's as rdflib terms
    if isinstance(node, rdflib.BNode) or text.startswith("_:"):
        return "_:b"
    return text[1:-1] if text.startswith("<") else text


def _triples(turtle: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(PREFIXES + turtle, format=ox.RdfFormat.TURTLE)]


# --- the project's shapes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"), [("", ""), *((v[1], v[2]) for v in VIOLATIONS)], ids=["valid", *(v[0] for v in VIOLATIONS)]
)
def test_same_failures_on_the_shape_fixtures(inputs, old: str, new: str) -> None:
    triples = _triples(VALID.replace(old, new) if old else VALID)
    expected = pyshacl_pairs(inputs.shapes, inputs.ontology_graph, triples)
    assert compiled_pairs(inputs.shapes, inputs.ontology_graph, triples) == expected
    assert bool(expected) == bool(old)


@pytest.fixture(scope="module")
def seeds_batch(inputs) -> list[ox.Triple]:
    """The seeds as the build validates them: both documents with the registry entries they reference."""
    quads = [q for files in discover(SEEDS) for q in load_document(files, inputs).quads]
    return [*(q.triple for q in quads), *Worker(inputs).context(quads)]


def test_the_seeds_conform_for_both(inputs, seeds_batch: list[ox.Triple]) -> None:
    assert pyshacl_pairs(inputs.shapes, inputs.ontology_graph, seeds_batch) == set()
    assert compiled_pairs(inputs.shapes, inputs.ontology_graph, seeds_batch) == set()


LANGUAGES = ["en", "ko", "fr", "en-GB", None]
DATATYPES = ["integer", "decimal", "string", "date", "gYear", "nonNegativeInteger", "boolean", "duration"]


def mutate(triples: list[ox.Triple], rng: random.Random, classes: list[ox.NamedNode]) -> list[ox.Triple]:
    """One random change of the kinds a curator or a loader bug could make."""
    triples = list(triples)
    index = rng.randrange(len(triples))
    victim = triples[index]
    kind = rng.choice(["drop", "retype", "relang", "redatatype", "swap", "duplicate"])
    if kind == "drop":
        del triples[index]
    elif kind == "retype":
        triples.append(ox.Triple(victim.subject, ox.NamedNode(str(RDF.type)), rng.choice(classes)))
    elif kind == "relang" and isinstance(victim.object, ox.Literal):
        triples[index] = ox.Triple(
            victim.subject, victim.predicate, ox.Literal(victim.object.value, language=rng.choice(LANGUAGES))
        )
    elif kind == "redatatype" and isinstance(victim.object, ox.Literal):
        datatype = ox.NamedNode("http://www.w3.org/2001/XMLSchema#" + rng.choice(DATATYPES))
        value = rng.choice([victim.object.value, "7", "-3", "2020-01-15", "P3M"])
        triples[index] = ox.Triple(victim.subject, victim.predicate, ox.Literal(value, datatype=datatype))
    elif kind == "swap":
        other = rng.choice(triples)
        triples[index] = ox.Triple(victim.subject, victim.predicate, other.object)
    else:  # a second value where one is expected
        other = rng.choice(triples)
        triples.append(ox.Triple(victim.subject, victim.predicate, other.object))
    return triples


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(12))
def test_same_failures_on_mutated_batches(inputs, seed: int) -> None:
    """The seed fixture batch with four random changes at a time: every shape must fail on the same
    focus nodes under both engines (rdflib-ill-typed literals excepted: the gate sends those to pyshacl)."""
    rng = random.Random(seed)
    base = _triples(VALID)
    classes = sorted({t.object for t in inputs.ontology.triples if t.predicate.value == str(RDF.type)}, key=str)
    classes = [c for c in classes if isinstance(c, ox.NamedNode)] + [
        ox.NamedNode(str(s)) for s in inputs.ontology_graph.subjects(RDF.type, rdflib.OWL.Class)
    ]
    compared = 0
    for _ in range(6):
        triples = base
        for _ in range(4):
            triples = mutate(triples, rng, classes)
        literals = [t.object for t in triples if isinstance(t.object, ox.Literal)]
        if any(_ill_typed(lit) for lit in literals):
            continue
        expected = pyshacl_pairs(inputs.shapes, inputs.ontology_graph, triples)
        assert compiled_pairs(inputs.shapes, inputs.ontology_graph, triples) == expected, triples
        compared += 1
    assert compared >= 2


def _ill_typed(literal: ox.Literal) -> bool:
    return bool(rdflib.Literal(literal.value, datatype=rdflib.URIRef(literal.datatype.value)).ill_typed)


# --- one case per SHACL Core component, beyond what the project's shapes use ----------------------

SHAPE_PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
# (name, shape body for ex:S, data, compiled may be stricter than pyshacl)
COMPONENTS = [
    (
        "inverse path",
        "sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ]",
        "ex:a a ex:C . ex:b a ex:C . ex:x ex:p ex:a .",
        False,
    ),
    (
        "sequence path",
        "sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:datatype xsd:integer ]",
        'ex:a a ex:C ; ex:p ex:m . ex:m ex:q 1 . ex:b a ex:C ; ex:p ex:n . ex:n ex:q "x" .',
        False,
    ),
    (
        "alternative path",
        "sh:targetClass ex:C ; sh:property [ sh:path [ sh:alternativePath ( ex:p ex:q ) ] ; sh:maxCount 1 ]",
        "ex:a a ex:C ; ex:p 1 . ex:b a ex:C ; ex:p 1 ; ex:q 2 .",
        False,
    ),
    (
        "zero or more path",
        "sh:targetClass ex:C ; sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:nodeKind sh:IRI ]",
        'ex:a a ex:C ; ex:p ex:b . ex:b ex:p ex:c . ex:d a ex:C ; ex:p ex:e . ex:e ex:p "l" .',
        False,
    ),
    (
        "one or more path",
        "sh:targetClass ex:C ; sh:property [ sh:path [ sh:oneOrMorePath ex:p ] ; sh:minCount 2 ]",
        "ex:a a ex:C ; ex:p ex:b . ex:b ex:p ex:c . ex:d a ex:C ; ex:p ex:e .",
        False,
    ),
    (
        "zero or one path",
        "sh:targetClass ex:C ; sh:property [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:maxCount 1 ]",
        "ex:a a ex:C . ex:d a ex:C ; ex:p ex:e .",
        False,
    ),
    ("target node", "sh:targetNode ex:a, ex:z ; sh:property [ sh:path ex:p ; sh:minCount 1 ]", "ex:a ex:q 1 .", False),
    ("target objects of", "sh:targetObjectsOf ex:p ; sh:nodeKind sh:IRI", 'ex:a ex:p ex:b, "l" .', False),
    (
        "implicit class target",
        "a rdfs:Class ; sh:property [ sh:path ex:p ; sh:minCount 1 ]",
        "ex:a a ex:S . ex:b a ex:S ; ex:p 1 .",
        False,
    ),
    (
        "and",
        "sh:targetClass ex:C ; sh:and ( [ sh:path ex:p ; sh:minCount 1 ] [ sh:path ex:q ; sh:minCount 1 ] )",
        "ex:a a ex:C ; ex:p 1 ; ex:q 1 . ex:b a ex:C ; ex:p 1 .",
        False,
    ),
    (
        "xone",
        "sh:targetClass ex:C ; sh:xone ( [ sh:path ex:p ; sh:minCount 1 ] [ sh:path ex:q ; sh:minCount 1 ] )",
        "ex:a a ex:C ; ex:p 1 . ex:b a ex:C ; ex:p 1 ; ex:q 1 . ex:c a ex:C .",
        False,
    ),
    (
        "closed",
        "sh:targetClass ex:C ; sh:closed true ; sh:ignoredProperties ( rdf:type ) ; sh:property [ sh:path ex:p ]",
        "ex:a a ex:C ; ex:p 1 . ex:b a ex:C ; ex:q 1 .",
        False,
    ),
    (
        "equals",
        "sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:equals ex:q ]",
        "ex:a a ex:C ; ex:p 1 ; ex:q 1 . ex:b a ex:C ; ex:p 1 ; ex:q 2 . ex:c a ex:C ; ex:q 3 .",
        False,
    ),
    (
        "disjoint",
        "sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:disjoint ex:q ]",
        "ex:a a ex:C ; ex:p 1 ; ex:q 2 . ex:b a ex:C ; ex:p 1 ; ex:q 1 .",
        False,
    ),
    (
        "less than or equals",
        "sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:lessThanOrEquals ex:q ]",
        'ex:a a ex:C ; ex:p 1 ; ex:q 1 . ex:b a ex:C ; ex:p 2 ; ex:q 1 . ex:c a ex:C ; ex:p "a" ; ex:q 1 .',
        False,
    ),
    (
        "less than on IRIs",
        "sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:lessThan ex:q ]",
        "ex:a a ex:C ; ex:p ex:m ; ex:q ex:n .",
        True,
    ),
    (
        "value ranges",
        "sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minExclusive 0 ; sh:maxInclusive 10 ]",
        'ex:a a ex:C ; ex:p 5 . ex:b a ex:C ; ex:p 0 . ex:c a ex:C ; ex:p 11 . ex:d a ex:C ; ex:p "5" .',
        False,
    ),
    (
        "string lengths",
        "sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minLength 2 ; sh:maxLength 3 ]",
        'ex:a a ex:C ; ex:p "ab" . ex:b a ex:C ; ex:p "a" . ex:c a ex:C ; ex:p "abcd" . ex:d a ex:C ; ex:p [] .',
        False,
    ),
    (
        "pattern with flags",
        'sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern "^ab" ; sh:flags "i" ]',
        'ex:a a ex:C ; ex:p "ABc" . ex:b a ex:C ; ex:p "cab" .',
        False,
    ),
    (
        "pattern end before a newline",
        'sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern "^[A-Z]{3}$" ]',
        'ex:a a ex:C ; ex:p "KPW\\n" . ex:b a ex:C ; ex:p "KPW" .',
        True,
    ),
    (
        "language in with regions",
        'sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:languageIn ( "en" ) ]',
        'ex:a a ex:C ; ex:p "x"@en-GB . ex:b a ex:C ; ex:p "x"@fr . ex:c a ex:C ; ex:p "x" .',
        False,
    ),
    (
        "unique language, case apart",
        "sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:uniqueLang true ]",
        'ex:a a ex:C ; ex:p "x"@en, "y"@EN . ex:b a ex:C ; ex:p "x"@en, "y"@fr .',
        False,
    ),
    (
        "in and has value",
        "sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:in ( ex:m 1 ) ] ; "
        "sh:property [ sh:path ex:q ; sh:hasValue ex:m ]",
        "ex:a a ex:C ; ex:p ex:m, 1 ; ex:q ex:m . ex:b a ex:C ; ex:p 2 ; ex:q ex:n .",
        False,
    ),
    (
        "datatypes",
        "sh:targetClass ex:C ; sh:property [ sh:path ex:s ; sh:datatype xsd:string ] ; "
        "sh:property [ sh:path ex:l ; sh:datatype rdf:langString ] ; sh:property [ sh:path ex:d ; "
        "sh:datatype rdfs:Datatype ]",
        'ex:a a ex:C ; ex:s "x" ; ex:l "x"@en ; ex:d 1 . ex:b a ex:C ; ex:s "x"@en ; ex:l "x" ; ex:d "x" .',
        False,
    ),
    (
        "qualified counts",
        "sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape "
        "[ sh:class ex:D ] ; sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 2 ]",
        "ex:a a ex:C ; ex:p ex:m . ex:m a ex:D . ex:b a ex:C ; ex:p ex:n . "
        "ex:c a ex:C ; ex:p ex:m, ex:o, ex:q . ex:o a ex:D . ex:q a ex:D .",
        False,
    ),
    (
        "min count above one",
        "sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 3 ; sh:maxCount 3 ]",
        "ex:a a ex:C ; ex:p 1, 2, 3 . ex:b a ex:C ; ex:p 1, 2 . ex:c a ex:C ; ex:p 1, 2, 3, 4 .",
        False,
    ),
    (
        "nested not and node",
        "sh:targetClass ex:C ; sh:not [ sh:class ex:D ] ; "
        "sh:property [ sh:path ex:p ; sh:node [ sh:property [ sh:path ex:q ; sh:minCount 1 ] ] ]",
        "ex:a a ex:C ; ex:p ex:m . ex:m ex:q 1 . ex:b a ex:C, ex:D . ex:c a ex:C ; ex:p ex:n .",
        False,
    ),
]


@pytest.mark.parametrize(("name", "shape", "data", "stricter"), COMPONENTS, ids=[c[0] for c in COMPONENTS])
def test_component(name: str, shape: str, data: str, stricter: bool) -> None:
    prefixes = SHAPE_PREFIXES + "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
    shapes = rdflib.Graph().parse(data=prefixes + f"ex:S a sh:NodeShape ; {shape} .", format="turtle")
    triples = [q.triple for q in ox.parse(prefixes + data, format=ox.RdfFormat.TURTLE)]
    ontology = rdflib.Graph()
    expected = pyshacl_pairs(shapes, ontology, triples)
    found = compiled_pairs(shapes, ontology, triples)
    if stricter:
        assert found > expected
    else:
        assert found == expected
        assert expected, "each case has a failing node"


def test_ill_typed_literals_are_judged_by_pyshacl(inputs) -> None:
    """The compiled shapes cannot see that "maybe" is no boolean; the gate gives such a batch to pyshacl."""
    bad = VALID.replace("dkg:speaker id:kim ;", 'dkg:speaker id:kim ; dkg:unpaid "maybe"^^xsd:boolean ;')
    assert compiled_pairs(inputs.shapes, inputs.ontology_graph, _triples(bad)) == set()
    with pytest.raises(ValidationFailed, match="unpaid"):
        Gate(inputs.shapes, inputs.ontology_graph, "compiled").validate(_triples(bad), batch="fixture")


def test_shapes_beyond_the_compiler_are_refused_or_left_to_pyshacl(inputs) -> None:
    shapes = rdflib.Graph().parse(
        data=SHAPE_PREFIXES + 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this {}" ] .',
        format="turtle",
    )
    with pytest.raises(UnsupportedShape, match="sh:sparql"):
        compile_shapes(shapes)
    with pytest.raises(UnsupportedShape):
        Gate(shapes, inputs.ontology_graph, "compiled")
    assert Gate(shapes, inputs.ontology_graph, "auto").queries is None


def test_pyshacl_does_not_change_the_shapes_it_is_given(inputs) -> None:
    before = len(inputs.shapes)
    Gate(inputs.shapes, inputs.ontology_graph, "pyshacl").validate(_triples(VALID), batch="fixture")
    assert len(inputs.shapes) == before
