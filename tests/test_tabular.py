"""``dprk-kg import``: a table of claims (CSV, JSON Lines) becomes claims files the real build loads;
every mistake is reported at the table's file and row, and nothing is written unless all of it reads."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from dprk_kg.vocabulary import DEFAULT_BASE

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
DOCUMENT = "004_5b61ddd10aea0cba"
HEADER = ["document", "claim", "quote", "subject", "predicate", "object", "status", "attributed_to", "hedge"]
COUNTIES = "North Hamgyong Province’s Gyongsong and Orang counties"
SITES = "In North Hamgyong Province, the new factory sites this year are in Gyongsong County and Orang County."
SIZE = "The number of workers is said to be about two battalions, with 500 to 600 people."
SOURCE = "asiapress"  # an entity of the registry
DEFAULTS = ("--attributed-to", "asiapress", "--status", "stated")


def row(claim: str, quote: str, triple: str, status: str = "", who: str = "", hedge: str = "") -> list[str]:
    return [DOCUMENT, claim, quote, *triple.split(" ", 2), status, who, hedge]


def rows() -> list[list[str]]:
    factory, mobilisation = "id:new-factory-in-orang-county", "id:musan-workers-mobilisation"
    return [
        row("counties", COUNTIES, "id:kyongsong-county dkg:locatedIn id:north-hamgyong-province"),
        row("counties", COUNTIES, "id:orang-county dkg:locatedIn id:north-hamgyong-province"),
        row("orang-factory", SITES, f"{factory} a dkg:Factory"),
        row("orang-factory", SITES, f'{factory} rdfs:label "New factory in Orang County"@en'),
        row("orang-factory", SITES, f"{factory} dkg:locatedIn id:orang-county"),
        row("size", SIZE, f"{mobilisation} dkg:participantCountMin 500", "reported", SOURCE, "is said to be"),
        row("size", SIZE, f"{mobilisation} dkg:participantCountMax 600", "reported", SOURCE),
        row("size", SIZE, f"{mobilisation} a dkg:LabourMobilisation", "reported", SOURCE),
        row("size", SIZE, f'{mobilisation} rdfs:label "Mobilisation of 500 to 600 workers"@en', "reported", SOURCE),
    ]


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A seeds folder with the registry and one document whose claims file is still to be made."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(SEEDS / "entities.yaml", folder)
    for suffix in (".txt", ".meta.yaml"):
        shutil.copy(SEEDS / f"{DOCUMENT}{suffix}", folder)
    return folder


def write_csv(path: Path, table: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(table)
    return path


def dprk_kg(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "dprk_kg.cli", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_a_table_becomes_claims_the_build_loads(seeds: Path, tmp_path: Path) -> None:
    table = write_csv(tmp_path / "claims.csv", rows())
    done = dprk_kg("import", table, "--seeds", seeds, *DEFAULTS)
    assert done.returncode == 0, done.stderr
    claims = yaml.safe_load((seeds / f"{DOCUMENT}.claims.yaml").read_text())
    assert claims["defaults"] == {"attributed_to": "asiapress", "status": "stated"}
    assert [c["id"] for c in claims["claims"]] == ["counties", "orang-factory", "size"]
    size = claims["claims"][2]
    assert (size["status"], size["attributed_to"], size["hedge"]) == ("reported", SOURCE, "is said to be")

    store = tmp_path / "store"
    built = dprk_kg("build", "--seeds", seeds, "--store", store, "--reasoner", "rules", "--quiet")
    assert built.returncode == 0, built.stderr
    graph = ox.NamedNode(f"{DEFAULT_BASE}claim/{DOCUMENT}/size")
    data = ox.Store.read_only(str(store.resolve()))
    facts = {
        (q.predicate.value.rsplit("#", 1)[-1], q.object.value) for q in data.quads_for_pattern(None, None, None, graph)
    }
    assert {("participantCountMin", "500"), ("participantCountMax", "600")} <= facts
    exact = f"{DEFAULT_BASE}ontology#"
    quotes = data.query(
        f"SELECT ?q WHERE {{ <{graph.value}> <{exact}evidence>/<http://www.w3.org/ns/oa#hasSelector>/"
        "<http://www.w3.org/ns/oa#exact> ?q }"
    )
    assert [row["q"].value for row in quotes] == [SIZE]


def test_json_lines_give_the_same_claims_file(seeds: Path, tmp_path: Path) -> None:
    csv_seeds = tmp_path / "csv-seeds"
    shutil.copytree(seeds, csv_seeds)
    assert dprk_kg("import", write_csv(tmp_path / "c.csv", rows()), "--seeds", csv_seeds, *DEFAULTS).returncode == 0
    lines = tmp_path / "c.jsonl"
    lines.write_text("\n".join(json.dumps(dict(zip(HEADER, row, strict=True))) for row in rows()) + "\n")
    assert dprk_kg("import", lines, "--seeds", seeds, *DEFAULTS).returncode == 0
    made = {p: yaml.safe_load((p / f"{DOCUMENT}.claims.yaml").read_text()) for p in (seeds, csv_seeds)}
    assert made[seeds] == made[csv_seeds]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # a cell that would smuggle in a triple of its own
        ({"object": "id:orang-county . id:kim-jong-un dkg:locatedIn id:orang-county"}, "holds 2 triples"),
        ({"subject": "id:orang-county dkg:locatedIn id:x . id:y"}, "holds 2 triples"),
        ({"object": "id:orang-county # a comment"}, "is not Turtle"),
        ({"object": "[]"}, "blank nodes are not allowed"),
        ({"object": '"multi\nline"'}, "spans lines"),
        ({"predicate": ""}, "predicate is empty"),
        # what the claims reader checks, reported at the table's row
        ({"quote": "These words are not in the text."}, "quote not found"),
        ({"object": '"2024-13"^^xsd:gYearMonth'}, "is not a valid gYearMonth"),
        ({"status": "rumoured"}, "status 'rumoured' is not one of"),
        ({"hedge": "allegedly"}, "hedge 'allegedly' is not in the quote"),
    ],
)
def test_a_bad_row_is_reported_at_its_line_and_nothing_is_written(
    seeds: Path, tmp_path: Path, change: dict[str, str], message: str
) -> None:
    table = rows()
    table[5] = [change.get(name, value) for name, value in zip(HEADER, table[5], strict=True)]
    if "status" in change:  # the claim's other rows say the same
        for other in table[6:]:
            other[HEADER.index("status")] = change["status"]
    path = write_csv(tmp_path / "claims.csv", table)
    before = snapshot(seeds)
    done = dprk_kg("import", path, "--seeds", seeds, *DEFAULTS)
    assert done.returncode == 2
    assert f"{path}:7: " in done.stderr and message in done.stderr, done.stderr
    assert snapshot(seeds) == before


def test_rows_of_one_claim_that_disagree_are_refused(seeds: Path, tmp_path: Path) -> None:
    table = rows()
    table[6][6] = "stated"  # the first row of the claim says reported
    done = dprk_kg("import", write_csv(tmp_path / "t.csv", table), "--seeds", seeds, *DEFAULTS)
    assert done.returncode == 2 and ":8: claim 'size': status is 'stated' here but 'reported' on line 7" in done.stderr


def test_an_unknown_column_gets_a_suggestion(seeds: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", rows(), [*HEADER[:-1], "hedges"])
    done = dprk_kg("import", path, "--seeds", seeds)
    assert done.returncode == 2 and f"{path}:1: unknown column 'hedges'; did you mean 'hedge'?" in done.stderr


def test_an_existing_claims_file_is_replaced_only_when_asked(seeds: Path, tmp_path: Path) -> None:
    existing = seeds / f"{DOCUMENT}.claims.yaml"
    shutil.copy(SEEDS / existing.name, existing)
    table = write_csv(tmp_path / "t.csv", rows())
    done = dprk_kg("import", table, "--seeds", seeds, *DEFAULTS)
    assert done.returncode == 2 and "exists; give --replace" in done.stderr
    assert existing.read_bytes() == (SEEDS / existing.name).read_bytes()
    again = dprk_kg("import", table, "--seeds", seeds, "--replace", *DEFAULTS)
    assert again.returncode == 0, again.stderr
    assert len(yaml.safe_load(existing.read_text())["claims"]) == 3


def test_a_document_that_is_not_in_the_seeds_is_named(seeds: Path, tmp_path: Path) -> None:
    table = [["999_0000000000000000", *row[1:]] for row in rows()]
    done = dprk_kg("import", write_csv(tmp_path / "t.csv", table), "--seeds", seeds)
    assert done.returncode == 2 and "document '999_0000000000000000' is not in" in done.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # what only `dprk-kg check` sees: the registry, the ontology, the other documents, the shapes
        ({"subject": "id:orang-countyy"}, "did you mean id:orang-county?"),
        ({"predicate": "dkg:adressee"}, "did you mean dkg:addressee?"),
        ({"object": '"Yanggang Province"@en'}, "'Yanggang Province' has the name of id:ryanggang-province"),
    ],
)
@pytest.mark.parametrize("existing", [False, True])
def test_claims_that_fail_the_check_are_taken_back(
    seeds: Path, tmp_path: Path, change: dict[str, str], message: str, existing: bool
) -> None:
    """The written files are checked as `dprk-kg check` checks them; if they fail, the error names the
    table's row and the seeds folder is exactly as before (a replaced claims file back in place)."""
    if existing:
        shutil.copy(SEEDS / f"{DOCUMENT}.claims.yaml", seeds)
    table = rows()
    table[3] = [change.get(name, value) for name, value in zip(HEADER, table[3], strict=True)]
    path = write_csv(tmp_path / "claims.csv", table)
    before = snapshot(seeds)
    done = dprk_kg("import", path, "--seeds", seeds, "--replace", *DEFAULTS)
    assert done.returncode == 2, done.stderr
    assert f"{path}:5: " in done.stderr and message in done.stderr, done.stderr  # the row's line
    assert snapshot(seeds) == before
