"""Domain and range checks derived from the ontology, so a misused property is an input error.

Under OWL RL, ``rdfs:domain dkg:Instruction`` on ``dkg:addressee`` does not forbid anything: given a
``dkg:Statement`` with an addressee, the reasoner concludes that the Statement is an Instruction. A
curator who wrote that meant something else, so the loader refuses it: the subject of a property must
be typed (by the data: the claims of its document, the registry) with the property's domain or one of
its subclasses, and an entity object with its range; a property whose range is a datatype takes a
literal, one whose range is a class an entity. The domains and ranges of super-properties apply too.
A node whose types the document cannot see (none asserted) is not judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from dprk_kg.loaders.rdf.terms import value_of
from dprk_kg.loaders.sources.ontology import Ontology
from dprk_kg.memo import for_the_last
from dprk_kg.vocabulary import OWL, RDFS, XSD

_ANYTHING = frozenset({RDFS.uri("Resource"), OWL.uri("Thing")})


@dataclass(frozen=True)
class Signatures:
    """Each property's domains and ranges (all must hold), and each class's superclasses."""

    domains: Mapping[str, frozenset[str]]
    ranges: Mapping[str, frozenset[str]]
    superclasses: Mapping[str, frozenset[str]]  # a class → itself and every class above it

    def closure(self, types: Iterable[str]) -> frozenset[str]:
        found: set[str] = set()
        for kind in types:
            found |= self.superclasses.get(kind, frozenset({kind}))
        return frozenset(found)

    def violation(self, triple: ox.Triple, types_of: Mapping[str, frozenset[str]]) -> str | None:
        """What is wrong with the triple's subject or object given the types the data asserts, or None."""
        predicate = triple.predicate.value
        subject_types = (
            types_of.get(triple.subject.value, frozenset()) if isinstance(triple.subject, ox.NamedNode) else frozenset()
        )
        for domain in sorted(self.domains.get(predicate, frozenset()) - _ANYTHING):
            if subject_types and domain not in self.closure(subject_types):
                return (
                    f"<{predicate}> applies to a <{domain}> (its rdfs:domain), but <{value_of(triple.subject)}> is "
                    f"{_listed(subject_types)}"
                )
        obj = triple.object
        for range_ in sorted(self.ranges.get(predicate, frozenset()) - _ANYTHING):
            literal = is_datatype(range_)
            if isinstance(obj, ox.Literal) and not literal:
                return f"<{predicate}> takes a <{range_}> (its rdfs:range), an entity, not the literal {obj}"
            if isinstance(obj, ox.NamedNode) and literal:
                return f"<{predicate}> takes a literal ({range_}, its rdfs:range), not the entity <{obj.value}>"
            object_types = types_of.get(obj.value, frozenset()) if isinstance(obj, ox.NamedNode) else frozenset()
            if object_types and not literal and range_ not in self.closure(object_types):
                kinds = _listed(object_types)
                return f"<{predicate}> takes a <{range_}> (its rdfs:range), but <{value_of(obj)}> is {kinds}"
        return None


def is_datatype(iri: str) -> bool:
    return iri.startswith(XSD.iri) or iri in (RDFS.uri("Literal"), RDFS.uri("langString"))


def _listed(types: Iterable[str]) -> str:
    return "a " + " and a ".join(f"<{kind}>" for kind in sorted(types))


def signatures(ontology: Ontology) -> Signatures:
    """The ontology's signatures, derived once per ontology read."""
    return _signatures(ontology)


def _derive(ontology: Ontology) -> Signatures:
    up_class: dict[str, set[str]] = {}
    up_property: dict[str, set[str]] = {}
    declared_domains: dict[str, set[str]] = {}
    declared_ranges: dict[str, set[str]] = {}
    for triple in ontology.triples:
        if not (isinstance(triple.subject, ox.NamedNode) and isinstance(triple.object, ox.NamedNode)):
            continue  # a blank-node class expression (union, restriction) is not a signature checked here
        subject, obj, predicate = triple.subject.value, triple.object.value, triple.predicate
        if predicate == RDFS.subClassOf:
            up_class.setdefault(subject, set()).add(obj)
        elif predicate == OWL.equivalentClass:
            up_class.setdefault(subject, set()).add(obj)
            up_class.setdefault(obj, set()).add(subject)
        elif predicate == RDFS.subPropertyOf:
            up_property.setdefault(subject, set()).add(obj)
        elif predicate == OWL.equivalentProperty:
            up_property.setdefault(subject, set()).add(obj)
            up_property.setdefault(obj, set()).add(subject)
        elif predicate == RDFS.domain:
            declared_domains.setdefault(subject, set()).add(obj)
        elif predicate == RDFS.range:
            declared_ranges.setdefault(subject, set()).add(obj)
    superclasses = {kind: _reach(kind, up_class) for kind in {*up_class, *ontology.classes}}
    properties = {*up_property, *declared_domains, *declared_ranges}
    domains, ranges = {}, {}
    for prop in properties:
        above = _reach(prop, up_property)
        domains[prop] = frozenset(d for p in above for d in declared_domains.get(p, ()))
        ranges[prop] = frozenset(r for p in above for r in declared_ranges.get(p, ()))
    return Signatures(domains, ranges, superclasses)


_signatures = for_the_last(_derive)


def _reach(start: str, edges: Mapping[str, set[str]]) -> frozenset[str]:
    found, pending = {start}, [start]
    while pending:
        for following in edges.get(pending.pop(), ()):
            if following not in found:
                found.add(following)
                pending.append(following)
    return frozenset(found)
