"""Content negotiation as pure functions over tables: which serialisation answers a request.

A ``format=`` parameter (short name or media type) wins over ``Accept``, so a browser link can ask
for CSV; otherwise ``Accept`` is read with its q-values; with neither, each query form has a default.
"""

from __future__ import annotations

from dataclasses import dataclass

from dprk_kg.store import ResultFormat

SOLUTIONS = (ResultFormat.SPARQL_JSON, ResultFormat.SPARQL_XML, ResultFormat.CSV, ResultFormat.TSV)
BOOLEAN = (ResultFormat.SPARQL_JSON, ResultFormat.SPARQL_XML)
GRAPH = (ResultFormat.TURTLE, ResultFormat.N_TRIPLES, ResultFormat.JSON_LD, ResultFormat.RDF_XML)
DATASET = (ResultFormat.TRIG, ResultFormat.N_QUADS)
OFFERS = {"solutions": SOLUTIONS, "boolean": BOOLEAN, "graph": GRAPH + DATASET}

SHORT_NAMES = {
    "json": ResultFormat.SPARQL_JSON,
    "srj": ResultFormat.SPARQL_JSON,
    "xml": ResultFormat.SPARQL_XML,
    "srx": ResultFormat.SPARQL_XML,
    "csv": ResultFormat.CSV,
    "tsv": ResultFormat.TSV,
    "turtle": ResultFormat.TURTLE,
    "ttl": ResultFormat.TURTLE,
    "ntriples": ResultFormat.N_TRIPLES,
    "nt": ResultFormat.N_TRIPLES,
    "jsonld": ResultFormat.JSON_LD,
    "json-ld": ResultFormat.JSON_LD,
    "rdfxml": ResultFormat.RDF_XML,
    "rdf": ResultFormat.RDF_XML,
    "trig": ResultFormat.TRIG,
    "nquads": ResultFormat.N_QUADS,
    "nq": ResultFormat.N_QUADS,
}
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
# Media types clients send that mean one of ours.
ALIASES = {
    "application/json": ResultFormat.SPARQL_JSON,
    "application/xml": ResultFormat.SPARQL_XML,
    "text/xml": ResultFormat.SPARQL_XML,
    "text/plain": ResultFormat.N_TRIPLES,
    "application/x-turtle": ResultFormat.TURTLE,
    "text/n3": ResultFormat.TURTLE,
    "application/x-trig": ResultFormat.TRIG,
    "text/x-nquads": ResultFormat.N_QUADS,
}
BY_MEDIA_TYPE = {f.media_type: f for f in ResultFormat} | ALIASES


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


class NotAcceptable(Exception):
    """Nothing offered is acceptable; carries what could have been given."""

    def __init__(self, offered: tuple[ResultFormat, ...]) -> None:
        self.offered = offered
        super().__init__("none of the acceptable types can be produced; available: " + available(offered))


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
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(media, q, order))
    return sorted(ranges, key=lambda r: (-r.q, r.type.count("*"), r.order))


def choose(kind: str, accept: str | None, format_parameter: str | None = None) -> ResultFormat:
    """The serialisation for a result of ``kind`` ("solutions", "boolean", "graph")."""
    offered = OFFERS[kind]
    if format_parameter:
        wanted = SHORT_NAMES.get(format_parameter.lower()) or BY_MEDIA_TYPE.get(format_parameter.lower())
        if wanted is None:
            raise UnknownFormat(f"unknown format {format_parameter!r}; use one of: {', '.join(sorted(SHORT_NAMES))}")
        if wanted not in offered:
            raise NotAcceptable(offered)
        return wanted
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    best: tuple[float, int, int, ResultFormat] | None = None
    for rank, candidate in enumerate(offered):
        for media_range in ranges:
            aliases = [] if "*" in media_range.type else [a for a, f in ALIASES.items() if f is candidate]
            names = [candidate.media_type, *aliases]  # a wildcard matches canonical types only
            if any(media_range.matches(name) for name in names):
                score = (media_range.q, -media_range.type.count("*"), -rank, candidate)
                if media_range.q > 0 and (best is None or score[:3] > best[:3]):
                    best = score
                break
    if best is None:
        raise NotAcceptable(offered)
    return best[3]


def prefers_html(accept: str | None) -> bool:
    """A browser: HTML is acceptable and preferred at least as much as any RDF or results type."""
    ranges = parse_accept(accept)
    html = max((r.q for r in ranges if r.matches("text/html") and r.type != "*/*"), default=0.0)
    rdf = max((r.q for r in ranges for f in ResultFormat if r.type != "*/*" and r.matches(f.media_type)), default=0.0)
    return html > 0 and html >= rdf
