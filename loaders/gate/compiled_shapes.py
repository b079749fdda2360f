"""SHACL Core shapes compiled to SPARQL queries, so large batches are validated by Oxigraph's engine
instead of pyshacl's pure-Python loops (≈4 s per 25 documents, 90% of a build's load time).

pyshacl stays the reference: each compiled query returns the focus nodes of one top-level shape that
do not conform, and a batch with any such node is handed to pyshacl, whose report is the one the user
sees. So the compiled queries must never accept what pyshacl rejects; being stricter only costs a
pyshacl run. Where SHACL leaves room (language ranges, datatype checks, comparisons) they follow
pyshacl's code, not only the specification. ``tests/loaders/gate/test_compiled_shapes.py`` holds them to
pyshacl on the seeds, on generated corpora, on mutated batches and on one case per component.

Each shape becomes a boolean SPARQL expression ``conforms(shape, ?x)``: a conjunction with one
``EXISTS``/``NOT EXISTS`` test or filter expression per constraint, nested shapes (``sh:node``,
``sh:or``, ``sh:qualifiedValueShape`` …) inlined with fresh variables. The queries read the union of
the store's graphs, which must hold the batch and pyshacl's ontology mix-in (``mixin_triples``).
Ill-typed literals are left to pyshacl (``ill_typed_literals``): SPARQL cannot see rdflib's lexical
checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Any, cast

import pyoxigraph as ox
import rdflib
from pyshacl.rdfutil.inoculate import inoculate
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from dprk_kg.errors import InputError
from dprk_kg.loaders.rdflib_bridge import from_rdflib

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# sh: terms that do not constrain (or are read with the constraint they qualify).
NOT_CONSTRAINTS = {
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.deactivated,
    SH.path,
    SH.flags,
    SH.ignoredProperties,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    *TARGETS,
}
NODE_KINDS: dict[rdflib.term.Node, str] = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
COMPARISONS = {SH.minInclusive: ">=", SH.minExclusive: ">", SH.maxInclusive: "<=", SH.maxExclusive: "<"}
PAIR_COMPARISONS = {SH.lessThan: "<", SH.lessThanOrEquals: "<="}
INSTANCE_OF = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
# A pattern binding a variable to the value nodes of a shape (or, when the flag says it is bound, testing it).
Values = Callable[[str, bool], str]


class UnsupportedShape(InputError):
    """A shape uses SHACL the compiler does not implement; the build must use pyshacl for it."""


@dataclass(frozen=True)
class ShapeQuery:
    shape: str  # the top-level shape's IRI (or blank node label)
    sparql: str  # SELECT DISTINCT ?this: the focus nodes that do not conform


def compile_shapes(shapes: rdflib.Graph, source: str = "shapes") -> list[ShapeQuery]:
    """One query per top-level shape that can fail (targets, active, severity sh:Violation)."""
    compiler = _Compiler(shapes, source)
    queries = []
    for shape in sorted(_top_level_shapes(shapes), key=str):
        severity = shapes.value(shape, SH.severity)
        if _deactivated(shapes, shape) or severity in (SH.Warning, SH.Info):
            continue  # cannot make a batch fail (the gate allows warnings)
        targets = compiler.targets(shape)
        condition = compiler.conforms(shape, "?this")
        queries.append(ShapeQuery(str(shape), f"SELECT DISTINCT ?this WHERE {{ {targets} FILTER (!{condition}) }}"))
    return queries


def violating_focus_nodes(store: ox.Store, queries: Iterable[ShapeQuery]) -> dict[str, set[str]]:
    """Shape → focus nodes (in N-Triples syntax) that do not conform; the union of the store's graphs
    is the data graph."""
    found: dict[str, set[str]] = {}
    for query in queries:
        solutions = cast(ox.QuerySolutions, store.query(query.sparql, use_default_graph_as_union=True))  # a SELECT
        nodes = {str(row["this"]) for row in solutions}
        if nodes:
            found[query.shape] = nodes
    return found


def mixin_triples(ontology: rdflib.Graph) -> list[ox.Triple]:
    """What pyshacl adds to a data graph from ``ont_graph`` (its ``inoculate``: class and property
    axioms, named individuals): the compiled queries must see the same data graph."""
    # pyshacl 0.40 types the data graph as its own wrapper; what it reads of it is an rdflib graph's API.
    return from_rdflib(inoculate(rdflib.Graph(), ontology))  # type: ignore[arg-type]


def ill_typed_literals(literals: Iterable[ox.Literal]) -> list[ox.Literal]:
    """Literals whose lexical form rdflib (and so pyshacl's sh:datatype) rejects for their datatype."""
    plain = {XSD.string.toPython(), RDF.langString.toPython()}
    return [
        literal
        for literal in literals
        if literal.datatype.value not in plain
        and rdflib.Literal(literal.value, datatype=rdflib.URIRef(literal.datatype.value)).ill_typed
    ]


def _top_level_shapes(shapes: rdflib.Graph) -> set[rdflib.term.Node]:
    found = {s for target in TARGETS for s in shapes.subjects(target, None)}
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes.subjects(RDF.type, kind):
            if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
                found.add(shape)  # implicit class target
    return found


def _deactivated(shapes: rdflib.Graph, shape: rdflib.term.Node) -> bool:
    value = shapes.value(shape, SH.deactivated)
    return isinstance(value, rdflib.Literal) and value.toPython() is True


HANDLED = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    *COMPARISONS,
    *PAIR_COMPARISONS,
    SH.minLength,
    SH.maxLength,
    SH.pattern,
    SH.languageIn,
    SH["in"],
    SH.closed,
    SH.node,
    SH.property,
    SH["not"],
    SH["and"],
    SH["or"],
    SH.xone,
    SH.minCount,
    SH.maxCount,
    SH.hasValue,
    SH.uniqueLang,
    SH.equals,
    SH.disjoint,
    SH.qualifiedValueShape,
}


class _Compiler:
    def __init__(self, shapes: rdflib.Graph, source: str) -> None:
        self.g = shapes
        self.source = source
        self.counter = 0

    # --- helpers ---------------------------------------------------------------------------------

    def fresh(self) -> str:
        self.counter += 1
        return f"?v{self.counter}"

    def refuse(self, shape: rdflib.term.Node, what: str) -> UnsupportedShape:
        return UnsupportedShape(
            self.source, None, f"shape {shape.n3()}: {what} is not compiled to SPARQL; validate with --shacl pyshacl"
        )

    def one(self, shape: rdflib.term.Node, parameter: rdflib.URIRef) -> Any:
        values = list(self.g.objects(shape, parameter))
        if len(values) > 1:
            raise self.refuse(shape, f"more than one {parameter.n3(self.g.namespace_manager)}")
        return values[0] if values else None

    def items(self, node: rdflib.term.Node) -> list[rdflib.term.Node]:
        return list(Collection(self.g, node))

    def term(self, shape: rdflib.term.Node, node: rdflib.term.Node) -> str:
        if isinstance(node, rdflib.BNode):
            raise self.refuse(shape, "a blank node as a constraint value")
        return node.n3()

    def integer(self, shape: rdflib.term.Node, parameter: rdflib.URIRef) -> int | None:
        value = self.one(shape, parameter)
        if value is None:
            return None
        if not isinstance(value, rdflib.Literal) or not isinstance(value.toPython(), int):
            raise self.refuse(shape, f"a non-integer {parameter.n3(self.g.namespace_manager)}")
        return int(value.toPython())

    def check_known(self, shape: rdflib.term.Node) -> None:
        for parameter in set(self.g.predicates(shape, None)):
            if str(parameter).startswith(str(SH)) and parameter not in NOT_CONSTRAINTS and parameter not in HANDLED:
                raise self.refuse(shape, parameter.n3(self.g.namespace_manager))
        severity = self.one(shape, SH.severity)
        if severity is not None and severity != SH.Violation:
            raise self.refuse(shape, f"severity {severity.n3(self.g.namespace_manager)} on a nested shape")
        if self.one(shape, SH.qualifiedValueShapesDisjoint) not in (None, rdflib.Literal(False)):
            raise self.refuse(shape, "sh:qualifiedValueShapesDisjoint true")

    # --- paths and targets -----------------------------------------------------------------------

    def path(self, shape: rdflib.term.Node, node: rdflib.term.Node) -> str:
        if isinstance(node, rdflib.URIRef):
            return node.n3()
        if (node, RDF.first, None) in self.g:
            return "(" + "/".join(self.path(shape, item) for item in self.items(node)) + ")"
        for parameter, template in (
            (SH.inversePath, "^({})"),
            (SH.zeroOrMorePath, "({})*"),
            (SH.oneOrMorePath, "({})+"),
            (SH.zeroOrOnePath, "({})?"),
        ):
            inner = self.g.value(node, parameter)
            if inner is not None:
                return template.format(self.path(shape, inner))
        alternatives = self.g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(shape, item) for item in self.items(alternatives)) + ")"
        raise self.refuse(shape, "this property path")

    def targets(self, shape: rdflib.term.Node) -> str:
        patterns = [f"{{ ?this {INSTANCE_OF} {self.term(shape, c)} }}" for c in self.g.objects(shape, SH.targetClass)]
        if (shape, RDF.type, RDFS.Class) in self.g or (shape, RDF.type, OWL.Class) in self.g:
            patterns.append(f"{{ ?this {INSTANCE_OF} {self.term(shape, shape)} }}")
        patterns += [f"{{ VALUES ?this {{ {self.term(shape, n)} }} }}" for n in self.g.objects(shape, SH.targetNode)]
        patterns += [f"{{ ?this {self.term(shape, p)} [] }}" for p in self.g.objects(shape, SH.targetSubjectsOf)]
        patterns += [f"{{ [] {self.term(shape, p)} ?this }}" for p in self.g.objects(shape, SH.targetObjectsOf)]
        return " UNION ".join(patterns)

    # --- conformance -----------------------------------------------------------------------------

    def conforms(self, shape: rdflib.term.Node, focus: str) -> str:
        """A SPARQL expression true when the node bound to ``focus`` conforms to ``shape``."""
        self.check_known(shape)
        if _deactivated(self.g, shape):
            return "true"
        path_node = self.one(shape, SH.path)
        if path_node is None:
            parts = self.value_conditions(shape, focus)
            parts += self.set_conditions(shape, focus, lambda v, bound: _same_node(v, focus, bound))
        else:
            path = self.path(shape, path_node)
            values = self.fresh()
            value_parts = self.value_conditions(shape, values)
            parts = [f"NOT EXISTS {{ {focus} {path} {values} FILTER (!{_all(value_parts)}) }}"] if value_parts else []
            parts += self.set_conditions(shape, focus, lambda v, _bound: f"{focus} {path} {v} .")
        return _all(parts)

    def value_conditions(self, shape: rdflib.term.Node, v: str) -> list[str]:
        """Conditions on one value node (the focus itself for a node shape)."""
        parts = [f"EXISTS {{ {v} {INSTANCE_OF} {self.term(shape, c)} }}" for c in self.g.objects(shape, SH["class"])]
        for datatype in self.g.objects(shape, SH.datatype):
            parts.append(_datatype(datatype, v))
        for kind in self.g.objects(shape, SH.nodeKind):
            if kind not in NODE_KINDS:
                raise self.refuse(shape, f"node kind {kind.n3()}")
            parts.append(NODE_KINDS[kind].format(v=v))
        for parameter, operator in COMPARISONS.items():
            for bound in self.g.objects(shape, parameter):
                parts.append(f"COALESCE({v} {operator} {self.term(shape, bound)}, false)")
        for parameter, operator in ((SH.minLength, ">="), (SH.maxLength, "<=")):
            length = self.integer(shape, parameter)
            if length is not None:
                parts.append(f"(!isBlank({v}) && COALESCE(STRLEN(STR({v})) {operator} {length}, false))")
        flags = self.one(shape, SH.flags)
        kept_flags = "".join(
            f for f in "im" if flags is not None and f in str(flags).lower()
        )  # pyshacl reads only i, m
        for pattern in self.g.objects(shape, SH.pattern):
            regex = rdflib.Literal(str(pattern)).n3()
            parts.append(f'(!isBlank({v}) && COALESCE(REGEX(STR({v}), {regex}, "{kept_flags}"), false))')
        for ranges in self.g.objects(shape, SH.languageIn):
            parts.append(_language_in([str(r).lower() for r in self.items(ranges)], v))
        for members in self.g.objects(shape, SH["in"]):
            options = [f"sameTerm({v}, {self.term(shape, m)})" for m in self.items(members)]
            parts.append("(" + " || ".join(options) + ")" if options else "false")
        for closed in self.g.objects(shape, SH.closed):
            if isinstance(closed, rdflib.Literal) and closed.toPython() is True:
                parts.append(self.closed(shape, v))
        for other in self.g.objects(shape, SH.node):
            parts.append(self.conforms(other, v))
        for prop in self.g.objects(shape, SH.property):
            parts.append(self.conforms(prop, v))
        for other in self.g.objects(shape, SH["not"]):
            parts.append(f"!{self.conforms(other, v)}")
        for members in self.g.objects(shape, SH["and"]):
            parts.append(_all(self.conforms(m, v) for m in self.items(members)))
        for members in self.g.objects(shape, SH["or"]):
            options = [self.conforms(m, v) for m in self.items(members)]
            parts.append("(" + " || ".join(options) + ")" if options else "false")
        for members in self.g.objects(shape, SH.xone):
            options = [f"IF({self.conforms(m, v)}, 1, 0)" for m in self.items(members)]
            parts.append("((" + " + ".join(options) + ") = 1)" if options else "false")
        return parts

    def set_conditions(self, shape: rdflib.term.Node, focus: str, values: Values) -> list[str]:
        """Conditions on the set of value nodes: counts, pairs, qualified shapes."""
        parts = []
        minimum = self.integer(shape, SH.minCount)
        if minimum:
            parts.append(f"EXISTS {{ {self.distinct(values, minimum)} }}")
        maximum = self.integer(shape, SH.maxCount)
        if maximum is not None:
            parts.append(f"NOT EXISTS {{ {self.distinct(values, maximum + 1)} }}")
        for value in self.g.objects(shape, SH.hasValue):
            v = self.fresh()
            parts.append(f"EXISTS {{ {values(v, False)} FILTER (sameTerm({v}, {self.term(shape, value)})) }}")
        unique = self.one(shape, SH.uniqueLang)
        if unique is not None and unique.toPython() is True:
            a, b = self.fresh(), self.fresh()
            parts.append(
                f"NOT EXISTS {{ {values(a, False)} {values(b, False)} FILTER (!sameTerm({a}, {b}) && "
                f'isLiteral({a}) && isLiteral({b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))) }}'
            )
        for other in self.g.objects(shape, SH.equals):
            a = self.fresh()
            p = self.term(shape, other)
            parts.append(f"NOT EXISTS {{ {values(a, False)} FILTER NOT EXISTS {{ {focus} {p} {a} }} }}")
            parts.append(f"NOT EXISTS {{ {focus} {p} {a} FILTER NOT EXISTS {{ {values(a, True)} }} }}")
        for other in self.g.objects(shape, SH.disjoint):
            a = self.fresh()
            parts.append(f"NOT EXISTS {{ {values(a, False)} {focus} {self.term(shape, other)} {a} . }}")
        for parameter, operator in PAIR_COMPARISONS.items():
            for other in self.g.objects(shape, parameter):
                a, b = self.fresh(), self.fresh()
                parts.append(
                    f"NOT EXISTS {{ {values(a, False)} {focus} {self.term(shape, other)} {b} . "
                    f"FILTER (!COALESCE({a} {operator} {b}, false)) }}"
                )
        qualified = self.one(shape, SH.qualifiedValueShape)
        if qualified is not None:
            low = self.integer(shape, SH.qualifiedMinCount)
            high = self.integer(shape, SH.qualifiedMaxCount)
            if low:
                parts.append(f"EXISTS {{ {self.distinct(values, low, qualified)} }}")
            if high is not None:
                parts.append(f"NOT EXISTS {{ {self.distinct(values, high + 1, qualified)} }}")
        return parts

    def distinct(self, values: Values, count: int, shape: rdflib.term.Node | None = None) -> str:
        """A pattern matching ``count`` distinct value nodes (each conforming to ``shape`` if given)."""
        names = [self.fresh() for _ in range(count)]
        tests = [f"!sameTerm({a}, {b})" for a, b in combinations(names, 2)]
        if shape is not None:
            tests += [self.conforms(shape, n) for n in names]
        pattern = " ".join(values(n, False) for n in names)
        return pattern + (f" FILTER ({' && '.join(tests)})" if tests else "")

    def closed(self, shape: rdflib.term.Node, v: str) -> str:
        allowed = [self.g.value(p, SH.path) for p in self.g.objects(shape, SH.property)]
        for ignored in self.g.objects(shape, SH.ignoredProperties):
            allowed += self.items(ignored)
        names = ", ".join(p.n3() for p in allowed if isinstance(p, rdflib.URIRef))
        p = self.fresh()
        test = f"FILTER ({p} NOT IN ({names}))" if names else ""
        return f"NOT EXISTS {{ {v} {p} [] {test} }}"


def _same_node(v: str, focus: str, bound: bool) -> str:
    return f"FILTER (sameTerm({v}, {focus}))" if bound else f"BIND ({focus} AS {v})"


def _datatype(datatype: rdflib.term.Node, v: str) -> str:
    """pyshacl's sh:datatype (ill-typed literals are caught before): a language-tagged string only
    for rdf:langString, a plain one for xsd:string, any literal for rdfs:Literal."""
    if datatype == RDF.langString:
        return f'(isLiteral({v}) && LANG({v}) != "")'
    if datatype == XSD.string:
        return f'(isLiteral({v}) && LANG({v}) = "" && sameTerm(DATATYPE({v}), {XSD.string.n3()}))'
    if datatype == RDFS.Literal:
        return f"isLiteral({v})"
    if datatype == RDFS.Datatype:  # rdflib gives plain and language-tagged strings no datatype
        return f'(isLiteral({v}) && LANG({v}) = "" && !sameTerm(DATATYPE({v}), {XSD.string.n3()}))'
    return f'(isLiteral({v}) && LANG({v}) = "" && sameTerm(DATATYPE({v}), {datatype.n3()}))'


def _language_in(ranges: list[str], v: str) -> str:
    """pyshacl's sh:languageIn: the tag, or its first subtag, lower-cased, is one of the ranges."""
    if "*" in ranges:
        return f'(isLiteral({v}) && LANG({v}) != "")'
    listed = ", ".join(rdflib.Literal(r).n3() for r in ranges) or '""'
    first = f'LCASE(STRBEFORE(CONCAT(LANG({v}), "-"), "-"))'
    return f'(isLiteral({v}) && LANG({v}) != "" && (LCASE(LANG({v})) IN ({listed}) || {first} IN ({listed})))'


def _all(parts: Iterable[str]) -> str:
    parts = list(parts)
    return "(" + " && ".join(parts) + ")" if parts else "true"


def describe(found: dict[str, set[str]]) -> Iterator[str]:
    """Lines naming each shape and a few of its failing focus nodes, for messages and tests."""
    for shape, nodes in sorted(found.items()):
        shown = ", ".join(sorted(nodes)[:3]) + (" …" if len(nodes) > 3 else "")
        yield f"{shape}: {shown}"
