"""Pages cannot be turned against their readers (issue 9, item 7): an IRI such as
``javascript:alert(document.domain)`` in the data used to be rendered as a live ``href`` on entity
pages, "Referred to by" included, and no response carried a Content-Security-Policy."""

from __future__ import annotations

import re

import pytest
import requests

from tests.server.conftest import Server

ENTITY = "https://w3id.org/dprk-kg/id/xss-target"
HOSTILE = (
    "javascript:alert(document.domain)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox",
)


@pytest.fixture(scope="module")
def hostile_data(writable_server: Server) -> Server:
    statements = " ".join(
        f"<{ENTITY}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{iri}> . "
        f"<{iri}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{ENTITY}> ."
        for iri in HOSTILE
    )
    safe = f"<{ENTITY}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <https://example.org/safe> ."
    mail = f"<{ENTITY}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <mailto:desk@example.org> ."
    update = f"INSERT DATA {{ GRAPH <urn:test:hostile> {{ {statements} {safe} {mail} }} }}"
    response = requests.post(
        f"{writable_server.url}/update",
        data=update.encode(),
        headers={"Content-Type": "application/sparql-update", **writable_server.auth},
        timeout=30,
    )
    assert response.status_code in (200, 204), response.text
    return writable_server


def test_only_http_https_and_mailto_become_links(hostile_data: Server) -> None:
    page = requests.get(f"{hostile_data.url}/id/xss-target.html", timeout=30)
    assert page.status_code == 200, page.text
    hrefs = re.findall(r'href="([^"]*)"', page.text)
    assert hrefs, page.text
    for href in hrefs:
        assert href.startswith(("/", "http://", "https://", "mailto:")), href
    assert "https://example.org/safe" in hrefs and "mailto:desk@example.org" in hrefs
    for iri in HOSTILE:
        # shown as text, escaped, never as a link — in the statements and in "Referred to by"
        assert f'href="{iri}' not in page.text
    assert page.text.count("javascript:alert(document.domain)") >= 2


@pytest.mark.parametrize("path", ["/", "/sparql?query=ASK%20%7B%7D", "/id/xss-target.html", "/ontology.html"])
def test_every_response_carries_the_security_headers(hostile_data: Server, path: str) -> None:
    response = requests.get(f"{hostile_data.url}{path}", headers={"Accept": "text/html"}, timeout=30)
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("Referrer-Policy")
