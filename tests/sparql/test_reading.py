"""What the reading of a query or update tells the checks, on texts written to mislead a lexer."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest

from dprk_kg.errors import QueryError
from dprk_kg.sparql.parser import MAX_OPENINGS, SparqlSyntaxError, TooDeep, TooSlow, openings
from dprk_kg.sparql.reading import Target, is_update, read_query, read_update

WELL_KNOWN = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * {}", "SELECT"),
        ("ask{}", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <urn:x>", "DESCRIBE"),
        ("PREFIX select: <urn:s:> # SELECT\nASK { select:x ?p 'SELECT' }", "ASK"),
        ("VERSION '1.2' SELECT * { << ?a ?b ?c ~ ?r >> ?p ?o }", "SELECT"),
    ],
)
def test_the_form_is_the_grammars(text: str, form: str) -> None:
    assert read_query(text).form == form


def test_services_are_read_as_the_engine_reads_their_iris() -> None:
    text = (
        "PREFIX l: <http://h/> SELECT * { { BIND(<\\u0041'> AS ?a) } UNION { SERVICE <http://h:1/\\u0078> {} } "
        "SERVICE SILENT l:a\\/b {} SERVICE ?v {} SERVICE <rel> {} SERVICE <http://h/a/../b> {} BIND(<\\u0041'> AS ?b) }"
    )
    assert read_query(text).services == (
        Target("<http://h:1/\\u0078>", "http://h:1/x"),
        Target("l:a\\/b", "http://h/a/b"),
        Target("?v", None),
        Target("<rel>", None),
        Target("<http://h/a/../b>", None),
    )


def test_a_comparison_is_not_read_as_an_iri() -> None:
    """``<?a&&?b>`` could be an IRI; after an operand the engine reads ``<`` as less-than, and so does
    the parser (LALR would otherwise take the longer token)."""
    assert read_query("SELECT * { FILTER (?x<?a&&?b>?y) FILTER((1)<?a&&?b>(2)) }").services == ()
    assert read_query("SELECT * { FILTER (<urn:f>*2 > 1 && <urn:f>+2) ?s <urn:p>+ 1 . ?s <urn:p>* ?o }")


def test_the_predeclared_prefixes_count_and_others_are_refused() -> None:
    assert read_query("SELECT * { ?s rdfs:label ?o }", prefixes=WELL_KNOWN)
    with pytest.raises(SparqlSyntaxError, match="the prefix rdfs: is not declared"):
        read_query("SELECT * { ?s rdfs:label ?o }")
    with pytest.raises(SparqlSyntaxError, match="SERVICEx: is not declared"):
        read_query("PREFIX x: <http://h/> SELECT * { SERVICEx:y ?p ?o }")  # the engine would backtrack to SERVICE


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { BIND("a\\u0022b" AS ?x) }',
        "SELECT * { BIND('a\\u0027b' AS ?x) }",
        'SELECT * { BIND("a\\u005Cb" AS ?x) }',
        'SELECT * { BIND("""a\\u000Ab""" AS ?x) }',
        "SELECT * { # \\u000A SERVICE <http://h/> {}\n }",
    ],
)
def test_escapes_two_engines_read_differently_are_refused(text: str) -> None:
    with pytest.raises(SparqlSyntaxError, match="read differently"):
        read_query(text)


def test_harmless_escapes_are_kept() -> None:
    assert read_query('SELECT * { BIND("caf\\u00E9 \\" \\\\" AS ?x) }').form == "SELECT"


def test_nesting_is_counted_on_the_parsed_tokens() -> None:
    deep = "SELECT * " + "{" * 300 + "}" * 300
    assert read_query(deep).depth == 300
    with pytest.raises(TooDeep, match="deeper than 256"):
        read_query(deep, max_depth=256)
    # brackets inside strings, IRIs and comments are not nesting …
    assert read_query("SELECT * { BIND('{{{{((((' AS ?x) } # {{{{").depth == 2
    # … but they count towards the bound that holds whatever a parser reads
    assert openings("'{{{{' \\u007B") == 5 and MAX_OPENINGS == 50_000


def test_the_graphs_an_update_writes() -> None:
    reading = read_update(
        "PREFIX e: <http://e/> WITH <http://g> DELETE { ?s ?p ?o } INSERT { GRAPH e:g2 { ?s ?p 1 } } "
        "WHERE { ?s ?p ?o } ; MOVE <http://m> TO <http://n> ; ADD DEFAULT TO GRAPH e:z ; "
        "INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> <urn:o> } } ; CREATE GRAPH <urn:c> ; DROP GRAPH <urn:d>"
    )
    assert reading.graphs == {"http://g", "http://e/g2", "http://m", "http://n", "http://e/z", "urn:g", "urn:d"}
    assert not reading.writes_default and reading.declares_dataset


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <urn:s> <urn:p> 1 }",
        "DELETE WHERE { ?s ?p ?o }",
        "INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "CLEAR DEFAULT",
        "COPY <urn:a> TO DEFAULT",
        "LOAD <http://h/x>",
    ],
)
def test_an_update_that_writes_the_default_graph_says_so(text: str) -> None:
    assert read_update(text).writes_default


@pytest.mark.parametrize(
    "text",
    ["CLEAR ALL", "DROP NAMED", "INSERT { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }", "DROP GRAPH <g>"],
)
def test_graphs_that_only_running_can_tell_are_unknown(text: str) -> None:
    assert read_update(text).graphs is None


def test_loads_and_services_of_every_operation() -> None:
    reading = read_update(
        "PREFIX x: <http://x/> INSERT DATA { GRAPH <urn:a> { <urn:s> <urn:p> <\\u0041'> } } ; "
        "LOAD SILENT <http://h/l> INTO GRAPH <urn:l> ; "
        "INSERT { GRAPH <urn:b> { ?s ?p ?o } } WHERE { SERVICE x:s { ?s ?p ?o } }"
    )
    assert reading.loads == (Target("<http://h/l>", "http://h/l"),)
    assert reading.services == (Target("x:s", "http://x/s"),)


def test_a_protocol_dataset_goes_before_each_where_and_survives_reading_again() -> None:
    text = "INSERT { GRAPH <urn:t> { ?s ?p ?o } } WHERE { ?s ?p ?o } ; DELETE { GRAPH <urn:t> { ?s ?p 1 } } WHERE {}"
    written = read_update(text).with_dataset(text, ["urn:u"], ["urn:n"])
    assert written.count("USING <urn:u> USING NAMED <urn:n> WHERE") == 2
    assert read_update(written).declares_dataset
    with pytest.raises(ValueError):
        read_update(text).with_dataset(text, ["urn:x> WHERE {} ; LOAD <http://h/> ; USING <urn:y"], [])


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("CLEAR SILENT GRAPH <urn:a>", False),
        ("CLEAR SILENT GRAPH <urn:a> ;", True),
        ("CLEAR SILENT GRAPH <urn:a> ; # x", True),
    ],
)
def test_more_operations_can_follow_any_update(text: str, ends: bool) -> None:
    reading = read_update(text)
    assert reading.ends_with_separator is ends
    joined = reading.followed_by(text, "DROP SILENT GRAPH <urn:b>")
    ox.Store().update(joined)  # the engine runs the joined text
    assert read_update(joined).graphs == {"urn:a", "urn:b"}


@pytest.mark.parametrize(
    "text",
    [
        "CLEAR SILENT GRAPH <urn:a>",
        "PREFIX a: <urn:a:> BASE <http://h/> CLEAR SILENT GRAPH a:x",
        "VERSION '1.2' # a comment\n PREFIX a: <urn:a:>\n# another\nINSERT DATA { GRAPH a:g { a:s a:p 1 } }",
    ],
)
def test_operations_can_go_before_any_update_after_its_prologue(text: str) -> None:
    """The engine takes a prologue only at the start, so the merge repair's operations go after it."""
    joined = read_update(text).preceded_by(text, "DROP SILENT GRAPH <urn:b>")
    ox.Store().update(joined)
    assert "urn:b" in read_update(joined).graphs  # type: ignore[operator]
    misplaced = f"DROP SILENT GRAPH <urn:b> ; {text}" if "PREFIX" in text else "CLEAR ALL ; PREFIX a: <a:> CLEAR ALL"
    with pytest.raises(SparqlSyntaxError):  # as the engine: a prologue after ";" is not read
        read_update(misplaced)


def test_a_query_and_an_update_are_told_apart() -> None:
    assert is_update("CLEAR ALL") and not is_update("ASK {}")
    with pytest.raises(QueryError):
        read_query("CLEAR ALL")


def test_a_syntax_error_says_where_and_what_would_fit() -> None:
    with pytest.raises(SparqlSyntaxError, match=r"line 1, column 25: '}' does not fit here; expected .*a variable"):
        read_query("SELECT ?x WHERE { ?x ?p }")
    with pytest.raises(SparqlSyntaxError, match=r"line 2, column 1: 'S' does not fit here; expected .*'SELECT'"):
        read_query("# leading comment\nSELEC ?x")


def test_a_large_insert_is_read_in_linear_time() -> None:
    """No timing asserted (benchmarks/writes.py measures it); the reading must simply complete and
    know the graph, where rdflib's parser took minutes for 8k triples."""
    body = "\n".join(f"<urn:s{i}> <urn:p> 'v{i}' ." for i in range(20_000))
    assert read_update(f"INSERT DATA {{ GRAPH <urn:g> {{ {body} }} }}").graphs == {"urn:g"}


def test_reading_stops_at_its_deadline() -> None:
    """The endpoint reads under the query time limit: a text too long to read in time is refused,
    checked every 1,024 tokens; without a deadline (or a cached reading) it is read whole."""
    text = "ASK { " + "?s a ?o . " * 2_000 + "}"
    with pytest.raises(TooSlow):
        read_query(text, deadline=time.monotonic() - 1)
    assert read_query(text).form == "ASK"
    assert read_query(text, deadline=time.monotonic() - 1).form == "ASK"  # the reading kept


def test_a_kept_reading_still_answers_to_a_lower_nesting_limit() -> None:
    deep = "SELECT * " + "{" * 40 + "}" * 40
    assert read_query(deep).depth == 40
    with pytest.raises(TooDeep):
        read_query(deep, max_depth=39)
