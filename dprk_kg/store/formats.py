"""The serialisations a query's answer can take, in one table: what each is called on the wire (its
media type), which result kinds it can carry, and which pyoxigraph format writes or reads it.

Both backends, the linked-data pages and the command line use these tables, so a format means the
same thing wherever it is named.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import BinaryIO

import pyoxigraph as ox

from dprk_kg.errors import QueryError, StoreError


class ResultKind(enum.StrEnum):
    """What a query answers, fixed by its form: SELECT solutions, an ASK boolean, or the triples of a
    CONSTRUCT or DESCRIBE. A ``str`` enum, so it compares equal to the plain names callers use."""

    SOLUTIONS = "solutions"
    BOOLEAN = "boolean"
    GRAPH = "graph"

    @classmethod
    def of_form(cls, form: str) -> ResultKind:
        """The kind of a query form (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``)."""
        return _KIND_OF_FORM[form.upper()]


_KIND_OF_FORM = {
    "SELECT": ResultKind.SOLUTIONS,
    "ASK": ResultKind.BOOLEAN,
    "CONSTRUCT": ResultKind.GRAPH,
    "DESCRIBE": ResultKind.GRAPH,
}


class ResultFormat(enum.Enum):
    """Serialisations a query's output can take (media type, and which query forms may use it)."""

    SPARQL_JSON = ("application/sparql-results+json", "solutions")
    SPARQL_XML = ("application/sparql-results+xml", "solutions")
    CSV = ("text/csv", "solutions")
    TSV = ("text/tab-separated-values", "solutions")
    TURTLE = ("text/turtle", "graph")
    N_TRIPLES = ("application/n-triples", "graph")
    JSON_LD = ("application/ld+json", "graph")
    RDF_XML = ("application/rdf+xml", "graph")
    TRIG = ("application/trig", "dataset")
    N_QUADS = ("application/n-quads", "dataset")

    @property
    def media_type(self) -> str:
        return self.value[0]

    @property
    def family(self) -> str:
        return self.value[1]


RESULTS_FORMATS: dict[ResultFormat, ox.QueryResultsFormat] = {
    ResultFormat.SPARQL_JSON: ox.QueryResultsFormat.JSON,
    ResultFormat.SPARQL_XML: ox.QueryResultsFormat.XML,
    ResultFormat.CSV: ox.QueryResultsFormat.CSV,
    ResultFormat.TSV: ox.QueryResultsFormat.TSV,
}
RDF_FORMATS: dict[ResultFormat, ox.RdfFormat] = {
    ResultFormat.TURTLE: ox.RdfFormat.TURTLE,
    ResultFormat.N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    ResultFormat.JSON_LD: ox.RdfFormat.JSON_LD,
    ResultFormat.RDF_XML: ox.RdfFormat.RDF_XML,
    ResultFormat.TRIG: ox.RdfFormat.TRIG,
    ResultFormat.N_QUADS: ox.RdfFormat.N_QUADS,
}


def graph_serialisation(result_format: ResultFormat) -> ox.RdfFormat:
    """The pyoxigraph format writing a CONSTRUCT's or DESCRIBE's triples as ``result_format``;
    ``QueryError`` when it cannot (the command line reads the message to fall back to Turtle)."""
    rdf = RDF_FORMATS.get(result_format)
    if rdf is None:
        raise QueryError(f"{result_format.media_type} cannot carry the triples of a CONSTRUCT or DESCRIBE")
    return rdf


def serialise(
    items: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """Triples or quads as bytes (pyoxigraph returns ``None`` only when given an output to write to)."""
    return ox.serialize(items, format=fmt, prefixes=prefixes) or b""


def results_serialisation(result_format: ResultFormat) -> ox.QueryResultsFormat:
    """The pyoxigraph format writing SELECT or ASK results as ``result_format``; ``QueryError`` when
    it cannot."""
    results = RESULTS_FORMATS.get(result_format)
    if results is None:
        raise QueryError(f"{result_format.media_type} cannot carry SELECT or ASK results")
    return results


def check_fits(kind: ResultKind, result_format: ResultFormat) -> None:
    """``QueryError`` unless ``result_format`` can carry an answer of ``kind``."""
    if kind is ResultKind.GRAPH:
        graph_serialisation(result_format)
    else:
        results_serialisation(result_format)


def dataset_serialisation(result_format: ResultFormat) -> ox.RdfFormat:
    """The pyoxigraph format for a whole dataset; ``QueryError`` for one that has no named graphs."""
    target = RDF_FORMATS.get(result_format)
    if target is None or not target.supports_datasets:
        raise QueryError(f"{result_format.media_type} cannot hold named graphs; use TriG, N-Quads or JSON-LD")
    return target


def transcode(body: bytes, kind: ResultKind, source: ResultFormat, target: ResultFormat, out: BinaryIO) -> None:
    """Rewrite an answer from one serialisation into another, through pyoxigraph's parsers and
    writers (so the result is written exactly as the embedded store writes it). CSV cannot be a
    source: it does not keep what kind of term a value is."""
    try:
        if kind is ResultKind.GRAPH:
            ox.serialize(ox.parse(body, format=RDF_FORMATS[source]), out, format=graph_serialisation(target))
        else:
            parsed = ox.parse_query_results(body, format=RESULTS_FORMATS[source])
            parsed.serialize(out, format=results_serialisation(target))
    except SyntaxError as error:
        raise StoreError(f"the store's answer is not valid {source.media_type}: {error}") from error
