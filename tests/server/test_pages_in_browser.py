"""The entity, claim, document and ontology pages in a real headless Chromium: each is painted (a
screenshot that is not blank), its pictures are there and their links work when clicked, and no text
on it shows a full IRI of this dataset or of an ontology term that has a label (issue 11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from tests.server.conftest import Server
from tests.server.test_query_page import Browser, browser, non_background_share

__all__ = ["browser"]  # the module's Chromium, shared with the query page's tests

pytestmark = pytest.mark.browser

BASE = "https://w3id.org/dprk-kg/"
FULL_IRI = re.compile(re.escape(BASE) + r"[^\s\"'<>()\[\],]*")
WIDTH = 1400


def open_page(browser: Browser, server: Server, path: str) -> None:
    browser.driver.set_window_size(WIDTH, 1000)
    browser.driver.get(f"{server.url}{path}")
    browser.wait().until(lambda driver: driver.execute_script("return document.readyState") == "complete")


def screenshot(browser: Browser, tmp_path: Path, name: str) -> Path:
    """The whole page (up to 4,000 pixels high), checked to be painted and of a sensible size."""
    height = min(browser.driver.execute_script("return document.documentElement.scrollHeight"), 4000)
    browser.driver.set_window_size(WIDTH, height + 120)
    path = tmp_path / f"{name}.png"
    assert browser.driver.save_screenshot(str(path))
    with Image.open(path) as image:
        assert image.width >= 800 and image.height >= 600, image.size
        share = non_background_share(image)
    assert share > 0.02, f"{path} looks blank ({share:.2%} non-background pixels)"
    browser.driver.set_window_size(WIDTH, 1000)
    return path


def labelled_iris_shown(browser: Browser, server: Server) -> list[str]:
    """The full IRIs of this dataset (and its ontology) in the page's visible text that have a label."""
    shown = sorted(set(FULL_IRI.findall(browser.driver.find_element(By.TAG_NAME, "body").text)))
    labelled = []
    for iri in shown:
        ask = (
            "ASK { { <IRI> <http://www.w3.org/2000/01/rdf-schema#label> ?l } UNION "
            "{ GRAPH ?g { <IRI> <http://www.w3.org/2000/01/rdf-schema#label> ?l } } }"
        ).replace("IRI", iri)
        answer = requests.get(
            f"{server.url}/sparql", params={"query": ask}, headers={"Accept": "application/sparql-results+json"}
        )
        assert answer.status_code == 200, answer.text
        if answer.json()["boolean"]:
            labelled.append(iri)
    return labelled


def click(browser: Browser, link: WebElement, path: str) -> None:
    """Click a link (in the page or inside the inline SVG) and wait until it has opened ``path``."""
    browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    browser.wait().until(lambda driver: driver.current_url.split("#")[0].endswith(path), f"did not open {path}")


def test_the_entity_page_draws_its_neighbourhood_and_timeline(browser: Browser, server: Server, tmp_path: Path) -> None:
    open_page(browser, server, "/id/workers-party-of-korea.html")
    figure = browser.driver.find_element(By.CSS_SELECTOR, "#neighbourhood figure svg")
    assert figure.size["width"] > 300 and figure.size["height"] > 150, figure.size
    nodes = figure.find_elements(By.CSS_SELECTOR, "g.node a")
    assert len(nodes) > 5
    names = [node.text for node in nodes]
    assert "Workers' Party of Korea" in names and not [n for n in names if BASE in n]
    rows = browser.driver.find_elements(By.CSS_SELECTOR, "#timeline li.mark")
    assert rows and all(row.find_element(By.CSS_SELECTOR, ".bar").size["width"] >= 3 for row in rows)
    shot = screenshot(browser, tmp_path, "entity")
    assert labelled_iris_shown(browser, server) == []

    targets = [browser.driver.execute_script("return arguments[0].getAttribute('xlink:href')", n) for n in nodes]
    (announcement,) = [n for n, t in zip(nodes, targets, strict=True) if t == "/id/five-year-plan-announcement.html"]
    click(browser, announcement.find_element(By.TAG_NAME, "text"), "/id/five-year-plan-announcement.html")
    assert browser.driver.find_element(By.TAG_NAME, "h1").text == (
        "The Workers' Party's announcement of a five-year economic plan"
    )
    event = browser.driver.find_element(By.CSS_SELECTOR, "#timeline li.mark .what a")
    click(browser, event, "/id/five-year-plan-announcement.html")  # the timeline links to the event
    assert shot.exists()


def test_the_claim_page(browser: Browser, server: Server, tmp_path: Path) -> None:
    open_page(browser, server, "/claim/000_1f7871d4d3f091d3/five-year-plan-announced-year.html")
    quote = browser.driver.find_element(By.CSS_SELECTOR, "section.claim blockquote.quote")
    assert quote.text == "announced a five-year economic plan last June"
    assert browser.driver.find_element(By.CSS_SELECTOR, "section.claim .status").text == "inferred"
    screenshot(browser, tmp_path, "claim")
    assert labelled_iris_shown(browser, server) == []
    document = browser.driver.find_element(By.CSS_SELECTOR, "section.claim a[href^='/doc/']")
    click(browser, document, "/doc/000_1f7871d4d3f091d3.html")


def test_the_document_page_highlights_the_quotes_linking_to_their_claims(
    browser: Browser, server: Server, tmp_path: Path
) -> None:
    open_page(browser, server, "/doc/000_1f7871d4d3f091d3.html")
    marks = browser.driver.find_elements(By.CSS_SELECTOR, ".document .text mark a")
    assert len(marks) > 30
    assert browser.driver.find_elements(By.CSS_SELECTOR, ".document .sentence.unquoted")
    assert browser.driver.find_elements(By.CSS_SELECTOR, ".document .claim-marker a")
    highlighted = browser.driver.find_element(By.CSS_SELECTOR, ".document .text mark")
    assert highlighted.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"
    screenshot(browser, tmp_path, "document")
    assert labelled_iris_shown(browser, server) == []
    first = marks[0]
    words, target = first.text, first.get_attribute("href") or ""
    click(browser, first, target.removeprefix(server.url))
    assert words in browser.driver.find_element(By.CSS_SELECTOR, "section.claim blockquote.quote").text


def test_the_ontology_page(browser: Browser, server: Server, tmp_path: Path) -> None:
    open_page(browser, server, "/ontology.html")
    assert len(browser.driver.find_elements(By.CSS_SELECTOR, "section.term")) > 50
    screenshot(browser, tmp_path, "ontology")
    assert labelled_iris_shown(browser, server) == []
    term = browser.driver.find_element(By.CSS_SELECTOR, "section.term h3 code")
    assert term.text.startswith("dkg:") and term.get_attribute("title").startswith(BASE + "ontology#")
