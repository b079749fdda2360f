"""The SHACL gate: a batch is validated before anything of it is written.

The data graph of a batch holds its own triples and the registry entries it references, with the
ontology mixed in so class targets and ``sh:class`` see the class hierarchy. A violation rejects the
batch with a report naming the focus node, the path, the message, and the claims (document and
quote) the node came from.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from dprk_kg.errors import ValidationFailed, Violation
from dprk_kg.loaders.engines import PYSHACL_LIMIT, ShaclEngine
from dprk_kg.loaders.gate.compiled_shapes import (
    ShapeQuery,
    UnsupportedShape,
    compile_shapes,
    describe,
    ill_typed_literals,
    mixin_triples,
    violating_focus_nodes,
)
from dprk_kg.loaders.gate.working_store import batch_graph, working_store


class Gate:
    """The SHACL gate of one process: pyshacl, the reference, for small batches; beyond them the shapes
    compiled to SPARQL (``compiled_shapes``), ten times faster, which hand any batch they reject to
    pyshacl so that the report is pyshacl's. The gate judges a batch as the store will hold it
    (``working_store``). ``engine`` is a ``ShaclEngine`` or its name (a ``ValueError`` if it is neither)."""

    def __init__(
        self, shapes: rdflib.Graph, ontology: rdflib.Graph, engine: ShaclEngine | str = ShaclEngine.AUTO
    ) -> None:
        self.engine = ShaclEngine(engine)
        self.shapes = rdflib.Graph()  # a copy: pyshacl adds to the shapes graph it is given
        for triple in shapes:
            self.shapes.add(triple)
        self.ontology = ontology
        self.queries: list[ShapeQuery] | None = None
        if self.engine is not ShaclEngine.PYSHACL:
            try:
                self.queries = compile_shapes(shapes)
            except UnsupportedShape:
                if self.engine is ShaclEngine.COMPILED:
                    raise
        self.mixin = mixin_triples(ontology) if self.queries is not None else []

    def working_store(self, triples: Iterable[ox.Triple]) -> ox.Store:
        return working_store(triples, self.mixin)

    def validate(
        self, triples: Iterable[ox.Triple], *, batch: str, origins: Mapping[str, tuple[str, ...]] | None = None
    ) -> None:
        """Raise ``ValidationFailed`` if the triples do not conform; ``origins`` maps a node IRI to the
        claims or registry lines it came from, so the report can point at the source text."""
        self.check(self.working_store(triples), batch=batch, origins=origins)

    def check(self, store: ox.Store, *, batch: str, origins: Mapping[str, tuple[str, ...]] | None = None) -> None:
        """``validate`` for a batch already in a working store."""
        rejected: dict[str, set[str]] = {}
        if self.queries is not None and (
            self.engine is ShaclEngine.COMPILED or len(store) - len(self.mixin) > PYSHACL_LIMIT
        ):
            rejected = violating_focus_nodes(store, self.queries)
            literals = {q.object for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
            if not rejected and not ill_typed_literals(o for o in literals if isinstance(o, ox.Literal)):
                return
        violations = self._pyshacl(batch_graph(store), origins or {})
        if violations:
            raise ValidationFailed(batch, violations)
        if rejected:
            print(
                f"note: {batch}: the compiled shapes reject what pyshacl, the reference, accepts: "
                + "; ".join(describe(rejected)),
                file=sys.stderr,
            )

    def _pyshacl(self, graph: rdflib.Graph, origins: Mapping[str, tuple[str, ...]]) -> list[Violation]:
        conforms, report, _ = shacl_validate(
            graph,
            shacl_graph=self.shapes,
            ont_graph=self.ontology,
            inference="none",
            abort_on_first=False,
            allow_warnings=True,
        )
        if conforms:
            return []
        return sorted(_violations(report, origins), key=lambda v: (v.focus, v.path or "", v.message))


def _violations(report: rdflib.Graph, origins: Mapping[str, tuple[str, ...]]) -> Iterable[Violation]:
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        if severity != SH.Violation:
            continue
        focus = str(report.value(result, SH.focusNode))
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        message = report.value(result, SH.resultMessage) or "does not conform"
        yield Violation(
            focus=focus,
            path=_path_name(path),
            message=str(message),
            severity="Violation",
            value=value.n3() if value is not None else None,
            sources=origins.get(focus.split("#", 1)[0], ()) or origins.get(focus, ()),
        )


def _path_name(path: rdflib.term.Node | None) -> str | None:
    if path is None:
        return None
    return f"<{path}>" if isinstance(path, rdflib.URIRef) else str(path)
