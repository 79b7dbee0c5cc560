"""Our ontology namespace and the external vocabularies, with one prefix map for every output."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

CKG = Namespace("https://w3id.org/carnet-kg/ontology#")
CKG_ONTOLOGY = "https://w3id.org/carnet-kg/ontology"
SCHEMA = Namespace("https://schema.org/")
DCMITYPE = Namespace("http://purl.org/dc/dcmitype/")
ORG = Namespace("http://www.w3.org/ns/org#")
SIOC = Namespace("http://rdfs.org/sioc/ns#")
VANN = Namespace("http://purl.org/vocab/vann/")
VOID = Namespace("http://rdfs.org/ns/void#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
PAV = Namespace("http://purl.org/pav/")

PREFIXES: dict[str, str] = {
    "ckg": str(CKG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "dcmitype": str(DCMITYPE),
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "prov": str(PROV),
    "org": str(ORG),
    "sioc": str(SIOC),
    "vann": str(VANN),
    "void": str(VOID),
    "sh": str(SH),
    "sssom": str(SSSOM),
    "semapv": str(SEMAPV),
    "pav": str(PAV),
}

__all__ = [
    "CKG", "CKG_ONTOLOGY", "DCMITYPE", "DCTERMS", "FOAF", "ORG", "OWL", "PAV", "PREFIXES", "PROV",
    "RDF", "RDFS", "SCHEMA", "SEMAPV", "SH", "SIOC", "SKOS", "SSSOM", "VANN", "VOID", "XSD",
]


def bind_prefixes(graph) -> None:
    """Bind our prefix map on an rdflib graph or dataset (for readable Turtle/TriG output)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)


def compact(iri: str) -> str:
    """Shorten an IRI with the prefix map (``dcterms:title``), or return it unchanged."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri
