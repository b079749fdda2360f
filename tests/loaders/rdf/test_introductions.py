"""A claim may name another document's entity by its id alone: the build and ``dprk-kg check`` know
what every document introduces, check the reference against the introducing document's types, and
refuse an id no document introduces — and removing the introducing document is refused while
another names its entity."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dprk_kg.store import EmbeddedStore
from tests.conftest import Ran

DOC = "2024-11-01_asiapress_0123456789ab"
CLAIM = """document: {doc}
defaults:
  attributed_to: asiapress
  status: stated
claims:
  - id: campaign-continues
    quote: The donation campaign for regional development continues in the provinces.
    assert: |
{turtle}
"""


def third_document(seeds: Path, turtle: str) -> Path:
    (seeds / f"{DOC}.txt").write_text(
        "The donation campaign for regional development continues in the provinces.\n", encoding="utf-8"
    )
    (seeds / f"{DOC}.meta.yaml").write_text(
        "title: The campaign continues\ntype: schema:NewsArticle\npublisher: asiapress\nauthors: []\nlanguage: en\n",
        encoding="utf-8",
    )
    claims = seeds / f"{DOC}.claims.yaml"
    body = "\n".join(f"      {line}" for line in turtle.strip().splitlines())
    claims.write_text(CLAIM.format(doc=DOC, turtle=body), encoding="utf-8")
    return claims


@pytest.fixture
def referring(seeds_copy: Path) -> Path:
    return third_document(seeds_copy, "id:loyalty-fund-donation-campaign dkg:eventStatus dkg:Ongoing .")


def test_an_entity_of_another_document_is_named_by_its_id_alone(
    referring: Path, cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path
) -> None:
    checked = cli("check", str(referring), "--seeds", str(seeds_copy))
    assert checked.returncode == 0, checked.stderr
    store = tmp_path / "store"
    built = cli("build", "--seeds", str(seeds_copy), "--store", str(store), "--quiet")
    assert built.returncode == 0, built.stderr
    rows = EmbeddedStore(store, read_only=True).select(
        "PREFIX dkg: <https://w3id.org/dprk-kg/ontology#> SELECT ?label WHERE { GRAPH "
        f"<https://w3id.org/dprk-kg/claim/{DOC}/campaign-continues> "
        "{ ?c dkg:eventStatus dkg:Ongoing } ?c <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    assert [row["label"] for row in rows] == ["Provincial donation campaign for regional development"]


@pytest.mark.parametrize(
    ("turtle", "message"),
    [
        (
            "id:loyalty-fund-donation-campain dkg:eventStatus dkg:Ongoing .",
            "unknown entity id:loyalty-fund-donation-campain (not in the registry, and no document's claim types it)"
            "; did you mean id:loyalty-fund-donation-campaign?",
        ),
        (  # the domain check knows the other document's type of it
            "id:loyalty-fund-donation-campaign dkg:locatedIn id:north-korea .",
            "loyalty-fund-donation-campaign> is a <https://w3id.org/dprk-kg/ontology#DonationCampaign>",
        ),
    ],
)
def test_a_wrong_reference_to_another_documents_entity_is_an_error(
    turtle: str, message: str, cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path
) -> None:
    claims = third_document(seeds_copy, turtle)
    for ran in (
        cli("check", str(claims), "--seeds", str(seeds_copy)),
        cli("build", "--seeds", str(seeds_copy), "--store", str(tmp_path / "store"), "--quiet"),
    ):
        assert ran.returncode == 2, ran.stdout
        assert f"{claims}:" in ran.stderr and message in ran.stderr, ran.stderr


def test_the_introducing_document_cannot_be_removed_while_another_names_its_entity(
    referring: Path, cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    assert cli("build", "--seeds", str(seeds_copy), "--store", str(store), "--quiet").returncode == 0
    ran = cli("remove", "000_1f7871d4d3f091d3", "--seeds", str(seeds_copy), "--store", str(store), "--quiet")
    assert ran.returncode == 2 and f"{referring}:" in ran.stderr and "loyalty-fund-donation-campaign" in ran.stderr
    assert (seeds_copy / "000_1f7871d4d3f091d3.txt").exists()
