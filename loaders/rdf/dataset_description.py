"""The dataset's description — VoID statistics and a DCAT catalogue — computed by the build on the
new store version, before it is swapped in, and written to its own named graph, ``<base>graph/dataset``.

It is metadata, not a claim: like the build graph it is merged into the default graph (the merge of
every graph not typed ``dkg:NonFactual``), where a client asking for ``?d a void:Dataset`` looks.

**The circularity, and the rule chosen.** A description inside the dataset cannot state facts that
depend on the finished dataset's exact bytes or on statistics that count its own literals:

- *Checksums and sizes* of the dumps are not in the store, so not in the dumps: the graph names each
  dump (``dcat:downloadURL``, ``dcat:mediaType``, ``void:dataDump``); the server adds ``dcat:byteSize``
  and ``spdx:checksum`` from the dumps' manifest when it serves ``/.well-known/void`` (``dprk_kg/dumps.py``).
- *The quad count a harvester loads.* ``<base>dataset`` — what the dumps and ``dprk-kg export`` hold —
  states ``void:triples``: every quad of the dump, this description's included (each of its triples
  once in its graph and once in the default graph's merge). Its triples are made first, counted, and
  only then is the total written: how many quads a description adds does not depend on the numbers
  it holds (each triple has a subject of its own — the dataset, a partition, a distribution — that
  the data never uses, which is checked), and the build checks the total against the store after
  writing it.
- *The statistics* — ``void:entities``, ``void:distinctSubjects``, ``void:distinctObjects``, the class
  and property partitions, the Wikidata linkset — are of ``<base>dataset#data``, a ``void:subset``:
  every quad but this description's. (Counting its own number literals among the distinct objects
  would have no fixed point.) They count quads, as the dump holds them: a fact stated in a named graph
  and merged into the default graph counts twice.

A store that answers its default graph as the union of its graphs (Virtuoso) holds no merge, and its
dump has none: there the counts are of the named graphs alone, as ``Store.quad_count`` says. Dumps are
written only beside an embedded store; for a remote store the description names none.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox

from dprk_kg.dumps import DUMPS
from dprk_kg.errors import StoreError
from dprk_kg.iris import Iris
from dprk_kg.loaders.rdf.terms import iri, text, typed
from dprk_kg.store.base import Session
from dprk_kg.store.common import ntriples
from dprk_kg.vocabulary import DCAT, DCTERMS, DKG_NS, ONTOLOGY_IRI, RDF, RDFS, SKOS, VOID, WD, XSD

SPDX = "http://spdx.org/rdf/terms#"
DATA_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
IANA = "https://www.iana.org/assignments/media-types/"
EXAMPLES = 3  # example resources: the entities with the most quads
INSERT_BATCH = 400  # triples an update inserts (twice where the store holds the merge)
SOURCE_RIGHTS = (
    "The texts of the source documents are not covered by the data's licence: they remain their "
    "publishers' (NK Insider, ASIAPRESS), and are included only as quotations, so that every claim can be "
    "checked against the words it comes from. The data — claims, provenance, registry, inferences — is "
    "under CC BY 4.0."
)


class DatasetDescription:
    """Computes and writes the description on a store version being prepared (a ``Prepare``); then
    ``quads`` is how many quads it added in its named graph (the build's summary counts those)."""

    def __init__(self, iris: Iris, issued: str, *, with_dumps: bool) -> None:
        self.iris = iris
        self.issued = issued  # the build's end: this version of the dataset was made then
        self.with_dumps = with_dumps
        self.quads = 0

    def __call__(self, session: Session) -> None:
        statistics = Statistics.of(session, self.iris)
        content = self.triples(statistics, total=0)
        subjects = {t.subject for t in content}
        clash = session.select(
            "SELECT ?s WHERE { VALUES ?s { "
            + " ".join(str(s) for s in subjects)
            + f" }} {{ ?s ?p ?o }} UNION {{ {statistics.named} }} }} LIMIT 1"
        )
        if clash:
            raise StoreError(f"the data already uses {clash[0]['s']}, an IRI the dataset description mints")
        copies = 2 if session.merges_into_default else 1
        total = statistics.data_quads + copies * len(content)
        triples = self.triples(statistics, total)
        graph = iri(self.iris.dataset_graph)
        for start in range(0, len(triples), INSERT_BATCH):  # Virtuoso refuses long updates
            part = triples[start : start + INSERT_BATCH]
            inserted = f"GRAPH {graph} {{\n{ntriples(part)}}}"
            if session.merges_into_default:
                inserted += "\n" + ntriples(part)
            session.update(f"INSERT DATA {{\n{inserted}\n}}")
        written = Statistics.quad_count(session, self.iris)
        if written != total:
            raise StoreError(f"the dataset description states {total} quads, but the store holds {written}")
        self.quads = len(triples)

    def triples(self, stats: Statistics, total: int) -> list[ox.Triple]:
        """The description: the dataset (``total`` quads), its data subset with the statistics, the
        linkset, the catalogue, the SPARQL service and the dumps (without checksums, see above)."""
        iris, base = self.iris, self.iris.base
        dataset, data = iri(iris.dataset), iri(f"{iris.dataset}#data")
        catalog, endpoint = iri(f"{base}catalog"), iri(f"{base}sparql")
        rights = iri(f"{iris.dataset}#source-texts")
        licence = iri(DATA_LICENCE)
        out: list[ox.Triple] = []

        def add(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
            out.append(ox.Triple(s, p, o))

        def count(n: int) -> ox.Literal:
            return typed(n, XSD.integer)

        add(catalog, RDF.type, DCAT.Catalog)
        add(catalog, DCTERMS.title, text("dprk-kg catalogue"))
        add(catalog, DCTERMS.license, licence)
        add(catalog, DCAT.dataset, dataset)
        add(catalog, DCAT.service, endpoint)
        add(dataset, RDF.type, VOID.Dataset)
        add(dataset, RDF.type, DCAT.Dataset)
        add(dataset, DCTERMS.title, text("dprk-kg: North Korea's regional-development drive, from news reports"))
        add(
            dataset,
            DCTERMS.description,
            text(
                "A knowledge graph of North Korea's regional-development drive built from news reports, every "
                "triple traced to the sentence it comes from; with its named graphs and their provenance."
            ),
        )
        add(dataset, DCTERMS.license, licence)
        add(dataset, DCTERMS.rights, rights)
        add(rights, RDF.type, DCTERMS.RightsStatement)
        add(rights, RDFS.label, text(SOURCE_RIGHTS))
        for predicate in (DCTERMS.created, DCTERMS.issued, DCTERMS.modified):
            add(dataset, predicate, typed(self.issued, XSD.dateTime))
        add(dataset, VOID.triples, count(total))
        add(dataset, VOID.sparqlEndpoint, endpoint)
        add(dataset, VOID.uriSpace, ox.Literal(base))
        add(dataset, VOID.vocabulary, iri(DKG_NS))
        add(dataset, VOID.subset, data)
        add(dataset, RDFS.seeAlso, iri(ONTOLOGY_IRI))
        for example in stats.examples:
            add(dataset, VOID.exampleResource, iri(example))
        add(endpoint, RDF.type, DCAT.DataService)
        add(endpoint, DCAT.endpointURL, endpoint)
        add(endpoint, DCAT.servesDataset, dataset)
        add(endpoint, DCTERMS.conformsTo, iri("https://www.w3.org/TR/sparql11-protocol/"))
        service = iri(f"{iris.dataset}#sparql")
        add(dataset, DCAT.distribution, service)
        add(service, RDF.type, DCAT.Distribution)
        add(service, DCTERMS.title, text("SPARQL 1.1 endpoint"))
        add(service, DCAT.accessURL, endpoint)
        add(service, DCAT.accessService, endpoint)
        add(service, DCTERMS.license, licence)
        for dump in DUMPS if self.with_dumps else ():
            node, download = iri(dump.distribution_iri(base)), iri(dump.download_iri(base))
            add(dataset, VOID.dataDump, download)
            add(dataset, DCAT.distribution, node)
            add(node, RDF.type, DCAT.Distribution)
            add(node, DCTERMS.title, text(f"the whole dataset as {dump.name}"))
            add(node, DCAT.downloadURL, download)
            add(node, DCAT.accessURL, download)
            add(node, DCAT.mediaType, iri(IANA + dump.format.media_type))
            if dump.gzipped:
                add(node, DCAT.compressFormat, iri(IANA + "application/gzip"))
            add(node, DCTERMS.license, licence)
        add(data, RDF.type, VOID.Dataset)
        add(data, DCTERMS.title, text("the data: every quad of the dataset but its description"))
        add(data, VOID.triples, count(stats.data_quads))
        add(data, VOID.entities, count(stats.entities))
        add(data, VOID.distinctSubjects, count(stats.subjects))
        add(data, VOID.distinctObjects, count(stats.objects))
        add(data, VOID.classes, count(len(stats.classes)))
        add(data, VOID.properties, count(len(stats.properties)))
        add(data, VOID.uriSpace, ox.Literal(base))
        for kind, partitions, link in (
            ("class", stats.classes, VOID["class"]),
            ("property", stats.properties, VOID.property),
        ):
            for term, n in sorted(partitions.items()):
                node = iri(f"{iris.dataset}#{kind}-{hashlib.sha256(term.encode()).hexdigest()[:16]}")
                add(data, VOID.classPartition if kind == "class" else VOID.propertyPartition, node)
                add(node, link, iri(term))
                add(node, VOID.entities if kind == "class" else VOID.triples, count(n))
        links, wikidata = iri(f"{iris.dataset}#wikidata-links"), iri(f"{iris.dataset}#wikidata")
        add(dataset, VOID.subset, links)
        add(links, RDF.type, VOID.Linkset)
        add(links, VOID.linkPredicate, SKOS.exactMatch)
        add(links, VOID.subjectsTarget, data)
        add(links, VOID.objectsTarget, wikidata)
        add(links, VOID.triples, count(stats.wikidata_links))
        add(wikidata, RDF.type, VOID.Dataset)
        add(wikidata, DCTERMS.title, text("Wikidata"))
        add(wikidata, VOID.uriSpace, ox.Literal(WD.iri))
        return out


class Statistics:
    """The data's statistics, counted by SPARQL on the store: over this deployment's named graphs
    (those under its base) and, where the store holds it, the default graph's merge."""

    def __init__(self, session: Session, iris: Iris) -> None:
        self.session = session
        base = str(ox.Literal(iris.base))
        self.named = f"GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), {base}))"
        self.base = base
        self.entity_prefix = str(ox.Literal(iris.base + "id/"))

    @classmethod
    def quad_count(cls, session: Session, iris: Iris) -> int:
        """Quads as a dump holds them: the named graphs', and the default graph's where it is held."""
        return cls(session, iris)._count_quads()

    @classmethod
    def of(cls, session: Session, iris: Iris) -> Statistics:
        stats = cls(session, iris)
        named, base = stats.named, stats.base
        link = f"?s {SKOS.exactMatch} ?o FILTER (STRSTARTS(STR(?o), {ox.Literal(WD.iri)}))"
        queries = {
            "properties": f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {named} }} GROUP BY ?p",
            "distinct": "SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) "
            f"WHERE {{ {named} }}",
            "entities": f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {named} FILTER (isIRI(?s) && "
            f"STRSTARTS(STR(?s), {base})) }}",
            "classes": f"SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?class }} "
            f"FILTER (STRSTARTS(STR(?g), {base})) }} GROUP BY ?class",
            "links": stats._in_named_graphs(link),
            "examples": f"SELECT ?s (COUNT(*) AS ?n) WHERE {{ {named} FILTER (STRSTARTS(STR(?s), "
            f"{stats.entity_prefix})) }} GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT {EXAMPLES}",
        }
        if session.merges_into_default:
            queries["default properties"] = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
            queries["default links"] = f"SELECT (COUNT(*) AS ?n) WHERE {{ {link} }}"
        answers = dict(zip(queries, selected(session, queries.values()), strict=True))
        counts: Counter[str] = Counter()
        for row in (*answers["properties"], *answers.get("default properties", ())):
            counts[row["p"]] += int(row["n"])
        stats.properties = dict(counts)
        stats.data_quads = sum(stats.properties.values())  # every quad has one property: no count of its own
        row = answers["distinct"][0]
        stats.subjects, stats.objects = int(row["subjects"]), int(row["objects"])
        stats.entities = int(answers["entities"][0]["n"])
        stats.classes = {r["class"]: int(r["n"]) for r in answers["classes"]}
        stats.wikidata_links = sum(int(answers[k][0]["n"]) for k in ("links", "default links") if k in answers)
        stats.examples = [r["s"] for r in answers["examples"]]
        return stats

    data_quads = subjects = objects = entities = wikidata_links = 0
    classes: dict[str, int]
    properties: dict[str, int]
    examples: list[str]

    def _in_named_graphs(self, pattern: str) -> str:
        return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {pattern} }} FILTER (STRSTARTS(STR(?g), {self.base})) }}"

    def _count_quads(self) -> int:
        """Quads in the named graphs, and in the held default graph."""
        queries = [self._in_named_graphs("?s ?p ?o")]
        if self.session.merges_into_default:
            queries.append("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return sum(int(rows[0]["n"]) for rows in selected(self.session, queries))


def selected(session: Session, queries: Iterable[str]) -> list[list[dict[str, str]]]:
    """The answers of independent SELECTs, in their order; side by side on a session that can read in
    parallel (the embedded store evaluates without the GIL: the statistics take half the time on two
    cores), else one after the other."""
    queries = list(queries)
    if not getattr(session, "parallel_reads", False):
        return [session.select(q) for q in queries]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(session.select, queries))
