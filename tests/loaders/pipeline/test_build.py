"""The built store: counts, provenance completeness, idempotence, the default-graph merge, reasoning."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from dprk_kg.cli import main
from dprk_kg.loaders.gate.store_validation import run_integrity_queries
from dprk_kg.store import EmbeddedStore, ResultFormat
from dprk_kg.vocabulary import PROV
from tests.conftest import SEEDS, Ran, run_cli, sorted_dump

PREFIXES = "PREFIX dkg: <https://w3id.org/dprk-kg/ontology#> PREFIX id: <https://w3id.org/dprk-kg/id/> "
TIMES = re.compile(
    r"<http://www\.w3\.org/ns/prov#(startedAtTime|endedAtTime)>|/dataset> <http://purl\.org/dc/terms/(created|issued|modified)>"
    r"|#distinctObjects>"  # counts those times: one literal when a build starts and ends in one second
)


def count(store: EmbeddedStore, where: str) -> int:
    return int(store.select(PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0]["n"])


def test_counts(store: EmbeddedStore) -> None:
    assert count(store, "?d a dkg:SourceDocument") == 2
    assert count(store, "?c a dkg:Claim") == 96
    claims_per_document = store.select(
        PREFIXES + "SELECT ?id (COUNT(?c) AS ?n) WHERE { ?c a dkg:Claim ; "
        "<http://www.w3.org/ns/prov#wasDerivedFrom>/dkg:documentId ?id } GROUP BY ?id ORDER BY ?id"
    )
    assert [(r["id"], r["n"]) for r in claims_per_document] == [
        ("000_1f7871d4d3f091d3", "48"),
        ("004_5b61ddd10aea0cba", "48"),
    ]


def test_every_integrity_check_returns_no_rows(store: EmbeddedStore) -> None:
    assert list(run_integrity_queries(store)) == []


def test_a_non_factual_claim_left_untyped_is_caught(cli: Callable[..., Ran], tmp_path: Path) -> None:
    """Without its dkg:NonFactual type an uncertain claim would read as fact in the default graph at
    the next repair: the integrity check names it."""
    path = tmp_path / "store"
    assert cli("build", "--store", str(path), "--reasoner", "rules", "--quiet").returncode == 0
    store = EmbeddedStore(path)
    claim = "<https://w3id.org/dprk-kg/claim/000_1f7871d4d3f091d3/central-funding-uncertain>"
    provenance = "<https://w3id.org/dprk-kg/graph/provenance/000_1f7871d4d3f091d3>"
    store.update(PREFIXES + f"DELETE DATA {{ GRAPH {provenance} {{ {claim} a dkg:NonFactual }} }}")
    found = dict(run_integrity_queries(store))
    assert [row["claim"] for row in found.pop("non-factual-claim-untyped")] == [claim[1:-1]]
    assert found == {}


def test_every_asserted_triple_has_a_document_and_a_quote_matching_the_text_at_its_offsets(
    store: EmbeddedStore,
) -> None:
    """Checked here in Python against the seed files themselves (not the store's copy of the text),
    independently of the integrity query that checks it in SPARQL."""
    doc = "https://w3id.org/dprk-kg/doc/"
    texts = {doc + path.stem: path.read_bytes().decode("utf-8") for path in SEEDS.glob("*.txt")}
    stored = store.select("SELECT ?doc ?text WHERE { ?doc <https://schema.org/text> ?text }")
    assert {r["doc"]: r["text"] for r in stored} == texts  # and the store holds each text verbatim
    rows = store.select(
        PREFIXES
        + """PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?g ?doc ?exact ?start ?end ?status ?agent WHERE {
          GRAPH ?g { ?s ?p ?o }
          FILTER (STRSTARTS(STR(?g), "https://w3id.org/dprk-kg/claim/"))
          OPTIONAL { ?g prov:wasDerivedFrom ?doc ; dkg:epistemicStatus ?status ; prov:wasAttributedTo ?agent ;
                        dkg:evidence [ oa:hasSource ?doc ;
                          oa:hasSelector [ oa:exact ?exact ] , [ oa:start ?start ; oa:end ?end ] ] }
        }"""
    )
    assert len(rows) >= 529
    for row in rows:
        assert {"doc", "exact", "status", "agent"} <= row.keys(), row
        assert texts[row["doc"]][int(row["start"]) : int(row["end"])] == row["exact"]


def test_numbers_dates_and_hedges_survive(store: EmbeddedStore) -> None:
    """In their claim graphs, whatever their status (the default graph holds only the factual ones)."""

    def values(subject: str, predicate: str) -> set[str]:
        query = f"SELECT ?o WHERE {{ GRAPH ?g {{ {subject} {predicate} ?o }} }}"
        return {r["o"] for r in store.select(PREFIXES + query)}

    mobilisation = "id:musan-mine-workers-mobilisation"
    assert values(mobilisation, "dkg:participantCountMin") == {"500"}
    assert values(mobilisation, "dkg:participantCountMax") == {"600"}
    assert values(mobilisation, "dkg:unitCount") == {"2"}
    assert values(mobilisation, "dkg:shiftLength") == {"P3M"}
    assert values("id:russian-funding-for-weapons", "dkg:amount") == {"5000000000"}
    assert values("id:20x10-regional-development-policy", "dkg:sitesPerYear") == {"20"}
    assert values("id:20x10-regional-development-policy", "dkg:durationYears") == {"10"}
    assert values("id:kim-jong-un-speech-to-the-spa-january-15", "dkg:date") == {"--01-15", "2024-01-15"}
    assert values("id:kcbs-report-february-3", "dkg:date") == {"--02-03", "2024-02-03"}
    assert values("id:photo-of-cheongsu-chemical-factory-2017", "dkg:date") == {"2017-07"}
    assert values("id:urban-residents-mobilisation-for-yalu-dike", "dkg:date") == {"2021-07"}
    hedges = {r["h"] for r in store.select(PREFIXES + "SELECT ?h WHERE { ?c dkg:hedge ?h }")}
    assert {"reportedly", "is said to be", "I think", "are known to", "about"} <= hedges


def test_inferred_years_are_inferred_not_stated(store: EmbeddedStore) -> None:
    statuses = store.select(
        PREFIXES
        + """SELECT DISTINCT ?status WHERE { ?claim dkg:epistemicStatus ?status .
          GRAPH ?claim { ?event dkg:date ?date } FILTER (DATATYPE(?date) = <http://www.w3.org/2001/XMLSchema#date>
          && STRSTARTS(STR(?date), "2024")) }"""
    )
    assert statuses == [{"status": "https://w3id.org/dprk-kg/ontology#Inferred"}]


def test_default_graph_is_the_merge_of_the_factual_named_graphs(store: EmbeddedStore) -> None:
    """Every named graph but those typed dkg:NonFactual: 29 claims and the entailments resting on them."""

    def triples(where: str) -> set[str]:
        output = store.query(PREFIXES + f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", ResultFormat.N_TRIPLES)
        return set(output.body.decode("utf-8").splitlines())

    factual = triples("GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?g a dkg:NonFactual }")
    everything = triples("GRAPH ?g { ?s ?p ?o }")
    assert len(factual) > 5000 and len(everything) > len(factual)
    assert triples("?s ?p ?o") == factual
    # 29 claims, the joint inferred graph, the graphs of what 16 of the claims entail alone, the
    # deprecated Wikibase statements of the non-factual claims, and the 2 documents' mentions graphs
    assert count(store, "?g a dkg:NonFactual FILTER (isIRI(?g))") == 49


def test_the_default_graph_never_reads_a_guess_as_a_fact(store: EmbeddedStore) -> None:
    """Issue 10's reproductions: none is in the default graph; each is in its claim graph with its
    status, or — an entailment of an inferred claim — in the graph of entailments resting on such claims."""
    uncertain = "id:government-of-north-korea dkg:funds id:20x10-regional-projects"  # "it is not clear"
    inferred_year = (
        'id:kim-jong-un-speech-to-the-spa-january-15 dkg:date "2024-01-15"^^<http://www.w3.org/2001/XMLSchema#date>'
    )
    entailed = "id:20x10-regional-development-policy dkg:fundedBy id:russian-funding-for-weapons"
    for triple in (uncertain, inferred_year, entailed):
        assert count(store, triple) == 0, triple
    assert count(store, f"GRAPH ?c {{ {uncertain} }} ?c dkg:modality dkg:Uncertain ; a dkg:NonFactual") == 1
    assert count(store, f"GRAPH ?c {{ {inferred_year} }} ?c dkg:epistemicStatus dkg:Inferred ; a dkg:NonFactual") == 2
    # the entailment knows the claim it rests on: it is in that claim's graph of entailments
    guess = "<https://w3id.org/dprk-kg/claim/000_1f7871d4d3f091d3/russian-funding-for-20x10>"
    resting = "<https://w3id.org/dprk-kg/graph/inferred-non-factual/000_1f7871d4d3f091d3/russian-funding-for-20x10>"
    assert count(store, f"GRAPH ?r {{ {entailed} }}") == 1
    assert (
        count(
            store,
            f"GRAPH {resting} {{ {entailed} }} {resting} a dkg:NonFactual ; <{PROV.wasDerivedFrom.value}> {guess}",
        )
        == 1
    )
    assert count(store, f"{guess} dkg:epistemicStatus dkg:Inferred ; dkg:modality dkg:Possible") == 1
    stated_date = '"--01-15"^^<http://www.w3.org/2001/XMLSchema#gMonthDay>'
    assert count(store, f"id:kim-jong-un-speech-to-the-spa-january-15 dkg:date {stated_date}") == 1


def test_a_fact_stated_by_two_claims_counts_once(store: EmbeddedStore) -> None:
    # the speech's speaker is stated in both documents: two claim graphs, one fact
    assert count(store, "GRAPH ?g { id:kim-jong-un-speech-to-the-spa-january-15 dkg:speaker id:kim-jong-un }") == 2
    assert (
        count(
            store,
            "id:kim-jong-un-speech-to-the-spa-january-15 dkg:speaker id:kim-jong-un",
        )
        == 1
    )


def test_reasoning_adds_transitive_inverse_and_class_entailments(store: EmbeddedStore) -> None:
    inferred = "GRAPH <https://w3id.org/dprk-kg/graph/inferred> { %s }"
    assert count(store, inferred % "id:new-factory-in-orang-county dkg:locatedIn id:north-korea") == 1
    assert count(store, inferred % "id:north-hamgyong-province dkg:containsPlace id:orang-county") == 1
    assert count(store, inferred % "id:kim-jong-un-speech-to-the-spa-january-15 a <https://schema.org/Event>") == 1
    assert (
        count(
            store,
            inferred % "id:musan-party-construction-support-department "
            "<http://www.w3.org/ns/org#transitiveSubOrganizationOf> id:workers-party-of-korea",
        )
        == 1
    )
    # nothing about the ontology's own terms is materialised as data
    assert count(store, inferred % "?s ?p ?o FILTER STRSTARTS(STR(?s), 'https://w3id.org/dprk-kg/ontology')") == 0


@pytest.mark.slow
def test_building_twice_gives_the_same_store(tmp_path: Path, built_dump: list[str]) -> None:
    store = tmp_path / "store"
    for _ in range(2):
        result = run_cli("build", "--store", str(store), "--quiet")
        assert result.returncode == 0, result.stderr
    again = sorted_dump(store)
    assert len(again) == len(built_dump)
    assert [q for q in again if not TIMES.search(q)] == [q for q in built_dump if not TIMES.search(q)]
    versions = sorted((tmp_path / "store.versions").iterdir())
    assert len([v for v in versions if v.is_dir()]) == 2  # the current build and the one before it


@pytest.mark.parametrize("reasoner", [pytest.param("owlrl", marks=pytest.mark.slow), "rules"])
def test_build_summary_reports_counts(reasoner: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Both reasoners count their inferences at a different moment (owlrl before the store is written,
    the rules after it has dropped what other graphs assert); the summary must count what is stored."""
    assert main(["build", "--store", str(tmp_path / "store"), "--quiet", "--reasoner", reasoner]) == 0
    summary = capsys.readouterr().out
    for fragment in ("2 documents", "96 claims", "asserted triples", "inferred triples", "shapes checked"):
        assert fragment in summary, summary
    store = EmbeddedStore(tmp_path / "store", read_only=True)
    quads = count(store, "GRAPH ?g { ?s ?p ?o }")
    graphs = int(store.select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"])
    assert f"; {quads} quads in {graphs} graphs;" in summary, summary  # the figures count what the store holds


@pytest.mark.slow
def test_build_shows_progress_with_rates(tmp_path: Path) -> None:
    """Without --quiet each long step has a bar with its rate (documents, then bytes written)."""
    result = run_cli("build", "--store", str(tmp_path / "store"), "--workers", "1")
    assert result.returncode == 0, result.stderr
    bars = result.stderr.replace("\r", "\n")
    assert re.search(r"load, validate: 100%\|.*\| 2/2 .*doc/s", bars), bars
    assert re.search(r"write store: 100%\|.*\| [\d.]+[kM]/[\d.]+[kM] .*B/s, all read, the store is finishing", bars), (
        bars
    )
