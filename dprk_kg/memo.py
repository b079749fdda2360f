"""Remembering what is derived from a large, read-once input (the registry, the ontology)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def for_the_last(derive: Callable[[K], V]) -> Callable[[K], V]:
    """``derive``, remembered for the argument it was last called with (compared by identity): a worker
    process reads its inputs once and derives from them for every document, and the inputs are neither
    hashable nor small enough to compare by value."""
    last: list[tuple[K, V]] = []

    def remembered(source: K) -> V:
        if not last or last[0][0] is not source:
            last[:] = [(source, derive(source))]
        return last[0][1]

    return remembered
