"""What a query or update will do, read from the parse tree of ``parser.py``: its form, the services
it calls, the sources it loads, the graphs it writes, where a protocol-given dataset goes.

IRIs are read as the engine reads them: ``\\u`` escapes decoded, prefixed names expanded with the
prefixes in force where they stand (the ones the endpoint predeclares, then the text's own). An IRI
the engine would still resolve against a base (a relative one, or one with ``.``/``..`` segments) is
kept as written and marked inexact: an allow-list never matches it, and a write to such a graph
makes the default-graph repair a full one.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

import pyoxigraph as ox
from lark import Token, Tree

from dprk_kg.errors import QueryError
from dprk_kg.sparql.parser import MAX_OPENINGS, SparqlSyntaxError, TooDeep, parse

QUERY_FORMS = {
    "select_query": "SELECT",
    "construct_query": "CONSTRUCT",
    "describe_query": "DESCRIBE",
    "ask_query": "ASK",
}
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_DOT_SEGMENT = re.compile(r"(?:^|/)\.\.?(?:/|$|[?#])")
_VARIABLES = ("VAR1", "VAR2")
_NAMES = ("PNAME_LN", "PNAME_NS")


@dataclass(frozen=True)
class Target:
    """A SERVICE or LOAD operand: ``iri`` as the engine will use it, or None when it is a variable or
    an IRI only the engine's resolution against a base can tell."""

    written: str
    iri: str | None


@dataclass(frozen=True)
class QueryReading:
    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    services: tuple[Target, ...]
    depth: int


@dataclass(frozen=True)
class UpdateReading:
    services: tuple[Target, ...]
    loads: tuple[Target, ...]
    graphs: frozenset[str] | None  # the named graphs it may change; None when it cannot be told before
    writes_default: bool  # some operation writes the default graph itself
    declares_dataset: bool  # USING, USING NAMED or WITH
    where_positions: tuple[int, ...]  # where each DELETE/INSERT … WHERE's WHERE starts
    ends_with_separator: bool  # the last operation is followed by ";"
    depth: int
    body_start: int  # where the prologue ends: operations put before the update's go there

    def followed_by(self, text: str, more: str) -> str:
        """The update, then more operations, as one text (a comment at its end is closed)."""
        return f"{text}\n{more}" if self.ends_with_separator else f"{text}\n;\n{more}"

    def preceded_by(self, text: str, more: str) -> str:
        """More operations, then the update's, as one text: after its prologue, which the engine takes
        only at the start (the operations added must use full IRIs)."""
        return f"{text[: self.body_start]}\n{more} ;\n{text[self.body_start :]}"

    def with_dataset(self, text: str, default_graphs: Iterable[str], named_graphs: Iterable[str]) -> str:
        """The protocol's ``using-graph-uri``/``using-named-graph-uri`` (SPARQL 1.1 Protocol §2.2.3)
        written before every WHERE of a DELETE/INSERT; the IRIs are serialised by pyoxigraph from
        validated terms, and the result must be read again before it runs."""
        clauses = [*(f"USING {ox.NamedNode(g)}" for g in default_graphs)]
        clauses += [f"USING NAMED {ox.NamedNode(g)}" for g in named_graphs]
        if not clauses:
            return text
        for position in sorted(self.where_positions, reverse=True):
            text = f"{text[:position]}{' '.join(clauses)} {text[position:]}"
        return text


def read_query(
    text: str,
    *,
    prefixes: Mapping[str, str] | None = None,
    max_depth: int = MAX_OPENINGS,
    deadline: float | None = None,
) -> QueryReading:
    """Read a query; ``SparqlSyntaxError`` (a ``QueryError``) if it is not one the engine runs —
    ``AnUpdate`` when it is an update — ``TooDeep`` if it nests deeper than ``max_depth``,
    ``TooSlow`` past ``deadline``."""
    try:
        return _QUERIES.read(text, prefixes, max_depth, deadline)
    except SparqlSyntaxError as error:
        if is_update(text, prefixes=prefixes):
            raise AnUpdate("this is an update, not a query") from error
        raise


def read_update(
    text: str,
    *,
    prefixes: Mapping[str, str] | None = None,
    max_depth: int = MAX_OPENINGS,
    deadline: float | None = None,
) -> UpdateReading:
    """Read an update; ``SparqlSyntaxError`` (a ``QueryError``) if it is not one the engine runs,
    ``TooDeep`` if it nests deeper than ``max_depth``, ``TooSlow`` past ``deadline``."""
    return _UPDATES.read(text, prefixes, max_depth, deadline)


def is_update(text: str, *, prefixes: Mapping[str, str] | None = None) -> bool:
    """Whether the text is an update (to tell one sent as a query so)."""
    try:
        read_update(text, prefixes=prefixes)
    except QueryError:
        return False
    return True


class AnUpdate(SparqlSyntaxError):
    """An update was given where a query was expected (some stores would run it if sent as a query)."""


_Reading = TypeVar("_Reading", QueryReading, UpdateReading)
_Key = tuple[str, tuple[tuple[str, str], ...]]


class _Readings(Generic[_Reading]):
    """The last few readings. The endpoint reads a text, then the store reads it again (to repair the
    default graph, to know a result's kind). A reading made under one nesting limit holds under any
    higher one (its depth says), so a parse runs with its caller's limit and stops there. Bounded by
    count, since a key holds the text."""

    def __init__(self, read: Callable[[str, Mapping[str, str], int, float | None], _Reading], size: int) -> None:
        self._read: Callable[[str, Mapping[str, str], int, float | None], _Reading] = read
        self._size = size
        self._kept: OrderedDict[_Key, _Reading] = OrderedDict()
        self._lock = threading.Lock()

    def read(self, text: str, prefixes: Mapping[str, str] | None, max_depth: int, deadline: float | None) -> _Reading:
        key: _Key = (text, tuple(sorted((prefixes or {}).items())))
        with self._lock:
            kept = self._kept.get(key)
        if kept is None:
            kept = self._read(text, prefixes or {}, max_depth, deadline)
            with self._lock:
                self._kept[key] = kept
                while len(self._kept) > self._size:
                    self._kept.popitem(last=False)
        if kept.depth > max_depth:
            raise TooDeep(max_depth)
        return kept


def _query(text: str, prefixes: Mapping[str, str], max_depth: int, deadline: float | None) -> QueryReading:
    parsed = parse(text, "query_unit", max_depth=max_depth, deadline=deadline)
    tree = parsed.tree
    names = Names(prefixes)
    prologue, *body = (_tree(c) for c in tree.children)
    names.declare(prologue)
    services = [target for part in body for target in names.services(part)]
    return QueryReading(QUERY_FORMS[body[0].data], tuple(services), parsed.depth)


def _update(text: str, prefixes: Mapping[str, str], max_depth: int, deadline: float | None) -> UpdateReading:
    parsed = parse(text, "update_unit", max_depth=max_depth, deadline=deadline)
    tree = parsed.tree
    names = Names(prefixes)
    effects = _Effects()
    services: list[Target] = []
    for child in tree.children:
        if isinstance(child, Token):
            continue
        if child.data == "prologue":
            names.declare(child)
            continue
        services += names.services(child)
        effects.add(child, names)
    last = tree.children[-1] if len(tree.children) > 1 else None
    return UpdateReading(
        services=tuple(services),
        loads=tuple(effects.loads),
        graphs=None if effects.unknown else frozenset(effects.graphs),
        writes_default=effects.writes_default,
        declares_dataset=effects.declares_dataset,
        where_positions=tuple(effects.where_positions),
        ends_with_separator=isinstance(last, Token) and last.type == "SEMICOLON",
        depth=parsed.depth,
        body_start=_end(_tree(tree.children[0])),
    )


class Names:
    """The prefixes in force at a point of the text, and how the engine turns a name into an IRI."""

    def __init__(self, prefixes: Mapping[str, str] | None) -> None:
        self.namespaces: dict[str, tuple[str, bool]] = {n: (iri, _exact(iri)) for n, iri in (prefixes or {}).items()}

    def declare(self, prologue: Tree[Token]) -> None:
        for declaration in prologue.children:
            if isinstance(declaration, Tree) and declaration.data == "prefix_decl":
                name, iri = declaration.children
                value = _unescaped(str(iri)[1:-1])
                self.namespaces[str(name)[:-1]] = (value, _exact(value))

    def services(self, tree: Tree[Token]) -> list[Target]:
        """The SERVICE operands of a part of the text, in one walk that also refuses a prefixed name
        whose prefix is not declared (the engine would not run the text)."""
        found = []
        for node in tree.iter_subtrees_topdown():  # iterative: a tree may be thousands deep
            if node.data == "service_graph_pattern":
                operands = [c for c in node.children if not _is_keyword(c, "SERVICE") and not _is_keyword(c, "SILENT")]
                found.append(self.target(operands[0]))
            for token in node.children:
                if isinstance(token, Token) and token.type in _NAMES:
                    self.iri(token)
        return found

    def target(self, node: Token | Tree[Token]) -> Target:
        token = _token(node)
        written = str(token)
        if token.type in _VARIABLES:
            return Target(written, None)
        value, exact = self.iri(token)
        return Target(written, value if exact else None)

    def iri(self, token: Token) -> tuple[str, bool]:
        """The IRI a token names, and whether the engine will use it exactly so."""
        if token.type == "IRIREF":
            value = _unescaped(str(token)[1:-1])
            return value, _exact(value)
        prefix, _, local = str(token).partition(":")
        if prefix not in self.namespaces:
            raise SparqlSyntaxError(f"line {token.line}, column {token.column}: the prefix {prefix}: is not declared")
        namespace, exact = self.namespaces[prefix]
        return namespace + local.replace("\\", ""), exact


class _Effects:
    """What the operations of an update write, gathered operation by operation."""

    def __init__(self) -> None:
        self.graphs: set[str] = set()
        self.unknown = False
        self.writes_default = False
        self.declares_dataset = False
        self.loads: list[Target] = []
        self.where_positions: list[int] = []

    def add(self, operation: Tree[Token], names: Names) -> None:
        kind, parts = operation.data, operation.children
        if kind in ("insert_data", "delete_data", "delete_where"):
            self._quads(_tree(parts[0]).children[0], names, into=None)
        elif kind == "modify":
            self._modify(operation, names)
        elif kind in ("clear", "drop"):
            target = _tree(parts[-1]).children[0]
            if isinstance(target, Tree):  # GRAPH <iri>
                self._graph(target.children[1], names)
            elif target.type == "DEFAULT":
                self.writes_default = True
            else:  # NAMED, ALL
                self.unknown = True
        elif kind in ("add", "move", "copy"):
            source, target = (_tree(p) for p in parts if isinstance(p, Tree))
            if _is_default(target):
                self.writes_default = True
            else:
                self._graph(target.children[-1], names)
            if kind == "move" and not _is_default(source):
                self._graph(source.children[-1], names)
        elif kind == "load":
            trees = [p for p in parts if isinstance(p, Tree) and p.data == "graph_ref"]
            self.loads.append(names.target(next(p for p in parts if not _is_keyword(p, "SILENT"))))
            if trees:
                self._graph(trees[0].children[1], names)
            else:
                self.writes_default = True

    def _modify(self, operation: Tree[Token], names: Names) -> None:
        into = None
        for part in operation.children:
            if isinstance(part, Token):
                if part.type == "WHERE":
                    self.where_positions.append(_start(part))
                continue
            if part.data in ("with_clause", "using_clause"):
                self.declares_dataset = True
                if part.data == "with_clause":
                    into = part.children[0]
            elif part.data in ("delete_clause", "insert_clause"):
                self._quads(_tree(_tree(part.children[0]).children[0]), names, into=into)

    def _quads(self, quads: Tree[Token] | Token, names: Names, *, into: Tree[Token] | Token | None) -> None:
        for block in _tree(quads).children:
            block = _tree(block)
            if block.data == "triples_template":  # triples outside GRAPH: the WITH graph, else the default
                if into is None:
                    self.writes_default = True
                else:
                    self._graph(into, names)
            else:  # GRAPH <g> { … } or GRAPH ?g { … }
                self._graph(block.children[1], names)

    def _graph(self, node: Token | Tree[Token], names: Names) -> None:
        target = names.target(node)
        if target.iri is None:
            self.unknown = True
        else:
            self.graphs.add(target.iri)


def _end(prologue: Tree[Token]) -> int:
    """Where the prologue's last declaration ends (0 when it has none): each declaration ends with a
    token the tree keeps (an IRI, or the VERSION string)."""
    tokens = [t for declaration in prologue.children for t in _tree(declaration).children if isinstance(t, Token)]
    return tokens[-1].end_pos or 0 if tokens else 0


def _unescaped(text: str) -> str:
    """The text with its ``\\u``/``\\U`` escapes decoded, as the engine decodes an IRI."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _exact(iri: str) -> bool:
    return bool(_SCHEME.match(iri)) and not _DOT_SEGMENT.search(iri.partition(":")[2].lstrip("/"))


def _is_default(node: Tree[Token]) -> bool:
    return _is_keyword(node.children[0], "DEFAULT")


def _is_keyword(node: Token | Tree[Token], name: str) -> bool:
    return isinstance(node, Token) and node.type == name


def _tree(node: Token | Tree[Token]) -> Tree[Token]:
    if not isinstance(node, Tree):
        raise TypeError(f"expected a tree, found {node!r}")
    return node


def _token(node: Token | Tree[Token]) -> Token:
    if not isinstance(node, Token):
        raise TypeError(f"expected a token, found {node.data}")
    return node


def _start(token: Token) -> int:
    if token.start_pos is None:
        raise TypeError("the parser gives every token its position")
    return token.start_pos


_QUERIES: _Readings[QueryReading] = _Readings(_query, 16)
_UPDATES: _Readings[UpdateReading] = _Readings(_update, 4)
