"""The query page and its static files: YASGUI from the npm registry, installed by
``scripts/ui-assets`` into ``server/ui/node_modules`` (never committed, never fetched from a CDN)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, send_from_directory

from dprk_kg.server.examples import examples
from dprk_kg.server.runtime import config

blueprint = Blueprint("ui", __name__)
VENDOR_FILES = {"yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map"}


@blueprint.route("/")
def index() -> Response:
    return Response(render_template("query.html", examples=examples()), mimetype="text/html")


@blueprint.route("/static/vendor/yasgui/<name>")
def vendor(name: str) -> Response:
    if name not in VENDOR_FILES:
        abort(404)
    directory = config().ui_assets
    if not (directory / name).is_file():
        abort(404)
    return send_from_directory(directory, name, max_age=3600)
