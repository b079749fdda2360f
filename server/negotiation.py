"""Content negotiation as pure functions over tables: which serialisation answers a request.

A ``format=`` parameter (short name or media type) wins over ``Accept``, so a browser link can ask
for CSV; otherwise ``Accept`` is read with its q-values; with neither, each query form has a default.

Names mean what the clients that send them mean, by the kind of result: ``format=xml`` is SPARQL
results XML for a SELECT or ASK and RDF/XML for a CONSTRUCT or DESCRIBE (SPARQLWrapper's default
sends it for both); ``json`` and ``Accept: application/json`` are SPARQL results JSON or JSON-LD; ``n3``
and ``text/n3`` are answered with Turtle — every Turtle document is an N3 document — labelled
``text/n3``, the type the client asked for (SPARQLWrapper and rdflib read either label as Turtle/N3).
A name the result cannot take (``format=turtle`` on a SELECT, ``csv`` on a CONSTRUCT) is a 406 that
lists what can be given, as an ``Accept`` that cannot be met is.
"""

from __future__ import annotations

from dataclasses import dataclass

from dprk_kg.store import ResultFormat

SOLUTIONS = (ResultFormat.SPARQL_JSON, ResultFormat.SPARQL_XML, ResultFormat.CSV, ResultFormat.TSV)
# An ASK's boolean in CSV or TSV is the bare word (pyoxigraph's writing; the Protocol lists CSV and TSV
# for ASK, the CSV/TSV Recommendation describes SELECT only): offered after JSON and XML.
BOOLEAN = (ResultFormat.SPARQL_JSON, ResultFormat.SPARQL_XML, ResultFormat.CSV, ResultFormat.TSV)
GRAPH = (ResultFormat.TURTLE, ResultFormat.N_TRIPLES, ResultFormat.JSON_LD, ResultFormat.RDF_XML)
DATASET = (ResultFormat.TRIG, ResultFormat.N_QUADS)
OFFERS = {"solutions": SOLUTIONS, "boolean": BOOLEAN, "graph": GRAPH + DATASET}

N3 = "text/n3"

# Short names for ``format=`` that mean the same for every kind of result.
COMMON_NAMES = {
    "csv": ResultFormat.CSV,
    "tsv": ResultFormat.TSV,
    "srj": ResultFormat.SPARQL_JSON,
    "srx": ResultFormat.SPARQL_XML,
    "turtle": ResultFormat.TURTLE,
    "ttl": ResultFormat.TURTLE,
    "n3": ResultFormat.TURTLE,
    "ntriples": ResultFormat.N_TRIPLES,
    "n-triples": ResultFormat.N_TRIPLES,
    "nt": ResultFormat.N_TRIPLES,
    "jsonld": ResultFormat.JSON_LD,
    "json-ld": ResultFormat.JSON_LD,
    "rdfxml": ResultFormat.RDF_XML,
    "rdf+xml": ResultFormat.RDF_XML,
    "rdf": ResultFormat.RDF_XML,
    "trig": ResultFormat.TRIG,
    "nquads": ResultFormat.N_QUADS,
    "n-quads": ResultFormat.N_QUADS,
    "nq": ResultFormat.N_QUADS,
}
# Names whose meaning depends on the result: results formats for SELECT/ASK, RDF syntaxes for a graph.
RESULTS_NAMES = {"json": ResultFormat.SPARQL_JSON, "xml": ResultFormat.SPARQL_XML}
GRAPH_NAMES = {"json": ResultFormat.JSON_LD, "xml": ResultFormat.RDF_XML}

# File name extensions, for downloads.
EXTENSIONS = {
    ResultFormat.SPARQL_JSON: "json",
    ResultFormat.SPARQL_XML: "xml",
    ResultFormat.CSV: "csv",
    ResultFormat.TSV: "tsv",
    ResultFormat.TURTLE: "ttl",
    ResultFormat.N_TRIPLES: "nt",
    ResultFormat.JSON_LD: "jsonld",
    ResultFormat.RDF_XML: "rdf",
    ResultFormat.TRIG: "trig",
    ResultFormat.N_QUADS: "nq",
}
# Media types clients send that mean one of ours, whatever the result.
COMMON_ALIASES = {
    "text/plain": ResultFormat.N_TRIPLES,
    "application/x-turtle": ResultFormat.TURTLE,
    "application/turtle": ResultFormat.TURTLE,
    N3: ResultFormat.TURTLE,
    "text/rdf+n3": ResultFormat.TURTLE,
    "application/n3": ResultFormat.TURTLE,
    "application/rdf+n3": ResultFormat.TURTLE,
    "application/x-json+ld": ResultFormat.JSON_LD,
    "application/x-trig": ResultFormat.TRIG,
    "text/x-nquads": ResultFormat.N_QUADS,
}
# … and those whose meaning depends on the result. A client asking for "SPARQL results" of a
# CONSTRUCT (roqet asks for SPARQL XML whatever the form) gets the graph in that syntax family.
RESULTS_ALIASES = {
    "application/json": ResultFormat.SPARQL_JSON,
    "application/xml": ResultFormat.SPARQL_XML,
    "text/xml": ResultFormat.SPARQL_XML,
}
GRAPH_ALIASES = {
    "application/json": ResultFormat.JSON_LD,
    "application/xml": ResultFormat.RDF_XML,
    "text/xml": ResultFormat.RDF_XML,
    ResultFormat.SPARQL_XML.media_type: ResultFormat.RDF_XML,
    ResultFormat.SPARQL_JSON.media_type: ResultFormat.JSON_LD,
}
# Media types answered under the name the client used rather than the format's own.
LABELS = {N3: N3, "text/rdf+n3": N3, "application/n3": N3, "application/rdf+n3": N3, "n3": N3}


@dataclass(frozen=True)
class MediaRange:
    type: str  # "text/csv", "text/*" or "*/*"
    q: float
    order: int

    def matches(self, media_type: str) -> bool:
        if self.type == "*/*":
            return True
        if self.type.endswith("/*"):
            return media_type.startswith(self.type[:-1])
        return self.type == media_type


@dataclass(frozen=True)
class Choice:
    """The serialisation chosen, and the media type to label it with (its own, or ``text/n3`` for
    Turtle asked for as N3)."""

    format: ResultFormat
    media_type: str


WHAT = {
    "solutions": "a SELECT's solutions",
    "boolean": "an ASK's answer",
    "graph": "a CONSTRUCT's or DESCRIBE's triples",
}


class NotAcceptable(Exception):
    """Nothing offered is acceptable; carries what could have been given."""

    def __init__(self, offered: tuple[ResultFormat, ...], reason: str | None = None) -> None:
        self.offered = offered
        reason = reason or "none of the acceptable types can be produced"
        super().__init__(f"{reason}; available: {available(offered)}")


class UnknownFormat(Exception):
    pass


def available(offered: tuple[ResultFormat, ...]) -> str:
    return ", ".join(f.media_type for f in offered)


def parse_accept(header: str | None) -> list[MediaRange]:
    """``Accept`` as media ranges, most preferred first (q, then specificity, then order)."""
    ranges = []
    for order, part in enumerate((header or "").split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media or "/" not in media:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
                q = 0.0 if weight != weight else max(0.0, min(1.0, weight))  # "nan" is no weight
        ranges.append(MediaRange(media, q, order))
    return sorted(ranges, key=lambda r: (-r.q, r.type.count("*"), r.order))


def names(kind: str) -> dict[str, ResultFormat]:
    """The ``format=`` short names and what they mean for a result of ``kind``."""
    return COMMON_NAMES | (GRAPH_NAMES if kind == "graph" else RESULTS_NAMES)


def aliases(kind: str) -> dict[str, ResultFormat]:
    """The media types, besides each format's own, that mean a format for a result of ``kind``."""
    return COMMON_ALIASES | (GRAPH_ALIASES if kind == "graph" else RESULTS_ALIASES)


def choose(kind: str, accept: str | None, format_parameter: str | None = None) -> ResultFormat:
    """The serialisation for a result of ``kind`` ("solutions", "boolean", "graph")."""
    return negotiate(kind, accept, format_parameter).format


def negotiate(kind: str, accept: str | None, format_parameter: str | None = None) -> Choice:
    """The serialisation for a result of ``kind`` and the media type to label it with; ``UnknownFormat``
    for a ``format=`` that names no format, ``NotAcceptable`` when nothing asked for can be given."""
    offered = OFFERS[kind]
    if format_parameter and format_parameter.strip():
        # "rdf+xml" typed in a URL arrives as "rdf xml" (a "+" is a space there); a media type may have parameters
        asked = format_parameter.split(";")[0].strip().lower().replace(" ", "+")
        media_types = {f.media_type: f for f in ResultFormat} | aliases(kind)
        wanted = names(kind).get(asked) or media_types.get(asked)
        if wanted is None:
            known = ", ".join(sorted(names(kind)))
            raise UnknownFormat(f"unknown format {format_parameter!r}; use one of: {known} (or a media type)")
        if wanted not in offered:
            raise NotAcceptable(offered, f"format={format_parameter} ({wanted.media_type}) cannot carry {WHAT[kind]}")
        return Choice(wanted, LABELS.get(asked, wanted.media_type))
    ranges = parse_accept(accept)
    if not ranges:
        return Choice(offered[0], offered[0].media_type)
    kind_aliases = aliases(kind)
    best: tuple[float, int, int] | None = None
    chosen: Choice | None = None
    for rank, candidate in enumerate(offered):
        own = [candidate.media_type, *(a for a, f in kind_aliases.items() if f is candidate)]
        for media_range in ranges:  # most preferred first: the first that matches is this candidate's
            # a wildcard matches a format's own media type only, never an alias
            matched = next((name for name in own if media_range.matches(name)), None)
            if matched is None or ("*" in media_range.type and matched != candidate.media_type):
                continue
            score = (media_range.q, -media_range.type.count("*"), -rank)
            if media_range.q > 0 and (best is None or score > best):
                best = score
                chosen = Choice(candidate, LABELS.get(media_range.type, candidate.media_type))
            break
    if chosen is None:
        raise NotAcceptable(offered)
    return chosen


def prefers_html(accept: str | None) -> bool:
    """A browser: HTML is acceptable and preferred at least as much as any RDF or results type."""
    ranges = parse_accept(accept)
    ours = {f.media_type for f in ResultFormat} | set(COMMON_ALIASES) | set(GRAPH_ALIASES) | set(RESULTS_ALIASES)
    html = max((r.q for r in ranges if r.matches("text/html") and r.type != "*/*"), default=0.0)
    rdf = max((r.q for r in ranges for media in ours if r.type != "*/*" and r.matches(media)), default=0.0)
    return html > 0 and html >= rdf
