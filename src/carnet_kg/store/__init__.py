"""Stores: one interface (``base.Store``), an embedded backend, later a remote SPARQL one."""

from ..config import Settings
from ..identifiers import Identifiers
from .base import GraphWrite, QueryResult, QuerySyntaxError, Store, StoreError
from .embedded import EmbeddedStore


def open_store(settings: Settings, read_only: bool = False) -> Store:
    """The store the settings name: ``memory`` or a folder for the embedded backend."""
    metadata = Identifiers(settings.base).metadata_graph
    path = None if settings.in_memory else settings.store
    return EmbeddedStore(path, metadata, read_only=read_only)


__all__ = [
    "EmbeddedStore", "GraphWrite", "QueryResult", "QuerySyntaxError", "Store", "StoreError",
    "open_store",
]
