"""The ontology as a published artefact, over HTTP with real clients (issue 11).

``/ontology`` — the ontology's IRI and the namespace document of every ``dkg:Term`` — serves the whole
ontology in every RDF format by content negotiation (303 to a document, as every IRI here), so
``rdflib.Graph().parse(iri)`` finds every term and each term's IRI dereferences to a document that
defines it; the version IRI, the Wikidata mapping set and the SHACL shapes resolve at their IRIs. The
HTML page documents the ontology: hierarchies as trees, each term at the anchor of its local name
with its domains, ranges, definition and uses from the data, found by constant queries.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from flask.testing import FlaskClient
from PIL import Image
from rdflib.namespace import OWL, RDF, RDFS
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from dprk_kg.server import linked_data, ontology_docs
from dprk_kg.server.executor import Answer, QueryJob
from dprk_kg.vocabulary import DEFAULT_BASE, DKG_NS, ONTOLOGY_IRI
from tests.conftest import ROOT
from tests.server.conftest import Server
from tests.server.test_query_page import CHROMEDRIVER, CHROMIUM, CHROMIUM_ARGS, non_background_share

ONT = rdflib.URIRef(ONTOLOGY_IRI)
DKG = rdflib.Namespace(DKG_NS)
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
FORMATS = [  # extension, media type, rdflib's name
    (".ttl", "text/turtle", "turtle"),
    (".nt", "application/n-triples", "nt"),
    (".jsonld", "application/ld+json", "json-ld"),
    (".rdf", "application/rdf+xml", "xml"),
    (".trig", "application/trig", "trig"),
    (".nq", "application/n-quads", "nquads"),
]


@pytest.fixture(scope="module")
def document() -> rdflib.Graph:
    return rdflib.Graph().parse(ROOT / "ontology" / "dprk-kg.ttl", format="turtle")


@pytest.fixture(scope="module")
def terms(document: rdflib.Graph) -> list[rdflib.URIRef]:
    found = sorted(
        {s for s in document.subjects(RDF.type, None) if isinstance(s, rdflib.URIRef) and s.startswith(DKG_NS)}
    )
    assert len(found) > 200
    return found


def local(server: Server, iri: str) -> str:
    """The server's URL of a published IRI (the fragment is not sent)."""
    return server.url + "/" + iri.split("#", 1)[0][len(DEFAULT_BASE) :]


# --- the ontology as data ----------------------------------------------------------------------


def test_rdflib_reads_the_whole_ontology_from_its_iri(server: Server, document: rdflib.Graph) -> None:
    """What a client does without options: parse the IRI (rdflib's own Accept, the 303 followed)."""
    graph = rdflib.Graph().parse(f"{server.url}/ontology")
    assert set(graph) == set(document)


@pytest.mark.parametrize(("extension", "media_type", "parser"), FORMATS, ids=[f[0] for f in FORMATS])
def test_every_format_holds_the_whole_ontology(
    server: Server, document: rdflib.Graph, extension: str, media_type: str, parser: str
) -> None:
    """By Accept (303 to the document) and at the document's own address; quad formats hold the
    ontology in their default graph, where a link-traversal client looks."""
    response = requests.get(f"{server.url}/ontology", headers={"Accept": media_type}, allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"] == f"/ontology{extension}"
    response = requests.get(f"{server.url}/ontology{extension}")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(media_type)
    assert f'<{ONTOLOGY_IRI}>; rel="describes"' in response.headers["Link"]
    if parser in ("trig", "nquads"):
        dataset = rdflib.Dataset()
        dataset.parse(data=response.content, format=parser)
        assert set(dataset.default_context) == set(document)
    else:
        assert set(rdflib.Graph().parse(data=response.content, format=parser)) == set(document)


def test_turtle_is_the_ontology_file_itself(server: Server) -> None:
    response = requests.get(f"{server.url}/ontology.ttl")
    assert response.content == (ROOT / "ontology" / "dprk-kg.ttl").read_bytes()


def test_each_term_iri_dereferences_to_a_document_that_defines_it(server: Server, terms: list[rdflib.URIRef]) -> None:
    """Every dkg:Term IRI, as a client follows it: its document (the fragment stripped), in Turtle."""
    parsed: dict[str, rdflib.Graph] = {}
    with requests.Session() as session:
        for term in terms:
            response = session.get(local(server, str(term)), headers={"Accept": "text/turtle"})
            assert response.status_code == 200 and response.history[0].status_code == 303, term
            key = hashlib.sha256(response.content).hexdigest()
            if key not in parsed:
                parsed[key] = rdflib.Graph().parse(data=response.content, format="turtle")
            graph = parsed[key]
            assert (term, RDFS.isDefinedBy, ONT) in graph, term
            assert graph.value(term, RDF.type) is not None and graph.value(term, RDFS.label) is not None, term


def test_the_version_iri_resolves_to_the_same_ontology(server: Server, document: rdflib.Graph) -> None:
    version = document.value(ONT, OWL.versionIRI)
    assert version is not None and str(version).startswith(ONTOLOGY_IRI + "/")
    graph = rdflib.Graph().parse(local(server, str(version)), format="turtle")
    assert set(graph) == set(document) and (ONT, OWL.versionIRI, version) in graph
    assert requests.get(local(server, str(version)), headers=BROWSER).url.endswith(".html")
    for other in (f"{ONTOLOGY_IRI}/9.9.9", f"{ONTOLOGY_IRI}/0.1.0/x", f"{ONTOLOGY_IRI}/"):
        assert requests.get(local(server, other), headers={"Accept": "text/turtle"}).status_code == 404


def test_the_mapping_set_and_the_shapes_resolve_at_their_iris(server: Server) -> None:
    """The documents the data names — the subjects of the ontology and shapes graphs that are not
    terms: the ontology, the mapping set, the shapes — each dereference to a document about them."""
    rows = requests.get(
        f"{server.url}/sparql",
        params={
            "query": "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } "
            f"VALUES ?g {{ <{DEFAULT_BASE}graph/ontology> <{DEFAULT_BASE}graph/shapes> }} "
            f'FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{DEFAULT_BASE}") && !CONTAINS(STR(?s), "#") '
            '&& !CONTAINS(STR(?s), "/.well-known/")) }'
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"]
    documents = {row["s"]["value"] for row in rows}
    assert documents == {ONTOLOGY_IRI, f"{ONTOLOGY_IRI}/wikidata-mapping", f"{DEFAULT_BASE}shapes"}
    for iri in documents:
        graph = rdflib.Graph().parse(local(server, iri), format="turtle")
        assert any(graph.triples((rdflib.URIRef(iri), None, None))), iri
    mapping = rdflib.Graph().parse(f"{server.url}/ontology/wikidata-mapping.nt", format="nt")
    assert (DKG.Person, rdflib.SKOS.exactMatch, rdflib.URIRef("http://www.wikidata.org/entity/Q5")) in mapping
    shapes = rdflib.Graph().parse(f"{server.url}/shapes.jsonld", format="json-ld")
    assert (rdflib.URIRef(f"{DEFAULT_BASE}shapes"), OWL.imports, ONT) in shapes


def test_unacceptable_and_unknown(server: Server) -> None:
    response = requests.get(f"{server.url}/ontology", headers={"Accept": "image/png"}, allow_redirects=False)
    assert response.status_code == 406 and "text/turtle" in response.text
    for path in ("/ontologies", "/ontology.xyz", "/shapes/x", "/ontology/wikidata-mapping/x.ttl"):
        assert requests.get(server.url + path).status_code == 404, path


# --- the documentation -------------------------------------------------------------------------


class Outline(HTMLParser):
    """The ids of a page, and for each link of a tree the anchors of the items it sits under."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.items: list[str | None] = []  # the open <li>s of the current tree, each with its first link
        self.tree: str | None = None
        self.depth = 0
        self.parents: dict[tuple[str, str], list[list[str]]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"] or "")
            if "tree" in (attributes.get("class") or "").split():
                self.tree, self.depth = attributes["id"], 0
        if self.tree is None:
            return
        if tag == "section":
            self.depth += 1
        elif tag == "li":
            self.items.append(None)
        elif tag == "a" and self.items and self.items[-1] is None:
            anchor = (attributes.get("href") or "").removeprefix("#")
            self.items[-1] = anchor
            above = [item for item in self.items[:-1] if item]
            self.parents.setdefault((self.tree, anchor), []).append(list(reversed(above)))

    def handle_endtag(self, tag: str) -> None:
        if self.tree is None:
            return
        if tag == "li":
            self.items.pop()
        elif tag == "section":
            self.depth -= 1
            if self.depth == 0:
                self.tree = None


@pytest.fixture(scope="module")
def page(server: Server) -> str:
    response = requests.get(f"{server.url}/ontology", headers=BROWSER)
    assert response.status_code == 200 and response.url.endswith("/ontology.html")
    return response.text


@pytest.fixture(scope="module")
def outline(page: str) -> Outline:
    parser = Outline()
    parser.feed(page)
    return parser


def test_every_term_has_its_entry_at_the_anchor_of_its_local_name(outline: Outline, terms: list[rdflib.URIRef]) -> None:
    names = [str(t)[len(DKG_NS) :] for t in terms]
    assert sorted(set(outline.ids) & set(names)) == sorted(names)
    assert len(outline.ids) == len(set(outline.ids)), "an id is used twice"


@pytest.mark.parametrize(
    ("tree", "term", "above"),
    [
        ("doc-class-tree", "Journalist", ["Person", "Agent"]),
        ("doc-class-tree", "PeoplesCommittee", ["LocalGovernment", "GovernmentBody", "Organization", "Agent"]),
        ("doc-class-tree", "County", ["AdministrativeArea", "Place"]),
        ("doc-object-property-tree", "speaker", ["agent"]),
        ("doc-object-property-tree", "reportsOn", ["concerns"]),
    ],
)
def test_the_hierarchies_are_trees(outline: Outline, tree: str, term: str, above: list[str]) -> None:
    assert above in outline.parents[(tree, term)]


def test_an_entry_shows_domain_range_definition_mapping_and_uses(page: str) -> None:
    entry = page[page.index('id="locatedIn"') :]
    entry = entry[: entry.index("</section>")]
    text = re.sub(r"<[^>]+>", " ", entry)
    assert re.search(r"domain\s+dkg:Place", text) and re.search(r"range\s+dkg:Place", text)
    assert "inverse" in text and "dkg:containsPlace" in text and "transitive" in text
    assert "The place lies within the other" in text
    assert 'href="http://www.wikidata.org/entity/P131"' in entry
    assert re.search(r'<a href="/id/[^"]+\.html">[^<]+</a> → <a href="/id/[^"]+\.html">', entry), "no use from the data"


def test_reused_terms_are_listed_by_vocabulary(page: str) -> None:
    reused = page[page.index('id="doc-reused"') :]
    for name in ("PROV-O", "W3C Organization Ontology", "SKOS", "Web Annotation Vocabulary", "schema.org"):
        assert name in reused
    assert 'href="http://www.w3.org/ns/prov#wasDerivedFrom"' in reused


def test_the_mapping_set_and_shapes_pages(server: Server) -> None:
    mapping = requests.get(f"{server.url}/ontology/wikidata-mapping", headers=BROWSER)
    assert mapping.status_code == 200 and 'href="/ontology.html#Person"' in mapping.text
    shapes = requests.get(f"{server.url}/shapes", headers=BROWSER)
    assert shapes.status_code == 200 and 'id="EvidenceShape"' in shapes.text


# --- the queries are constants -------------------------------------------------------------------


def test_the_page_runs_only_constant_queries(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every query the documentation runs is one of the module's constants, the term bound as an IRI."""
    jobs: list[QueryJob] = []
    run = ontology_docs.execute

    def recording(job: QueryJob) -> Answer:
        jobs.append(job)
        return run(job)

    monkeypatch.setattr(ontology_docs, "execute", recording)
    hostile = "x> ?p ?o } SERVICE <http://127.0.0.1:1/x> { ?x ?y ?z } } #"
    assert client.get("/ontology.html", query_string={"view": hostile, "q": hostile}).status_code == 200
    assert client.get("/ontology/" + hostile + ".html").status_code == 404
    assert jobs and {job.sparql for job in jobs} <= set(ontology_docs.QUERIES)
    assert all(isinstance(job.bindings and job.bindings.get("this"), ox.NamedNode) for job in jobs)
    assert not set(ontology_docs.QUERIES) & set(linked_data.QUERIES)


# --- in a browser --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    for program in (CHROMIUM, CHROMEDRIVER):
        if not program.exists():
            pytest.fail(f"{program} is missing: install Debian's chromium and chromium-driver (scripts/test does)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (*CHROMIUM_ARGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.browser
def test_a_term_iri_lands_on_its_entry_and_the_tree_leads_there(
    chromium: WebDriver, server: Server, tmp_path: Path
) -> None:
    """``…/ontology#Journalist`` as a browser opens it: the 303 keeps the fragment, the entry is on
    screen; in the class tree, Journalist sits under Person under Agent, and its link scrolls to it."""
    chromium.get(f"{server.url}/ontology#Journalist")
    WebDriverWait(chromium, 30).until(lambda driver: driver.current_url.endswith("/ontology.html#Journalist"))
    entry = chromium.find_element(By.ID, "Journalist")
    assert entry.is_displayed() and "A person who writes or reports" in entry.text
    on_screen = "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight"
    assert chromium.execute_script(on_screen, entry)
    screenshot = tmp_path / "ontology.png"
    assert chromium.save_screenshot(str(screenshot))
    with Image.open(screenshot) as image:
        assert non_background_share(image) > 0.02, f"the page looks blank in {screenshot}"
    tree = chromium.find_element(By.ID, "doc-class-tree")
    link = tree.find_element(By.CSS_SELECTOR, 'a[href="#Journalist"]')
    ancestors = link.find_elements(By.XPATH, "./ancestor::li/a[1]")
    assert [a.get_attribute("href").rsplit("#", 1)[1] for a in ancestors] == ["Agent", "Person", "Journalist"]
    chromium.execute_script("window.scrollTo(0, 0)")
    chromium.execute_script("arguments[0].click()", tree.find_element(By.CSS_SELECTOR, 'a[href="#County"]'))
    WebDriverWait(chromium, 30).until(lambda driver: driver.current_url.endswith("#County"))
    assert chromium.execute_script(on_screen, chromium.find_element(By.ID, "County"))
