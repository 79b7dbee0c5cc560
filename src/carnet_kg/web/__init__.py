"""The Flask application factory: configuration, the store, one blueprint per concern."""

from __future__ import annotations

import atexit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from ..config import Settings
from ..sparql.cache import ResultCache
from ..store import Store
from . import (
    caching,
    crawling,
    errors,
    graph_store,
    graphs,
    health,
    history,
    home,
    i18n_context,
    indexes,
    oai,
    ontology,
    query_ui,
    reconcile,
    resources,
    search,
    security,
    sparql,
    void,
    writes,
)


def create_app(settings: Settings, store: Store) -> Flask:
    """A WSGI app serving ``store``; the store's life is the caller's business."""
    app = Flask(__name__)
    app.config["CARNET_KG"] = settings
    app.extensions["carnet_kg.store"] = store
    executor = store.query_executor(settings.query_workers, settings.query_memory_mb)
    atexit.register(executor.close)
    app.extensions["carnet_kg.executor"] = executor
    app.extensions["carnet_kg.cache"] = ResultCache(settings.query_cache_bytes)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.register_blueprint(home.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(query_ui.blueprint)
    app.register_blueprint(resources.blueprint)
    app.register_blueprint(indexes.blueprint)
    app.register_blueprint(ontology.blueprint)
    app.register_blueprint(search.blueprint)
    app.register_blueprint(oai.blueprint)
    app.register_blueprint(reconcile.blueprint)
    app.register_blueprint(crawling.blueprint)
    i18n_context.register(app)
    caching.register(app)
    security.register(app)
    app.register_blueprint(void.blueprint)
    app.register_blueprint(writes.blueprint)
    app.register_blueprint(history.blueprint)
    app.register_blueprint(graph_store.blueprint)
    app.register_blueprint(graphs.blueprint)
    errors.register(app)
    if settings.trusted_proxies:  # X-Forwarded-* are believed only when configured
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_prefix=hops)
    return app
