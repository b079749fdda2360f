"""The query page. Its editor, YASGUI from the npm registry, is copied by ``scripts/ui-assets`` into
``static/vendor/yasgui`` and served as a static file (never committed, never fetched from a CDN)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from dprk_kg.server.examples import examples

blueprint = Blueprint("ui", __name__)


@blueprint.route("/")
def index() -> Response:
    return Response(render_template("query.html", examples=examples()), mimetype="text/html")
