"""OWL RL entailments materialised by SPARQL update rules inside the store, for corpora too large for
owlrl's pure-Python forward chaining.

The rules are compiled from the ontology's axioms — the OWL 2 RL rules that have instances in it:
cax-sco (subclasses), prp-spo1 (sub-properties), prp-dom / prp-rng (domains, ranges), prp-inv1/2
(inverses), prp-symp (symmetric), prp-trp (transitive) — with the schema rules (scm-sco, scm-spo …)
folded in by closing the hierarchies in Python first. They run to a fixed point and produce what
``reasoning.owl_rl_entailments`` keeps from owlrl's closure: entailments about the data IRIs, minus
trivial typing. ``tests/loaders/test_rules.py`` proves the two agree on the seeds and on generated data.

Rules that cannot fire on data that passed the shapes are not compiled: prp-fp / prp-ifp
(``dkg:epistemicStatus`` is functional, and the shapes allow one status per claim), and the class
expression rules (cls-*, the ontology declares no class expressions). ``check_supported`` refuses an
ontology that would need them, so the equivalence cannot silently break.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from dprk_kg.errors import InputError
from dprk_kg.iris import Iris
from dprk_kg.loaders.ontology import Ontology

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
TRIVIAL_TYPES = (OWL + "Thing", OWL + "NamedIndividual", RDFS + "Resource")
UNSUPPORTED = {
    OWL + "equivalentClass": "class equivalence",
    OWL + "intersectionOf": "class intersections",
    OWL + "unionOf": "class unions",
    OWL + "someValuesFrom": "existential restrictions",
    OWL + "allValuesFrom": "universal restrictions",
    OWL + "hasValue": "value restrictions",
    OWL + "propertyChainAxiom": "property chains",
    OWL + "hasKey": "keys",
    OWL + "sameAs": "individual equality",
    OWL + "equivalentProperty": "property equivalence",
}


@dataclass(frozen=True)
class Axioms:
    """The ontology's hierarchy, closed: every class with all its superclasses, and so on."""

    superclasses: dict[str, frozenset[str]]
    superproperties: dict[str, frozenset[str]]
    domains: dict[str, frozenset[str]]
    ranges: dict[str, frozenset[str]]
    inverses: frozenset[tuple[str, str]]
    symmetric: frozenset[str]
    transitive: frozenset[str]


def axioms(ontology: Ontology) -> Axioms:
    check_supported(ontology)
    triples = [
        (t.subject.value, t.predicate.value, t.object.value)
        for t in ontology.triples
        if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode)
    ]

    def pairs(predicate: str) -> list[tuple[str, str]]:
        return [(s, o) for s, p, o in triples if p == predicate]

    def typed(kind: str) -> frozenset[str]:
        return frozenset(s for s, p, o in triples if p == RDF + "type" and o == kind)

    superclasses = _closure(pairs(RDFS + "subClassOf"))
    superproperties = _closure(pairs(RDFS + "subPropertyOf"))
    inverses = {(a, b) for a, b in pairs(OWL + "inverseOf")}
    inverses |= {(b, a) for a, b in inverses}
    return Axioms(
        superclasses=superclasses,
        superproperties=superproperties,
        domains=_inherit(pairs(RDFS + "domain"), superproperties, superclasses),
        ranges=_inherit(pairs(RDFS + "range"), superproperties, superclasses),
        inverses=frozenset(inverses),
        symmetric=typed(OWL + "SymmetricProperty"),
        transitive=typed(OWL + "TransitiveProperty"),
    )


def check_supported(ontology: Ontology) -> None:
    used = {t.predicate.value for t in ontology.triples} | {t.object.value for t in ontology.triples}
    for term, what in UNSUPPORTED.items():
        if term in used:
            raise InputError(
                ontology.files[0],
                None,
                f"the rule reasoner does not implement {what} ({term}); "
                "use --reasoner owlrl or extend loaders/rules.py with its OWL RL rules",
            )


def _closure(edges: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Reflexive-transitive closure of a hierarchy given as (child, parent) edges."""
    parents: dict[str, set[str]] = defaultdict(set)
    for child, parent in edges:
        parents[child].add(parent)
    closed: dict[str, frozenset[str]] = {}
    for start in list(parents):
        seen = {start}
        pending = [start]
        while pending:
            for parent in parents.get(pending.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    pending.append(parent)
        closed[start] = frozenset(seen)
    return closed


def _inherit(
    declared: list[tuple[str, str]], superproperties: dict[str, frozenset[str]], superclasses: dict[str, frozenset[str]]
) -> dict[str, frozenset[str]]:
    """Domains (or ranges) of each property: its own, its super-properties', and their superclasses."""
    own: dict[str, set[str]] = defaultdict(set)
    for prop, cls in declared:
        own[prop].add(cls)
    properties = set(own) | set(superproperties)
    result = {}
    for prop in properties:
        classes = {c for p in superproperties.get(prop, {prop}) | {prop} for c in own.get(p, ())}
        result[prop] = frozenset(s for c in classes for s in superclasses.get(c, {c}) | {c})
    return {p: c for p, c in result.items() if c}


def _values(pairs: Iterable[tuple[str, str]], names: str) -> str:
    rows = " ".join(f"(<{a}> <{b}>)" for a, b in sorted(pairs))
    return f"VALUES ({names}) {{ {rows} }}"


def compile_rules(ontology: Ontology, iris: Iris, *, merge_into_default: bool = True) -> list[str]:
    """SPARQL updates that each add one kind of entailment to the inferred graph — and to the default
    graph when that holds the merge; premises are read from the default graph, which already holds all
    asserted triples and, after each round, the earlier inferences (or, on a store whose default graph
    is the union of its graphs, sees them anyway)."""
    facts = axioms(ontology)
    inferred = iris.inferred_graph
    data = " || ".join(f'STRSTARTS(STR(?s), "{prefix}")' for prefix in iris.data_prefixes)
    rules = []

    def rule(head: str, body: str) -> str:
        also_default = head if merge_into_default else ""
        return (
            f"INSERT {{ GRAPH <{inferred}> {{ {head} }} {also_default} }} WHERE {{ {body} "
            f"FILTER ({data}) FILTER NOT EXISTS {{ {head} }} }}"
        )

    types = [(c, s) for c, supers in facts.superclasses.items() for s in supers if s != c and s not in TRIVIAL_TYPES]
    if types:  # cax-sco
        rules.append(rule("?s a ?super", f"?s a ?class . {_values(types, '?class ?super')}"))
    properties = [(p, s) for p, supers in facts.superproperties.items() for s in supers if s != p]
    if properties:  # prp-spo1
        rules.append(rule("?s ?super ?o", f"?s ?p ?o . {_values(properties, '?p ?super')}"))
    domains = [(p, c) for p, classes in facts.domains.items() for c in classes if c not in TRIVIAL_TYPES]
    if domains:  # prp-dom
        rules.append(rule("?s a ?class", f"?s ?p ?o . {_values(domains, '?p ?class')}"))
    ranges = [(p, c) for p, classes in facts.ranges.items() for c in classes if c not in TRIVIAL_TYPES]
    if ranges:  # prp-rng (on IRI objects: a literal cannot be a subject)
        rules.append(rule("?s a ?class", f"?x ?p ?s . FILTER (isIRI(?s)) {_values(ranges, '?p ?class')}"))
    if facts.inverses:  # prp-inv1, prp-inv2
        rules.append(rule("?s ?inverse ?x", f"?x ?p ?s . FILTER (isIRI(?s)) {_values(facts.inverses, '?p ?inverse')}"))
    for prop in sorted(facts.symmetric):  # prp-symp
        rules.append(rule(f"?s <{prop}> ?x", f"?x <{prop}> ?s . FILTER (isIRI(?s))"))
    for prop in sorted(facts.transitive):  # prp-trp, closed in one step by a path
        rules.append(rule(f"?s <{prop}> ?o", f"?s <{prop}>/<{prop}>+ ?o ."))
    return rules


def materialise(
    run_update: Callable[[str], None],
    count_inferred: Callable[[], int],
    rules: list[str],
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Run the rules to a fixed point; returns the number of inferred triples."""
    previous = -1
    current = count_inferred()
    rounds = 0
    while current != previous:
        previous = current
        for rule in rules:
            run_update(rule)
        current = count_inferred()
        rounds += 1
        if progress:
            progress(rounds, current)
    return current


def count_query(iris: Iris) -> str:
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iris.inferred_graph}> {{ ?s ?p ?o }} }}"
