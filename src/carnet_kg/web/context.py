"""Access to the settings and the store from inside a request."""

from flask import current_app

from ..config import Settings
from ..store import Store


def settings() -> Settings:
    return current_app.config["CARNET_KG"]


def store() -> Store:
    return current_app.extensions["carnet_kg.store"]
