"""Who may curate: the holder of the operator's write token, presented as the write API takes it
(``Authorization: Bearer …``) or, from a browser, by signing in once on the page.

Signing in sets a cookie that holds not the token but an HMAC of a fixed text under it, so the cookie
opens the curation pages and nothing else (it is no bearer token for /update). It is ``HttpOnly`` (no
script reads it), ``SameSite=Strict`` (no other site's page sends it) and scoped to ``/curate``
(``Secure`` over HTTPS). A save must also come as JSON from this server's own origin: a cross-site form
cannot send JSON, a cross-site script's JSON needs a preflight that the endpoint's CORS answer (any
origin, no credentials) lets through only without cookies, and an ``Origin`` or ``Sec-Fetch-Site`` that
names another site is refused outright. Together these make a forged save impossible, with no secret
form field to manage.

Without a write token the curation pages do not exist (404), as the page has nothing to write with.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Response, request

from dprk_kg.server.errors import HttpError
from dprk_kg.server.runtime import config

COOKIE = "dprk_kg_curate"
COOKIE_PATH = "/curate"
_COOKIE_TEXT = b"dprk-kg curation session"


def operator_token() -> str:
    """The write token; without one the curation pages are 404."""
    token = config().write_token
    if token is None:
        raise HttpError(404, f"no such resource: {request.path}")
    return token


def signed_in() -> bool:
    """Whether the request carries the token (bearer) or the cookie that signing in with it gave."""
    token = operator_token()
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return hmac.compare_digest(given.strip().encode(), token.encode())
    cookie = request.cookies.get(COOKIE, "")
    return hmac.compare_digest(cookie.encode(), cookie_value(token).encode())


def token_matches(given: str) -> bool:
    return hmac.compare_digest(given.strip().encode(), operator_token().encode())


def cookie_value(token: str) -> str:
    return hmac.new(token.encode(), _COOKIE_TEXT, hashlib.sha256).hexdigest()


def set_cookie(response: Response) -> None:
    response.set_cookie(
        COOKIE,
        cookie_value(operator_token()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
    )


def clear_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="Strict", secure=request.is_secure)


def refuse_other_sites() -> None:
    """403 for a request another site's page made (by the browser's own account of it)."""
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if site not in (None, "same-origin", "none") or (origin is not None and origin != request.host_url.rstrip("/")):
        raise HttpError(403, "curation requests must come from this server's own pages (cross-site request refused)")
