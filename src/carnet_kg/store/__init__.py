"""Stores: one interface (``base.Store``), an embedded backend, later a remote SPARQL one."""

import time
from pathlib import Path

from ..config import Settings
from ..identifiers import Identifiers
from .base import GraphWrite, QueryResult, QuerySyntaxError, Store, StoreError
from .embedded import EmbeddedStore
from .history import History, Revision
from .remote import RemoteStore
from .withheld import WithheldRegistry


def open_store(settings: Settings, read_only: bool = False) -> Store:
    """The store the settings name: a remote SPARQL engine if ``sparql_query`` is set, else
    the embedded backend in memory (``memory``) or in a folder.

    Its ``withheld`` registry and its ``history`` are files beside the store folder
    (``var/store.withheld.json``, ``var/store.history.sqlite``); revisions a crash left
    unconfirmed are settled against the store's metadata here.
    """
    metadata = Identifiers(settings.base).metadata_graph
    path = None if settings.in_memory else Path(settings.store)
    if settings.remote:
        store: Store = RemoteStore(settings.sparql_query, settings.sparql_update,
                                   settings.sparql_store, metadata,
                                   None if path is None else str(path), settings.sparql_timeout)
        store.check_union_default_graph()
    else:
        store = EmbeddedStore(path, metadata, read_only=read_only)
    registry = None if path is None else path.with_name(path.name + ".withheld.json")
    store.withheld = WithheldRegistry(registry)
    if path is not None:
        store.history.close()
        store.history = History(path.with_name(path.name + ".history.sqlite"))
        if not read_only:
            settled = _settled(store) if settings.remote else store.revisions_of
            store.history.reconcile(settled)
    return store


def _settled(store: Store, pause: float = 0.5, reads: int = 10):
    """A remote engine may still be applying an update its writer died during: read the
    revisions until two reads half a second apart agree (at most ``reads`` times)."""
    def revisions_of(names: list[str]) -> dict[str, int]:
        found = store.revisions_of(names)
        for _ in range(reads):
            time.sleep(pause)
            again = store.revisions_of(names)
            if again == found:
                break
            found = again
        return found

    return revisions_of


__all__ = [
    "EmbeddedStore", "GraphWrite", "History", "QueryResult", "QuerySyntaxError", "RemoteStore",
    "Revision", "Store", "StoreError", "WithheldRegistry", "open_store",
]
