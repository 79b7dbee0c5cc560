"""The write API: ``PUT /doc/{kind}/{key}`` replaces a resource's description (Turtle,
N-Triples, RDF/XML or JSON-LD), ``DELETE`` withdraws it; a bearer token is required, and
``If-Match`` with the ETag of the version edited (the logic lives in ``writes``)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from .. import writes
from ..identifiers import KINDS, Identifiers
from . import context
from .auth import writer
from .resources import valid_address

blueprint = Blueprint("writes", __name__)


def answer(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(message + "\n", status, mimetype="text/plain", headers=headers or {})


def refused(error: writes.WriteRefused) -> Response:
    if error.report is None:
        return answer(error.status, error.message)
    if request.accept_mimetypes.best_match(["text/plain", "text/turtle"]) == "text/turtle" \
            and error.report.graph is not None:  # the SHACL report itself, for programs
        return Response(error.report.graph.serialize(format="turtle"), error.status,
                        mimetype="text/turtle")
    return answer(error.status, f"{error.message}\n{error.report.text()}")


def changed() -> None:
    current_app.extensions["carnet_kg.executor"].invalidate()
    current_app.extensions["carnet_kg.cache"].clear()


def _target(kind: str, key: str) -> Response | None:
    if not valid_address(kind, key):
        return answer(404, f"/doc/{kind}/{key} is not a resource address: "
                            "kinds are " + ", ".join(KINDS) + "; keys use a-z, 0-9 and -")
    return None


@blueprint.put("/doc/<kind>/<key>")
def put(kind: str, key: str):
    agent, refusal = writer()
    if refusal is not None:
        return refusal
    if (missing := _target(kind, key)) is not None:
        return missing
    settings = context.settings()
    try:
        source = writes.parse_body(request.get_data(), request.mimetype, settings.base,
                                   f"PUT /doc/{kind}/{key}")
        outcome = writes.put(context.store(), settings, kind, key, source, agent,
                             request.headers.get("If-Match"),
                             request.headers.get("If-None-Match"))
    except writes.WriteRefused as error:
        return refused(error)
    changed()
    return _outcome(outcome, kind, key)


@blueprint.delete("/doc/<kind>/<key>")
def delete(kind: str, key: str):
    agent, refusal = writer()
    if refusal is not None:
        return refusal
    if (missing := _target(kind, key)) is not None:
        return missing
    try:
        outcome = writes.delete(context.store(), context.settings(), kind, key, agent,
                                request.headers.get("If-Match"))
    except writes.WriteRefused as error:
        return refused(error)
    changed()
    return _outcome(outcome, kind, key)


def _outcome(outcome: writes.WriteOutcome, kind: str, key: str) -> Response:
    headers = {}
    if outcome.revision is not None:
        # the ETag a later write may name in If-Match (its revision part is what counts)
        headers["ETag"] = f'"r{outcome.revision}-written"'
        headers["Location"] = f"/doc/{kind}/{key}"
    thing = Identifiers(context.settings().base).thing(kind, key)
    return answer(outcome.status, f"<{thing}> {outcome.message}", headers)
