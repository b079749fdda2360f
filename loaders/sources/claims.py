"""Curated claims files: each claim names its quote, the triples it asserts (Turtle), who it is
attributed to in the text and its epistemic status.

Everything a curator can get wrong is checked here with the file and line: unknown fields, a quote
not in the text, a Turtle error, a blank node, an ill-formed date or number, a duplicate id, a hedge
that is not in the quote, an inference without its basis.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from dprk_kg.errors import InputError
from dprk_kg.iris import is_slug
from dprk_kg.loaders.sources.documents import Document
from dprk_kg.loaders.sources.literals import PARTIAL_DATE_TYPES, date_form, is_valid
from dprk_kg.loaders.sources.quotes import Evidence, QuoteError, locate
from dprk_kg.loaders.sources.yaml_source import Located, check_keys, read_yaml, require_mapping
from dprk_kg.relative_dates import UnsupportedExpression, occurrence_at, resolve
from dprk_kg.vocabulary import DKG, turtle_prefix_line

STATUSES = {"stated": DKG.Stated, "reported": DKG.Reported, "inferred": DKG.Inferred, "opinion": DKG.Opinion}
MODALITIES = {
    "expected": DKG.Expected,
    "planned": DKG.Planned,
    "uncertain": DKG.Uncertain,
    "instructed": DKG.Instructed,
    "possible": DKG.Possible,
}
FILE_FIELDS = {"document", "defaults", "claims", "distinct_from"}
DEFAULT_FIELDS = {"attributed_to", "status", "curator"}
CLAIM_FIELDS = {"id", "quote", "occurrence", "status", "attributed_to", "modality", "hedge", "basis", "note", "assert"}
DATE_PROPERTIES = frozenset({DKG.uri("date"), DKG.uri("expectedEnd")})
# ``dated:`` makes a second, inferred claim dating a subject from a relative date in the quote ("last
# June"). Kept apart from CLAIM_FIELDS, the fields the curation page drafts (server/curation/draft.py).
DATED = "dated"
DATED_FIELDS = {"subject", "property", "expression", "reference", "basis", "tense"}
# What the default graph holds as fact: what a source states or reports, without a modality.
FACTUAL_STATUSES = frozenset({"stated", "reported"})


@dataclass(frozen=True)
class Claim:
    """One curated claim, its quotes located in the text and its triples parsed."""

    id: str
    line: int
    evidence: tuple[Evidence, ...]
    status: str
    attributed_to: str
    attributed_line: int
    modality: str | None
    hedge: str | None
    basis: str | None
    note: str | None
    triples: tuple[ox.Triple, ...]
    turtle: str
    turtle_line: int  # file line of the Turtle's first line

    @property
    def factual(self) -> bool:
        """Whether the default graph holds the claim's triples: a source states or reports them as
        fact. A curator's inference, an opinion, or what the text calls uncertain, possible, planned,
        expected or instructed stays in its claim graph (and the complete view), never in the default."""
        return self.status in FACTUAL_STATUSES and self.modality is None

    def line_mentioning(self, *fragments: str) -> int:
        """The file line of the first Turtle line containing all ``fragments`` (else the first), so an
        error can point at the offending line rather than the claim."""
        return self.turtle_line + _line_index(self.turtle, *fragments)


@dataclass(frozen=True)
class ClaimsFile:
    path: Path
    claims: tuple[Claim, ...]
    # entity this document introduces → the entities (ids) its curator says it is not, despite a name
    # the normaliser finds the same (``distinct_from:``), and the file line that says so
    distinct_from: tuple[tuple[str, tuple[str, ...], int], ...] = ()

    def distinct(self, slug: str) -> frozenset[str]:
        """The entities the file says ``slug`` is not."""
        return frozenset(other for entity, others, _ in self.distinct_from if entity == slug for other in others)


def read_claims(path: Path, document: Document, prefixes: dict[str, str]) -> ClaimsFile:
    """Parse and check a claims file against its document's text."""
    root = require_mapping(read_yaml(path), path, 1, "claims file")
    check_keys(root, path, FILE_FIELDS, {"document", "claims"}, "claims file")
    if root["document"] != document.id:
        raise InputError(path, root.line_of("document"), f"document is {root['document']!r}, expected {document.id!r}")
    defaults = require_mapping(
        root.get("defaults") or Located.empty(root.line), path, root.line_of("defaults"), "defaults"
    )
    check_keys(defaults, path, DEFAULT_FIELDS, set(), "defaults")
    if not isinstance(root["claims"], list):  # empty until curated: a document added, not yet read
        raise InputError(path, root.line_of("claims"), "claims must be a list (`claims: []` until curated)")
    prefix_line = turtle_prefix_line(prefixes)
    claims: list[Claim] = []
    seen: dict[str, str] = {}
    for item in root["claims"]:
        raw = require_mapping(item, path, root.line_of("claims"), "a claim")
        claim = _read_claim(raw, defaults, document, path, prefix_line)
        for made in (claim, *_dated_claim(raw, claim, defaults, document, path, prefix_line)):
            if made.id in seen:
                raise InputError(path, made.line, f"duplicate claim id {made.id!r} (first {seen[made.id]})")
            seen[made.id] = f"on line {made.line}" + ("" if made is claim else f", made by {DATED}: of {claim.id!r}")
            claims.append(made)
    return ClaimsFile(path, tuple(claims), _distinct_from(root, path))


def _distinct_from(root: Located, path: Path) -> tuple[tuple[str, tuple[str, ...], int], ...]:
    """``distinct_from: {new-entity: [other-id, …]}``: entities named alike that are not the same."""
    if "distinct_from" not in root:
        return ()
    line = root.line_of("distinct_from")
    section = require_mapping(root["distinct_from"], path, line, "distinct_from")
    found = []
    for slug, others in section.items():
        where = section.line_of(slug)
        others = [others] if isinstance(others, str) else others
        if not (isinstance(slug, str) and is_slug(slug)) or not (
            isinstance(others, list) and others and all(isinstance(o, str) and is_slug(o) for o in others)
        ):
            raise InputError(
                path, where, f"distinct_from: {slug!r} must map an entity id to a list of entity ids it is not"
            )
        found.append((slug, tuple(others), where))
    return tuple(found)


def _read_claim(raw: Located, defaults: Located, document: Document, path: Path, prefix_line: str) -> Claim:
    check_keys(raw, path, CLAIM_FIELDS | {DATED}, {"id", "quote", "assert"}, "claim")
    claim_id = raw["id"]
    if not isinstance(claim_id, str) or not is_slug(claim_id):
        raise InputError(path, raw.line_of("id"), f"claim id {claim_id!r} must be a lowercase slug")
    where = f"claim {claim_id!r}"

    status = raw.get("status", defaults.get("status"))
    if status not in STATUSES:
        raise InputError(path, raw.line_of("status"), f"{where}: status {status!r} is not one of {sorted(STATUSES)}")
    modality = raw.get("modality")
    if modality is not None and modality not in MODALITIES:
        raise InputError(
            path, raw.line_of("modality"), f"{where}: modality {modality!r} is not one of {sorted(MODALITIES)}"
        )

    if status == "inferred":
        attributed_key = "attributed_to" if "attributed_to" in raw else "curator"
        attributed = raw.get("attributed_to", defaults.get("curator"))
        if not _text(raw.get("basis")):
            raise InputError(path, raw.line, f"{where}: an inferred claim must give its 'basis'")
    else:
        attributed_key = "attributed_to"
        attributed = raw.get("attributed_to", defaults.get("attributed_to"))
    if not isinstance(attributed, str) or not is_slug(attributed):
        raise InputError(path, raw.line, f"{where}: attributed_to {attributed!r} must be an entity id")
    attributed_line = raw.line_of("attributed_to") if "attributed_to" in raw else defaults.line_of(attributed_key)

    evidence = _evidence(raw, document, path, where)
    hedge = raw.get("hedge")
    if hedge is not None and (not _text(hedge) or not any(hedge.casefold() in e.exact.casefold() for e in evidence)):
        raise InputError(path, raw.line_of("hedge"), f"{where}: hedge {hedge!r} is not in the quote")
    for key in ("basis", "note"):
        if raw.get(key) is not None and not _text(raw[key]):
            raise InputError(path, raw.line_of(key), f"{where}: {key} must be text")

    turtle = raw["assert"]
    if not _text(turtle):
        raise InputError(path, raw.line_of("assert"), f"{where}: assert must be Turtle text")
    turtle_line = raw.line_of("assert") + (1 if "assert" in raw.block_keys else 0)
    triples = _parse_turtle(turtle, prefix_line, path, turtle_line, where)
    return Claim(
        id=claim_id,
        line=raw.line,
        evidence=evidence,
        status=status,
        attributed_to=attributed,
        attributed_line=attributed_line,
        modality=modality,
        hedge=hedge,
        basis=raw.get("basis"),
        note=raw.get("note"),
        triples=triples,
        turtle=turtle,
        turtle_line=turtle_line,
    )


def _dated_claim(
    raw: Located, claim: Claim, defaults: Located, document: Document, path: Path, prefix_line: str
) -> tuple[Claim, ...]:
    """The inferred claim a ``dated:`` field makes: its subject dated as the relative date expression of
    the quote resolves (dprk_kg/relative_dates.py) from the document's ``issued`` date, or from the
    ``reference`` the curator gives (with a ``basis``: why that date); attributed to the file's curator,
    the arithmetic as its basis, the expression as its quote. Never a guess: an expression the anchor
    does not determine is an error saying why."""
    if DATED not in raw:
        return ()
    line = raw.line_of(DATED)
    where = f"claim {claim.id!r}: {DATED}"
    dated = require_mapping(raw[DATED], path, line, where)
    check_keys(dated, path, DATED_FIELDS, {"subject", "expression"}, where)
    subject, expression = dated["subject"], dated["expression"]
    if not (isinstance(subject, str) and subject.startswith("id:") and is_slug(subject[3:])):
        raise InputError(path, dated.line_of("subject"), f"{where}: subject {subject!r} must be an entity id: IRI")
    properties = {f"dkg:{local_name(iri)}": iri for iri in DATE_PROPERTIES}
    prop = dated.get("property", "dkg:date")
    if prop not in properties:
        raise InputError(
            path, dated.line_of("property"), f"{where}: property {prop!r} is not one of {sorted(properties)}"
        )
    evidence = _expression_evidence(expression, claim, document, path, dated.line_of("expression"), where)
    given = dated.get("reference")  # a bare year reads as a number
    if given is not None and not (_text(given) or (isinstance(given, int) and not isinstance(given, bool))):
        raise InputError(path, dated.line_of("reference"), f"{where}: reference must be a date, YYYY[-MM[-DD]]")
    reference = None if given is None else str(given)
    if reference is not None and not _text(dated.get("basis")):
        raise InputError(path, dated.line_of("reference"), f"{where}: a reference needs its 'basis': why that date")
    if dated.get("basis") is not None and not _text(dated["basis"]):
        raise InputError(path, dated.line_of("basis"), f"{where}: basis must be text")
    tense = dated.get("tense")
    if tense not in (None, "past", "future"):
        raise InputError(path, dated.line_of("tense"), f"{where}: tense {tense!r} is not 'past' or 'future'")
    try:
        resolution = resolve(expression, document.issued, reference, tense)
    except UnsupportedExpression as error:
        raise InputError(path, dated.line_of("expression"), f"{where}: {error}") from error
    except ValueError as error:
        raise InputError(path, dated.line_of("reference"), f"{where}: reference {error}") from error
    if resolution.value is None or resolution.datatype is None:
        hint = ""
        if reference is None and (resolution.needs_reference or document.issued is None):
            counted = "the event it counts from" if resolution.needs_reference else "the report's date as you take it"
            undated = "" if resolution.needs_reference else f" ({document.files.meta.name} has no 'issued')"
            hint = f"{undated}: give 'reference: YYYY[-MM[-DD]]', {counted}, and its 'basis'"
        raise InputError(path, dated.line_of("expression"), f"{where}: {resolution.reason}{hint}")
    curator = defaults.get("curator")
    if not isinstance(curator, str) or not is_slug(curator):
        raise InputError(path, line, f"{where}: the inferred claim it makes is the curator's: give defaults: curator")
    turtle = f'{subject} {prop} "{resolution.value}"^^xsd:{local_name(resolution.datatype)}'
    if resolution.qualifier is not None:
        turtle += f" ; dkg:dateQualifier dkg:{local_name(resolution.qualifier)}"
    turtle += " ."
    basis = resolution.basis or ""
    if dated.get("basis"):
        basis += " " + " ".join(dated["basis"].split())
    return (
        Claim(
            id=f"{claim.id}-date",
            line=line,
            evidence=(evidence,),
            status="inferred",
            attributed_to=curator,
            attributed_line=defaults.line_of("curator"),
            modality=None,
            hedge=None,
            basis=basis,
            note=None,
            triples=_parse_turtle(turtle, prefix_line, path, line, where),
            turtle=turtle,
            turtle_line=line,
        ),
    )


def _expression_evidence(
    expression: Any, claim: Claim, document: Document, path: Path, line: int, where: str
) -> Evidence:
    """Where the expression stands: once, inside the claim's quote (its offsets in the whole text)."""
    if not _text(expression):
        raise InputError(path, line, f"{where}: expression must be the relative date's words in the quote")
    count = sum(evidence.exact.count(expression) for evidence in claim.evidence)
    if count != 1:
        said = "is not in the claim's quote" if count == 0 else f"occurs {count} times in the claim's quote"
        raise InputError(
            path, line, f"{where}: expression {expression!r} {said}; write it exactly as the quote does, once"
        )
    holding = next(evidence for evidence in claim.evidence if expression in evidence.exact)
    start = holding.start + holding.exact.index(expression)
    occurrence = occurrence_at(document.text, expression, start)
    if occurrence == 0:  # it overlaps an earlier occurrence of itself: a quote could not point at it
        raise InputError(
            path, line, f"{where}: expression {expression!r} cannot be quoted where it stands; lengthen it"
        )
    return locate(document.text, expression, occurrence)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _evidence(raw: Located, document: Document, path: Path, where: str) -> tuple[Evidence, ...]:
    quotes = raw["quote"] if isinstance(raw["quote"], list) else [raw["quote"]]
    occurrence = raw.get("occurrence")
    if occurrence is not None and (not isinstance(occurrence, int) or len(quotes) != 1):
        raise InputError(path, raw.line_of("occurrence"), f"{where}: occurrence must be a number, with a single quote")
    located = []
    for quote in quotes:
        if not _text(quote):
            raise InputError(path, raw.line_of("quote"), f"{where}: each quote must be non-empty text")
        try:
            located.append(locate(document.text, quote, occurrence))
        except QuoteError as error:
            raise InputError(path, raw.line_of("quote"), f"{where}: {error} (in {document.files.text.name})") from error
    return tuple(located)


def _parse_turtle(turtle: str, prefix_line: str, path: Path, first_line: int, where: str) -> tuple[ox.Triple, ...]:
    try:
        quads = list(ox.parse(prefix_line + "\n" + turtle, format=ox.RdfFormat.TURTLE))
    except SyntaxError as error:
        line = error.lineno - 2 + first_line if isinstance(error.lineno, int) and error.lineno > 1 else first_line
        message = str(error).split(": ", 1)[-1]
        raise InputError(path, line, f"{where}: Turtle syntax error: {message}") from error
    if not quads:
        raise InputError(path, first_line, f"{where}: assert holds no triples")
    triples = []
    for quad in quads:
        triple = quad.triple
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.BlankNode):
                line = (
                    first_line + _line_index(turtle, "[") if "[" in turtle else first_line + _line_index(turtle, "_:")
                )
                raise InputError(path, line, f"{where}: blank nodes are not allowed; name the node with an id: IRI")
        if isinstance(triple.object, ox.Literal):
            _check_literal(triple.object, triple.predicate, path, first_line, where, turtle)
        triples.append(triple)
    return tuple(triples)


def _check_literal(
    literal: ox.Literal, predicate: ox.NamedNode, path: Path, first_line: int, where: str, turtle: str
) -> None:
    datatype = literal.datatype.value
    line = first_line + _line_index(turtle, literal.value)
    if not is_valid(literal.value, datatype):
        hint = _date_hint(literal.value) if datatype in PARTIAL_DATE_TYPES else ""
        raise InputError(path, line, f"{where}: {literal.value!r} is not a valid {local_name(datatype)}{hint}")
    if predicate.value in DATE_PROPERTIES and datatype not in PARTIAL_DATE_TYPES:
        allowed = ", ".join(sorted(local_name(t) for t in PARTIAL_DATE_TYPES))
        raise InputError(
            path,
            line,
            f"{where}: a date must be typed as one of xsd:{{{allowed}}}, not {local_name(datatype)}"
            + _date_hint(literal.value),
        )


def _date_hint(value: str) -> str:
    """How to write a date whose lexical form belongs to another partial-date type ('2024-09' is an
    xsd:gYearMonth), or nothing when it is no date at all."""
    form = date_form(value)
    if form is None:
        return ""
    name = local_name(form)
    return f'; it is an xsd:{name}: write "{value}"^^xsd:{name}'


def local_name(iri: str) -> str:
    """The part of an IRI a curator writes after the prefix, to find the line that mentions it."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _line_index(turtle: str, *fragments: str) -> int:
    """0-based index of the first line holding all fragments, else the first holding the first one."""
    lines = turtle.splitlines()
    for wanted in (fragments, fragments[:1]):
        for index, line in enumerate(lines):
            if all(fragment in line for fragment in wanted):
                return index
    return 0
