"""Content negotiation as a pure function over the tables, without HTTP."""

import pytest

from dprk_kg.server import negotiation as n
from dprk_kg.store import ResultFormat as F


@pytest.mark.parametrize(
    ("kind", "accept", "expected"),
    [
        ("solutions", None, F.SPARQL_JSON),
        ("solutions", "text/csv;q=0.5, application/sparql-results+xml", F.SPARQL_XML),
        ("solutions", "text/*", F.CSV),
        ("solutions", "application/xml", F.SPARQL_XML),
        ("boolean", "application/sparql-results+json;q=0.1, application/sparql-results+xml;q=0.2", F.SPARQL_XML),
        ("graph", "application/rdf+xml;q=0.9, text/turtle;q=0.8", F.RDF_XML),
        ("graph", "*/*", F.TURTLE),
        ("graph", "text/plain", F.N_TRIPLES),
        ("graph", "application/trig", F.TRIG),
    ],
)
def test_choose(kind: str, accept: str | None, expected: F) -> None:
    assert n.choose(kind, accept) is expected


def test_q_zero_excludes() -> None:
    with pytest.raises(n.NotAcceptable):
        n.choose("solutions", "text/csv;q=0")


def test_format_parameter_wins_and_is_checked() -> None:
    assert n.choose("solutions", "application/sparql-results+xml", "tsv") is F.TSV
    with pytest.raises(n.NotAcceptable):
        n.choose("boolean", None, "csv")
    with pytest.raises(n.UnknownFormat):
        n.choose("graph", None, "pdf")


def test_not_acceptable_lists_the_offer() -> None:
    with pytest.raises(n.NotAcceptable, match="text/turtle, application/n-triples"):
        n.choose("graph", "text/csv")


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("application/rdf+xml", False),
        ("*/*", False),
        (None, False),
        ("text/turtle, text/html;q=0.5", False),
    ],
)
def test_prefers_html(accept: str | None, html: bool) -> None:
    assert n.prefers_html(accept) is html
