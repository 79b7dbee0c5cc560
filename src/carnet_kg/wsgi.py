"""The WSGI application for servers that run several worker processes (gunicorn, uWSGI…).

``gunicorn -w 4 'carnet_kg.wsgi:create()'`` builds one application per worker from the
``CARNET_KG_*`` settings. Several workers need the remote backend (``CARNET_KG_SPARQL_QUERY``
…): the embedded store opens in one process only. Writes from all workers take the store's
write lock (a file beside the store folder), so they are serialised as in one process.
"""

from __future__ import annotations

import atexit

from flask import Flask

from .config import load_settings
from .store import open_store
from .web import create_app


def create() -> Flask:
    """The application on the configured store (opened here, closed at exit)."""
    settings = load_settings()
    store = open_store(settings)
    atexit.register(store.close)
    return create_app(settings, store)
