"""The curation page, ``/curate/<document-id>``: a document's text with its claims and mentions, where
selecting words drafts a claim and saving writes it into the document's claims file, checked at once.

Only the operator may curate (``curation/access.py``: the write token, or a cookie signed with it);
without a write token the pages do not exist. Document ids are checked against the id rule and must
name a document of the configured seeds folder before any path is made of them. The page writes the
claims file only: ``dprk-kg build`` loads it into the store, and the page says so. Every value from the
files reaches the page through Jinja's escaping, or as JSON in a data block the page's script reads
as text.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request

from dprk_kg.errors import DprkKgError
from dprk_kg.iris import DOCUMENT_ID
from dprk_kg.loaders.sources.documents import DocumentFiles, discover
from dprk_kg.server import caching
from dprk_kg.server.curation import access
from dprk_kg.server.curation.draft import DraftError, draft_fields, save_claim
from dprk_kg.server.curation.page import MODALITY_NAMES, STATUS_NAMES, curation_page, document_files
from dprk_kg.server.errors import HttpError, error_response
from dprk_kg.server.runtime import config

blueprint = Blueprint("curate", __name__)

SIGN_IN_NEEDED = (
    "curation needs the operator's token: Authorization: Bearer <token>, or sign in with it on this page in a browser"
)


@blueprint.after_request
def never_stored(response: Response) -> Response:
    """Curation pages show files that change with every save, and only to the operator."""
    return caching.uncacheable(response)


@blueprint.get("/curate/")
def index() -> Response:
    _require_sign_in()
    documents = [files.id for files in discover(config().seeds)]
    return Response(render_template("curate_index.html", documents=documents), mimetype="text/html")


@blueprint.get("/curate/<doc_id>")
def page(doc_id: str) -> Response:
    _require_sign_in(doc_id)
    settings = config()
    files = _document(doc_id)
    try:
        model = curation_page(files, settings.seeds, settings.iris)
    except DprkKgError as error:
        raise HttpError(500, f"the document cannot be read: {_relative(error)}") from error
    html = render_template(
        "curate.html", page=model, statuses=STATUS_NAMES, modalities=MODALITY_NAMES, claims_file=files.claims.name
    )
    return Response(html, mimetype="text/html")


@blueprint.post("/curate/<doc_id>/claims")
def save(doc_id: str) -> Response:
    """Append the posted draft (JSON: the claim's fields) to the claims file and check it: 201 with the
    claim as written, or 400 with the errors, ``file:line: …``, and the file as it was."""
    _require_sign_in()
    access.refuse_other_sites()
    files = _document(doc_id)
    if request.mimetype != "application/json":
        raise HttpError(415, "a draft is posted as application/json")
    posted = request.get_json(silent=True)
    if not isinstance(posted, dict):
        return _refused(400, ["the draft must be a JSON object of the claim's fields"])
    settings = config()
    try:
        saved = save_claim(settings.seeds, files.claims, draft_fields(posted), settings.iris)
    except DraftError as error:
        return _refused(400, [str(error)])
    except DprkKgError as error:  # the checks failed (the file is back as it was), or it could not be written
        return _refused(400 if error.exit_code in (1, 2) else 500, [_relative(error)])
    body = {"saved": {"id": saved.claim_id, "file": files.claims.name, "line": saved.line, "text": saved.text}}
    return Response(json.dumps(body, ensure_ascii=False), status=201, mimetype="application/json")


@blueprint.post("/curate/sign-in")
def sign_in() -> Response:
    """The browser's way to present the token: a form posts it once, the answer sets the cookie."""
    access.operator_token()
    access.refuse_other_sites()
    wanted = request.form.get("next", "")
    if not access.token_matches(request.form.get("token", "")):
        return _sign_in_page(wanted, wrong=True)
    target = f"/curate/{wanted}" if DOCUMENT_ID.fullmatch(wanted) else "/curate/"
    response = Response(status=303, headers={"Location": target})
    access.set_cookie(response)
    return response


@blueprint.post("/curate/sign-out")
def sign_out() -> Response:
    access.operator_token()
    access.refuse_other_sites()
    response = Response(status=303, headers={"Location": "/"})
    access.clear_cookie(response)
    return response


def _require_sign_in(doc_id: str = "") -> None:
    if not access.signed_in():
        raise _Unauthorised(doc_id)


class _Unauthorised(HttpError):
    def __init__(self, doc_id: str) -> None:
        super().__init__(401, SIGN_IN_NEEDED)
        self.doc_id = doc_id


@blueprint.errorhandler(_Unauthorised)
def unauthorised(error: _Unauthorised) -> Response:
    """401 as the write API answers it; a browser gets the sign-in form with it."""
    return _sign_in_page(error.doc_id, wrong=False)


def _sign_in_page(doc_id: str, *, wrong: bool) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="dprk-kg"'}
    if request.accept_mimetypes.best_match(["text/plain", "text/html"]) != "text/html":
        return error_response(401, SIGN_IN_NEEDED, headers)
    wanted = doc_id if DOCUMENT_ID.fullmatch(doc_id) else ""
    html = render_template("curate_sign_in.html", next=wanted, wrong=wrong)
    return Response(html, status=401, mimetype="text/html", headers=headers)


def _document(doc_id: str) -> DocumentFiles:
    files = document_files(config().seeds, doc_id)
    if files is None:
        raise HttpError(404, f"no such resource: {request.path}")
    return files


def _refused(status: int, errors: list[str]) -> Response:
    body = {"errors": errors, "unchanged": True}
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


def _relative(error: DprkKgError) -> str:
    """The error with the seeds folder's own path left out: ``x.claims.yaml:12: …`` (the server's
    folders are no business of the page's)."""
    return str(error).replace(f"{config().seeds}/", "")
