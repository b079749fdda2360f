"""Duplicate entities: a new entity whose name is, by the name normaliser, another entity's name.

Spelling variants are the usual way one place or person becomes two nodes: ``id:yanggang-province``
"Yanggang Province" beside the registry's Ryanggang Province, "North Hamgyeong" beside North Hamgyong
Province, ``id:kim-jong-un-2`` "Kim Jong-un" beside Kim Jong Un. Two names are the same when
``dprk_kg.matching`` (the reconciliation service's normaliser) scores them at least ``SAME_NAME``: the
same exact text, Hangul, or romanised skeleton words in any order, at most with a class word (Province,
County …) on one side only; a different direction (North/South) or class (City/County) is another
name. Such an entity is an error naming both and suggesting the existing id, unless the claims file
says that they are distinct (``distinct_from:``, seeds/README.md). The registry is held to the same
rule: two of its entries named alike are an error naming both, unless one says ``distinct_from:`` the
other; and such a declaration must name an entry whose names do collide, so none outlives its reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dprk_kg.errors import InputError
from dprk_kg.matching import CLASS_ON_ONE_SIDE, SAME_WORDS_REORDERED, Name, analyse, similarity

if TYPE_CHECKING:
    from dprk_kg.loaders.sources.registry import Entry, Registry

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
    once per registry read (by ``index_registry_names``): workers check many documents against it."""
    return registry.names


def index_registry_names(entries: Sequence[Entry], path: Path) -> NameKeys:
    """The entries' names, indexed; raise ``InputError`` at the first entry that has an earlier one's
    name (unless either says ``distinct_from:`` the other), and at a ``distinct_from:`` between entries
    that share no name: a stale one would hide the next real duplicate of the pair."""
    declared = {frozenset((entry.id, other)): entry for entry in entries for other in entry.distinct_from}
    namesakes: set[frozenset[str]] = set()
    keys = NameKeys()
    for entry in entries:
        names = [(Named(entry.id, text, path, entry.line), analyse(text)) for text in entry.names]
        for named, name in names:
            undeclared = []
            for twin, score in keys.scored(name):
                pair = frozenset((entry.id, twin.entity))
                if pair in declared:
                    namesakes.add(pair)
                else:
                    undeclared.append((twin, score))
            if undeclared:  # the closest name, the same one whatever order the index gives them in
                twin, _ = min(undeclared, key=lambda found: (-found[1], found[0].line, found[0].text))
                raise InputError(path, entry.line, _registry_message(named, twin))
        for named, name in names:
            keys.add(named, name)
    for pair, entry in declared.items():
        if pair not in namesakes:
            (other,) = pair - {entry.id}
            raise InputError(
                path,
                entry.lines["distinct_from"],
                f"entity {entry.id!r}: distinct_from names {other!r}, but the name normaliser reads none of "
                "their names alike: remove it (it is needed only between entries named alike)",
            )
    return keys


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


def _registry_message(named: Named, twin: Named) -> str:
    return (
        f"entity {named.entity!r} {named.text!r} has the name of entity {twin.entity!r} {twin.text!r} "
        f"({twin.path}:{twin.line}): if they are one thing, merge the entries (a variant name goes in alt or "
        f"romanised); if they are namesakes, say so on either entry: 'distinct_from: [{twin.entity}]'"
    )


def _message(named: Named, twin: Named, where: str) -> str:
    return (
        f"id:{named.entity} {named.text!r} has the name of id:{twin.entity} {twin.text!r} "
        f"({where}, {twin.path}:{twin.line}): write id:{twin.entity} to refer to it, or, if they are "
        f"different things, say so in the claims file: 'distinct_from: {{{named.entity}: [{twin.entity}]}}'"
    )
