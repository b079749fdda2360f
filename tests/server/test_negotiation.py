"""Content negotiation as a pure function over the tables, without HTTP."""

import re

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
        n.choose("boolean", None, "turtle")
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


# --- names and media types as the clients that send them mean them ---------------------------


@pytest.mark.parametrize(
    ("kind", "name", "expected", "label"),
    [
        ("solutions", "xml", F.SPARQL_XML, "application/sparql-results+xml"),
        ("boolean", "xml", F.SPARQL_XML, "application/sparql-results+xml"),
        ("graph", "xml", F.RDF_XML, "application/rdf+xml"),  # SPARQLWrapper's default for CONSTRUCT
        ("solutions", "json", F.SPARQL_JSON, "application/sparql-results+json"),
        ("graph", "json", F.JSON_LD, "application/ld+json"),
        ("graph", "json-ld", F.JSON_LD, "application/ld+json"),
        ("graph", "rdf+xml", F.RDF_XML, "application/rdf+xml"),
        ("graph", "rdf xml", F.RDF_XML, "application/rdf+xml"),  # "rdf+xml" typed in a URL
        ("graph", "rdfxml", F.RDF_XML, "application/rdf+xml"),
        ("graph", "rdf", F.RDF_XML, "application/rdf+xml"),
        ("graph", "application/rdf+xml", F.RDF_XML, "application/rdf+xml"),
        ("graph", "n3", F.TURTLE, "text/n3"),  # Turtle is N3; labelled as asked
        ("graph", "text/n3", F.TURTLE, "text/n3"),
        ("graph", "turtle", F.TURTLE, "text/turtle"),
        ("graph", "TEXT/TURTLE; charset=utf-8", F.TURTLE, "text/turtle"),
        ("graph", "application/json", F.JSON_LD, "application/ld+json"),
        ("graph", "n-triples", F.N_TRIPLES, "application/n-triples"),
        ("boolean", "csv", F.CSV, "text/csv"),
        ("solutions", "application/json", F.SPARQL_JSON, "application/sparql-results+json"),
    ],
)
def test_format_names(kind: str, name: str, expected: F, label: str) -> None:
    assert n.negotiate(kind, "image/png", name) == n.Choice(expected, label)  # the name wins over Accept


@pytest.mark.parametrize(
    ("kind", "accept", "expected", "label"),
    [
        ("graph", "application/json", F.JSON_LD, "application/ld+json"),
        ("graph", "application/json;q=0.9, text/csv", F.JSON_LD, "application/ld+json"),
        ("graph", "text/n3", F.TURTLE, "text/n3"),
        ("graph", "text/n3;q=0.3, text/turtle", F.TURTLE, "text/turtle"),
        ("graph", "application/xml", F.RDF_XML, "application/rdf+xml"),
        ("graph", "application/sparql-results+xml", F.RDF_XML, "application/rdf+xml"),  # roqet, any form
        ("graph", "application/sparql-results+json", F.JSON_LD, "application/ld+json"),
        ("graph", "application/sparql-results+xml, application/rdf+xml", F.RDF_XML, "application/rdf+xml"),
        ("solutions", "application/json", F.SPARQL_JSON, "application/sparql-results+json"),
        ("solutions", "application/rdf+xml, application/sparql-results+xml", F.SPARQL_XML, F.SPARQL_XML.media_type),
        ("boolean", "text/csv", F.CSV, "text/csv"),
        ("graph", "text/*", F.TURTLE, "text/turtle"),  # a wildcard matches a format's own type only
        ("graph", "application/*", F.N_TRIPLES, "application/n-triples"),
    ],
)
def test_accept_by_kind(kind: str, accept: str, expected: F, label: str) -> None:
    assert n.negotiate(kind, accept) == n.Choice(expected, label)


@pytest.mark.parametrize(
    ("kind", "name"),
    [("solutions", "turtle"), ("solutions", "n3"), ("boolean", "rdf+xml"), ("graph", "csv"), ("graph", "tsv")],
)
def test_a_name_the_result_cannot_take_is_not_acceptable(kind: str, name: str) -> None:
    with pytest.raises(n.NotAcceptable, match=re.escape(f"format={name} (") + ".* cannot carry .*; available: "):
        n.choose(kind, "*/*", name)


@pytest.mark.parametrize("name", ["pdf", "text/html", "xml+rdf", "", " "])
def test_unknown_names(name: str) -> None:
    if not name.strip():
        assert n.choose("graph", None, name or None) is F.TURTLE  # an empty format= is no format
        return
    with pytest.raises(n.UnknownFormat, match="unknown format"):
        n.choose("graph", None, name)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", F.SPARQL_JSON),
        (",,,;;;", F.SPARQL_JSON),
        ("garbage", F.SPARQL_JSON),  # no media range at all: as if there were no Accept
        ("text/csv;q=5", F.CSV),
        ("text/csv;q=-1, text/tab-separated-values;q=0.1", F.TSV),
        ("text/csv;q=inf, application/sparql-results+xml", F.SPARQL_XML),  # equal q: the offer's order
        ("text/csv;Q=0.1, text/tab-separated-values;q=0.2", F.TSV),
    ],
)
def test_odd_accept_headers(accept: str, expected: F) -> None:
    assert n.choose("solutions", accept) is expected


@pytest.mark.parametrize("accept", ["*/*;q=0", "text/csv;q=nan", "text/csv;q=abc", "image/png, text/html"])
def test_nothing_acceptable(accept: str) -> None:
    with pytest.raises(n.NotAcceptable):
        n.choose("solutions", accept)


def test_prefers_html_knows_the_aliases() -> None:
    assert not n.prefers_html("text/n3, text/html;q=0.5")
    assert not n.prefers_html("application/json, text/html;q=0.9")
    assert n.prefers_html("text/html, application/json;q=0.9")
