"""The query page. Its editor, YASGUI from the npm registry, is copied by ``scripts/ui-assets`` into
``static/vendor/yasgui`` and served as a static file (never committed, never fetched from a CDN)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from dprk_kg.server.examples import examples
from dprk_kg.server.runtime import config
from dprk_kg.vocabulary import base_prefixes

blueprint = Blueprint("ui", __name__)


@blueprint.route("/")
def index() -> Response:
    return query_page()


def query_page() -> Response:
    """The page (at ``/``, and for a browser's GET of ``/sparql``), with the prefixes the endpoint knows
    undeclared (the editor must not mark them as errors, and the result tables shorten IRIs with them)
    and the data's base (its IRIs link here)."""
    settings = config()
    page = render_template("query.html", examples=examples(), prefixes=base_prefixes(settings.base), base=settings.base)
    return Response(page, mimetype="text/html")
