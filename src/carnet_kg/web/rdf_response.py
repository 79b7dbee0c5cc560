"""Serve a small rdflib graph in the format the client negotiated (Turtle by default)."""

from __future__ import annotations

from flask import Response, request
from rdflib import Graph

from ..sparql.formats import GRAPH_FORMATS, NotAcceptable, choose

RDFLIB_NAMES = {"turtle": "turtle", "jsonld": "json-ld", "rdfxml": "xml", "ntriples": "nt"}


def rdf_response(graph: Graph) -> Response:
    """``graph`` as Turtle, JSON-LD, RDF/XML or N-Triples; 406 if none is acceptable."""
    try:
        fmt = choose(request.accept_mimetypes, request.args.getlist("format")).graph
    except NotAcceptable as error:
        return Response(f"{error}\n", 400, mimetype="text/plain", headers={"Vary": "Accept"})
    if fmt is None:
        offered = ", ".join(f.media_type for f in GRAPH_FORMATS)
        return Response(f"not acceptable: this resource is offered as {offered}\n", 406,
                        mimetype="text/plain", headers={"Vary": "Accept"})
    body = graph.serialize(format=RDFLIB_NAMES[fmt.key])
    response = Response(body, mimetype=fmt.media_type, headers={"Vary": "Accept"})
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
