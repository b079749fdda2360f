"""The reconciliation operations on an ``Index``: reading requests strictly, matching, suggesting,
proposing and extending. Nothing here knows HTTP: a malformed request raises ``BadRequest`` (400) or
``TooLarge`` (413), with a message that says what to change.

**Scores and matches.** A candidate's score (0–100) is the best ``dprk_kg.matching.similarity``
between the query and any of its names in the facts view (an entity's own identifier or IRI given as
the query scores 100). A query naming a class (Kyongsong City) matched through a name that names none
(Kyongsong) loses 20 points when the entity is an administrative area of another class (a county). A
type constraint (``type``) keeps only entities of one of the types (of all of them with
``type_strict: "all"``); with ``type_strict: "should"`` — what OpenRefine sends — an entity of none of
them stays a candidate at 0.6 of its score, so it can never be matched automatically. Each property
constraint multiplies the score by how the entity's values agree: 1 when one matches (a name or
literal scoring at least 90, or the same entity), 0.9 when one is close (at least 50), 0.85 when the
entity has no value for the property (unknown), 0.6 when its values disagree; a ``required``
constraint (1.0 draft) drops the entities whose values disagree or are unknown. Without a query
string the score is 100 times those factors. ``match`` is true for the first candidate only, when its
score is at least ``MATCH_THRESHOLD`` (90) and at least ``MATCH_MARGIN`` (10) above the second
candidate's.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dprk_kg.matching import CLASS_CONFLICT, Name, analyse, is_match, similarity
from dprk_kg.server.reconcile.index import Entity, Index
from dprk_kg.vocabulary import DKG_NS, XSD

MATCH_THRESHOLD = 90.0
MATCH_MARGIN = 10.0
BATCH_SIZE = 50  # queries in one request (the manifest's batchSize; 413 beyond)
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_QUERY_CHARS = 500
MAX_TYPES = 20
MAX_CONDITIONS = 20
MAX_VALUES = 20
MAX_KEY_CHARS = 200
MAX_EXTEND_IDS = 500
MAX_EXTEND_PROPERTIES = 50
MAX_VALUES_PER_CELL = 200
MAX_PREFIX_CHARS = 200
TYPE_MISS_FACTOR = 0.6
CLASS_TYPES = {"province": DKG_NS + "Province", "county": DKG_NS + "County", "city": DKG_NS + "City"}
AGREES, CLOSE, UNKNOWN, DISAGREES = 1.0, 0.9, 0.85, 0.6
QUERY_FIELDS = ("query", "type", "type_strict", "limit", "properties")
NUMERIC = frozenset(XSD.uri(t) for t in ("integer", "decimal", "double", "float", "nonNegativeInteger", "int", "long"))
INTEGERS = frozenset(XSD.uri(t) for t in ("integer", "nonNegativeInteger", "positiveInteger", "int", "long", "short"))
FLOATS = frozenset(XSD.uri(t) for t in ("decimal", "double", "float"))
DATE, DATE_TIME, BOOLEAN = XSD.uri("date"), XSD.uri("dateTime"), XSD.uri("boolean")
_PLAIN_DATE = re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}")  # a date in the schema's form; with a zone it is a string
_DATE_TIME = re.compile(
    r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?"
)


class BadRequest(ValueError):
    """The request cannot be read: 400, with this message."""


class TooLarge(ValueError):
    """The request asks for more than the service does at once: 413, with this message."""


# --- reading requests ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wanted:
    """One value a property constraint gives: an entity (IRI), a text, a number or a boolean."""

    kind: str  # entity, text, number, boolean
    value: Any


@dataclass(frozen=True)
class Condition:
    property: str  # IRI
    values: tuple[Wanted, ...]
    required: bool = False
    quantifier: str = "any"  # any, all, none


@dataclass(frozen=True)
class Query:
    text: str | None = None
    types: tuple[str, ...] = ()
    type_strict: str = "any"
    limit: int = DEFAULT_LIMIT
    conditions: tuple[Condition, ...] = ()
    ids: tuple[str, ...] = ()  # 1.0-draft matchType "id"


def read_batch_v02(batch: Any, index: Index) -> dict[str, Query]:
    """A 0.2 query batch: an object of queries by key."""
    if not isinstance(batch, dict):
        raise BadRequest(f"queries must be a JSON object of queries by key, not {_kind(batch)}")
    _check_batch_size(len(batch))
    read: dict[str, Query] = {}
    for key, query in batch.items():
        if len(key) > MAX_KEY_CHARS:
            raise BadRequest(f"a query key is longer than {MAX_KEY_CHARS} characters")
        read[key] = read_query_v02(query, index, _shown(key))
    return read


def read_query_v02(query: Any, index: Index, where: str) -> Query:
    if isinstance(query, str):  # the Freebase-era short form: the query string alone
        query = {"query": query}
    if not isinstance(query, dict):
        raise BadRequest(f"query {where} must be a JSON object, not {_kind(query)}")
    for name in query:
        if name not in QUERY_FIELDS:
            raise BadRequest(
                f"query {where} has an unknown field {_shown(name)}; a query has {', '.join(QUERY_FIELDS)}"
            )
    text = _text(query.get("query"), f"query {where}: query")
    conditions = tuple(
        _condition_v02(item, index, f"query {where}: properties[{n}]")
        for n, item in enumerate(_list(query.get("properties", []), f"query {where}: properties", MAX_CONDITIONS))
    )
    if not text and not conditions:
        raise BadRequest(f"query {where} gives neither a query string nor properties")
    strict = query.get("type_strict", "any")
    if strict not in ("any", "all", "should"):
        raise BadRequest(f'query {where}: type_strict must be "any", "all" or "should", not {_shown(strict)}')
    return Query(text, _types(query.get("type"), index, where), strict, _limit(query.get("limit"), where), conditions)


def read_batch_draft(batch: Any, index: Index) -> list[Query]:
    """A 1.0-draft query batch: ``{"queries": [ … ]}``, each query with ``conditions``."""
    if not isinstance(batch, dict) or not isinstance(batch.get("queries"), list):
        raise BadRequest('the body must be a JSON object {"queries": [ … ]}')
    extra = [name for name in batch if name != "queries"]
    if extra:
        raise BadRequest(f"the batch has an unknown field {_shown(extra[0])}")
    queries = batch["queries"]
    _check_batch_size(len(queries))
    return [_query_draft(query, index, f"queries[{n}]") for n, query in enumerate(queries)]


def _query_draft(query: Any, index: Index, where: str) -> Query:
    if not isinstance(query, dict):
        raise BadRequest(f"{where} must be a JSON object, not {_kind(query)}")
    for name in query:
        if name not in ("conditions", "type", "limit", "lang", "dir"):
            raise BadRequest(f"{where} has an unknown field {_shown(name)}")
    conditions = _list(query.get("conditions"), f"{where}: conditions", MAX_CONDITIONS)
    if not conditions:
        raise BadRequest(f"{where}: conditions must be a non-empty array")
    text: str | None = None
    ids: list[str] = []
    properties: list[Condition] = []
    for n, condition in enumerate(conditions):
        at = f"{where}: conditions[{n}]"
        if not isinstance(condition, dict):
            raise BadRequest(f"{at} must be a JSON object")
        kind = condition.get("matchType")
        if kind == "name":
            if text is not None:
                raise BadRequest(f"{at}: give one name condition")
            text = _text(condition.get("propertyValue"), f"{at}: propertyValue")
        elif kind == "id":
            values = condition.get("propertyValue")
            for value in values if isinstance(values, list) else [values]:
                ids.append(_text(value, f"{at}: propertyValue") or "")
        elif kind == "property":
            properties.append(_condition_draft(condition, index, at))
        else:
            raise BadRequest(f'{at}: matchType must be "name", "id" or "property", not {_shown(kind)}')
    kind_of_type = query.get("type")
    if kind_of_type is not None and not isinstance(kind_of_type, str):
        raise BadRequest(f"{where}: type must be a string")
    return Query(
        text,
        _types(kind_of_type, index, where),
        "any",
        _limit(query.get("limit"), where),
        tuple(properties),
        tuple(ids),
    )


def _condition_v02(item: Any, index: Index, where: str) -> Condition:
    if not isinstance(item, dict) or "pid" not in item or "v" not in item:
        raise BadRequest(f'{where} must be an object {{"pid": …, "v": …}}')
    extra = [name for name in item if name not in ("pid", "v")]
    if extra:
        raise BadRequest(f"{where} has an unknown field {_shown(extra[0])}")
    return Condition(_property(item["pid"], index, f"{where}: pid"), _wanted(item["v"], index, f"{where}: v"))


def _condition_draft(item: dict[str, Any], index: Index, where: str) -> Condition:
    for name in item:
        if name not in ("matchType", "propertyId", "propertyValue", "required", "matchQuantifier", "matchQualifier"):
            raise BadRequest(f"{where} has an unknown field {_shown(name)}")
    if "matchQualifier" in item:
        raise BadRequest(f"{where}: this service supports no matchQualifier")
    required = item.get("required", False)
    if not isinstance(required, bool):
        raise BadRequest(f"{where}: required must be true or false")
    quantifier = item.get("matchQuantifier", "any")
    if quantifier not in ("any", "all", "none"):
        raise BadRequest(f'{where}: matchQuantifier must be "any", "all" or "none"')
    if "propertyValue" not in item:
        raise BadRequest(f"{where}: propertyValue is missing")
    return Condition(
        _property(item.get("propertyId"), index, f"{where}: propertyId"),
        _wanted(item["propertyValue"], index, f"{where}: propertyValue"),
        required,
        quantifier,
    )


def _wanted(value: Any, index: Index, where: str) -> tuple[Wanted, ...]:
    values = _list(value, where, MAX_VALUES) if isinstance(value, list) else [value]
    if not values:
        raise BadRequest(f"{where} gives no value")
    read: list[Wanted] = []
    for item in values:
        if isinstance(item, bool):
            read.append(Wanted("boolean", item))
        elif isinstance(item, (int, float)):
            if not math.isfinite(item):
                raise BadRequest(f"{where}: a number must be finite")
            read.append(Wanted("number", float(item)))
        elif isinstance(item, str):
            if len(item) > MAX_QUERY_CHARS:
                raise BadRequest(f"{where}: a value is longer than {MAX_QUERY_CHARS} characters")
            read.append(Wanted("text", item))
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            entity = index.entity(item["id"])
            read.append(Wanted("entity", entity.iri if entity else None))
        else:
            raise BadRequest(f'{where}: a value is a string, a number, a boolean or {{"id": …}}, not {_kind(item)}')
    return tuple(read)


def _types(value: Any, index: Index, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    names = value if isinstance(value, list) else [value]
    if len(names) > MAX_TYPES or not all(isinstance(name, str) for name in names):
        raise BadRequest(f"query {where}: type must be a type identifier or a list of at most {MAX_TYPES}")
    types = []
    for name in names:
        iri = index.expand(name)
        if iri is None:
            raise BadRequest(f"query {where}: {_shown(name)} is not a type identifier (such as dkg:Province)")
        types.append(iri)
    return tuple(types)


def _property(value: Any, index: Index, where: str) -> str:
    iri = index.expand(value) if isinstance(value, str) and value.strip() else None
    if iri is None:
        raise BadRequest(f"{where} must be a property identifier (such as dkg:locatedIn), not {_shown(value)}")
    return iri


def _limit(value: Any, where: str) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer() or value < 1:
        raise BadRequest(f"query {where}: limit must be a positive integer, not {_shown(value)}")
    return min(int(value), MAX_LIMIT)


def _text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{where} must be a string, not {_kind(value)}")
    if len(value) > MAX_QUERY_CHARS:
        raise BadRequest(f"{where} is longer than {MAX_QUERY_CHARS} characters")
    return value.strip() or None


def _list(value: Any, where: str, most: int) -> list[Any]:
    if not isinstance(value, list):
        raise BadRequest(f"{where} must be an array, not {_kind(value)}")
    if len(value) > most:
        raise BadRequest(f"{where} has {len(value)} items; at most {most} are accepted")
    return value


def _check_batch_size(size: int) -> None:
    if size > BATCH_SIZE:
        raise TooLarge(f"the batch has {size} queries; this service takes at most {BATCH_SIZE} at once (batchSize)")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:80] + "…"


# --- reconciling -----------------------------------------------------------------------------------


@dataclass
class Candidate:
    entity: Entity
    score: float
    name_score: float | None = None
    type_match: bool | None = None
    property_score: float | None = None
    match: bool = False
    matched_name: Name | None = field(default=None, repr=False)


def reconcile(query: Query, index: Index) -> list[Candidate]:
    """The candidates for a query, best first, the first marked ``match`` when it is a sure one."""
    pool: dict[str, Candidate] = {}
    if query.ids:
        for identifier in query.ids:
            entity = index.entity(identifier)
            if entity is not None:
                pool[entity.iri] = Candidate(entity, 100.0, 100.0)
    elif query.text:
        asked = analyse(query.text).classes
        for owner, score, name in index.names.search(query.text):
            entity = index.entity(owner)
            if entity is not None:
                score = _class_checked(score, asked, name, entity)
                pool[entity.iri] = Candidate(entity, score, score, matched_name=name)
        named = index.entity(query.text)
        if named is not None:
            pool[named.iri] = Candidate(named, 100.0, 100.0)
    else:
        first = query.conditions[0]
        for iri in index.values(first.property):
            entity = index.entities.get(iri)
            if entity is not None:
                pool[iri] = Candidate(entity, 100.0)
    kept: list[Candidate] = []
    for candidate in pool.values():
        if query.types:
            candidate.type_match = index.has_type(candidate.entity, query.types, every=query.type_strict == "all")
            if not candidate.type_match:
                if query.type_strict != "should":
                    continue
                candidate.score *= TYPE_MISS_FACTOR
        if query.conditions:
            factors = [_agreement(condition, candidate.entity, index) for condition in query.conditions]
            if any(f < CLOSE and c.required for f, c in zip(factors, query.conditions, strict=True)):
                continue
            candidate.property_score = round(100 * math.prod(factors), 1)
            candidate.score *= math.prod(factors)
        candidate.score = round(candidate.score, 1)
        kept.append(candidate)
    kept.sort(key=lambda c: (-c.score, c.entity.name.casefold(), c.entity.id))
    if kept:  # judged before the limit: a close second counts even when only one candidate is asked for
        kept[0].match = is_match([c.score for c in kept[:2]], threshold=MATCH_THRESHOLD, margin=MATCH_MARGIN)
    return kept[: query.limit]


def _class_checked(score: float, asked: frozenset[str], name: Name, entity: Entity) -> float:
    """A query naming a class ("Kyongsong City") matched by a name without one ("Kyongsong") is held to
    the entity's type: an administrative area of another class loses ``CLASS_CONFLICT`` points."""
    if not asked or name.classes:
        return score
    kinds = {word for word, iri in CLASS_TYPES.items() if iri in entity.types}
    return max(0.0, score - CLASS_CONFLICT) if kinds and not kinds & asked else score


def _agreement(condition: Condition, entity: Entity, index: Index) -> float:
    values = index.values(condition.property).get(entity.iri, [])
    if not values:
        return UNKNOWN
    scores = [max(_value_score(wanted, value, index) for value in values) for wanted in condition.values]
    if condition.quantifier == "none":
        return DISAGREES if max(scores) >= 90 else AGREES
    score = min(scores) if condition.quantifier == "all" else max(scores)
    return AGREES if score >= 90 else CLOSE if score >= 50 else DISAGREES


def _value_score(wanted: Wanted, value: dict[str, str], index: Index) -> float:
    lexical = value["value"]
    if wanted.kind == "entity":
        return 100.0 if wanted.value is not None and value["type"] == "uri" and lexical == wanted.value else 0.0
    if wanted.kind == "number":
        number = _number(value)
        return 100.0 if number is not None and number == wanted.value else 0.0
    if wanted.kind == "boolean":
        return 100.0 if value.get("datatype") == BOOLEAN and (lexical in ("true", "1")) == wanted.value else 0.0
    text: str = wanted.value
    if value["type"] == "uri":
        entity = index.entities.get(lexical)
        if entity is not None:
            if text in (entity.id, entity.iri):
                return 100.0
            query = analyse(text)
            return max((similarity(query, name) for name in index.names.names_of(entity.id)), default=0.0)
        return (
            100.0
            if text in (lexical, index.short(lexical))
            else similarity(analyse(text), analyse(index.label_of(lexical)))
        )
    number = _number(value)
    if number is not None:
        try:
            return 100.0 if float(text) == number else 0.0
        except ValueError:
            return 0.0
    if value.get("datatype") in (DATE, DATE_TIME) and text.startswith(lexical):
        return 100.0  # OpenRefine sends dates as 2024-10-30T00:00:00Z
    return similarity(analyse(text), analyse(lexical))


def _number(value: dict[str, str]) -> float | None:
    if value["type"] != "literal" or value.get("datatype") not in NUMERIC:
        return None
    try:
        return float(value["value"])
    except ValueError:
        return None


def candidate_json(candidate: Candidate, index: Index, *, draft: bool = False) -> dict[str, Any]:
    entity = candidate.entity
    out: dict[str, Any] = {"id": entity.id, "name": entity.name}
    description = index.description(entity)
    if description:
        out["description"] = description
    out["type"] = index.type_refs(entity)
    out["score"] = candidate.score
    features = []
    if candidate.name_score is not None:
        features.append({"id": "name", "name": "name similarity (0–100)", "value": candidate.name_score})
    if candidate.type_match is not None:
        features.append({"id": "type", "name": "of a type asked for", "value": candidate.type_match})
    if candidate.property_score is not None:
        features.append(
            {"id": "properties", "name": "agreement of the properties (0–100)", "value": candidate.property_score}
        )
    if features:
        out["features"] = features
    out["match"] = candidate.match
    if draft:
        out["lang"] = "en"
    return out


# --- suggest ---------------------------------------------------------------------------------------


def read_paging(params: dict[str, str]) -> tuple[str, int, int]:
    """(prefix, limit, offset) of a suggest request: ``prefix``, ``limit``, and ``cursor`` (0.2) or
    ``offset`` (1.0-draft)."""
    prefix = params.get("prefix", "")
    if len(prefix) > MAX_PREFIX_CHARS:
        raise BadRequest(f"prefix is longer than {MAX_PREFIX_CHARS} characters")
    numbers = []
    for name, default, most in (("limit", DEFAULT_LIMIT, MAX_LIMIT), ("offset", 0, 10_000), ("cursor", 0, 10_000)):
        raw = params.get(name, "")
        if raw == "":
            numbers.append(default)
            continue
        if not raw.isdigit() or (name == "limit" and int(raw) < 1):
            raise BadRequest(
                f"{name} must be a {'positive' if name == 'limit' else 'non-negative'} integer, not {_shown(raw)}"
            )
        numbers.append(min(int(raw), most))
    limit, offset, cursor = numbers
    return prefix.strip(), limit, offset or cursor


def suggest_entities(prefix: str, index: Index, *, types: tuple[str, ...] = ()) -> list[Entity]:
    """Entities whose names start with the prefix (the English label first, then other names, then
    names that start with it once romanisation is set aside), then those whose names match it."""
    ranked: dict[str, tuple[float, str]] = {}

    def offer(entity: Entity, rank: float) -> None:
        if types and not index.has_type(entity, types):
            return
        if entity.iri not in ranked or rank > ranked[entity.iri][0]:
            ranked[entity.iri] = (rank, entity.name.casefold())

    wanted = analyse(prefix)
    direct = index.entity(prefix) if prefix else None
    if direct is not None:
        offer(direct, 1000.0)
    for name, owner in zip(index.names.names, index.names.owners, strict=True):
        entity = index.entity(owner)
        if entity is None:
            continue
        if not prefix:
            offer(entity, 0.0)
        elif name.exact.startswith(wanted.exact):
            offer(entity, 300.0 if name.text == entity.name else 250.0)
        elif wanted.joined and len(wanted.joined) >= 2 and name.joined.startswith(wanted.joined):
            offer(entity, 200.0)
    if prefix:
        for owner, score, _ in index.names.search(prefix, floor=60.0):
            entity = index.entity(owner)
            if entity is not None:
                offer(entity, score)
    order = sorted(ranked.items(), key=lambda item: (-item[1][0], item[1][1], item[0]))
    return [index.entities[iri] for iri, _ in order]


def suggest_terms(prefix: str, terms: list[Any]) -> list[Any]:
    """Classes or properties whose name, identifier or local name starts with the prefix (first), or
    contains it."""
    wanted = prefix.casefold()
    scored = []
    for term in terms:
        keys = (term.name.casefold(), term.id.casefold(), term.id.partition(":")[2].casefold())
        if not wanted or any(key.startswith(wanted) for key in keys):
            scored.append((0, term.name.casefold(), term.id, term))
        elif any(wanted in key for key in keys):
            scored.append((1, term.name.casefold(), term.id, term))
    return [term for *_, term in sorted(scored, key=lambda item: item[:3])]


def entity_json(entity: Entity, index: Index) -> dict[str, Any]:
    out: dict[str, Any] = {"id": entity.id, "name": entity.name}
    description = index.description(entity)
    if description:
        out["description"] = description
    out["notable"] = index.type_refs(entity)
    return out


def term_json(term: Any, index: Index, *, broader: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"id": term.id, "name": term.name}
    if term.description:
        out["description"] = term.description
    if broader and term.broader:
        out["broader"] = [{"id": index.term(iri).id, "name": index.term(iri).name} for iri in term.broader]
    return out


# --- data extension --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extension:
    ids: tuple[str, ...]
    properties: tuple[tuple[str, str], ...]  # (identifier as given, IRI)


def read_extension(request: Any, index: Index) -> Extension:
    if not isinstance(request, dict):
        raise BadRequest(f'the extension must be a JSON object {{"ids": […], "properties": […]}}, not {_kind(request)}')
    extra = [name for name in request if name not in ("ids", "properties")]
    if extra:
        raise BadRequest(f"the extension has an unknown field {_shown(extra[0])}")
    ids = request.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise BadRequest("ids must be an array of entity identifiers (strings)")
    if len(ids) > MAX_EXTEND_IDS:
        raise TooLarge(
            f"the extension asks for {len(ids)} entities; this service takes at most {MAX_EXTEND_IDS} at once"
        )
    properties = _list(request.get("properties"), "properties", MAX_EXTEND_PROPERTIES)
    read = []
    for n, item in enumerate(properties):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise BadRequest(f'properties[{n}] must be an object {{"id": …}}')
        if "settings" in item and not isinstance(item["settings"], dict):
            raise BadRequest(f"properties[{n}]: settings must be an object")
        read.append((item["id"], _property(item["id"], index, f"properties[{n}]: id")))
    return Extension(tuple(ids), tuple(read))


def extend(
    extension: Extension, index: Index
) -> tuple[list[dict[str, Any]], dict[str, dict[str, list[dict[str, Any]]]]]:
    """(meta, rows): for each entity asked for and each property, its values in the facts view —
    entities as ``{"id", "name"}``, other IRIs and texts as ``{"str"}``, numbers as ``{"int"}`` or
    ``{"float"}``, dates and times as ``{"date"}`` (a date as its midnight, UTC)."""
    meta: list[dict[str, Any]] = []
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {identifier: {} for identifier in extension.ids}
    for given, prop in extension.properties:
        values_of = index.values(prop)
        kinds: Counter[str] = Counter()
        for identifier in extension.ids:
            entity = index.entity(identifier)
            cell = []
            for value in values_of.get(entity.iri, []) if entity else []:
                shown = _value_json(value, index)
                if shown not in cell:
                    cell.append(shown)
                target = index.entities.get(value["value"]) if value["type"] == "uri" else None
                if target is not None and target.specific:
                    kinds[target.specific[0]] += 1
            cell.sort(key=_value_order)
            rows[identifier][given] = cell[:MAX_VALUES_PER_CELL]
        column: dict[str, Any] = {"id": given, "name": index.term(prop).name}
        if kinds and kinds.most_common(1)[0][0] in index.classes:
            kind = index.classes[kinds.most_common(1)[0][0]]
            column["type"] = {"id": kind.id, "name": kind.name}
        meta.append(column)
    return meta, rows


def _value_json(value: dict[str, str], index: Index) -> dict[str, Any]:
    lexical = value["value"]
    if value["type"] == "uri":
        entity = index.entities.get(lexical)
        return {"id": entity.id, "name": entity.name} if entity else {"str": index.short(lexical)}
    if value["type"] != "literal":
        return {"str": lexical}
    datatype = value.get("datatype", "")
    try:
        if datatype in INTEGERS and -(2**53) < int(lexical) < 2**53:
            return {"int": int(lexical)}
        if datatype in FLOATS and math.isfinite(float(lexical)):
            return {"float": float(lexical)}
        if datatype == DATE and _PLAIN_DATE.fullmatch(lexical):
            return {"date": lexical + "T00:00:00Z"}
        if datatype == DATE_TIME and _DATE_TIME.fullmatch(lexical):
            return {"date": lexical}
    except ValueError:
        pass
    return {"str": lexical}


def _value_order(value: dict[str, Any]) -> tuple[str, str]:
    return (str(value.get("name", "")).casefold(), str(next(iter(value.values()))))
