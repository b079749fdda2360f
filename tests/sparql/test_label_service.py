"""The label service as a rewrite (dprk_kg/sparql/label_service.py): on parsed queries, run on the
store built from the seeds and compared with hand-written queries that say the same thing, and every
hostile form refused with a message."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from dprk_kg.errors import QueryError
from dprk_kg.sparql.label_service import (
    MAX_FILLED,
    MAX_LANGUAGES,
    LabelServiceError,
    Rewritten,
    called,
    language_preference,
    rewrite,
)
from dprk_kg.sparql.reading import read_query
from dprk_kg.vocabulary import BD, RDFS, SKOS, WIKIBASE, base_prefixes
from tests.conftest import Ran

PREFIXES = base_prefixes()
ID = PREFIXES["id"]
SERVICE = 'SERVICE wikibase:label {{ bd:serviceParam wikibase:language "{}" . }}'


def relabel(text: str, auto: tuple[str, ...] = ("en",)) -> Rewritten:
    return rewrite(text, prefixes=PREFIXES, auto_language=auto)


@pytest.fixture(scope="module")
def oxstore(built_store: Path) -> Iterator[ox.Store]:
    yield ox.Store.read_only(str(built_store))


def rows(store: ox.Store, text: str, helpers: str = "_label") -> list[dict[str, str | None]]:
    """The solutions as {variable: N-Triples term or None}; the rewrite's own variables (named
    ``helpers``…) must never show."""
    solutions = store.query(text, prefixes=PREFIXES)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    assert not any(name.startswith(helpers) for name in names), names
    return [{n: (str(s[n]) if s[n] is not None else None) for n in names} for s in solutions]


def labelled(
    store: ox.Store, text: str, auto: tuple[str, ...] = ("en",), helpers: str = "_label"
) -> list[dict[str, str | None]]:
    rewritten = relabel(text, auto).text
    reading = read_query(rewritten, prefixes=PREFIXES)  # the rewrite is a query the parser reads
    assert not called(reading.services)
    return rows(store, rewritten, helpers)


def by(key: str, solutions: list[dict[str, str | None]]) -> list[dict[str, str | None]]:
    return sorted(solutions, key=lambda row: str(row[key]))


def test_wikibase_and_bd_are_known_prefixes() -> None:
    assert PREFIXES["wikibase"] == WIKIBASE.iri == "http://wikiba.se/ontology#"
    assert PREFIXES["bd"] == BD.iri == "http://www.bigdata.com/rdf#"


def test_english_labels_equal_the_hand_written_query(oxstore: ox.Store) -> None:
    service = labelled(oxstore, f"SELECT ?item ?itemLabel WHERE {{ ?item a dkg:Province . {SERVICE.format('en')} }}")
    by_hand = rows(
        oxstore,
        "SELECT ?item ?itemLabel WHERE { ?item a dkg:Province ; rdfs:label ?itemLabel "
        'FILTER(LANG(?itemLabel) = "en") }',
    )
    assert len(by_hand) >= 3
    assert by("item", service) == by("item", by_hand)


def test_preference_order_takes_hangul_where_it_exists_and_english_elsewhere(oxstore: ox.Store) -> None:
    service = labelled(oxstore, f"SELECT ?x ?xLabel WHERE {{ ?x a dkg:Place . {SERVICE.format('ko,en')} }}")
    by_hand = rows(
        oxstore,
        """SELECT ?x ?xLabel WHERE {
             ?x a dkg:Place .
             { ?x rdfs:label ?xLabel FILTER(LANG(?xLabel) = "ko") }
             UNION
             { ?x rdfs:label ?xLabel FILTER(LANG(?xLabel) = "en")
               FILTER NOT EXISTS { ?x rdfs:label ?ko FILTER(LANG(?ko) = "ko") } }
           }""",
    )
    assert by("x", service) == by("x", by_hand)
    languages = {row["xLabel"].rpartition("@")[2] for row in service if row["xLabel"]}
    assert languages == {"ko", "en"}  # the seeds have both: the order decided


def test_alt_labels_are_joined_with_commas_in_the_winning_language(oxstore: ox.Store) -> None:
    service = labelled(oxstore, f"SELECT ?x ?xAltLabel WHERE {{ ?x a dkg:Province . {SERVICE.format('fr,en')} }}")
    expected: dict[str, set[str]] = {}
    for quad in oxstore.quads_for_pattern(None, SKOS.altLabel, None, ox.DefaultGraph()):
        literal = quad.object
        if isinstance(literal, ox.Literal) and literal.language == "en":
            expected.setdefault(str(quad.subject), set()).add(literal.value)
    joined = [row for row in service if row["xAltLabel"] and "," in row["xAltLabel"]]
    assert joined, "some province has several English alternative names"
    for row in service:
        if row["xAltLabel"] is None:
            assert row["x"] not in expected
            continue
        value, _, language = row["xAltLabel"][1:].rpartition('"@')
        assert language == "en"
        assert set(value.split(", ")) == expected[str(row["x"])]


def test_no_label_in_any_language_gives_the_local_name_and_no_alt_label(oxstore: ox.Store) -> None:
    text = (
        "SELECT ?x ?xLabel ?xAltLabel ?xDescription WHERE { VALUES ?x { id:ryanggang-province wd:Q42 "
        f"<http://example.org/thing> }} {SERVICE.format('fr')} }}"
    )
    got = {row["x"]: (row["xLabel"], row["xAltLabel"], row["xDescription"]) for row in labelled(oxstore, text)}
    assert got == {
        f"<{ID}ryanggang-province>": ('"ryanggang-province"', None, None),
        "<http://www.wikidata.org/entity/Q42>": ('"Q42"', None, None),
        "<http://example.org/thing>": ('"http://example.org/thing"', None, None),
    }


def test_an_unbound_subject_fills_nothing_and_keeps_the_rows(oxstore: ox.Store) -> None:
    base = (
        "SELECT ?p ?capital {} WHERE {{ ?p a dkg:Province "
        "OPTIONAL {{ ?capital dkg:locatedIn ?p ; a dkg:Province }} {} }}"
    )
    plain = rows(oxstore, base.format("", ""))
    service = labelled(oxstore, base.format("?capitalLabel", SERVICE.format("en")))
    assert len(service) == len(plain) >= 3
    assert all(row["capital"] is None and row["capitalLabel"] is None for row in service)


def test_manual_mode_with_an_iri_subject_and_any_variable_name(oxstore: ox.Store) -> None:
    text = (
        "SELECT ?name ?other WHERE { SERVICE wikibase:label { bd:serviceParam wikibase:language 'ko' . "
        "id:ryanggang-province rdfs:label ?name ; skos:altLabel ?other } }"
    )
    by_hand = rows(oxstore, 'SELECT ?name WHERE { id:ryanggang-province rdfs:label ?name FILTER(LANG(?name) = "ko") }')
    [row] = labelled(oxstore, text)
    assert row["name"] == by_hand[0]["name"] and row["other"] is None  # no Hangul alternative names


def test_several_parameters_and_auto_language_keep_their_order(oxstore: ox.Store) -> None:
    text = (
        "SELECT ?xLabel WHERE { BIND(id:ryanggang-province AS ?x) SERVICE wikibase:label { "
        "bd:serviceParam wikibase:language '[AUTO_LANGUAGE]' . bd:serviceParam wikibase:language 'en , ko' } }"
    )
    assert labelled(oxstore, text, auto=("ko-kr", "ko"))[0]["xLabel"].endswith("@ko")
    assert labelled(oxstore, text, auto=("fr",))[0]["xLabel"] == '"Ryanggang Province"@en'
    assert relabel(text).auto_language and not relabel(text.replace("[AUTO_LANGUAGE]", "fr")).auto_language


@pytest.mark.parametrize(
    "where",
    [
        "{{ ?x a dkg:Province }} UNION {{ ?x a dkg:Country {s} }}",
        "?x a dkg:Country OPTIONAL {{ ?x dkg:locatedIn ?y {s} }}",
        "{{ SELECT ?x ?xLabel WHERE {{ ?x a dkg:Country {s} }} }}",
        "?x a dkg:Country FILTER EXISTS {{ ?x a ?t {s} }}",
        "{s} ?x a dkg:Country",  # written first, applied last, as WDQS moves it
    ],
)
def test_service_in_groups_unions_optionals_and_subqueries(oxstore: ox.Store, where: str) -> None:
    text = f"SELECT ?x ?xLabel WHERE {{ {where.format(s=SERVICE.format('en'))} }}"
    got = labelled(oxstore, text)
    countries = {row["x"] for row in got if row["x"] and "korea" in row["x"]}
    assert countries
    for row in got:
        if row["x"] == f"<{ID}north-korea>":
            assert row["xLabel"] in ('"North Korea"@en', None)  # None: a branch or EXISTS that does not label


def test_select_star_in_automatic_mode_fills_nothing_and_shows_no_helper(oxstore: ox.Store) -> None:
    got = labelled(oxstore, f"SELECT * WHERE {{ ?x a dkg:Country . {SERVICE.format('en')} }}")
    assert got and all(set(row) == {"x"} for row in got)


def test_construct_fills_its_template_variables(oxstore: ox.Store) -> None:
    text = "CONSTRUCT { ?x rdfs:comment ?xLabel } WHERE { ?x a dkg:Country . " + SERVICE.format("ko,en") + " }"
    graph = oxstore.query(relabel(text).text, prefixes=PREFIXES)
    comments = {str(t.object) for t in graph}
    assert '"조선민주주의인민공화국"@ko' in comments and '"China"@en' in comments


def test_describe_and_ask_run_without_filling(oxstore: ox.Store) -> None:
    assert oxstore.query(relabel(f"ASK {{ ?x a dkg:Country {SERVICE.format('en')} }}").text, prefixes=PREFIXES)
    describe = relabel(f"DESCRIBE ?x WHERE {{ VALUES ?x {{ id:china }} {SERVICE.format('en')} }}").text
    assert len(list(oxstore.query(describe, prefixes=PREFIXES))) > 0


def test_variables_named_like_the_helpers_are_not_shadowed(oxstore: ox.Store) -> None:
    text = f"SELECT ?_label0_x ?_label0_xLabel WHERE {{ BIND(id:china AS ?_label0_x) {SERVICE.format('en')} }}"
    rewritten = relabel(text).text
    assert "?_label1_" in rewritten
    assert labelled(oxstore, text, helpers="_label1_") == [
        {"_label0_x": f"<{ID}china>", "_label0_xLabel": '"China"@en'}
    ]


def test_automatic_mode_leaves_a_variable_the_query_binds(oxstore: ox.Store) -> None:
    text = f"SELECT ?x ?xLabel WHERE {{ BIND(id:china AS ?x) BIND('mine' AS ?xLabel) {SERVICE.format('en')} }}"
    assert labelled(oxstore, text) == [{"x": f"<{ID}china>", "xLabel": '"mine"'}]
    text = f"SELECT ?x ?xLabel WHERE {{ BIND(id:china AS ?x) {SERVICE.format('en')} }} VALUES ?xLabel {{ 'given' }}"
    assert labelled(oxstore, text) == [{"x": f"<{ID}china>", "xLabel": '"given"'}]


def test_a_plain_query_is_not_a_label_service_query() -> None:
    assert not called(read_query("SELECT * WHERE { ?s ?p ?o }", prefixes=PREFIXES).services)
    assert called(read_query(f"SELECT * WHERE {{ {SERVICE.format('en')} }}", prefixes=PREFIXES).services)
    full = (
        "SELECT * WHERE { SERVICE <http://wikiba.se/ontology#label> { "
        "<http://www.bigdata.com/rdf#serviceParam> <http://wikiba.se/ontology#language> 'en' } }"
    )
    assert called(read_query(full, prefixes={}).services)


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ('bd:serviceParam wikibase:language "en" ; wikibase:limit "5"', "takes one parameter"),
        ('bd:serviceParam wikibase:unknown "en"', "takes one parameter"),
        ("?x rdfs:label ?xLabel", "needs a list of languages"),
        ("", "needs a list of languages"),
        (
            'bd:serviceParam wikibase:language "en" . '
            'SERVICE wikibase:label { bd:serviceParam wikibase:language "en" }',
            "inside another label service",
        ),
        ('bd:serviceParam wikibase:language "en\\"x"', "without escapes"),
        ('bd:serviceParam wikibase:language "en\\u0041"', "without escapes"),
        ('bd:serviceParam wikibase:language "en\\u0022"', "read differently"),  # the parser's own refusal
        ('bd:serviceParam wikibase:language "en us"', "is not a language tag"),
        ('bd:serviceParam wikibase:language "en\') } ; DROP ALL #"', "is not a language tag"),
        ('bd:serviceParam wikibase:language "1en"', "is not a language tag"),
        ('bd:serviceParam wikibase:language "en-"', "is not a language tag"),
        (
            f'bd:serviceParam wikibase:language "{",".join(f"l{chr(97 + i)}" for i in range(MAX_LANGUAGES + 1))}"',
            "at most",
        ),
        (f'bd:serviceParam wikibase:language "{"en," * 200}"', "longer than"),
        ('bd:serviceParam wikibase:language "en"@en', "plain string"),
        ("bd:serviceParam wikibase:language ?lang", "plain string"),
        ('bd:serviceParam wikibase:language "en" . ?x rdfs:comment ?c', "not rdfs:comment"),
        ('bd:serviceParam wikibase:language "en" . ?x rdfs:label/rdfs:label ?c', "not a path"),
        ('bd:serviceParam wikibase:language "en" . ?x rdfs:label "x"', "is a variable"),
        ('bd:serviceParam wikibase:language "en" . ?x rdfs:label ?x', "label of itself"),
        ('bd:serviceParam wikibase:language "en" . ?x rdfs:label ?a , ?a', "twice"),
        ('bd:serviceParam wikibase:language "en" . ?x rdfs:label ?y FILTER(true)', "holds only"),
        ('bd:serviceParam wikibase:language "en" . OPTIONAL { ?x rdfs:label ?y }', "holds only"),
        ('bd:serviceParam wikibase:language "en" . [] rdfs:label ?y', "holds only"),
        ('bd:serviceParam wikibase:language "en" . ?x rdfs:label ?y {| rdfs:label ?z |}', "annotations"),
        ("SELECT ?x WHERE { ?x ?p ?o }", "subquery"),
    ],
)
def test_hostile_blocks_are_refused_with_a_message(block: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):  # the endpoint answers 400 with the message
        relabel(f"SELECT ?x ?y WHERE {{ ?x ?p ?o SERVICE wikibase:label {{ {block} }} }}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"SELECT ?x WHERE {{ GRAPH ?g {{ ?x ?p ?o {SERVICE.format('en')} }} }}", "GRAPH"),
        (
            f"SELECT ?x WHERE {{ SERVICE <http://example.org/sparql> {{ ?x ?p ?o {SERVICE.format('en')} }} }}",
            "another SERVICE",
        ),
        (
            "SELECT ?x ?xLabel WHERE { ?x rdfs:label ?xLabel . SERVICE wikibase:label { "
            "bd:serviceParam wikibase:language 'en' . ?x rdfs:label ?xLabel } }",
            "bound elsewhere",
        ),
        (
            "SELECT * WHERE { ?x a dkg:Country SERVICE wikibase:label { "
            "bd:serviceParam wikibase:language 'en' . ?x rdfs:label ?name } }",
            "SELECT \\*",
        ),
        (
            "DESCRIBE * WHERE { ?x a dkg:Country SERVICE wikibase:label { "
            "bd:serviceParam wikibase:language 'en' . ?x rdfs:label ?name } }",
            "SELECT \\*",
        ),
        (
            "SELECT ?n WHERE { SERVICE wikibase:label { "
            "bd:serviceParam wikibase:language 'en' . <rel> rdfs:label ?n } }",
            "absolute IRI",
        ),
    ],
)
def test_what_the_rewrite_cannot_carry_out_is_refused(text: str, message: str) -> None:
    with pytest.raises(LabelServiceError, match=message):
        relabel(text)


def test_the_number_of_filled_variables_is_bounded() -> None:
    many = " ".join(f"?v{i}Label" for i in range(MAX_FILLED + 1))
    with pytest.raises(LabelServiceError, match=f"at most {MAX_FILLED}"):
        relabel(f"SELECT {many} WHERE {{ {SERVICE.format('en')} }}")
    relabel(f"SELECT {many.rpartition(' ')[0]} WHERE {{ {SERVICE.format('en')} }}")


def test_wdqs_own_schema_namespace_is_taken_as_written() -> None:
    text = (
        "PREFIX schema: <http://schema.org/> SELECT ?d WHERE { BIND(id:china AS ?x) "
        "SERVICE wikibase:label { bd:serviceParam wikibase:language 'en' . ?x schema:description ?d } }"
    )
    assert "<http://schema.org/description>" in relabel(text).text


def test_the_generated_text_holds_only_parsed_variables_and_validated_tags() -> None:
    text = f"SELECT ?x ?xLabel WHERE {{ ?x a dkg:Country {SERVICE.format('EN-gb, ko')} }}"
    generated = relabel(text).text
    assert '"en-gb"' in generated and '"ko"' in generated and "EN-gb" not in generated
    assert f"<{RDFS.uri('label')}>" in generated and "SERVICE" not in generated


@pytest.mark.parametrize(
    ("uselang", "accepted", "expected"),
    [
        ("ko", ["en"], ("ko",)),
        (None, ["ko-KR", "en"], ("ko-kr", "ko")),
        (None, ["*", "en-GB"], ("en-gb", "en")),
        (None, [], ("en",)),
        (None, ["x y"], ("en",)),
    ],
)
def test_auto_language_comes_from_uselang_then_accept_language(
    uselang: str | None, accepted: list[str], expected: tuple[str, ...]
) -> None:
    assert language_preference(uselang, accepted) == expected


def test_a_uselang_that_is_no_language_tag_is_an_error() -> None:
    with pytest.raises(LabelServiceError, match="not a language tag"):
        language_preference('en"', [])


def test_the_command_line_fills_labels_as_the_endpoint_does(cli: Callable[..., Ran], built_store: Path) -> None:
    query = f"SELECT ?itemLabel WHERE {{ BIND(id:ryanggang-province AS ?item) {SERVICE.format('ko')} }}"
    ran = cli("query", "--store", str(built_store), "-e", query)
    assert ran.returncode == 0 and "양강도" in ran.stdout
    ran = cli("query", "--store", str(built_store), "-e", query.replace('"ko"', '"k o"'))
    assert ran.returncode == 2 and "is not a language tag" in ran.stderr
