"""The Flask application factory: configuration, the store, one blueprint per concern."""

from __future__ import annotations

from flask import Flask

from ..config import Settings
from ..store import Store
from . import errors, health, home


def create_app(settings: Settings, store: Store) -> Flask:
    """A WSGI app serving ``store``; the store's life is the caller's business."""
    app = Flask(__name__)
    app.config["CARNET_KG"] = settings
    app.extensions["carnet_kg.store"] = store
    app.register_blueprint(home.blueprint)
    app.register_blueprint(health.blueprint)
    errors.register(app)
    return app
