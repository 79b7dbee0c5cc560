"""The dataset's description (``/.well-known/void``, ``/catalog``: VoID and DCAT, negotiated
RDF) and its dumps (``/dumps/…``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_from_directory, url_for

from ..harvest import description, dumps
from . import context
from .rdf_response import rdf_response

blueprint = Blueprint("void", __name__)


def void_iri() -> str:
    """Where this server serves the VoID document (the request's host)."""
    return request.host_url.rstrip("/") + url_for("void.description")


def _dumps_folder() -> Path:
    path = getattr(context.store(), "path", None)
    if path:
        return Path(path + ".dumps")
    folder = current_app.extensions.get("carnet_kg.dumps")
    if folder is None:  # a store in memory: dumps in a temporary folder
        folder = current_app.extensions["carnet_kg.dumps"] = Path(tempfile.mkdtemp())
    return folder


def current_dumps() -> list[dumps.Dump]:
    return dumps.current(context.store(), _dumps_folder())


def description_document():
    site = request.host_url.rstrip("/")
    graph = description.describe(context.store(), context.settings(), site, current_dumps())
    return rdf_response(graph)


blueprint.add_url_rule("/catalog", "catalog", description_document)
blueprint.add_url_rule("/.well-known/void", "description", description_document)


@blueprint.get("/dumps/<name>")
def dump(name: str):
    if name not in dumps.FORMATS:
        abort(404)
    found = {d.name: d for d in current_dumps()}[name]
    response = send_from_directory(_dumps_folder(), name, mimetype="application/gzip",
                                   conditional=True, etag=found.sha256, max_age=0)
    response.headers["Digest"] = f"sha-256={found.sha256}"
    return response
