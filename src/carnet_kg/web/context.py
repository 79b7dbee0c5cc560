"""Access to the settings and the store from inside a request."""

from flask import current_app

from ..config import Settings
from ..store import Store


def settings() -> Settings:
    return current_app.config["CARNET_KG"]


def store() -> Store:
    return current_app.extensions["carnet_kg.store"]


def last_write() -> str:
    """When the store last changed (the latest time in the metadata graph), per store state."""
    executor = current_app.extensions["carnet_kg.executor"]
    cached = current_app.extensions.get("carnet_kg.last_write")
    if cached is None or cached[0] != executor.generation:
        metadata = store().metadata_graph
        rows = store().query(
            f"SELECT (MAX(?m) AS ?last) WHERE {{ GRAPH <{metadata}> "
            "{ ?doc <http://purl.org/dc/terms/modified> ?m } }"
        ).rows
        cached = (executor.generation, str(rows[0].get("last", "")) if rows else "")
        current_app.extensions["carnet_kg.last_write"] = cached
    return cached[1]
