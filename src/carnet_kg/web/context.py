"""Access to the settings and the store from inside a request."""

from datetime import datetime

from flask import current_app

from ..config import Settings
from ..store import Store


def settings() -> Settings:
    return current_app.config["CARNET_KG"]


def store() -> Store:
    return current_app.extensions["carnet_kg.store"]


def store_state() -> tuple[int, datetime | None]:
    """The store's version (grows with every write) and the time of its last write; read once
    per state of the query workers (every write through this server renews them)."""
    executor = current_app.extensions["carnet_kg.executor"]
    cached = current_app.extensions.get("carnet_kg.state")
    if cached is None or cached[0] != executor.generation:
        metadata = store().metadata_graph
        rows = store().query(
            f"SELECT (MAX(?m) AS ?last) WHERE {{ GRAPH <{metadata}> "
            "{ ?doc <http://purl.org/dc/terms/modified> ?m } }"
        ).rows
        last = rows[0]["last"].toPython() if rows and "last" in rows[0] else None
        cached = (executor.generation, (store().version(), last))
        current_app.extensions["carnet_kg.state"] = cached
    return cached[1]


def last_write() -> str:
    """A stamp of the store's state: changes with every write (for ETags and the search
    index)."""
    version, _ = store_state()
    return str(version)
