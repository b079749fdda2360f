"""OWL RL reasoning with owlrl; what it entails about the project's own data goes to the inferred graph.

owlrl computes the full OWL 2 RL closure. The inferred graph keeps the entailments about the data
(subjects in the deployment's data IRI spaces): types from subclasses, domains and ranges, values from
sub-properties, inverse, symmetric and transitive properties. It leaves out what is noise to a
reader: axiomatic triples, datatype facts, reflexive ``owl:sameAs``, ``owl:Thing`` typing, and
entailments about the ontology's own terms (which the ontology graph already states).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import owlrl
import pyoxigraph as ox
import rdflib
from rdflib.term import _toPythonMapping

from dprk_kg.iris import Iris
from dprk_kg.loaders.rdflib_bridge import from_rdflib, to_rdflib
from dprk_kg.vocabulary import OWL, RDF, RDFS

# Types every resource has under OWL RL: true of everything, so not worth a triple (shared with the rules).
TRIVIAL_TYPES = frozenset({OWL.uri("Thing"), OWL.uri("NamedIndividual"), RDFS.uri("Resource")})


def owl_rl_entailments(ontology: Iterable[ox.Triple], data: Iterable[ox.Triple], iris: Iris) -> list[ox.Triple]:
    """The OWL RL entailments about the deployment's data IRIs that are not already asserted, sorted."""
    graph = to_rdflib(ontology)
    to_rdflib(data, graph)
    asserted = {_key(t) for t in from_rdflib(graph)}
    with _rdflib_conversions_kept():
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    # owlrl works in generalised RDF (literals as subjects); those triples are not RDF and not kept.
    for literal in {s for s in graph.subjects() if isinstance(s, rdflib.Literal)}:
        graph.remove((literal, None, None))
    inferred = [t for t in from_rdflib(graph) if _key(t) not in asserted and keep(t, iris)]
    return sorted(inferred, key=_key)


@contextmanager
def _rdflib_conversions_kept() -> Iterator[None]:
    """owlrl swaps its own lexical conversions into rdflib while it runs and, after, restores rdflib's
    base table rather than what rdflib had: the partial dates (gMonthDay, gMonth …) stay owlrl's, which
    reject valid ones like "--01-15", so a later pyshacl run in the same process (a second build, a
    test) would call the seeds' dates ill-typed. Put back exactly what was there."""
    saved = dict(_toPythonMapping)
    try:
        yield
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(saved)


def keep(triple: ox.Triple, iris: Iris) -> bool:
    """The filter that defines which entailments are materialised; the rules compile the same filter
    into their SPARQL (data IRIs only, no trivial types)."""
    subject, predicate, obj = triple.subject, triple.predicate, triple.object
    if not isinstance(subject, ox.NamedNode) or not iris.is_data(subject.value):
        return False
    if predicate == OWL.sameAs and subject == obj:
        return False
    return not (predicate == RDF.type and isinstance(obj, ox.NamedNode) and obj.value in TRIVIAL_TYPES)


def _key(triple: ox.Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))
