"""The claims as Wikibase statements, on the built seeds store: ranks from the claims' status, truthy
triples only for best-rank statements, Wikidata's property names only for verified PIDs, references
to the document and its verified address (the endpoint's side: tests/server/test_wikibase_statements.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from dprk_kg.loaders.sources.sssom import read_mappings
from dprk_kg.store import EmbeddedStore
from dprk_kg.vocabulary import DEFAULT_BASE, WIKIBASE, base_prefixes
from dprk_kg.wikidata_exports import exports_root
from tests.conftest import ROOT, Ran

PREFIXES = base_prefixes()
VERIFIED_PIDS = {m.wikidata_id for m in read_mappings(ROOT / "ontology" / "mappings.sssom.tsv").verified()}


def test_each_deprecated_statement_comes_from_a_non_factual_claim(store: EmbeddedStore) -> None:
    rows = store.select(
        """SELECT ?statement ?status WHERE {
          GRAPH ?g { ?statement wikibase:rank wikibase:DeprecatedRank }
          ?claim dkg:epistemicStatus ?status .
          FILTER (STRSTARTS(STR(?statement), CONCAT(STR(?claim), "#statement-")))
          FILTER NOT EXISTS { ?claim a dkg:NonFactual }  # typed so in its provenance (default graph)
        }""",
        prefixes=PREFIXES,
    )
    assert rows == []
    uncertain = store.select(
        """SELECT ?rank ?value WHERE { GRAPH ?g {
          <https://w3id.org/dprk-kg/claim/000_1f7871d4d3f091d3/central-funding-uncertain#statement-1>
              wikibase:rank ?rank ; dkgps:funds ?value } }""",
        prefixes=PREFIXES,
    )
    assert uncertain == [
        {"rank": "http://wikiba.se/ontology#DeprecatedRank", "value": f"{DEFAULT_BASE}id/20x10-regional-projects"}
    ]


def test_truthy_triples_only_for_best_rank_statements(store: EmbeddedStore) -> None:
    """Every wdt: (or our dkgwdt:) triple anywhere has a best-rank statement of the same value."""
    orphans = store.select(
        """SELECT ?s ?direct ?o WHERE {
          GRAPH ?g { ?s ?direct ?o }
          FILTER (STRSTARTS(STR(?direct), "http://www.wikidata.org/prop/direct/")
                  || STRSTARTS(STR(?direct), "https://w3id.org/dprk-kg/prop/direct/"))
          FILTER NOT EXISTS { GRAPH ?h { ?s ?p ?st . ?st a wikibase:BestRank ; ?ps ?o .
            FILTER (REPLACE(STR(?ps), "/statement/", "/direct/") = STR(?direct)) } }
        }""",
        prefixes=PREFIXES,
    )
    assert orphans == []
    best = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?st a wikibase:BestRank } }", prefixes=PREFIXES)
    assert int(best[0]["n"]) > 300


def test_only_verified_pids_name_wikidata_properties(store: EmbeddedStore) -> None:
    rows = store.select(
        """SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o }
          FILTER STRSTARTS(STR(?p), "http://www.wikidata.org/prop/") }""",
        prefixes=PREFIXES,
    )
    pids = {row["p"].rsplit("/", 1)[1] for row in rows}
    assert {"P131", "P1683", "P248"} <= pids <= VERIFIED_PIDS


def test_a_reference_gives_the_document_and_its_verified_address(store: EmbeddedStore) -> None:
    rows = store.select(
        """SELECT DISTINCT ?document ?url WHERE { GRAPH ?g { ?reference pr:P248 ?document .
          OPTIONAL { ?reference pr:P854 ?url } } }""",
        prefixes=PREFIXES,
    )
    addresses = {row["document"].rsplit("/", 1)[1]: row.get("url") for row in rows}
    assert (
        addresses["004_5b61ddd10aea0cba"]
        == "https://www.asiapress.org/rimjin-gang/2024/02/society-economy/construction/"
    )
    published = store.select(
        "SELECT ?d ?url WHERE { ?d schema:url ?url ; dkg:checkedAgainst ?checked }", prefixes=PREFIXES
    )
    assert {row["d"].rsplit("/", 1)[1]: row["url"] for row in published} == {k: v for k, v in addresses.items() if v}


def test_the_exports_keep_the_deprecated_statements_apart(cli: Callable[..., Ran], built_store: Path) -> None:
    """``dprk-kg export --format wikibase`` gives the factual statements, as the build's file beside the
    store does; the deprecated ones are only in their own file."""
    ran = cli("export", "--store", str(built_store), "--format", "wikibase")
    assert ran.returncode == 0, ran.stderr
    folder = exports_root(built_store)
    assert ran.stdout == (folder / "wikibase-statements.nt").read_text(encoding="utf-8")
    factual = {q.triple for q in ox.parse(ran.stdout.encode(), format=ox.RdfFormat.N_TRIPLES)}
    hidden_file = folder / "wikibase-statements-non-factual.nt"
    hidden = {q.triple for q in ox.parse(hidden_file.read_bytes(), format=ox.RdfFormat.N_TRIPLES)}
    ranks = {
        name: {t.object for t in triples if t.predicate == WIKIBASE.rank}
        for name, triples in (("factual", factual), ("hidden", hidden))
    }
    assert ranks == {"factual": {WIKIBASE.NormalRank}, "hidden": {WIKIBASE.DeprecatedRank}}
