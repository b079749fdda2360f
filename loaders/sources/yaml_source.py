"""YAML reading that remembers where each mapping and value came from.

Curated files are YAML; a mistake in one must be reported with its file and line, so mappings are
read into ``Located`` dicts that know their own line and the line of each value.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import yaml

from dprk_kg.errors import InputError

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Located(dict):
    """A YAML mapping with the 1-based line of itself and of each of its values."""

    line: int
    value_lines: dict[str, int]
    block_keys: frozenset[str]  # keys whose value is a literal/folded block (content starts a line later)

    def line_of(self, key: str) -> int:
        return self.value_lines.get(key, self.line)

    @classmethod
    def empty(cls, line: int) -> Located:
        """An empty mapping at ``line``: an optional section the file leaves out, read like a given one."""
        empty = cls()
        empty.line, empty.value_lines, empty.block_keys = line, {}, frozenset()
        return empty


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader that builds ``Located`` mappings and rejects duplicate keys."""


def _construct_located(loader: _Loader, node: yaml.MappingNode) -> Located:
    result = Located()
    result.line = node.start_mark.line + 1
    result.value_lines = {}
    blocks = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise InputError(
                Path(node.start_mark.name),
                key_node.start_mark.line + 1,
                f"duplicate key {key!r} (first given on line {result.value_lines[key]})",
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.value_lines[key] = value_node.start_mark.line + 1
        if isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">"):
            blocks.add(key)
    result.block_keys = frozenset(blocks)
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_located)
# Dates stay strings: a curated "2024-01-15" must reach the graph exactly as written.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> Any:
    """Parse a YAML file; syntax errors become ``InputError`` with the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, None, f"cannot read: {error}") from error
    try:
        _refuse_aliases(text, path)
        stream = io.StringIO(text)
        stream.name = str(path)  # PyYAML names the file in its marks from this
        return yaml.load(stream, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(path, line, f"YAML syntax error: {error.problem or error}") from error


def _refuse_aliases(text: str, path: Path) -> None:
    """Curated files need no anchors: an alias (``*name``) is refused before anything is built, since
    a kilobyte of nested aliases expands to gigabytes (a "billion laughs"). Reading the events is
    linear in the text and expands nothing."""
    for event in yaml.parse(io.StringIO(text), Loader=_Base):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark else None
            raise InputError(path, line, "YAML aliases (*name) are not allowed in curated files; write it out")


def require_mapping(value: Any, path: Path, line: int | None, what: str) -> Located:
    if not isinstance(value, Located):
        raise InputError(path, line, f"{what} must be a mapping")
    return value


def check_keys(mapping: Located, path: Path, allowed: set[str], required: set[str], what: str) -> None:
    """Unknown keys are typos until proven otherwise; missing required keys are errors."""
    for key in mapping:
        if key not in allowed:
            raise InputError(
                path, mapping.line_of(key), f"{what}: unknown field {key!r} (allowed: {', '.join(sorted(allowed))})"
            )
    for key in sorted(required):
        if mapping.get(key) in (None, ""):
            raise InputError(path, mapping.line, f"{what}: missing field {key!r}")
