"""Protocol parameters that used to crash or be misread (issue 9, item 9): each is now a 400 that
names the problem."""

from __future__ import annotations

import pytest
import requests

from tests.server.conftest import Server

ASK = "ASK { ?s ?p ?o }"


@pytest.mark.parametrize("value", ["", "not an iri", "http://exa mple.org/", "<http://example.org/>"])
@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_a_dataset_iri_that_is_not_an_iri_is_a_400(server: Server, name: str, value: str) -> None:
    response = requests.get(f"{server.url}/sparql", params={"query": ASK, name: value}, timeout=30)
    assert response.status_code == 400, response.text
    assert name in response.text and "not an absolute IRI" in response.text


def test_invalid_utf8_in_a_query_string_is_a_400(server: Server) -> None:
    response = requests.get(f"{server.url}/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D", timeout=30)
    assert response.status_code == 400, response.text
    assert "not valid UTF-8" in response.text


def test_invalid_utf8_in_a_form_body_is_a_400(server: Server) -> None:
    response = requests.post(
        f"{server.url}/sparql",
        data=b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "application/sparql-query"])
def test_a_query_in_both_the_url_and_the_body_is_refused(server: Server, content_type: str) -> None:
    body = f"query={requests.utils.quote(ASK)}" if content_type.endswith("urlencoded") else ASK
    response = requests.post(
        f"{server.url}/sparql",
        params={"query": ASK},
        data=body.encode(),
        headers={"Content-Type": content_type},
        timeout=30,
    )
    assert response.status_code == 400, response.text
    assert "not in the URL" in response.text


def test_a_valid_dataset_iri_still_works(server: Server) -> None:
    params = {"query": ASK, "default-graph-uri": "https://w3id.org/dprk-kg/graph/registry"}
    response = requests.get(f"{server.url}/sparql", params=params, timeout=30)
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_head_answers_like_get(server: Server) -> None:
    description = requests.head(f"{server.url}/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert description.status_code == 200 and description.headers["Content-Type"].startswith("text/turtle")
    answer = requests.head(f"{server.url}/sparql", params={"query": ASK}, timeout=30)
    assert answer.status_code == 200 and answer.text == ""


def test_a_preflight_for_a_route_that_does_not_exist_is_a_404(server: Server) -> None:
    assert requests.options(f"{server.url}/no-such-route", timeout=30).status_code == 404
    preflight = requests.options(f"{server.url}/sparql", timeout=30)
    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == "*"
