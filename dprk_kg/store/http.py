"""The HTTP side of a remote store: one connection pool per process, credentials, retries of passing
faults, bounded reads, and what an HTTP status means to the project (``QueryError`` when the store
rejects what was sent, ``StoreError`` when it cannot be reached or fails). It knows nothing of SPARQL.
"""

from __future__ import annotations

import os
import time
from typing import BinaryIO, cast

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from dprk_kg.config import from_environment
from dprk_kg.errors import QueryError, StoreError
from dprk_kg.store.common import BoundedBuffer

RETRIES = 5
TRANSIENT = (429, 502, 503, 504)  # worth another try after a pause
NOT_THE_REQUEST = (401, 403, 404, 405, 407)  # 4xx that say nothing about the query or update sent


class Bearer(AuthBase):
    """``Authorization: Bearer …``, for stores behind a token-checking proxy."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def credentials(username: str | None, password: str | None, *, digest: bool = False) -> AuthBase | None:
    """HTTP Basic (or Digest) for ``user:password@`` in the location, else a bearer token from
    ``DPRK_KG_STORE_TOKEN``, else none."""
    if username:
        return HTTPDigestAuth(username, password or "") if digest else HTTPBasicAuth(username, password or "")
    token: str | None = from_environment("store_token")
    return Bearer(token) if token else None


_SESSIONS: dict[int, requests.Session] = {}


def _session() -> requests.Session:
    """One connection pool per process, kept for its life (a forked child makes its own)."""
    return _SESSIONS.setdefault(os.getpid(), requests.Session())


class HttpConnector:
    """POSTs and GETs to one store's endpoints with its credentials and a time limit."""

    def __init__(self, auth: AuthBase | None, *, timeout: float) -> None:
        self.auth = auth
        self.timeout = timeout

    def post(
        self, url: str, data: list[tuple[str, str]], *, accept: str, stream: bool = False, retry: bool = True
    ) -> requests.Response:
        """A form POST; ``retry`` repeats it after connection errors and 429/502/503/504, which only
        requests that change nothing twice (queries, INSERT DATA of a set) may do."""
        attempts = RETRIES if retry else 1
        for attempt in range(1, attempts + 1):
            try:
                response = _session().post(
                    url, data=data, headers={"Accept": accept}, auth=self.auth, timeout=self.timeout, stream=stream
                )
            except requests.RequestException as error:
                if attempt == attempts:
                    raise StoreError(f"{url} cannot be reached: {error}") from error
            else:
                if response.status_code < 400:
                    return response
                if attempt == attempts or response.status_code not in TRANSIENT:
                    raise _failure(url, response)
                response.close()
            time.sleep(min(2**attempt * 0.25, 8))
        raise StoreError(f"{url}: no answer")  # not reached

    def get(self, url: str, *, accept: str) -> requests.Response | None:
        """A GET that may fail without consequence (looking for a Service Description): the response
        when it succeeds, None when the server answers with an error; ``StoreError`` if it cannot be
        reached at all."""
        try:
            response = _session().get(url, headers={"Accept": accept}, auth=self.auth, timeout=self.timeout)
        except requests.RequestException as error:
            raise StoreError(f"{url} cannot be reached: {error}") from error
        return response if response.status_code < 400 else None


def read_bounded(response: requests.Response, limit: int | None) -> bytes:
    """The body of a streamed response, refused with ``ResultTooLarge`` as soon as it passes ``limit``."""
    sink = BoundedBuffer(limit)
    try:
        for chunk in response.iter_content(chunk_size=1 << 16):
            sink.write(chunk)
    except requests.RequestException as error:
        raise StoreError(f"reading the answer of {response.url} failed: {error}") from error
    finally:
        response.close()
    return sink.getvalue()


def body_stream(response: requests.Response) -> BinaryIO:
    """The body of a streamed response as a file to parse while it arrives (decompressed if the
    server compressed it)."""
    response.raw.decode_content = True
    return cast(BinaryIO, response.raw)


def _failure(url: str, response: requests.Response) -> QueryError | StoreError:
    message = f"{url} answered {response.status_code}: {response.text.strip()[:2000]}"
    response.close()
    if 400 <= response.status_code < 500 and response.status_code not in NOT_THE_REQUEST:
        return QueryError(message)
    return StoreError(message)
