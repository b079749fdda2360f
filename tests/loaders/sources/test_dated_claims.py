"""The claims file's ``dated:`` field: a relative date in a claim's quote ("last June") makes a second,
inferred claim dating its subject, attributed to the curator, with the arithmetic as its basis — built
for real from a copy of the seeds with a third document, and read back from the store with SPARQL."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from dprk_kg.store import EmbeddedStore
from tests.conftest import SEEDS, Ran, line_of, run_cli

DOC = "900_relative_dates_test"
# A short test text (not a real report): the relative dates are what it is for.
TEXT = (
    "PYONGYANG -- The county's new food factory opened last June, officials said.\n"
    "Its construction had begun in early March, and a second shop will open next month.\n"
    "Work on the shop began a month later than the opening.\n"
)
META = """title: Test report for relative dates
type: schema:NewsArticle
publisher: nk-insider
authors: []
language: en
issued: {issued}
"""
CLAIMS = f"""document: {DOC}
defaults:
  attributed_to: nk-insider
  status: stated
  curator: dprk-kg-curators
claims:
  - id: factory-opened
    quote: The county's new food factory opened last June, officials said.
    assert: |
      id:test-food-factory-opening a dkg:Event ;
          rdfs:label "Opening of the test food factory"@en .
    dated:
      subject: id:test-food-factory-opening
      expression: last June
  - id: construction-began
    quote: Its construction had begun in early March
    assert: |
      id:test-food-factory-construction a dkg:Construction ;
          rdfs:label "Construction of the test food factory"@en .
    dated:
      subject: id:test-food-factory-construction
      expression: in early March
"""
OPENED = f"<https://w3id.org/dprk-kg/claim/{DOC}/factory-opened-date>"  # the claims dated: makes
BEGAN = f"<https://w3id.org/dprk-kg/claim/{DOC}/construction-began-date>"
PREFIXES = (
    "PREFIX dkg: <https://w3id.org/dprk-kg/ontology#> PREFIX id: <https://w3id.org/dprk-kg/id/> "
    "PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX prov: <http://www.w3.org/ns/prov#> "
)


def write_document(seeds: Path, claims: str = CLAIMS, issued: str = '"2024-09-12"') -> Path:
    (seeds / f"{DOC}.txt").write_text(TEXT, encoding="utf-8")
    (seeds / f"{DOC}.meta.yaml").write_text(META.format(issued=issued), encoding="utf-8")
    path = seeds / f"{DOC}.claims.yaml"
    path.write_text(claims, encoding="utf-8")
    return path


def build(cli: Callable[..., Ran], seeds: Path, store: Path) -> Ran:
    return cli("build", "--store", str(store), "--seeds", str(seeds), "--reasoner", "rules", "--quiet")


@pytest.fixture(scope="module")
def dated_store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    """The seeds and the third document, built once by the real command."""
    seeds = tmp_path_factory.mktemp("dated") / "seeds"
    shutil.copytree(SEEDS, seeds)
    write_document(seeds)
    store = seeds.parent / "store"
    ran = run_cli("build", "--store", str(store), "--seeds", str(seeds), "--reasoner", "rules", "--quiet")
    assert ran.returncode == 0, ran.stderr
    return EmbeddedStore(store)


def test_the_inferred_claim_dates_the_subject_in_its_own_graph_with_its_basis(dated_store: EmbeddedStore) -> None:
    rows = dated_store.select(
        PREFIXES
        + f"""SELECT ?date ?status ?who ?basis ?exact ?start ?end WHERE {{
          GRAPH {OPENED} {{ id:test-food-factory-opening dkg:date ?date }}
          {OPENED} dkg:epistemicStatus ?status ; prov:wasAttributedTo ?who ;
              dkg:basis ?basis ; dkg:evidence ?e .
          ?e oa:hasSelector ?q , ?p . ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
        }}"""
    )
    assert len(rows) == 1, rows
    row = rows[0]
    assert (row["date"], row["status"], row["who"]) == (
        "2024-06",
        "https://w3id.org/dprk-kg/ontology#Inferred",
        "https://w3id.org/dprk-kg/id/dprk-kg-curators",
    )
    assert row["basis"] == "'last June' in a report issued 2024-09-12: June 2024."
    start = TEXT.index("last June")
    assert (row["exact"], int(row["start"]), int(row["end"])) == ("last June", start, start + len("last June"))
    typed = dated_store.select(
        PREFIXES + f"SELECT (DATATYPE(?d) AS ?t) WHERE {{ GRAPH {OPENED} {{ ?s dkg:date ?d }} }}"
    )
    assert typed == [{"t": "http://www.w3.org/2001/XMLSchema#gYearMonth"}]


def test_an_early_month_is_the_month_with_its_qualifier(dated_store: EmbeddedStore) -> None:
    rows = dated_store.select(
        PREFIXES
        + f"""SELECT ?p ?o WHERE {{ GRAPH {BEGAN} {{
          id:test-food-factory-construction ?p ?o }} }} ORDER BY ?p"""
    )
    assert [(r["p"].rsplit("#", 1)[-1], r["o"]) for r in rows] == [
        ("date", "2024-03"),
        ("dateQualifier", "https://w3id.org/dprk-kg/ontology#EarlyPeriod"),
    ]


def test_the_inferred_date_is_no_fact(dated_store: EmbeddedStore) -> None:
    """The default graph holds the facts: the curator's inference stays in its claim graph."""
    assert not dated_store.ask(PREFIXES + "ASK { id:test-food-factory-opening dkg:date ?d }")
    assert dated_store.ask(PREFIXES + "ASK { GRAPH ?g { id:test-food-factory-opening dkg:date ?d } }")


def test_a_document_without_issued_gets_an_error_naming_the_field(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    path = write_document(seeds_copy, issued="null")
    ran = build(cli, seeds_copy, seeds_copy.parent / "store")
    assert ran.returncode == 2
    at = f"{path}:{line_of(path, 'expression: last June')}: claim 'factory-opened': dated: "
    assert at + "'last June' counts from the report" in ran.stderr
    assert f"{DOC}.meta.yaml has no 'issued'" in ran.stderr
    assert not (seeds_copy.parent / "store").exists()


def test_a_reference_with_its_basis_dates_an_undated_report(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    reference = (
        "      reference: 2024-02\n      basis: The report tells of the February 2024 opening of the shop as news.\n"
    )
    claims = CLAIMS.replace("expression: last June\n", "expression: last June\n" + reference)
    claims = claims.replace("expression: in early March\n", "expression: in early March\n" + reference)
    write_document(seeds_copy, claims, issued="null")
    store = seeds_copy.parent / "store"
    assert build(cli, seeds_copy, store).returncode == 0
    rows = EmbeddedStore(store).select(
        PREFIXES + f"SELECT ?d ?b WHERE {{ GRAPH {OPENED} {{ ?s dkg:date ?d }} {OPENED} dkg:basis ?b }}"
    )
    assert rows == [
        {
            "d": "2023-06",
            "b": "'last June' counted from 2024-02, the date given for reference: June 2023. "
            "The report tells of the February 2024 opening of the shop as news.",
        }
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("expression: last June", "expression: last July", "expression 'last July' is not in the claim's quote"),
        ("expression: last June", "expression: Last June", "expression 'Last June' is not in the claim's quote"),
        ("expression: last June", "expression: opened", "'opened' is not a relative date the resolver reads"),
        ("expression: in early March", "expression: in the spring", "not in the claim's quote"),
        ("subject: id:test-food-factory-opening", "subject: id:x . id:y", "subject 'id:x . id:y' must be an entity"),
        ("subject: id:test-food-factory-opening", 'subject: "<http://evil/>"', "must be an entity id: IRI"),
        ("      expression: last June\n", "      expression: last June\n      property: dkg:label\n", "not one of"),
        ("      expression: last June\n", "      expression: last June\n      tense: past-ish\n", "tense 'past-ish'"),
        ("      expression: last June\n", "      expression: last June\n      reference: 2024-02\n", "its 'basis'"),
        ("      expression: last June\n", "      expression: last June\n      when: 2024\n", "unknown field 'when'"),
        ("      expression: last June\n", "      expression: last June\n      reference: yes\n", "must be a date"),
        (
            "      expression: last June\n",
            "      expression: last June\n      reference: 2024-13\n      basis: because\n",
            "reference '2024-13' is not a valid date",
        ),
        (  # a bare year is read as the year, and does not say which June
            "      expression: last June\n",
            "      expression: last June\n      reference: 2024\n      basis: because\n",
            "'last June' counted from 2024, the date given for reference: June 2023 or June 2024",
        ),
        ("  - id: construction-began", "  - id: factory-opened-date", "duplicate claim id 'factory-opened-date'"),
        ("  curator: dprk-kg-curators\n", "", "give defaults: curator"),
    ],
)
def test_bad_dated_fields_are_errors_at_their_line(
    cli: Callable[..., Ran], seeds_copy: Path, old: str, new: str, message: str
) -> None:
    assert CLAIMS.count(old) == 1
    path = write_document(seeds_copy, CLAIMS.replace(old, new))
    ran = build(cli, seeds_copy, seeds_copy.parent / "store")
    assert ran.returncode == 2, ran.stderr
    assert f"{path}:" in ran.stderr and message in ran.stderr, ran.stderr
    assert not (seeds_copy.parent / "store").exists()


def test_the_anchor_that_does_not_determine_it_is_refused(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    """'last June' in a report of 2024 is June 2023 or June 2024: no guess."""
    path = write_document(seeds_copy, issued='"2024"')
    ran = build(cli, seeds_copy, seeds_copy.parent / "store")
    assert ran.returncode == 2
    at = f"{path}:{line_of(path, 'expression: last June')}: claim 'factory-opened': dated: "
    assert at + "'last June' in a report issued 2024: June 2023 or June 2024" in ran.stderr


def test_an_event_relative_expression_needs_its_reference(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    claims = CLAIMS + (
        "  - id: shop-work-began\n"
        "    quote: Work on the shop began a month later than the opening.\n"
        "    assert: |\n"
        '      id:test-shop-work a dkg:Construction ; rdfs:label "Work on the test shop"@en .\n'
        "    dated:\n"
        "      subject: id:test-shop-work\n"
        "      expression: a month later\n"
    )
    path = write_document(seeds_copy, claims)
    ran = build(cli, seeds_copy, seeds_copy.parent / "store")
    assert ran.returncode == 2
    assert f"{path}:{line_of(path, 'expression: a month later')}: claim 'shop-work-began'" in ran.stderr
    assert "counts from an event told in the text" in ran.stderr and "give 'reference" in ran.stderr
