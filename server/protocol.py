"""The SPARQL 1.1 Protocol: queries on /sparql, updates on /update.

Every check on a query or update — its form (for content negotiation), the services it calls, the
sources it loads, how deep it nests, the dataset it names — is made on the reading of the endpoint's
SPARQL parser (``dprk_kg.sparql``), whose grammar and escapes are the engine's. Queries run on the
worker's query thread; updates need the operator's bearer token and run as one copy-on-write
transaction on the store.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Blueprint, Response, current_app, g, request
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.wsgi import wrap_file

from dprk_kg.errors import QueryError, ResultTooLarge, StoreError
from dprk_kg.server import caching, negotiation, parameters, views
from dprk_kg.server.errors import HttpError
from dprk_kg.server.executor import Answer, QueryJob, QueryTimeout, on_deep_stack
from dprk_kg.server.runtime import config, executor, writable_store
from dprk_kg.server.service_description import service_description
from dprk_kg.server.ui import query_page
from dprk_kg.sparql import label_service
from dprk_kg.sparql.parser import MAX_OPENINGS, TooDeep, TooSlow, openings
from dprk_kg.sparql.reading import AnUpdate, Target, UpdateReading, read_query, read_update
from dprk_kg.store import ResultFormat, ResultKind
from dprk_kg.vocabulary import base_prefixes

blueprint = Blueprint("protocol", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    if request.method in ("GET", "HEAD"):
        params = parameters.decode(request.query_string, "query string")
        queries = params.getlist("query")
        if not queries:
            if params.getlist("update"):
                raise HttpError(400, "updates are sent by POST to /update, not to /sparql")
            return _describe_or_page(params)
    else:
        if request.mimetype == SPARQL_UPDATE:
            raise HttpError(400, "updates are sent by POST to /update, not to /sparql")
        queries, params = _posted(SPARQL_QUERY, "query")
        if params.getlist("update"):
            raise HttpError(400, "updates are sent by POST to /update, not to /sparql")
    if len(queries) != 1:
        raise HttpError(400, f"give exactly one query (the request has {len(queries)})")
    return run_query(
        queries[0],
        default_graphs=parameters.iris(params, "default-graph-uri"),
        named_graphs=parameters.iris(params, "named-graph-uri"),
        format_parameter=params.get("format"),
        download=params.get("download") is not None,
        uselang=params.get("uselang"),
    )


def run_query(
    text: str,
    *,
    default_graphs: list[str],
    named_graphs: list[str],
    format_parameter: str | None,
    download: bool,
    uselang: str | None = None,
) -> Response:
    settings = config()
    if not text.strip():
        raise HttpError(400, "the query is empty")
    prefixes = base_prefixes(settings.base)
    _refuse_too_many_openings(text)
    deadline = time.monotonic() + settings.query_timeout
    with _query_errors():
        reading = read_query(text, prefixes=prefixes, max_depth=settings.max_nesting, deadline=deadline)
    vary = "Accept"
    if label_service.called(reading.services):  # the WDQS idiom, rewritten into patterns, read again
        with _query_errors():
            languages = label_service.language_preference(uselang, _accepted_languages())
            rewritten = label_service.rewrite(
                text,
                prefixes=prefixes,
                auto_language=languages,
                max_depth=settings.max_nesting,
                deadline=deadline,
            )
            text = rewritten.text
            _refuse_too_many_openings(text)
            reading = read_query(text, prefixes=prefixes, max_depth=settings.max_nesting, deadline=deadline)
        if rewritten.auto_language and uselang is None:
            vary = "Accept, Accept-Language"
    _refuse_unlisted(reading.services, settings.allowed_services, "federated query (SERVICE {})", "ALLOWED_SERVICES")
    kind = ResultKind.of_form(reading.form)
    try:
        choice = negotiation.negotiate(kind, request.headers.get("Accept"), format_parameter)
    except negotiation.UnknownFormat as error:
        raise HttpError(400, str(error)) from error
    except negotiation.NotAcceptable as error:
        raise HttpError(406, str(error)) from error
    chosen = choice.format
    dataset = views.dataset(default_graphs, named_graphs, settings.base, _graph_names)
    g.query_form = reading.form
    # A GET of a query whose answer is a function of the data has validators before it runs (see
    # caching.py): every check above has been passed, so a 304 skips only the work.
    cacheable = request.method in ("GET", "HEAD") and not reading.services and caching.stable(text)
    validators = (
        caching.version_validators(text, default_graphs, named_graphs, choice.media_type, download)
        if cacheable
        else None
    )
    early = caching.precondition(validators, before_running=True, vary=vary) if validators else None
    if early is not None:
        return early
    job = QueryJob(text, chosen, dataset, prefixes, request.base_url, cacheable=not reading.services, stream=True)
    answer = execute(job)
    g.query_ms, g.query_cached = round(answer.engine_ms, 2), answer.cached
    response = _answer_response(answer, choice.media_type)
    if choice.media_type.startswith("text/"):
        response.mimetype_params["charset"] = "utf-8"
    response.vary.update(part.strip() for part in vary.split(","))
    if download:
        response.headers["Content-Disposition"] = f'attachment; filename="results.{negotiation.EXTENSIONS[chosen]}"'
    if not cacheable:
        return caching.uncacheable(response)
    if validators is None:
        return response  # a remote store's: the answer's own digest is its tag (caching.py)
    conditional = caching.precondition(validators, vary=vary)
    if conditional is None:
        return caching.stamp(response, validators)
    response.close()  # the answer is not sent: its spool, if any, goes
    return conditional


def _answer_response(answer: Answer, media_type: str) -> Response:
    """The answer as a response: from memory, or streamed from its spool (executor.py), which the
    server sends without reading it into the worker and closes once sent — a HEAD's too."""
    if answer.spool is None:
        return Response(answer.body, mimetype=media_type)
    response = Response(wrap_file(request.environ, answer.spool), mimetype=media_type, direct_passthrough=True)
    response.content_length = answer.size
    return response


@contextmanager
def _query_errors() -> Iterator[None]:
    """Reading a query: its failures as the 4xx answers they are."""
    try:
        yield
    except TooSlow as error:
        raise HttpError(413, f"query error: {error}") from error
    except TooDeep as error:
        raise HttpError(400, f"{error}, the most this endpoint accepts (DPRK_KG_MAX_NESTING)") from error
    except AnUpdate as error:
        raise HttpError(400, "this is an update; send it by POST to /update") from error
    except QueryError as error:
        raise HttpError(400, f"query error: {error}") from error


def _accepted_languages() -> list[str]:
    """The client's Accept-Language tags, most wanted first (none refused with q=0)."""
    return [tag for tag, quality in request.accept_languages if quality > 0]


def execute(job: QueryJob) -> Answer:
    try:
        return executor().run(job)
    except QueryError as error:
        raise HttpError(400, f"query error: {error}") from error
    except ResultTooLarge as error:
        raise HttpError(400, str(error)) from error
    except QueryTimeout as error:
        raise HttpError(503, str(error), {"Retry-After": "10"}) from error
    except StoreError as error:
        raise store_failure(error, "the store is not available") from error


def _graph_names(select: str) -> list[str]:
    """The graphs a view's constant SELECT names, run on the query thread like any query."""
    answer = execute(QueryJob(select, ResultFormat.SPARQL_JSON))
    return [row["g"]["value"] for row in json.loads(answer.body)["results"]["bindings"]]


def _refuse_too_many_openings(text: str) -> None:
    if (count := openings(text)) > MAX_OPENINGS:
        raise HttpError(
            400,
            f"the text opens {count:,} brackets (or escapes); this endpoint accepts at most "
            f"{MAX_OPENINGS:,}, so that no nesting can exhaust the engine's stack",
        )


def _refuse_unlisted(targets: tuple[Target, ...], allowed: tuple[str, ...], what: str, setting: str) -> None:
    """403 for a SERVICE or LOAD whose IRI, as the engine will read it, the operator did not list."""
    for target in targets:
        if target.iri is None or target.iri not in allowed:
            raise HttpError(
                403,
                f"{what.format(target.written)} is not allowed on this endpoint; the operator can allow "
                f"IRIs with DPRK_KG_{setting} (a variable, a relative IRI or one with ./.. segments never is)",
            )


def store_failure(error: StoreError, what: str) -> HttpError:
    """The answer to a store failure: 403 when the kernel refused an outbound connection (the workers
    have no network), else 503 — without the message, which may name the deployment's files or hosts."""
    if "Network is unreachable" in str(error):
        return HttpError(
            403,
            "this request tried to contact another server (SERVICE or LOAD); this endpoint makes no outbound "
            "requests unless the operator allows them (DPRK_KG_ALLOWED_SERVICES, DPRK_KG_ALLOWED_LOADS)",
        )
    current_app.logger.error("store error: %s", error)
    return HttpError(503, f"{what}; try again later (the server log has the details)")


@blueprint.route("/update", methods=["POST"])
def update() -> Response:
    settings = config()
    authorise_write()
    updates, params = _posted(SPARQL_UPDATE, "update")
    if params.getlist("query"):
        raise HttpError(400, "queries are sent to /sparql, not /update")
    if len(updates) != 1:
        raise HttpError(400, f"give exactly one update (the request has {len(updates)})")
    text = updates[0]
    using, using_named = parameters.iris(params, "using-graph-uri"), parameters.iris(params, "using-named-graph-uri")
    reading = _read_update(text)
    if using or using_named:
        if reading.declares_dataset:
            raise HttpError(
                400, "the request gives using-graph-uri/using-named-graph-uri and the update has USING or WITH"
            )
        text = reading.with_dataset(text, using, using_named)
        reading = _read_update(text)  # what runs is what is checked
    if label_service.called(reading.services):
        raise HttpError(
            400,
            "the label service (SERVICE wikibase:label) fills the variables a query returns; an update "
            "cannot use it: write the patterns out (?x rdfs:label ?xLabel FILTER(LANG(?xLabel) = 'en'))",
        )
    _refuse_unlisted(reading.services, settings.allowed_services, "federated query (SERVICE {})", "ALLOWED_SERVICES")
    _refuse_unlisted(reading.loads, settings.allowed_loads, "LOAD {}", "ALLOWED_LOADS")
    started = time.perf_counter()
    try:
        store, base_iri = writable_store(), request.base_url
        on_deep_stack(
            lambda: store.update(text, prefixes=base_prefixes(settings.base), base_iri=base_iri),
            settings.query_timeout,
        )
    except QueryError as error:
        raise HttpError(400, f"update error: {error}") from error
    except QueryTimeout as error:
        raise HttpError(503, str(error), {"Retry-After": "10"}) from error
    except StoreError as error:
        raise store_failure(error, "the update was not applied") from error
    g.query_ms = round((time.perf_counter() - started) * 1000, 2)
    g.query_form = "UPDATE"
    return Response(status=204)


def _read_update(text: str) -> UpdateReading:
    settings = config()
    _refuse_too_many_openings(text)
    try:
        return read_update(
            text,
            prefixes=base_prefixes(settings.base),
            max_depth=settings.max_nesting,
            deadline=time.monotonic() + settings.query_timeout,
        )
    except TooSlow as error:
        raise HttpError(413, f"update error: {error}") from error
    except TooDeep as error:
        raise HttpError(400, f"{error}, the most this endpoint accepts (DPRK_KG_MAX_NESTING)") from error
    except QueryError as error:
        raise HttpError(400, f"update error: {error}") from error


def authorise_write() -> None:
    """Writes need the bearer token the operator set; with none set they are disabled."""
    token = config().write_token
    if token is None:
        raise HttpError(403, "writes are disabled on this endpoint (the operator has set no write token)")
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HttpError(
            401,
            "writes need the operator's token: Authorization: Bearer <token>",
            {"WWW-Authenticate": 'Bearer realm="dprk-kg"'},
        )


def _posted(direct_type: str, field: str) -> tuple[list[str], MultiDict[str, str]]:
    """The operation text(s) of a POST, from a form or a direct body, with every parameter of the URL
    and the form; an operation given both in the URL and in the body is refused. Errors are 4xx."""
    mimetype = request.mimetype
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    url = parameters.decode(request.query_string, "query string")
    if url.getlist(field):
        raise HttpError(400, f"a POST gives the {field} in its body, not in the URL")
    if mimetype == FORM:
        form = parameters.decode(request.get_data(), "form body")
        return form.getlist(field), CombinedMultiDict([url, form])
    if mimetype == direct_type:
        if charset.replace("-", "") != "utf8":
            raise HttpError(415, f"the {direct_type} body must be UTF-8, not {charset}")
        try:
            body = request.get_data().decode("utf-8")
        except UnicodeDecodeError as error:
            raise HttpError(400, f"the body is not valid UTF-8: {error}") from error
        return [body], url
    if not mimetype:
        raise HttpError(400, f"a POST needs a Content-Type: {FORM} or {direct_type}")
    raise HttpError(415, f"unsupported Content-Type {mimetype}; use {FORM} or {direct_type}")


def _describe_or_page(params: MultiDict[str, str]) -> Response:
    """The query page for a browser, else the Service Description; both vary with ``Accept``."""
    if negotiation.prefers_html(request.headers.get("Accept")):
        response = query_page()
        response.vary.add("Accept")
        return response
    try:
        choice = negotiation.negotiate("graph", request.headers.get("Accept"), params.get("format"))
    except (negotiation.NotAcceptable, negotiation.UnknownFormat) as error:
        raise HttpError(406, str(error)) from error
    body = service_description(request.url_root.rstrip("/"), choice.format)
    response = Response(body, mimetype=choice.media_type)
    response.vary.add("Accept")
    return response
