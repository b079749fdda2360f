"""Minting of the project's IRIs.

IRIs are a pure function of their source (an entity's curated slug, a document id, a claim id), so
loading the same input twice mints the same names and the load is idempotent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dprk_kg.vocabulary import DEFAULT_BASE

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DOCUMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def is_slug(text: str) -> bool:
    return bool(SLUG.match(text))


@dataclass(frozen=True)
class Iris:
    """The IRI scheme of one deployment; ``base`` is where the server's paths are mapped from."""

    base: str = DEFAULT_BASE

    def entity(self, slug: str) -> str:
        return f"{self.base}id/{slug}"

    def document(self, document_id: str) -> str:
        return f"{self.base}doc/{document_id}"

    def claim(self, document_id: str, claim_id: str) -> str:
        return f"{self.claim_prefix}{document_id}/{claim_id}"

    @property
    def claim_prefix(self) -> str:
        return f"{self.base}claim/"

    def activity(self, activity_id: str) -> str:
        return f"{self.base}activity/{activity_id}"

    def graph(self, name: str) -> str:
        return f"{self.base}graph/{name}"

    def source_file(self, relative_path: str) -> str:
        """A seed file (registry, claims, metadata) as a provenance entity."""
        return f"{self.base}source/{relative_path}"

    @property
    def data_prefixes(self) -> tuple[str, ...]:
        """The IRI spaces of instance data (not the ontology's terms, even when they share the base)."""
        return tuple(self.base + part for part in ("id/", "doc/", "claim/", "activity/", "graph/", "source/"))

    def is_data(self, iri: str) -> bool:
        return iri.startswith(self.data_prefixes)

    # named graphs with a fixed role
    @property
    def ontology_graph(self) -> str:
        return self.graph("ontology")

    @property
    def registry_graph(self) -> str:
        return self.graph("registry")

    @property
    def inferred_graph(self) -> str:
        return self.graph("inferred")

    @property
    def non_factual_inferred_graph(self) -> str:
        """The entailments that rest on several non-factual claims together: outside the default graph.
        What one non-factual claim entails with the facts is in that claim's ``resting_graph``."""
        return self.graph("inferred-non-factual")

    @property
    def resting_prefix(self) -> str:
        return self.non_factual_inferred_graph + "/"

    def resting_graph(self, claim: str) -> str:
        """The graph of what one non-factual claim (its IRI) entails together with the facts: the claim
        it rests on is in its name, and the build describes it with ``prov:wasDerivedFrom`` that claim."""
        return self.resting_prefix + claim.removeprefix(self.claim_prefix)

    def resting_claim(self, graph: str) -> str:
        """The claim a ``resting_graph`` rests on."""
        return self.claim_prefix + graph.removeprefix(self.resting_prefix)

    @property
    def build_graph(self) -> str:
        return self.graph("build")

    @property
    def dataset_graph(self) -> str:
        """The dataset's description (VoID and DCAT), which the build computes on the finished store."""
        return self.graph("dataset")

    @property
    def dataset(self) -> str:
        """The dataset itself, as the description, the dumps and the endpoint give it."""
        return f"{self.base}dataset"

    def provenance_graph(self, document_id: str) -> str:
        return self.graph(f"provenance/{document_id}")
