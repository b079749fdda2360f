"""Error responses: a status and a plain-text message a person can act on (never a traceback)."""

from __future__ import annotations

from flask import Response


class HttpError(Exception):
    """Raised by a route to answer with ``status`` and ``message``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.message = message
        self.headers = headers or {}
        super().__init__(message)


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    response = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    response.headers.update(headers or {})
    return response
