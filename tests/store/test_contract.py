"""The ``Store`` interface, one suite for every backend: the embedded store, a real Oxigraph server and
a real Virtuoso (skipped locally when ``virtuoso-t`` is absent; CI runs it).

Every test starts from the same small dataset, written as a build writes it (named graphs, and their
merge in the default graph). Where the backends may differ by design, the difference is named here:
a store that answers the default graph as the union of its graphs (Virtuoso) holds no copy of the
merge, and counts a triple once per graph that states it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from dprk_kg.errors import QueryError, ResultTooLarge, StoreError
from dprk_kg.store import ResultFormat, ResultKind, Store, open_store
from dprk_kg.store.base import Dataset, Session
from dprk_kg.store.merge import SCRATCH_GRAPH
from dprk_kg.vocabulary import DKG, RDF, RDFS
from tests.store.conftest import RemoteServer

BASE = "https://example.org/contract/"  # the deployment's base: every graph of these tests is under it
G1, G2, G3 = (f"{BASE}graph/{name}" for name in ("one", "two", "three"))
S, P, Q, OBJ = (ox.NamedNode(f"https://example.org/{name}") for name in ("s", "p", "q", "o"))
LABEL = ox.Literal("Orang", language="en")
NAMED = [
    ox.Quad(S, P, ox.Literal("1"), ox.NamedNode(G1)),
    ox.Quad(S, RDFS.label, LABEL, ox.NamedNode(G1)),
    ox.Quad(S, P, ox.Literal("1"), ox.NamedNode(G2)),  # stated twice: once in the merge
    ox.Quad(S, P, ox.Literal("2"), ox.NamedNode(G2)),
    ox.Quad(S, Q, OBJ, ox.NamedNode(G2)),
]
MERGED = list(dict.fromkeys(ox.Quad(q.subject, q.predicate, q.object) for q in NAMED))
TRIPLES = {q.triple for q in MERGED}
SOLUTIONS = {(str(q.predicate), str(q.object)) for q in MERGED}
VALUES_OF_P = f"SELECT DISTINCT ?o WHERE {{ {S} {P} ?o }}"
ALL_ABOUT_S = f"SELECT DISTINCT ?p ?o WHERE {{ {S} ?p ?o }}"
CONSTRUCT = f"CONSTRUCT {{ {S} ?p ?o }} WHERE {{ {S} ?p ?o }}"
SOLUTION_FORMATS = [ResultFormat.SPARQL_JSON, ResultFormat.SPARQL_XML, ResultFormat.CSV, ResultFormat.TSV]
GRAPH_FORMATS = [f for f in ResultFormat if f.family in ("graph", "dataset")]


@dataclass(frozen=True)
class Backend:
    """How to reach one backend: its location for writing and for reading."""

    name: str
    writer: Callable[[Path], str]  # the test's scratch folder → location
    reader: Callable[[Path], str]
    holds_merge: bool  # False: the store answers the default graph as the union (Virtuoso)


@pytest.fixture(scope="module", params=["embedded", "oxigraph", pytest.param("virtuoso", marks=pytest.mark.virtuoso)])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "embedded":
        return Backend("embedded", lambda tmp: str(tmp / "store"), lambda tmp: str(tmp / "store"), True)
    server: RemoteServer = request.getfixturevalue(f"{request.param}_server")
    return Backend(request.param, lambda _: server.location, lambda _: server.reader, request.param != "virtuoso")


def nquads_file(tmp_path: Path, quads: list[ox.Quad], name: str = "data.nq") -> Path:
    path = tmp_path / name
    path.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    return path


def as_built(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads with their merge in the default graph, as a build writes them."""
    return quads + list(dict.fromkeys(ox.Quad(q.subject, q.predicate, q.object) for q in quads))


@pytest.fixture
def store(backend: Backend, tmp_path: Path) -> Iterator[Store]:
    """A writable handle on the backend, holding the dataset (and nothing else under BASE)."""
    opened = open_store(backend.writer(tmp_path), base=BASE)
    opened.replace_dataset(nquads_file(tmp_path, as_built(NAMED)))
    yield opened
    opened.close()


@pytest.fixture
def reader(backend: Backend, store: Store, tmp_path: Path) -> Store:
    return open_store(backend.reader(tmp_path), read_only=True, base=BASE)


def dataset_quads(backend: Backend) -> set[ox.Quad]:
    """What the backend holds for NAMED: the named graphs, and the merge where it keeps a copy."""
    return set(NAMED) | (set(MERGED) if backend.holds_merge else set())


def values(store: Store, query: str = VALUES_OF_P) -> set[str]:
    return {row["o"] for row in store.select(query)}


# --- replace_dataset, exists, quad_count, graph_names --------------------------------------------------


def test_replace_dataset_loads_it_and_reports_every_byte(backend: Backend, tmp_path: Path) -> None:
    store = open_store(backend.writer(tmp_path), base=BASE)
    source = nquads_file(tmp_path, as_built(NAMED))
    read: list[int] = []
    store.replace_dataset(source, progress=read.append)
    assert sum(read) == source.stat().st_size
    assert store.exists()
    assert store.quad_count() == len(dataset_quads(backend))
    assert sorted(store.graph_names()) == sorted({G1, G2})


def test_replace_dataset_replaces_what_was_there(store: Store, backend: Backend, tmp_path: Path) -> None:
    fresh = [ox.Quad(S, P, ox.Literal("9"), ox.NamedNode(G3))]
    store.replace_dataset(nquads_file(tmp_path, as_built(fresh), "fresh.nq"))
    assert list(store.graph_names()) == [G3]
    assert values(store) == {"9"}
    assert store.quad_count() == (2 if backend.holds_merge else 1)


def test_prepare_runs_on_the_new_dataset(backend: Backend, tmp_path: Path) -> None:
    seen: list[list[dict[str, str]]] = []

    def prepare(session: Session) -> None:
        session.update(f'INSERT DATA {{ GRAPH <{G3}> {{ {S} {P} "3" }} }}')
        seen.append(session.select(f"SELECT ?o WHERE {{ GRAPH <{G3}> {{ ?s ?p ?o }} }}"))

    store = open_store(backend.writer(tmp_path), base=BASE)
    store.replace_dataset(nquads_file(tmp_path, as_built(NAMED)), prepare=prepare)
    assert seen == [[{"o": "3"}]]
    assert sorted(store.graph_names()) == sorted({G1, G2, G3})


def test_a_location_never_written_does_not_exist(backend: Backend, tmp_path: Path) -> None:
    store = open_store(backend.writer(tmp_path), base=f"{BASE}nobody-{backend.name}/")
    assert not store.exists()


def test_create_empty_leaves_an_empty_usable_store(store: Store) -> None:
    store.create_empty()
    assert store.quad_count() == 0 and list(store.graph_names()) == []
    assert values(store) == set()
    store.update(f'INSERT DATA {{ GRAPH <{G3}> {{ {S} {P} "3" }} }}')
    assert values(store) == {"3"}


def test_a_replaced_or_emptied_store_is_complete(store: Store, reader: Store) -> None:
    """What a build or an emptying finished is whole (a remote load cut short is not: test_incomplete_builds.py)."""
    assert store.is_complete() and reader.is_complete()
    store.create_empty()
    assert store.is_complete()


# --- query: every kind in every format -------------------------------------------------------------


@pytest.mark.parametrize("result_format", SOLUTION_FORMATS, ids=lambda f: f.name)
def test_select_in_every_results_format(store: Store, result_format: ResultFormat) -> None:
    output = store.query(ALL_ABOUT_S, result_format)
    assert output.kind is ResultKind.SOLUTIONS and output.format is result_format
    if result_format is ResultFormat.CSV:  # plain values only: CSV does not say what a value is
        table = list(csv.reader(io.StringIO(output.body.decode("utf-8"))))
        assert table[0] == ["p", "o"]
        assert {tuple(row) for row in table[1:]} == {(q.predicate.value, q.object.value) for q in MERGED}
    else:
        parsed = ox.parse_query_results(output.body, format=_results(result_format))
        assert isinstance(parsed, ox.QuerySolutions)
        assert {(str(s["p"]), str(s["o"])) for s in parsed} == SOLUTIONS


@pytest.mark.parametrize("result_format", SOLUTION_FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize("answer", [True, False])
def test_ask_in_every_results_format(store: Store, result_format: ResultFormat, answer: bool) -> None:
    obj = '"1"' if answer else '"no such value"'
    output = store.query(f"ASK {{ GRAPH ?g {{ {S} {P} {obj} }} }}", result_format)
    assert output.kind is ResultKind.BOOLEAN
    if result_format in (ResultFormat.CSV, ResultFormat.TSV):  # no standard form: written as pyoxigraph does
        assert output.body.strip() == (b"true" if answer else b"false")
    else:
        parsed = ox.parse_query_results(output.body, format=_results(result_format))
        assert isinstance(parsed, ox.QueryBoolean) and bool(parsed) is answer


@pytest.mark.parametrize("result_format", GRAPH_FORMATS, ids=lambda f: f.name)
def test_construct_in_every_rdf_format(store: Store, result_format: ResultFormat) -> None:
    output = store.query(CONSTRUCT, result_format)
    assert output.kind is ResultKind.GRAPH and output.format is result_format
    parsed = list(ox.parse(output.body, format=_rdf(result_format)))
    assert {q.triple if isinstance(q, ox.Quad) else q for q in parsed} == TRIPLES


def test_describe_is_a_graph(store: Store, backend: Backend) -> None:
    """What DESCRIBE returns is the store's choice (SPARQL 1.1 §16.4): Virtuoso's describes nothing from
    its union default graph (test_remote.py::test_what_virtuoso_describes)."""
    output = store.query(f"DESCRIBE {S}", ResultFormat.N_TRIPLES)
    assert output.kind is ResultKind.GRAPH
    described = {q.triple for q in ox.parse(output.body, format=ox.RdfFormat.N_TRIPLES)}
    assert described >= (set() if backend.name == "virtuoso" else TRIPLES)


@pytest.mark.parametrize(
    ("query", "result_format", "message"),
    [
        (CONSTRUCT, ResultFormat.CSV, "cannot carry the triples"),
        (ALL_ABOUT_S, ResultFormat.TURTLE, "cannot carry SELECT"),
        (f"ASK {{ {S} ?p ?o }}", ResultFormat.N_QUADS, "cannot carry SELECT or ASK"),
    ],
)
def test_the_format_must_fit_the_query_form(
    store: Store, query: str, result_format: ResultFormat, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        store.query(query, result_format)


def test_prefixes_and_base_are_applied(store: Store) -> None:
    output = store.query(
        "SELECT ?o WHERE { GRAPH ?g { <s> ex:p ?o } } ORDER BY ?o",
        ResultFormat.SPARQL_JSON,
        prefixes={"ex": "https://example.org/"},
        base_iri="https://example.org/",
    )
    assert [b["o"]["value"] for b in json.loads(output.body)["results"]["bindings"]] == ["1", "1", "2"]


def test_a_dataset_chooses_the_default_graph(store: Store) -> None:
    def found(dataset: Dataset | None) -> set[str]:
        output = store.query(VALUES_OF_P, ResultFormat.SPARQL_JSON, dataset=dataset)
        return {b["o"]["value"] for b in json.loads(output.body)["results"]["bindings"]}

    assert found(None) == {"1", "2"}  # the merge
    assert found(Dataset((G1,))) == {"1"}
    assert found(Dataset((G1, G2))) == {"1", "2"}
    assert found(Dataset((f"{BASE}graph/none",))) == set()


def test_result_size_is_bounded(store: Store) -> None:
    with pytest.raises(ResultTooLarge, match="larger than 10 bytes"):
        store.query(ALL_ABOUT_S, ResultFormat.SPARQL_JSON, max_bytes=10)
    with pytest.raises(ResultTooLarge, match="larger than 10 bytes"):
        store.query(CONSTRUCT, ResultFormat.TRIG, max_bytes=10)
    assert store.query(ALL_ABOUT_S, ResultFormat.SPARQL_JSON, max_bytes=100_000).body


@pytest.mark.parametrize(
    "text",
    [
        f"SELECT * WHERE {{ {S} ?p ",
        f"INSERT DATA {{ GRAPH <{G3}> {{ {S} {P} {OBJ} }} }}",  # an update is not a query
        "nothing at all",
    ],
)
def test_what_is_no_query_is_refused(store: Store, text: str) -> None:
    with pytest.raises(QueryError):
        store.query(text, ResultFormat.SPARQL_JSON)
    assert values(store) == {"1", "2"}


# --- select ----------------------------------------------------------------------------------------


def test_select_gives_rows_of_plain_values(store: Store) -> None:
    rows = store.select(f"SELECT ?p ?o ?none WHERE {{ {S} ?p ?o OPTIONAL {{ ?o ?p ?none }} }}")
    assert {(row["p"], row["o"]) for row in rows} == {(q.predicate.value, q.object.value) for q in MERGED}
    assert all("none" not in row for row in rows)  # unbound: left out
    assert store.select(
        "SELECT ?n WHERE { GRAPH ?g { ?s ex:p ?n } } ORDER BY ?n", prefixes={"ex": "https://example.org/"}
    )[0] == {"n": "1"}


def test_select_runs_selects_only(store: Store) -> None:
    with pytest.raises(QueryError, match="SELECT queries only"):
        store.select(f"ASK {{ {S} ?p ?o }}")


# --- bindings, ask ---------------------------------------------------------------------------------


def test_bindings_give_a_select_its_terms(store: Store) -> None:
    assert {r["o"] for r in store.select(f"SELECT DISTINCT ?s ?o WHERE {{ ?s {P} ?o }}", bindings={"s": S})} == {
        "1",
        "2",
    }
    in_graphs = f"SELECT ?g ?s ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), '{BASE}')) }}"
    assert [r["g"] for r in store.select(in_graphs, bindings={"o": ox.Literal("2")})] == [G2]
    assert [r["g"] for r in store.select(in_graphs, bindings={"o": LABEL})] == [G1]
    assert store.select(in_graphs, bindings={"g": ox.NamedNode(G1), "o": ox.Literal("1")}) == [
        {"g": G1, "s": S.value, "o": "1"}
    ]
    output = store.query(in_graphs, ResultFormat.SPARQL_JSON, bindings={"o": ox.Literal("2")})
    assert [b["g"]["value"] for b in json.loads(output.body)["results"]["bindings"]] == [G2]


def test_bindings_are_for_selects_only(store: Store) -> None:
    """A remote store sends them as a VALUES clause after the query, which Virtuoso refuses after an
    ASK or a CONSTRUCT; every store refuses them there, and a graph is chosen with a dataset instead."""
    for text, result_format in [
        (f"ASK {{ ?s {P} ?o }}", ResultFormat.SPARQL_JSON),
        (f"CONSTRUCT {{ ?s {P} ?o }} WHERE {{ ?s {P} ?o }}", ResultFormat.N_TRIPLES),
    ]:
        with pytest.raises(QueryError, match="SELECT queries only"):
            store.query(text, result_format, bindings={"s": S})


@pytest.mark.parametrize(
    "hostile",
    [
        '1" } } ; DROP ALL ; #',  # would close the literal and the group if it were pasted
        "1\n} } DROP ALL",
        '\\" . ?s ?p ?o',
        'ü \\u0022 \' """ ',
    ],
)
def test_a_bound_value_is_one_term_whatever_it_holds(store: Store, backend: Backend, hostile: str) -> None:
    """The value of a request (issue 9: pages and the graph store pasted them into query text) reaches
    the store as a term: it matches only itself, and nothing it holds is read as SPARQL."""
    query = "SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert store.select(query, bindings={"o": ox.Literal(hostile)}) == []
    store.replace_graph(ox.NamedNode(G3), [ox.Triple(S, P, ox.Literal(hostile))])
    assert store.select(query, bindings={"o": ox.Literal(hostile)}) == [{"g": G3, "o": hostile}]
    assert store.quad_count() == len(dataset_quads(backend)) + (2 if backend.holds_merge else 1)


def test_only_terms_can_be_bound(store: Store) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o }"
    for bindings, message in [
        ({"s": f"{S}"}, "must be bound to an IRI or a literal"),  # text, not a term
        ({"s": ox.BlankNode()}, "must be bound to an IRI or a literal"),  # a VALUES clause cannot hold one
        ({"s s": S}, "not a variable name"),
    ]:
        with pytest.raises(QueryError, match=message):
            store.select(query, bindings=bindings)


def test_ask_answers_asks_only(store: Store) -> None:
    assert store.ask(f"ASK {{ {S} {P} ?o }}") and not store.ask(f'ASK {{ {S} {P} "9" }}')
    assert store.ask(f'ASK {{ {S} {P} "2" }}', dataset=Dataset((G2,)))
    assert not store.ask(f'ASK {{ {S} {P} "2" }}', dataset=Dataset((G1,)))
    for text in (ALL_ABOUT_S, CONSTRUCT):
        with pytest.raises(QueryError, match="ASK queries only"):
            store.ask(text)
    with pytest.raises(QueryError, match="SELECT queries only"):
        store.select(CONSTRUCT)


# --- update ----------------------------------------------------------------------------------------


def test_updates_keep_the_default_graph_the_merge(store: Store) -> None:
    store.update(f'INSERT DATA {{ GRAPH <{G3}> {{ {S} {P} "1", "3" }} }}')
    assert values(store) == {"1", "2", "3"}
    store.update(f"DROP SILENT GRAPH <{G3}>")
    assert values(store) == {"1", "2"}  # "1" is still stated in G1 and G2
    store.update(f"WITH <{G2}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}")
    assert values(store) == {"1"}
    store.update(f"CLEAR GRAPH <{G1}>")
    assert values(store) == set()
    store.update(
        f'INSERT {{ GRAPH ?g {{ ?s ?p "4" }} }} WHERE {{ VALUES ?g {{ <{G1}> }} BIND ({S} AS ?s) BIND ({P} AS ?p) }}'
    )  # which graphs it writes is known only when it runs: the whole merge is repaired
    assert values(store) == {"4"}


def test_the_merge_repair_graph_is_reserved(store: Store) -> None:
    """Writing it left a triple in the default graph that no named graph held (issue 9, item 9)."""
    with pytest.raises(QueryError, match="reserved"):
        store.update(f'INSERT DATA {{ GRAPH <{SCRATCH_GRAPH}> {{ {S} {P} "9" }} }}')
    store.update(
        f'INSERT {{ GRAPH ?g {{ {S} {P} "9" }} }} WHERE {{ BIND (<{SCRATCH_GRAPH}> AS ?g) }}'
    )  # through a variable it cannot be refused before it runs: the repair drops it
    assert "9" not in values(store)
    assert SCRATCH_GRAPH not in set(store.graph_names())
    store.update(f'INSERT DATA {{ GRAPH <{G3}> {{ {S} {P} "5" }} }}')  # a targeted repair afterwards
    assert values(store) == {"1", "2", "5"}


def test_updates_take_prefixes_and_base(store: Store) -> None:
    store.update(
        'INSERT DATA { GRAPH <graph/three> { <s> ex:p "5" } }',
        prefixes={"ex": "https://example.org/"},
        base_iri=BASE,
    )
    assert store.select(f"SELECT ?o WHERE {{ GRAPH <{G3}> {{ ?s ?p ?o }} }}") == [{"o": "5"}]


def test_a_write_to_the_default_graph_is_refused(store: Store) -> None:
    version = store.version_name()
    with pytest.raises(QueryError, match="merge of the factual named graphs"):
        store.update(f'INSERT DATA {{ {S} {P} "x" }}')
    assert store.version_name() == version and values(store) == {"1", "2"}


def test_a_malformed_update_changes_nothing(store: Store, backend: Backend) -> None:
    version = store.version_name()
    with pytest.raises(QueryError):
        store.update(f"DROP GRAPH <{G1}> ; INSERT DATA {{ GRAPH <{G1}> {{ <a")
    assert store.version_name() == version
    assert store.quad_count() == len(dataset_quads(backend)) and values(store) == {"1", "2"}


# --- replace_graphs ----------------------------------------------------------------------------------


def test_replace_graphs_in_one_transaction(store: Store) -> None:
    store.replace_graphs(
        [G1, G2], ox.serialize([ox.Quad(S, P, ox.Literal("3"), ox.NamedNode(G1))], format=ox.RdfFormat.N_QUADS) or b""
    )
    assert values(store) == {"3"}
    assert sorted(store.graph_names()) == [G1]
    with pytest.raises(StoreError, match="invalid N-Quads"):
        store.replace_graphs([G1], f"{S} {P} .\n".encode())
    with pytest.raises(StoreError, match="only quads in named graphs"):
        store.replace_graphs([G1], f'{S} {P} "x" .\n'.encode())
    assert values(store) == {"3"}


# --- graph writes: replace_graph, add_to_graph, drop_graph ---------------------------------------------


def assert_the_default_graph_is_the_merge(store: Store, backend: Backend) -> None:
    """The default graph holds each triple of the factual named graphs (those it does not type
    dkg:NonFactual) once and nothing else, where the store keeps the merge (Virtuoso answers the
    union itself)."""
    if backend.holds_merge:
        out = io.BytesIO()
        store.dump(ResultFormat.N_QUADS, out)
        quads = list(ox.parse(out.getvalue(), format=ox.RdfFormat.N_QUADS))
        default = {q.triple for q in quads if isinstance(q.graph_name, ox.DefaultGraph)}
        left_out = {t.subject for t in default if t.predicate == RDF.type and t.object == DKG.NonFactual}
        named = {q.triple for q in quads if isinstance(q.graph_name, ox.NamedNode) and q.graph_name not in left_out}
        assert default == named


def test_replace_graph_keeps_the_default_graph_the_merge(store: Store, backend: Backend) -> None:
    assert store.replace_graph(ox.NamedNode(G2), [ox.Triple(S, P, ox.Literal("3")), ox.Triple(S, Q, OBJ)])
    assert values(store) == {"1", "3"}  # "1" is still stated in G1; "2" was stated in G2 only
    assert_the_default_graph_is_the_merge(store, backend)
    assert not store.replace_graph(ox.NamedNode(G3), [ox.Triple(S, P, ox.Literal("9"))])  # a new graph
    assert values(store) == {"1", "3", "9"}
    assert store.replace_graph(ox.NamedNode(G3), [])  # replaced by nothing: gone
    assert sorted(store.graph_names()) == [G1, G2] and values(store) == {"1", "3"}
    assert_the_default_graph_is_the_merge(store, backend)


def test_add_to_graph_keeps_the_default_graph_the_merge(store: Store, backend: Backend) -> None:
    assert store.add_to_graph(ox.NamedNode(G1), [ox.Triple(S, P, ox.Literal("2")), ox.Triple(S, P, ox.Literal("5"))])
    assert not store.add_to_graph(ox.NamedNode(G3), [ox.Triple(S, P, ox.Literal("6"))])
    version = store.version_name()
    assert store.add_to_graph(ox.NamedNode(G3), []) and store.version_name() == version  # nothing to write
    assert store.drop_graph(ox.NamedNode(G2))
    assert values(store) == {"1", "2", "5", "6"}  # "2" is now stated in G1 as well
    assert_the_default_graph_is_the_merge(store, backend)


def test_drop_graph_keeps_the_default_graph_the_merge(store: Store, backend: Backend) -> None:
    version = store.version_name()
    assert not store.drop_graph(ox.NamedNode(G3)) and store.version_name() == version  # nothing to drop
    assert store.drop_graph(ox.NamedNode(G2))
    assert values(store) == {"1"} and sorted(store.graph_names()) == [G1]
    assert_the_default_graph_is_the_merge(store, backend)


def test_graph_writes_keep_blank_nodes_one_node(store: Store, backend: Backend) -> None:
    node = ox.BlankNode()
    store.replace_graph(ox.NamedNode(G3), [ox.Triple(node, P, ox.Literal("7")), ox.Triple(node, Q, OBJ)])
    nodes = f'SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH <{G3}> {{ ?x {P} "7" ; {Q} {OBJ} }} }}'
    assert store.select(nodes) == [{"n": "1"}]  # counted: Virtuoso's "nodeID://…" labels do not parse
    assert_the_default_graph_is_the_merge(store, backend)
    store.replace_graph(ox.NamedNode(G3), [ox.Triple(S, P, ox.Literal("8"))])
    assert values(store) == {"1", "2", "8"}
    assert_the_default_graph_is_the_merge(store, backend)


def test_graph_writes_leave_non_factual_graphs_out_of_the_merge(store: Store, backend: Backend) -> None:
    """A graph the merge types dkg:NonFactual (a curator's inference, an opinion …) adds nothing to the
    default graph, and a triple only it states leaves the default graph (merge.py)."""
    typing = ox.NamedNode(f"{BASE}graph/provenance")
    store.add_to_graph(typing, [ox.Triple(ox.NamedNode(G3), RDF.type, DKG.NonFactual)])
    store.replace_graph(ox.NamedNode(G3), [ox.Triple(S, P, ox.Literal("7")), ox.Triple(S, P, ox.Literal("1"))])
    assert values(store) == ({"1", "2"} if backend.holds_merge else {"1", "2", "7"})
    assert_the_default_graph_is_the_merge(store, backend)
    store.drop_graph(ox.NamedNode(G1))
    store.drop_graph(ox.NamedNode(G2))
    assert values(store) == (set() if backend.holds_merge else {"1", "7"})
    assert_the_default_graph_is_the_merge(store, backend)


def test_a_graph_larger_than_one_request_is_written_whole(store: Store, backend: Backend) -> None:
    """More triples than a remote store takes in one update (10,000 with their merge on Oxigraph
    server, 1,000 on Virtuoso) go in several; blank nodes, which a second request could not name
    again, then cannot be written there."""
    many = [ox.Triple(ox.NamedNode(f"https://example.org/n{i}"), P, ox.Literal(str(i))) for i in range(12_000)]
    assert not store.replace_graph(ox.NamedNode(G3), many)
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{G3}> {{ ?s ?p ?o }} }}"
    assert store.select(count) == [{"n": "12000"}]
    assert_the_default_graph_is_the_merge(store, backend)
    with_blank_node = [*many, ox.Triple(ox.BlankNode(), P, OBJ)]
    if backend.name == "embedded":
        assert store.replace_graph(ox.NamedNode(G3), with_blank_node)
    else:
        with pytest.raises(QueryError, match="blank nodes"):
            store.replace_graph(ox.NamedNode(G3), with_blank_node)
        assert store.select(count) == [{"n": "12000"}]


def test_graph_writes_refuse_the_merge_repair_graph(store: Store) -> None:
    scratch = ox.NamedNode(SCRATCH_GRAPH)
    writes: list[Callable[[], bool]] = [
        lambda: store.replace_graph(scratch, [ox.Triple(S, P, OBJ)]),
        lambda: store.add_to_graph(scratch, [ox.Triple(S, P, OBJ)]),
        lambda: store.drop_graph(scratch),
    ]
    for write in writes:
        with pytest.raises(QueryError, match="reserved"):
            write()
    assert values(store) == {"1", "2"}


# --- dump --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "result_format", [ResultFormat.TRIG, ResultFormat.N_QUADS, ResultFormat.JSON_LD], ids=lambda f: f.name
)
def test_dump_writes_the_dataset(store: Store, backend: Backend, result_format: ResultFormat) -> None:
    out = io.BytesIO()
    store.dump(result_format, out)
    assert set(ox.parse(out.getvalue(), format=_rdf(result_format))) == dataset_quads(backend)


def test_dump_needs_a_dataset_format(store: Store) -> None:
    with pytest.raises(QueryError, match="cannot hold named graphs"):
        store.dump(ResultFormat.TURTLE, io.BytesIO())


# --- versions, read-only handles ---------------------------------------------------------------------


def test_the_version_changes_with_every_write(store: Store, tmp_path: Path) -> None:
    seen = [store.version_name()]
    store.update(f'INSERT DATA {{ GRAPH <{G3}> {{ {S} {P} "3" }} }}')
    seen.append(store.version_name())
    store.replace_graphs([G3], b"")
    seen.append(store.version_name())
    store.add_to_graph(ox.NamedNode(G3), [ox.Triple(S, P, ox.Literal("3"))])
    seen.append(store.version_name())
    store.replace_graph(ox.NamedNode(G3), [ox.Triple(S, P, ox.Literal("4"))])
    seen.append(store.version_name())
    store.drop_graph(ox.NamedNode(G3))
    seen.append(store.version_name())
    store.replace_dataset(nquads_file(tmp_path, as_built(NAMED), "again.nq"))
    seen.append(store.version_name())
    store.create_empty()
    seen.append(store.version_name())
    assert len(set(seen)) == len(seen)


def test_a_read_only_handle_reads_and_refuses_writes(reader: Store, tmp_path: Path) -> None:
    assert values(reader) == {"1", "2"} and reader.exists()
    source = nquads_file(tmp_path, as_built(NAMED), "other.nq")
    writes: list[Callable[[], None]] = [
        lambda: reader.update(f'INSERT DATA {{ GRAPH <{G3}> {{ {S} {P} "3" }} }}'),
        lambda: reader.replace_graphs([G1], b""),
        lambda: reader.replace_graph(ox.NamedNode(G1), []),
        lambda: reader.add_to_graph(ox.NamedNode(G1), [ox.Triple(S, P, OBJ)]),
        lambda: reader.drop_graph(ox.NamedNode(G1)),
        lambda: reader.replace_dataset(source),
        reader.create_empty,
    ]
    for write in writes:
        with pytest.raises(StoreError, match="read-only"):
            write()
    assert values(reader) == {"1", "2"}


def test_a_closed_handle_opens_again_on_use(store: Store) -> None:
    store.close()
    assert values(store) == {"1", "2"}
    assert isinstance(store.work_dir, Path)


def test_readers_follow_writes(store: Store, reader: Store) -> None:
    assert values(reader) == {"1", "2"}
    store.update(f'INSERT DATA {{ GRAPH <{G3}> {{ {S} {P} "3" }} }}')
    assert values(reader) == {"1", "2", "3"}


def _results(result_format: ResultFormat) -> ox.QueryResultsFormat:
    """pyoxigraph's reader for a format, found by media type (not from the store's own tables)."""
    found = ox.QueryResultsFormat.from_media_type(result_format.media_type)
    assert found is not None
    return found


def _rdf(result_format: ResultFormat) -> ox.RdfFormat:
    found = ox.RdfFormat.from_media_type(result_format.media_type)
    assert found is not None
    return found


def test_the_complete_view_reads_every_named_graph(store: Store, backend: Backend) -> None:
    """Dataset(union=True), the complete view: a triple only a dkg:NonFactual graph holds is read
    there, and not in the default graph."""
    typing = ox.NamedNode(f"{BASE}graph/provenance")
    store.add_to_graph(typing, [ox.Triple(ox.NamedNode(G3), RDF.type, DKG.NonFactual)])
    store.replace_graph(ox.NamedNode(G3), [ox.Triple(S, P, ox.Literal("7"))])
    ask = f'ASK {{ {S} {P} "7" }}'
    assert store.ask(ask, dataset=Dataset(union=True))
    assert store.ask(f'ASK {{ {S} {P} "1" }}', dataset=Dataset(union=True))
    assert store.ask(ask) is not backend.holds_merge  # Virtuoso answers its default graph as the union


def test_a_full_repair_leaves_the_stores_own_graphs_out_of_the_merge(store: Store, backend: Backend) -> None:
    """An update whose graphs only running can tell recomputes the whole merge: a remote build's status
    graph (urn:dprk-kg:build-status) is the store's, not data, and stays out of it."""
    if backend.name == "virtuoso":  # answers 500 (SR002) to an update with a variable graph and a DROP after it
        pytest.skip("Virtuoso 7 fails such an update; a known gap (docs/remote-stores.md)")
    store.update(f"INSERT {{ GRAPH ?g {{ {S} {Q} {OBJ} }} }} WHERE {{ GRAPH ?g {{ {S} {P} ?o }} }}")
    assert_the_default_graph_is_the_merge(store, backend)
    if backend.holds_merge:
        assert not store.ask("ASK { ?deployment <urn:dprk-kg:build-status:state> ?state }")
