"""``/ontology``: the ontology's documentation (HTML, French or English) and its RDF;
``/context.jsonld``: the JSON-LD context of carnet-kg data."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .. import i18n
from ..importers.jsonld import MEDIA_TYPE, context_text
from ..namespaces import CKG, CKG_ONTOLOGY, compact
from ..sparql.formats import GRAPH_FORMATS
from ..validation import ontology_graph
from .i18n_context import lang
from .rdf_response import rdf_response

blueprint = Blueprint("ontology", __name__)


def _text(graph, node, prop, current: str) -> str:
    value = i18n.pick(graph.objects(node, prop), current)
    return str(value) if value is not None else ""


def _terms(graph, kind, current: str) -> list[dict]:
    entries = []
    for term in sorted(set(graph.subjects(RDF.type, kind))):
        if not isinstance(term, URIRef) or not term.startswith(str(CKG)):
            continue
        entries.append({
            "id": term[len(CKG):],
            "iri": str(term),
            "label": _text(graph, term, RDFS.label, current),
            "comment": _text(graph, term, RDFS.comment, current),
            "parents": [compact(str(p)) for p in graph.objects(term, RDFS.subClassOf)]
            + [compact(str(p)) for p in graph.objects(term, RDFS.subPropertyOf)],
            "domain": [compact(str(d)) for d in graph.objects(term, RDFS.domain)],
            "range": [compact(str(r)) for r in graph.objects(term, RDFS.range)],
            "example": str(graph.value(term, SKOS.example) or ""),
        })
    return entries


@blueprint.get("/ontology")
def documentation():
    offers = [f.media_type for f in GRAPH_FORMATS] + ["text/html"]
    wants_html = request.accept_mimetypes.best_match(offers) == "text/html"
    if request.args.get("format") or not wants_html:
        response = rdf_response(ontology_graph())
        response.vary.add("Accept")
        return response
    graph, current = ontology_graph(), lang()
    onto = URIRef(CKG_ONTOLOGY)
    body = render_template(
        "ontology.html",
        title=_text(graph, onto, RDFS.label, current) or _text(graph, onto, SKOS.prefLabel,
                                                                current),
        description=_text(graph, onto, SKOS.definition, current),
        iri=CKG_ONTOLOGY,
        version=str(graph.value(onto, OWL.versionInfo) or ""),
        classes=_terms(graph, OWL.Class, current),
        properties=_terms(graph, OWL.ObjectProperty, current)
        + _terms(graph, OWL.DatatypeProperty, current),
        individuals=_terms(graph, OWL.NamedIndividual, current),
    )
    response = Response(body, mimetype="text/html")
    response.vary.add("Accept")
    return response


@blueprint.get("/context.jsonld")
def context_document():
    """The JSON-LD context (ontology/context.jsonld), also published at
    https://w3id.org/carnet-kg/context.jsonld. Cacheable, readable from any origin (JSON-LD
    processors in browsers fetch contexts across origins)."""
    response = Response(context_text(), mimetype=MEDIA_TYPE)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    response.add_etag()
    return response.make_conditional(request)
