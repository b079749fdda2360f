"""The SPARQL lexer: syntax is seen where it is syntax, never inside strings, IRIs or comments."""

import pytest

from dprk_kg import sparql_text as st

TRICKY = 'PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:p "{ SERVICE" . FILTER (?a<?b) # } SERVICE {\n ?s ?p """}"""}'


def test_nesting_ignores_brackets_in_strings_and_comments() -> None:
    assert st.max_nesting(TRICKY) == 2
    assert st.max_nesting("SELECT * WHERE " + "{" * 300 + "}" * 300) == 300


@pytest.mark.parametrize(
    ("text", "form"),
    [
        (TRICKY, "SELECT"),
        ("# ASK\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("BASE <x> ASK {}", "ASK"),
        ("DESCRIBE <x>", "DESCRIBE"),
        ("PREFIX a: <b> INSERT DATA { GRAPH <g> { <a> <b> <c> } }", "UPDATE"),
        ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "UPDATE"),
        ("nonsense", None),
    ],
)
def test_form(text: str, form: str | None) -> None:
    assert st.form(text) == form


def test_service_and_load_targets() -> None:
    assert st.service_targets(TRICKY) == []
    assert st.service_targets("SELECT * { SERVICE SILENT <http://x/sparql> {} SERVICE ?e {} }") == [
        "<http://x/sparql>",
        "?e",
    ]
    assert st.load_sources("LOAD SILENT <http://y/data.ttl> INTO GRAPH <g>") == ["<http://y/data.ttl>"]


def test_using_goes_before_the_where_of_each_modify_operation() -> None:
    update = "INSERT { GRAPH <g> { ?s a <T> } } WHERE { ?s a <U> } ; DELETE WHERE { ?a ?b ?c }"
    assert st.with_using(update, ["http://d"], ["http://n"]) == (
        "INSERT { GRAPH <g> { ?s a <T> } } USING <http://d> USING NAMED <http://n> WHERE { ?s a <U> } ; "
        "DELETE WHERE { ?a ?b ?c }"
    )
    assert st.declares_dataset("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert not st.declares_dataset('INSERT DATA { GRAPH <g> { <a> <b> "USING" } }')


def test_final_semicolon_and_declared_prefixes() -> None:
    assert st.without_final_semicolon('INSERT DATA { GRAPH <g> { <a> <b> ";" } } ; # done') == (
        'INSERT DATA { GRAPH <g> { <a> <b> ";" } }  # done'
    )
    assert st.declared_prefixes("PREFIX dc: <http://purl.org/dc/terms/> PREFIX : <http://e/> ASK {}") == {
        "dc": "http://purl.org/dc/terms/",
        "": "http://e/",
    }
