"""Checks across documents: each can be valid on its own and still contradict another."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dprk_kg.errors import InputError
from dprk_kg.iris import Iris


@dataclass(frozen=True)
class Label:
    """An English label a document gives an entity it introduces, and where."""

    entity: str
    label: str
    path: Path
    line: int
    claim: str


def check_shared_labels(labels: Iterable[Label], iris: Iris) -> None:
    """An entity introduced by several documents must carry the same English label in each, or the
    union graph would give it two names."""
    prefix = iris.entity("")
    first: dict[str, Label] = {}
    for label in labels:
        seen = first.setdefault(label.entity, label)
        if seen.label != label.label:
            raise InputError(
                label.path,
                label.line,
                f"claim {label.claim!r}: id:{label.entity[len(prefix) :]} is labelled {label.label!r} here but "
                f"{seen.label!r} in {seen.path.name} (claim {seen.claim!r})",
            )
