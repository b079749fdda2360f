"""OWL RL entailments materialised by SPARQL update rules, for corpora too large for owlrl's
pure-Python forward chaining.

The rules are compiled from the ontology's axioms — the OWL 2 RL rules that have instances in it:
cax-sco (subclasses), prp-spo1 (sub-properties), prp-dom / prp-rng (domains, ranges), prp-inv1/2
(inverses), prp-symp (symmetric), prp-trp (transitive) — with the schema rules (scm-sco, scm-spo …)
folded in by closing the hierarchies in Python first. The rules with one data premise are SPARQL
updates; prp-trp, a self-join, is a closure computed in Python on the store's triples. They run to a
fixed point and produce what ``owlrl_entailments.owl_rl_entailments`` keeps from owlrl's closure: entailments
about the data IRIs, minus trivial typing. ``tests/loaders/reasoning/test_rules.py`` proves the two agree on the
seeds and on generated data.

They run on working stores (``working_store``), never on the whole corpus at once: each build worker
closes its batch (with the registry entries it references), and the build closes the registry
together with the transitive links of all batches. That is the whole closure, because every rule but
prp-trp has a single data premise, so it fires within the batch that holds the premise; and prp-trp
joins only triples of transitive properties, which the last step sees all of. A batch may infer what
another asserts; ``asserted_elsewhere`` removes that from the inferred graph once all is loaded.

Rules that cannot fire on data that passed the shapes are not compiled: prp-fp / prp-ifp
(``dkg:epistemicStatus`` is functional, and the shapes allow one status per claim), and the class
expression rules (cls-*, the ontology declares no class expressions). ``check_supported`` refuses an
ontology that would need them, so the equivalence cannot silently break.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from dprk_kg.errors import InputError
from dprk_kg.iris import Iris
from dprk_kg.loaders.gate.working_store import working_store
from dprk_kg.loaders.rdf.terms import Term
from dprk_kg.loaders.reasoning.owlrl_entailments import TRIVIAL_TYPES
from dprk_kg.loaders.sources.ontology import Ontology
from dprk_kg.vocabulary import DKG, OWL, PROV, RDF, RDFS

UNSUPPORTED = {
    OWL.uri("equivalentClass"): "class equivalence",
    OWL.uri("intersectionOf"): "class intersections",
    OWL.uri("unionOf"): "class unions",
    OWL.uri("someValuesFrom"): "existential restrictions",
    OWL.uri("allValuesFrom"): "universal restrictions",
    OWL.uri("hasValue"): "value restrictions",
    OWL.uri("propertyChainAxiom"): "property chains",
    OWL.uri("hasKey"): "keys",
    OWL.uri("sameAs"): "individual equality",
    OWL.uri("equivalentProperty"): "property equivalence",
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
        return frozenset(s for s, p, o in triples if p == RDF.uri("type") and o == kind)

    superclasses = _closure(pairs(RDFS.uri("subClassOf")))
    superproperties = _closure(pairs(RDFS.uri("subPropertyOf")))
    inverses = {(a, b) for a, b in pairs(OWL.uri("inverseOf"))}
    inverses |= {(b, a) for a, b in inverses}
    return Axioms(
        superclasses=superclasses,
        superproperties=superproperties,
        domains=_inherit(pairs(RDFS.uri("domain")), superproperties, superclasses),
        ranges=_inherit(pairs(RDFS.uri("range")), superproperties, superclasses),
        inverses=frozenset(inverses),
        symmetric=typed(OWL.uri("SymmetricProperty")),
        transitive=typed(OWL.uri("TransitiveProperty")),
    )


def check_supported(ontology: Ontology) -> None:
    used = {t.predicate.value for t in ontology.triples} | {
        t.object.value for t in ontology.triples if isinstance(t.object, ox.NamedNode)
    }
    for term, what in UNSUPPORTED.items():
        if term in used:
            raise InputError(
                ontology.files[0],
                None,
                f"the rule reasoner does not implement {what} ({term}); "
                "use --reasoner owlrl or extend loaders/reasoning/rules.py with its OWL RL rules",
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


def compile_rules(facts: Axioms, iris: Iris, per_graph: bool = False) -> list[str]:
    """SPARQL updates that each add one kind of entailment to the inferred graph and to the default
    graph, where the premises are read: the batch and, after each round, the earlier inferences. These
    are the rules with one data premise; prp-trp, which joins two, is ``RuleReasoner.close_transitive``.

    ``per_graph``: the same rules within each named graph instead (premise and conclusion in the same
    graph), which is how ``RuleReasoner.resting_on_each`` keeps apart what each claim entails."""
    inferred = iris.inferred_graph
    data = " || ".join(f'STRSTARTS(STR(?s), "{prefix}")' for prefix in iris.data_prefixes)
    rules = []

    def rule(head: str, body: str) -> str:
        # DISTINCT, then MINUS: each conclusion is checked once, not once per premise that gives it, and
        # MINUS is a hash join where Oxigraph 0.5's in-memory store evaluates NOT EXISTS row by row.
        variables = " ".join(dict.fromkeys(v for v in head.split() if v.startswith("?")))
        if per_graph:
            return (
                f"INSERT {{ GRAPH ?g {{ {head} }} }} WHERE {{ {{ SELECT DISTINCT ?g {variables} WHERE {{ "
                f"GRAPH ?g {{ {body} FILTER ({data}) }} }} }} MINUS {{ GRAPH ?g {{ {head} }} }} }}"
            )
        return (
            f"INSERT {{ GRAPH <{inferred}> {{ {head} }} {head} }} WHERE {{ "
            f"{{ SELECT DISTINCT {variables} WHERE {{ {body} FILTER ({data}) }} }} MINUS {{ {head} }} }}"
        )

    types = [(c, s) for c, supers in facts.superclasses.items() for s in supers if s != c and s not in TRIVIAL_TYPES]
    if types:  # cax-sco
        rules.append(rule("?s a ?super", f"{_values(types, '?class ?super')} ?s a ?class ."))
    properties = [(p, s) for p, supers in facts.superproperties.items() for s in supers if s != p]
    if properties:  # prp-spo1
        rules.append(rule("?s ?super ?o", f"{_values(properties, '?p ?super')} ?s ?p ?o ."))
    domains = [(p, c) for p, classes in facts.domains.items() for c in classes if c not in TRIVIAL_TYPES]
    if domains:  # prp-dom
        rules.append(rule("?s a ?class", f"{_values(domains, '?p ?class')} ?s ?p ?o ."))
    ranges = [(p, c) for p, classes in facts.ranges.items() for c in classes if c not in TRIVIAL_TYPES]
    if ranges:  # prp-rng (on IRI objects: a literal cannot be a subject)
        rules.append(rule("?s a ?class", f"{_values(ranges, '?p ?class')} ?x ?p ?s . FILTER (isIRI(?s))"))
    if facts.inverses:  # prp-inv1, prp-inv2
        rules.append(rule("?s ?inverse ?x", f"{_values(facts.inverses, '?p ?inverse')} ?x ?p ?s . FILTER (isIRI(?s))"))
    for prop in sorted(facts.symmetric):  # prp-symp
        rules.append(rule(f"?s <{prop}> ?x", f"?x <{prop}> ?s . FILTER (isIRI(?s))"))
    return rules  # prp-trp is RuleReasoner.close_transitive


class RuleReasoner:
    """The compiled rules, run to a fixed point on a working store."""

    def __init__(self, ontology: Ontology, iris: Iris) -> None:
        facts = axioms(ontology)
        self.iris = iris
        self.rules = compile_rules(facts, iris)
        self.rules_per_graph = compile_rules(facts, iris, per_graph=True)
        self.transitive = [ox.NamedNode(p) for p in sorted(facts.transitive)]
        self.graph = ox.NamedNode(iris.inferred_graph)

    def infer(self, store: ox.Store) -> list[ox.Triple]:
        """Close the store's default graph; returns what was inferred (also left in the store)."""
        previous = -1
        while True:
            for rule in self.rules:
                store.update(rule)
            for prop in self.transitive:
                self.close_transitive(store, prop)
            current = sum(1 for _ in store.quads_for_pattern(None, None, None, self.graph))
            if current == previous:
                break
            previous = current
        return [q.triple for q in store.quads_for_pattern(None, None, None, self.graph)]

    def close_transitive(self, store: ox.Store, prop: ox.NamedNode) -> None:
        """prp-trp for one property: its transitive closure, computed here because Oxigraph 0.5's
        in-memory store plans the self-join ``?s p ?m . ?m p ?o`` as a scan per row (minutes on a
        registry of 20,000 entries; the same closure takes well under a second in Python)."""
        successors: dict[Term, set[Term]] = {}
        for quad in store.quads_for_pattern(None, prop, None, ox.DefaultGraph()):
            successors.setdefault(quad.subject, set()).add(quad.object)
        found = []
        for start, direct in successors.items():
            if not (isinstance(start, ox.NamedNode) and self.iris.is_data(start.value)):
                continue
            found += [ox.Triple(start, prop, node) for node in _reach(start, successors, {}) - direct]
        store.extend(
            ox.Quad(t.subject, t.predicate, t.object, graph) for t in found for graph in (self.graph, ox.DefaultGraph())
        )

    def beyond(
        self, links: Iterable[ox.Triple], claims: Mapping[ox.NamedNode, Collection[ox.Triple]]
    ) -> list[ox.Triple]:
        """What the claims (their graphs and triples) entail together with the facts whose closure has
        these transitive ``links``, besides some of what the facts alone entail (for the caller to
        remove). Every rule but prp-trp has one premise, so a conclusion that needs the facts needs them
        only as links of a transitive property: closing the links and the claims' triples is closing
        everything, at the cost of the claims' part (semi-naive evaluation, where closing all again from
        the start cost 40% of a build)."""
        return self.infer(working_store([*links, *(t for triples in claims.values() for t in triples)]))

    def resting_on_each(
        self, links: Iterable[ox.Triple], claims: Mapping[ox.NamedNode, Collection[ox.Triple]]
    ) -> dict[ox.NamedNode, set[ox.Triple]]:
        """For each claim (its graph and triples): what it alone entails with the facts whose closure
        has these transitive ``links`` (as ``beyond``, some of the facts' own entailments included).
        All claims are closed at once in one store, each in its graph, by the per-graph rules; prp-trp
        joins each claim's links with the facts' links here."""
        store = ox.Store()
        store.bulk_extend(
            ox.Quad(t.subject, t.predicate, t.object, g) for g, triples in claims.items() for t in triples
        )
        facts: dict[ox.NamedNode, tuple[_Edges, _Edges]] = {
            p: (defaultdict(set), defaultdict(set)) for p in self.transitive
        }
        for link in links:
            if link.predicate in facts:
                successors, predecessors = facts[link.predicate]
                successors[link.subject].add(link.object)
                predecessors[link.object].add(link.subject)
        previous = -1
        while previous != len(store):
            previous = len(store)
            for rule in self.rules_per_graph:
                store.update(rule)
            for prop, known in facts.items():
                self._close_transitive_per_graph(store, prop, *known)
        return {
            g: {q.triple for q in store.quads_for_pattern(None, None, None, g)} - set(triples)
            for g, triples in claims.items()
        }

    def _close_transitive_per_graph(
        self, store: ox.Store, prop: ox.NamedNode, successors: _Edges, predecessors: _Edges
    ) -> None:
        """prp-trp within each graph, whose links of ``prop`` join the facts' (given as successors and
        predecessors): every chain through one of the graph's links, from a data IRI."""
        own: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, set[tuple[Term, Term]]] = defaultdict(set)
        for quad in store.quads_for_pattern(None, prop, None):
            own[quad.graph_name].add((quad.subject, quad.object))
        found = []
        for graph, edges in own.items():
            after: _Edges = defaultdict(set)
            before: _Edges = defaultdict(set)
            for a, b in edges:
                after[a].add(b)
                before[b].add(a)
            for a, b in edges:
                starts = _reach(a, before, predecessors) | {a}
                ends = _reach(b, after, successors) | {b}
                found += [
                    ox.Quad(x, prop, y, graph)
                    for x in starts
                    if isinstance(x, ox.NamedNode) and self.iris.is_data(x.value)
                    for y in ends
                    if (x, y) not in edges
                ]
        store.extend(found)

    def transitive_links(self, store: ox.Store) -> list[ox.Triple]:
        """The default graph's triples of transitive properties, asserted or inferred: the premises
        of the one rule that joins triples from different batches."""
        return [q.triple for p in self.transitive for q in store.quads_for_pattern(None, p, None, ox.DefaultGraph())]


_Edges = dict[Term, set[Term]]


def _reach(start: Term, own: _Edges, facts: _Edges) -> set[Term]:
    """The nodes reached from ``start`` over the edges of both maps."""
    reached: set[Term] = set()
    pending = [start]
    while pending:
        node = pending.pop()
        for step in (*own.get(node, ()), *facts.get(node, ())):
            if step not in reached:
                reached.add(step)
                pending.append(step)
    return reached


def _resting(iris: Iris) -> str:
    """A pattern binding ?r to each graph of what one non-factual claim entails, from its description
    (triple patterns that join graph by graph; not a listing of the store's graphs, which not every
    SPARQL store can do, nor graph names computed with BIND, which Oxigraph joins by scanning every graph)."""
    return f'?r <{PROV.wasDerivedFrom.value}> ?claim FILTER (STRSTARTS(STR(?r), "{iris.resting_prefix}"))'


def asserted_elsewhere(iris: Iris, merged: bool) -> str:
    """The update that removes what the batches could not know was asserted or entailed elsewhere: from
    the inferred graph, what another factual graph asserts (what only a non-factual claim asserts
    stays: the default graph holds it as an entailment of facts); from each graph of what one
    non-factual claim entails, what a graph of another kind holds; from the graph of what several
    claims entail together, what any other graph holds; then the descriptions of graphs left empty (in
    the build graph, and in the default graph where it holds the merge: ``merged``)."""
    g, joint, build = iris.inferred_graph, iris.non_factual_inferred_graph, iris.build_graph
    return (
        f"DELETE {{ GRAPH <{g}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} "
        f'FILTER EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != <{g}> && !STRSTARTS(STR(?other), "{joint}")) '
        f"FILTER NOT EXISTS {{ ?other a <{DKG.NonFactual.value}> }} }} }} ;\n"
        f"DELETE {{ GRAPH ?r {{ ?s ?p ?o }} }} WHERE {{ {_resting(iris)} GRAPH ?r {{ ?s ?p ?o }} "
        f'FILTER EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (!STRSTARTS(STR(?other), "{joint}")) }} }} ;\n'
        f"DELETE {{ GRAPH <{joint}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{joint}> {{ ?s ?p ?o }} "
        f"FILTER EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != <{joint}>) }} }} ;\n"
        f"DELETE {{ GRAPH <{build}> {{ ?r ?x ?y }} {'?r ?x ?y' if merged else ''} }} "
        f"WHERE {{ GRAPH <{build}> {{ {_resting(iris)} ?r ?x ?y }} FILTER NOT EXISTS {{ GRAPH ?r {{ ?s ?p ?o }} }} }}"
    )


def resting_counts(iris: Iris) -> str:
    """The entailments in the graphs of what one non-factual claim entails, and those graphs."""
    return (
        f"SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?r) AS ?graphs) WHERE {{ {_resting(iris)} GRAPH ?r {{ ?s ?p ?o }} }}"
    )


def count_query(graph: str) -> str:
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
