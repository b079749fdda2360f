"""Domain and range mistakes are errors with file:line (issue 13), not OWL RL inferences: a Statement
given an addressee used to become an Instruction without a word."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dprk_kg.loaders.sources.domains import signatures
from dprk_kg.loaders.sources.ontology import load_ontology
from dprk_kg.paths import ontology_dir
from dprk_kg.vocabulary import DKG
from tests.conftest import Ran, line_of
from tests.loaders.sources.test_duplicates import OTHER, add_claim, check

QUOTE = "Kim Jong Un put his weight behind the regional development plan"
D = DKG.iri
REMARKS = "id:kim-jong-un-remarks-on-regional-imbalance"  # a dkg:Statement of 000_1f7871d4d3f091d3


@pytest.mark.parametrize(
    ("turtle", "message"),
    [
        (
            f"{REMARKS} dkg:addressee id:wpk-central-committee-members .",
            f"<{D}addressee> applies to a <{D}Instruction> (its rdfs:domain), but "
            f"<https://w3id.org/dprk-kg/id/kim-jong-un-remarks-on-regional-imbalance> is a <{D}Statement>",
        ),
        (
            "id:kim-jong-un dkg:locatedIn id:musan-county .",
            f"<{D}locatedIn> applies to a <{D}Place>",
        ),
        (
            "id:musan-county dkg:locatedIn id:kim-jong-un .",
            f"<{D}locatedIn> takes a <{D}Place> (its rdfs:range), but "
            f"<https://w3id.org/dprk-kg/id/kim-jong-un> is a <{D}Person>",
        ),
        (
            'id:musan-county dkg:locatedIn "North Hamgyong"@en .',
            f"<{D}locatedIn> takes a <{D}Place> (its rdfs:range), an entity, not the literal",
        ),
    ],
)
def test_a_property_outside_its_domain_or_range_is_an_error(
    cli: Callable[..., Ran], seeds_copy: Path, turtle: str, message: str
) -> None:
    path = add_claim(seeds_copy, OTHER, "misused", turtle, quote=QUOTE)
    ran = check(cli, seeds_copy, OTHER)
    assert ran.returncode == 2, ran.stderr
    assert f"{path}:{line_of(path, turtle.split(' .')[0])}: claim 'misused': {message}" in ran.stderr


def test_subclasses_count_as_their_superclasses() -> None:
    checks = signatures(load_ontology(ontology_dir()))
    assert D + "Agent" in checks.closure([D + "Person"])
    assert D + "Statement" in checks.closure([D + "Instruction"])
    assert D + "Instruction" not in checks.closure([D + "Statement"])
    assert checks.domains[D + "addressee"] == {D + "Instruction"}


def test_an_instruction_may_have_an_addressee(cli: Callable[..., Ran], seeds_copy: Path) -> None:
    """The seeds use dkg:addressee on Instructions: a subclass of Statement, and the property's domain."""
    assert check(cli, seeds_copy, OTHER).returncode == 0
