"""The query page (/) end to end, in a real headless Chromium driven by Selenium.

HTTP tests show the endpoint answers; these show a person at a browser can use it: YASGUI comes from
this server alone, the competency questions run with a click, results render as a sortable table,
dataset IRIs open this server's pages, errors are shown beside the query, and every download link
returns the format it names. One browser serves the whole module (it takes a second or two to start);
each test opens the page afresh with YASGUI's saved state cleared, so no test sees another's query.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit

import pytest
import rdflib
import requests
from PIL import Image
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import ROOT
from tests.server.conftest import Server

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)
WAIT = 30  # seconds: generous for a loaded CI machine; every wait returns as soon as its condition holds
BASE = "https://w3id.org/dprk-kg/"
PREFIXES = (
    "PREFIX dkg: <https://w3id.org/dprk-kg/ontology#>\nPREFIX id: <https://w3id.org/dprk-kg/id/>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)
# Dataset IRIs in the results: the counties of North Hamgyong, with their English names.
COUNTIES_QUERY = (
    PREFIXES
    + """SELECT ?county ?name WHERE {
  ?county a dkg:County ; dkg:locatedIn id:north-hamgyong-province ; rdfs:label ?name .
  FILTER (LANG(?name) = "en")
} ORDER BY ?name"""
)
# A graph result, for the RDF download formats.
COUNTY_LABELS_CONSTRUCT = (
    PREFIXES
    + """CONSTRUCT { ?county rdfs:label ?name } WHERE {
  ?county a dkg:County ; dkg:locatedIn id:north-hamgyong-province ; rdfs:label ?name .
  FILTER (LANG(?name) = "en")
}"""
)
# More dataset IRIs than one page of the table holds (YASR shows 50 rows a page).
MANY_IRIS_QUERY = """SELECT DISTINCT ?s WHERE {
  ?s ?p ?o . FILTER (STRSTARTS(STR(?s), "https://w3id.org/dprk-kg/id/"))
} ORDER BY ?s"""

T = TypeVar("T")


# ---------------------------------------------------------------------------------------------
# The browser and what it asked the network for
# ---------------------------------------------------------------------------------------------


@dataclass
class Exchange:
    """One HTTP request the browser made, with the response it got (if any yet)."""

    url: str
    method: str = "GET"
    post_data: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased


class NetworkLog:
    """Chromium's own record of its requests (the "performance" log of DevTools events).

    Unlike ``performance.getEntriesByType('resource')`` this also holds navigations, downloads and
    requests that never got an answer (a lookup of another host fails here, with no internet), so
    "nothing left this server" can be checked for every request, not only the ones that succeeded.
    """

    def __init__(self, driver: WebDriver) -> None:
        self.driver = driver
        self.exchanges: dict[str, Exchange] = {}

    def clear(self) -> None:
        self.driver.get_log("performance")
        self.exchanges = {}

    def poll(self) -> list[Exchange]:
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            method, params = message["method"], message.get("params", {})
            if method == "Network.requestWillBeSent":
                sent = params["request"]
                self.exchanges[params["requestId"]] = Exchange(sent["url"], sent["method"], sent.get("postData"))
            elif method == "Network.responseReceived" and params["requestId"] in self.exchanges:
                exchange = self.exchanges[params["requestId"]]
                exchange.status = params["response"]["status"]
                exchange.headers = {k.lower(): v for k, v in params["response"]["headers"].items()}
        return list(self.exchanges.values())


@dataclass
class Browser:
    driver: WebDriver
    network: NetworkLog

    def wait(self, timeout: float = WAIT) -> WebDriverWait:
        return WebDriverWait(
            self.driver, timeout, poll_frequency=0.1, ignored_exceptions=[StaleElementReferenceException]
        )


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless Chromium for the module, with a fresh profile and the driver given by path.

    The explicit chromedriver path keeps Selenium Manager from trying to download a driver (there is
    no internet here).
    """
    for program in (CHROMIUM, CHROMEDRIVER):
        if not program.exists():
            pytest.fail(f"{program} is missing: install Debian's chromium and chromium-driver packages")
    profile = tmp_path_factory.mktemp("chromium-profile")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (*CHROMIUM_ARGS, f"--user-data-dir={profile}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield Browser(driver, NetworkLog(driver))
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def page_assets(server: Server) -> None:
    """YASGUI must be installed: without it the page cannot work, and that is a failure, not a skip."""
    response = requests.get(f"{server.url}/static/vendor/yasgui/yasgui.min.js", timeout=30)
    if response.status_code != 200:
        pytest.fail("YASGUI's files are not installed (server/static/vendor/yasgui): run scripts/ui-assets, then rerun")


@pytest.fixture
def page(browser: Browser, server: Server, page_assets: None) -> Browser:
    """The query page, freshly opened with YASGUI's saved tabs cleared and the editor ready."""
    open_query_page(browser, server)
    return browser


def open_query_page(browser: Browser, server: Server) -> None:
    """Clear YASGUI's saved state (localStorage of this origin) on a page that does not run YASGUI,
    so it cannot write it back on unload; then open the query page and wait for the editor."""
    driver = browser.driver
    driver.get(f"{server.url}/healthz")
    driver.execute_script("window.localStorage.clear(); window.sessionStorage.clear();")
    browser.network.clear()
    driver.get(f"{server.url}/")
    browser.wait().until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    browser.wait().until(lambda d: d.execute_script("return document.readyState") == "complete")


# ---------------------------------------------------------------------------------------------
# Working the page as a person does
# ---------------------------------------------------------------------------------------------


def set_query(browser: Browser, sparql: str) -> None:
    """Put a query in the editor (CodeMirror keeps its instance on its wrapper element)."""
    browser.driver.execute_script(
        "document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue(arguments[0])", sparql
    )


def editor_text(browser: Browser) -> str:
    return browser.driver.execute_script("return document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()")


def results_now(browser: Browser) -> WebElement | None:
    """What the results area shows now, so a later wait can tell a new answer from this one."""
    found = browser.driver.find_elements(By.CSS_SELECTOR, ".yasr_results > *")
    return found[0] if found else None


def wait_for_answer(browser: Browser, before: WebElement | None) -> WebElement:
    """Wait until YASR has replaced ``before`` with a table or an error, and return that element."""
    if before is not None:
        browser.wait().until(EC.staleness_of(before))
    return browser.wait().until(
        EC.visibility_of_any_elements_located(
            (By.CSS_SELECTOR, ".yasr_results table.dataTable, .yasr_results .errorResult")
        )
    )[0]


def run_query(browser: Browser, sparql: str) -> WebElement:
    """Type-free run: the query goes in the editor and the editor's own run button sends it."""
    before = results_now(browser)
    set_query(browser, sparql)
    browser.driver.find_element(By.CSS_SELECTOR, ".yasqe .yasqe_queryButton").click()
    return wait_for_answer(browser, before)


def run_example(browser: Browser, name: str) -> WebElement:
    before = results_now(browser)
    browser.driver.find_element(By.CSS_SELECTOR, f"a.example[data-name='{name}']").click()
    return wait_for_answer(browser, before)


def table_rows(browser: Browser) -> list[list[str]]:
    """The rows the table shows, without YASR's row-number column, literals as their plain text."""
    cells = browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('.yasr_results table.dataTable tbody tr'))"
        ".map(r => Array.from(r.cells).slice(1).map(c => c.textContent.trim()))"
    )
    return [[plain(cell) for cell in row] for row in cells]


def plain(cell: str) -> str:
    """``"Orang County"@en`` (YASR's rendering of a literal) as ``Orang County``."""
    match = re.fullmatch(r'"(.*)"(?:@[A-Za-z0-9-]+|\^\^.*)?', cell, flags=re.DOTALL)
    return match.group(1) if match else cell


def column_header(browser: Browser, name: str) -> WebElement:
    return browser.driver.find_element(
        By.XPATH, f"//div[contains(@class,'yasr_results')]//th[.//span[@class='dt-column-title' and text()='{name}']]"
    )


def result_links(browser: Browser) -> list[tuple[str, str]]:
    """(href as written, href as resolved) of every link in the table's body."""
    return [
        tuple(pair)
        for pair in browser.driver.execute_script(
            "return Array.from(document.querySelectorAll('.yasr_results table.dataTable tbody a'))"
            ".map(a => [a.getAttribute('href'), a.href])"
        )
    ]


def example_titles() -> list[tuple[str, str]]:
    """(file stem, ``# title:``) of every competency question, as the page should list them."""
    found = []
    for path in sorted((ROOT / "queries").glob("*.rq")):
        title = next(
            line.split(":", 1)[1].strip() for line in path.read_text().splitlines() if line.startswith("# title:")
        )
        found.append((path.stem, title))
    return found


def expected_rows(stem: str) -> list[list[str]]:
    """The ``# expect:`` rows a competency question's file records as its answer."""
    text = (ROOT / "queries" / f"{stem}.rq").read_text()
    return [
        [cell.strip() for cell in line.split(":", 1)[1].split("|")]
        for line in text.splitlines()
        if line.startswith("# expect:")
    ]


def non_background_share(image: Image.Image) -> float:
    """Share of pixels that differ clearly from the region's commonest colour (its background)."""
    rgb = image.convert("RGB")
    counts = rgb.getcolors(maxcolors=rgb.width * rgb.height) or []
    background = max(counts)[1]
    differing = sum(n for n, colour in counts if sum(abs(a - b) for a, b in zip(colour, background, strict=True)) > 60)
    return differing / (rgb.width * rgb.height)


def eventually(browser: Browser, probe: Callable[[], T | None], message: str) -> T:
    """Wait until ``probe`` returns something truthy; fail with ``message`` if it never does."""
    return browser.wait().until(lambda _driver: probe(), message)


def wait_for_local_links(browser: Browser) -> list[tuple[str, str]]:
    """The table's links once the page has pointed its dataset IRIs at this server (it does so after
    YASR draws, so the first rendering may still show the w3id.org addresses)."""

    def localised() -> list[tuple[str, str]] | None:
        links = result_links(browser)
        return links if links and not any(raw.startswith(BASE) for raw, _ in links) else None

    return eventually(browser, localised, "the dataset IRIs in the results were not pointed at this server")


def foreign_requests(browser: Browser, server: Server) -> list[str]:
    """Every URL the browser has asked for (since the log was cleared) that is not on this server."""
    return [e.url for e in browser.network.poll() if not e.url.startswith((server.url + "/", "data:", "blob:"))]


def sent_parameters(exchange: Exchange) -> dict[str, list[str]]:
    """The protocol parameters of a request, from its URL and, for a form POST, its body."""
    params = parse_qs(urlsplit(exchange.url).query, keep_blank_values=True)
    if exchange.method == "POST" and exchange.post_data:
        for name, values in parse_qs(exchange.post_data, keep_blank_values=True).items():
            params.setdefault(name, []).extend(values)
    return params


# ---------------------------------------------------------------------------------------------
# 1. Loading the page
# ---------------------------------------------------------------------------------------------


def test_page_loads_yasgui_from_this_server_only_with_highlighting_and_examples(page: Browser, server: Server) -> None:
    driver = page.driver
    assert driver.execute_script("return typeof Yasgui") == "function"
    assert not driver.find_element(By.ID, "assets-missing").is_displayed()

    # Every request the page made (including ones that failed) went to this server.
    requested = [e.url for e in page.network.poll()]
    assert f"{server.url}/static/vendor/yasgui/yasgui.min.js" in requested
    assert f"{server.url}/static/vendor/yasgui/yasgui.min.css" in requested
    assert foreign_requests(page, server) == []
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and all(url.startswith(server.url + "/") for url in resources), resources

    # The editor highlights SPARQL: CodeMirror splits the query into typed tokens.
    keywords = {e.text for e in driver.find_elements(By.CSS_SELECTOR, ".yasqe .CodeMirror .cm-keyword")}
    assert {"PREFIX", "SELECT", "WHERE"} <= keywords
    token_classes = set(
        driver.execute_script(
            "return Array.from(document.querySelectorAll('.yasqe .CodeMirror-code span[class^=\"cm-\"]'))"
            ".map(s => s.className)"
        )
    )
    assert len(token_classes - {"cm-ws"}) >= 4, token_classes
    assert "# title: New factories in North Hamgyong" in editor_text(page)  # the first example is loaded

    # The page works under its Content-Security-Policy: the browser blocked nothing.
    blocked = [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]
    assert blocked == [], blocked

    # The competency questions, in order, each with its question shown.
    links = driver.find_elements(By.CSS_SELECTOR, "#examples a.example")
    assert [(a.get_attribute("data-name"), a.text) for a in links] == example_titles()
    questions = driver.find_elements(By.CSS_SELECTOR, "#examples .question")
    assert len(questions) == len(links) and all(q.is_displayed() and q.text.endswith("?") for q in questions)


# ---------------------------------------------------------------------------------------------
# 2. Running an example, and what the screen shows
# ---------------------------------------------------------------------------------------------


def test_clicking_an_example_runs_it_and_renders_its_answer(page: Browser, tmp_path: Path) -> None:
    stem = "01-new-factories-north-hamgyong"
    answer = run_example(page, stem)
    assert answer.tag_name == "table"
    assert "New factories in North Hamgyong" in editor_text(page)  # the example replaced the editor's query
    headers = [th.text for th in answer.find_elements(By.CSS_SELECTOR, "thead th")][1:]
    assert headers == ["county", "product"]
    assert table_rows(page) == expected_rows(stem)
    assert "3 results" in page.driver.find_element(By.CSS_SELECTOR, ".yasr_response_chip").text

    # The table is really painted: its box in a screenshot is mostly not background.
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", answer)
    box = page.driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, devicePixelRatio]",
        answer,
    )
    screenshot = tmp_path / "results.png"
    assert page.driver.save_screenshot(str(screenshot))
    left, top, right, bottom, ratio = box
    with Image.open(screenshot) as image:
        region = image.crop(tuple(round(v * ratio) for v in (left, top, right, bottom)))
        assert region.width > 300 and region.height > 60, region.size
        share = non_background_share(region)
    assert share > 0.02, f"the results table looks blank in {screenshot} ({share:.2%} non-background pixels)"


# ---------------------------------------------------------------------------------------------
# 3. Sorting
# ---------------------------------------------------------------------------------------------


def test_clicking_a_column_header_sorts_the_rows(page: Browser) -> None:
    stem = "14-places-in-north-hamgyong"
    run_example(page, stem)
    original = table_rows(page)
    assert original == expected_rows(stem)  # ordered by kind, then place
    by_place = sorted(original, key=lambda row: row[0].casefold())
    assert by_place != original, "the example must not already be in place order, or sorting shows nothing"

    header = column_header(page, "place")
    header.click()
    eventually(page, lambda: header.get_attribute("aria-sort") == "ascending", "the place column did not sort")
    assert table_rows(page) == by_place

    header.click()
    eventually(page, lambda: header.get_attribute("aria-sort") == "descending", "the place column did not reverse")
    assert table_rows(page) == by_place[::-1]


# ---------------------------------------------------------------------------------------------
# 4. Dataset IRIs open this server's pages
# ---------------------------------------------------------------------------------------------


def test_dataset_iris_link_to_this_servers_pages_with_provenance(page: Browser, server: Server) -> None:
    run_query(page, COUNTIES_QUERY)
    links = wait_for_local_links(page)
    assert len(links) >= 3  # Kyongsong, Musan, Orang at least
    for _raw, resolved in links:
        assert resolved.startswith(server.url + "/id/") and resolved.endswith(".html"), resolved
    anchor = page.driver.find_element(By.CSS_SELECTOR, ".yasr_results tbody a[href='/id/orang-county.html']")
    assert anchor.get_attribute("target") in (None, "")  # opens here, not in a new window

    anchor.click()
    page.wait().until(EC.url_to_be(f"{server.url}/id/orang-county.html"))
    page.wait().until(EC.title_contains("Orang County"))
    assert page.driver.find_element(By.TAG_NAME, "h1").text == "Orang County"
    badges = page.driver.find_elements(By.CSS_SELECTOR, "td.provenance a.status")
    assert badges and all(b.is_displayed() for b in badges)
    assert {b.text for b in badges} <= {"stated", "reported", "inferred", "opinion"}
    assert all(b.get_attribute("href").startswith(server.url + "/") for b in badges)


# ---------------------------------------------------------------------------------------------
# 5. Errors
# ---------------------------------------------------------------------------------------------


def test_a_malformed_query_shows_the_servers_message_beside_it(page: Browser, server: Server) -> None:
    broken = "SELECT ?x WHERE { ?x ?p ?o "
    answer = run_query(page, broken)
    assert "errorResult" in answer.get_attribute("class")
    message = answer.find_element(By.TAG_NAME, "pre").text
    assert "line 1, column" in message, message
    # The same message the endpoint gives to any client.
    direct = requests.post(f"{server.url}/sparql", data={"query": broken}, timeout=30)
    assert direct.status_code == 400 and direct.text.strip() == message.strip()
    # Shown on the query page, under the editor that still holds the query.
    assert page.driver.current_url == f"{server.url}/"
    assert editor_text(page) == broken
    editor = page.driver.find_element(By.CSS_SELECTOR, ".yasqe .CodeMirror")
    assert answer.is_displayed() and answer.location["y"] > editor.location["y"]


# ---------------------------------------------------------------------------------------------
# 6. Downloads
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    name: str  # the link's data-format
    label: str  # the link's text
    media_type: str
    extensions: tuple[str, ...]  # acceptable file-name extensions
    check: Callable[[bytes], int]  # parses the file; returns how many rows or triples it holds


def _json_rows(body: bytes) -> int:
    return len(json.loads(body)["results"]["bindings"])


def _xml_rows(body: bytes) -> int:
    return len(ET.fromstring(body).findall(".//{http://www.w3.org/2005/sparql-results#}result"))


def _csv_rows(body: bytes) -> int:
    return len(list(csv.reader(io.StringIO(body.decode("utf-8"))))) - 1


def _tsv_rows(body: bytes) -> int:
    return len([line for line in body.decode("utf-8").splitlines() if line]) - 1


def _triples(parser: str) -> Callable[[bytes], int]:
    return lambda body: len(rdflib.Graph().parse(data=body, format=parser))


SOLUTION_FORMATS = (
    Format("json", "JSON", "application/sparql-results+json", ("json", "srj"), _json_rows),
    Format("xml", "XML", "application/sparql-results+xml", ("xml", "srx"), _xml_rows),
    Format("csv", "CSV", "text/csv", ("csv",), _csv_rows),
    Format("tsv", "TSV", "text/tab-separated-values", ("tsv",), _tsv_rows),
)
GRAPH_FORMATS = (
    Format("turtle", "Turtle", "text/turtle", ("ttl", "turtle"), _triples("turtle")),
    Format("ntriples", "N-Triples", "application/n-triples", ("nt", "ntriples"), _triples("nt")),
    Format("jsonld", "JSON-LD", "application/ld+json", ("jsonld",), _triples("json-ld")),
    Format("rdfxml", "RDF/XML", "application/rdf+xml", ("rdf", "rdfxml"), _triples("xml")),
)


def click_download(browser: Browser, fmt: Format, directory: Path) -> tuple[Exchange, Path]:
    """Click a format link and return the request the browser sent with its answer, and the saved file.

    The browser does the real thing (the page's own click handler makes the request); DevTools'
    network log shows what was sent and the answer's headers, and Chromium saves the attachment
    into ``directory``.
    """
    directory.mkdir(parents=True)
    browser.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(directory)})
    browser.network.clear()
    link = browser.driver.find_element(By.CSS_SELECTOR, f"a.download[data-format='{fmt.name}']")
    assert link.text == fmt.label
    link.click()

    def answered() -> Exchange | None:
        return next(
            (e for e in browser.network.poll() if e.status is not None and sent_parameters(e).get("download") == ["1"]),
            None,
        )

    exchange = eventually(browser, answered, f"clicking {fmt.label} sent no download request")

    def saved() -> Path | None:
        files = [p for p in directory.iterdir() if not p.name.endswith(".crdownload")]
        return files[0] if files and not any(directory.glob("*.crdownload")) else None

    if exchange.status != 200:
        return exchange, directory / "(nothing saved)"
    return exchange, eventually(browser, saved, f"the {fmt.label} download was not saved")


def check_download(browser: Browser, server: Server, fmt: Format, directory: Path, expected: int) -> None:
    query = editor_text(browser)
    exchange, saved = click_download(browser, fmt, directory)
    url = urlsplit(exchange.url)
    assert f"{url.scheme}://{url.netloc}" == server.url and url.path == "/sparql"
    sent = sent_parameters(exchange)
    assert sent == {"query": [query], "format": [fmt.name], "download": ["1"]}, "the link must send the editor's query"
    assert exchange.status == 200, f"{fmt.label}: HTTP {exchange.status}"
    assert exchange.headers["content-type"].split(";")[0].strip() == fmt.media_type
    disposition = exchange.headers.get("content-disposition", "")
    match = re.fullmatch(r'attachment; filename="results\.([a-z]+)"', disposition)
    assert match and match.group(1) in fmt.extensions, f"{fmt.label}: Content-Disposition {disposition!r}"
    assert saved.name == f"results.{match.group(1)}"
    assert fmt.check(saved.read_bytes()) == expected, f"{fmt.label}: unexpected content in {saved}"
    assert browser.driver.current_url == f"{server.url}/"  # a download, not a navigation away from the editor


def test_download_links_return_the_format_they_name(page: Browser, server: Server, tmp_path: Path) -> None:
    run_example(page, "01-new-factories-north-hamgyong")
    for fmt in SOLUTION_FORMATS:
        check_download(page, server, fmt, tmp_path / fmt.name, expected=3)

    set_query(page, COUNTY_LABELS_CONSTRUCT)
    expected = len(
        rdflib.Graph().parse(
            data=requests.post(
                f"{server.url}/sparql", data={"query": COUNTY_LABELS_CONSTRUCT, "format": "nt"}, timeout=30
            ).content,
            format="nt",
        )
    )
    assert expected >= 3
    for fmt in GRAPH_FORMATS:
        check_download(page, server, fmt, tmp_path / fmt.name, expected=expected)


# ---------------------------------------------------------------------------------------------
# Known defects of the page, kept as strict expected failures: each turns into an error (XPASS)
# once fixed, as a reminder to drop its marker. The report that came with this file gives patches.
# ---------------------------------------------------------------------------------------------


def next_page(browser: Browser) -> None:
    browser.driver.find_element(By.CSS_SELECTOR, ".yasr_results .dt-paging-button.next").click()
    eventually(
        browser,
        lambda: "Showing 51 to" in browser.driver.find_element(By.CSS_SELECTOR, ".dt-info").text,
        "the table did not turn to its second page",
    )


def sort_descending(browser: Browser) -> None:
    header = column_header(browser, "s")
    for _ in range(2):
        header.click()
    eventually(browser, lambda: header.get_attribute("aria-sort") == "descending", "the column did not sort")


@pytest.mark.parametrize("action", [next_page, sort_descending], ids=["next-page", "sort-descending"])
def test_dataset_links_stay_on_this_server_after_paging_or_sorting(
    page: Browser, action: Callable[[Browser], None]
) -> None:
    run_query(page, MANY_IRIS_QUERY)
    wait_for_local_links(page)
    info = page.driver.find_element(By.CSS_SELECTOR, ".dt-info").text
    assert int(re.search(r"of (\d+)", info).group(1)) > 50, info  # more than one page
    action(page)
    assert [raw for raw, _ in result_links(page) if raw.startswith(BASE)] == []


def test_autocompletion_asks_no_other_host(page: Browser, server: Server) -> None:
    set_query(page, "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nSELECT * WHERE { ?s foaf:na")
    page.driver.execute_script(
        "const cm = document.querySelector('.yasqe .CodeMirror').CodeMirror;cm.focus(); cm.execCommand('goDocEnd');"
    )
    page.network.clear()
    ActionChains(page.driver).key_down(Keys.CONTROL).send_keys(" ").key_up(Keys.CONTROL).perform()
    # Give the editor a moment to ask someone; with local completions it may ask nobody at all.
    with contextlib.suppress(TimeoutException):
        WebDriverWait(page.driver, 3, poll_frequency=0.1).until(lambda _driver: page.network.poll())
    assert foreign_requests(page, server) == []


def test_a_long_query_downloads_too(page: Browser, server: Server, tmp_path: Path) -> None:
    values = " ".join(f'"value number {i}"' for i in range(200))
    long_query = f"SELECT ?n WHERE {{ VALUES ?n {{ {values} }} }}"
    # The endpoint answers it by POST, as the editor's run button sends it.
    assert requests.post(f"{server.url}/sparql", data={"query": long_query}, timeout=30).status_code == 200
    set_query(page, long_query)
    check_download(page, server, SOLUTION_FORMATS[2], tmp_path / "csv", expected=200)


def test_a_format_the_query_cannot_take_is_explained_on_the_page(page: Browser, server: Server) -> None:
    query = editor_text(page)  # the first example, a SELECT
    refusal = requests.post(f"{server.url}/sparql", data={"query": query, "format": "turtle"}, timeout=30)
    assert refusal.status_code == 406
    page.driver.find_element(By.CSS_SELECTOR, "a.download[data-format='turtle']").click()
    eventually(
        page,
        lambda: refusal.text.strip() in page.driver.find_element(By.TAG_NAME, "body").text,
        "the server's refusal was not shown",
    )
    assert page.driver.current_url == f"{server.url}/"
    assert editor_text(page) == query
