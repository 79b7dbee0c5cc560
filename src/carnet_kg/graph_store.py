"""SPARQL 1.1 Graph Store HTTP Protocol operations on our dataset (``web/graph_store``).

Graphs are named by IRI: a resource's document (``BASE doc/{kind}/{key}``) or an external
graph. PUT replaces a graph, POST merges into it (into the default graph: a bulk merge of
everything the body describes, N-Quads / TriG bodies naming several graphs included), DELETE
removes it. Every write goes through the same validation, publish policy, single transaction
and history as ``load``; a resource graph replaced or deleted needs ``If-Match``, as with
``PUT /doc/…``. The metadata graph and the history are carnet-kg's own: never written here.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

from . import pipeline, writes
from .config import Settings
from .identifiers import Identifiers
from .ingest import IngestError, SourceFile
from .revisions import history_graph
from .store import GraphWrite, Store
from .writes import WriteOutcome, WriteRefused

LABEL = "graph store request"


def _kind_of(ids: Identifiers, name: URIRef) -> str:
    """'resource', 'external', or why the graph cannot be written."""
    if name == ids.metadata_graph or name == history_graph(ids):
        raise WriteRefused(403, f"<{name}> is maintained by carnet-kg itself")
    if ids.thing_of_document(name) is not None:
        return "resource"
    if str(name).startswith((f"{ids.base}id/", f"{ids.base}doc/")):
        raise WriteRefused(400, f"<{name}> is not a graph of ours: resource graphs are "
                                f"{ids.base}doc/{{kind}}/{{key}}")
    return "external"


def _merged(store: Store, ids: Identifiers, source: SourceFile) -> SourceFile:
    """The body's graphs joined with what the store holds for the same resources / graphs."""
    graphs: dict[URIRef | None, Graph] = {None: Graph()}
    for name, graph in source.graphs.items():
        external = name is not None and _kind_of(ids, name) == "external"
        for triple in graph:
            subject = triple[0]
            ours = isinstance(subject, URIRef) and ids.owner(subject) is not None
            if external and not ours:  # statements about our resources go to them, merged
                if name not in graphs:
                    graphs[name] = store.graph(name)
                graphs[name].add(triple)
            else:
                graphs[None].add(triple)
    owners = {ids.owner(s) for s in graphs[None].subjects() if isinstance(s, URIRef)}
    for owner in filter(None, owners):
        graphs[None] += store.graph(ids.document_of(owner))
    return SourceFile(source.label, graphs)


def merge(store: Store, settings: Settings, source: SourceFile, agent: str) -> WriteOutcome:
    """POST: add the body's statements to the resources and graphs they belong to."""
    ids = Identifiers(settings.base)
    with writes.WRITE_LOCK, store.exclusive():
        merged = _merged(store, ids, source)
        try:
            checked = pipeline.check_sources([merged], settings, store)
        except IngestError as error:
            raise WriteRefused(400, str(error)) from error
        if not checked.report.conforms:
            raise WriteRefused(422, "the merged data is invalid: nothing was changed",
                               checked.report)
        report = pipeline.publish(checked, settings, store, agent=agent)
    return WriteOutcome(200, f"merged: {report.written} graph(s) written, {report.unchanged} "
                             f"unchanged, {report.withdrawn} withdrawn, "
                             f"{report.dropped_links} link(s) to non-public resources dropped",
                        None)


def replace(store: Store, settings: Settings, name: URIRef, source: SourceFile, agent: str,
            if_match: str | None) -> WriteOutcome:
    """PUT ?graph=: replace one graph (a resource's, with If-Match, or an external one)."""
    ids = Identifiers(settings.base)
    if _kind_of(ids, name) == "resource":
        thing = ids.parse_thing(str(ids.thing_of_document(name)))
        body = Graph()
        for graph in source.graphs.values():
            body += graph
        return writes.put(store, settings, thing.kind, thing.key,
                          SourceFile(source.label, {None: body}), agent, if_match, None)
    graph = Graph()
    for part in source.graphs.values():
        graph += part
    with writes.WRITE_LOCK, store.exclusive():
        try:
            checked = pipeline.check_sources([SourceFile(source.label, {name: graph})],
                                             settings, store)
        except IngestError as error:
            raise WriteRefused(400, str(error)) from error
        if not checked.report.conforms:
            raise WriteRefused(422, "the graph is invalid: nothing was changed", checked.report)
        if set(checked.split.resources):
            raise WriteRefused(400, f"<{name}> is an external graph: describe resources of "
                                    "ours in their own graphs")
        existed = store.has_graph(name)
        pipeline.publish(checked, settings, store, agent=agent)
    return WriteOutcome(200 if existed else 201, "replaced" if existed else "created", None)


def remove(store: Store, settings: Settings, name: URIRef, agent: str,
           if_match: str | None) -> WriteOutcome:
    """DELETE ?graph=: a resource is withdrawn (tombstone); an external graph dropped."""
    ids = Identifiers(settings.base)
    if _kind_of(ids, name) == "resource":
        thing = ids.parse_thing(str(ids.thing_of_document(name)))
        return writes.delete(store, settings, thing.kind, thing.key, agent, if_match)
    with writes.WRITE_LOCK, store.exclusive():
        if not store.has_graph(name):
            raise WriteRefused(404, f"no graph <{name}>")
        store.write([GraphWrite(name, None, action="deleted")], agent=agent)
    return WriteOutcome(200, "deleted", None)
