"""The SPARQL 1.1 Service Description of the endpoint: only what it really supports."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ..config import Settings
from ..identifiers import Identifiers
from ..namespaces import VOID, bind_prefixes
from .formats import GRAPH_FORMATS, RESULT_FORMATS

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
FORMAT_IRIS = {
    "json": FORMATS.SPARQL_Results_JSON,
    "xml": FORMATS.SPARQL_Results_XML,
    "csv": FORMATS.SPARQL_Results_CSV,
    "tsv": FORMATS.SPARQL_Results_TSV,
    "turtle": FORMATS.Turtle,
    "jsonld": FORMATS["JSON-LD"],
    "rdfxml": FORMATS.RDF_XML,
    "ntriples": FORMATS["N-Triples"],
}


def describe(endpoint: str, void_iri: str, settings: Settings) -> Graph:
    """The description of the endpoint at ``endpoint`` (the URL the client used); its dataset
    is the VoID dataset (``BASE .well-known/void#dataset``), described at ``void_iri``."""
    graph = Graph()
    bind_prefixes(graph)
    graph.bind("sd", SD)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, DCTERMS.title, Literal("carnet-kg SPARQL endpoint", lang="en")))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.write_token:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.allowed_services:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    for fmt in RESULT_FORMATS + GRAPH_FORMATS:
        graph.add((service, SD.resultFormat, FORMAT_IRIS[fmt.key]))
    dataset, default = Identifiers(settings.base).dataset, BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((dataset, RDFS.seeAlso, URIRef(void_iri)))
    return graph
