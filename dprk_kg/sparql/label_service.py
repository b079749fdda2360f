r"""The Wikidata Query Service's label service, done here by rewriting the query before the engine
runs it — never a call to another server.

``SERVICE wikibase:label { bd:serviceParam wikibase:language "[AUTO_LANGUAGE],en,ko". }`` fills
``?xLabel``, ``?xAltLabel`` and ``?xDescription`` as WDQS does (its ``LabelService`` and
``EmptyLabelServiceOptimizer``, wikimedia/wikidata-query-rdf):

- **Automatic mode** (the block has only parameters): each plain variable the nearest enclosing
  SELECT projects (a CONSTRUCT: its template) whose name ends in ``AltLabel``, ``Label`` or
  ``Description`` (tried in that order) is filled from the variable named by the rest —
  ``skos:altLabel``, ``rdfs:label``, ``schema:description`` of ``?x``. One the query binds itself is
  left as it binds it. ``SELECT *`` projects no such name, so it fills nothing, as on WDQS.
- **Manual mode**: the block's own ``?x rdfs:label ?name`` (or ``skos:altLabel``,
  ``schema:description``) triples say what to fill; the subject may also be an IRI.
- **Languages**: the comma-separated lists of every ``wikibase:language`` parameter, in order; a
  value in the first listed language wins, then the next — exact tags, no other fallback (WDQS does
  none either). Several values in the winning language are joined with ", " (aliases, usually).
- **Fallback**: with no ``rdfs:label`` in any listed language, the label is the subject's local name
  (``orang-county`` for ``id:orang-county``, ``Q42`` for ``wd:Q42``), else the IRI; alt labels and
  descriptions stay unbound. An unbound subject fills nothing.
- **Placement**: as WDQS moves the service to the end of its group, the patterns that fill the
  variables go at the end of the group the service stands in; labels come from the query's own
  dataset (a view, ``default-graph-uri``, ``FROM``), never from elsewhere.

The rewrite works on the parse tree of ``parser.py`` (with positions): the SERVICE block becomes
``{}`` and the generated patterns are spliced before its group's closing brace. The generated text
holds only variables the parser read, IRIs and language tags serialised by pyoxigraph after
validation, and fresh variable names that the query does not use; the caller reads the result again
with the same parser before it runs. What the rewrite cannot do faithfully is refused with a message
(a ``QueryError``): the service inside GRAPH or another SERVICE, an unknown parameter, a bad
language tag, a block that holds anything else, a manual variable bound elsewhere, ``SELECT *`` over
manual labels (the helper variables would show), more than ``MAX_FILLED`` variables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import pyoxigraph as ox
from lark import Token, Tree

from dprk_kg.errors import QueryError
from dprk_kg.sparql.parser import MAX_OPENINGS, parse
from dprk_kg.sparql.reading import Names, Target
from dprk_kg.vocabulary import BD, RDFS, SCHEMA, SKOS, WD, WIKIBASE

LABEL_SERVICE = WIKIBASE.uri("label")
AUTO_LANGUAGE = "[AUTO_LANGUAGE]"
DEFAULT_LANGUAGE = "en"
MAX_LANGUAGES = 16
MAX_FILLED = 64  # variables filled per query: each costs a subquery per language
_MAX_PARAMETER = 512  # characters of one wikibase:language string
_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8}){0,7}\Z")
# The suffixes automatic mode fills, in the order WDQS tries them ("AltLabel" ends in "Label").
SUFFIXES = (
    ("AltLabel", SKOS.uri("altLabel")),
    ("Label", RDFS.uri("label")),
    ("Description", SCHEMA.uri("description")),
)
# WDQS's own queries declare schema: as http://schema.org/; either is taken as written.
PROPERTIES = frozenset({*(iri for _, iri in SUFFIXES), "http://schema.org/description"})
_VARIABLES = ("VAR1", "VAR2")
_SEPARATOR = str(ox.Literal(", "))


class LabelServiceError(QueryError):
    """A label service the rewrite cannot carry out as WDQS would; says why and what to write."""


def called(services: Iterable[Target]) -> bool:
    """Whether a reading's services include the label service (then ``rewrite`` must run)."""
    return any(service.iri == LABEL_SERVICE for service in services)


def language_preference(uselang: str | None, accepted: Iterable[str]) -> tuple[str, ...]:
    """What ``[AUTO_LANGUAGE]`` stands for in a request: ``uselang`` (as on WDQS), else the client's
    first ``Accept-Language`` that is a language tag, else English; a regional tag is followed by its
    language (``ko-KR`` → ``ko-kr``, ``ko``), since labels match tags exactly. A ``uselang`` that is not a
    language tag is an error."""
    if uselang is not None:
        if not _TAG.match(uselang):
            raise LabelServiceError(f"uselang={uselang[:40]!r} is not a language tag (such as en or ko)")
        chosen = uselang
    else:
        chosen = next((tag for tag in accepted if _TAG.match(tag)), DEFAULT_LANGUAGE)
    tag = chosen.lower()
    primary = tag.partition("-")[0]
    return (tag, primary) if primary != tag else (tag,)


@dataclass(frozen=True)
class Rewritten:
    text: str
    auto_language: bool  # some service asked for [AUTO_LANGUAGE]: the answer depends on the request


@dataclass(frozen=True)
class _Resolution:
    subject: str  # a variable as written, or an IRI serialised by pyoxigraph
    variable: bool  # the subject is a variable
    property: str  # the IRI of rdfs:label, skos:altLabel or schema:description
    target: str  # the variable to fill, as written


def rewrite(
    text: str,
    *,
    prefixes: Mapping[str, str],
    auto_language: tuple[str, ...],
    max_depth: int = MAX_OPENINGS,
    deadline: float | None = None,
) -> Rewritten:
    """The query with every label service replaced by the patterns that fill its variables;
    ``prefixes`` are the endpoint's predeclared ones, whose ``id:`` namespace (like Wikidata's
    entities') the fallback label strips. ``LabelServiceError`` (a ``QueryError``) when it cannot be
    done."""
    entity_namespaces = tuple(namespace for namespace in (prefixes.get("id"), WD.iri) if namespace)
    tree = parse(text, "query_unit", max_depth=max_depth, deadline=deadline, positions=True).tree
    prologue, form = tree.children[0], tree.children[1]
    names = Names(prefixes)
    names.declare(_tree(prologue))
    parents = _Parents(tree)
    services = [node for node in parents.nodes if node.data == "service_graph_pattern" and _is_label(node, names)]
    used = {str(token)[1:] for token in _tokens(tree) if token.type in _VARIABLES}
    fresh = _fresh_prefix(used)
    bound = _bound_variables([*_tree(form).children, *tree.children[2:]], names)
    edits: list[tuple[int, int, str]] = []
    uses_auto = False
    filled = 0
    for service in services:
        _refuse_enclosing(service, parents, names)
    for number, service in enumerate(services):
        languages, resolutions, asks_auto = _read_block(service, names, auto_language)
        uses_auto = uses_auto or asks_auto
        select = _enclosing_query(service, parents)
        resolutions = _checked_manual(resolutions, bound) if resolutions else _automatic(select, bound)
        if resolutions and _projects_everything(select):
            raise LabelServiceError(
                "SELECT * (or DESCRIBE *) with labels named in the label service would also return the "
                "variables its rewrite uses: list the variables to return"
            )
        filled += len(resolutions)
        if filled > MAX_FILLED:
            raise LabelServiceError(f"the label service fills at most {MAX_FILLED} variables in a query")
        group = parents.of(parents.of(service))
        generated = " ".join(
            _patterns(resolution, languages, f"{fresh}{number}_{index}_", entity_namespaces)
            for index, resolution in enumerate(resolutions)
        )
        edits.append((_start(service), _end(service), "{}"))
        if generated:
            closing = _end(group) - 1
            edits.append((closing, closing, f" {generated} "))
    for start, end, replacement in sorted(edits, key=lambda edit: edit[0], reverse=True):
        text = text[:start] + replacement + text[end:]
    return Rewritten(text, uses_auto)


class _Parents:
    """Every subtree of a parse, and the subtree each one stands in (iterative: trees nest deep)."""

    def __init__(self, tree: Tree[Token]) -> None:
        self.nodes: list[Tree[Token]] = []
        self._parent: dict[int, Tree[Token]] = {}
        stack = [tree]
        while stack:
            node = stack.pop()
            self.nodes.append(node)
            for child in reversed(node.children):
                if isinstance(child, Tree):
                    self._parent[id(child)] = node
                    stack.append(child)

    def of(self, node: Tree[Token]) -> Tree[Token]:
        return self._parent[id(node)]

    def above(self, node: Tree[Token]) -> Iterator[Tree[Token]]:
        while id(node) in self._parent:
            node = self._parent[id(node)]
            yield node


def _is_label(service: Tree[Token], names: Names) -> bool:
    target = names.target(_operand(service))
    return target.iri == LABEL_SERVICE


def _operand(service: Tree[Token]) -> Token:
    return next(c for c in service.children if isinstance(c, Token) and c.type not in ("SERVICE", "SILENT"))


def _refuse_enclosing(service: Tree[Token], parents: _Parents, names: Names) -> None:
    for node in parents.above(service):
        if node.data == "graph_graph_pattern":
            raise LabelServiceError(
                f"{_at(service)}the label service reads labels from the query's default graph; inside "
                "GRAPH it would read the named graph's: move it out of the GRAPH block"
            )
        if node.data == "service_graph_pattern":
            inner = "another label service" if _is_label(node, names) else "another SERVICE block"
            raise LabelServiceError(f"{_at(service)}the label service cannot stand inside {inner}")


def _read_block(
    service: Tree[Token], names: Names, auto_language: tuple[str, ...]
) -> tuple[tuple[str, ...], list[_Resolution], bool]:
    """The languages in preference order, the manual resolutions, and whether [AUTO_LANGUAGE] was asked."""
    group = _tree(service.children[-1])
    languages: list[str] = []
    resolutions: list[_Resolution] = []
    asks_auto = False
    for part in group.children:
        part = _tree(part)
        if part.data != "group_graph_pattern_sub":
            raise LabelServiceError(f"{_at(service)}{_ONLY}; found a subquery")
        for block in part.children:
            block = _tree(block)
            if block.data != "triples_block":
                raise LabelServiceError(f"{_at(service)}{_ONLY}; found {block.data.replace('_', ' ')}")
            for triple in block.children:
                subject, properties = _triple(triple)
                if subject.type not in _VARIABLES and names.iri(subject)[0] == BD.uri("serviceParam"):
                    for predicate, value in _pairs(properties, service):
                        if _iri_of(predicate, names) != WIKIBASE.uri("language"):
                            raise LabelServiceError(
                                f"{_at(predicate)}the label service takes one parameter, "
                                f'bd:serviceParam wikibase:language "…"; {_shown(predicate)} is not one'
                            )
                        listed, auto = _languages(value, auto_language)
                        asks_auto = asks_auto or auto
                        languages += [tag for tag in listed if tag not in languages]
                else:
                    resolutions += [_resolution(subject, p, v, names) for p, v in _pairs(properties, service)]
    if not languages:
        raise LabelServiceError(
            f"{_at(service)}the label service needs a list of languages: "
            'bd:serviceParam wikibase:language "[AUTO_LANGUAGE],en" .'
        )
    if len(languages) > MAX_LANGUAGES:
        raise LabelServiceError(f"{_at(service)}the label service takes at most {MAX_LANGUAGES} languages")
    return tuple(languages), resolutions, asks_auto


_ONLY = (
    'the label service block holds only bd:serviceParam wikibase:language "…" and triples such as '
    "?x rdfs:label ?xLabel (or skos:altLabel, schema:description)"
)


def _triple(triple: Token | Tree[Token]) -> tuple[Token, Tree[Token]]:
    node = _tree(triple)
    subject, properties = [*node.children, None, None][:2]
    if not isinstance(subject, Token) or subject.type not in (*_VARIABLES, "IRIREF", "PNAME_LN", "PNAME_NS"):
        raise LabelServiceError(f"{_ONLY}; a subject there is a variable or an IRI")
    if not isinstance(properties, Tree) or properties.data != "property_list_path_not_empty" or len(node.children) != 2:
        raise LabelServiceError(f"{_at(subject)}{_ONLY}")
    return subject, properties


def _pairs(properties: Tree[Token], service: Tree[Token]) -> Iterator[tuple[Token, Token | Tree[Token]]]:
    """Each (predicate, object) of a property list; paths, lists of objects with annotations refused."""
    children = properties.children
    for predicate, objects in zip(children[::2], children[1::2], strict=True):
        if not isinstance(predicate, Token) or predicate.type not in ("IRIREF", "PNAME_LN", "PNAME_NS"):
            raise LabelServiceError(f"{_at(service)}{_ONLY}; a predicate there is an IRI, not a path")
        for item in _tree(objects).children:
            parts = _tree(item).children
            if len(parts) != 1:
                raise LabelServiceError(f"{_at(predicate)}{_ONLY}; annotations are not allowed there")
            yield predicate, parts[0]


def _iri_of(token: Token, names: Names) -> str:
    return names.iri(token)[0]


def _languages(value: Token | Tree[Token], auto_language: tuple[str, ...]) -> tuple[list[str], bool]:
    """The tags of one wikibase:language string, checked: only language tags and [AUTO_LANGUAGE]."""
    if not isinstance(value, Tree) or value.data != "rdf_literal" or len(value.children) != 1:
        raise LabelServiceError('wikibase:language takes a plain string: "[AUTO_LANGUAGE],en,ko"')
    string = _token(value.children[0])
    quote = 3 if string.type.startswith("STRING_LITERAL_LONG") else 1
    written = str(string)[quote:-quote]
    if len(written) > _MAX_PARAMETER:
        raise LabelServiceError(f"{_at(string)}the wikibase:language string is longer than {_MAX_PARAMETER} characters")
    if "\\" in written:
        raise LabelServiceError(f"{_at(string)}write the wikibase:language codes without escapes")
    tags: list[str] = []
    auto = False
    for item in (part.strip() for part in written.split(",")):
        if item == AUTO_LANGUAGE:
            auto = True
            tags += auto_language
        elif _TAG.match(item):
            tags.append(item.lower())
        elif item:
            raise LabelServiceError(
                f"{_at(string)}{item[:40]!r} is not a language tag; wikibase:language takes codes such as "
                f'"{AUTO_LANGUAGE},en,ko", separated by commas'
            )
    return tags, auto


def _resolution(subject: Token, predicate: Token, value: Token | Tree[Token], names: Names) -> _Resolution:
    prop = _iri_of(predicate, names)
    if prop not in PROPERTIES:
        raise LabelServiceError(
            f"{_at(predicate)}the label service fills rdfs:label, skos:altLabel and schema:description; "
            f"not {_shown(predicate)}"
        )
    if not isinstance(value, Token) or value.type not in _VARIABLES:
        raise LabelServiceError(f"{_at(predicate)}the object of {_shown(predicate)} in the label service is a variable")
    if subject.type in _VARIABLES:
        if _name(subject) == _name(value):
            raise LabelServiceError(f"{_at(value)}the label service cannot fill {value} with a label of itself")
        return _Resolution(str(subject), True, prop, str(value))
    iri, exact = names.iri(subject)
    if not exact:
        raise LabelServiceError(f"{_at(subject)}a subject in the label service is an absolute IRI")
    return _Resolution(str(ox.NamedNode(iri)), False, prop, str(value))


def _checked_manual(resolutions: list[_Resolution], bound: set[str]) -> list[_Resolution]:
    seen: set[str] = set()
    for resolution in resolutions:
        name = resolution.target[1:]
        if name in bound:
            raise LabelServiceError(
                f"{resolution.target} is bound elsewhere in the query; the label service fills it, so it must "
                "be the only pattern that binds it: rename one of them"
            )
        if name in seen:
            raise LabelServiceError(f"the label service fills {resolution.target} twice")
        seen.add(name)
    return resolutions


def _enclosing_query(service: Tree[Token], parents: _Parents) -> Tree[Token]:
    return next(node for node in parents.above(service) if node.data in _QUERIES)


_QUERIES = frozenset({"sub_select", "select_query", "construct_query", "describe_query", "ask_query"})


def _automatic(query: Tree[Token], bound: set[str]) -> list[_Resolution]:
    """What automatic mode fills: the plain variables the query returns whose names end in a suffix."""
    found: list[_Resolution] = []
    seen: set[str] = set()
    for variable in _returned(query):
        name = _name(variable)
        if name in bound or name in seen:
            continue
        for suffix, prop in SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                seen.add(name)
                found.append(_Resolution(f"?{name[: -len(suffix)]}", True, prop, str(variable)))
                break
    return found


def _returned(query: Tree[Token]) -> Iterator[Token]:
    if query.data in ("select_query", "sub_select"):
        for member in _tree(query.children[0]).children:
            if isinstance(member, Tree) and len(member.children) == 1 and isinstance(member.children[0], Token):
                yield member.children[0]
    elif isinstance(template := query.children[0], Tree) and template.data == "construct_template":
        yield from (t for t in _tokens(template) if t.type in _VARIABLES)


def _projects_everything(query: Tree[Token]) -> bool:
    if query.data in ("select_query", "sub_select"):
        return any(isinstance(c, Token) and c.type == "STAR" for c in _tree(query.children[0]).children)
    return query.data == "describe_query" and any(isinstance(c, Token) and c.type == "STAR" for c in query.children)


def _bound_variables(parts: list[Token | Tree[Token]], names: Names) -> set[str]:
    """The names of the variables something other than a label service binds: in a triple, a VALUES
    block, GRAPH or SERVICE, as a BIND's or an expression's ``AS`` target. Uses in expressions
    (FILTER, ORDER BY, the values of BIND) bind nothing."""
    bound: set[str] = set()
    stack: list[Token | Tree[Token]] = [c for c in parts if isinstance(c, Tree) and c.data in _BODIES]
    while stack:
        node = stack.pop()
        if isinstance(node, Token):
            if node.type in _VARIABLES:
                bound.add(_name(node))
            continue
        if node.data in ("filter", "having_clause", "order_clause", "construct_template"):
            continue
        if node.data in ("bind", "select_member", "group_condition"):
            last = node.children[-1]
            if len(node.children) > 1 and isinstance(last, Token) and last.type in _VARIABLES:
                bound.add(_name(last))  # (… AS ?v); a plain projected variable binds nothing
            continue
        if node.data == "service_graph_pattern" and _is_label(node, names):
            continue  # what a label service's block names is what it fills
        stack.extend(node.children)
    return bound


_BODIES = frozenset({"where_clause", "values_clause", "solution_modifier"})


def _patterns(resolution: _Resolution, languages: tuple[str, ...], fresh: str, namespaces: tuple[str, ...]) -> str:
    """The SPARQL that fills one variable: the subject kept in a fresh variable; per language, the
    values in that language joined with ", " (one subquery, grouped by subject, joined on it — only
    where the subject is bound); the first language that has one wins; then the fallback."""
    subject = f"?{fresh}s"
    value = f"?{fresh}v"
    prop = str(ox.NamedNode(resolution.property))
    guard = f" FILTER(BOUND({resolution.subject}))" if resolution.variable else ""
    parts = [f"BIND({resolution.subject} AS {subject})"]
    found = []
    for index, language in enumerate(languages):
        tag = str(ox.Literal(language))
        best = f"?{fresh}{index}"
        found.append(best)
        parts.append(
            f"OPTIONAL {{ {{ SELECT {subject} (STRLANG(STR(GROUP_CONCAT({value}; SEPARATOR={_SEPARATOR})), {tag}) "
            f"AS {best}) WHERE {{ {subject} {prop} {value} FILTER(LCASE(LANG({value})) = {tag}) }} "
            f"GROUP BY {subject} }}{guard} }}"
        )
    if resolution.property == RDFS.uri("label"):
        found.append(_local_name(subject, namespaces))
    parts.append(f"BIND(COALESCE({', '.join(found)}) AS {resolution.target})")
    return " ".join(parts)


def _local_name(subject: str, namespaces: tuple[str, ...]) -> str:
    """WDQS's label for what has none: the IRI without the entity namespace (``Q42``), else its text."""
    expression = f"STR({subject})"
    for namespace in reversed(namespaces):
        written = str(ox.Literal(namespace))
        expression = f"IF(STRSTARTS(STR({subject}), {written}), STRAFTER(STR({subject}), {written}), {expression})"
    return expression


def _fresh_prefix(used: set[str]) -> str:
    """A prefix no variable of the query starts with, for the rewrite's own variables."""
    number = 0
    while any(name.startswith(f"_label{number}_") for name in used):
        number += 1
    return f"_label{number}_"


def _tokens(tree: Tree[Token]) -> Iterator[Token]:
    stack: list[Token | Tree[Token]] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Token):
            yield node
        else:
            stack.extend(reversed(node.children))


def _name(variable: Token) -> str:
    return str(variable)[1:]


def _shown(token: Token) -> str:
    return str(token)[:80]


def _at(node: Token | Tree[Token]) -> str:
    token = node if isinstance(node, Token) else next(_tokens(node), None)
    if token is None or token.line is None:
        return ""
    return f"line {token.line}, column {token.column}: "


def _start(node: Tree[Token]) -> int:
    return int(node.meta.start_pos)


def _end(node: Tree[Token]) -> int:
    return int(node.meta.end_pos)


def _tree(node: Token | Tree[Token] | None) -> Tree[Token]:
    if not isinstance(node, Tree):
        raise LabelServiceError(_ONLY)
    return node


def _token(node: Token | Tree[Token]) -> Token:
    if not isinstance(node, Token):
        raise LabelServiceError(_ONLY)
    return node
