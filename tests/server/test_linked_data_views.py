"""Views on the linked-data pages, and "how sure is this?" on each (issue 10).

A triple-only format flattens the graphs, so by default it holds only the facts: a triple that only a
non-factual claim asserts (here one the text calls uncertain, looked up in the store rather than
written down, since the curated claims change) is absent from Turtle, N-Triples, JSON-LD and RDF/XML,
present in TriG and N-Quads in its claim graph with the claim's status, and in the page's "How sure is
this?" section marked uncertain. ``?view=`` chooses any view of the endpoint's; an unknown one is a 400,
and the view never reaches a query's text."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
import rdflib
import requests
from flask.testing import FlaskClient
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from dprk_kg.server import linked_data, views
from dprk_kg.server.executor import Answer, QueryJob
from dprk_kg.server.pictures import routes as pictures
from dprk_kg.vocabulary import DEFAULT_BASE
from tests.server.conftest import Server
from tests.server.test_query_page import CHROMEDRIVER, CHROMIUM, CHROMIUM_ARGS

BASE = DEFAULT_BASE
DKG = rdflib.Namespace("https://w3id.org/dprk-kg/ontology#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
VIEW_NAMES = [view.name for view in views.VIEWS]
TRIPLE_FORMATS = [(".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld"), (".rdf", "xml")]
QUAD_FORMATS = [(".trig", "trig"), (".nq", "nquads")]
# The claim of the brief, preferred when it still exists; any other uncertain claim otherwise.
PREFERRED = f"{BASE}claim/000_1f7871d4d3f091d3/central-funding-uncertain"
UNCERTAIN_TRIPLE = f"""
SELECT ?claim ?s ?p ?o WHERE {{
  GRAPH ?claim {{ ?s ?p ?o }}
  ?claim dkg:modality dkg:Uncertain .
  FILTER (STRSTARTS(STR(?s), "{BASE}id/") && isIRI(?o) && STRSTARTS(STR(?o), "{BASE}id/"))
  FILTER NOT EXISTS {{ ?s ?p ?o }}
}} ORDER BY (?claim != <{PREFERRED}>) ?claim ?s ?p ?o LIMIT 1
"""


@dataclass(frozen=True)
class NonFact:
    """A triple only an uncertain claim asserts: it is not in the default graph."""

    claim: str
    s: str
    p: str
    o: str

    @property
    def triple(self) -> tuple[rdflib.URIRef, rdflib.URIRef, rdflib.URIRef]:
        return rdflib.URIRef(self.s), rdflib.URIRef(self.p), rdflib.URIRef(self.o)

    def page(self, server: Server, iri: str | None = None) -> str:
        return server.url + "/" + (iri or self.s)[len(BASE) :]


@pytest.fixture(scope="module")
def non_fact(server: Server) -> NonFact:
    response = requests.get(
        f"{server.url}/sparql",
        params={"query": UNCERTAIN_TRIPLE},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    rows = response.json()["results"]["bindings"]
    assert rows, "the seeds have no triple that only an uncertain claim asserts"
    return NonFact(*(rows[0][name]["value"] for name in ("claim", "s", "p", "o")))


def _graph(server: Server, url: str, parser: str) -> rdflib.Graph:
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, response.text
    return rdflib.Graph().parse(data=response.content, format=parser)


def _dataset(url: str, parser: str) -> rdflib.Dataset:
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, response.text
    dataset = rdflib.Dataset()
    dataset.parse(data=response.content, format=parser)
    return dataset


def _how_sure(page: str) -> dict[str, str]:
    """The "How sure is this?" section as {anchor: its text}."""
    section = page.split('id="how-sure"', 1)[1].split("</section>", 1)[0]
    blocks = re.findall(r'<div class="sure[^"]*" id="(sure-\d+)">(.*?)</div>\s*(?=<div class="sure|$)', section, re.S)
    return {
        anchor: html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))).strip() for anchor, body in blocks
    }


def _row_of(page: str, iri: str) -> str:
    """The statements table's row whose value links to ``iri``'s page, a non-factual one first."""
    href = f'href="/{iri[len(BASE) :]}.html"'
    table = page.split("<h2>Statements</h2>", 1)[1].split("</table>", 1)[0]
    rows = [row for row in re.findall(r"<tr.*?</tr>", table, re.S) if href in row]
    assert rows, f"no row links to {iri}"
    return sorted(rows, key=lambda row: 'class="non-factual"' not in row)[0]


# --- triple-only formats hold the facts by default -------------------------------------------------


@pytest.mark.parametrize(("suffix", "parser"), TRIPLE_FORMATS)
def test_a_triple_format_leaves_out_what_only_a_non_factual_claim_says(
    server: Server, non_fact: NonFact, suffix: str, parser: str
) -> None:
    graph = _graph(server, non_fact.page(server) + suffix, parser)
    assert non_fact.triple not in graph
    assert (rdflib.URIRef(non_fact.s), None, None) in graph  # the page is about it: the facts are there
    assert non_fact.triple not in _graph(server, non_fact.page(server) + suffix + "?view=facts", parser)
    assert non_fact.triple in _graph(server, non_fact.page(server) + suffix + "?view=complete", parser)


def test_the_object_s_incoming_links_honour_the_view(server: Server, non_fact: NonFact) -> None:
    """On the page of the object, the link from the subject is incoming: read from the default graph
    for the facts, from every graph for the complete view, and kept in its graph by TriG."""
    page = non_fact.page(server, non_fact.o)
    assert non_fact.triple not in _graph(server, page + ".ttl", "turtle")
    assert non_fact.triple in _graph(server, page + ".ttl?view=complete", "turtle")
    quads = _dataset(page + ".trig", "trig")
    assert (*non_fact.triple, rdflib.URIRef(non_fact.claim)) in quads


@pytest.mark.parametrize(("suffix", "parser"), QUAD_FORMATS)
def test_a_quad_format_keeps_it_in_its_claim_graph_with_the_claim_s_status(
    server: Server, non_fact: NonFact, suffix: str, parser: str
) -> None:
    quads = _dataset(non_fact.page(server) + suffix, parser)
    claim = rdflib.URIRef(non_fact.claim)
    assert (*non_fact.triple, claim) in quads
    default = quads.default_context
    assert (claim, rdflib.RDF.type, DKG.NonFactual) in default
    assert (claim, DKG.modality, DKG.Uncertain) in default
    assert (claim, DKG.epistemicStatus, None) in default
    assert (claim, PROV.wasDerivedFrom, None) in default
    # the facts view in a quad format: the statement, its claim and their graph are gone
    facts = _dataset(non_fact.page(server) + suffix + "?view=facts", parser)
    assert (*non_fact.triple, claim) not in facts
    assert (claim, None, None) not in facts.default_context


def test_the_claim_s_own_page_gives_its_triples_only_in_a_view_that_holds_it(server: Server, non_fact: NonFact) -> None:
    page = non_fact.page(server, non_fact.claim)
    assert non_fact.triple not in _graph(server, page + ".ttl", "turtle")
    assert non_fact.triple in _graph(server, page + ".ttl?view=non-factual", "turtle")
    assert (*non_fact.triple, rdflib.URIRef(non_fact.claim)) in _dataset(page + ".trig", "trig")
    facts_page = requests.get(page + ".html?view=facts", timeout=30).text
    assert "outside the view <strong>facts</strong>" in facts_page
    assert "not held as fact" in requests.get(page + ".html", timeout=30).text


@pytest.mark.parametrize("view", ["stated", "reported", "inferred", "opinion", "non-factual"])
def test_a_status_view_holds_the_claims_of_that_status(server: Server, non_fact: NonFact, view: str) -> None:
    """Each view's statements are those of its graphs, as default-graph-uri=…/view/<name> on /sparql says."""
    status = requests.get(
        f"{server.url}/sparql",
        params={"query": f"SELECT ?status WHERE {{ <{non_fact.claim}> dkg:epistemicStatus/rdfs:label ?status }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"][0]["status"]["value"]
    graph = _graph(server, non_fact.page(server) + f".ttl?view={view}", "turtle")
    assert (non_fact.triple in graph) is (view in (status, "non-factual"))
    ask = f"ASK {{ <{non_fact.s}> <{non_fact.p}> <{non_fact.o}> }}"
    on_sparql = requests.get(
        f"{server.url}/sparql",
        params={"query": ask, "default-graph-uri": f"{BASE}view/{view}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["boolean"]
    assert (non_fact.triple in graph) is on_sparql


# --- the page: which view, and how sure each statement is -------------------------------------------


def test_the_page_marks_the_statement_and_says_how_sure_it_is(server: Server, non_fact: NonFact) -> None:
    response = requests.get(non_fact.page(server) + ".html", timeout=30)
    assert response.status_code == 200
    page = response.text
    row = _row_of(page, non_fact.o)
    assert 'class="non-factual"' in row and '<span class="badge"' in row and "uncertain" in row
    anchor = re.search(r'href="[^"#]*#(sure-\d+)"', row)
    assert anchor
    sure = _how_sure(page)[anchor.group(1)]
    assert "uncertain" in sure and "not held as fact" in sure
    claim_path = non_fact.claim[len(BASE) :]
    block = page.split(f'id="{anchor.group(1)}"', 1)[1].split('<div class="sure', 1)[0]
    assert f'href="/{claim_path}.html"' in block
    quote_text = requests.get(
        f"{server.url}/sparql",
        params={"query": f"SELECT ?q WHERE {{ <{non_fact.claim}> dkg:evidence/oa:hasSelector/oa:exact ?q }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"][0]["q"]["value"]
    assert " ".join(quote_text.split()) in sure
    assert 'href="/doc/' in block  # the document it quotes


def test_the_facts_view_of_the_page_leaves_the_statement_out(server: Server, non_fact: NonFact) -> None:
    page = requests.get(non_fact.page(server) + ".html?view=facts", timeout=30).text
    table = page.split("<h2>Statements</h2>", 1)[1].split("</table>", 1)[0]
    assert f'href="/{non_fact.o[len(BASE) :]}.html"' not in table
    assert "uncertain" not in " ".join(_how_sure(page).values())


def test_a_fact_is_said_to_be_one(server: Server) -> None:
    page = requests.get(f"{server.url}/id/orang-county.html", timeout=30).text
    sure = _how_sure(page)
    assert sure and all("fact in the default graph" in text for text in sure.values())
    assert any("registry" in text for text in sure.values())
    assert any("inferred from facts" in text for text in sure.values())


def test_the_page_says_which_view_it_shows_and_links_the_others(server: Server, non_fact: NonFact) -> None:
    base_path = "/" + non_fact.s[len(BASE) :]
    default = requests.get(non_fact.page(server) + ".html", timeout=30).text
    assert "Showing the view <strong>complete</strong>" in default
    chosen = requests.get(non_fact.page(server) + ".html?view=stated", timeout=30).text
    assert "Showing the view <strong>stated</strong>" in chosen
    for name in VIEW_NAMES:
        if name != "stated":
            assert f'href="{base_path}.html?view={name}"' in chosen
    for suffix in (".ttl", ".nt", ".jsonld", ".rdf", ".trig", ".nq"):  # the formats keep the chosen view
        assert f'href="{base_path}{suffix}?view=stated"' in chosen
        assert f'href="{base_path}{suffix}"' in default  # unchosen: each format's own default


def test_headers_name_the_view_and_the_formats(server: Server, non_fact: NonFact) -> None:
    response = requests.get(non_fact.page(server) + ".ttl?view=complete", timeout=30)
    links = response.headers["Link"]
    assert f'<{non_fact.s}>; rel="describes"' in links
    assert f'<{BASE}view/complete>; rel="http://rdfs.org/ns/void#inDataset"' in links
    path = "/" + non_fact.s[len(BASE) :]
    assert f'<{path}.trig?view=complete>; rel="alternate"; type="application/trig"' in links
    assert f"<{BASE}view/facts>" in requests.get(non_fact.page(server) + ".nt", timeout=30).headers["Link"]


@pytest.mark.parametrize("view", ["complete", "facts"])
def test_the_see_other_keeps_the_view(server: Server, non_fact: NonFact, view: str) -> None:
    response = requests.get(
        f"{non_fact.page(server)}?view={view}", headers={"Accept": "application/n-quads"}, allow_redirects=False
    )
    assert response.status_code == 303 and "Accept" in response.headers["Vary"]
    assert response.headers["Location"] == f"/{non_fact.s[len(BASE) :]}.nq?view={view}"


# --- an unknown view ---------------------------------------------------------------------------------

HOSTILE_VIEWS = [
    "bogus",
    "FACTS",
    "",
    "facts ",
    "complete'} UNION { ?s ?p ?o",
    "facts> } GRAPH ?g { ?s ?p ?o } #",
    f"{BASE}view/complete",
    "../complete",
    "x" * 1000,
]


@pytest.mark.parametrize("value", HOSTILE_VIEWS)
@pytest.mark.parametrize("suffix", ["", ".html", ".ttl", ".trig"])
def test_an_unknown_view_is_a_400_naming_the_views(server: Server, value: str, suffix: str) -> None:
    response = requests.get(
        f"{server.url}/id/orang-county{suffix}?view={quote(value, safe='')}",
        headers={"Accept": "text/turtle"},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 400, response.text
    assert "unknown view" in response.text and ", ".join(VIEW_NAMES) in response.text
    assert len(response.text) < 500


def test_two_views_are_a_400(server: Server) -> None:
    response = requests.get(f"{server.url}/id/orang-county.ttl?view=facts&view=complete", timeout=30)
    assert response.status_code == 400 and "give one view" in response.text


# --- the view never reaches a query -----------------------------------------------------------------


def test_the_view_never_reaches_a_query(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every query a page runs, whatever the view asked for, is one of the module's constants."""
    texts: list[str] = []
    run = linked_data.execute

    def recording(job: QueryJob) -> Answer:
        texts.append(job.sparql)
        return run(job)

    monkeypatch.setattr(linked_data, "execute", recording)
    allowed = set(linked_data.QUERIES) | set(pictures.QUERIES) | {view.graphs for view in views.VIEWS if view.graphs}
    for value in [*VIEW_NAMES, *HOSTILE_VIEWS]:
        for picture in ("/id/orang-county/neighbourhood.svg", "/timeline"):  # the pictures (server/pictures/)
            status = client.get(picture, query_string={"view": value}).status_code
            assert status == (200 if value in VIEW_NAMES else 400)
        for suffix in (".html", ".ttl", ".trig"):
            response = client.get(f"/id/orang-county{suffix}", query_string={"view": value})
            assert response.status_code == (200 if value in VIEW_NAMES else 400)
            for name in ("claim/000_1f7871d4d3f091d3/central-funding-uncertain", "id/government-of-north-korea"):
                client.get(f"/{name}{suffix}", query_string={"view": value})
    assert texts and set(texts) <= allowed
    assert not any(value in text for text in texts for value in HOSTILE_VIEWS if len(value) > 5)


# --- what an entailment was derived from -------------------------------------------------------------

GUESS, ENTAILMENT = f"{BASE}claim/t/guess", f"{BASE}graph/entailed/t/guess"
DERIVATION_DATA = f"""
PREFIX dkg: <https://w3id.org/dprk-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT DATA {{
  GRAPH <{GUESS}> {{ <{BASE}id/a> dkg:funds <{BASE}id/b> }}
  GRAPH <{ENTAILMENT}> {{ <{BASE}id/b> dkg:fundedBy <{BASE}id/a> }}
  GRAPH <{BASE}graph/provenance/t> {{
    <{GUESS}> a dkg:Claim , dkg:NonFactual ; dkg:epistemicStatus dkg:Inferred ;
        dkg:basis "a guess from the context" ; prov:wasAttributedTo <{BASE}id/curators> .
    <{ENTAILMENT}> a dkg:NonFactual ; prov:wasDerivedFrom <{GUESS}> .
    <{BASE}id/curators> rdfs:label "the curators"@en .
    dkg:Inferred rdfs:label "inferred"@en .
  }}
  GRAPH <{BASE}graph/registry> {{ <{BASE}id/b> rdfs:label "b"@en . <{BASE}id/a> rdfs:label "a"@en . }}
}}
"""


@pytest.fixture(scope="module")
def derived(writable_server: Server) -> Server:
    response = requests.post(
        f"{writable_server.url}/update",
        data=DERIVATION_DATA.encode(),
        headers={"Content-Type": "application/sparql-update", **writable_server.auth},
        timeout=30,
    )
    assert response.status_code in (200, 204), response.text
    return writable_server


def test_any_graph_shows_the_claims_it_was_derived_from(derived: Server) -> None:
    """A graph typed dkg:NonFactual that prov:wasDerivedFrom a claim — whatever its name — shows that
    claim and its status beside the statement it holds."""
    page = requests.get(f"{derived.url}/id/b.html", timeout=30).text
    row = _row_of(page, f"{BASE}id/a")
    assert 'class="non-factual"' in row and "rests on: curator&#39;s inference" in row
    anchor = re.search(r'href="[^"#]*#(sure-\d+)"', row)
    assert anchor
    sure = _how_sure(page)[anchor.group(1)]
    assert "derived from the claims" in sure and "inferred" in sure
    assert 'href="/claim/t/guess.html"' in page.split(f'id="{anchor.group(1)}"', 1)[1]
    # the guess itself, on its subject's page: a curator's inference, with its basis
    guess = _how_sure(requests.get(f"{derived.url}/id/a.html", timeout=30).text)
    assert any("curator's inference" in text and "a guess from the context" in text for text in guess.values())


def test_a_derived_graph_s_statement_stays_out_of_the_facts(derived: Server) -> None:
    triple = (rdflib.URIRef(f"{BASE}id/b"), DKG.fundedBy, rdflib.URIRef(f"{BASE}id/a"))
    assert triple not in _graph(derived, f"{derived.url}/id/b.ttl", "turtle")
    assert triple in _graph(derived, f"{derived.url}/id/b.ttl?view=non-factual", "turtle")
    quads = _dataset(f"{derived.url}/id/b.trig", "trig")
    assert (*triple, rdflib.URIRef(ENTAILMENT)) in quads
    assert (rdflib.URIRef(ENTAILMENT), PROV.wasDerivedFrom, rdflib.URIRef(GUESS)) in quads.default_context


# --- in a browser --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """Headless Chromium, as the query page's tests start it (the driver given by path: no download)."""
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
def test_a_reader_follows_how_sure_and_switches_to_the_facts(
    chromium: WebDriver, server: Server, non_fact: NonFact
) -> None:
    """The badge is shown beside the statement; "how sure?" scrolls to its entry, which says uncertain
    and quotes the text; the "facts" view drops the statement."""
    chromium.get(non_fact.page(server) + ".html")
    href = f"/{non_fact.o[len(BASE) :]}.html"
    row = chromium.find_element(By.CSS_SELECTOR, f'tr.non-factual a[href="{href}"]').find_element(
        By.XPATH, "./ancestor::tr"
    )
    badge = row.find_element(By.CSS_SELECTOR, ".badge")
    assert badge.is_displayed() and "uncertain" in badge.text
    row.find_element(By.LINK_TEXT, "how sure?").click()
    WebDriverWait(chromium, 30).until(lambda driver: "#sure-" in driver.current_url)
    entry = chromium.find_element(By.ID, chromium.current_url.rsplit("#", 1)[1])
    assert entry.is_displayed() and "uncertain" in entry.text and "not held as fact" in entry.text
    assert chromium.execute_script("return arguments[0].getBoundingClientRect().top < window.innerHeight", entry)
    chromium.find_element(By.CSS_SELECTOR, "nav.views").find_element(By.LINK_TEXT, "facts").click()
    WebDriverWait(chromium, 30).until(lambda driver: driver.current_url.endswith("?view=facts"))
    assert chromium.find_element(By.CSS_SELECTOR, "nav.views .current").text == "facts"
    assert not chromium.find_elements(By.CSS_SELECTOR, f'table.statements a[href="{href}"]')
