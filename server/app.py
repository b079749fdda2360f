"""The Flask application factory: configuration first, then one blueprint per concern (protocol,
graph store, linked data, query page), then cross-cutting behaviour (CORS, access log, errors)."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import time

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from dprk_kg.config import Config
from dprk_kg.server import browse, caching, curate, dataset, dumps, graph_store, linked_data, protocol, reconcile, ui
from dprk_kg.server.completeness import GUARDED_BLUEPRINTS, RETRY_AFTER_SECONDS
from dprk_kg.server.errors import HttpError, error_response
from dprk_kg.server.executor import PingJob
from dprk_kg.server.pictures import routes as pictures
from dprk_kg.server.request_body import take_whole_body
from dprk_kg.server.runtime import completeness, executor

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Authorization, Content-Type",
    "Access-Control-Expose-Headers": "Content-Disposition, Location, Link, ETag",
    "Access-Control-Max-Age": "86400",
}
# Pages run only this server's scripts (the example queries travel as a JSON data block, not a script);
# styles may be inline because the editor injects its own; nothing may frame the pages.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def create_app(settings: Config | None = None) -> Flask:
    app = Flask(__name__)
    settings = settings or Config.load()
    app.config["DPRK_KG"] = settings
    # bodies are bounded by take_whole_body (Werkzeug's own bound cuts chunked bodies silently)
    app.config["MAX_CONTENT_LENGTH"] = None
    for blueprint in (protocol.blueprint, graph_store.blueprint, linked_data.blueprint, ui.blueprint):
        app.register_blueprint(blueprint)
    app.register_blueprint(reconcile.blueprint)  # /reconcile (W3C Reconciliation Service API)
    app.register_blueprint(pictures.blueprint)  # neighbourhood graphs, timelines (server/pictures/)
    app.register_blueprint(dataset.blueprint)  # /.well-known/void: VoID and DCAT
    app.register_blueprint(dumps.blueprint)  # /dumps/: the whole dataset, with checksums
    app.register_blueprint(browse.blueprint)  # /id/ (the entity index), sitemap.xml, robots.txt
    app.register_blueprint(curate.blueprint)  # /curate/…: drafting claims into the seeds (with the write token)
    app.add_url_rule("/healthz", "healthz", healthz)

    @app.before_request
    def start_clock() -> Response | None:
        g.started = time.perf_counter()
        if request.method == "OPTIONS" and request.url_rule is not None:  # CORS preflight, on every route
            return Response(status=204)
        take_whole_body(request.environ, settings.max_body_bytes)
        return None

    @app.before_request
    def refuse_an_incomplete_store() -> Response | None:
        """503 on the data's routes while a build has the store half loaded (see completeness.py)."""
        if request.blueprint not in GUARDED_BLUEPRINTS:
            return None
        problem = completeness().problem()
        return None if problem is None else error_response(503, problem, {"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.after_request
    def finish(response: Response) -> Response:
        response.headers.update(CORS_HEADERS)
        response.headers.update(SECURITY_HEADERS)
        _log(response)
        return response

    @app.errorhandler(HttpError)
    def http_error(error: HttpError) -> Response:
        return error_response(error.status, error.message, error.headers)

    @app.errorhandler(HTTPException)
    def werkzeug_error(error: HTTPException) -> Response:
        messages = {
            413: f"the request body is larger than the limit of {settings.max_body_bytes} bytes",
            405: f"method {request.method} is not allowed here",
            404: f"no such resource: {request.path}",
        }
        allowed = getattr(error, "valid_methods", None)  # set on 405 (MethodNotAllowed) only
        headers = {"Allow": ", ".join(allowed)} if allowed else {}
        return error_response(error.code or 500, messages.get(error.code or 500, error.description or ""), headers)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, "internal error; the server log has the details")

    caching.install(app)  # last: its after_request runs first, so the access log sees a 304 as one
    return app


def healthz() -> Response:
    """For monitors: 200 when the executor answers and the store opens and is complete, 503 otherwise."""
    problem = completeness().problem()
    if problem is not None:
        return Response(json.dumps({"status": "incomplete", "error": problem}), status=503, mimetype="application/json")
    try:
        answer = executor().run(PingJob())
    except Exception as error:
        return Response(
            json.dumps({"status": "unavailable", "error": str(error)}), status=503, mimetype="application/json"
        )
    return Response(json.dumps({"status": "ok", "store_version": answer.body.decode()}), mimetype="application/json")


def _log(response: Response) -> None:
    """One JSON line per request: what was asked, how it ended, and how long the query took. Written
    with one ``write`` to the standard error's descriptor, without the logging module (which cost 40 µs
    a request, an eighth of the application's time on a cached lookup): a line shorter than the pipe's
    buffer is never interleaved with another worker's."""
    started = g.get("started")
    record = {
        "time": _now(),
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "bytes": response.content_length if response.direct_passthrough else response.calculate_content_length(),
        "ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
        "query_ms": g.get("query_ms"),
        "cached": g.get("query_cached"),
        "form": g.get("query_form"),
        "client": request.headers.get("X-Forwarded-For", request.remote_addr),
        "agent": request.headers.get("User-Agent"),
    }
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with contextlib.suppress(OSError):  # a closed or full standard error must not fail the request
        os.write(sys.stderr.fileno(), line.encode())


def _now() -> str:
    """The local time to the second (formatted once a second)."""
    return _formatted(int(time.time()))


@functools.lru_cache(maxsize=1)
def _formatted(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(second))
