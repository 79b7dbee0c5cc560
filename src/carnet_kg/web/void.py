"""``/.well-known/void``: the VoID description of the dataset (counts, endpoint, URI space)."""

from flask import Blueprint, request, url_for
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS, XSD

from .. import queries
from ..namespaces import CKG, SCHEMA, VOID, bind_prefixes
from . import context
from .rdf_response import rdf_response

blueprint = Blueprint("void", __name__)


def void_iri() -> str:
    """Where this server serves the VoID document (the request's host)."""
    return request.host_url.rstrip("/") + url_for("void.description")


def dataset_iri(base: str) -> str:
    """The dataset's canonical IRI (documents say ``void:inDataset`` it)."""
    return f"{base}.well-known/void#dataset"


@blueprint.get("/.well-known/void")
def description():
    settings = context.settings()
    size = queries.run(context.store(), "dataset-size").rows[0]
    graph = Graph()
    bind_prefixes(graph)
    dataset = URIRef(dataset_iri(settings.base))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("carnet-kg knowledge base", lang="en")))
    graph.add((dataset, VOID.sparqlEndpoint,
               URIRef(request.host_url.rstrip("/") + url_for("sparql.endpoint"))))
    graph.add((dataset, VOID.uriSpace, Literal(settings.base + "id/")))
    graph.add((dataset, VOID.triples, Literal(int(size["triples"]), datatype=XSD.integer)))
    for vocabulary in (str(CKG), str(SKOS), str(DCTERMS), str(FOAF), str(SCHEMA)):
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    graph.add((dataset, VOID.rootResource, URIRef(settings.base)))
    return rdf_response(graph)
