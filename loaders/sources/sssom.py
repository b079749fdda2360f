"""The mapping set (``ontology/mappings.sssom.tsv``): the one source of every link to Wikidata.

SSSOM/TSV (https://w3id.org/sssom/): a ``#``-commented YAML metadata block (``curie_map``,
``mapping_set_id``, ``license``, ``mapping_date``), then one mapping a row. From it come the registry's
``skos:exactMatch`` links (``registry_links``), the ontology's Wikidata alignments published as
``ontology/wikidata-mapping.ttl`` (``mapping_turtle``, which the test suite compares with that file),
the Wikidata properties a Wikibase statement may use (``property_ids``) and the known wrong identifiers
(rows with ``predicate_modifier`` ``Not``).

What a row means:

- ``skos:exactMatch`` / ``skos:closeMatch`` with confidence ≥ ``VERIFIED_CONFIDENCE``: verified — the
  identifier was seen paired with its label in the public source the ``comment`` names;
- ``skos:relatedMatch`` with a lower confidence: a candidate nobody could verify; never linked;
- ``predicate_modifier: Not``: a trap — an identifier seen in a source but wrong for this subject.

A row that breaks these rules is refused with its file and line: a bad file changes nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from dprk_kg.errors import InputError

FILE_NAME = "mappings.sssom.tsv"
VERIFIED_CONFIDENCE = 0.9
WIKIDATA = "http://www.wikidata.org/entity/"
COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "author_id",
    "comment",
)
METADATA_KEYS = {"curie_map", "mapping_set_id", "mapping_set_title", "mapping_set_description", "license"}
METADATA_KEYS |= {"mapping_date", "creator_id", "subject_source", "object_source"}
PREDICATES = {"skos:exactMatch", "skos:closeMatch", "skos:relatedMatch"}
LINKING = {"skos:exactMatch", "skos:closeMatch"}
WIKIDATA_ID = re.compile(r"^wd:([QP][1-9]\d*)$")
CURIE = re.compile(r"^([A-Za-z][\w.-]*):(\S+)$")


@dataclass(frozen=True)
class Mapping:
    """One row of the mapping set."""

    line: int
    subject_id: str  # a CURIE: id:slug for a registry entity, dkg:Term, rdf:type …
    subject_label: str
    predicate_id: str
    negated: bool  # predicate_modifier Not: a known wrong identifier
    object_id: str  # wd:Q… or wd:P…
    object_label: str
    confidence: float
    evidence: str  # the comment: where the identifier was seen paired with its label

    @property
    def wikidata_id(self) -> str:
        """The Q or P number of the object."""
        return self.object_id.removeprefix("wd:")

    @property
    def verified(self) -> bool:
        return not self.negated and self.predicate_id in LINKING and self.confidence >= VERIFIED_CONFIDENCE


@dataclass(frozen=True)
class MappingSet:
    path: Path
    metadata: dict[str, object]
    mappings: tuple[Mapping, ...]

    @property
    def curie_map(self) -> dict[str, str]:
        return dict(self.metadata["curie_map"])  # type: ignore[call-overload]

    def verified(self) -> tuple[Mapping, ...]:
        return tuple(m for m in self.mappings if m.verified)

    def traps(self) -> frozenset[str]:
        return frozenset(m.wikidata_id for m in self.mappings if m.negated)

    def registry_links(self) -> dict[str, Mapping]:
        """Registry slug → its verified exact match (a registry entity has at most one item)."""
        return {
            m.subject_id.removeprefix("id:"): m
            for m in self.verified()
            if m.subject_id.startswith("id:") and m.predicate_id == "skos:exactMatch"
        }

    def property_ids(self) -> dict[str, str]:
        """Property IRI (ours, or rdf:type) → the verified Wikidata property (P…) it maps to."""
        return {
            self.expand(m.subject_id): m.wikidata_id
            for m in self.verified()
            if m.wikidata_id.startswith("P") and not m.subject_id.startswith("id:")
        }

    def class_ids(self) -> dict[str, str]:
        """Class IRI → the Wikidata item it is an exact match of (a close match is not the same class)."""
        return {
            self.expand(m.subject_id): m.wikidata_id
            for m in self.verified()
            if m.wikidata_id.startswith("Q")
            and m.predicate_id == "skos:exactMatch"
            and not m.subject_id.startswith("id:")
        }

    def expand(self, curie: str) -> str:
        prefix, local = curie.split(":", 1)
        return self.curie_map[prefix] + local


def read_mappings(path: Path, registry_ids: frozenset[str] | None = None) -> MappingSet:
    """Parse and check the mapping set; with ``registry_ids``, every ``id:`` subject must be one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise InputError(path, None, f"cannot read: {error.strerror}") from error
    header = [line.removeprefix("#") for line in lines if line.startswith("#")]
    try:
        metadata = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as error:
        raise InputError(path, None, f"the metadata block is not YAML: {error}") from error
    if not isinstance(metadata, dict) or not isinstance(metadata.get("curie_map"), dict):
        raise InputError(path, 1, "the metadata block needs a curie_map")
    for key in ("mapping_set_id", "license", "mapping_date"):
        if not metadata.get(key):
            raise InputError(path, 1, f"the metadata block needs {key}")
    unknown = set(metadata) - METADATA_KEYS
    if unknown:
        raise InputError(path, 1, f"unknown metadata {', '.join(sorted(unknown))}")
    first = len(header) + 1  # the line of the column header
    reader = csv.DictReader(lines[len(header) :], delimiter="\t", quoting=csv.QUOTE_NONE)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise InputError(path, first, f"the columns must be {', '.join(COLUMNS)}")
    mappings: list[Mapping] = []
    seen: set[tuple[str, str, bool]] = set()
    for offset, row in enumerate(reader, start=1):
        mapping = _mapping(row, path, first + offset, metadata["curie_map"], registry_ids)
        pair = (mapping.subject_id, mapping.object_id, mapping.negated)
        if pair in seen:
            raise InputError(path, mapping.line, f"{mapping.subject_id} → {mapping.object_id} is mapped twice")
        seen.add(pair)
        mappings.append(mapping)
    traps = {m.object_id for m in mappings if m.negated}
    for mapping in mappings:
        if not mapping.negated and mapping.object_id in traps:
            raise InputError(path, mapping.line, f"{mapping.object_id} is a known wrong identifier (a Not row)")
    return MappingSet(path, metadata, tuple(mappings))


def _mapping(
    row: dict[str, str | None], path: Path, line: int, curies: dict[str, str], registry_ids: frozenset[str] | None
) -> Mapping:
    values = {key: (row.get(key) or "").strip() for key in COLUMNS}
    if None in row or any(row.get(key) is None for key in COLUMNS):
        raise InputError(path, line, f"a row needs exactly {len(COLUMNS)} tab-separated columns")
    subject, predicate, obj = values["subject_id"], values["predicate_id"], values["object_id"]
    for name, curie in (("subject_id", subject), ("predicate_id", predicate), ("object_id", obj)):
        match = CURIE.match(curie)
        if not match or match.group(1) not in curies:
            raise InputError(path, line, f"{name} {curie!r} is not a CURIE with a prefix of the curie_map")
    if predicate not in PREDICATES:
        raise InputError(path, line, f"predicate_id {predicate} is not one of {', '.join(sorted(PREDICATES))}")
    if not WIKIDATA_ID.match(obj):
        raise InputError(path, line, f"object_id {obj!r} is not a Wikidata identifier like wd:Q423")
    if values["predicate_modifier"] not in ("", "Not"):
        raise InputError(path, line, "predicate_modifier must be Not or empty")
    if values["mapping_justification"] != "semapv:ManualMappingCuration":
        raise InputError(path, line, "mapping_justification must be semapv:ManualMappingCuration")
    try:
        confidence = float(values["confidence"])
    except ValueError:
        raise InputError(path, line, f"confidence {values['confidence']!r} is not a number") from None
    if not 0 <= confidence <= 1:
        raise InputError(path, line, f"confidence {confidence} is not between 0 and 1")
    negated = values["predicate_modifier"] == "Not"
    if predicate in LINKING and not negated and confidence < VERIFIED_CONFIDENCE:
        raise InputError(
            path,
            line,
            f"{predicate} needs a verified identifier (confidence ≥ {VERIFIED_CONFIDENCE}); "
            "an unverified candidate is a skos:relatedMatch",
        )
    if predicate == "skos:relatedMatch" and confidence >= VERIFIED_CONFIDENCE:
        raise InputError(path, line, f"a candidate (skos:relatedMatch) has a confidence below {VERIFIED_CONFIDENCE}")
    if not values["author_id"] or not values["comment"]:
        raise InputError(path, line, "a row needs its author_id and its evidence (comment)")
    if registry_ids is not None and subject.startswith("id:") and subject.removeprefix("id:") not in registry_ids:
        raise InputError(path, line, f"subject_id {subject} is not an entity of the registry")
    return Mapping(
        line=line,
        subject_id=subject,
        subject_label=values["subject_label"],
        predicate_id=predicate,
        negated=negated,
        object_id=obj,
        object_label=values["object_label"],
        confidence=confidence,
        evidence=values["comment"],
    )


def mapping_turtle(mappings: MappingSet) -> str:
    """``ontology/wikidata-mapping.ttl``: the verified rows whose subject is an ontology term."""
    lines = [
        f"# GENERATED from ontology/{FILE_NAME} (loaders/sources/sssom.py): edit the mapping set, then run",
        "#   .venv/bin/python -m dprk_kg.loaders.sources.sssom",
        "# Verified alignments of dprk-kg ontology terms with Wikidata classes and properties: skos:exactMatch",
        "# where the meanings coincide, skos:closeMatch where ours is narrower or broader. Deliberately not",
        "# owl:equivalentClass / owl:sameAs, which would merge the vocabularies under reasoning. Served at its",
        "# IRI, https://w3id.org/dprk-kg/ontology/wikidata-mapping, in every RDF format and as HTML.",
        "",
        "@prefix dkg:     <https://w3id.org/dprk-kg/ontology#> .",
        "@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix wd:      <http://www.wikidata.org/entity/> .",
        "@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "",
        "<https://w3id.org/dprk-kg/ontology/wikidata-mapping>",
        '    rdfs:label "dprk-kg ontology to Wikidata mapping set"@en ;',
        '    dcterms:description "Verified alignments of dprk-kg ontology terms with Wikidata classes and '
        'properties."@en ;',
        "    dcterms:source <https://w3id.org/dprk-kg/ontology> ;",
        f"    dcterms:license <{mappings.metadata['license']}> .",
        "",
    ]
    for mapping in mappings.verified():
        if mapping.subject_id.startswith("dkg:"):
            lines.append(f"{mapping.subject_id} {mapping.predicate_id} {mapping.object_id} .  # {mapping.object_label}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # regenerate the published ontology mapping from the mapping set
    from dprk_kg.paths import ontology_dir

    folder = ontology_dir()
    (folder / "wikidata-mapping.ttl").write_text(mapping_turtle(read_mappings(folder / FILE_NAME)), encoding="utf-8")
