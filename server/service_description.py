"""The SPARQL 1.1 Service Description returned by a plain GET on /sparql with an RDF Accept.

It names the endpoint, the languages and formats it supports, its default dataset (the merge of all
named graphs, hence sd:UnionDefaultGraph), and the example queries, as SHACL SPARQL executables (the
vocabulary the SIB sparql-examples collections use).
"""

from __future__ import annotations

import pyoxigraph as ox

from dprk_kg.server.examples import examples
from dprk_kg.server.runtime import config
from dprk_kg.store import ResultFormat

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = [
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
    "TriG",
    "N-Quads",
]
INPUT_FORMATS = ["Turtle", "N-Triples", "JSON-LD", "RDF_XML"]
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREFIXES = {
    "sd": SD,
    "void": "http://rdfs.org/ns/void#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "formats": FORMATS,
}


def service_description(root: str, fmt: ResultFormat) -> bytes:
    settings = config()
    endpoint = ox.NamedNode(f"{root}/sparql")
    triples: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        triples.append(ox.Triple(s, ox.NamedNode(p), o))

    sd = lambda local: SD + local  # noqa: E731
    add(endpoint, RDF_TYPE.value, ox.NamedNode(sd("Service")))
    add(endpoint, sd("endpoint"), endpoint)
    add(endpoint, "http://purl.org/dc/terms/title", ox.Literal("dprk-kg SPARQL endpoint", language="en"))
    add(endpoint, sd("supportedLanguage"), ox.NamedNode(sd("SPARQL11Query")))
    if settings.writes_enabled:
        add(endpoint, sd("supportedLanguage"), ox.NamedNode(sd("SPARQL11Update")))
    for name in RESULT_FORMATS:
        add(endpoint, sd("resultFormat"), ox.NamedNode(FORMATS + name))
    for name in INPUT_FORMATS:
        add(endpoint, sd("inputFormat"), ox.NamedNode(FORMATS + name))
    add(endpoint, sd("feature"), ox.NamedNode(sd("UnionDefaultGraph")))
    add(endpoint, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple"))
    dataset = ox.NamedNode(f"{root}/sparql#dataset")
    graph = ox.NamedNode(f"{root}/sparql#default-graph")
    add(endpoint, sd("defaultDataset"), dataset)
    add(dataset, RDF_TYPE.value, ox.NamedNode(sd("Dataset")))
    add(dataset, RDF_TYPE.value, ox.NamedNode("http://rdfs.org/ns/void#Dataset"))
    add(dataset, "http://purl.org/dc/terms/title", ox.Literal("dprk-kg knowledge graph", language="en"))
    add(dataset, "http://rdfs.org/ns/void#sparqlEndpoint", endpoint)
    add(dataset, "http://rdfs.org/ns/void#uriSpace", ox.Literal(settings.base))
    add(dataset, sd("defaultGraph"), graph)
    add(graph, RDF_TYPE.value, ox.NamedNode(sd("Graph")))
    add(
        graph,
        "http://www.w3.org/2000/01/rdf-schema#comment",
        ox.Literal(
            "The RDF merge of every named graph: claim graphs, provenance, registry, ontology, shapes and "
            "inferences; each triple once.",
            language="en",
        ),
    )
    for example in examples():
        node = ox.NamedNode(f"{root}/sparql#example-{example.name}")
        add(endpoint, "https://schema.org/hasPart", node)
        add(node, RDF_TYPE.value, ox.NamedNode("http://www.w3.org/ns/shacl#SPARQLExecutable"))
        add(node, "http://www.w3.org/2000/01/rdf-schema#label", ox.Literal(example.title, language="en"))
        add(node, "http://www.w3.org/2000/01/rdf-schema#comment", ox.Literal(example.question, language="en"))
        kind = "SPARQLConstructExecutable" if "CONSTRUCT" in example.sparql else "SPARQLSelectExecutable"
        add(node, RDF_TYPE.value, ox.NamedNode(f"http://www.w3.org/ns/shacl#{kind}"))
        property_name = "construct" if kind == "SPARQLConstructExecutable" else "select"
        add(node, f"http://www.w3.org/ns/shacl#{property_name}", ox.Literal(example.sparql))
        add(node, "https://schema.org/target", endpoint)
    from dprk_kg.store.embedded import RDF_FORMATS

    return ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=PREFIXES)
