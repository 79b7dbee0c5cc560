"""``/oai``: the OAI-PMH 2.0 endpoint (GET or form POST); the protocol lives in harvest.oai."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, request

from .. import memory
from ..harvest import oai
from ..identifiers import Identifiers
from . import context

blueprint = Blueprint("oai", __name__)


@blueprint.route("/oai", methods=["GET", "POST"])
def endpoint():
    source = request.form if request.method == "POST" else request.args
    arguments = {name: source.getlist(name) for name in source}
    settings = context.settings()
    body = oai.respond(arguments, oai.Context(
        context.store(), settings, Identifiers(settings.base), request.base_url,
        datetime.now(UTC).replace(microsecond=0),
    ))
    if arguments.get("verb") in (["ListRecords"], ["ListIdentifiers"]):
        memory.release()  # a page of records: its freed objects must not stay resident
    return Response(body, mimetype="text/xml")
