"""The W3C Entity Reconciliation Service API 0.2 (the version OpenRefine speaks) over our resources.

One module per job: ``types`` and ``properties`` say what a client may ask for, ``parsing``
checks what it sent, ``entities`` reads labels and descriptions from the store, ``candidates``
matches names, ``suggest``, ``extend``, ``preview`` and ``manifest`` answer the other requests.
Nothing here knows Flask: ``carnet_kg.web.reconcile`` maps it to HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph

from ..identifiers import Identifiers
from ..search import SearchIndex
from ..store import Store


class RequestError(ValueError):
    """What a client sent cannot be answered; the message says why (HTTP 400)."""


@dataclass
class Service:
    """What answering needs: the store, our identifiers, the search index (built on first use),
    the ontology (for type names) and the language of names (``fr`` or ``en``)."""

    store: Store
    ids: Identifiers
    ontology: Graph
    search: Callable[[], SearchIndex]  # called when needed: it may have to be rebuilt first
    lang: str = "fr"
