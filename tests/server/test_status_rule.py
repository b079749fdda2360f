"""The status rule, view by view, against real servers (issue 10).

A claim stated or reported with no modality is a fact; an inferred claim, an opinion, or a claim the
text gives as uncertain, possible, planned, expected or instructed is not. The default graph of
/sparql (the view ``facts``) holds no triple that only non-factual claims assert and no OWL RL
entailment that needs one of them; each is still in its claim graph, in ``view/complete``, in
``view/non-factual`` and in the view of its claim's status, and each status view is exactly the
triples of its claims.

Every expectation is written from the inputs (``status_rule_support``): the claims files give each
claim's status, modality and triples, and factual or not is decided here; owlrl, the reference
reasoner, closes the facts (with the registry, the ontology, provenance and the build graph) and
then the facts with the non-factual claims. Nothing here reads the build's inferred graphs or the
store's dkg:NonFactual typing to decide what is expected.

The corpora: the seeds (built with owlrl, the reference); the seeds with hostile claims added (below),
built with the rules and with owlrl; and a generated corpus with every kind of non-factual claim,
built with the rules.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.corpus.writer import generate, prepare
from dprk_kg.vocabulary import DEFAULT_BASE, DKG
from tests.conftest import SEEDS, run_cli
from tests.server.conftest import Server, start_server
from tests.server.status_rule_support import (
    MODALITIES,
    STATUSES,
    Expectations,
    claim_graphs,
    expectations,
    in_non_factual_graphs,
    materialised,
    present,
    turtle,
    typed,
    view,
)

FACTS, COMPLETE, NON_FACTUAL = (f"{DEFAULT_BASE}view/{name}" for name in ("facts", "complete", "non-factual"))
HOSTILE_DOCUMENT = "000_1f7871d4d3f091d3"

# Claims added to a copy of the seeds: non-factual claims of every kind whose triples are entailed, or
# would entail, through a sub-property, an inverse, a domain or a transitive property; each such
# triple's only other support is another non-factual claim or an entailment of one. One factual claim
# introduces the nodes, and is the control: it and its entailments must be in the default graph, even
# where a non-factual claim restates them.
HOSTILE_CLAIMS = """
  # --- added by tests/server/test_status_rule.py ---------------------------------------------------
  - id: hostile-control
    quote: according to sources in North Korea
    assert: |
      id:hostile-meeting a dkg:Meeting ;
          rdfs:label "Hostile test meeting"@en ;
          dkg:organiser id:workers-party-of-korea ;
          dkg:partOf id:regional-development .
      id:hostile-session a dkg:Meeting ;
          rdfs:label "Hostile test session"@en .
      id:hostile-stage a dkg:Meeting ;
          rdfs:label "Hostile test stage"@en .

  - id: hostile-sub-property
    quote: according to sources in North Korea
    status: opinion
    assert: |
      id:hostile-meeting dkg:organiser id:kim-jong-un .

  - id: hostile-super-property
    quote: according to sources in North Korea
    status: inferred
    basis: A test of the status rule; its only other support is the opinion's sub-property.
    assert: |
      id:hostile-meeting dkg:agent id:kim-jong-un .

  - id: hostile-inverse
    quote: according to sources in North Korea
    status: reported
    modality: uncertain
    assert: |
      id:five-year-economic-plan dkg:fundedBy id:russia .

  - id: hostile-inverse-asserted
    quote: according to sources in North Korea
    status: stated
    modality: possible
    assert: |
      id:russia dkg:funds id:five-year-economic-plan .

  - id: hostile-domain
    quote: according to sources in North Korea
    status: reported
    modality: expected
    assert: |
      id:yalu-river dkg:makesUseOf id:donju .

  - id: hostile-domain-asserted
    quote: according to sources in North Korea
    status: reported
    modality: instructed
    assert: |
      id:yalu-river a dkg:Agent .

  - id: hostile-transitive
    quote: according to sources in North Korea
    status: stated
    modality: planned
    assert: |
      id:hostile-session dkg:partOf id:hostile-meeting .

  - id: hostile-transitive-joint
    quote: according to sources in North Korea
    status: inferred
    modality: expected
    basis: A test of the status rule; with hostile-transitive, it entails what neither entails alone.
    assert: |
      id:hostile-stage dkg:partOf id:hostile-session .

  - id: hostile-restates-a-fact
    quote: according to sources in North Korea
    status: reported
    modality: uncertain
    assert: |
      id:hostile-meeting dkg:organiser id:workers-party-of-korea .

  - id: hostile-restates-an-entailment
    quote: according to sources in North Korea
    status: opinion
    assert: |
      id:hostile-meeting a dkg:Event .
"""
# What the hostile claims must not put in the default graph: their own triples and what they entail
# through the ontology, alone or joined with the control's facts.
HOSTILE_FORBIDDEN = """
id:hostile-meeting dkg:organiser id:kim-jong-un ;
    dkg:agent id:kim-jong-un ;                       # sub-property of dkg:organiser
    schema:organizer id:kim-jong-un ;                # sub-property of dkg:organiser
    sem:hasActor id:kim-jong-un .                    # sub-property of dkg:agent
id:five-year-economic-plan dkg:fundedBy id:russia .
id:russia dkg:funds id:five-year-economic-plan .     # inverse, and asserted by another non-factual claim
id:yalu-river dkg:makesUseOf id:donju ;
    a dkg:Agent, prov:Agent, foaf:Agent .            # domain of dkg:makesUseOf, and its superclasses
id:hostile-session dkg:partOf id:hostile-meeting, id:regional-development ;  # transitive, with a fact
    dcterms:isPartOf id:hostile-meeting, id:regional-development .
id:hostile-meeting dkg:hasPart id:hostile-session .  # inverse
id:regional-development dkg:hasPart id:hostile-session .
id:hostile-stage dkg:partOf id:hostile-session, id:hostile-meeting, id:regional-development .  # the last two
id:regional-development dkg:hasPart id:hostile-stage .  # need both hostile-transitive claims together
"""
# What the control claim entails, and what a non-factual claim restates of it: in the default graph.
HOSTILE_CONTROL = """
id:hostile-meeting a dkg:Event ;                     # asserted by an opinion too, entailed by the facts
    dkg:organiser id:workers-party-of-korea ;        # asserted by the control and by an uncertain claim
    dkg:agent id:workers-party-of-korea ;
    dcterms:isPartOf id:regional-development .
id:regional-development dkg:hasPart id:hostile-meeting .
"""


@dataclass
class Corpus:
    name: str
    url: str
    seeds: Path
    expected: Expectations


def _hostile_seeds(directory: Path) -> Path:
    """The registry and one seed document (to keep owlrl's closures short), with the hostile claims."""
    seeds = directory / "seeds"
    seeds.mkdir()
    for path in [SEEDS / "entities.yaml", *SEEDS.glob(f"{HOSTILE_DOCUMENT}.*")]:
        shutil.copy(path, seeds / path.name)
    claims = seeds / f"{HOSTILE_DOCUMENT}.claims.yaml"
    text = claims.read_text(encoding="utf-8")
    assert text.rstrip().splitlines()[-1].startswith(" "), "the claims list must end the file to append to it"
    claims.write_text(text.rstrip("\n") + "\n" + HOSTILE_CLAIMS, encoding="utf-8")
    return seeds


class Corpora:
    """The corpora of this module, each built, served and closed under OWL RL once, when a test first
    asks for it; their servers stop with the module."""

    def __init__(self, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.request, self.tmp_path_factory = request, tmp_path_factory
        self.corpora: dict[str, Corpus] = {}
        self.servers: list[Server] = []

    def get(self, name: str) -> Corpus:
        if name not in self.corpora:
            self.corpora[name] = self._make(name)
        return self.corpora[name]

    def _make(self, name: str) -> Corpus:
        if name == "seeds":
            url = self.request.getfixturevalue("server").url
            return Corpus(name, url, SEEDS, expectations(url, SEEDS))
        kind, reasoner = name.split("-")
        directory = self.tmp_path_factory.mktemp(name)
        if kind == "hostile":
            seeds = _hostile_seeds(directory)
        else:  # two documents hold every kind of non-factual claim (test_the_corpus_puts_the_rule_to_the_test)
            seeds = directory / "seeds"
            prepare(seeds, force=False)
            generate(seeds, triples=None, documents=2, seed=0)
        store = directory / "store"
        result = run_cli("build", "--seeds", str(seeds), "--store", str(store), "--quiet", "--reasoner", reasoner)
        assert result.returncode == 0, result.stderr
        server = start_server(store, directory / "server.log", workers=1)
        self.servers.append(server)
        return Corpus(name, server.url, seeds, expectations(server.url, seeds))

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


@pytest.fixture(scope="module")
def corpora(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpora]:
    made = Corpora(request, tmp_path_factory)
    yield made
    made.stop()


HOSTILE = ["hostile-rules", pytest.param("hostile-owlrl", marks=pytest.mark.slow)]


@pytest.fixture(scope="module", params=["seeds", *HOSTILE, pytest.param("generated-rules", marks=pytest.mark.slow)])
def corpus(request: pytest.FixtureRequest, corpora: Corpora) -> Corpus:
    """A corpus served, with what the rule expects of it (``seeds``: the session's server)."""
    return corpora.get(request.param)


@pytest.fixture(scope="module", params=HOSTILE)
def hostile(request: pytest.FixtureRequest, corpora: Corpora) -> Corpus:
    return corpora.get(request.param)


def test_the_corpus_puts_the_rule_to_the_test(corpus: Corpus) -> None:
    """Not vacuous: non-factual claims whose triples the facts do not give, and, in the hostile and
    generated corpora, every kind of them and entailments resting on them."""
    e = corpus.expected
    assert e.facts and e.hidden, f"{corpus.name}: no fact, or no triple only non-factual claims assert"
    if corpus.name != "seeds":
        kinds = {c.status for c in e.claims if not c.factual} | {c.modality for c in e.claims if c.modality}
        assert kinds >= {"inferred", "opinion", *MODALITIES}, f"{corpus.name}: only {sorted(kinds, key=str)}"
        assert e.resting - e.non_factual, f"{corpus.name}: no entailment rests on a non-factual claim"


def test_each_claim_graph_holds_its_claim_and_the_non_factual_ones_are_typed(corpus: Corpus) -> None:
    e = corpus.expected
    expected = {c.iri: set(c.triples) for c in e.claims}
    served = claim_graphs(corpus.url)
    wrong = sorted(str(g) for g in expected.keys() | served.keys() if expected.get(g) != served.get(g))
    assert not wrong, f"{corpus.name}: claim graphs that differ from their claims files: {wrong[:20]}"
    non_factual = {c.iri for c in e.claims if not c.factual}
    marked = typed(corpus.url, DKG.NonFactual) & expected.keys()
    assert marked == non_factual, (
        f"{corpus.name}: typed dkg:NonFactual but factual: {sorted(map(str, marked - non_factual))}; "
        f"non-factual but not typed: {sorted(map(str, non_factual - marked))}"
    )


@pytest.mark.parametrize("named", [False, True], ids=["default graph", "view/facts"])
def test_the_facts_view_holds_no_triple_resting_on_a_non_factual_claim(corpus: Corpus, named: bool) -> None:
    """Neither what only non-factual claims assert (unless the facts entail it) nor any entailment of
    the facts and the non-facts together that the facts alone do not give."""
    e = corpus.expected
    leaked = present(corpus.url, e.resting, FACTS if named else None)
    assert not leaked, f"{corpus.name}: the default graph holds what rests on non-factual claims:\n{e.describe(leaked)}"


def test_the_facts_view_holds_the_facts_and_their_entailments(corpus: Corpus) -> None:
    """The other half, so that an empty default graph cannot pass: every factual claim's triples,
    and what owlrl entails of the facts, the registry, the ontology and provenance."""
    e = corpus.expected
    wanted = e.facts | materialised(e.closure_facts)
    missing = wanted - present(corpus.url, wanted)
    assert not missing, f"{corpus.name}: the default graph lacks facts or their entailments:\n{e.describe(missing)}"
    assert present(corpus.url, wanted, FACTS) == wanted


def test_the_complete_view_holds_everything(corpus: Corpus) -> None:
    e = corpus.expected
    wanted = e.facts | e.non_factual | materialised(e.closure_all)
    missing = wanted - present(corpus.url, wanted, COMPLETE)
    assert not missing, f"{corpus.name}: view/complete lacks:\n{e.describe(missing)}"


def test_the_non_factual_view_is_what_rests_on_non_factual_claims(corpus: Corpus) -> None:
    """view/non-factual: every non-factual claim's triples and every entailment that needs one of them
    (each in a graph typed dkg:NonFactual), the claims' deprecated Wikibase statements, the documents'
    mention annotations, and nothing that the facts alone give."""
    e = corpus.expected
    served = view(corpus.url, NON_FACTUAL)
    entailed = materialised(e.resting) - e.non_factual
    missing = (e.non_factual | entailed) - served
    extra = served - e.non_factual - e.resting - e.wikibase_statements(served) - e.mentions(served)
    assert not missing, f"{corpus.name}: view/non-factual lacks:\n{e.describe(missing)}"
    assert not extra, f"{corpus.name}: view/non-factual holds what no non-factual claim needs:\n{e.describe(extra)}"
    unmarked = entailed - in_non_factual_graphs(corpus.url, entailed)
    assert not unmarked, f"{corpus.name}: entailments of non-facts in no dkg:NonFactual graph:\n{e.describe(unmarked)}"


@pytest.mark.parametrize("status", STATUSES)
def test_a_status_view_is_exactly_its_claims(corpus: Corpus, status: str) -> None:
    e = corpus.expected
    served, expected = view(corpus.url, f"{DEFAULT_BASE}view/{status}"), e.by_status(status)
    assert not expected - served, f"{corpus.name}: view/{status} lacks:\n{e.describe(expected - served)}"
    assert not served - expected, f"{corpus.name}: view/{status} holds more:\n{e.describe(served - expected)}"


# --- the hostile claims, one by one -------------------------------------------------------------------


def test_the_hostile_claims_are_what_they_say(hostile: Corpus) -> None:
    """The test's own premises, checked with owlrl: each forbidden triple rests on a non-factual claim
    (the facts do not give it), and each control triple is an entailment of the facts."""
    e = hostile.expected
    added = {c.id: c for c in e.claims if c.id.startswith("hostile-")}
    assert [c.id for c in added.values() if c.factual] == ["hostile-control"]
    given_by_facts = turtle(HOSTILE_FORBIDDEN) - e.resting
    assert not given_by_facts, (
        f"forbidden, yet the facts give it (change the hostile claims):\n{e.describe(given_by_facts)}"
    )
    not_entailed = turtle(HOSTILE_CONTROL) - e.closure_facts
    assert not not_entailed, f"a control triple the facts do not give:\n{e.describe(not_entailed)}"
    assert len(turtle(HOSTILE_CONTROL) & e.non_factual) == 2  # non-factual claims restate a fact and an entailment


@pytest.mark.parametrize("named", [False, True], ids=["default graph", "view/facts"])
def test_no_hostile_triple_nor_its_entailment_leaks(hostile: Corpus, named: bool) -> None:
    e, forbidden, control = hostile.expected, turtle(HOSTILE_FORBIDDEN), turtle(HOSTILE_CONTROL)
    default = FACTS if named else None
    leaked, kept = present(hostile.url, forbidden, default), present(hostile.url, control, default)
    assert not leaked, f"{hostile.name}: the default graph holds:\n{e.describe(leaked)}"
    assert kept == control, f"{hostile.name}: the default graph lacks the control's:\n{e.describe(control - kept)}"
    assert present(hostile.url, forbidden | control, COMPLETE) == forbidden | control
    assert in_non_factual_graphs(hostile.url, forbidden) == forbidden
