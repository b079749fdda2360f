"""OWL RL reasoning with owlrl; what it entails about the project's own data goes to the inferred graph.

owlrl computes the full OWL 2 RL closure. The inferred graph keeps the entailments about the data
(subjects in the deployment's data IRI spaces): types from subclasses, domains and ranges, values from
sub-properties, inverse, symmetric and transitive properties. It leaves out what is noise to a
reader: axiomatic triples, datatype facts, reflexive ``owl:sameAs``, ``owl:Thing`` typing, and
entailments about the ontology's own terms (which the ontology graph already states).
"""

from __future__ import annotations

from collections.abc import Iterable

import owlrl
import pyoxigraph as ox
import rdflib

from dprk_kg.iris import Iris
from dprk_kg.loaders.rdflib_bridge import from_rdflib, to_rdflib

OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TRIVIAL_TYPES = frozenset({OWL + "Thing", OWL + "NamedIndividual", "http://www.w3.org/2000/01/rdf-schema#Resource"})


def owl_rl_entailments(ontology: Iterable[ox.Triple], data: Iterable[ox.Triple], iris: Iris) -> list[ox.Triple]:
    """The OWL RL entailments about the deployment's data IRIs that are not already asserted, sorted."""
    graph = to_rdflib(ontology)
    to_rdflib(data, graph)
    asserted = {_key(t) for t in from_rdflib(graph)}
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    # owlrl works in generalised RDF (literals as subjects); those triples are not RDF and not kept.
    for literal in {s for s in graph.subjects() if isinstance(s, rdflib.Literal)}:
        graph.remove((literal, None, None))
    inferred = [t for t in from_rdflib(graph) if _key(t) not in asserted and keep(t, iris)]
    return sorted(inferred, key=_key)


def keep(triple: ox.Triple, iris: Iris) -> bool:
    """The filter that defines which entailments are materialised (shared with the rule engine)."""
    subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
    if not isinstance(subject, ox.NamedNode) or not iris.is_data(subject.value):
        return False
    if predicate == OWL + "sameAs" and subject == obj:
        return False
    return not (predicate == RDF_TYPE and obj.value in TRIVIAL_TYPES)


def _key(triple: ox.Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))
