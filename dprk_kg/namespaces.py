"""Vocabularies and prefixes shared by loaders, store and server.

The prefixes here are the ones a curator may use in a claim's Turtle without declaring them and the
ones a SPARQL user may use without declaring them, so both sides agree on one table.
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

ONTOLOGY_IRI = "https://w3id.org/dprk-kg/ontology"
DKG_NS = ONTOLOGY_IRI + "#"
DEFAULT_BASE = "https://w3id.org/dprk-kg/"

OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
WD = Namespace("http://www.wikidata.org/entity/")


class DKG(DefinedNamespace):
    """The ontology terms the code itself writes; a misspelt term fails at import time.

    ``tests/test_namespaces.py`` checks that every term listed here is declared in ``ontology/``.
    """

    _NS = Namespace(DKG_NS)
    _fail = True

    # provenance model
    Claim: URIRef
    DataSource: URIRef
    SourceDocument: URIRef
    LoadActivity: URIRef
    BuildActivity: URIRef
    ReasoningActivity: URIRef
    SoftwareAgent: URIRef
    Curator: URIRef
    claimId: URIRef
    documentId: URIRef
    evidence: URIRef
    epistemicStatus: URIRef
    modality: URIRef
    hedge: URIRef
    basis: URIRef
    curatorNote: URIRef
    assertsTriples: URIRef
    dateNote: URIRef
    dateline: URIRef
    checkedAgainst: URIRef
    sha256: URIRef
    # epistemic statuses
    Stated: URIRef
    Reported: URIRef
    Inferred: URIRef
    Opinion: URIRef
    # modalities
    Expected: URIRef
    Planned: URIRef
    Uncertain: URIRef
    Instructed: URIRef
    Possible: URIRef
    # registry and claim checks
    locatedIn: URIRef
    basedIn: URIRef
    date: URIRef
    expectedEnd: URIRef


def base_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefix table for a deployment whose data IRIs start with ``base``."""
    return {
        "dkg": DKG_NS,
        "id": base + "id/",
        "doc": base + "doc/",
        "claim": base + "claim/",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "prov": "http://www.w3.org/ns/prov#",
        "oa": str(OA),
        "dcterms": "http://purl.org/dc/terms/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "org": str(ORG),
        "schema": str(SCHEMA),
        "sem": str(SEM),
        "time": "http://www.w3.org/2006/time#",
        "void": "http://rdfs.org/ns/void#",
        "dcat": "http://www.w3.org/ns/dcat#",
        "sh": "http://www.w3.org/ns/shacl#",
        "wd": str(WD),
        "wdt": "http://www.wikidata.org/prop/direct/",
    }


def turtle_prefix_line(prefixes: dict[str, str]) -> str:
    """All prefix declarations on one line, so a snippet parsed after it is shifted by one line."""
    return " ".join(f"@prefix {name}: <{iri}> ." for name, iri in prefixes.items())
