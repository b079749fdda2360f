"""The SHACL gate: a batch is validated before anything of it is written.

The data graph of a batch holds its own triples and the registry entries it references, with the
ontology mixed in so class targets and ``sh:class`` see the class hierarchy. A violation rejects the
batch with a report naming the focus node, the path, the message, and the claims (document and
quote) the node came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from dprk_kg.errors import InputError, ValidationFailed, Violation
from dprk_kg.loaders.rdflib_bridge import to_rdflib


def load_shapes(directory: Path) -> rdflib.Graph:
    shapes = rdflib.Graph()
    files = sorted(directory.glob("*.ttl"))
    if not files:
        raise InputError(directory, None, "no shapes files (*.ttl) found")
    for path in files:
        try:
            shapes.parse(path, format="turtle")
        except Exception as error:  # rdflib raises several unrelated types for bad Turtle
            raise InputError(path, None, f"Turtle syntax error: {error}") from error
    return shapes


def count_shapes(shapes: rdflib.Graph) -> int:
    return len(set(shapes.subjects(rdflib.RDF.type, SH.NodeShape)))


def validate_triples(
    triples: Iterable[ox.Triple],
    *,
    shapes: rdflib.Graph,
    ontology: rdflib.Graph,
    batch: str,
    origins: Mapping[str, tuple[str, ...]] | None = None,
) -> None:
    """Raise ``ValidationFailed`` if the triples do not conform; ``origins`` maps a node IRI to the
    claims or registry lines it came from, so the report can point at the source text."""
    data = to_rdflib(triples)
    conforms, report, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
    )
    if conforms:
        return
    violations = sorted(_violations(report, origins or {}), key=lambda v: (v.focus, v.path or "", v.message))
    if violations:
        raise ValidationFailed(batch, violations)


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
