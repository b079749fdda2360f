"""Writes over HTTP: SPARQL Update on /update and the Graph Store Protocol on /data, each one
transaction, only with the operator's token, and never onto the default graph directly."""

from __future__ import annotations

import pytest
import rdflib
import requests

from tests.server.conftest import Server

UPDATE = {"Content-Type": "application/sparql-update"}
G = "https://example.org/graphs/g1"


def ask(server: Server, query: str) -> bool:
    return requests.get(f"{server.url}/sparql", params={"query": query}).json()["boolean"]


def count(server: Server, where: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
    response = requests.get(f"{server.url}/sparql", params={"query": query})
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def update(server: Server, text: str, **params: str) -> requests.Response:
    return requests.post(f"{server.url}/update", data=text.encode(), headers={**UPDATE, **server.auth}, params=params)


# --- access ------------------------------------------------------------------------------------


def test_writes_are_disabled_without_a_configured_token(server: Server) -> None:
    response = requests.post(f"{server.url}/update", data=b"CLEAR ALL", headers=UPDATE)
    assert response.status_code == 403 and "writes are disabled" in response.text
    put = requests.put(
        f"{server.url}/data?graph={G}", data=b"<a:s> <a:p> <a:o> .", headers={"Content-Type": "text/turtle"}
    )
    assert put.status_code == 403


def test_a_wrong_or_missing_token_is_refused(writable_server: Server) -> None:
    missing = requests.post(f"{writable_server.url}/update", data=b"CLEAR ALL", headers=UPDATE)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = requests.post(
        f"{writable_server.url}/update", data=b"CLEAR ALL", headers={**UPDATE, "Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401


def test_update_by_get_is_not_allowed(writable_server: Server) -> None:
    assert requests.get(f"{writable_server.url}/update", params={"update": "CLEAR ALL"}).status_code == 405


# --- SPARQL Update -------------------------------------------------------------------------------


def test_update_direct_and_form(writable_server: Server) -> None:
    assert update(writable_server, f'INSERT DATA {{ GRAPH <{G}> {{ <urn:a> <urn:p> "1" }} }}').status_code == 204
    form = requests.post(
        f"{writable_server.url}/update",
        data={"update": f'INSERT DATA {{ GRAPH <{G}> {{ <urn:a> <urn:p> "2" }} }}'},
        headers=writable_server.auth,
    )
    assert form.status_code == 204
    assert count(writable_server, f"GRAPH <{G}> {{ <urn:a> <urn:p> ?o }}") == 2
    assert count(writable_server, "<urn:a> <urn:p> ?o") == 2  # the default graph follows: it is the merge


def test_the_default_graph_stays_the_merge(writable_server: Server) -> None:
    other = "https://example.org/graphs/g2"
    update(
        writable_server,
        f'INSERT DATA {{ GRAPH <{other}> {{ <urn:b> <urn:p> "x" }} GRAPH <{G}> {{ <urn:b> <urn:p> "x" }} }}',
    )
    assert count(writable_server, '<urn:b> <urn:p> "x"') == 1
    update(writable_server, f"DROP GRAPH <{other}>")
    assert ask(writable_server, 'ASK { <urn:b> <urn:p> "x" }')  # still stated in g1
    update(writable_server, f'DELETE DATA {{ GRAPH <{G}> {{ <urn:b> <urn:p> "x" }} }}')
    assert not ask(writable_server, 'ASK { <urn:b> <urn:p> "x" }')


def test_writing_the_default_graph_is_refused(writable_server: Server) -> None:
    response = update(writable_server, 'INSERT DATA { <urn:c> <urn:p> "x" }')
    assert response.status_code == 400 and "merge of the factual named graphs" in response.text
    assert not ask(writable_server, "ASK { <urn:c> ?p ?o }")


def test_a_failing_update_changes_nothing(writable_server: Server) -> None:
    before = count(writable_server, "GRAPH ?g { ?s ?p ?o }")
    response = update(
        writable_server,
        f'INSERT DATA {{ GRAPH <{G}> {{ <urn:d> <urn:p> "1" }} }} ; INSERT DATA {{ GRAPH <{G}> {{ <urn:d',
    )
    assert response.status_code == 400 and "update error" in response.text
    assert count(writable_server, "GRAPH ?g { ?s ?p ?o }") == before
    assert not ask(writable_server, "ASK { GRAPH ?g { <urn:d> ?p ?o } }")


def test_using_graph_uri_sets_the_update_dataset(writable_server: Server) -> None:
    source, target = "https://example.org/graphs/source", "https://example.org/graphs/target"
    update(
        writable_server,
        f"INSERT DATA {{ GRAPH <{source}> {{ <urn:e> a <urn:T> }} GRAPH <{G}> {{ <urn:f> a <urn:T> }} }}",
    )
    response = update(
        writable_server,
        f"INSERT {{ GRAPH <{target}> {{ ?s a <urn:Copied> }} }} WHERE {{ ?s a <urn:T> }}",
        **{"using-graph-uri": source},
    )
    assert response.status_code == 204
    assert ask(writable_server, f"ASK {{ GRAPH <{target}> {{ <urn:e> a <urn:Copied> }} }}")
    assert not ask(writable_server, f"ASK {{ GRAPH <{target}> {{ <urn:f> a <urn:Copied> }} }}")
    conflict = update(
        writable_server, f"WITH <{G}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}", **{"using-graph-uri": source}
    )
    assert conflict.status_code == 400


def test_load_is_refused_unless_allowed(writable_server: Server) -> None:
    response = update(writable_server, "LOAD <http://example.org/data.ttl> INTO GRAPH <urn:g>")
    assert response.status_code == 403 and "LOAD" in response.text


def test_relative_iris_resolve_against_the_endpoint(writable_server: Server) -> None:
    update(writable_server, "INSERT DATA { GRAPH <https://example.org/graphs/base> { <urn:s> <urn:p> <relative> } }")
    assert ask(writable_server, f"ASK {{ <urn:s> <urn:p> <{writable_server.url}/relative> }}")


# --- Graph Store Protocol ------------------------------------------------------------------------

TURTLE = {"Content-Type": "text/turtle"}
DATA = b'@prefix ex: <https://example.org/> . ex:alice ex:knows ex:bob ; ex:name "Alice" .'


def test_gsp_put_get_post_delete(writable_server: Server) -> None:
    graph = "https://example.org/graphs/people"
    url = f"{writable_server.url}/data"
    headers = {**TURTLE, **writable_server.auth}
    assert requests.put(url, params={"graph": graph}, data=DATA, headers=headers).status_code == 201
    assert requests.put(url, params={"graph": graph}, data=DATA, headers=headers).status_code == 204
    got = requests.get(url, params={"graph": graph}, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and got.headers["Content-Type"].startswith("application/n-triples")
    assert len(rdflib.Graph().parse(data=got.text, format="nt")) == 2
    more = b'<https://example.org/bob> <https://example.org/name> "Bob" .'
    posted = requests.post(
        url,
        params={"graph": graph},
        data=more,
        headers={**writable_server.auth, "Content-Type": "application/n-triples"},
    )
    assert posted.status_code == 204
    assert len(rdflib.Graph().parse(data=requests.get(url, params={"graph": graph}).text, format="turtle")) == 3
    head = requests.head(url, params={"graph": graph})
    assert head.status_code == 200 and int(head.headers["Content-Length"]) > 0
    assert requests.delete(url, params={"graph": graph}, headers=writable_server.auth).status_code == 204
    assert requests.get(url, params={"graph": graph}).status_code == 404
    assert requests.delete(url, params={"graph": graph}, headers=writable_server.auth).status_code == 404


def test_gsp_default_graph_is_readable_not_writable(writable_server: Server) -> None:
    assert requests.get(f"{writable_server.url}/data?default").status_code == 200
    put = requests.put(f"{writable_server.url}/data?default", data=DATA, headers={**TURTLE, **writable_server.auth})
    assert put.status_code == 405 and "merge of the factual named graphs" in put.text


def test_gsp_direct_identification_and_create(writable_server: Server) -> None:
    direct = f"{writable_server.url}/data/people/carol"
    headers = {**TURTLE, **writable_server.auth}
    assert requests.put(direct, data=DATA, headers=headers).status_code == 201
    assert ask(writable_server, f"ASK {{ GRAPH <{direct}> {{ ?s ?p ?o }} }}")
    created = requests.post(f"{writable_server.url}/data", data=DATA, headers=headers)
    assert created.status_code == 201
    location = created.headers["Location"]
    assert location.startswith(f"{writable_server.url}/data/")
    assert requests.get(location).status_code == 200


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [("text/turtle", b"<a> <b> .", 400), ("application/pdf", b"%PDF", 415), (None, DATA, 415)],
)
def test_gsp_bad_bodies(writable_server: Server, content_type: str | None, body: bytes, status: int) -> None:
    headers = {**writable_server.auth, **({"Content-Type": content_type} if content_type else {})}
    response = requests.put(
        f"{writable_server.url}/data", params={"graph": "https://example.org/graphs/bad"}, data=body, headers=headers
    )
    assert response.status_code == status
    assert not ask(writable_server, "ASK { GRAPH <https://example.org/graphs/bad> { ?s ?p ?o } }")


def test_service_description_announces_updates_when_enabled(writable_server: Server) -> None:
    """On /update, their own endpoint: /sparql answers an update with 400."""
    response = requests.get(f"{writable_server.url}/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    updates = rdflib.URIRef(f"{writable_server.url}/update")
    assert set(graph.subjects(sd.supportedLanguage, sd.SPARQL11Update)) == {updates}
    assert (updates, sd.endpoint, updates) in graph


# --- the graph store: IRIs are terms, writes are the store's own graph writes (issue 9) ----------------


def graph_count(server: Server, graph: str) -> int:
    return count(server, f"GRAPH <{graph}> {{ ?s ?p ?o }}")


@pytest.mark.parametrize(
    "graph",
    [
        "https://example.org/g> } } ; DROP ALL ; #",  # would close <…> if it were pasted into a query
        "https://example.org/g\\u003E",  # an escape a query's <…> would decode to ">"
        "not an IRI",
        "https://example.org/{g}",
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "POST", "DELETE"])
def test_gsp_a_graph_that_is_no_iri_is_refused(writable_server: Server, graph: str, method: str) -> None:
    before = count(writable_server, "GRAPH ?g { ?s ?p ?o }")
    response = requests.request(
        method,
        f"{writable_server.url}/data",
        params={"graph": graph},
        data=DATA,
        headers={**TURTLE, **writable_server.auth},
    )
    assert response.status_code == 400
    if method != "HEAD":
        assert "is not an absolute IRI" in response.text
    assert count(writable_server, "GRAPH ?g { ?s ?p ?o }") == before


def test_gsp_any_iri_is_its_graph_exactly(writable_server: Server) -> None:
    """IRIs with characters that mean something in a query's text name their graph and nothing else."""
    graph = "https://example.org/g/ü'(x)%3E;$?a=1&b=*#f"
    url, headers = f"{writable_server.url}/data", {**TURTLE, **writable_server.auth}
    assert requests.put(url, params={"graph": graph}, data=DATA, headers=headers).status_code == 201
    got = requests.get(url, params={"graph": graph}, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and len(got.text.splitlines()) == 2
    assert graph_count(writable_server, graph) == 2
    assert requests.get(url, params={"graph": graph.removesuffix("#f")}).status_code == 404
    assert requests.delete(url, params={"graph": graph}, headers=writable_server.auth).status_code == 204


def test_gsp_writes_keep_the_default_graph_the_merge(writable_server: Server) -> None:
    one, two = "https://example.org/graphs/merge-one", "https://example.org/graphs/merge-two"
    url, headers = f"{writable_server.url}/data", {"Content-Type": "application/n-triples", **writable_server.auth}
    shared = b'<urn:m> <urn:p> "shared" .\n'
    requests.put(url, params={"graph": one}, data=shared + b'<urn:m> <urn:p> "one" .\n', headers=headers)
    requests.put(url, params={"graph": two}, data=shared, headers=headers)
    assert count(writable_server, "<urn:m> <urn:p> ?o") == 2  # each triple once
    requests.put(url, params={"graph": one}, data=b'<urn:m> <urn:p> "replaced" .\n', headers=headers)
    assert {r for r in ("shared", "one", "replaced") if ask(writable_server, f'ASK {{ <urn:m> <urn:p> "{r}" }}')} == {
        "shared",  # still stated in the second graph
        "replaced",
    }
    assert (
        requests.post(url, params={"graph": two}, data=b'<urn:m> <urn:p> "added" .\n', headers=headers).status_code
        == 204
    )
    assert requests.delete(url, params={"graph": two}, headers=writable_server.auth).status_code == 204
    assert count(writable_server, "<urn:m> <urn:p> ?o") == 1  # only "replaced" is stated anywhere
    assert requests.delete(url, params={"graph": one}, headers=writable_server.auth).status_code == 204
    assert not ask(writable_server, "ASK { <urn:m> ?p ?o }")


def test_gsp_an_empty_post_writes_nothing(writable_server: Server) -> None:
    graph = "https://example.org/graphs/empty-post"
    url, headers = f"{writable_server.url}/data", {**TURTLE, **writable_server.auth}
    assert requests.post(url, params={"graph": graph}, data=b"", headers=headers).status_code == 201
    assert requests.get(url, params={"graph": graph}).status_code == 404  # nothing was created
    requests.put(url, params={"graph": graph}, data=DATA, headers=headers)
    assert requests.post(url, params={"graph": graph}, data=b"", headers=headers).status_code == 204
    assert graph_count(writable_server, graph) == 2


def test_gsp_blank_nodes_stay_one_node(writable_server: Server) -> None:
    graph = "https://example.org/graphs/blank"
    body = b"[] <urn:p> 1 ; <urn:q> 2 ."
    assert (
        requests.put(
            f"{writable_server.url}/data",
            params={"graph": graph},
            data=body,
            headers={**TURTLE, **writable_server.auth},
        ).status_code
        == 201
    )
    assert count(writable_server, f"GRAPH <{graph}> {{ ?x <urn:p> 1 ; <urn:q> 2 }}") == 1
    assert count(writable_server, "?x <urn:p> 1 ; <urn:q> 2") == 1  # the same node in the merge


@pytest.mark.slow
def test_gsp_put_of_100k_triples_is_answered_and_read_back(writable_server: Server) -> None:
    """A 100,000-triple PUT (about 8 MB of N-Triples) used to be parsed as a SPARQL update by rdflib
    and outlive the worker's timeout; it is now parsed by pyoxigraph and bulk-written, well within it."""
    graph, size = "https://example.org/graphs/large", 100_000
    body = "".join(f'<https://example.org/s{i}> <https://example.org/p{i % 7}> "value {i}" .\n' for i in range(size))
    headers = {"Content-Type": "application/n-triples", **writable_server.auth}
    put = requests.put(f"{writable_server.url}/data", params={"graph": graph}, data=body.encode(), headers=headers)
    assert put.status_code == 201, put.text
    got = requests.get(
        f"{writable_server.url}/data", params={"graph": graph}, headers={"Accept": "application/n-triples"}
    )
    assert got.status_code == 200 and len(got.content.splitlines()) == size
    assert graph_count(writable_server, graph) == size
    assert count(writable_server, "?s ?p ?o FILTER (STRSTARTS(STR(?s), 'https://example.org/s'))") == size
