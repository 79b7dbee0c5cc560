"""``/health``: is the process up and can it read its store."""

from flask import Blueprint, jsonify

from ..store import StoreError
from . import context

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def health():
    try:
        readable = context.store().query("ASK { ?s ?p ?o }").kind == "ask"
    except StoreError as error:
        return jsonify(status="error", store=str(error)), 503
    return jsonify(status="ok", store="readable" if readable else "unknown")
