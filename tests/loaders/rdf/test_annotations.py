"""The mention linker's Web Annotations in the built store (issue 13): one mentions graph per document,
each annotation's selectors pointing at the exact span of the text, and none of it in the default
graph, which holds only facts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dprk_kg.store import EmbeddedStore
from tests.conftest import SEEDS, Ran, line_of

PREFIXES = (
    "PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX dkg: <https://w3id.org/dprk-kg/ontology#> "
    "PREFIX prov: <http://www.w3.org/ns/prov#> "
)
MENTIONS = "https://w3id.org/dprk-kg/graph/mentions/"


def test_each_document_has_a_mentions_graph_of_web_annotations(store: EmbeddedStore) -> None:
    rows = store.select(
        PREFIXES + "SELECT ?g ?doc (COUNT(?a) AS ?n) WHERE { GRAPH ?g { ?a a oa:Annotation ; "
        "oa:motivatedBy oa:identifying ; oa:hasBody ?entity ; oa:hasTarget/oa:hasSource ?doc } "
        "?g a dkg:MentionGraph ; prov:wasDerivedFrom ?doc ; prov:wasGeneratedBy ?load } GROUP BY ?g ?doc"
    )
    found = {row["g"]: int(row["n"]) for row in rows}
    assert found == {
        f"{MENTIONS}000_1f7871d4d3f091d3": 43,  # the linker's mentions (benchmarks/mentions.py)
        f"{MENTIONS}004_5b61ddd10aea0cba": 39,
    }
    assert all(row["doc"].endswith(row["g"].rsplit("/", 1)[1]) for row in rows)


def test_the_selectors_hold_the_exact_span_of_the_text(store: EmbeddedStore) -> None:
    rows = store.select(
        PREFIXES + "SELECT ?g ?exact ?prefix ?suffix ?start ?end WHERE { GRAPH ?g { ?a oa:hasTarget ?t . "
        "?t oa:hasSelector ?q , ?p . ?q a oa:TextQuoteSelector ; oa:exact ?exact ; oa:prefix ?prefix ; "
        "oa:suffix ?suffix . ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end } }"
    )
    assert len(rows) == 82
    texts = {path.stem: path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}
    for row in rows:
        text = texts[row["g"].rsplit("/", 1)[1]]
        start, end = int(row["start"]), int(row["end"])
        assert text[start:end] == row["exact"]
        assert text[:start].endswith(row["prefix"]) and text[end:].startswith(row["suffix"])


def test_the_default_graph_holds_no_annotation(store: EmbeddedStore) -> None:
    """Annotations are not facts: the default graph has the mentions graphs' description (provenance)
    but none of their triples."""
    assert store.select(PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?a a oa:Annotation }")[0]["n"] == "0"
    assert store.select(PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?a oa:hasBody ?e }")[0]["n"] == "0"
    assert store.select(PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?g a dkg:MentionGraph }")[0]["n"] == "2"


def test_an_ambiguous_mention_is_a_warning_of_the_build_and_no_annotation(
    cli: Callable[..., Ran], seeds_copy: Path, tmp_path: Path
) -> None:
    registry = seeds_copy / "entities.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8")
        + "\n  - id: hyesan-town\n    type: dkg:City\n    label: Hyesan\n    located_in: ryanggang-province\n"
        + "    distinct_from: [hyesan]\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    ran = cli("build", "--seeds", str(seeds_copy), "--store", str(store), "--quiet")
    assert ran.returncode == 0, ran.stderr
    text = seeds_copy / "000_1f7871d4d3f091d3.txt"
    line = line_of(text, "city of Hyesan")
    column = text.read_text(encoding="utf-8").splitlines()[line - 1].index("Hyesan") + 1
    warning = (
        f"dprk-kg: warning: {text}:{line}:{column}: ambiguous mention 'Hyesan', not linked: id:hyesan or id:hyesan-town"
    )
    assert warning in ran.stderr.splitlines()
    built = EmbeddedStore(store, read_only=True)
    bodies = built.select(PREFIXES + "SELECT ?e WHERE { GRAPH ?g { ?a oa:hasBody ?e } } ")
    assert not {row["e"].rsplit("/", 1)[1] for row in bodies} & {"hyesan", "hyesan-town"}
    assert len(bodies) == 81  # the seeds' 82 but that one
