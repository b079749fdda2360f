"""The vocabularies the code writes and reads, in one place: namespaces, their terms as pyoxigraph
``NamedNode``s (``RDFS.label``) or rdflib ``URIRef``s (``RDFS.ref("label")``) and the prefix table.

The prefixes here are the ones a curator may use in a claim's Turtle without declaring them and the
ones a SPARQL user may use without declaring them, so both sides agree on one table. The ontology's
own namespace lists the terms the code uses, so a misspelt one fails where it is written, and
``tests/test_vocabulary.py`` checks that each is declared in ``ontology/``.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.term import URIRef

ONTOLOGY_IRI = "https://w3id.org/dprk-kg/ontology"
DKG_NS = ONTOLOGY_IRI + "#"
DEFAULT_BASE = "https://w3id.org/dprk-kg/"


class Namespace:
    """A namespace IRI whose attributes are its terms as pyoxigraph named nodes.

    Not a ``str`` subclass: ``DCTERMS.title`` must be the term, not ``str.title``.
    """

    __slots__ = ("iri", "terms")

    def __init__(self, iri: str, terms: frozenset[str] | None = None) -> None:
        self.iri = iri
        self.terms = terms  # when given, the only names allowed (a closed vocabulary)

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.uri(name))

    def uri(self, name: str) -> str:
        """The term's IRI as text; an unknown name of a closed vocabulary is an ``AttributeError``."""
        if self.terms is not None and name not in self.terms:
            raise AttributeError(f"{name!r} is not a term of {self.iri} known to the code")
        return self.iri + name

    def ref(self, name: str) -> URIRef:
        """The term as an rdflib ``URIRef``, for the rdflib side (owlrl, pyshacl, graph building)."""
        return URIRef(self.uri(name))

    def __str__(self) -> str:
        return self.iri

    def __repr__(self) -> str:
        return f"Namespace({self.iri!r})"


RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
TIME = Namespace("http://www.w3.org/2006/time#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
WIKIBASE = Namespace("http://wikiba.se/ontology#")  # the Wikidata Query Service's names
BD = Namespace("http://www.bigdata.com/rdf#")  # Blazegraph's, which WDQS keeps (bd:serviceParam)
# Wikidata's statement pattern (p:, ps:, pq:, pr:), and ours for the properties it has no match for
WIKIDATA_STATEMENTS = {
    name: f"http://www.wikidata.org/prop/{path}"
    for name, path in (("p", ""), ("ps", "statement/"), ("pq", "qualifier/"), ("pr", "reference/"))
}
OWN_STATEMENTS = {
    f"dkg{name}": f"https://w3id.org/dprk-kg/prop/{path}"
    for name, path in (("p", ""), ("ps", "statement/"), ("pq", "qualifier/"), ("pr", "reference/"), ("wdt", "direct/"))
}

DKG = Namespace(
    DKG_NS,
    frozenset(
        {
            # provenance model
            "Claim",
            "NonFactual",
            "view",
            "DataSource",
            "SourceDocument",
            "MentionGraph",
            "LoadActivity",
            "BuildActivity",
            "ReasoningActivity",
            "SoftwareAgent",
            "Curator",
            "claimId",
            "documentId",
            "evidence",
            "epistemicStatus",
            "modality",
            "hedge",
            "basis",
            "curatorNote",
            "assertsTriples",
            "dateNote",
            "dateline",
            "checkedAgainst",
            "sha256",
            # epistemic statuses
            "Stated",
            "Reported",
            "Inferred",
            "Opinion",
            # modalities
            "Expected",
            "Planned",
            "Uncertain",
            "Instructed",
            "Possible",
            # registry and claim checks
            "locatedIn",
            "basedIn",
            "date",
            "expectedEnd",
            # relative dates (dprk_kg/relative_dates.py)
            "dateQualifier",
            "EarlyPeriod",
            "MidPeriod",
            "LatePeriod",
        }
    ),
)


def base_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefix table for a deployment whose data IRIs start with ``base``."""
    return {
        "dkg": DKG.iri,
        "id": base + "id/",
        "doc": base + "doc/",
        "claim": base + "claim/",
        **{
            name: namespace.iri
            for name, namespace in (
                ("rdf", RDF),
                ("rdfs", RDFS),
                ("owl", OWL),
                ("xsd", XSD),
                ("skos", SKOS),
                ("prov", PROV),
                ("oa", OA),
                ("dcterms", DCTERMS),
                ("foaf", FOAF),
                ("org", ORG),
                ("schema", SCHEMA),
                ("sem", SEM),
                ("time", TIME),
                ("void", VOID),
                ("dcat", DCAT),
                ("sh", SH),
                ("wd", WD),
                ("wdt", WDT),
                ("wikibase", WIKIBASE),
                ("bd", BD),
            )
        },
        **WIKIDATA_STATEMENTS,
        **OWN_STATEMENTS,
    }


def turtle_prefix_line(prefixes: dict[str, str]) -> str:
    """All prefix declarations on one line, so a snippet parsed after it is shifted by one line."""
    return " ".join(f"@prefix {name}: <{iri}> ." for name, iri in prefixes.items())
