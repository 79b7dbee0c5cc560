"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol (indirect identification:
``?graph=IRI`` or ``?default``). Reading is open; PUT, POST and DELETE need a write token
(the operations live in ``graph_store``)."""

from __future__ import annotations

import re
import tempfile

from flask import Blueprint, Response, request, send_file
from rdflib import Graph, URIRef

from .. import graph_store, writes
from ..ingest import SourceFile
from ..ingest.rdf_files import FORBIDDEN_IN_IRI
from ..sparql.formats import GRAPH_FORMATS
from . import context
from .auth import writer
from .rdf_response import RDFLIB_NAMES
from .writes import answer, changed, refused

blueprint = Blueprint("graph_store", __name__)
# an absolute http(s) IRI: a host (or a bracketed IPv6 address), then a path whose percent
# signs all start an escape
IRI = re.compile(r"https?://(\[[0-9A-Fa-f:.]+\]|[^\s/?#\[\]@]+)(:[0-9]*)?"
                 r"([/?#](%[0-9A-Fa-f]{2}|[^%])*)?")
UNION_FORMATS = {"text/turtle": "turtle", "application/n-quads": "nquads",
                 "application/trig": "trig"}


def _graph_name() -> URIRef | None | Response:
    """The graph the request names (None: the default graph), or the error."""
    graphs, default = request.args.getlist("graph"), "default" in request.args
    if len(graphs) + default != 1:
        return answer(400, "name one graph: ?graph=IRI or ?default")
    if default:
        return None
    name = graphs[0]
    if not IRI.fullmatch(name) or FORBIDDEN_IN_IRI.search(name):
        return answer(400, f"graph={name[:200]!r} is not an absolute http(s) IRI")
    return URIRef(name)


@blueprint.get("/store")
def read():
    name = _graph_name()
    if isinstance(name, Response):
        return name
    store = context.store()
    if name is None:
        wanted = request.accept_mimetypes.best_match(list(UNION_FORMATS)) or "text/turtle"
        spooled = tempfile.SpooledTemporaryFile(max_size=8_000_000)  # noqa: SIM115 (send_file closes it)
        store.dump(spooled, UNION_FORMATS[wanted])
        spooled.seek(0)
        return send_file(spooled, mimetype=wanted)
    if not store.has_graph(name):
        return answer(404, f"no graph <{name}>")
    offers = [f.media_type for f in GRAPH_FORMATS]
    wanted = request.accept_mimetypes.best_match(offers) or "text/turtle"
    fmt = next(f.key for f in GRAPH_FORMATS if f.media_type == wanted)
    return Response(store.graph(name).serialize(format=RDFLIB_NAMES[fmt]), mimetype=wanted)


def _write(operation):
    agent, refusal = writer()
    if refusal is not None:
        return refusal
    name = _graph_name()
    if isinstance(name, Response):
        return name
    settings = context.settings()
    try:
        outcome = operation(agent, name, settings)
    except writes.WriteRefused as error:
        return refused(error)
    changed()
    return answer(outcome.status, outcome.message)


def _body(settings):
    return writes.parse_body(request.get_data(), request.mimetype, settings.base,
                             f"{request.method} /store")


@blueprint.put("/store")
def replace():
    def operation(agent, name, settings):
        if name is None:
            raise writes.WriteRefused(405, "replacing the whole dataset over HTTP is not "
                                           "offered: PUT one graph (?graph=IRI), or POST to "
                                           "merge; carnet-kg load reloads everything")
        return graph_store.replace(context.store(), settings, name, _body(settings), agent,
                                   request.headers.get("If-Match"))
    return _write(operation)


@blueprint.post("/store")
def merge():
    def operation(agent, name, settings):
        source = _body(settings)
        if name is not None:  # into one graph: the body's triples go to that graph
            merged = {}
            for graph in source.graphs.values():
                merged.setdefault(name, Graph())
                merged[name] += graph
            source = SourceFile(source.label, merged)
        return graph_store.merge(context.store(), settings, source, agent)
    return _write(operation)


@blueprint.delete("/store")
def remove():
    def operation(agent, name, settings):
        if name is None:
            raise writes.WriteRefused(405, "deleting the whole dataset over HTTP is not "
                                           "offered: DELETE one graph (?graph=IRI)")
        return graph_store.remove(context.store(), settings, name, agent,
                                  request.headers.get("If-Match"))
    return _write(operation)
