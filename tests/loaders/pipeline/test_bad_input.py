"""Every kind of bad input: a clear error naming the file and line, a non-zero exit, and the store
exactly as it was (compared quad by quad with the store built from the good seeds).

The cases run ``dprk-kg build`` in this process (``dprk_kg.cli.main``: the same parsing, messages and
exit codes, without an interpreter's start-up per case); a few run the real command as a separate
process, end to end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dprk_kg.cli import main
from tests.conftest import line_of, run_cli, sorted_dump

DOC0 = "000_1f7871d4d3f091d3"
DOC4 = "004_5b61ddd10aea0cba"
CLAIMS0 = f"{DOC0}.claims.yaml"
CLAIMS4 = f"{DOC4}.claims.yaml"

# (case, file, text to replace, replacement, text of the line the error must name, message fragment)
CASES = [
    (
        "quote not in the text",
        CLAIMS0,
        "quote: The ruling Workers’ Party\n",
        "quote: The ruling Workers' Party\n",
        "quote: The ruling Workers' Party",
        "quote not found in the text: «The ruling Workers' Party»; did you mean",
    ),
    (
        "ambiguous quote",
        CLAIMS0,
        "quote: according to sources in North Korea\n",
        "quote: the fund\n",
        "quote: the fund",
        "quote occurs 2 times",
    ),
    (
        "unknown entity",
        CLAIMS0,
        "dkg:organiser id:provincial-governments ;",
        "dkg:organiser id:provincial-goverments ;",
        "id:provincial-goverments",
        "unknown entity id:provincial-goverments",
    ),
    (
        "unknown ontology term",
        CLAIMS0,
        "dkg:targets id:wealthy-merchants ;",
        "dkg:target id:wealthy-merchants ;",
        "dkg:target id:wealthy-merchants",
        "unknown term <https://w3id.org/dprk-kg/ontology#target>",
    ),
    (
        "class that is not in the ontology",
        CLAIMS0,
        "a dkg:DonationCampaign ;",
        "a dkg:FundraisingDrive ;",
        "a dkg:FundraisingDrive",
        "<https://w3id.org/dprk-kg/ontology#FundraisingDrive> is not a class of the ontology",
    ),
    (
        "impossible date",
        CLAIMS0,
        'dkg:date "--02-03"^^xsd:gMonthDay ;',
        'dkg:date "--02-30"^^xsd:gMonthDay ;',
        '"--02-30"',
        "'--02-30' is not a valid gMonthDay",
    ),
    (
        "untyped date",
        CLAIMS0,
        'dkg:date "2024-01-15"^^xsd:date .',
        'dkg:date "January 15, 2024"@en .',
        '"January 15, 2024"@en',
        "a date must be typed as one of xsd:",
    ),
    (
        "bad number",
        CLAIMS4,
        "dkg:participantCountMin 500 ;",
        'dkg:participantCountMin "about 500"^^xsd:integer ;',
        '"about 500"',
        "'about 500' is not a valid integer",
    ),
    (
        "duplicate claim id",
        CLAIMS0,
        "  - id: wpk-ruling-party\n",
        "  - id: loyalty-fund-current-purpose  # again\n",
        "loyalty-fund-current-purpose  # again",
        "duplicate claim id 'loyalty-fund-current-purpose' (first on line",
    ),
    (
        "Turtle syntax error",
        CLAIMS0,
        "dkg:targets id:wealthy-merchants ;",
        "dkg:targets id:wealthy-merchants ;;;(",
        "dkg:targets id:wealthy-merchants ;;;(",
        "Turtle syntax error",
    ),
    (
        "blank node",
        CLAIMS0,
        "dkg:targets id:wealthy-merchants ;",
        'dkg:targets [ rdfs:label "x"@en ] ;',
        'dkg:targets [ rdfs:label "x"@en ] ;',
        "blank nodes are not allowed",
    ),
    (
        "hedge not in the quote",
        CLAIMS0,
        "    hedge: reportedly\n",
        "    hedge: allegedly\n",
        "hedge: allegedly",
        "hedge 'allegedly' is not in the quote",
    ),
    (
        "inference without basis",
        CLAIMS0,
        "  - id: wpk-ruling-party\n",
        "  - id: wpk-ruling-party\n    status: inferred\n",
        "  - id: wpk-ruling-party",
        "an inferred claim must give its 'basis'",
    ),
    (
        "unknown status",
        CLAIMS0,
        "  - id: wpk-ruling-party\n",
        "  - id: wpk-ruling-party\n    status: rumoured\n",
        "status: rumoured",
        "status 'rumoured' is not one of",
    ),
    (
        "misspelt field",
        CLAIMS0,
        "    hedge: reportedly\n",
        "    hegde: reportedly\n",
        "hegde: reportedly",
        "unknown field 'hegde'",
    ),
    ("YAML syntax error", CLAIMS0, f"document: {DOC0}\n", f"document: [{DOC0}\n", "defaults:", "YAML syntax error"),
    (
        "relabelled registry entity",
        CLAIMS0,
        "dkg:basedIn id:north-korea .\n\n  - id: provincial",
        'dkg:basedIn id:north-korea .\n      id:north-korea rdfs:label "DPRK"@en .\n\n  - id: provincial',
        'id:north-korea rdfs:label "DPRK"@en',
        "'north-korea' is labelled in the registry",
    ),
    (
        "entity labelled differently by two documents",
        CLAIMS4,
        "rdfs:label \"Kim Jong Un's speech to the Supreme People's Assembly, January 15\"@en ;",
        'rdfs:label "The January 15 speech"@en ;',
        "The January 15 speech",
        "is labelled 'The January 15 speech' here but",
    ),
    (
        "unknown publisher in metadata",
        f"{DOC0}.meta.yaml",
        "publisher: nk-insider\n",
        "publisher: nk-insder\n",
        "publisher: nk-insder",
        "unknown entity 'nk-insder'",
    ),
    (
        "bad language tag in metadata",
        f"{DOC0}.meta.yaml",
        "language: en\n",
        "language: English\n",
        "language: English",
        "is not a BCP 47 tag",
    ),
    (
        "impossible publication date",
        f"{DOC0}.meta.yaml",
        "issued: null ",
        "issued: 2024-02-30 ",
        "issued: 2024-02-30",
        "is not a valid YYYY, YYYY-MM or YYYY-MM-DD date",
    ),
    (
        "publication address that is not a web address",
        f"{DOC0}.meta.yaml",
        "url: https://www.nkinsider.org/",
        "url: javascript://www.nkinsider.org/",
        "url: javascript:",
        "is not an http or https address",
    ),
    (
        "publication address without where it was checked",
        f"{DOC0}.meta.yaml",
        "url_checked: >-\n  stored public copy of that address (search tool, pages corpus, 2026-11): "
        "the same headline and\n  opening paragraphs as this text; no date in the stored copy\n",
        "",
        "url: https://",
        "url needs url_checked",
    ),
    (
        "registry QID outside the mapping set",
        "entities.yaml",
        "    alt: [People's Republic of China]\n",
        "    alt: [People's Republic of China]\n    wikidata: Q148\n",
        "    wikidata: Q148",
        "a Wikidata link belongs in ontology/mappings.sssom.tsv",
    ),
    (
        "registry reference to a missing entity",
        "entities.yaml",
        "    located_in: ryanggang-province\n",
        "    located_in: ryangang-province\n",
        "located_in: ryangang-province",
        "names unknown entity 'ryangang-province'",
    ),
    (
        "registry type not in the ontology",
        "entities.yaml",
        "    type: dkg:River\n",
        "    type: dkg:Stream\n",
        "type: dkg:Stream",
        "dkg:Stream is not a class of the ontology",
    ),
]


@pytest.fixture
def build_copy(
    seeds_copy: Path, built_store: Path, capsys: pytest.CaptureFixture[str]
) -> Callable[[], tuple[int, str]]:
    """``dprk-kg build`` of the copied seeds into the built store, in this process: (exit code, stderr)."""

    def run() -> tuple[int, str]:
        code = main(["build", "--seeds", str(seeds_copy), "--store", str(built_store), "--quiet"])
        return code, capsys.readouterr().err

    return run


def build_copy_as_a_process(seeds_copy: Path, built_store: Path) -> tuple[int, str]:
    """The same build by the real command, in a process of its own."""
    result = run_cli("build", "--seeds", str(seeds_copy), "--store", str(built_store), "--quiet")
    return result.returncode, result.stderr


def assert_input_error(code: int, stderr: str, path: Path, line_text: str, message: str) -> None:
    assert code == 2, stderr
    assert message in stderr, stderr
    first_line = line_text.split("\n")[0]
    assert f"{path}:{line_of(path, first_line)}:" in stderr, stderr


@pytest.mark.parametrize(("case", "name", "old", "new", "line_text", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_rejected_and_the_store_is_unchanged(
    case: str,
    name: str,
    old: str,
    new: str,
    line_text: str,
    message: str,
    edit: Callable[[str, str, str], Path],
    build_copy: Callable[[], tuple[int, str]],
    built_store: Path,
    built_dump: list[str],
) -> None:
    path = edit(name, old, new)
    assert_input_error(*build_copy(), path, line_text, message)
    assert sorted_dump(built_store) == built_dump


def test_the_command_rejects_bad_input(
    edit: Callable[[str, str, str], Path], seeds_copy: Path, built_store: Path, built_dump: list[str]
) -> None:
    """End to end: the real command's exit code and message on standard error."""
    _, name, old, new, line_text, message = CASES[0]
    path = edit(name, old, new)
    assert_input_error(*build_copy_as_a_process(seeds_copy, built_store), path, line_text, message)
    assert sorted_dump(built_store) == built_dump


def test_missing_companion_file(seeds_copy: Path, built_store: Path, built_dump: list[str]) -> None:
    """End to end: a document is missing before any is read."""
    (seeds_copy / f"{DOC4}.meta.yaml").unlink()
    code, stderr = build_copy_as_a_process(seeds_copy, built_store)
    assert code == 2
    assert f"{seeds_copy / DOC4}.txt: missing companion file {DOC4}.meta.yaml" in stderr
    assert sorted_dump(built_store) == built_dump


def test_document_not_utf8(
    seeds_copy: Path, build_copy: Callable[[], tuple[int, str]], built_store: Path, built_dump: list[str]
) -> None:
    (seeds_copy / f"{DOC4}.txt").write_bytes(b"North Hamgyong \xff\xfe")
    code, stderr = build_copy()
    assert code == 2
    assert f"{DOC4}.txt: not valid UTF-8" in stderr
    assert sorted_dump(built_store) == built_dump


def test_shacl_violation_names_focus_path_message_document_and_quote(
    edit: Callable[[str, str, str], Path],
    seeds_copy: Path,
    built_store: Path,
    built_dump: list[str],
) -> None:
    """End to end: a violation is exit code 1, with pyshacl's report pointing at the source text."""
    edit(CLAIMS4, "dkg:participantCountMin 500 ;", "dkg:participantCountMin 700 ;")
    code, report = build_copy_as_a_process(seeds_copy, built_store)
    assert code == 1, report
    assert "SHACL violation" in report
    assert "focus node: <https://w3id.org/dprk-kg/id/musan-mine-workers-mobilisation>" in report
    assert "path: <https://w3id.org/dprk-kg/ontology#participantCountMin>" in report
    assert "the lower bound of participants is a count not above the upper bound" in report
    assert (
        f"from: {DOC4}/musan-mobilisation-size ({seeds_copy / CLAIMS4}:" in report
        and "«The number of workers is said to be about two battalions, with 500 to 600 people.»" in report
    )
    assert sorted_dump(built_store) == built_dump


def test_shacl_violation_on_a_wrong_kind_of_value(
    edit: Callable[[str, str, str], Path],
    build_copy: Callable[[], tuple[int, str]],
    built_store: Path,
    built_dump: list[str],
) -> None:
    """A person where a place belongs: since issue 13 the ontology's rdfs:range catches it before the
    shapes, as an input error at its line (the shapes would say "an event happens at places")."""
    path = edit(CLAIMS4, "dkg:place id:city-a-north-hamgyong ;", "dkg:place id:kim-jong-un ;")
    code, stderr = build_copy()
    assert_input_error(
        code,
        stderr,
        path,
        "dkg:place id:kim-jong-un ;",
        "claim 'city-a-mobilisation-planned': <https://w3id.org/dprk-kg/ontology#place> takes a "
        "<https://w3id.org/dprk-kg/ontology#Place> (its rdfs:range), but <https://w3id.org/dprk-kg/id/kim-jong-un> "
        "is a <https://w3id.org/dprk-kg/ontology#Person>",
    )
    assert sorted_dump(built_store) == built_dump
