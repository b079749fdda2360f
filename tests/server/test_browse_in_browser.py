"""The entity index and the query page in a real headless Chromium (issue 11): each is painted (a
screenshot that is not blank) with its key parts, and shows no full IRI where a label exists; the query
page's result tables show labels and prefixed names that link to this server's pages, and its editor
knows the prefixes the endpoint knows; Hangul is drawn with the font the server ships."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.by import By

from tests.server.conftest import Server
from tests.server.test_pages_in_browser import labelled_iris_shown, open_page, screenshot
from tests.server.test_query_page import Browser, browser, open_query_page, page_assets, run_query, set_query

__all__ = ["browser", "page_assets"]  # the module's Chromium and the check that YASGUI is installed

pytestmark = pytest.mark.browser

FONT = "Noto Sans KR"
# Dataset IRIs, ontology terms and an IRI of no namespace the server knows, in one table.
COUNTIES_AND_TYPES = """SELECT ?county ?type ?other WHERE {
  ?county a dkg:County ; dkg:locatedIn id:north-hamgyong-province ; a ?type .
  FILTER (?type IN (dkg:County, schema:Place))
  BIND (<http://example.org/not-known> AS ?other)
} ORDER BY ?county ?type"""


def known_labels(server: Server, iris: list[str]) -> dict[str, str]:
    answer = requests.post(f"{server.url}/labels", json=iris, timeout=30)
    assert answer.status_code == 200, answer.text
    labels: dict[str, str] = answer.json()
    return labels


def table_links(browser: Browser) -> list[dict[str, str]]:
    return browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('.yasr_results table.dataTable tbody a.iri'))"
        ".map(a => ({iri: a.dataset.iri || '', text: a.textContent, href: a.getAttribute('href'),"
        " title: a.title, labelled: a.classList.contains('labelled')}))"
    )


def test_the_entity_index_page(browser: Browser, server: Server, tmp_path: Path) -> None:
    open_page(browser, server, "/id/")
    driver = browser.driver
    assert driver.find_elements(By.CSS_SELECTOR, "form.search input[type=search]")
    classes = driver.find_elements(By.CSS_SELECTOR, "#classes li")
    assert len(classes) > 10
    rows = driver.find_elements(By.CSS_SELECTOR, "#entities tbody tr")
    assert len(rows) == 50 and driver.find_elements(By.CSS_SELECTOR, "#pages a[rel=next]")
    screenshot(browser, tmp_path, "entity-index")
    assert labelled_iris_shown(browser, server) == []
    # a search typed in the box, in a romanisation the data does not hold
    box = driver.find_element(By.CSS_SELECTOR, "form.search input[type=search]")
    box.send_keys("Hamgyeong-bukto")
    box.submit()
    browser.wait().until(lambda d: "q=Hamgyeong-bukto" in d.current_url)
    first = driver.find_element(By.CSS_SELECTOR, "#entities tbody tr a")
    assert first.text == "North Hamgyong Province"
    first.click()
    browser.wait().until(lambda d: d.current_url.endswith("/id/north-hamgyong-province.html"))
    # the header's "entities" leads back to the index
    driver.find_element(By.LINK_TEXT, "entities").click()
    browser.wait().until(lambda d: d.current_url == f"{server.url}/id/")


def test_hangul_is_drawn_with_the_shipped_font(browser: Browser, server: Server) -> None:
    """On the index, every Hangul label: the font face loads from this server, covers every character
    the data writes in Hangul, and draws distinct glyphs (a missing glyph is the same box for each)."""
    open_page(browser, server, "/id/?class=dkg:AdministrativeArea")
    driver = browser.driver
    browser.wait().until(lambda d: d.execute_script("return document.fonts.status") == "loaded")
    hangul = driver.execute_script(
        "return Array.from(document.querySelectorAll('td.hangul')).map(td => td.textContent).join('')"
    )
    assert "함경북도" in hangul
    faces = driver.execute_script(
        "return Array.from(document.fonts).filter(f => f.family.replace(/\"/g, '') === arguments[0])"
        ".map(f => [f.weight, f.status])",
        FONT,
    )
    assert ["400", "loaded"] in faces, faces
    assert driver.execute_script("return document.fonts.check(arguments[0], arguments[1])", f'16px "{FONT}"', hangul)
    used = driver.execute_script("return getComputedStyle(document.querySelector('td.hangul')).fontFamily")
    assert used.startswith(f'"{FONT}"')
    fetched = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.endsWith('.woff2'))"
    )
    assert f"{server.url}/static/vendor/noto_sans_kr/noto-sans-kr-korean-400-normal.woff2" in fetched
    # drawn: each distinct syllable's pixels differ from every other's and from a missing glyph's box
    drawings = driver.execute_script(
        """
        const font = '40px "' + arguments[0] + '"';
        const draw = (text) => {
          const canvas = document.createElement('canvas');
          canvas.width = 60; canvas.height = 60;
          const context = canvas.getContext('2d');
          context.font = font; context.fillStyle = '#000'; context.textBaseline = 'top';
          context.fillText(text, 5, 5);
          const pixels = context.getImageData(0, 0, 60, 60).data;
          let ink = 0, key = '';
          for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 128) { ink++; key += i + ','; } }
          return [text, ink, key, context.measureText(text).width];
        };
        return [...new Set(Array.from(arguments[1]).filter(c => /[\\uac00-\\ud7a3]/.test(c)))].map(draw)
          .concat([draw('\\uffff')]);
        """,
        FONT,
        hangul,
    )
    *syllables, missing = drawings
    assert len(syllables) >= 10
    assert all(ink > 30 and width > 30 for _, ink, _, width in syllables)
    assert len({key for _, _, key, _ in syllables}) == len(syllables)
    assert all(key != missing[2] for _, _, key, _ in syllables)


def test_the_query_page_shows_labels_and_prefixed_names(
    browser: Browser, server: Server, page_assets: None, tmp_path: Path
) -> None:
    open_query_page(browser, server)
    run_query(browser, COUNTIES_AND_TYPES)
    links = browser.wait().until(
        lambda _: (found := table_links(browser)) and any(link["labelled"] for link in found) and found,
        "the result table's IRIs were never labelled",
    )
    labels = known_labels(server, sorted({link["iri"] for link in links}))
    assert "https://w3id.org/dprk-kg/id/musan-county" in labels
    for link in links:
        iri = link["iri"]
        if iri in labels:
            assert link["text"] == labels[iri], link
        else:
            assert link["text"] == iri == "http://example.org/not-known", link  # neither label nor prefix
        if iri.startswith("https://w3id.org/dprk-kg/id/"):
            assert link["href"] == "/id/" + iri.rsplit("/", 1)[1] + ".html"
            assert link["title"].startswith("id:")
        elif iri.startswith("https://w3id.org/dprk-kg/ontology#"):
            assert link["href"] == "/ontology.html#" + iri.rsplit("#", 1)[1]
            assert link["title"].startswith("dkg:")
        elif iri.startswith("https://schema.org/"):
            assert link["title"].startswith("schema:")
    musan = next(link for link in links if link["iri"].endswith("/id/musan-county"))
    assert musan["text"] == "Musan County"
    screenshot(browser, tmp_path, "query-page")
    assert labelled_iris_shown(browser, server) == []
    # the label's link opens this server's page
    browser.driver.find_element(By.LINK_TEXT, "Musan County").click()
    browser.wait().until(lambda d: d.current_url == f"{server.url}/id/musan-county.html")


def syntax_errors(browser: Browser, sparql: str) -> int:
    """The error markers in the editor's gutter once it has checked ``sparql``."""
    set_query(browser, sparql)
    browser.driver.execute_script("document.querySelector('.yasqe .CodeMirror').CodeMirror.checkSyntax()")
    return len(browser.driver.find_elements(By.CSS_SELECTOR, ".yasqe .parseErrorIcon"))


def test_the_editor_knows_the_servers_prefixes(browser: Browser, server: Server, page_assets: None) -> None:
    open_query_page(browser, server)
    shown = browser.driver.execute_script("return JSON.parse(document.getElementById('known-prefixes').textContent)")
    assert {"dkg", "id", "wd", "wdt", "prov", "oa"} <= set(shown)
    uses_every_prefix = "SELECT * WHERE { " + " ".join(f"?s{n} {name}:p ?o{n} ." for n, name in enumerate(shown)) + " }"
    assert syntax_errors(browser, uses_every_prefix) == 0
    # the check still runs: a prefix neither declared nor known is an error
    assert syntax_errors(browser, "SELECT * WHERE { ?s nosuchprefix:p ?o }") == 1
    # and the endpoint agrees with the editor on the known prefixes
    answer = requests.post(f"{server.url}/sparql", data={"query": uses_every_prefix + " LIMIT 1"}, timeout=30)
    assert answer.status_code == 200, answer.text
