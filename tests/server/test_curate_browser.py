"""The curation page in a real headless Chromium: a curator signs in with the token, selects words
with the mouse, completes terms and entity ids in the Turtle, saves, and sees the claim saved and the
claims file changed; a draft the checks refuse shows its errors beside the text and leaves the file as
it was. Nothing leaves this server and the page's policy blocks nothing of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from dprk_kg.loaders.sources.claims import read_claims
from dprk_kg.loaders.sources.documents import read_document
from dprk_kg.vocabulary import base_prefixes
from tests.server.conftest import TOKEN, Server
from tests.server.test_curate import DOC, UNIQUE, files_of
from tests.server.test_query_page import Browser, browser

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the module's Chromium, a fixture


@pytest.fixture(scope="module")
def signed_in(browser: Browser, curation_server: tuple[Server, Path]) -> Browser:
    """The browser signed in through the form the page answers 401 with."""
    server, _ = curation_server
    driver = browser.driver
    browser.network.clear()
    driver.get(f"{server.url}/curate/{DOC}")
    token = browser.wait().until(EC.visibility_of_element_located((By.ID, "token")))
    token.send_keys(TOKEN)
    driver.find_element(By.ID, "sign-in").click()
    browser.wait().until(EC.visibility_of_element_located((By.ID, "curate-text")))
    return browser


def open_page(browser: Browser, server: Server) -> None:
    browser.driver.get(f"{server.url}/curate/{DOC}")
    browser.wait().until(EC.visibility_of_element_located((By.ID, "curate-text")))
    browser.wait().until(lambda d: d.execute_script("return document.readyState") == "complete")


def complete(browser: Browser, typed: str, wanted: str) -> None:
    """Type into the Turtle box and click the suggestion ``wanted``."""
    box = browser.driver.find_element(By.ID, "assert")
    box.send_keys(typed)
    option = browser.wait().until(
        lambda d: next(
            (li for li in d.find_elements(By.CSS_SELECTOR, "#suggestions li") if li.text.split(" ")[0] == wanted),
            None,
        )
    )
    option.click()


def select_by_script(browser: Browser, start: int, end: int) -> None:
    """Select the text from ``start`` to ``end`` (offsets of the text, in segments of ASCII text), as a
    drag would, and let go of the mouse."""
    browser.driver.execute_script(
        """
        const [start, end] = arguments;
        const point = (offset) => {
          const segs = Array.from(document.querySelectorAll('#curate-text .seg'));
          const seg = segs.filter((s) => Number(s.dataset.start) <= offset).pop();
          return [seg.firstChild, offset - Number(seg.dataset.start)];
        };
        const range = document.createRange();
        range.setStart(...point(start));
        range.setEnd(...point(end));
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        document.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
        """,
        start,
        end,
    )


def value(browser: Browser, element_id: str) -> str:
    return str(browser.driver.find_element(By.ID, element_id).get_attribute("value"))


def test_a_claim_drafted_with_the_mouse_is_saved(signed_in: Browser, curation_server: tuple[Server, Path]) -> None:
    server, seeds = curation_server
    browser, driver = signed_in, signed_in.driver
    open_page(browser, server)
    path = files_of(seeds).claims
    before = path.read_text(encoding="utf-8")
    text = read_document(files_of(seeds)).text
    # a one-word mention, not the first of its words in the text: the word double-clicked needs its occurrence
    segment: WebElement = next(
        seg
        for seg in driver.find_elements(By.CSS_SELECTOR, "#curate-text .seg.mention")
        if " " not in seg.text and text.index(seg.text) < int(seg.get_attribute("data-start") or 0)
    )
    start = int(segment.get_attribute("data-start") or 0)
    ActionChains(driver).double_click(segment).perform()
    browser.wait().until(lambda d: value(browser, "quote") != "")
    quote = value(browser, "quote")
    assert quote == segment.text
    assert text.count(quote) > 1 and value(browser, "occurrence") != ""
    assert driver.find_elements(By.CSS_SELECTOR, ".seg.drafted")

    claim_id = driver.find_element(By.ID, "claim-id")
    claim_id.clear()
    claim_id.send_keys("a-site-drafted-in-the-browser")
    Select(driver.find_element(By.ID, "status")).select_by_visible_text("reported")
    driver.find_element(By.ID, "note").send_keys("Drafted by the browser test <b>not bold</b>.")
    complete(browser, "id:a-site-drafted-in-the-browser a dkg:Pla", "dkg:Place")
    driver.find_element(By.ID, "assert").send_keys(
        ' ;\n  rdfs:label "A site drafted in the browser test"@en ;\n  dkg:located'
    )
    complete(browser, "", "dkg:locatedIn")
    complete(browser, " id:north-hamg", "id:north-hamgyong-province")
    driver.find_element(By.ID, "assert").send_keys(" .")
    assert value(browser, "assert").endswith("dkg:locatedIn id:north-hamgyong-province .")
    driver.find_element(By.ID, "save").click()

    saved = browser.wait().until(EC.visibility_of_element_located((By.ID, "saved")))
    assert "a-site-drafted-in-the-browser" in saved.text and "dprk-kg build" in saved.text
    assert not driver.find_element(By.ID, "save-errors").is_displayed()
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before) and len(after) > len(before)
    claim = read_claims(path, read_document(files_of(seeds)), base_prefixes()).claims[-1]
    assert (claim.id, claim.status) == ("a-site-drafted-in-the-browser", "reported")
    assert claim.note == "Drafted by the browser test <b>not bold</b>."
    evidence = claim.evidence[0]
    assert start <= evidence.start and evidence.end <= start + len(segment.text)  # where the mouse was
    assert "<b>not bold</b>" in driver.find_element(By.ID, "saved-text").text  # shown as text


def test_a_draft_the_checks_refuse_shows_the_errors_beside_the_text(
    signed_in: Browser, curation_server: tuple[Server, Path]
) -> None:
    server, seeds = curation_server
    browser, driver = signed_in, signed_in.driver
    open_page(browser, server)
    path = files_of(seeds).claims
    before = path.read_bytes()
    text = read_document(files_of(seeds)).text
    start = text.index(UNIQUE)
    select_by_script(browser, start, start + len(UNIQUE))
    browser.wait().until(lambda d: value(browser, "quote") == UNIQUE)
    assert value(browser, "occurrence") == ""  # the words occur once
    assert value(browser, "claim-id") == "photographed-by-ishimaru-jiro"
    driver.find_element(By.ID, "assert").send_keys('id:bad-draft a dkg:Event ;\n  rdfs:label "never closed .')
    driver.find_element(By.ID, "save").click()

    errors = browser.wait().until(EC.visibility_of_element_located((By.ID, "save-errors")))
    assert f"{DOC}.claims.yaml:" in errors.text and "Turtle" in errors.text and "unchanged" in errors.text
    assert path.read_bytes() == before
    document = driver.find_element(By.ID, "curate-text")
    assert errors.rect["x"] >= document.rect["x"] + document.rect["width"]  # beside the text, not below it
    assert errors.rect["y"] < document.rect["y"] + document.rect["height"]
    assert driver.find_elements(By.CSS_SELECTOR, ".seg.drafted")  # the drafted words still marked


def test_nothing_leaves_the_server_and_nothing_is_blocked(
    signed_in: Browser, curation_server: tuple[Server, Path]
) -> None:
    server, _ = curation_server
    browser = signed_in
    browser.network.clear()
    open_page(browser, server)
    exchanges = browser.network.poll()
    assert exchanges and all(e.url.startswith(server.url + "/") for e in exchanges), [e.url for e in exchanges]
    assert {e.url.rsplit("/", 1)[-1] for e in exchanges} >= {"curate.js", "curate.css"}
    logged = browser.driver.get_log("browser")  # failed loads are "network" entries: the 401 of signing in
    assert not [entry["message"] for entry in logged if entry["level"] == "SEVERE" and entry["source"] != "network"]
    assert not [entry["message"] for entry in logged if "Content Security Policy" in entry["message"]]


def test_a_click_on_a_claimed_passage_shows_its_claim(signed_in: Browser, curation_server: tuple[Server, Path]) -> None:
    server, _ = curation_server
    browser, driver = signed_in, signed_in.driver
    open_page(browser, server)
    mark = driver.find_element(By.CSS_SELECTOR, "#curate-text mark[data-claim]")
    driver.execute_script("window.getSelection().removeAllRanges(); arguments[0].click();", mark)
    card = driver.find_element(By.ID, f"claim-{mark.get_attribute('data-claim')}")
    browser.wait().until(lambda d: "shown" in (card.get_attribute("class") or ""))
