"""The one interface to the RDF store, shared by the loaders (write) and the server (read).

Nothing else touches a store directly, so a remote SPARQL 1.1 store can stand behind the same
interface as the embedded pyoxigraph one. The modules:

    base.py       the interface (``Store``), query output and datasets
    formats.py    result kinds and serialisations: media types and pyoxigraph formats
    common.py     what both backends share (bounded answers, select rows, bindings, graph writes)
    location.py   reading a store location: a folder or a supported URL, else refused
    embedded.py   pyoxigraph on disk, in copy-on-write versions behind a link
    remote.py     a SPARQL 1.1 store over HTTP: graphs, the merge, batched loads
    endpoints.py  a remote store's endpoints and flavour, from its location and Service Description
    http.py       the HTTP exchange: session, credentials, retries, bounded reads, status → errors
    merge.py      keeping the default graph the merge of the named graphs across updates
"""

from dprk_kg.store.base import QueryOutput, ResultFormat, ResultKind, Store
from dprk_kg.store.embedded import EmbeddedStore
from dprk_kg.store.location import LocalLocation, parse_location
from dprk_kg.vocabulary import DEFAULT_BASE

__all__ = ["EmbeddedStore", "QueryOutput", "ResultFormat", "ResultKind", "Store", "open_store"]


def open_store(location: str, *, read_only: bool = False, base: str | None = None) -> Store:
    """Open the store named by configuration: a folder is the embedded store, an ``http(s)://`` URL
    (optionally with a flavour, ``oxigraph+http://…``) a remote SPARQL 1.1 store. Anything else is a
    ``ConfigError`` raised before anything is created (see location.py)."""
    parsed = parse_location(location, writable=not read_only)
    if isinstance(parsed, LocalLocation):
        return EmbeddedStore(parsed.path, read_only=read_only)
    from dprk_kg.store.remote import RemoteStore  # requests is imported only for a remote store

    return RemoteStore(parsed, read_only=read_only, base=base or DEFAULT_BASE)
