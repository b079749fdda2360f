"""The dataset's description at ``/.well-known/void`` (RFC 8615, VoID §7.2): VoID and DCAT, by content
negotiation — Turtle, N-Triples, JSON-LD, RDF/XML (TriG, N-Quads: in their default graph) or an HTML
page for a browser. ``/dataset`` and ``/catalog``, the IRIs of the dataset and of the catalogue, answer
``303 See Other`` to it.

The description is the graph the build computed on the store (``<base>graph/dataset``,
``loaders/rdf/dataset_description.py``), plus what cannot be in the store because it is about the
dumps' bytes: each dump's ``dcat:byteSize`` and ``spdx:checksum`` (SHA-256), from the manifest the build
wrote beside them (``dprk_kg/dumps.py``). Only dumps of the store's current version are described
so; the validators therefore cover the manifest as well as the store's version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template, request
from werkzeug.wrappers import Response as WerkzeugResponse

from dprk_kg.dumps import Manifest
from dprk_kg.iris import Iris
from dprk_kg.server import negotiation
from dprk_kg.server.caching import precondition, stamp, version_validators
from dprk_kg.server.dumps import manifest, signature
from dprk_kg.server.errors import HttpError
from dprk_kg.server.executor import QueryJob
from dprk_kg.server.linked_data import local_href
from dprk_kg.server.ontology_docs import short
from dprk_kg.server.protocol import execute
from dprk_kg.server.runtime import config
from dprk_kg.store import ResultFormat
from dprk_kg.store.base import Dataset
from dprk_kg.store.formats import RDF_FORMATS, serialise
from dprk_kg.vocabulary import DCAT, DCTERMS, RDF, RDFS, SKOS, VOID, XSD, Namespace

blueprint = Blueprint("dataset", __name__)
SPDX = Namespace("http://spdx.org/rdf/terms#")
WELL_KNOWN = "/.well-known/void"
PREFIXES = {
    "void": VOID.iri,
    "dcat": DCAT.iri,
    "dcterms": DCTERMS.iri,
    "spdx": SPDX.iri,
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "skos": SKOS.iri,
    "xsd": XSD.iri,
}
EVERYTHING = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"  # run with the description graph as the default


# the extensions a linked-data page gives an IRI under the base (``local_href``), and their format names
EXTENSION_FORMATS = {"html": "", "ttl": "turtle", "nt": "ntriples", "jsonld": "jsonld", "rdf": "rdfxml"}
EXTENSION_FORMATS |= {"trig": "trig", "nq": "nquads"}


@blueprint.route("/dataset")
@blueprint.route("/catalog")
def see_description() -> WerkzeugResponse:
    """The dataset and the catalogue are described by the one document: ``303`` to it, which answers
    by ``Accept``."""
    return _see(WELL_KNOWN)


@blueprint.route("/dataset.<extension>")
@blueprint.route("/catalog.<extension>")
def see_description_as(extension: str) -> WerkzeugResponse:
    """``….ttl`` and the other documents a linked-data page links: ``303`` to the description in that format."""
    if extension not in EXTENSION_FORMATS:
        raise HttpError(404, f"no such resource: {request.path}")
    name = EXTENSION_FORMATS[extension]
    return _see(f"{WELL_KNOWN}?format={name}" if name else WELL_KNOWN)


def _see(target: str) -> WerkzeugResponse:
    response = redirect(target, code=303)
    response.vary.add("Accept")
    return response


@blueprint.route(WELL_KNOWN)
def void() -> Response:
    accept, asked = request.headers.get("Accept"), request.args.get("format")
    html = not asked and negotiation.prefers_html(accept)
    media_type = "text/html"
    fmt: ResultFormat | None = None
    if not html:
        try:
            choice = negotiation.negotiate("graph", accept, asked)
        except negotiation.UnknownFormat as error:
            raise HttpError(400, str(error)) from error
        except negotiation.NotAcceptable as error:
            raise HttpError(406, str(error) + ", text/html") from error
        fmt, media_type = choice.format, choice.media_type
    dumps = manifest()
    validators = version_validators(request.query_string.decode("latin-1"), media_type, signature(dumps))
    if validators is not None and (answer := precondition(validators, before_running=True, vary="Accept")):
        return answer
    triples = description(dumps)
    body: str | bytes
    if fmt is None:
        body = render_template(
            "dataset.html", p=DatasetPage(triples, dumps), local=local_href, short=short, void=VOID, dcterms=DCTERMS
        )
    else:
        body = serialise(triples, RDF_FORMATS[fmt], PREFIXES)
    response = Response(body, mimetype=media_type)
    response.vary.add("Accept")
    response.headers["Link"] = f'<{Iris(config().base).dataset}>; rel="describes"'
    return stamp(response, validators)


def description(dumps: Manifest | None) -> list[ox.Triple]:
    """The stored description, with the checksum and size of each dump of the current version."""
    iris = Iris(config().base)
    answer = execute(QueryJob(EVERYTHING, ResultFormat.N_TRIPLES, Dataset((iris.dataset_graph,))))
    triples = [t.triple for t in ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)]
    if not triples:
        raise HttpError(404, "the store holds no dataset description (<graph/dataset>); run dprk-kg build")
    described = {t.subject for t in triples if t.predicate == RDF.type and t.object == DCAT.Distribution}
    for entry in dumps.files if dumps else ():
        node = ox.NamedNode(entry.dump.distribution_iri(iris.base))
        if node not in described:
            continue
        checksum = ox.NamedNode(f"{node.value}-sha256")
        triples += [
            ox.Triple(node, DCAT.byteSize, ox.Literal(str(entry.size), datatype=XSD.nonNegativeInteger)),
            ox.Triple(node, SPDX.checksum, checksum),
            ox.Triple(checksum, RDF.type, SPDX.Checksum),
            ox.Triple(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
            ox.Triple(checksum, SPDX.checksumValue, ox.Literal(entry.sha256, datatype=XSD.hexBinary)),
        ]
    return triples


@dataclass
class Dump:
    name: str
    href: str
    media_type: str
    size: int
    sha256: str


@dataclass
class DatasetPage:
    """What the HTML page shows, read from the description's triples."""

    triples: list[ox.Triple]
    dumps: Manifest | None
    about: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for t in self.triples:
            if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, (ox.NamedNode, ox.Literal)):
                self.about.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)

    def values(self, subject: str, predicate: ox.NamedNode) -> list[str]:
        return sorted(term.value for term in self.about.get(subject, {}).get(predicate.value, []))

    def value(self, subject: str, predicate: ox.NamedNode) -> str:
        return next(iter(self.values(subject, predicate)), "")

    @property
    def dataset(self) -> str:
        return Iris(config().base).dataset

    @property
    def data(self) -> str:
        return self.dataset + "#data"

    @property
    def rights(self) -> str:
        return self.value(self.value(self.dataset, DCTERMS.rights), RDFS.label)

    @property
    def files(self) -> list[Dump]:
        return [
            Dump(f.dump.name, f"/dumps/{f.dump.name}", f.dump.content_type, f.size, f.sha256)
            for f in (self.dumps.files if self.dumps else ())
        ]

    def partitions(self, kind: ox.NamedNode, term: ox.NamedNode, count: ox.NamedNode) -> list[tuple[str, int]]:
        """(class or property, count) of each partition, largest first."""
        rows = [(self.value(p, term), int(self.value(p, count) or 0)) for p in self.values(self.data, kind)]
        return sorted(rows, key=lambda row: (-row[1], row[0]))

    @property
    def classes(self) -> list[tuple[str, int]]:
        return self.partitions(VOID.classPartition, VOID["class"], VOID.entities)

    @property
    def properties(self) -> list[tuple[str, int]]:
        return self.partitions(VOID.propertyPartition, VOID.property, VOID.triples)

    @property
    def linksets(self) -> list[tuple[str, str, str]]:
        """(link predicate, target's title, triples) of each linkset."""
        found = []
        for subset in self.values(self.dataset, VOID.subset):
            if self.value(subset, VOID.linkPredicate):
                target = self.value(subset, VOID.objectsTarget)
                predicate, n = self.value(subset, VOID.linkPredicate), self.value(subset, VOID.triples)
                found.append((predicate, self.value(target, DCTERMS.title), n))
        return found
