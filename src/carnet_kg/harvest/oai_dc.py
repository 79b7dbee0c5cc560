"""A resource's description as Dublin Core (oai_dc): what generic harvesters read."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from ..namespaces import CKG
from ..store import Store

TYPES = {"note": "Text", "term": "Text", "notebook": "Collection", "category": "Text",
         "knowledge-base": "Collection", "lexicon": "Collection", "community": "Agent",
         "person": "Agent", "organisation": "Agent"}


def _labels(graph: Graph, node) -> list[str]:
    for prop in (DCTERMS.title, SKOS.prefLabel, FOAF.name):
        values = [str(v) for v in graph.objects(node, prop)]
        if values:
            return values
    return []


def description(store: Store, thing: URIRef, document: URIRef) -> Graph:
    """What Dublin Core needs of a resource: its graph, the notebooks holding it, and the
    labels of what it links to (cheaper than the full document of ``describe``)."""
    graph = store.graph(document)
    for triple in store.query(  # the bound pattern first: it selects a handful of nodes
        f"CONSTRUCT {{ ?nb <{CKG.hasMembership}> ?m . ?m <{CKG.member}> <{thing}> }} "
        f"WHERE {{ ?m <{CKG.member}> <{thing}> . ?nb <{CKG.hasMembership}> ?m }}"
    ).graph:
        graph.add(triple)
    linked = " ".join(f"<{o}>" for o in set(graph.objects()) if isinstance(o, URIRef))
    if linked:
        labels = ", ".join(f"<{p}>" for p in (DCTERMS.title, SKOS.prefLabel, FOAF.name))
        graph += store.query(  # FILTER, not VALUES ?p: see describe._labels
            f"CONSTRUCT {{ ?x ?p ?l }} WHERE {{ VALUES ?x {{ {linked} }} ?x ?p ?l "
            f"FILTER(?p IN ({labels})) }}").graph
    return graph


def elements(graph: Graph, thing: URIRef, kind: str) -> list[tuple[str, str, str | None]]:
    """(element, value, language) triples for one resource, from its document graph."""
    found: list[tuple[str, str, str | None]] = []

    def add(name: str, value, language=None):
        found.append((name, str(value), language))

    for prop in (DCTERMS.title, SKOS.prefLabel, FOAF.name):
        for value in graph.objects(thing, prop):
            add("title", value, value.language if isinstance(value, Literal) else None)
    for creator in graph.objects(thing, DCTERMS.creator):
        for name in _labels(graph, creator) or [str(creator)]:
            add("creator", name)
    for term in graph.objects(thing, CKG.relatedTerm):
        for label in _labels(graph, term):
            add("subject", label)
    for prop in (DCTERMS.description, SKOS.definition):
        for value in graph.objects(thing, prop):
            add("description", value, value.language if isinstance(value, Literal) else None)
    for prop in (DCTERMS.issued, DCTERMS.modified):
        for value in graph.objects(thing, prop):
            add("date", value)
    add("type", TYPES.get(kind, "Text"))
    for cls in graph.objects(thing, RDF.type):
        if str(cls).startswith(str(CKG)):
            add("type", cls)
    add("identifier", thing)
    for value in graph.objects(thing, DCTERMS.language):
        add("language", value)
    for value in graph.objects(thing, DCTERMS.license):
        add("rights", value)
    for membership in graph.subjects(CKG.member, thing):
        for notebook in graph.subjects(CKG.hasMembership, membership):
            add("relation", notebook)
    for prop in (CKG.linkedCommunity, CKG.relatedNotebook, CKG.relatedNote):
        for value in graph.objects(thing, prop):
            add("relation", value)
    return found
