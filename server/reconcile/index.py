"""What the reconciliation service knows, read from the store's default graph — the facts view.

Names (``rdfs:label``, ``skos:altLabel``: English, Hangul, romanisations) and types come from the
default graph only, which holds what the sources state or report as fact, the registry, the ontology
and their entailments: a label or a type that only a curator's guess or an uncertain claim gives is
never a name to match. Every query here is a constant text; a value taken from a request (a property,
a type) reaches one only as a term bound to a variable (``Store.query``'s bindings).

An index is built per server process at its first reconciliation request and rebuilt when the store's
version changes (an embedded store's version changes with every build and write; a remote store's is
also re-read after ``REMOTE_MAX_AGE`` seconds, since another process may write it). Property values are
read per property, on demand, and kept with the index (``MAX_CACHED_PROPERTIES`` at most).
"""

from __future__ import annotations

import json
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from dprk_kg.matching import NameIndex
from dprk_kg.store.base import Bindings
from dprk_kg.vocabulary import DKG, DKG_NS, RDF, RDFS, SKOS, base_prefixes

Row = dict[str, dict[str, str]]  # one solution of SPARQL JSON results
Select = Callable[[str, Bindings | None], list[Row]]

REMOTE_MAX_AGE = 60.0
MAX_CACHED_PROPERTIES = 64
RDF_TYPE = RDF.uri("type")
RDFS_LABEL = RDFS.uri("label")
SKOS_ALT_LABEL = SKOS.uri("altLabel")
LOCATED_IN = DKG.uri("locatedIn")
# Properties of other vocabularies that entities commonly have, offered even where the ontology does
# not declare them.
WELL_KNOWN_PROPERTIES = (
    RDFS_LABEL,
    SKOS_ALT_LABEL,
    RDF_TYPE,
    SKOS.uri("exactMatch"),
    "http://www.w3.org/ns/org#subOrganizationOf",
    "http://www.w3.org/ns/org#hasSubOrganization",
)

NAMES = """SELECT ?e ?p ?name WHERE {
  VALUES ?p { rdfs:label skos:altLabel }
  ?e ?p ?name .
  FILTER (isIRI(?e) && isLiteral(?name))
}"""
TYPES = """SELECT DISTINCT ?e ?type WHERE {
  ?e a ?type .
  FILTER (isIRI(?type) && STRSTARTS(STR(?e), STR(id:)))
}"""
CLASSES = """SELECT DISTINCT ?class WHERE {
  { ?class a owl:Class } UNION { ?class a rdfs:Class }
  FILTER (isIRI(?class))
}"""
BROADER = """SELECT DISTINCT ?class ?broader WHERE {
  ?class rdfs:subClassOf ?broader .
  FILTER (isIRI(?class) && isIRI(?broader) && ?class != ?broader)
}"""
DEFINITIONS = """SELECT ?term ?definition WHERE {
  ?term skos:definition|rdfs:comment ?definition .
  FILTER (isIRI(?term) && isLiteral(?definition))
}"""
DECLARED_PROPERTIES = """SELECT DISTINCT ?property WHERE {
  VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty rdf:Property }
  ?property a ?kind .
  FILTER (isIRI(?property))
}"""
# The values of one property (?property bound) on every entity.
VALUES_OF = """SELECT ?property ?e ?value WHERE {
  ?e ?property ?value .
  FILTER (STRSTARTS(STR(?e), STR(id:)))
}"""
# The properties entities of one type (?type bound) have.
PROPERTIES_OF_TYPE = """SELECT DISTINCT ?type ?property WHERE {
  ?e a ?type ; ?property ?value .
  FILTER (STRSTARTS(STR(?e), STR(id:)))
}"""
# The properties any entity has.
PROPERTIES_IN_USE = """SELECT DISTINCT ?property WHERE {
  ?e ?property ?value .
  FILTER (STRSTARTS(STR(?e), STR(id:)))
}"""


@dataclass
class Entity:
    iri: str
    id: str  # the identifier the service gives it: the IRI's local part under <base>id/
    labels: list[tuple[str, str, str]] = field(default_factory=list)  # (predicate, text, language)
    types: set[str] = field(default_factory=set)  # every type in the default graph, entailed ones too
    specific: list[str] = field(default_factory=list)  # those no other of its types is a subclass of

    @property
    def name(self) -> str:
        """The English label; else another label; else an alternative label; else the identifier."""
        for predicate, language in (
            (RDFS_LABEL, "en"),
            (RDFS_LABEL, None),
            (SKOS_ALT_LABEL, "en"),
            (SKOS_ALT_LABEL, None),
        ):
            found = sorted(text for p, text, lang in self.labels if p == predicate and language in (None, lang))
            if found:
                return found[0]
        return self.id


@dataclass
class SchemaTerm:
    """A class or a property: its IRI, the identifier the service gives it (a prefixed name where a
    well-known prefix fits), a name and a definition."""

    iri: str
    id: str
    name: str
    description: str = ""
    broader: list[str] = field(default_factory=list)


class Index:
    """Entities, their names and types, classes and properties, and property values on demand."""

    def __init__(self, select: Select, base: str, version: str) -> None:
        self.select = select
        self.base = base
        self.space = base + "id/"
        self.version = version
        self.prefixes = {
            name: iri for name, iri in base_prefixes(base).items() if name not in ("id", "doc", "claim", "wd", "wdt")
        }
        self.entities: dict[str, Entity] = {}
        self.names = NameIndex()
        self.classes: dict[str, SchemaTerm] = {}
        self._labels: dict[str, str] = {}  # English (else any) labels of non-entity IRIs
        self._definitions: dict[str, str] = {}
        self._superclasses: dict[str, set[str]] = {}
        self._values: OrderedDict[str, dict[str, list[dict[str, str]]]] = OrderedDict()
        self._properties: dict[str, SchemaTerm] | None = None
        self._load()

    # --- loading -----------------------------------------------------------------------------------
    def _load(self) -> None:
        for row in self.select(NAMES, None):
            iri, predicate, name = row["e"]["value"], row["p"]["value"], row["name"]
            text, language = name["value"], name.get("xml:lang", "")
            if iri.startswith(self.space) and len(iri) > len(self.space):
                entity = self.entities.get(iri)
                if entity is None:
                    entity = self.entities[iri] = Entity(iri, iri[len(self.space) :])
                entity.labels.append((predicate, text, language))
            elif predicate == RDFS_LABEL and (iri not in self._labels or language == "en"):
                self._labels[iri] = text
        for row in self.select(TYPES, None):
            entity = self.entities.get(row["e"]["value"])
            if entity is not None:  # an entity with no name in the facts view is not offered
                entity.types.add(row["type"]["value"])
        broader: dict[str, set[str]] = defaultdict(set)
        for row in self.select(BROADER, None):
            broader[row["class"]["value"]].add(row["broader"]["value"])
        for row in self.select(DEFINITIONS, None):
            definition = row["definition"]
            if row["term"]["value"] not in self._definitions or definition.get("xml:lang") == "en":
                self._definitions[row["term"]["value"]] = definition["value"]
        self._superclasses = _closure(broader)
        declared = {row["class"]["value"] for row in self.select(CLASSES, None)}
        used = {t for entity in self.entities.values() for t in entity.types}
        for iri in sorted(declared | used):
            self.classes[iri] = self.term(iri, broader=sorted(broader.get(iri, ())))
        for entity in sorted(self.entities.values(), key=lambda e: e.iri):
            entity.specific = sorted(
                (
                    t
                    for t in entity.types
                    if not any(t in self._superclasses.get(o, ()) for o in entity.types if o != t)
                ),
                key=lambda t: (not t.startswith(DKG_NS), t),
            )
            for _, text, _ in sorted(entity.labels):
                self.names.add(entity.id, text)

    # --- identifiers -------------------------------------------------------------------------------
    def entity(self, identifier: str) -> Entity | None:
        """The entity an identifier names: its id, its IRI, or ``id:`` and its id."""
        for iri in (self.space + identifier, identifier, self.space + identifier.removeprefix("id:")):
            if iri in self.entities:
                return self.entities[iri]
        return None

    def short(self, iri: str) -> str:
        """A prefixed name for an IRI of a well-known namespace, else the IRI."""
        best = max((ns for ns in self.prefixes.values() if iri.startswith(ns)), key=len, default=None)
        if best is None or len(iri) == len(best):
            return iri
        prefix = next(p for p, ns in self.prefixes.items() if ns == best)
        return f"{prefix}:{iri[len(best) :]}"

    def expand(self, identifier: str) -> str | None:
        """The IRI a schema identifier names — a prefixed name, an IRI, or a bare name of the ontology —
        checked by pyoxigraph's IRI parser; None if it names none."""
        text = identifier.strip()
        prefix, colon, local = text.partition(":")
        if colon and prefix in self.prefixes and not local.startswith("//"):
            text = self.prefixes[prefix] + local
        elif not colon:
            text = DKG_NS + text
        try:
            return ox.NamedNode(text).value
        except ValueError:
            return None

    def term(self, iri: str, broader: list[str] | None = None) -> SchemaTerm:
        short = self.short(iri)
        local = short.partition(":")[2] if short != iri else iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        return SchemaTerm(
            iri, short, self._labels.get(iri) or local or iri, self._definitions.get(iri, ""), broader or []
        )

    def type_refs(self, entity: Entity) -> list[dict[str, str]]:
        return [{"id": self.classes[t].id, "name": self.classes[t].name} for t in entity.specific if t in self.classes]

    def has_type(self, entity: Entity, wanted: Iterable[str], *, every: bool = False) -> bool:
        check = all if every else any
        return check(t in entity.types or any(t in self._superclasses.get(o, ()) for o in entity.types) for t in wanted)

    def known_label(self, iri: str) -> str | None:
        """The label the default graph gives an IRI (an entity's name), or None where it gives none."""
        entity = self.entities.get(iri)
        return entity.name if entity is not None else self._labels.get(iri)

    def label_of(self, iri: str) -> str:
        entity = self.entities.get(iri)
        if entity is not None:
            return entity.name
        return self.term(iri).name

    # --- descriptions ------------------------------------------------------------------------------
    def description(self, entity: Entity) -> str:
        """Its most specific types, and where it is located: "county in North Hamgyong Province"."""
        kinds = " and ".join(self.classes[t].name for t in entity.specific[:2] if t in self.classes)
        places = [v["value"] for v in self.values(LOCATED_IN).get(entity.iri, []) if v["type"] == "uri"]
        smallest = max(places, key=lambda p: len(self.values(LOCATED_IN).get(p, [])), default=None)
        if smallest is None:
            return kinds
        where = self.label_of(smallest)
        return f"{kinds} in {where}" if kinds else f"in {where}"

    # --- property values ---------------------------------------------------------------------------
    def values(self, prop: str) -> dict[str, list[dict[str, str]]]:
        """Every entity's values of a property (an IRI), as SPARQL JSON terms."""
        if prop in self._values:
            self._values.move_to_end(prop)
            return self._values[prop]
        found: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
        for row in self.select(VALUES_OF, {"property": ox.NamedNode(prop)}):
            found[row["e"]["value"]].append(row["value"])
        self._values[prop] = dict(found)
        while len(self._values) > MAX_CACHED_PROPERTIES:
            self._values.popitem(last=False)
        return self._values[prop]

    def properties(self) -> dict[str, SchemaTerm]:
        """Properties the ontology declares and properties entities have (read once, when first asked)."""
        if self._properties is None:
            found = {row["property"]["value"] for row in self.select(DECLARED_PROPERTIES, None)}
            found |= {row["property"]["value"] for row in self.select(PROPERTIES_IN_USE, None)}
            found |= set(WELL_KNOWN_PROPERTIES)
            self._properties = {iri: self.term(iri) for iri in sorted(found)}
        return self._properties

    def properties_of_type(self, type_iri: str | None) -> list[SchemaTerm]:
        """The properties entities of a type have (of any type when None)."""
        if type_iri is None:
            rows = self.select(PROPERTIES_IN_USE, None)
        else:
            rows = self.select(PROPERTIES_OF_TYPE, {"type": ox.NamedNode(type_iri)})
        known = self.properties()
        terms = [known.get(iri) or self.term(iri) for iri in {row["property"]["value"] for row in rows}]
        return sorted(terms, key=lambda term: (term.name.casefold(), term.id))


def _closure(broader: dict[str, set[str]]) -> dict[str, set[str]]:
    """Every class's superclasses, however far up (cycles allowed: equivalent classes)."""
    closed: dict[str, set[str]] = {}
    for start in broader:
        seen: set[str] = set()
        stack = list(broader[start])
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(broader.get(current, ()))
        seen.discard(start)
        closed[start] = seen
    return closed


def json_rows(body: bytes) -> list[Row]:
    rows: list[Row] = json.loads(body)["results"]["bindings"]
    return rows
