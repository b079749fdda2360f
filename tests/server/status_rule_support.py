"""What the status rule expects of a served store, written from its inputs, not from the build.

The rule (issue 10): a claim whose status is ``stated`` or ``reported`` and that has no modality is a
fact; every other claim is non-factual. The default graph of /sparql holds no triple that only
non-factual claims assert and no OWL RL entailment that needs one of them; the complete view and the
claim graphs still hold each.

``read_claims`` reads the claims files as a curator wrote them (status, modality, the asserted Turtle),
and decides factual or not here, independently of the loader. ``expectations`` adds what no claims
file gives — the registry, the ontology, the provenance and build graphs, fetched from the server's
own named graphs — and closes it under OWL RL with owlrl, the reference reasoner, twice: over the
facts alone, and over the facts and the non-factual claims together.

Queries never carry pasted text: every term is written by pyoxigraph (``str`` of a term is its
N-Triples form, which is SPARQL), and sets of triples are compared through ``VALUES``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import owlrl
import pyoxigraph as ox
import rdflib
import requests
import yaml
from rdflib.term import _toPythonMapping

from dprk_kg.vocabulary import DEFAULT_BASE, DKG, OWL, RDF, RDFS, XSD, base_prefixes, turtle_prefix_line

STATUSES = ("stated", "reported", "inferred", "opinion")
MODALITIES = ("uncertain", "possible", "planned", "expected", "instructed")
FACTUAL_STATUSES = ("stated", "reported")
TRIVIAL_TYPES = frozenset({OWL.Thing, OWL.NamedIndividual, RDFS.Resource})
ROWS_PER_QUERY = 500  # VALUES rows per request: far below the endpoint's bracket and size limits
JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"


@dataclass(frozen=True)
class ClaimInput:
    """One claim as its claims file gives it."""

    document: str
    id: str
    iri: ox.NamedNode
    status: str
    modality: str | None
    triples: frozenset[ox.Triple]

    @property
    def factual(self) -> bool:
        return self.status in FACTUAL_STATUSES and self.modality is None

    def __str__(self) -> str:
        return f"{self.document}/{self.id} ({self.status}{', ' + self.modality if self.modality else ''})"


def read_claims(seeds: Path, base: str = DEFAULT_BASE) -> list[ClaimInput]:
    """Every claim of every ``*.claims.yaml`` in ``seeds``, with its triples canonicalised as a store
    keeps them."""
    claims = []
    for path in sorted(seeds.glob("*.claims.yaml")):
        root = yaml.safe_load(path.read_text(encoding="utf-8"))
        document, defaults = root["document"], root.get("defaults") or {}
        for raw in root["claims"]:
            status, modality = raw.get("status", defaults.get("status")), raw.get("modality")
            assert status in STATUSES, f"{path}: claim {raw['id']}: status {status!r}"
            assert modality is None or modality in MODALITIES, f"{path}: claim {raw['id']}: modality {modality!r}"
            iri = ox.NamedNode(f"{base}claim/{document}/{raw['id']}")
            triples = frozenset(turtle(raw["assert"], base))
            claims.append(ClaimInput(document, raw["id"], iri, status, modality, triples))
    return claims


def canonical(triples: Iterable[ox.Triple]) -> set[ox.Triple]:
    """The triples as a pyoxigraph store holds them (it rewrites some numbers: ``"007"^^xsd:int`` is
    ``7``), so they compare equal to what the server returns."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return {q.triple for q in store}


class Closure:
    """owlrl's OWL 2 RL closure of a growing set of triples: ``add`` then ``close`` gives the closure of
    everything added so far (a closure of a closure and more triples is the closure of all of them,
    so the second round starts from the first's fixed point)."""

    def __init__(self) -> None:
        self.graph = rdflib.Graph()
        self.literals: dict[rdflib.Literal, ox.Literal] = {}  # rdflib may rewrite a lexical form; keep ours

    def add(self, triples: Iterable[ox.Triple]) -> None:
        for t in triples:
            if not isinstance(t.subject, ox.NamedNode) or isinstance(t.object, (ox.BlankNode, ox.Triple)):
                raise AssertionError(f"no blank nodes or triple terms expected in the data: {t}")
            self.graph.add((rdflib.URIRef(t.subject.value), rdflib.URIRef(t.predicate.value), self._object(t.object)))

    def _object(self, term: ox.NamedNode | ox.Literal) -> rdflib.URIRef | rdflib.Literal:
        if isinstance(term, ox.NamedNode):
            return rdflib.URIRef(term.value)
        if term.language:
            literal = rdflib.Literal(term.value, lang=term.language)
        elif term.datatype == XSD.string:  # as rdflib reads a plain literal, and as the build gives it to owlrl
            literal = rdflib.Literal(term.value)
        else:
            literal = rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
        self.literals.setdefault(literal, term)
        return literal

    def close(self) -> set[ox.Triple]:
        """Everything the closure holds (the input too), without owlrl's generalised triples (literal
        subjects); literals keep the lexical form they came in with."""
        saved = dict(_toPythonMapping)  # owlrl swaps rdflib's literal conversions and does not restore them all
        try:
            owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
                self.graph
            )
        finally:
            _toPythonMapping.clear()
            _toPythonMapping.update(saved)
        closed = []
        for s, p, o in self.graph:
            if isinstance(s, rdflib.URIRef) and isinstance(p, rdflib.URIRef):
                if isinstance(o, rdflib.URIRef):
                    closed.append(ox.Triple(ox.NamedNode(str(s)), ox.NamedNode(str(p)), ox.NamedNode(str(o))))
                elif isinstance(o, rdflib.Literal):
                    closed.append(ox.Triple(ox.NamedNode(str(s)), ox.NamedNode(str(p)), self._literal(o)))
        return canonical(closed)

    def _literal(self, literal: rdflib.Literal) -> ox.Literal:
        if literal in self.literals:
            return self.literals[literal]
        if literal.language:
            return ox.Literal(str(literal), language=literal.language)
        return ox.Literal(str(literal), datatype=ox.NamedNode(str(literal.datatype or XSD.string.value)))


def materialised(triples: Iterable[ox.Triple], base: str = DEFAULT_BASE) -> set[ox.Triple]:
    """The entailments a store materialises, as README says: about the data (subjects in the data IRI
    spaces, not the ontology's terms), without reflexive owl:sameAs or trivial types."""
    spaces = tuple(base + part for part in ("id/", "doc/", "claim/", "activity/", "graph/", "source/"))
    return {
        t
        for t in triples
        if isinstance(t.subject, ox.NamedNode)
        and t.subject.value.startswith(spaces)
        and not (t.predicate == OWL.sameAs and t.subject == t.object)
        and not (t.predicate == RDF.type and t.object in TRIVIAL_TYPES)
    }


# --- the endpoint ------------------------------------------------------------------------------------


def _get(url: str, query: str, accept: str, default_graph: str | None) -> requests.Response:
    params = {"query": query, **({"default-graph-uri": default_graph} if default_graph else {})}
    response = requests.post(f"{url}/sparql", data=params, headers={"Accept": accept}, timeout=120)
    assert response.status_code == 200, f"{response.status_code}: {response.text[:2000]}\n{query[:500]}"
    return response


def select(url: str, query: str, default_graph: str | None = None) -> list[ox.QuerySolution]:
    answer = ox.parse_query_results(_get(url, query, JSON, default_graph).content, ox.QueryResultsFormat.JSON)
    assert isinstance(answer, ox.QuerySolutions)
    return list(answer)


def construct(url: str, query: str, default_graph: str | None = None) -> set[ox.Triple]:
    data = _get(url, query, NTRIPLES, default_graph).content
    return {q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def graph(url: str, name: str) -> set[ox.Triple]:
    """A named graph's triples."""
    return construct(url, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(name)} {{ ?s ?p ?o }} }}")


def view(url: str, iri: str) -> set[ox.Triple]:
    """Every triple a view holds as its default graph."""
    return construct(url, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", iri)


def _chunks(items: list, size: int = ROWS_PER_QUERY) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def present(url: str, triples: Iterable[ox.Triple], default_graph: str | None = None) -> set[ox.Triple]:
    """Those of ``triples`` the default graph (or the view ``default_graph``) holds."""
    found: set[ox.Triple] = set()
    for rows in _chunks(sorted(triples, key=str)):
        values = "\n".join(f"({t.subject} {t.predicate} {t.object})" for t in rows)
        query = f"SELECT ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{\n{values}\n}} ?s ?p ?o }}"
        found |= {ox.Triple(row["s"], row["p"], row["o"]) for row in select(url, query, default_graph)}
    return found


def in_non_factual_graphs(url: str, triples: Iterable[ox.Triple]) -> set[ox.Triple]:
    """Those of ``triples`` some named graph typed dkg:NonFactual holds."""
    found: set[ox.Triple] = set()
    for rows in _chunks(sorted(triples, key=str)):
        values = "\n".join(f"({t.subject} {t.predicate} {t.object})" for t in rows)
        query = (
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{\n{values}\n}} "
            f"GRAPH ?g {{ ?s ?p ?o }} GRAPH ?h {{ ?g a {DKG.NonFactual} }} }}"
        )
        found |= {ox.Triple(row["s"], row["p"], row["o"]) for row in select(url, query)}
    return found


def claim_graphs(url: str, base: str = DEFAULT_BASE) -> dict[ox.NamedNode, set[ox.Triple]]:
    """Every claim graph of the store (named ``{base}claim/…``) and its triples."""
    prefix = ox.Literal(f"{base}claim/")
    query = f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {prefix})) }}"
    graphs: dict[ox.NamedNode, set[ox.Triple]] = {}
    for row in select(url, query):
        graphs.setdefault(row["g"], set()).add(ox.Triple(row["s"], row["p"], row["o"]))
    return graphs


def typed(url: str, node: ox.NamedNode) -> set[ox.NamedNode]:
    """The subjects typed ``node`` in the complete view."""
    return {row["x"] for row in select(url, f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x a {node} }} }}")}


# --- the expectations --------------------------------------------------------------------------------


@dataclass
class Expectations:
    """What the rule asks of one served corpus, from its claims files and the store's graphs that
    no claim owns (the registry, the ontology, provenance, the build)."""

    claims: list[ClaimInput]
    background: set[ox.Triple]
    facts: set[ox.Triple] = field(init=False)  # asserted by a factual claim
    non_factual: set[ox.Triple] = field(init=False)  # asserted by a non-factual claim (some may be facts too)
    closure_facts: set[ox.Triple] = field(init=False)  # owlrl over background and facts, asserted included
    closure_all: set[ox.Triple] = field(init=False)  # owlrl over background, facts and non-facts

    def __post_init__(self) -> None:
        self.facts = {t for c in self.claims if c.factual for t in c.triples}
        self.non_factual = {t for c in self.claims if not c.factual for t in c.triples}
        closure = Closure()
        closure.add(self.background | self.facts)
        self.closure_facts = closure.close()
        closure.add(self.non_factual)
        self.closure_all = closure.close()

    @property
    def hidden(self) -> set[ox.Triple]:
        """What only non-factual claims assert and the facts do not entail."""
        return self.non_factual - self.closure_facts

    @property
    def resting(self) -> set[ox.Triple]:
        """Everything that needs a non-factual claim: its own triples (``hidden``) and the entailments
        of the facts and non-facts together that the facts alone do not give."""
        return self.closure_all - self.closure_facts

    def wikibase_statements(self, triples: Iterable[ox.Triple]) -> set[ox.Triple]:
        """Those of the triples that re-state a non-factual claim in the Wikibase model: about its
        deprecated statements (``<claim>#statement-N``) or their reference (``<claim>#reference``), or
        linking a subject to one of them (loaders/rdf/wikibase_statements.py)."""
        nodes = tuple(f"{c.iri.value}#" for c in self.claims if not c.factual)
        return {
            t
            for t in triples
            if any(isinstance(term, ox.NamedNode) and term.value.startswith(nodes) for term in (t.subject, t.object))
        }

    def mentions(self, triples: Iterable[ox.Triple]) -> set[ox.Triple]:
        """Those of the triples that annotate a document with the entities its text names (about
        ``doc:…#mention-N`` nodes, in the mentions graphs, loaders/rdf/annotations.py): not claims of fact,
        so the default graph leaves them out as it leaves out the non-factual claims."""
        return {
            t
            for t in triples
            if isinstance(t.subject, ox.NamedNode) and "#mention-" in t.subject.value.partition("/doc/")[2]
        }

    def by_status(self, status: str) -> set[ox.Triple]:
        return {t for c in self.claims if c.status == status for t in c.triples}

    def asserting(self, triple: ox.Triple) -> list[ClaimInput]:
        return [c for c in self.claims if triple in c.triples]

    def naming(self, triple: ox.Triple) -> list[ClaimInput]:
        """The non-factual claims that name the triple's subject or object: what an entailment may rest on."""
        terms = {t for t in (triple.subject, triple.object) if isinstance(t, ox.NamedNode) and "/id/" in t.value}
        return [c for c in self.claims if not c.factual and any({t.subject, t.object} & terms for t in c.triples)]

    def describe(self, triples: Iterable[ox.Triple], limit: int = 25) -> str:
        """The triples, each with the claims that assert it, or for an entailment the non-factual
        claims that name its terms, for a failure's message."""
        listed = sorted(triples, key=str)
        lines = []
        for t in listed[:limit]:
            asserting = self.asserting(t)
            source = f"asserted by {', '.join(map(str, asserting))}" if asserting else "entailed"
            if not asserting and self.naming(t):
                source += f"; non-factual claims naming its terms: {', '.join(map(str, self.naming(t)[:4]))}"
            lines.append(f"  {t.subject} {t.predicate} {t.object}  <- {source}")
        more = f"\n  … and {len(listed) - limit} more" if len(listed) > limit else ""
        return "\n".join(lines) + more


def background_graph_names(claims: list[ClaimInput], base: str = DEFAULT_BASE) -> list[str]:
    """The graphs no claim owns that the default graph holds and the reasoner reads: the registry, the
    ontology, the build, and each document's provenance."""
    documents = sorted({c.document for c in claims})
    return [f"{base}graph/{name}" for name in ("registry", "ontology", "build")] + [
        f"{base}graph/provenance/{document}" for document in documents
    ]


def expectations(url: str, seeds: Path, base: str = DEFAULT_BASE) -> Expectations:
    claims = read_claims(seeds, base)
    background: set[ox.Triple] = set()
    for name in background_graph_names(claims, base):
        triples = graph(url, name)
        assert triples, f"the store has no graph {name} (renamed? the expectations read it as background)"
        background |= triples
    return Expectations(claims, background)


def turtle(text: str, base: str = DEFAULT_BASE) -> set[ox.Triple]:
    """Triples written in Turtle with the project's prefixes, as a claim's ``assert`` is."""
    quads = ox.parse(turtle_prefix_line(base_prefixes(base)) + "\n" + text, format=ox.RdfFormat.TURTLE)
    return canonical(q.triple for q in quads)
