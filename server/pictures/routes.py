"""The pictures' routes and the helpers the pages' templates call to draw them.

``/id/<entity>/neighbourhood.svg`` is the neighbourhood graph as a standalone SVG document; ``/timeline``
the timeline of everything dated. Both honour ``?view=`` as the pages do (the page's default, the
complete view, otherwise), and get the same caching headers as every page (``caching.py`` answers
every route). The entity page embeds the same SVG inline (its links then open in the page), and its
own events' timeline; a document's page shows its text with the quoted passages linked to their claims.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, render_template
from markupsafe import Markup

from dprk_kg.server import document_text, linked_data, parameters, views
from dprk_kg.server.errors import HttpError
from dprk_kg.server.linked_data import Description
from dprk_kg.server.pictures import neighbourhood as neighbourhood_picture
from dprk_kg.server.pictures import timeline as timeline_picture
from dprk_kg.server.runtime import config

blueprint = Blueprint("pictures", __name__)

ENTITY_SPACE = "id/"
KNOWN = "SELECT ?this WHERE { { GRAPH ?g { ?this ?p ?o } } UNION { GRAPH ?g { ?s ?p ?this } } } LIMIT 1"


@blueprint.route(f"/{ENTITY_SPACE}<path:rest>/neighbourhood.svg")
def neighbourhood_svg(rest: str) -> Response:
    node = parameters.named_node(config().base + ENTITY_SPACE + rest, "the resource", 404)
    view = linked_data.chosen_view() or linked_data.default_view(None)
    picture = neighbourhood_picture.neighbourhood(node, view)
    if not picture.edges and not linked_data._select(KNOWN, {"this": node}):
        raise HttpError(404, f"nothing is known about <{node.value}>")
    return Response(neighbourhood_picture.svg(picture), mimetype="image/svg+xml")


@blueprint.route("/timeline")
def timeline_page() -> Response:
    chosen = linked_data.chosen_view()
    view = chosen or linked_data.default_view(None)
    html = render_template(
        "timeline.html",
        timeline=timeline_picture.timeline(view),
        view=view,
        view_chosen=chosen is not None,
        views=views.VIEWS,
        local=linked_data.local_href,
    )
    return Response(html, mimetype="text/html")


@blueprint.app_template_global()
def neighbourhood_figure(d: Description) -> Markup | None:
    """The entity's neighbourhood, inline SVG for its page; None on other pages or with nothing to draw.
    When ``dot`` cannot draw, the page says so instead of failing."""
    if not d.path.startswith("/" + ENTITY_SPACE):
        return None
    picture = neighbourhood_picture.neighbourhood(ox.NamedNode(d.iri), d.view)
    if not picture.edges:
        return None
    try:
        return Markup(neighbourhood_picture.inline(neighbourhood_picture.svg(picture)))
    except HttpError as error:
        return Markup('<p class="picture-missing">{}</p>').format(error.message)


@blueprint.app_template_global()
def entity_timeline(d: Description) -> timeline_picture.Timeline | None:
    """The dated events the entity takes part in (linked to it either way), or the entity's own dates."""
    if not d.path.startswith("/" + ENTITY_SPACE):
        return None
    related = {d.iri} | {s.value["value"] for s in d.statements if s.value["type"] == "uri"}
    related |= {link.subject for link in d.incoming}
    found = timeline_picture.timeline(d.view, related)
    return None if found.empty else found


@blueprint.app_template_global()
def document_sentences(d: Description) -> list[document_text.Sentence]:
    text = d.document_text or ""
    return document_text.sentences(text, document_text.quotes_of(d.document_claims, text))


@blueprint.app_template_global()
def short_name(iri: str) -> str:
    """A prefixed name (``id:orang-county``) where a page would otherwise show a whole IRI."""
    return linked_data._short(iri)


# Every query the pictures run: constants, the resource bound as an IRI term, the view applied to the rows.
QUERIES = (neighbourhood_picture.NEIGHBOURS, timeline_picture.DATED, KNOWN)
