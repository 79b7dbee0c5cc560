"""Stores: one interface (``base.Store``), an embedded backend, later a remote SPARQL one."""

from pathlib import Path

from ..config import Settings
from ..identifiers import Identifiers
from .base import GraphWrite, QueryResult, QuerySyntaxError, Store, StoreError
from .embedded import EmbeddedStore
from .withheld import WithheldRegistry


def open_store(settings: Settings, read_only: bool = False) -> Store:
    """The store the settings name: ``memory`` or a folder for the embedded backend.

    Its ``withheld`` registry is a file beside the store folder (``var/store.withheld.json``).
    """
    metadata = Identifiers(settings.base).metadata_graph
    path = None if settings.in_memory else Path(settings.store)
    store = EmbeddedStore(path, metadata, read_only=read_only)
    registry = None if path is None else path.with_name(path.name + ".withheld.json")
    store.withheld = WithheldRegistry(registry)
    return store


__all__ = [
    "EmbeddedStore", "GraphWrite", "QueryResult", "QuerySyntaxError", "Store", "StoreError",
    "WithheldRegistry", "open_store",
]
