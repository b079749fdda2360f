"""A document's text on its page: every quote highlighted and linked to its claim, overlapping,
nested and shared quotes included, sentences no claim quotes marked, and the text itself unchanged."""

from __future__ import annotations

import html
import re

import requests

from dprk_kg.server.document_text import Quote, quotes_of, sentences
from tests.server.conftest import Server

TEXT = "Alpha beta gamma. Delta epsilon zeta. Eta theta."


def quote(claim: str, words: str, occurrence: int = 0) -> Quote:
    start = TEXT.index(words, occurrence)
    return Quote(f"urn:claim:{claim}", claim, start, start + len(words))


def test_pieces_rebuild_the_text_and_link_the_innermost_quote() -> None:
    outer = quote("outer", "Alpha beta gamma.")
    inner = quote("inner", "beta")
    crossing = quote("crossing", "gamma. Delta")
    same_a, same_b = quote("same-a", "epsilon"), quote("same-b", "epsilon")
    cut = sentences(TEXT, [outer, inner, crossing, same_a, same_b])
    assert "".join(p.text for s in cut for p in s.pieces) == TEXT
    pieces = {p.text: p for s in cut for p in s.pieces}
    assert pieces["beta"].quotes[0] == inner and outer in pieces["beta"].quotes  # nested: innermost first
    assert pieces["beta"].depth == 2
    assert pieces["gamma."].quotes == [crossing, outer]  # crossing quotes overlap here
    assert pieces["Delta"].quotes == [crossing]
    # two claims quote the same words: one links from the text, the other gets a marker there
    assert pieces["epsilon"].quotes[0] == same_a and pieces["epsilon"].markers == [same_b]
    reachable = {p.quotes[0] for s in cut for p in s.pieces if p.quotes} | {
        m for s in cut for p in s.pieces for m in p.markers
    }
    assert reachable == {outer, inner, crossing, same_a, same_b}
    assert [s.quoted for s in cut] == [True, True, False]  # "Eta theta." is quoted by no claim


def test_spans_that_do_not_fit_the_text_are_left_out() -> None:
    rows = [
        {"claim": "urn:c:1", "id": "ok", "start": "0", "end": "5"},
        {"claim": "urn:c:2", "id": "past-the-end", "start": "40", "end": "400"},
        {"claim": "urn:c:3", "id": "reversed", "start": "9", "end": "3"},
        {"claim": "urn:c:4", "id": "not-a-number", "start": "x", "end": "5"},
    ]
    assert [q.id for q in quotes_of(rows, TEXT)] == ["ok"]


def test_the_page_shows_the_stored_text_with_every_claim_linked(server: Server) -> None:
    page = requests.get(f"{server.url}/doc/004_5b61ddd10aea0cba.html", timeout=30).text
    shown = page.split('<div class="text">', 1)[1].split("</div>", 1)[0]
    stored = requests.get(
        f"{server.url}/sparql",
        params={
            "query": "SELECT ?text WHERE { <https://w3id.org/dprk-kg/doc/004_5b61ddd10aea0cba> "
            "<https://schema.org/text> ?text }"
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"][0]["text"]["value"]
    without_markers = re.sub(r'<sup class="claim-marker">.*?</sup>', "", shown)
    assert html.unescape(re.sub(r"<[^>]+>", "", without_markers)) == stored  # the text, exactly
    linked = set(re.findall(r'href="/claim/004_5b61ddd10aea0cba/([^"]+)\.html"', shown))
    claims = requests.get(
        f"{server.url}/sparql",
        params={
            "query": "SELECT DISTINCT ?id WHERE { ?c <http://www.w3.org/ns/prov#wasDerivedFrom> "
            "<https://w3id.org/dprk-kg/doc/004_5b61ddd10aea0cba> ; <https://w3id.org/dprk-kg/ontology#claimId> ?id }"
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"]
    assert linked == {row["id"]["value"] for row in claims}  # every claim is reachable from its text
    assert 'class="sentence unquoted"' in shown and shown.count("<mark") > 30
