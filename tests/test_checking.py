"""``dprk-kg check FILE…`` (issue 13): a document's files checked as a build would, in a second or two,
writing nothing; its errors name file:line and say what was meant ("did you mean")."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dprk_kg.vocabulary import DKG
from tests.conftest import SEEDS, Ran, line_of, run_cli
from tests.loaders.sources.test_duplicates import DOC, OTHER, add_claim, check

QUOTE = "Kim Jong Un put his weight behind the regional development plan"


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_seeds_pass_quickly_and_nothing_is_written(seeds_copy: Path) -> None:
    before = _tree(seeds_copy)
    files = [str(p) for p in sorted(seeds_copy.glob("*.yaml")) if p.name != "entities.yaml"]
    started = time.perf_counter()
    ran = run_cli("check", *files, env={"DPRK_KG_STORE": str(seeds_copy / "no-store")})
    seconds = time.perf_counter() - started
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith(f"ok: 2 document(s), {96} claims")
    assert seconds < 10  # about 1.5 s with the interpreter's start; generous for a loaded machine
    assert _tree(seeds_copy) == before and not (seeds_copy / "no-store").exists()


def test_a_text_file_names_its_document(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    ran = cli("check", str(seeds_copy / f"{DOC}.txt"), str(seeds_copy / f"{DOC}.meta.yaml"))
    assert ran.returncode == 0 and ran.stdout.startswith("ok: 1 document(s)"), ran.stderr


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("notes.md", "not a document's file: expected a name ending in .claims.yaml, .meta.yaml, .txt"),
        ("missing.claims.yaml", "missing: document 'missing' needs its .txt, .meta.yaml and .claims.yaml"),
        ("$bad.claims.yaml", "document id '$bad' must match"),
    ],
)
def test_files_that_are_no_documents_are_refused(
    cli: Callable[..., Ran], seeds_copy: Path, name: str, message: str
) -> None:
    (seeds_copy / name).write_text("claims: []\n", encoding="utf-8")
    ran = cli("check", str(seeds_copy / name))
    assert ran.returncode == 2 and message in ran.stderr, ran.stderr
    assert "Traceback" not in ran.stderr


def test_an_unknown_term_suggests_the_declared_one(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    path = add_claim(seeds_copy, OTHER, "typo", "id:kim-jong-un dkg:adressee id:wpk-central-committee-members .", QUOTE)
    ran = check(cli, seeds_copy, OTHER)
    assert ran.returncode == 2
    line = line_of(path, "dkg:adressee")
    assert f"{path}:{line}: claim 'typo': unknown term <{DKG.iri}adressee>; did you mean dkg:addressee?" in ran.stderr


def test_an_unknown_class_suggests_the_declared_one(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    path = add_claim(seeds_copy, OTHER, "typo", 'id:x-county a dkg:Conty ;\n    rdfs:label "X County"@en .', QUOTE)
    ran = check(cli, seeds_copy, OTHER)
    assert ran.returncode == 2
    assert f"{path}:{line_of(path, 'dkg:Conty')}: claim 'typo':" in ran.stderr
    assert "did you mean dkg:County or dkg:Country?" in ran.stderr


def test_a_mistyped_entity_id_suggests_the_registered_one(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    path = add_claim(seeds_copy, OTHER, "typo", "id:musan-county dkg:locatedIn id:north-hamgyeong-province .", QUOTE)
    ran = check(cli, seeds_copy, OTHER)
    assert ran.returncode == 2
    assert f"{path}:{line_of(path, 'id:north-hamgyeong-province')}: claim 'typo': unknown entity" in ran.stderr
    assert "did you mean id:north-hamgyong-province or id:north-pyongan-province?" in ran.stderr


def test_a_mistyped_publisher_suggests_the_registered_one(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    meta = seeds_copy / f"{DOC}.meta.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace("publisher: asiapress", "publisher: asia-press"), encoding="utf-8")
    ran = cli("check", str(meta))
    assert ran.returncode == 2
    assert f"{meta}:{line_of(meta, 'asia-press')}: unknown entity 'asia-press'" in ran.stderr
    assert "did you mean asiapress?" in ran.stderr


@pytest.mark.parametrize(
    ("written", "datatype", "hint"),
    [
        ("2024-09", "xsd:date", 'it is an xsd:gYearMonth: write "2024-09"^^xsd:gYearMonth'),
        ("2024", "xsd:date", 'it is an xsd:gYear: write "2024"^^xsd:gYear'),
        ("2024-09-14", "xsd:gYearMonth", 'it is an xsd:date: write "2024-09-14"^^xsd:date'),
        ("--09-14", "xsd:date", 'it is an xsd:gMonthDay: write "--09-14"^^xsd:gMonthDay'),
    ],
)
def test_a_date_in_another_form_says_how_to_write_it(
    cli: Callable[..., Ran], seeds_copy: Path, written: str, datatype: str, hint: str
) -> None:
    turtle = f'{"id:kim-jong-un-remarks-on-regional-imbalance"} dkg:date "{written}"^^{datatype} .'
    path = add_claim(seeds_copy, OTHER, "when", turtle, QUOTE)
    ran = check(cli, seeds_copy, OTHER)
    assert ran.returncode == 2
    line = line_of(path, f'"{written}"^^')
    expected = f"{path}:{line}: claim 'when': {written!r} is not a valid {datatype[4:]}; {hint}"
    assert expected in ran.stderr, ran.stderr


def test_an_untyped_date_says_how_to_type_it(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    add_claim(seeds_copy, OTHER, "when", 'id:kim-jong-un-remarks-on-regional-imbalance dkg:date "2024-09" .', QUOTE)
    ran = check(cli, seeds_copy, OTHER)
    assert ran.returncode == 2
    assert 'not string; it is an xsd:gYearMonth: write "2024-09"^^xsd:gYearMonth' in ran.stderr, ran.stderr


def test_a_shape_violation_exits_1(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    add_claim(seeds_copy, DOC, "site", 'id:new-works a dkg:Factory ;\n    rdfs:label "New works"@en .')
    ran = check(cli, seeds_copy)
    assert ran.returncode == 1 and "a facility is located somewhere" in ran.stderr, ran.stderr


def test_the_packaged_seeds_check(cli: Callable[..., Ran]) -> None:
    ran = cli("check", str(SEEDS / f"{OTHER}.claims.yaml"))
    assert ran.returncode == 0, ran.stderr


def test_an_ambiguous_mention_is_reported_with_its_candidates(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    """Two registry entities of one name: the linker links neither, and check says where and which."""
    registry = seeds_copy / "entities.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8")
        + "\n  - id: hyesan-town\n    type: dkg:City\n    label: Hyesan\n    distinct_from: [hyesan]\n",
        encoding="utf-8",
    )
    ran = check(cli, seeds_copy, OTHER)
    assert ran.returncode == 0, ran.stderr
    text = seeds_copy / f"{OTHER}.txt"
    line = line_of(text, "city of Hyesan")
    column = text.read_text(encoding="utf-8").splitlines()[line - 1].index("Hyesan") + 1
    assert f"{text}:{line}:{column}: ambiguous mention 'Hyesan', not linked: id:hyesan or id:hyesan-town" in ran.stdout
    assert ran.stdout.startswith("ok: 1 document(s), 48 claims, 42 mentions")
