"""The W3C Reconciliation Service API on ``/reconcile``: matching names in a table (OpenRefine's
reconciliation) to the graph's entities, suggesting entities, types and properties, previewing an
entity, and extending a table with the entities' properties.

Two services share the data and the matching:

- ``/reconcile`` speaks version 0.2 (and 0.1), as OpenRefine does: the manifest on a plain GET,
  query batches as the form field ``queries`` (POST, or GET), data extension as the form field
  ``extend``, suggest services under ``/reconcile/suggest/{entity,type,property}``, property proposals
  on ``/reconcile/extend/propose``, previews on ``/reconcile/preview?id=…``. Its GET answers take a
  JSONP ``callback`` too: OpenRefine falls back to JSONP when a plain request fails.
- ``/reconcile/1.0-draft`` speaks the Community Group's 1.0 draft: its manifest, ``/match`` and
  ``/extend`` with JSON bodies, ``/suggest/…``, ``/preview`` and ``/extend/propose`` under it.

Entities are the things under ``<base>id/`` that have a name in the default graph (the facts view);
their identifiers are the local part (``kim-jong-un``), so ``identifierSpace`` + id is the IRI, and
types and properties are identified by prefixed names (``dkg:Province``, ``dkg:locatedIn``; an IRI or a
bare name of the ontology is accepted too). Every store query is a constant text with request values
bound as terms (see ``index.py``); scores and the ``match`` rule are described in ``service.py``.
"""

from __future__ import annotations

import json
import os
import re
import time
from typing import Any

from flask import Blueprint, Response, current_app, g, render_template, request
from flask.blueprints import BlueprintSetupState
from werkzeug.datastructures import MultiDict

import dprk_kg
from dprk_kg.errors import DprkKgError, QueryError, ResultTooLarge, StoreError
from dprk_kg.server import parameters
from dprk_kg.server.completeness import RETRY_AFTER_SECONDS
from dprk_kg.server.errors import HttpError, error_response
from dprk_kg.server.executor import PingJob, QueryJob, QueryTimeout
from dprk_kg.server.protocol import execute, store_failure
from dprk_kg.server.reconcile import service
from dprk_kg.server.reconcile.index import REMOTE_MAX_AGE, Entity, Index, json_rows
from dprk_kg.server.reconcile.service import BadRequest, TooLarge
from dprk_kg.server.runtime import completeness, config, executor
from dprk_kg.store import ResultFormat
from dprk_kg.store.base import Bindings
from dprk_kg.store.location import LocalLocation, parse_location
from dprk_kg.vocabulary import DKG_NS, SKOS, base_prefixes

blueprint = Blueprint("reconcile", __name__)

ROOT = "/reconcile"
DRAFT = "/reconcile/1.0-draft"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
PREVIEW_WIDTH, PREVIEW_HEIGHT = 400, 220
SUGGEST_KINDS = ("entity", "type", "property")
DEFAULT_TYPES = ("Place", "AdministrativeArea", "Organization", "Person", "Event", "Policy", "Group")
CALLBACK = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]{0,99}(?:\.[A-Za-z_$][A-Za-z0-9_$]{0,99}){0,5}")
DEFAULT_PROPOSALS = 50
PREVIEW_ENDPOINTS = frozenset({"reconcile.preview_v02", "reconcile.preview_draft"})
PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors *"
)

_indexes: dict[str, tuple[Index, float, bool]] = {}


# --- cross-cutting ---------------------------------------------------------------------------------


@blueprint.before_request
def refuse_an_incomplete_store() -> Response | None:
    """503 while a build has the store half loaded, as on the other routes of the data."""
    problem = completeness().problem()
    return None if problem is None else error_response(503, problem, {"Retry-After": str(RETRY_AFTER_SECONDS)})


@blueprint.record_once
def _frameable_previews(state: BlueprintSetupState) -> None:
    """A preview is shown in a client's iframe (OpenRefine's), so its page may be framed by any site:
    it runs no script and holds no form. Registered on the application before its own last step
    (which sets the frame-refusing headers on every response), so that it runs after it."""

    def let_previews_be_framed(response: Response) -> Response:
        if request.endpoint in PREVIEW_ENDPOINTS:
            response.headers["Content-Security-Policy"] = PREVIEW_POLICY
            response.headers.pop("X-Frame-Options", None)
        return response

    state.app.after_request(let_previews_be_framed)


def current_index() -> Index:
    """This process's index of the store's current version (built at the first request, rebuilt when
    the version changes; a remote store's also after ``REMOTE_MAX_AGE`` seconds)."""
    key = f"{os.getpid()}-{id(current_app)}"
    version = _version()
    cached = _indexes.get(key)
    if cached is not None:
        index, built, remote = cached
        if index.version == version and not (remote and time.monotonic() - built > REMOTE_MAX_AGE):
            return index
    settings = config()
    try:
        remote = not isinstance(parse_location(settings.store, writable=False), LocalLocation)
    except DprkKgError:  # the folder went away: the store's own errors say so on the next query
        remote = False
    index = Index(_select, settings.base, version)
    _indexes[key] = (index, time.monotonic(), remote)
    return index


def _version() -> str:
    try:
        return executor().run(PingJob()).body.decode()
    except QueryTimeout as error:
        raise HttpError(503, str(error), {"Retry-After": "10"}) from error
    except StoreError as error:
        raise store_failure(error, "the store is not available") from error


def _select(sparql: str, bindings: Bindings | None) -> list[dict[str, dict[str, str]]]:
    """A constant SELECT with its bound terms, on the worker's query thread (time limit, result size)."""
    answer = execute(QueryJob(sparql, ResultFormat.SPARQL_JSON, None, base_prefixes(config().base), bindings=bindings))
    g.query_ms = round(getattr(g, "query_ms", 0) + answer.engine_ms, 2)
    return json_rows(answer.body)


def _params(*, form: bool) -> MultiDict[str, str]:
    """The query string's parameters, with a POST's form fields (a POST must be a form, or JSON where
    ``form`` is False)."""
    params = parameters.decode(request.query_string, "query string")
    if request.method == "POST" and form:
        if request.mimetype != FORM:
            raise HttpError(
                415,
                f"a POST to {ROOT} is a form ({FORM}) with queries= or extend=; "
                f"JSON bodies go to {DRAFT}/match and {DRAFT}/extend",
            )
        params = MultiDict(
            [*params.items(multi=True), *parameters.decode(request.get_data(), "form body").items(multi=True)]
        )
    return params


def _one(params: MultiDict[str, str], name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise HttpError(400, f"give {name} once (the request gives it {len(values)} times)")
    return values[0] if values else None


def _decoded(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError as error:
        raise HttpError(400, f"{what} is nested too deeply to be read") from error
    except ValueError as error:
        raise HttpError(400, f"{what} is not valid JSON: {error}") from error


def _json_body(what: str) -> Any:
    if request.mimetype != JSON:
        raise HttpError(415, f"send the {what} as {JSON}")
    try:
        text = request.get_data().decode("utf-8")
    except UnicodeDecodeError as error:
        raise HttpError(400, f"the body is not valid UTF-8: {error}") from error
    return _decoded(text, "the body")


def _answer(body: Any, params: MultiDict[str, str] | None = None) -> Response:
    """JSON, or JSONP when a GET names a ``callback``."""
    text = json.dumps(body, ensure_ascii=False)
    callback = _one(params, "callback") if params is not None and request.method == "GET" else None
    if callback is None:
        return Response(text, mimetype=JSON)
    if not CALLBACK.fullmatch(callback):
        raise HttpError(400, "callback must be a JavaScript name (letters, digits, _ and $, dotted)")
    return Response(f"/**/{callback}({text});", mimetype="application/javascript")


def _operation(run: Any) -> Any:
    """Run an operation of ``service``, its refusals as HTTP errors."""
    try:
        return run()
    except BadRequest as error:
        raise HttpError(400, str(error)) from error
    except TooLarge as error:
        raise HttpError(413, str(error)) from error
    except (QueryError, ResultTooLarge) as error:  # not expected: every query is constant
        raise HttpError(400, str(error)) from error


def _root() -> str:
    return request.url_root


# --- the 0.2 service -------------------------------------------------------------------------------


@blueprint.route(ROOT, methods=["GET", "POST"], strict_slashes=False)
def service_v02() -> Response:
    params = _params(form=True)
    queries, extension = _one(params, "queries"), _one(params, "extend")
    if queries is not None and extension is not None:
        raise HttpError(400, "give queries= or extend=, not both")
    index = current_index()
    if queries is not None:
        batch = _operation(lambda: service.read_batch_v02(_decoded(queries, "queries"), index))
        results = {
            key: {
                "result": [
                    service.candidate_json(c, index) for c in _operation(lambda q=query: service.reconcile(q, index))
                ]
            }
            for key, query in batch.items()
        }
        return _answer(results, params)
    if extension is not None:
        read = _operation(lambda: service.read_extension(_decoded(extension, "extend"), index))
        meta, rows = _operation(lambda: service.extend(read, index))
        return _answer({"meta": meta, "rows": rows}, params)
    if request.method == "POST":
        raise HttpError(400, "a POST gives queries= (a batch of reconciliation queries) or extend= (a data extension)")
    return _answer(_manifest_v02(index), params)


def _manifest_v02(index: Index) -> dict[str, Any]:
    root = _root()
    service_url = root.rstrip("/")
    return {
        "versions": ["0.1", "0.2"],
        "name": "dprk-kg: North Korea's regional-development drive",
        "identifierSpace": index.space,
        "schemaSpace": DKG_NS,
        "serviceVersion": dprk_kg.__version__,
        "batchSize": service.BATCH_SIZE,
        "view": {"url": root + "id/{{id}}"},
        "defaultTypes": _default_types(index),
        "preview": {"url": root + "reconcile/preview?id={{id}}", "width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT},
        "suggest": {
            kind: {"service_url": service_url, "service_path": f"{ROOT}/suggest/{kind}"} for kind in SUGGEST_KINDS
        },
        "extend": {
            "propose_properties": {"service_url": service_url, "service_path": f"{ROOT}/extend/propose"},
            "property_settings": [],
        },
    }


def _default_types(index: Index) -> list[dict[str, str]]:
    found = [index.classes[DKG_NS + name] for name in DEFAULT_TYPES if DKG_NS + name in index.classes]
    return [{"id": term.id, "name": term.name} for term in found]


@blueprint.route(f"{ROOT}/suggest/<kind>")
def suggest_v02(kind: str) -> Response:
    return _suggest(kind, draft=False)


@blueprint.route(f"{ROOT}/extend/propose")
def propose_v02() -> Response:
    return _propose()


@blueprint.route(f"{ROOT}/preview")
def preview_v02() -> Response:
    return _preview()


# --- the 1.0 draft ---------------------------------------------------------------------------------


@blueprint.route(DRAFT, strict_slashes=False)
def manifest_draft() -> Response:
    index = current_index()
    return _answer(
        {
            "versions": ["1.0-draft"],
            "name": "dprk-kg: North Korea's regional-development drive",
            "lang": "en",
            "serviceVersion": dprk_kg.__version__,
            "batchSize": service.BATCH_SIZE,
            "standardizedScore": True,
            "view": {"url": _root() + "id/{id}"},
            "defaultTypes": _default_types(index),
            "preview": {"width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT},
            "suggest": {kind: True for kind in SUGGEST_KINDS},
            "extend": {"proposeProperties": True, "propertySettings": []},
        }
    )


@blueprint.route(f"{DRAFT}/match", methods=["POST"])
def match_draft() -> Response:
    index = current_index()
    queries = _operation(lambda: service.read_batch_draft(_json_body("query batch"), index))
    results = [
        {
            "candidates": [
                service.candidate_json(c, index, draft=True)
                for c in _operation(lambda q=query: service.reconcile(q, index))
            ]
        }
        for query in queries
    ]
    return _answer({"results": results})


@blueprint.route(f"{DRAFT}/extend", methods=["POST"])
def extend_draft() -> Response:
    index = current_index()
    read = _operation(lambda: service.read_extension(_json_body("data extension query"), index))
    meta, rows = _operation(lambda: service.extend(read, index))
    return _answer(
        {
            "meta": meta,
            "rows": [
                {"id": identifier, "properties": [{"id": pid, "values": values} for pid, values in cells.items()]}
                for identifier, cells in rows.items()
            ],
        }
    )


@blueprint.route(f"{DRAFT}/suggest/<kind>")
def suggest_draft(kind: str) -> Response:
    return _suggest(kind, draft=True)


@blueprint.route(f"{DRAFT}/extend/propose")
def propose_draft() -> Response:
    return _propose(draft=True)


@blueprint.route(f"{DRAFT}/preview")
def preview_draft() -> Response:
    return _preview()


# --- shared ----------------------------------------------------------------------------------------


def _suggest(kind: str, *, draft: bool) -> Response:
    if kind not in SUGGEST_KINDS:
        raise HttpError(404, f"no suggest service for {kind!r}; there are: {', '.join(SUGGEST_KINDS)}")
    params = _params(form=False)
    prefix, limit, offset = _operation(lambda: service.read_paging({k: _one(params, k) or "" for k in params}))
    index = current_index()
    result: list[dict[str, Any]]
    if kind == "entity":
        types = tuple(_type_param(index, value) for value in params.getlist("type") if value)
        found = _operation(lambda: service.suggest_entities(prefix, index, types=types))
        result = [service.entity_json(entity, index) for entity in found[offset : offset + limit]]
    elif kind == "type":
        terms = service.suggest_terms(prefix, list(index.classes.values()))
        result = [service.term_json(term, index, broader=True) for term in terms[offset : offset + limit]]
    else:
        terms = service.suggest_terms(prefix, list(_operation(index.properties).values()))
        result = [service.term_json(term, index) for term in terms[offset : offset + limit]]
    return _answer({"result": result}, None if draft else params)


def _type_param(index: Index, value: str) -> str:
    iri = index.expand(value)
    if iri is None:
        raise HttpError(400, f"type={value[:80]!r} is not a type identifier (such as dkg:Province)")
    return iri


def _propose(*, draft: bool = False) -> Response:
    params = _params(form=False)
    index = current_index()
    given = (_one(params, "type") or "").strip()
    raw_limit = _one(params, "limit") or ""
    if raw_limit and (not raw_limit.isdigit() or int(raw_limit) < 1):
        raise HttpError(400, f"limit must be a positive integer, not {raw_limit[:80]!r}")
    limit = min(int(raw_limit), service.MAX_LIMIT) if raw_limit else DEFAULT_PROPOSALS
    terms = _operation(lambda: index.properties_of_type(_type_param(index, given) if given else None))
    body: dict[str, Any] = {"properties": [service.term_json(term, index) for term in terms[:limit]]}
    if given:
        body["type"] = given
    if raw_limit:
        body["limit"] = limit
    return _answer(body, None if draft else params)


def _preview() -> Response:
    params = _params(form=False)
    identifier = _one(params, "id")
    if not identifier:
        raise HttpError(400, "give the entity's id: ?id=…")
    index = current_index()
    entity = index.entity(identifier)
    if entity is None:
        raise HttpError(404, f"no entity has the id {identifier[:80]!r}")
    return Response(
        render_template(
            "reconcile-preview.html",
            entity=entity,
            description=index.description(entity),
            names=_other_names(entity),
            types=index.type_refs(entity),
            links=[v["value"] for v in index.values(SKOS.uri("exactMatch")).get(entity.iri, []) if v["type"] == "uri"],
            page=_root() + "id/" + entity.id,
            width=PREVIEW_WIDTH,
            height=PREVIEW_HEIGHT,
        ),
        mimetype="text/html",
    )


def _other_names(entity: Entity) -> list[tuple[str, str]]:
    """(name, language) of every name but the one shown: Hangul first, then romanisations, then English."""
    order = {"ko": 0, "ko-latn": 1}
    shown = entity.name
    names = {(text, language) for _, text, language in entity.labels if text != shown}
    return sorted(names, key=lambda item: (order.get(item[1].lower(), 2), item[0].casefold()))
