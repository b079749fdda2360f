"""The curation page (/curate/<document-id>) over HTTP, against a real server writing a copy of seeds/.

Who may use it (404 without a write token, 401 without the token or its cookie, the cookie scoped and
no bearer token elsewhere), what it shows (the text cut at claims and mentions, offsets that match the
text, unclaimed sentences, completions), and what a save does: the claim appended as text with the
file's comments kept, checked at once, the file restored byte for byte when a check fails, saves at
the same moment serialised, forged and hostile requests refused.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from dprk_kg.checking import check_files
from dprk_kg.iris import Iris
from dprk_kg.linking import linker_for
from dprk_kg.loaders.rdf.references import introduced_labels
from dprk_kg.loaders.sources.claims import read_claims
from dprk_kg.loaders.sources.documents import DocumentFiles, read_document
from dprk_kg.loaders.sources.registry import read_registry
from dprk_kg.vocabulary import base_prefixes
from tests.server.conftest import TOKEN, Server, start_server

DOC = "004_5b61ddd10aea0cba"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
UNIQUE = "Photographed by ISHIMARU Jiro"  # words the text holds once
EVENT = 'id:{slug} a dkg:Event ;\n    rdfs:label "{label}"@en .\n'


@pytest.fixture(scope="module")
def served(curation_server: tuple[Server, Path]) -> Server:
    return curation_server[0]


@pytest.fixture(scope="module")
def seeds(curation_server: tuple[Server, Path]) -> Path:
    return curation_server[1]


@pytest.fixture(scope="module")
def tokenless(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with writes disabled (no token): the curation pages do not exist there."""
    directory = tmp_path_factory.mktemp("tokenless")
    running = start_server(directory / "store", directory / "server.log", empty=True)
    yield running
    running.stop()


def files_of(seeds: Path, doc_id: str = DOC) -> DocumentFiles:
    return DocumentFiles(
        doc_id, seeds / f"{doc_id}.txt", seeds / f"{doc_id}.meta.yaml", seeds / f"{doc_id}.claims.yaml"
    )


def save(server: Server, draft: dict[str, Any], doc_id: str = DOC, **headers: str) -> requests.Response:
    return requests.post(f"{server.url}/curate/{doc_id}/claims", json=draft, headers={**BEARER, **headers}, timeout=60)


def event_draft(claim_id: str, quote: str, **more: Any) -> dict[str, Any]:
    label = f"Event drafted as {claim_id}"
    return {"id": claim_id, "quote": quote, "assert": EVENT.format(slug=f"{claim_id}-event", label=label), **more}


def raw_status(server: Server, method: str, path: str, body: bytes | None = None) -> int:
    """The status of a request whose path is sent exactly as written (no client normalises it)."""
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        headers = {**BEARER, "Content-Type": "application/json"}
        connection.request(method, path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


class Page(HTMLParser):
    """What the page shows: each text segment (offset, text, mention), the claims marked, the
    sentences' classes and the page's data block."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.segments: list[tuple[int, str, str | None]] = []
        self.marked: set[str] = set()
        self.sentences: list[str] = []
        self.data_text = ""
        self._segment: tuple[int, str | None] | None = None
        self._in_data = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if "seg" in classes:
            self._segment = (int(found["data-start"] or 0), found.get("title") if "mention" in classes else None)
            self.segments.append((self._segment[0], "", self._segment[1]))
        if found.get("data-claim"):
            self.marked.add(found["data-claim"] or "")
        if "sentence" in classes:
            self.sentences.append(found.get("class") or "")
        self._in_data = found.get("id") == "curate-data"

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self._segment = None
        self._in_data = False

    def handle_data(self, data: str) -> None:
        if self._segment is not None:
            start, text, mention = self.segments[-1]
            self.segments[-1] = (start, text + data, mention)
        if self._in_data:
            self.data_text += data

    @property
    def data(self) -> dict[str, Any]:
        return dict(json.loads(self.data_text))


# ---------------------------------------------------------------------------------------------
# Who may curate
# ---------------------------------------------------------------------------------------------


def test_without_a_write_token_the_pages_do_not_exist(tokenless: Server) -> None:
    for method, path in (
        ("GET", f"/curate/{DOC}"),
        ("GET", "/curate/"),
        ("POST", f"/curate/{DOC}/claims"),
        ("POST", "/curate/sign-in"),
    ):
        answer = requests.request(method, tokenless.url + path, headers=BEARER, data={"token": TOKEN}, timeout=30)
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.text == f"no such resource: {path}\n"


def test_without_the_token_the_answer_is_401_as_for_writes(served: Server, seeds: Path) -> None:
    before = files_of(seeds).claims.read_bytes()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        page = requests.get(f"{served.url}/curate/{DOC}", headers=headers, timeout=30)
        assert page.status_code == 401
        assert page.headers["WWW-Authenticate"] == 'Bearer realm="dprk-kg"'
        assert page.text.startswith("curation needs the operator's token: Authorization: Bearer <token>")
        assert page.headers["Cache-Control"] == "no-store"
        saved = requests.post(f"{served.url}/curate/{DOC}/claims", json=event_draft("x", UNIQUE), headers=headers)
        assert saved.status_code == 401
    forged = requests.get(f"{served.url}/curate/{DOC}", cookies={"dprk_kg_curate": TOKEN}, timeout=30)
    assert forged.status_code == 401  # the cookie is no copy of the token
    assert files_of(seeds).claims.read_bytes() == before


def test_a_browser_without_the_token_gets_the_sign_in_form(served: Server) -> None:
    page = requests.get(f"{served.url}/curate/{DOC}", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 401 and page.headers["Content-Type"].startswith("text/html")
    assert 'action="/curate/sign-in"' in page.text and f'name="next" value="{DOC}"' in page.text


def test_signing_in_sets_a_cookie_for_curation_only(served: Server) -> None:
    wrong = requests.post(
        f"{served.url}/curate/sign-in", data={"token": "wrong", "next": DOC}, allow_redirects=False, timeout=30
    )
    assert wrong.status_code == 401 and "Set-Cookie" not in wrong.headers
    session = requests.Session()
    signed = session.post(
        f"{served.url}/curate/sign-in", data={"token": TOKEN, "next": DOC}, allow_redirects=False, timeout=30
    )
    assert signed.status_code == 303 and signed.headers["Location"] == f"/curate/{DOC}"
    cookie = signed.headers["Set-Cookie"]
    assert "Path=/curate" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    value = session.cookies["dprk_kg_curate"]
    assert TOKEN not in value
    assert session.get(f"{served.url}/curate/{DOC}", timeout=30).status_code == 200
    assert session.get(f"{served.url}/curate/", timeout=30).status_code == 200
    # the cookie's value opens nothing else: it is no bearer token for the write API
    update = requests.post(
        f"{served.url}/update",
        data={"update": "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"},
        headers={"Authorization": f"Bearer {value}"},
        timeout=30,
    )
    assert update.status_code == 401
    hostile_next = requests.post(
        f"{served.url}/curate/sign-in", data={"token": TOKEN, "next": "//evil.example"}, allow_redirects=False
    )
    assert hostile_next.headers["Location"] == "/curate/"
    out = session.post(f"{served.url}/curate/sign-out", allow_redirects=False, timeout=30)
    assert out.status_code == 303 and "dprk_kg_curate" not in session.cookies
    assert session.get(f"{served.url}/curate/{DOC}", timeout=30).status_code == 401


HOSTILE_IDS = (
    "../x",
    "..%2fentities.yaml",
    "%2e%2e",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "entities",
    "README",
    f"{DOC}.txt",
    f"{DOC}%0a",
    f"{DOC}%00",
    ".hidden",
    "%20" + DOC,
)


@pytest.mark.parametrize("hostile", HOSTILE_IDS)
def test_hostile_document_ids_are_404(served: Server, seeds: Path, hostile: str) -> None:
    before = {path.name: path.read_bytes() for path in seeds.iterdir()}
    assert raw_status(served, "GET", f"/curate/{hostile}") == 404
    draft = json.dumps(event_draft("hostile-id", UNIQUE)).encode()
    assert raw_status(served, "POST", f"/curate/{hostile}/claims", draft) == 404
    assert {path.name: path.read_bytes() for path in seeds.iterdir()} == before


# ---------------------------------------------------------------------------------------------
# What the page shows
# ---------------------------------------------------------------------------------------------


def test_the_page_shows_the_text_with_claims_mentions_and_unclaimed_sentences(served: Server, seeds: Path) -> None:
    answer = requests.get(f"{served.url}/curate/{DOC}", headers=BEARER, timeout=30)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    page = Page(answer.text)
    document = read_document(files_of(seeds))
    text = document.text
    # the segments are the text, in order, each at its offset
    assert "".join(segment for _, segment, _ in page.segments) == text
    for start, segment, _ in page.segments:
        assert text[start : start + len(segment)] == segment
    # every claim of the file can be reached from the text
    claims = read_claims(files_of(seeds).claims, document, base_prefixes())
    assert {claim.id for claim in claims.claims} <= page.marked
    # the linker's mentions are underlined with their entity
    mentions = linker_for(read_registry(seeds / "entities.yaml")).link(text).mentions
    assert mentions
    underlined = {(start, title) for start, _, title in page.segments if title}
    for mention in mentions:
        assert (mention.start, f"id:{mention.entity}") in underlined
    # some sentences no claim quotes, and the others
    assert any("unclaimed" in classes for classes in page.sentences)
    assert any("unclaimed" not in classes for classes in page.sentences)
    # completions: the registry's ids (those the text names first), the ontology's terms, the text
    data = page.data
    ids = [entity["id"] for entity in data["entities"]]
    assert ids[0] in {mention.entity for mention in mentions}
    registry = read_registry(seeds / "entities.yaml")
    assert {entry.id for entry in registry.entries} <= set(ids)
    other = files_of(seeds, "000_1f7871d4d3f091d3")  # a claim may name another document's entity by id
    introduced = introduced_labels(read_claims(other.claims, read_document(other), base_prefixes()), Iris(), registry)
    elsewhere = {label.entity.removeprefix(Iris().entity("")) for label in introduced}
    offered = {entity["id"]: entity["from"] for entity in data["entities"]}
    assert elsewhere and all(
        offered[slug] in {"named in the text", "introduced by this document", f"introduced by {other.id}"}
        for slug in elsewhere
    )
    assert f"introduced by {other.id}" in offered.values() and "introduced by this document" in offered.values()
    assert {"dkg:Event", "dkg:mobilises", "rdfs:label"} <= {term["curie"] for term in data["terms"]}
    assert data["text"] == text
    for choice in ("stated", "reported", "inferred", "opinion", "uncertain", "expected"):
        assert f"<option>{choice}</option>" in answer.text
    assert "dprk-kg build" in answer.text


# ---------------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------------


def test_a_saved_claim_is_appended_as_text_and_checked(served: Server, seeds: Path) -> None:
    path = files_of(seeds).claims
    before = path.read_text(encoding="utf-8")
    quote = "North Hamgyong"
    text = read_document(files_of(seeds)).text
    second = text.find(quote, text.find(quote) + len(quote))
    draft = event_draft(
        "second-north-hamgyong",
        quote,
        occurrence=2,
        status="reported",
        modality="uncertain",
        note="A drafted claim: 'quoted', #not a comment, and\na second line.",
    )
    answer = save(served, draft)
    assert answer.status_code == 201, answer.text
    saved = answer.json()["saved"]
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before) and after.endswith(saved["text"])  # comments and layout kept
    assert after.splitlines()[saved["line"] - 1] == "  - id: second-north-hamgyong"
    claims = read_claims(path, read_document(files_of(seeds)), base_prefixes())
    claim = claims.claims[-1]
    assert (claim.id, claim.status, claim.modality) == ("second-north-hamgyong", "reported", "uncertain")
    assert claim.note == draft["note"] and claim.turtle == draft["assert"]
    assert (claim.evidence[0].start, claim.evidence[0].end) == (second, second + len(quote))
    check_files([path], seeds, Iris())  # what `dprk-kg check` says of the file: no error


HOSTILE_TEXT = "Musan <img src=x onerror=alert(1)> is a county.\n</script><script>alert(2)</script> Nothing else.\n"
HOSTILE_META = (
    "title: '<b>Bold</b> & </script>'\ntype: schema:NewsArticle\npublisher: asiapress\nauthors: []\n"
    "language: en\nissued: null\n"
)


@contextlib.contextmanager
def a_document(seeds: Path, doc_id: str, claims: str) -> Iterator[Path]:
    """A small document (whose text and title say hostile things) in the served seeds, for one test;
    its claims file's path."""
    (seeds / f"{doc_id}.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (seeds / f"{doc_id}.meta.yaml").write_text(HOSTILE_META, encoding="utf-8")
    (seeds / f"{doc_id}.claims.yaml").write_text(claims, encoding="utf-8")
    try:
        yield seeds / f"{doc_id}.claims.yaml"
    finally:
        for suffix in (".txt", ".meta.yaml", ".claims.yaml"):
            (seeds / f"{doc_id}{suffix}").unlink()


def test_a_draft_into_a_file_with_no_claims_yet(served: Server, seeds: Path) -> None:
    """A document just added has `claims: []`; what its text and title say is shown as text."""
    doc_id = "900_hostile"
    skeleton = (
        f"# Claims of {doc_id}: none yet.\ndocument: {doc_id}\ndefaults:\n  status: stated\nclaims: []  # to do\n"
    )
    with a_document(seeds, doc_id, skeleton) as claims_path:
        page = requests.get(f"{served.url}/curate/{doc_id}", headers=BEARER, timeout=30)
        assert page.status_code == 200
        for hostile in ("<img src=x", "<script>alert", "<b>Bold", "</script><script>"):
            assert hostile not in page.text
        assert Page(page.text).data["text"] == HOSTILE_TEXT  # the data block holds it, as text
        answer = save(served, event_draft("musan-county", "Musan", attributed_to="asiapress"), doc_id)
        assert answer.status_code == 201, answer.text
        written = claims_path.read_text(encoding="utf-8")
        head = f"# Claims of {doc_id}: none yet.\ndocument: {doc_id}\ndefaults:\n  status: stated\nclaims:  # to do\n"
        assert written == head + answer.json()["saved"]["text"]
        claims = read_claims(claims_path, read_document(files_of(seeds, doc_id)), base_prefixes()).claims
        assert [c.id for c in claims] == ["musan-county"]


def test_a_draft_goes_to_the_end_of_the_list_where_the_list_is_not_last(served: Server, seeds: Path) -> None:
    doc_id = "901_list_then_more"
    listed = (
        f"document: {doc_id}\n"
        "defaults: {status: stated, attributed_to: asiapress}\n"
        "claims:\n"
        "- id: first\n"
        "  quote: Musan\n"
        "  assert: |\n"
        "    id:first-event a dkg:Event ;\n"
        '        rdfs:label "The first event"@en .\n'
        "    # a line of the Turtle, not a comment of the file\n"
        "\n"
        "# what the document introduces is not its namesakes elsewhere\n"
        "distinct_from:\n"
        "  first-event: [musan-county]\n"
    )
    with a_document(seeds, doc_id, listed) as claims_path:
        answer = save(served, event_draft("second", "Nothing else"), doc_id)
        assert answer.status_code == 201, answer.text
        written = claims_path.read_text(encoding="utf-8")
        saved = answer.json()["saved"]["text"]
        assert saved.startswith("- id: second\n")  # indented as the file's items are
        at = listed.index("\n\n# what") + 1  # after the last claim, before the blank line and comment that follow it
        assert written == listed[:at] + "\n" + saved + listed[at:]
        claims = read_claims(claims_path, read_document(files_of(seeds, doc_id)), base_prefixes())
        assert [c.id for c in claims.claims] == ["first", "second"] and claims.distinct("first-event")


def test_a_claims_file_that_does_not_read_is_shown_and_kept(served: Server, seeds: Path) -> None:
    doc_id = "902_broken"
    broken = f"document: {doc_id}\nclaims:\n  - id: broken\n    quote: [unclosed\n"
    with a_document(seeds, doc_id, broken) as claims_path:
        page = requests.get(f"{served.url}/curate/{doc_id}", headers=BEARER, timeout=30)
        assert page.status_code == 200 and 'id="claims-file-error"' in page.text
        assert f"{doc_id}.claims.yaml:" in page.text and str(seeds) not in page.text
        answer = save(served, event_draft("after-the-break", "Musan"), doc_id)
        assert answer.status_code == 400 and answer.json()["unchanged"] is True
        assert answer.json()["errors"][0].startswith(f"{doc_id}.claims.yaml:5: YAML syntax error")
        assert claims_path.read_text(encoding="utf-8") == broken


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        (event_draft("bad-turtle", UNIQUE, **{"assert": 'id:x a dkg:Event ;\n  rdfs:label "open .\n'}), "Turtle"),
        (event_draft("unknown-term", UNIQUE, **{"assert": 'id:x a dkg:Evnt ; rdfs:label "X"@en .'}), "dkg:Event"),
        (event_draft("not-in-the-text", "Pyongyang Metro"), "quote not found"),
        (event_draft("twice", "North Hamgyong"), "occurs"),
        (event_draft("no-basis", UNIQUE, status="inferred"), "basis"),
        (event_draft("hedge-elsewhere", UNIQUE, hedge="reportedly"), "hedge"),
        (event_draft("bad-status", UNIQUE, status="rumoured"), "status"),
        (event_draft("Not-A-Slug", UNIQUE), "slug"),
        (event_draft("cheongsu-photo", UNIQUE), "duplicate claim id"),
    ],
)
def test_a_draft_the_checks_refuse_leaves_the_file_as_it_was(
    served: Server, seeds: Path, draft: dict[str, Any], expected: str
) -> None:
    path = files_of(seeds).claims
    before = path.read_bytes()
    answer = save(served, draft)
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["unchanged"] is True
    assert body["errors"][0].startswith(f"{DOC}.claims.yaml:"), body  # file:line, not the server's folders
    assert expected in body["errors"][0]
    assert str(seeds) not in answer.text
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("body", "content_type", "status", "expected"),
    [
        (b'{"id": "x"}', "text/plain", 415, "application/json"),
        (b"[1, 2]", "application/json", 400, "JSON object"),
        (b"{not json", "application/json", 400, "JSON object"),
        (json.dumps({**event_draft("x", UNIQUE), "graph": "g"}).encode(), "application/json", 400, "unknown field"),
        (json.dumps(event_draft("x", UNIQUE, occurrence="2")).encode(), "application/json", 400, "occurrence"),
        (json.dumps(event_draft("x", UNIQUE, occurrence=True)).encode(), "application/json", 400, "occurrence"),
        (json.dumps(event_draft("x", UNIQUE, note=["a"])).encode(), "application/json", 400, "note must be text"),
        (json.dumps({"id": "x", "quote": "Musan"}).encode(), "application/json", 400, "'assert'"),
    ],
)
def test_malformed_drafts_are_refused(
    served: Server, seeds: Path, body: bytes, content_type: str, status: int, expected: str
) -> None:
    path = files_of(seeds).claims
    before = path.read_bytes()
    answer = requests.post(
        f"{served.url}/curate/{DOC}/claims", data=body, headers={**BEARER, "Content-Type": content_type}, timeout=30
    )
    assert answer.status_code == status and expected in answer.text, answer.text
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("headers", "claim_id"),
    [
        ({"Origin": "http://evil.example"}, "after-another-origin"),
        ({"Sec-Fetch-Site": "cross-site"}, "after-a-cross-site-request"),
        ({"Sec-Fetch-Site": "same-site"}, "after-a-same-site-request"),
    ],
)
def test_a_save_from_another_site_is_refused(
    served: Server, seeds: Path, headers: dict[str, str], claim_id: str
) -> None:
    """Even with the credentials a browser would attach, a request another site's page made is refused."""
    path = files_of(seeds).claims
    before = path.read_bytes()
    session = requests.Session()
    session.post(f"{served.url}/curate/sign-in", data={"token": TOKEN}, allow_redirects=False, timeout=30)
    answer = session.post(f"{served.url}/curate/{DOC}/claims", json=event_draft("forged", UNIQUE), headers=headers)
    assert answer.status_code == 403 and "cross-site" in answer.text
    assert path.read_bytes() == before
    same = session.post(
        f"{served.url}/curate/{DOC}/claims",
        json=event_draft(claim_id, UNIQUE),
        headers={"Origin": served.url, "Sec-Fetch-Site": "same-origin"},
    )
    assert same.status_code == 201, same.text  # the same session from this server's own page
    assert "id: forged" not in path.read_text()


def test_saves_at_the_same_moment_are_serialised(served: Server, seeds: Path) -> None:
    path = files_of(seeds).claims
    before = path.read_text(encoding="utf-8")
    ids = [f"concurrent-{n}" for n in range(6)]
    answers: dict[str, int] = {}

    def post(claim_id: str) -> None:
        answers[claim_id] = save(served, event_draft(claim_id, UNIQUE)).status_code

    threads = [threading.Thread(target=post, args=(claim_id,)) for claim_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == dict.fromkeys(ids, 201)
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)
    written = [c.id for c in read_claims(path, read_document(files_of(seeds)), base_prefixes()).claims]
    assert sorted(written[-len(ids) :]) == ids
    check_files([path], seeds, Iris())
