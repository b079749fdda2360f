"""The SPARQL 1.1 Service Description returned by a plain GET on /sparql with an RDF Accept.

It names the endpoint, the languages and formats it supports, its default dataset (the merge of the
factual named graphs — not of all of them, so no sd:UnionDefaultGraph — and the views a query may
choose instead), and the example queries, as SHACL SPARQL executables (the
vocabulary the SIB sparql-examples collections use).
"""

from __future__ import annotations

import pyoxigraph as ox

from dprk_kg.server.examples import examples
from dprk_kg.server.runtime import config
from dprk_kg.server.views import VIEWS
from dprk_kg.sparql.reading import read_query
from dprk_kg.store import ResultFormat
from dprk_kg.store.formats import RDF_FORMATS, serialise
from dprk_kg.vocabulary import DCTERMS, DKG, ENTAILMENT, FORMATS, RDF, RDFS, SCHEMA, SD, SH, VOID, base_prefixes

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
PREFIXES = {
    name: namespace.iri
    for name, namespace in (
        ("sd", SD),
        ("void", VOID),
        ("dcterms", DCTERMS),
        ("sh", SH),
        ("rdfs", RDFS),
        ("schema", SCHEMA),
        ("formats", FORMATS),
        ("dkg", DKG),
    )
}


def service_description(root: str, fmt: ResultFormat) -> bytes:
    settings = config()
    endpoint = ox.NamedNode(f"{root}/sparql")
    triples: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        triples.append(ox.Triple(s, p, o))

    add(endpoint, RDF.type, SD.Service)
    add(endpoint, SD.endpoint, endpoint)
    add(endpoint, DCTERMS.title, ox.Literal("dprk-kg SPARQL endpoint", language="en"))
    add(endpoint, SD.supportedLanguage, SD.SPARQL11Query)
    if settings.writes_enabled:  # updates have an endpoint of their own, described as a service of its own
        updates = ox.NamedNode(f"{root}/update")
        add(updates, RDF.type, SD.Service)
        add(updates, SD.endpoint, updates)
        add(updates, SD.supportedLanguage, SD.SPARQL11Update)
        add(updates, DCTERMS.title, ox.Literal("dprk-kg SPARQL update endpoint (bearer token)", language="en"))
    for name in RESULT_FORMATS:
        add(endpoint, SD.resultFormat, FORMATS[name])
    for name in INPUT_FORMATS:
        add(endpoint, SD.inputFormat, FORMATS[name])
    add(endpoint, SD.defaultEntailmentRegime, ENTAILMENT.Simple)
    dataset = ox.NamedNode(f"{root}/sparql#dataset")
    graph = ox.NamedNode(f"{root}/sparql#default-graph")
    add(endpoint, SD.defaultDataset, dataset)
    add(dataset, RDF.type, SD.Dataset)
    add(dataset, RDF.type, VOID.Dataset)
    add(dataset, DCTERMS.title, ox.Literal("dprk-kg knowledge graph", language="en"))
    add(dataset, VOID.sparqlEndpoint, endpoint)
    add(dataset, VOID.uriSpace, ox.Literal(settings.base))
    # the full description: statistics, partitions, linksets, licence, dumps with their checksums
    add(dataset, RDFS.seeAlso, ox.NamedNode(f"{root}/.well-known/void"))
    add(dataset, SD.defaultGraph, graph)
    add(graph, RDF.type, SD.Graph)
    add(
        graph,
        RDFS.comment,
        ox.Literal(
            "The RDF merge of every named graph: claim graphs, provenance, registry, ontology, shapes and "
            "inferences; each triple once.",
            language="en",
        ),
    )
    prefixes = base_prefixes(settings.base)
    for view in VIEWS:  # chosen with default-graph-uri
        node = ox.NamedNode(view.iri(settings.base))
        add(endpoint, DKG.view, node)
        add(node, RDF.type, VOID.Dataset)
        add(node, DCTERMS.title, ox.Literal(view.title, language="en"))
        add(node, DCTERMS.description, ox.Literal(view.description, language="en"))
        add(node, VOID.sparqlEndpoint, endpoint)
    for example in examples():
        node = ox.NamedNode(f"{root}/sparql#example-{example.name}")
        add(endpoint, SCHEMA.hasPart, node)
        add(node, RDF.type, SH.SPARQLExecutable)
        add(node, RDFS.label, ox.Literal(example.title, language="en"))
        add(node, RDFS.comment, ox.Literal(example.question, language="en"))
        construct = read_query(example.sparql, prefixes=prefixes).form == "CONSTRUCT"
        add(node, RDF.type, SH.SPARQLConstructExecutable if construct else SH.SPARQLSelectExecutable)
        add(node, SH.construct if construct else SH.select, ox.Literal(example.sparql))
        add(node, SCHEMA.target, endpoint)
    return serialise(triples, RDF_FORMATS[fmt], PREFIXES)
