"""Checks across documents: each can be valid on its own and still contradict another."""

from __future__ import annotations

from collections.abc import Sequence

from dprk_kg.errors import InputError
from dprk_kg.iris import Iris
from dprk_kg.loaders.document_loader import DocumentBatch

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def check_shared_labels(batches: Sequence[DocumentBatch], iris: Iris) -> None:
    """An entity introduced by several documents must carry the same English label in each, or the
    union graph would give it two names."""
    prefix = iris.entity("")
    first: dict[str, tuple[str, DocumentBatch, str]] = {}
    for batch in batches:
        for claim in batch.claims.claims:
            for triple in claim.triples:
                if (
                    triple.predicate.value == RDFS_LABEL
                    and getattr(triple.object, "language", None) == "en"
                    and triple.subject.value.startswith(prefix)
                ):
                    subject = triple.subject.value
                    label = triple.object.value
                    if subject not in first:
                        first[subject] = (label, batch, claim.id)
                        continue
                    seen_label, seen_batch, seen_claim = first[subject]
                    if seen_label != label:
                        raise InputError(
                            batch.claims.path,
                            claim.line_mentioning("rdfs:label"),
                            f"claim {claim.id!r}: id:{subject[len(prefix) :]} is labelled {label!r} here but "
                            f"{seen_label!r} in {seen_batch.claims.path.name} (claim {seen_claim!r})",
                        )
