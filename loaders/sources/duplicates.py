"""Duplicate entities: a new entity whose name is, by the name normaliser, another entity's name.

Spelling variants are the usual way one place or person becomes two nodes: ``id:yanggang-province``
"Yanggang Province" beside the registry's Ryanggang Province, "North Hamgyeong" beside North Hamgyong
Province, ``id:kim-jong-un-2`` "Kim Jong-un" beside Kim Jong Un. Two names are the same when
``dprk_kg.matching`` (the reconciliation service's normaliser) scores them at least ``SAME_NAME``: the
same exact text, Hangul, or romanised skeleton words in any order, at most with a class word (Province,
County …) on one side only; a different direction (North/South) or class (City/County) is another
name. Such an entity is an error naming both and suggesting the existing id, unless the claims file
says that they are distinct (``distinct_from:``, seeds/README.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dprk_kg.errors import InputError
from dprk_kg.matching import CLASS_ON_ONE_SIDE, SAME_WORDS_REORDERED, Name, analyse, similarity
from dprk_kg.memo import for_the_last

if TYPE_CHECKING:
    from dprk_kg.loaders.sources.registry import Registry

SAME_NAME = SAME_WORDS_REORDERED - CLASS_ON_ONE_SIDE


@dataclass(frozen=True)
class Named:
    """One name of an entity, and where it is given."""

    entity: str  # the entity's slug
    text: str
    path: Path
    line: int


class NameKeys:
    """Names indexed by the normaliser's keys (exact, Hangul, skeleton in order and sorted), so a
    name's twins are found without comparing it to every other name of a large registry."""

    def __init__(self) -> None:
        self._by_key: dict[str, list[tuple[Named, Name]]] = {}

    def add(self, named: Named, name: Name | None = None) -> None:
        """Index a name (``name``: its analysis, when the caller has it already)."""
        name = name or analyse(named.text)
        for key in _keys(name):
            self._by_key.setdefault(key, []).append((named, name))

    def same(self, text: str) -> Iterator[Named]:
        """The names the normaliser finds the same as ``text``, each once."""
        for named, _ in self.scored(text):
            yield named

    def scored(self, text: str | Name) -> Iterator[tuple[Named, float]]:
        """``same``, with the normaliser's score of each (``SAME_NAME`` to 100)."""
        name = text if isinstance(text, Name) else analyse(text)
        seen: set[int] = set()
        for key in _keys(name):
            for named, other in self._by_key.get(key, ()):
                if id(named) not in seen and (score := similarity(name, other)) >= SAME_NAME:
                    seen.add(id(named))
                    yield named, score


def _keys(name: Name) -> set[str]:
    keys = {f"exact:{name.exact}"} if name.exact else set()
    if name.hangul:
        keys.add(f"hangul:{name.hangul}")
    for reading in name.readings():
        if reading.tokens:
            keys.update((f"words:{reading.joined}", f"sorted:{reading.reordered}"))
    return keys


def registry_names(registry: Registry) -> NameKeys:
    """Every name of every registry entry (label, alternative labels, romanisations, Hangul), indexed
    once per registry read: workers check many documents against the same one."""
    return _registry_names(registry)


def _index(registry: Registry) -> NameKeys:
    keys = NameKeys()
    for entry in registry.entries:
        for text in (entry.label, *entry.alt, *entry.romanised, *([entry.ko] if entry.ko else [])):
            keys.add(Named(entry.id, text, registry.path, entry.line))
    return keys


_registry_names = for_the_last(_index)


def check_registry_twins(names: Iterable[Named], registry: Registry, distinct: dict[str, frozenset[str]]) -> None:
    """Raise ``InputError`` at the first name of a new entity that is a registry entity's name."""
    keys = registry_names(registry)
    for named in names:
        for twin in keys.same(named.text):
            if twin.entity != named.entity and twin.entity not in distinct.get(named.entity, frozenset()):
                raise InputError(named.path, named.line, _message(named, twin, "the registry"))


def check_document_twins(names: Iterable[Named], distinct: dict[str, frozenset[str]]) -> None:
    """Raise ``InputError`` at the first entity introduced under a name an entity of another document
    already has, unless either side's claims file says they are distinct."""
    keys = NameKeys()
    for named in names:
        name = analyse(named.text)
        for twin, _ in keys.scored(name):
            if twin.entity == named.entity or twin.path == named.path:
                continue  # one document naming two things alike says so itself, in its own claims
            if twin.entity in distinct.get(named.entity, frozenset()) or named.entity in distinct.get(
                twin.entity, frozenset()
            ):
                continue
            raise InputError(named.path, named.line, _message(named, twin, twin.path.name))
        keys.add(named, name)


def _message(named: Named, twin: Named, where: str) -> str:
    return (
        f"id:{named.entity} {named.text!r} has the name of id:{twin.entity} {twin.text!r} "
        f"({where}, {twin.path}:{twin.line}): write id:{twin.entity} to refer to it, or, if they are "
        f"different things, say so in the claims file: 'distinct_from: {{{named.entity}: [{twin.entity}]}}'"
    )
