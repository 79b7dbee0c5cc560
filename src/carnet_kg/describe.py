"""The RDF document of a resource: what a machine gets when it dereferences an IRI of ours.

Its concise bounded description (its graph), the labels of what it links to, the links coming
in that a reader needs (paginated), schema.org statements entailed by our alignments (so that
generic crawlers understand it), and the document's own licence and dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from .config import Settings
from .identifiers import Identifiers
from .ingest.rdf_files import FORBIDDEN_IN_IRI
from .namespaces import CKG, SCHEMA, VOID, bind_prefixes
from .store import Store
from .validation import ontology_graph

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LABELS = (DCTERMS.title, SKOS.prefLabel, FOAF.name, RDFS.label)
# External properties whose schema.org counterpart generic crawlers read.
SCHEMA_PROPERTIES = {
    DCTERMS.title: SCHEMA.name, SKOS.prefLabel: SCHEMA.name, FOAF.name: SCHEMA.name,
    DCTERMS.description: SCHEMA.description, SKOS.definition: SCHEMA.description,
    DCTERMS.issued: SCHEMA.datePublished, DCTERMS.modified: SCHEMA.dateModified,
    DCTERMS.creator: SCHEMA.author, DCTERMS.license: SCHEMA.license,
    DCTERMS.language: SCHEMA.inLanguage, SKOS.altLabel: SCHEMA.alternateName,
}
DEFAULT_LICENCE = URIRef("http://creativecommons.org/licenses/by/4.0/")


@dataclass
class Document:
    """A resource's document, or why there is none (``status`` 404 or 410)."""

    status: int
    graph: Graph | None = None
    thing: URIRef | None = None
    document: URIRef | None = None
    checksum: str = ""
    modified: datetime | None = None
    next_page: int | None = None
    revision: int = 0


@lru_cache(maxsize=1)
def _schema_alignments() -> tuple[dict, dict]:
    """Our classes and properties → their schema.org superclasses / superproperties."""
    ontology = ontology_graph()
    classes, properties = {}, {}
    for relation, table in ((RDFS.subClassOf, classes), (RDFS.subPropertyOf, properties)):
        for term, parent in ontology.subject_objects(relation):
            if str(parent).startswith(str(SCHEMA)):
                table.setdefault(term, set()).add(parent)
    for cls in list(classes):  # one level of our own hierarchy (Term ⊑ Note ⊑ schema:…)
        for parent in ontology.objects(cls, RDFS.subClassOf):
            classes[cls] |= classes.get(parent, set())
    properties.update({k: {v} for k, v in SCHEMA_PROPERTIES.items()})
    return classes, properties


def _iri(node: URIRef) -> str:
    """``<node>`` for a query: IRIs of ours (checked keys) or from the store (checked on load)."""
    if FORBIDDEN_IN_IRI.search(node):
        raise ValueError(f"not an IRI to put in a query: {node!r}")
    return f"<{node}>"


def _metadata(store: Store, document: URIRef) -> dict:
    rows = store.query(
        f"SELECT ?sum ?modified ?gone ?rev WHERE {{ GRAPH {_iri(store.metadata_graph)} {{ "
        f"{_iri(document)} <{DCTERMS.modified}> ?modified ; <{CKG.revision}> ?rev "
        f"OPTIONAL {{ {_iri(document)} <{CKG.checksum}> ?sum }} "
        f"OPTIONAL {{ {_iri(document)} <{CKG.withdrawnAt}> ?gone }} }} }}"
    ).rows
    return rows[0] if rows else {}


def _labels(store: Store, nodes: set[URIRef]) -> Graph:
    labels = Graph()
    if not nodes:
        return labels
    values = " ".join(_iri(n) for n in sorted(nodes))
    predicates = ", ".join(f"<{p}>" for p in LABELS)
    # FILTER, not a second VALUES: Oxigraph would join all triples of those predicates
    result = store.query(
        f"CONSTRUCT {{ ?x ?p ?l }} WHERE {{ VALUES ?x {{ {values} }} ?x ?p ?l "
        f"FILTER(?p IN ({predicates})) }}"
    )
    return result.graph


def _backlinks(store: Store, thing: URIRef, page: int, per_page: int) -> tuple[Graph, bool]:
    """Triples pointing at ``thing`` from elsewhere, one page; True if there are more."""
    target = _iri(thing)
    rows = store.query(
        f"SELECT ?s ?p WHERE {{ ?s ?p {target} FILTER(?s != {target}) }} ORDER BY ?s ?p "
        f"LIMIT {per_page + 1} OFFSET {(page - 1) * per_page}"
    ).rows
    graph = Graph()
    for row in rows[:per_page]:
        graph.add((row["s"], row["p"], thing))
    return graph, len(rows) > per_page


def _hash_nodes_context(store: Store, ids: Identifiers, graph: Graph) -> Graph:
    """For backlinks from hash nodes (a notebook's membership of this note): the node's own
    triples and the link from its owner, so a reader sees notebook, position and section."""
    context = Graph()
    for subject in {s for s in graph.subjects() if isinstance(s, URIRef) and "#" in s}:
        owner = ids.owner(subject)
        if owner is None:
            continue
        for triple in store.query(f"CONSTRUCT WHERE {{ {_iri(subject)} ?p ?o }}").graph:
            context.add(triple)
        context.add((owner, _link_to(store, owner, subject), subject))
    return context


def _link_to(store: Store, owner: URIRef, node: URIRef) -> URIRef:
    rows = store.query(f"SELECT ?p WHERE {{ {_iri(owner)} ?p {_iri(node)} }} LIMIT 1").rows
    return rows[0]["p"] if rows else RDFS.seeAlso


def _schema_statements(graph: Graph) -> Graph:
    classes, properties = _schema_alignments()
    added = Graph()
    for s, p, o in graph:
        if p == RDF.type:
            for parent in classes.get(o, ()):
                added.add((s, RDF.type, parent))
        for parent in properties.get(p, ()):
            added.add((s, parent, o))
    return added


def status(store: Store, settings: Settings, kind: str, key: str) -> int:
    """200 for a published resource, 410 for a withdrawn one, 404 otherwise (no document
    is built: what ``/id/`` needs before it redirects)."""
    metadata = _metadata(store, Identifiers(settings.base).document(kind, key))
    return 404 if not metadata else 410 if "gone" in metadata else 200


def describe(
    store: Store, settings: Settings, kind: str, key: str, page: int = 1, per_page: int = 100
) -> Document:
    """The document of ``BASE id/{kind}/{key}``, page ``page`` of its incoming links."""
    ids = Identifiers(settings.base)
    thing, document = ids.thing(kind, key), ids.document(kind, key)
    metadata = _metadata(store, document)
    if not metadata:
        return Document(404)
    if "gone" in metadata:
        return Document(410, thing=thing, document=document,
                        modified=metadata["modified"].toPython(),
                        revision=int(metadata["rev"]))
    graph = store.graph(document)
    backlinks, more = _backlinks(store, thing, page, per_page)
    graph += backlinks
    graph += _hash_nodes_context(store, ids, backlinks)
    linked = {o for o in graph.objects() if isinstance(o, URIRef)} | set(graph.subjects())
    graph += _labels(store, {n for n in linked if isinstance(n, URIRef) and n != thing})
    graph += _schema_statements(graph)
    licence = graph.value(thing, DCTERMS.license) or DEFAULT_LICENCE
    dataset = ids.dataset
    graph.add((document, RDF.type, FOAF.Document))
    graph.add((document, FOAF.primaryTopic, thing))
    graph.add((document, DCTERMS.license, licence))
    graph.add((document, VOID.inDataset, dataset))
    if more:
        graph.add((document, HYDRA.next, URIRef(f"{document}?page={page + 1}")))
    if page > 1:
        graph.add((document, HYDRA.previous, URIRef(f"{document}?page={page - 1}")))
    bind_prefixes(graph)
    graph.bind("hydra", HYDRA)
    return Document(200, graph, thing, document, str(metadata.get("sum", "")),
                    metadata["modified"].toPython(), page + 1 if more else None,
                    int(metadata["rev"]))


