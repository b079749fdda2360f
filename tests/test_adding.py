"""``dprk-kg add``: a report becomes a document with metadata and a claims skeleton, and is loaded;
adding it again changes nothing; a failure leaves the seeds folder and the store as they were."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dprk_kg.adding import document_id
from dprk_kg.seeds_files import folder_lock
from dprk_kg.store import EmbeddedStore
from tests.conftest import Ran

REPORT = """---
title: Factory construction begins in Ryanggang
publisher: Daily NK
issued: 2024-09-12
language: en
authors: [Kim Chol-su]
---
# Factory construction begins in Ryanggang

Residents of Yanggang Province say that construction of a new regional factory began last June.

Kim Jong-un visited the site, according to a source in Hyesan.
"""
DOC_ID = document_id(
    {"issued": "2024-09-12", "publisher": "daily-nk", "title": "Factory construction begins in Ryanggang"}
)
PREFIXES = "PREFIX dkg: <https://w3id.org/dprk-kg/ontology#> PREFIX oa: <http://www.w3.org/ns/oa#> "


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def versions(store: Path) -> list[str]:
    return sorted(p.name for p in (store.parent / f"{store.name}.versions").iterdir() if p.is_dir())


@pytest.fixture
def added(cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path) -> tuple[Path, Path, Ran]:
    report = tmp_path / "report.md"
    report.write_text(REPORT, encoding="utf-8")
    store = tmp_path / "store"
    ran = cli("add", str(report), "--seeds", str(seeds_copy), "--store", str(store), "--quiet")
    assert ran.returncode == 0, ran.stderr
    return report, store, ran


def test_a_report_is_written_with_its_metadata_and_skeleton_and_loaded(
    added: tuple[Path, Path, Ran], seeds_copy: Path
) -> None:
    _, store, ran = added
    title_digest = hashlib.sha256(b"factory construction begins in ryanggang").hexdigest()[:12]
    assert f"2024-09-12_daily-nk_{title_digest}" == DOC_ID and f"added {DOC_ID}" in ran.stdout
    text = (seeds_copy / f"{DOC_ID}.txt").read_text(encoding="utf-8")
    assert text == REPORT.split("---\n", 2)[2]  # verbatim, less the front matter
    meta = (seeds_copy / f"{DOC_ID}.meta.yaml").read_text(encoding="utf-8")
    assert "publisher: daily-nk" in meta and "- kim-chol-su" in meta and "issued: '2024-09-12'" in meta
    skeleton = (seeds_copy / f"{DOC_ID}.claims.yaml").read_text(encoding="utf-8")
    assert "claims: []" in skeleton and "id:ryanggang-province  line 1, 3" in skeleton
    assert "id:kim-jong-un" in skeleton and "attributed_to: daily-nk" in skeleton
    assert "'last June' (line 3): 2024-06 (gYearMonth) - 'last June' in a report issued 2024-09-12" in skeleton
    registry = (seeds_copy / "entities.yaml").read_text(encoding="utf-8")
    assert "- id: daily-nk\n    type: dkg:NewsPublisher\n    label: Daily NK\n" in registry
    assert "- id: kim-chol-su\n    type: dkg:Journalist\n" in registry
    loaded = EmbeddedStore(store, read_only=True)
    iri = f"https://w3id.org/dprk-kg/doc/{DOC_ID}"
    assert loaded.select(PREFIXES + f"SELECT ?t WHERE {{ <{iri}> a dkg:SourceDocument ; ?p ?t }}")
    mentioned = loaded.select(
        PREFIXES + "SELECT DISTINCT ?e WHERE { GRAPH ?g { ?a oa:hasBody ?e ; oa:hasTarget/oa:hasSource ?d } "
        f"FILTER (?d = <{iri}>) }}"
    )
    assert {row["e"].rsplit("/", 1)[1] for row in mentioned} >= {"ryanggang-province", "kim-jong-un", "hyesan"}


def test_adding_the_same_report_again_changes_nothing(
    added: tuple[Path, Path, Ran], cli: Callable[..., Ran], seeds_copy: Path
) -> None:
    report, store, _ = added
    files, before = snapshot(seeds_copy), versions(store)
    ran = cli("add", str(report), "--seeds", str(seeds_copy), "--store", str(store), "--quiet")
    assert ran.returncode == 0 and f"unchanged: {DOC_ID}" in ran.stdout
    assert snapshot(seeds_copy) == files and versions(store) == before


def test_a_changed_report_replaces_its_document_and_keeps_its_claims(
    added: tuple[Path, Path, Ran], cli: Callable[..., Ran], seeds_copy: Path
) -> None:
    report, store, _ = added
    claims = seeds_copy / f"{DOC_ID}.claims.yaml"
    claims.write_text(claims.read_text(encoding="utf-8") + "# the curator's notes\n", encoding="utf-8")
    kept = claims.read_bytes()
    report.write_text(REPORT.replace("last June", "in June"), encoding="utf-8")
    ran = cli("add", str(report), "--seeds", str(seeds_copy), "--store", str(store), "--quiet")
    assert ran.returncode == 0, ran.stderr
    assert "in June" in (seeds_copy / f"{DOC_ID}.txt").read_text(encoding="utf-8")
    assert claims.read_bytes() == kept
    assert (seeds_copy / "entities.yaml").read_text(encoding="utf-8").count("- id: daily-nk") == 1


def test_a_publisher_named_by_a_registry_name_is_that_entity(
    cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path
) -> None:
    report = tmp_path / "r.txt"
    report.write_text("Factories rise in Musan County, residents say.\n", encoding="utf-8")
    registry = (seeds_copy / "entities.yaml").read_bytes()
    ran = cli(
        "add", str(report), "--title", "Factories rise", "--publisher", "Asiapress", "--language", "en",
        "--seeds", str(seeds_copy), "--store", str(tmp_path / "store"), "--quiet",
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert (seeds_copy / "entities.yaml").read_bytes() == registry
    assert any(p.name.startswith("undated_asiapress_") for p in seeds_copy.iterdir())


def test_an_html_page_is_reduced_to_its_text_and_its_metadata_is_said_to_be_the_pages(
    cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path
) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '<html lang="en"><head><title>Musan &amp; the mine</title><meta property="og:site_name" content="ASIAPRESS">'
        '<meta property="article:published_time" content="2024-10-02T09:00:00+09:00"><script>x()</script></head>'
        "<body><nav>Home | News</nav><article><h1>Musan &amp; the mine</h1><p>Workers   were\nmobilised "
        "in Musan County.</p><p>A second<br>paragraph.</p></article></body></html>",
        encoding="utf-8",
    )
    ran = cli("add", str(page), "--seeds", str(seeds_copy), "--store", str(tmp_path / "store"), "--quiet")
    assert ran.returncode == 0, ran.stderr
    doc = next(p for p in seeds_copy.glob("2024-10-02_asiapress_*.txt"))
    assert (
        doc.read_text(encoding="utf-8")
        == "Musan & the mine\n\nWorkers were mobilised in Musan County.\n\nA second\nparagraph.\n"
    )
    meta = doc.with_name(doc.name.replace(".txt", ".meta.yaml")).read_text(encoding="utf-8")
    assert "title, language, issued, publisher: taken from the metadata of the report page." in meta


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("title: T\npublisher: asiapress\nlanguage: en\nurl: https://example.org/a\n", "url needs url_checked"),
        ("title: T\npublisher: asiapress\n", "no language"),
        ("title: T\npublisher: asiapress\nlanguage: en\nwhen: 2024\n", "unknown front matter field(s) ['when']"),
        ("title: [unclosed\n", "front matter is not valid YAML"),
        ("title: T\npublisher: asiapress\nlanguage: en\ndate: 2024\nissued: 2024\n", "both date and issued"),
    ],
)
def test_a_bad_report_is_refused_before_anything_is_written(
    front: str, message: str, cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path
) -> None:
    files = snapshot(seeds_copy)
    report = tmp_path / "bad.md"
    report.write_text(f"---\n{front}---\nSome text of a report.\n", encoding="utf-8")
    ran = cli("add", str(report), "--seeds", str(seeds_copy), "--store", str(tmp_path / "store"), "--quiet")
    assert ran.returncode == 2 and message in ran.stderr, ran.stderr
    assert snapshot(seeds_copy) == files and not (tmp_path / "store").exists()


def test_a_report_the_build_refuses_leaves_the_folder_and_the_store_as_they_were(
    cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    assert cli("build", "--seeds", str(seeds_copy), "--store", str(store), "--quiet").returncode == 0
    files, before = snapshot(seeds_copy), versions(store)
    report = tmp_path / "bad.md"
    report.write_text("---\ntitle: T\npublisher: New Outlet\nlanguage: en\nissued: 2024-13-40\n---\nText.\n")
    ran = cli("add", str(report), "--seeds", str(seeds_copy), "--store", str(store), "--quiet")
    assert ran.returncode == 2 and "issued: '2024-13-40' is not a valid" in ran.stderr, ran.stderr
    assert snapshot(seeds_copy) == files and versions(store) == before  # the new registry entry is gone too


def test_a_report_that_is_not_a_regular_file_is_refused(
    cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path
) -> None:
    device = tmp_path / "endless.txt"
    device.symlink_to("/dev/zero")  # reading it would never end
    ran = cli("add", str(device), "--seeds", str(seeds_copy), "--store", str(tmp_path / "store"))
    assert ran.returncode == 2 and "not a regular file" in ran.stderr


def test_add_waits_for_the_folder_lock_of_another_writer(seeds_copy: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    report.write_text(REPORT, encoding="utf-8")
    files = snapshot(seeds_copy)
    command = [sys.executable, "-m", "dprk_kg.cli", "add", str(report), "--seeds", str(seeds_copy)]
    with folder_lock(seeds_copy):  # as a curation save or another add holds it
        process = subprocess.Popen([*command, "--store", str(tmp_path / "store"), "--quiet"])
        time.sleep(5)  # without the lock, add has written its files well within this
        assert snapshot(seeds_copy) == files and process.poll() is None
    assert process.wait(timeout=300) == 0
    assert f"{DOC_ID}.txt" in snapshot(seeds_copy)
