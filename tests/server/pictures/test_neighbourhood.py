"""The neighbourhood graph of an entity: an SVG drawn by Graphviz, labelled with labels, linking to
the pages, dashing what is no fact, honouring the view, cached like a page, and escaping the data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests

from tests.server.conftest import Server, start_server

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
BASE = "https://w3id.org/dprk-kg/"


def drawing(server: Server, path: str) -> ET.Element:
    response = requests.get(f"{server.url}{path}", timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("image/svg+xml")
    return ET.fromstring(response.content)  # well-formed XML, or this raises


def texts(svg: ET.Element) -> list[str]:
    return [text.text or "" for text in svg.iter(f"{SVG}text")]


def links(svg: ET.Element) -> dict[str, str]:
    """Each link's target and the words drawn inside it."""
    return {a.get(f"{XLINK}href", ""): " ".join(texts(a)) for a in svg.iter(f"{SVG}a")}


def edges(svg: ET.Element) -> list[ET.Element]:
    return [g for g in svg.iter(f"{SVG}g") if "edge" in (g.get("class") or "").split()]


def test_the_neighbourhood_is_an_svg_of_labels_linking_to_pages(server: Server) -> None:
    svg = drawing(server, "/id/north-hamgyong-province/neighbourhood.svg")
    drawn = texts(svg)
    assert "North Hamgyong Province" in drawn  # the entity itself, by its label
    assert {"Orang County", "Kyongsong County", "North Korea"} <= set(drawn)
    assert "located in" in drawn  # an edge, by its property's label
    assert not [t for t in drawn if BASE in t], drawn  # no IRI of the dataset where a label exists
    targets = links(svg)
    assert targets["/id/orang-county.html"] == "Orang County"
    assert targets["/id/north-korea.html"] == "North Korea"
    assert "http://www.wikidata.org/entity/Q109361" in targets  # the registry's match, drawn as wd:Q109361
    # entailments (the reasoner's inverse containsPlace, sem:hasPlace …) are not drawn beside what they repeat
    assert "contains place" not in drawn


def test_links_no_fact_holds_are_dashed_and_the_view_is_honoured(server: Server) -> None:
    complete = drawing(server, "/id/orang-county/neighbourhood.svg")
    dashed = [e for e in edges(complete) if "non-factual" in (e.get("class") or "")]
    assert dashed, "the curator's and the planned mobilisation's links to Orang County are no fact"
    for edge in dashed:
        assert any(path.get("stroke-dasharray") for path in edge.iter(f"{SVG}path")), ET.tostring(edge)
    assert "/id/mobilisation-of-everyone-for-the-new-factories.html" in links(complete)
    assert "not held as fact" in texts(complete)  # the legend

    facts = drawing(server, "/id/orang-county/neighbourhood.svg?view=facts")
    assert "/id/mobilisation-of-everyone-for-the-new-factories.html" not in links(facts)
    assert not [e for e in edges(facts) if "non-factual" in (e.get("class") or "")]
    assert "/id/north-hamgyong-province.html" in links(facts)


def test_the_svg_is_cached_like_a_page(server: Server) -> None:
    url = f"{server.url}/id/orang-county/neighbourhood.svg"
    first = requests.get(url, timeout=30)
    page = requests.get(f"{server.url}/id/orang-county.html", timeout=30)
    assert first.headers["Cache-Control"] == page.headers["Cache-Control"]
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304
    other_view = requests.get(url + "?view=facts", headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert other_view.status_code == 200


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/id/no-such-entity/neighbourhood.svg", 404),
        ("/id/orang-county/neighbourhood.svg?view=everything", 400),
        ("/id/orang-county/neighbourhood.svg?view=facts&view=complete", 400),
    ],
)
def test_unknown_entities_and_views_are_refused(server: Server, path: str, status: int) -> None:
    response = requests.get(f"{server.url}{path}", timeout=30)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/plain")


def test_the_entity_page_embeds_the_picture(server: Server) -> None:
    page = requests.get(f"{server.url}/id/orang-county.html?view=facts", timeout=30).text
    assert '<section class="picture neighbourhood" id="neighbourhood">' in page
    assert page.count("<svg") == 1 and "<?xml" not in page  # inline: the element alone
    assert 'href="/id/orang-county/neighbourhood.svg?view=facts"' in page  # the view goes along
    assert (
        "mobilisation-of-everyone-for-the-new-factories" not in page.split('id="neighbourhood"')[1].split("</svg>")[0]
    )


HOSTILE = "\"q\" 'a' <script>alert(1)</script> ]]> <<b>x</b>> \\N \\l &bogus; &amp; --> <![CDATA["
ENTITY = BASE + "id/hostile-entity"


@pytest.fixture(scope="module")
def hostile(writable_server: Server) -> Server:
    """An entity, its neighbour and the property linking them, each labelled with every special
    character of XML, HTML, CDATA and Graphviz (quotes, HTML-like labels, escString sequences)."""
    label = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    data = (
        f'<{ENTITY}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}"@en ; '
        f"<{BASE}ontology#hostileLink> <{BASE}id/hostile-neighbour> . "
        f'<{BASE}id/hostile-neighbour> <http://www.w3.org/2000/01/rdf-schema#label> "{label} neighbour" . '
        f'<{BASE}ontology#hostileLink> <http://www.w3.org/2000/01/rdf-schema#label> "{label} link"@en . '
    )
    response = requests.put(
        f"{writable_server.url}/data",
        params={"graph": BASE + "claim/hostile/one"},
        data=data.encode(),
        headers={"Content-Type": "text/turtle", **writable_server.auth},
        timeout=30,
    )
    assert response.status_code in (201, 204), response.text
    return writable_server


def test_hostile_labels_are_escaped_in_the_svg(hostile: Server) -> None:
    svg = drawing(hostile, "/id/hostile-entity/neighbourhood.svg")  # parses: nothing broke the XML
    assert not [e for e in svg.iter() if e.tag.lower().endswith("script")]
    assert not [e for e in svg.iter() if e.tag.endswith("}b")]  # no Graphviz HTML label was made
    titles = [a.get(f"{XLINK}title", "") for a in svg.iter(f"{SVG}a")]
    # the whole label, as written, in the tooltips: no quote lost, no \N read as the node's name
    assert any(t.startswith(HOSTILE + " (") for t in titles), titles
    assert any(t.startswith(HOSTILE + " neighbour (") for t in titles), titles
    assert any(t == HOSTILE + " link" for t in titles), titles
    drawn = texts(svg)
    assert any(t.startswith(HOSTILE[:40]) for t in drawn), drawn  # drawn as text, cut to fit
    assert links(svg).get("/id/hostile-neighbour.html", "").startswith(HOSTILE[:40])


def test_hostile_labels_are_escaped_in_the_page(hostile: Server) -> None:
    page = requests.get(f"{hostile.url}/id/hostile-entity.html", timeout=30)
    assert page.status_code == 200, page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "<b>x</b>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert page.text.count("<svg") == 1


def test_without_graphviz_the_page_says_so_and_the_svg_is_unavailable(built_store: Path, tmp_path: Path) -> None:
    """A machine without Debian's graphviz (``dot`` not on the PATH) still serves every page."""
    empty = tmp_path / "bin"
    empty.mkdir()
    server = start_server(built_store, tmp_path / "server.log", env={"PATH": str(empty)}, workers=1)
    try:
        svg = requests.get(f"{server.url}/id/orang-county/neighbourhood.svg", timeout=30)
        assert svg.status_code == 503 and "Graphviz" in svg.text
        page = requests.get(f"{server.url}/id/orang-county.html", timeout=30)
        assert page.status_code == 200
        assert '<p class="picture-missing">' in page.text and "<svg" not in page.text
    finally:
        server.stop()
