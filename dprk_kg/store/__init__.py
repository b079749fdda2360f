"""The one interface to the RDF store, shared by the loaders (write) and the server (read).

Nothing else touches a store directly, so a remote SPARQL 1.1 store can stand behind the same
interface as the embedded pyoxigraph one.
"""

from dprk_kg.store.base import QueryOutput, ResultFormat, Store
from dprk_kg.store.embedded import EmbeddedStore

__all__ = ["EmbeddedStore", "QueryOutput", "ResultFormat", "Store", "open_store"]


def open_store(location: str, *, read_only: bool = False, base: str | None = None) -> Store:
    """Open the store named by configuration: ``oxigraph+http://…`` and the like are a remote SPARQL
    1.1 store (see remote.py); anything else is a filesystem path of the embedded store."""
    from pathlib import Path

    from dprk_kg.store.remote import RemoteStore, is_remote

    if is_remote(location):
        from dprk_kg.namespaces import DEFAULT_BASE

        return RemoteStore(location, read_only=read_only, base=base or DEFAULT_BASE)
    return EmbeddedStore(Path(location), read_only=read_only)
