"""The provenance model in RDF: a document, its claims, their evidence and the load that made them.

Every asserted triple lives in the named graph of its claim; the claim's IRI names that graph and,
in the document's provenance graph, says where the claim comes from: the document (PROV-O), the
exact quote and its code-point offsets (W3C Web Annotation selectors), who it is attributed to, its
epistemic status, and the load activity that generated it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

import dprk_kg
from dprk_kg.iris import Iris
from dprk_kg.loaders.rdf.terms import expand, iri, text, typed
from dprk_kg.loaders.sources.claims import MODALITIES, STATUSES, Claim
from dprk_kg.loaders.sources.documents import Document, issued_type
from dprk_kg.vocabulary import DCTERMS, DKG, FOAF, OA, PROV, RDF, RDFS, SCHEMA, XSD, base_prefixes


@dataclass(frozen=True)
class Activity:
    """A load of one document: what it used, which software ran it, and when."""

    iri: str
    label: str
    used: tuple[str, ...]
    agent: str
    started: str  # xsd:dateTime
    ended: str


def now() -> str:
    """The current time as an xsd:dateTime in UTC, to the second: when an activity starts or ends."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def document_quads(document: Document, iris: Iris, source_files: dict[str, str]) -> Iterator[ox.Quad]:
    """Bibliographic description of the document, with its full text (so offsets can be checked)."""
    graph = iri(iris.provenance_graph(document.id))
    doc = iri(iris.document(document.id))
    prefixes = base_prefixes(iris.base)

    def quad(p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> ox.Quad:
        return ox.Quad(doc, p, o, graph)

    yield quad(RDF.type, iri(expand(document.type, prefixes)))
    yield quad(RDF.type, FOAF.Document)
    yield quad(RDF.type, DKG.SourceDocument)
    yield quad(RDFS.label, text(document.title, document.language))
    yield quad(DCTERMS.title, text(document.title, document.language))
    yield quad(DCTERMS.publisher, iri(iris.entity(document.publisher)))
    for author in document.authors:
        yield quad(DCTERMS.creator, iri(iris.entity(author)))
    yield quad(DCTERMS.language, typed(document.language, XSD.language))
    yield quad(DKG.documentId, text(document.id, None))
    yield quad(SCHEMA.text, text(document.text, None))
    if document.dateline:
        yield quad(DKG.dateline, text(document.dateline, None))
    if document.issued:
        yield quad(DCTERMS.issued, typed(document.issued, issued_type(document.issued)))
    if document.date_note:
        yield quad(DKG.dateNote, text(document.date_note.strip()))
    if document.note:
        yield quad(DKG.curatorNote, text(document.note.strip()))
    if document.url:
        yield quad(SCHEMA.url, iri(document.url))
        yield quad(DKG.checkedAgainst, text(f"url: {document.url_checked}", None))
    for source in source_files.values():
        yield quad(DCTERMS.source, iri(source))


def claim_quads(
    document: Document, claim: Claim, iris: Iris, activity: Activity, claims_source: str
) -> Iterator[ox.Quad]:
    """The claim's own graph (its asserted triples) and its description in the provenance graph."""
    name = iri(iris.claim(document.id, claim.id))
    for triple in claim.triples:
        yield ox.Quad(triple.subject, triple.predicate, triple.object, name)

    graph = iri(iris.provenance_graph(document.id))
    doc = iri(iris.document(document.id))

    def quad(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> ox.Quad:
        return ox.Quad(s, p, o, graph)

    yield quad(name, RDF.type, DKG.Claim)
    yield quad(name, DKG.claimId, text(claim.id, None))
    yield quad(name, PROV.wasDerivedFrom, doc)
    yield quad(name, PROV.wasAttributedTo, iri(iris.entity(claim.attributed_to)))
    yield quad(name, DKG.epistemicStatus, STATUSES[claim.status])
    if not claim.factual:
        yield quad(name, RDF.type, DKG.NonFactual)
    yield quad(name, PROV.wasGeneratedBy, iri(activity.iri))
    yield quad(name, DKG.assertsTriples, typed(len(claim.triples), XSD.integer))
    yield quad(name, DCTERMS.source, iri(claims_source))
    if claim.modality:
        yield quad(name, DKG.modality, MODALITIES[claim.modality])
    if claim.hedge:
        yield quad(name, DKG.hedge, text(claim.hedge, document.language))
    if claim.basis:
        yield quad(name, DKG.basis, text(claim.basis.strip()))
    if claim.note:
        yield quad(name, DKG.curatorNote, text(claim.note.strip()))
    for number, evidence in enumerate(claim.evidence, start=1):
        target = iri(f"{name.value}#evidence-{number}")
        quote = iri(f"{name.value}#quote-{number}")
        position = iri(f"{name.value}#position-{number}")
        yield quad(name, DKG.evidence, target)
        yield quad(target, RDF.type, OA.SpecificResource)
        yield quad(target, OA.hasSource, doc)
        yield quad(target, OA.hasSelector, quote)
        yield quad(target, OA.hasSelector, position)
        yield quad(quote, RDF.type, OA.TextQuoteSelector)
        yield quad(quote, OA.exact, text(evidence.exact, None))
        yield quad(quote, OA.prefix, text(evidence.prefix, None))
        yield quad(quote, OA.suffix, text(evidence.suffix, None))
        yield quad(position, RDF.type, OA.TextPositionSelector)
        yield quad(position, OA.start, typed(evidence.start, XSD.nonNegativeInteger))
        yield quad(position, OA.end, typed(evidence.end, XSD.nonNegativeInteger))


def activity_quads(activity: Activity, graph: str) -> Iterator[ox.Quad]:
    node = iri(activity.iri)
    g = iri(graph)
    yield ox.Quad(node, RDF.type, DKG.LoadActivity, g)
    yield ox.Quad(node, RDF.type, PROV.Activity, g)
    yield ox.Quad(node, RDFS.label, text(activity.label), g)
    yield ox.Quad(node, PROV.wasAssociatedWith, iri(activity.agent), g)
    yield ox.Quad(node, PROV.startedAtTime, typed(activity.started, XSD.dateTime), g)
    yield ox.Quad(node, PROV.endedAtTime, typed(activity.ended, XSD.dateTime), g)
    for used in activity.used:
        yield ox.Quad(node, PROV.used, iri(used), g)


def source_file_quads(source: str, name: str, sha256: str, graph: str) -> Iterator[ox.Quad]:
    node = iri(source)
    g = iri(graph)
    yield ox.Quad(node, RDF.type, DKG.DataSource, g)
    yield ox.Quad(node, RDFS.label, text(name, None), g)
    yield ox.Quad(node, DKG.sha256, text(sha256, None), g)


def agent_quads(agent: str, graph: str) -> Iterator[ox.Quad]:
    """The software agent every activity is associated with: this version of dprk-kg."""
    node = iri(agent)
    g = iri(graph)
    yield ox.Quad(node, RDF.type, DKG.SoftwareAgent, g)
    yield ox.Quad(node, RDFS.label, text(f"dprk-kg {dprk_kg.__version__}"), g)
    yield ox.Quad(node, SCHEMA.softwareVersion, text(dprk_kg.__version__, None), g)
