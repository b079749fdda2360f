"""Browsing the dataset without SPARQL: the entity index at ``/id/``, ``sitemap.xml`` and ``robots.txt``,
and ``/labels``, which names the IRIs of the query page's result tables.

The index lists the entities (the IRIs under ``<base>id/``) by class, with their English and Hangul
labels, a count for each class of the ontology that has any, pages of ``PAGE_SIZE``, and a search box.
It reads the reconciliation service's index (``reconcile/index.py``): the same names, types and
entailed classes from the default graph — the facts view, so a name or a type only a guess gives is
never listed — and the same name matching (``dprk_kg/matching.py``), so "Hamgyeong-bukto" or "함경북도"
finds North Hamgyong Province here as it does in OpenRefine.

The sitemap lists every page a crawler may read: each entity, document and claim (a claim's graph
too, when it is non-factual: its page says so). Past ``SITEMAP_SIZE`` addresses it becomes a sitemap
index of numbered sitemaps, as the sitemap protocol asks. ``robots.txt`` lets crawlers read the pages,
names the sitemap, and keeps them off the query routes, whose URLs are endless.

Nothing read from a request reaches a query: the class is compared with the index's classes, the page
is an integer, the search text goes to the name matcher.
"""

from __future__ import annotations

import json
import math
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for

from dprk_kg.server.errors import HttpError
from dprk_kg.server.reconcile import current_index
from dprk_kg.server.reconcile.index import RDFS_LABEL, Entity, Index
from dprk_kg.server.runtime import config
from dprk_kg.vocabulary import DKG_NS

blueprint = Blueprint("browse", __name__)

PAGE_SIZE = 50
MAX_LABELS = 2000  # IRIs per /labels request: a page of results holds at most a few hundred
MAX_SEARCH = 200  # characters: a name, not a document
SEARCH_FLOOR = 70.0  # the matcher's score below which a name is no match (reconciliation proposes from 50)
SITEMAP_SIZE = 50_000  # the sitemap protocol's limit of addresses per file
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Every page of an entity, a document or a claim: subjects of the default graph and claims' graphs
# (each claim's graph by its name, whatever the default graph says of it). Hash IRIs are parts of pages.
PAGES = """SELECT DISTINCT ?page WHERE {
  { ?page ?p ?o } UNION { GRAPH ?page { } }
  FILTER (isIRI(?page) && !CONTAINS(STR(?page), "#")
          && (STRSTARTS(STR(?page), STR(id:)) || STRSTARTS(STR(?page), STR(doc:))
              || STRSTARTS(STR(?page), STR(claim:))))
} ORDER BY ?page"""
# Routes whose URLs carry queries: endless, and each costs the endpoint a query. (The index's searches
# are marked noindex in the page instead: a parser that drops a rule's "?" would read "/id/?" as "/id/".)
NOT_FOR_CRAWLERS = ("/sparql", "/update", "/data?", "/data/", "/reconcile", "/*?query=")


@dataclass
class Listed:
    """An entity as the index shows it."""

    entity: Entity
    href: str
    english: str
    hangul: str
    classes: list[str]


@dataclass
class ClassCount:
    iri: str
    id: str
    name: str
    count: int


@blueprint.route("/id/")
def entity_index() -> Response:
    index = current_index()
    chosen = _chosen_class(index, request.args.get("class", ""))
    search = _search_text(request.args.get("q", ""))
    entities = _found(index, search) if search else sorted(index.entities.values(), key=_sort_key)
    counts = _class_counts(index, entities)
    if chosen is not None:
        entities = [e for e in entities if index.has_type(e, [chosen.iri])]
    pages = max(1, math.ceil(len(entities) / PAGE_SIZE))
    page = _page_number(request.args.get("page", "1"), pages)
    shown = entities[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    html = render_template(
        "entity_index.html",
        entities=[_listed(index, e) for e in shown],
        total=len(entities),
        counts=counts,
        chosen=chosen,
        search=search,
        page=page,
        pages=pages,
        page_href=lambda number: _index_href(chosen, search, number),
        class_href=lambda term: _index_href(term, search, 1),
    )
    return Response(html, mimetype="text/html")


@blueprint.route("/id")
def entity_index_slash() -> Response:
    return Response(status=301, headers={"Location": url_for("browse.entity_index")})


@blueprint.route("/sitemap.xml")
def sitemap() -> Response:
    """Every page, or — past ``SITEMAP_SIZE`` — an index of numbered sitemaps."""
    pages = _page_addresses()
    if len(pages) <= SITEMAP_SIZE:
        return _xml(_urlset(pages))
    root = ET.Element("sitemapindex", xmlns=SITEMAP_NS)
    for number in range(1, math.ceil(len(pages) / SITEMAP_SIZE) + 1):
        ET.SubElement(ET.SubElement(root, "sitemap"), "loc").text = url_for(
            "browse.numbered_sitemap", number=number, _external=True
        )
    return _xml(root)


@blueprint.route("/sitemap-<int:number>.xml")
def numbered_sitemap(number: int) -> Response:
    pages = _page_addresses()
    chunk = pages[(number - 1) * SITEMAP_SIZE : number * SITEMAP_SIZE]
    if number < 1 or not chunk or len(pages) <= SITEMAP_SIZE:
        raise HttpError(404, f"no such sitemap: {request.path} (see /sitemap.xml)")
    return _xml(_urlset(chunk))


@blueprint.route("/robots.txt")
def robots() -> Response:
    # the Disallow lines first: the original protocol (Python's robotparser) takes the first rule that
    # matches, Google's the longest
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in NOT_FOR_CRAWLERS), "Allow: /"]
    lines += ["", f"Sitemap: {url_for('browse.sitemap', _external=True)}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


@blueprint.route("/labels", methods=["POST"])
def labels() -> Response:
    """The labels of IRIs, for the query page's result tables: a JSON array of IRIs in, a JSON object
    of those the default graph labels out (English first, as everywhere). Answered from the
    reconciliation index, which already holds every ``rdfs:label`` of the default graph for this store
    version: no query runs, so no text from the request comes near one, and a table of a thousand
    IRIs costs a thousand lookups rather than a query whose size the client chooses."""
    if request.mimetype != "application/json":
        raise HttpError(
            415, f"send the IRIs as a JSON array (Content-Type: application/json), not {request.mimetype!r}"
        )
    try:
        iris = json.loads(request.get_data())
    except ValueError as error:
        raise HttpError(400, f"the body is not JSON: {error}") from error
    if not isinstance(iris, list) or not all(isinstance(iri, str) for iri in iris):
        raise HttpError(400, "the body must be a JSON array of IRIs (strings)")
    if len(iris) > MAX_LABELS:
        raise HttpError(400, f"{len(iris)} IRIs asked; at most {MAX_LABELS} at a time")
    index = current_index()
    found = {iri: label for iri in iris if (label := index.known_label(iri)) is not None}
    return Response(json.dumps(found, ensure_ascii=False), mimetype="application/json")


# --- the index ---------------------------------------------------------------------------------------


def _index_href(chosen: ClassCount | None, search: str, page: int) -> str:
    """The index's address for a class (or all), a search and a page; the defaults left out."""
    arguments = {"class": chosen.id if chosen else "", "q": search, "page": str(page) if page > 1 else ""}
    query = urlencode({k: v for k, v in arguments.items() if v}, safe=":")
    return url_for("browse.entity_index") + (f"?{query}" if query else "")


def _chosen_class(index: Index, value: str) -> ClassCount | None:
    """The class asked for, by the identifier the index gives it (``dkg:Province``) or its IRI."""
    if not value:
        return None
    iri = index.expand(value)
    term = index.classes.get(iri) if iri else None
    if term is None:
        raise HttpError(400, f"class={value!r} is no class of the dataset (see the list on /id/)")
    return ClassCount(term.iri, term.id, term.name, 0)


def _search_text(value: str) -> str:
    text = " ".join(value.split())
    if len(text) > MAX_SEARCH:
        raise HttpError(400, f"q= is {len(text)} characters long; a name has at most {MAX_SEARCH}")
    return text


def _page_number(value: str, pages: int) -> int:
    if not value.isdigit() or int(value) < 1:
        raise HttpError(400, f"page={value!r} is not a page number (1 to {pages})")
    number = int(value)
    if number > pages:
        raise HttpError(404, f"page={number}: there are {pages} pages")
    return number


def _found(index: Index, text: str) -> list[Entity]:
    """The entities whose names match ``text``, best first."""
    found = (index.entity(identifier) for identifier, _, _ in index.names.search(text, floor=SEARCH_FLOOR))
    return [entity for entity in found if entity is not None]


def _sort_key(entity: Entity) -> tuple[str, str]:
    return (entity.name.casefold(), entity.id)


def _class_counts(index: Index, entities: list[Entity]) -> list[ClassCount]:
    """The ontology's classes that the entities have (their entailed types too), with how many have each."""
    counts: dict[str, int] = {}
    for entity in entities:
        for iri in index.classes:
            if iri.startswith(DKG_NS) and index.has_type(entity, [iri]):
                counts[iri] = counts.get(iri, 0) + 1
    terms = [index.classes[iri] for iri in counts]
    return sorted(
        (ClassCount(t.iri, t.id, t.name, counts[t.iri]) for t in terms), key=lambda c: (c.name.casefold(), c.id)
    )


def _listed(index: Index, entity: Entity) -> Listed:
    return Listed(
        entity=entity,
        href=f"/id/{entity.id}.html",
        english=entity.name,
        hangul=_hangul_label(entity),
        classes=[index.classes[t].name for t in entity.specific if t in index.classes],
    )


def _hangul_label(entity: Entity) -> str:
    """The Korean label in Hangul: a ``@ko`` label, else any label written in Hangul."""
    labels = sorted((lang != "ko", text) for p, text, lang in entity.labels if p == RDFS_LABEL and _is_hangul(text))
    return labels[0][1] if labels else ""


def _is_hangul(text: str) -> bool:
    return any(unicodedata.name(char, "").startswith("HANGUL") for char in text)


# --- the sitemap -------------------------------------------------------------------------------------


def _page_addresses() -> list[str]:
    """This server's address of each page (``….html``: a crawler reads the page, not the 303)."""
    base = config().base
    root = request.url_root
    rows = current_index().select(PAGES, None)
    return [root + row["page"]["value"][len(base) :] + ".html" for row in rows]


def _urlset(addresses: list[str]) -> ET.Element:
    root = ET.Element("urlset", xmlns=SITEMAP_NS)
    for address in addresses:
        ET.SubElement(ET.SubElement(root, "url"), "loc").text = address
    return root


def _xml(root: ET.Element) -> Response:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/xml")
