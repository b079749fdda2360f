"""The entity registry (``seeds/entities.yaml``): reference data that comes from no single document.

Each entry becomes triples in the registry graph: types, labels (English, Hangul, romanisations),
place and organisation hierarchy, and for every Hangul label the public source it was checked against.
Its Wikidata links are not here but in the mapping set (``ontology/mappings.sssom.tsv``, sssom.py).
Two entries named alike by the name normaliser are one thing entered twice unless one of them says
``distinct_from:`` the other (duplicates.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from dprk_kg.errors import InputError
from dprk_kg.iris import is_slug
from dprk_kg.loaders.sources.duplicates import NameKeys, index_registry_names
from dprk_kg.loaders.sources.suggestions import did_you_mean
from dprk_kg.loaders.sources.yaml_source import Located, check_keys, read_yaml, require_mapping

ENTRY_FIELDS = {
    "id",
    "type",
    "label",
    "ko",
    "alt",
    "romanised",
    "located_in",
    "sub_organization_of",
    "based_in",
    "note",
    "checked",
    "distinct_from",
}
REFERENCE_FIELDS = ("located_in", "sub_organization_of", "based_in")
HANGUL = re.compile(r"^[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f0-9 ]+$")
CURIE = re.compile(r"^[a-z]+:[A-Za-z][A-Za-z0-9]*$")


@dataclass(frozen=True)
class Entry:
    """One registry entity, as curated."""

    id: str
    line: int
    types: tuple[str, ...]  # CURIEs
    label: str
    ko: str | None
    alt: tuple[str, ...]
    romanised: tuple[str, ...]
    located_in: str | None
    sub_organization_of: str | None
    based_in: str | None
    note: str | None
    checked: tuple[tuple[str, str], ...]  # (what was checked, source)
    lines: dict[str, int]
    distinct_from: tuple[str, ...] = ()  # entries named alike that are other things (namesakes)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the entry gives: label, alternative labels, romanisations, Hangul."""
        return (self.label, *self.alt, *self.romanised, *([self.ko] if self.ko else []))


@dataclass(frozen=True)
class Registry:
    path: Path
    entries: tuple[Entry, ...]
    names: NameKeys = field(compare=False, repr=False)  # every entry's names, by the normaliser's keys

    def ids(self) -> frozenset[str]:
        return frozenset(self._by_id)

    def get(self, slug: str) -> Entry | None:
        return self._by_id.get(slug)

    @cached_property
    def _by_id(self) -> dict[str, Entry]:
        """Every lookup by slug goes through here: a generated registry has 20,000 entries."""
        return {e.id: e for e in self.entries}


def read_registry(path: Path) -> Registry:
    """Parse and check the registry; every reference it makes must resolve inside it."""
    root = require_mapping(read_yaml(path), path, 1, "registry")
    check_keys(root, path, {"entities"}, {"entities"}, "registry")
    if not isinstance(root["entities"], list):
        raise InputError(path, root.line_of("entities"), "entities must be a list")
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for item in root["entities"]:
        raw = require_mapping(item, path, root.line_of("entities"), "an entity")
        entry = _entry(raw, path)
        if entry.id in seen:
            raise InputError(path, raw.line, f"duplicate entity id {entry.id!r} (first on line {seen[entry.id]})")
        seen[entry.id] = raw.line
        entries.append(entry)
    for entry in entries:
        for key in REFERENCE_FIELDS:
            target = getattr(entry, key)
            if target is not None and target not in seen:
                raise InputError(path, entry.lines[key], f"entity {entry.id!r}: {key} names unknown entity {target!r}")
        for other in entry.distinct_from:
            if other not in seen:
                raise InputError(
                    path,
                    entry.lines["distinct_from"],
                    f"entity {entry.id!r}: distinct_from names unknown entity {other!r}"
                    + did_you_mean(other, seen.keys() - {entry.id}),
                )
    return Registry(path, tuple(entries), index_registry_names(entries, path))


def _entry(raw: Located, path: Path) -> Entry:
    if "wikidata" in raw:
        raise InputError(
            path, raw.line_of("wikidata"), "a Wikidata link belongs in ontology/mappings.sssom.tsv, with its evidence"
        )
    check_keys(raw, path, ENTRY_FIELDS, {"id", "type", "label"}, "entity")
    slug = raw["id"]
    if not isinstance(slug, str) or not is_slug(slug):
        raise InputError(path, raw.line_of("id"), f"entity id {slug!r} must be a lowercase slug")
    where = f"entity {slug!r}"
    types = raw["type"] if isinstance(raw["type"], list) else [raw["type"]]
    for curie in types:
        if not isinstance(curie, str) or not CURIE.match(curie):
            raise InputError(path, raw.line_of("type"), f"{where}: type {curie!r} is not a CURIE like dkg:County")
    checked = require_mapping(
        raw.get("checked") or Located.empty(raw.line), path, raw.line_of("checked"), f"{where}: checked"
    )
    if raw.get("ko") is not None:
        if not HANGUL.match(str(raw["ko"])):
            raise InputError(path, raw.line_of("ko"), f"{where}: ko {raw['ko']!r} is not Hangul")
        _require_check(checked, "ko", raw, path, where)
    for key, source in checked.items():
        if not isinstance(source, str) or not source.strip():
            raise InputError(path, checked.line_of(key), f"{where}: checked.{key} must name a source")
        if key not in raw:
            raise InputError(path, checked.line_of(key), f"{where}: checked.{key} checks a field the entry lacks")
    for key in REFERENCE_FIELDS:
        if raw.get(key) is not None and not (isinstance(raw[key], str) and is_slug(raw[key])):
            raise InputError(path, raw.line_of(key), f"{where}: {key} must be an entity id")
    return Entry(
        id=slug,
        line=raw.line,
        types=tuple(types),
        label=_string(raw, "label", path, where),
        ko=raw.get("ko"),
        alt=_strings(raw, "alt", path, where),
        romanised=_strings(raw, "romanised", path, where),
        located_in=raw.get("located_in"),
        sub_organization_of=raw.get("sub_organization_of"),
        based_in=raw.get("based_in"),
        note=raw.get("note"),
        checked=tuple((key, value.strip()) for key, value in checked.items()),
        lines=dict(raw.value_lines),
        distinct_from=_distinct_from(raw, path, where),
    )


def _distinct_from(raw: Located, path: Path, where: str) -> tuple[str, ...]:
    """``distinct_from: [other-id, …]``: the entries named alike that are other things."""
    others = raw.get("distinct_from")
    if others is None:
        return ()
    others = [others] if isinstance(others, str) else others
    if not (isinstance(others, list) and others and all(isinstance(o, str) and is_slug(o) for o in others)):
        raise InputError(path, raw.line_of("distinct_from"), f"{where}: distinct_from must be a list of entity ids")
    if raw["id"] in others:
        raise InputError(path, raw.line_of("distinct_from"), f"{where}: distinct_from names the entity itself")
    return tuple(dict.fromkeys(others))


def _require_check(checked: Located, key: str, raw: Located, path: Path, where: str) -> None:
    if not checked.get(key):
        raise InputError(
            path, raw.line_of(key), f"{where}: {key} needs checked.{key}, the source it was verified against"
        )


def _string(raw: Located, key: str, path: Path, where: str) -> str:
    value: Any = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, raw.line_of(key), f"{where}: {key} must be text")
    return value.strip()


def _strings(raw: Located, key: str, path: Path, where: str) -> tuple[str, ...]:
    values = raw.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise InputError(path, raw.line_of(key), f"{where}: {key} must be a list of text")
    return tuple(v.strip() for v in values)
