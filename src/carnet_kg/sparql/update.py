"""SPARQL 1.1 Update, through the same checks as ``load``.

The update runs on a scratch copy of the store (pyoxigraph, in memory) in which the resources
of the knowledge base form the **default graph** (as they form the default graph of queries)
and external data keeps its named graphs. What the update changed is re-read as resources,
validated with the shapes and judged by the publish policy against the state it produces, and
written to the real store in one transaction, or not at all. The copy costs time in proportion
to the store: fine for an operator's edits; bulk changes go through ``load``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .. import pipeline, revisions
from ..config import Settings
from ..identifiers import Identifiers
from ..ingest import IngestError, SourceFile
from ..store import GraphWrite, Store
from ..store.embedded import EmbeddedStore
from ..store.terms import to_rdflib
from . import safety, update_worker
from .update_dataset import add_using

SOURCE_LABEL = "sparql-update"


class UpdateRejected(Exception):
    """The update is refused: ``status`` and a message (and a SHACL report for 422)."""

    def __init__(self, status: int, message: str, report=None) -> None:
        super().__init__(message)
        self.status, self.message, self.report = status, message, report


@dataclass
class UpdateOutcome:
    written: int
    removed: int
    withheld: int


def _snapshot(store: Store, ids: Identifiers) -> bytes:
    """The store as N-Quads: resource graphs merged into the default graph, no metadata."""
    dump = io.BytesIO()
    store.dump(dump, "nquads", include_metadata=False)
    documents = f"{ids.base}doc/"
    quads = (
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(documents)
        else q
        for q in ox.parse(dump.getvalue(), ox.RdfFormat.N_QUADS)
    )
    out = io.BytesIO()
    ox.serialize(quads, out, ox.RdfFormat.N_QUADS)
    return out.getvalue()


def _store_of(data: bytes) -> ox.Store:
    store = ox.Store()
    store.load(data, ox.RdfFormat.N_QUADS)
    return store


def _graphs(store: ox.Store) -> dict[object, set]:
    graphs: dict[object, set] = {}
    for quad in store:
        graphs.setdefault(quad.graph_name, set()).add(quad.triple)
    return graphs


def _rdflib_graph(triples) -> Graph:
    graph = Graph()
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def _prepare(text: str, default_graphs: list[str], named_graphs: list[str],
             settings: Settings) -> str:
    try:
        facts = safety.check_update(text, settings.allowed_services)
    except safety.Refused as error:
        raise UpdateRejected(400, str(error)) from error
    if (default_graphs or named_graphs) and facts.has_dataset_clause:
        raise UpdateRejected(
            400, "the update names its dataset (USING or WITH) and the request does too "
            "(using-graph-uri / using-named-graph-uri): send only one"
        )
    return add_using(text, default_graphs, named_graphs)


def apply_update(
    store: Store,
    settings: Settings,
    text: str,
    default_graphs: list[str],
    named_graphs: list[str],
    base_iri: str,
    agent: str = "sparql-update",
) -> UpdateOutcome:
    """Run an update with all of ``load``'s checks; raises UpdateRejected. ``agent`` (the
    write token's name) is who the history attributes the change to."""
    text = _prepare(text, default_graphs, named_graphs, settings)
    ids = Identifiers(settings.base)
    data = _snapshot(store, ids)
    try:
        status, result = update_worker.run(data, text, base_iri, settings.update_timeout)
    except update_worker.UpdateTimeout as error:
        raise UpdateRejected(503, str(error)) from error
    if status == "syntax":
        raise UpdateRejected(400, f"malformed update: {result}")
    if status != "ok":
        raise UpdateRejected(400, f"update failed: {result}")
    before, scratch = _graphs(_store_of(data)), _store_of(result)
    after = _graphs(scratch)
    changed = {g for g in before.keys() | after.keys() if before.get(g) != after.get(g)}
    if ox.NamedNode(str(ids.metadata_graph)) in changed:
        raise UpdateRejected(403, "the metadata graph is maintained by carnet-kg itself")
    if any(isinstance(n, ox.NamedNode) and revisions.is_history_graph(ids, URIRef(n.value))
           for n in changed):
        raise UpdateRejected(403, "the history is maintained by carnet-kg itself")
    if not changed:
        return UpdateOutcome(0, 0, 0)
    try:
        return _publish(store, settings, ids, scratch, before, after, changed, agent)
    except IngestError as error:
        raise UpdateRejected(400, str(error).replace(f"{SOURCE_LABEL}: ", "")) from error
    except TypeError as error:  # a term rdflib cannot hold (an RDF 1.2 triple term)
        raise UpdateRejected(400, f"unsupported data: {error}") from error


def _owner(ids: Identifiers, term) -> URIRef | None:
    return ids.owner(term.value) if isinstance(term, ox.NamedNode) else None


def _affected_things(ids: Identifiers, before, after, changed) -> set[URIRef]:
    """Resources of ours whose description the update touched."""
    return {
        owner
        for name in changed
        for triple in before.get(name, set()) ^ after.get(name, set())
        if (owner := _owner(ids, triple.subject)) is not None
    }


def _all_things(ids: Identifiers, after) -> set[URIRef]:
    return {
        owner
        for triple in after.get(ox.DefaultGraph(), set())
        if (owner := _owner(ids, triple.subject)) is not None
    }


def _descriptions(ids: Identifiers, triples: set, things: set[URIRef]) -> set:
    """The triples of ``things`` among ``triples``: theirs and their blank nodes'."""
    by_subject: dict = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    chosen, pending = set(), [s for s in by_subject if _owner(ids, s) in things]
    seen = set(pending)
    while pending:
        for triple in by_subject.get(pending.pop(), []):
            chosen.add(triple)
            if isinstance(triple.object, ox.BlankNode) and triple.object not in seen:
                seen.add(triple.object)
                pending.append(triple.object)
    return chosen


def _publish(store, settings, ids, scratch, before, after, changed, agent) -> UpdateOutcome:
    things = _affected_things(ids, before, after, changed)
    default = ox.DefaultGraph()
    ours = _descriptions(ids, after.get(default, set()), things)
    everything_ours = _descriptions(ids, after.get(default, set()), _all_things(ids, after))
    sent_to_default = after.get(default, set()) - everything_ours - before.get(default, set())
    graphs: dict[URIRef | None, Graph] = {None: _rdflib_graph(ours)}
    for name in changed:
        if isinstance(name, ox.NamedNode) and name in after:
            graphs[URIRef(name.value)] = _rdflib_graph(after[name])
    if sent_to_default:  # external data sent to the default graph: kept in a graph of its own
        kept = ox.NamedNode(str(ids.source_graph(SOURCE_LABEL)))
        graphs[URIRef(kept.value)] = _rdflib_graph(after.get(kept, set()) | sent_to_default)
    context = EmbeddedStore.wrap(scratch, ids.metadata_graph, store.withheld)
    checked = pipeline.check_sources([SourceFile(SOURCE_LABEL, graphs)], settings, context)
    if not checked.report.conforms:
        raise UpdateRejected(422, "the update leaves invalid data: nothing was changed",
                             checked.report)
    present = set(checked.split.resources)
    removals = [GraphWrite(ids.document_of(t), None) for t in sorted(things - present)]
    removals += [
        GraphWrite(URIRef(name.value), None)
        for name in changed
        if isinstance(name, ox.NamedNode) and name not in after
    ]
    try:
        report = pipeline.publish(checked, settings, store, removals=removals,
                                  refuse_dropped_links=True, context=context, agent=agent)
    except pipeline.PolicyRefused as error:
        raise UpdateRejected(403, f"update refused: {error}") from error
    withheld = sum(report.withheld_by_kind.values())
    return UpdateOutcome(report.written, len(removals) + report.withdrawn, withheld)
