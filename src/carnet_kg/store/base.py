"""The store interface: a dataset with one named graph per resource and a metadata graph.

Backends implement a few primitives (query, update, read a graph, dump); everything built on
them (atomic batch writes with metadata, checksums, revisions) lives here, written in standard
SPARQL 1.1, so every backend behaves the same.
"""

from __future__ import annotations

import fcntl
import hashlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO
from typing import Literal as Kind

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, XSD
from rdflib.term import Node

from ..namespaces import CKG
from .history import Revision
from .terms import to_oxigraph


class StoreError(Exception):
    """The store could not do what was asked (bad query, unreachable, locked…)."""


class QuerySyntaxError(StoreError):
    """The SPARQL text is not valid; the message says where."""


@dataclass
class QueryResult:
    """A backend-neutral SPARQL result: rows for SELECT, a boolean for ASK, a graph otherwise."""

    kind: Kind["select", "ask", "graph"]
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Node]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


@dataclass
class GraphWrite:
    """Replace one named graph (``graph`` None removes it) and record where it came from."""

    name: URIRef
    graph: Graph | None
    sources: tuple[str, ...] = ()
    action: str | None = None  # for the history: "deleted" rather than "withdrawn", say
    revision: int | None = None  # restoring an export: the revision the history reached


@dataclass(frozen=True)
class GraphState:
    """The metadata of one graph: its checksum (None once withdrawn) and revision."""

    checksum: str | None
    revision: int
    withdrawn: bool


def checksum(graph: Graph, ntriples: str | None = None) -> str:
    """SHA-256 of the graph's canonical N-Triples: equal for isomorphic graphs.

    ``ntriples`` (the graph already serialised) saves a serialisation when the graph has no
    blank nodes; with blank nodes the graph is canonicalised first (slow, so only then).
    """
    if any(isinstance(term, BNode) for triple in graph for term in triple):
        ntriples = to_canonical_graph(graph).serialize(format="nt")
    elif ntriples is None:
        ntriples = graph.serialize(format="nt")
    text = "\n".join(sorted(line for line in ntriples.splitlines() if line.strip()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class _Change:
    item: GraphWrite
    fresh: bool  # the store has never had this graph
    text: str | None  # the graph as N-Triples (None: removed)
    record: list[tuple]  # its record in the metadata graph
    revision: Revision


class Store(ABC):
    """What every backend offers. Queries see the union of all named graphs as default graph."""

    # graphs written by one update request: None, all of a write in one transaction; a remote
    # engine gets big loads in several requests, each atomic for the resources it holds
    graphs_per_update: int | None = None

    def __init__(self, metadata_graph: URIRef) -> None:
        from .history import History
        from .withheld import WithheldRegistry

        self.metadata_graph = metadata_graph
        self.withheld = WithheldRegistry(None)
        self.history = History(None)
        self._exclusive = threading.RLock()
        self._exclusive_depth = 0

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """One writer at a time on this store, across threads and processes (several web
        workers on one remote engine): a lock on the file ``{store}.write.lock``, re-entrant
        within a thread. A check and the write it allows run under it."""
        with self._exclusive:
            path = getattr(self, "path", None)
            handle = None
            if self._exclusive_depth == 0 and path:
                handle = open(f"{path}.write.lock", "a")  # noqa: SIM115 - held across yield
                fcntl.flock(handle, fcntl.LOCK_EX)
            self._exclusive_depth += 1
            try:
                yield
            finally:
                self._exclusive_depth -= 1
                if handle is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)
                    handle.close()

    # --- primitives -------------------------------------------------------------------------
    @abstractmethod
    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> QueryResult:
        """Run a SPARQL query; ``bindings`` substitutes variables safely (never by pasting)."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update request as one transaction."""

    @abstractmethod
    def graph(self, name: URIRef) -> Graph:
        """The triples of one named graph (empty if absent)."""

    @abstractmethod
    def dump(self, output: BinaryIO, fmt: str, include_metadata: bool = False) -> None:
        """Write the dataset as ``nquads`` or ``trig``, or the union of its graphs as
        ``turtle``; streaming, never the whole dataset in memory."""

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release the backend's resources."""

    # --- built on the primitives ------------------------------------------------------------
    def is_empty(self) -> bool:
        return not self.query("ASK { GRAPH ?g { ?s ?p ?o } }").boolean

    def has_resource(self, thing: URIRef) -> bool:
        """Whether the store describes ``thing`` (what it holds is public by construction)."""
        return bool(self.query("ASK { ?t ?p ?o }", {"t": thing}).boolean)

    def has_graph(self, name: URIRef) -> bool:
        return bool(self.query("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": name}).boolean)

    def graph_states(self, names: Iterable[URIRef]) -> dict[URIRef, GraphState]:
        """What the metadata graph records for each of ``names`` it knows."""
        values = " ".join(f"<{name}>" for name in names)
        if not values:
            return {}
        result = self.query(
            # each OPTIONAL in a GRAPH of its own: inside one GRAPH block, Oxigraph evaluates
            # them over the whole metadata graph (84 ms instead of 0.1 at 10 000 notes)
            f"SELECT ?g ?sum ?rev ?gone WHERE {{ VALUES ?g {{ {values} }} "
            f"GRAPH <{self.metadata_graph}> {{ ?g <{CKG.revision}> ?rev }} "
            f"OPTIONAL {{ GRAPH <{self.metadata_graph}> {{ ?g <{CKG.checksum}> ?sum }} }} "
            f"OPTIONAL {{ GRAPH <{self.metadata_graph}> {{ ?g <{CKG.withdrawnAt}> ?gone }} }} }}"
        )
        return {
            row["g"]: GraphState(
                str(row["sum"]) if "sum" in row else None, int(row["rev"]), "gone" in row
            )
            for row in result.rows
        }

    def write(self, writes: list[GraphWrite], when: datetime | None = None,
              agent: str = "carnet-kg") -> list[GraphWrite]:
        """Apply all ``writes`` in one transaction (in requests of ``graphs_per_update``
        graphs on a backend that sets it); unchanged graphs are skipped.

        A removed graph keeps a metadata record (``ckg:withdrawnAt``), so that its resource
        answers 410 Gone and a later publication continues its revision numbers. Every change
        is recorded in the history, attributed to ``agent``. Returns the writes that changed
        something.
        """
        with self.exclusive():
            return self._write(writes, when or datetime.now(UTC).replace(microsecond=0), agent)

    def _write(self, writes: list[GraphWrite], when: datetime, agent: str
               ) -> list[GraphWrite]:
        names = [w.name for w in writes]
        if len(set(names)) != len(names):  # a drop and an insert of one graph would both run
            twice = sorted({n for n in names if names.count(n) > 1})
            raise StoreError(f"one write names a graph twice: {', '.join(map(str, twice))}")
        states = self.graph_states(names)
        changes = [c for c in (self._change(item, states.get(item.name), when, agent)
                               for item in writes) if c is not None]
        step = self.graphs_per_update or len(changes) or 1
        for start in range(0, len(changes), step):
            self._apply(changes[start:start + step])
        return [change.item for change in changes]

    def _change(self, item: GraphWrite, state: GraphState | None, when: datetime,
                agent: str) -> _Change | None:
        """What one write does to the dataset, the metadata and the history; None if nothing."""
        number = item.revision or (state.revision + 1 if state else 1)
        if item.graph is None:
            if (state is None and item.revision is None) or (state and state.withdrawn):
                return None  # nothing to withdraw (unless restoring a tombstone)
            text, digest = None, None
            action = item.action or "withdrawn"
        else:
            text = _ntriples(item.graph)
            digest = checksum(item.graph, text)
            if state and state.checksum == digest:
                return None
            action = item.action or ("updated" if state and not state.withdrawn else "created")
        revision = Revision(str(item.name), number, when, agent, action, text)
        return _Change(item, state is None, text, self._record(item, digest, number, when),
                       revision)

    def _apply(self, changes: list[_Change]) -> None:
        """One transaction: the changes, their metadata and the store's new version."""
        if not changes:
            return
        # the store's version: changes with every write, whatever the clock says
        version = self.version() + 1
        records = _ntriples_of([
            *(triple for change in changes for triple in change.record),
            (self.metadata_graph, CKG.revision, Literal(version))])
        self.history.record([change.revision for change in changes])  # unconfirmed till done
        try:
            if all(change.fresh for change in changes) and self.can_insert_quads:
                self.insert_quads(_nquads(changes, self.metadata_graph, records))
                stamp = f"GRAPH <{self.metadata_graph}> {{ <{self.metadata_graph}> " \
                        f"<{CKG.revision}> ?v }}"
                self.update(f"DELETE {{ {stamp} }} WHERE {{ {stamp} FILTER(?v < {version}) }}")
                # (a tidy-up: version() reads the highest)
            else:
                self.update(self._update_text(changes, records))
        except BaseException:
            self.history.discard()
            raise
        self.history.confirm()

    def _update_text(self, changes: list[_Change], records: str) -> str:
        operations = []
        for change in changes:
            operations.append(f"DROP SILENT GRAPH <{change.item.name}>")
            operations.append(self._forget(change.item.name))
        operations.append(self._forget(self.metadata_graph))
        inserts = [f"GRAPH <{c.item.name}> {{\n{c.text}}}" for c in changes if c.text is not None]
        inserts.append(f"GRAPH <{self.metadata_graph}> {{\n{records}}}")
        operations.append("INSERT DATA {\n" + "\n".join(inserts) + "\n}")
        return " ;\n".join(operations)

    # a backend that can add quads in one transaction faster than an update says so
    can_insert_quads = False

    def insert_quads(self, nquads: bytes) -> None:  # pragma: no cover - see can_insert_quads
        raise NotImplementedError

    def revisions_of(self, names: list[str]) -> dict[str, int]:
        """The revision the metadata graph records for each graph (for History.reconcile)."""
        return {str(name): state.revision
                for name, state in self.graph_states(URIRef(n) for n in names).items()}

    def version(self) -> int:
        """A number that grows with every write (0 for a store never written)."""
        rows = self.query(
            f"SELECT (MAX(?v) AS ?version) WHERE {{ GRAPH <{self.metadata_graph}> "
            f"{{ <{self.metadata_graph}> <{CKG.revision}> ?v }} }}"
        ).rows
        return int(rows[0]["version"]) if rows and "version" in rows[0] else 0

    def _forget(self, name: URIRef) -> str:
        return f"DELETE WHERE {{ GRAPH <{self.metadata_graph}> {{ <{name}> ?p ?o }} }}"

    def _record(self, item: GraphWrite, digest: str | None, revision: int,
                when: datetime) -> list[tuple]:
        moment = Literal(when, datatype=XSD.dateTime)
        record = [(item.name, CKG.revision, Literal(revision)),
                  (item.name, DCTERMS.modified, moment)]
        if digest is None:
            record.append((item.name, CKG.withdrawnAt, moment))
        else:
            record.append((item.name, CKG.checksum, Literal(digest)))
        record += [(item.name, CKG.sourceFile, Literal(source)) for source in item.sources]
        return record


def _ntriples(graph: Graph) -> str:
    return graph.serialize(format="nt")


def _ntriples_of(triples: list[tuple]) -> str:
    """Plain triples as N-Triples, written by pyoxigraph (no rdflib graph to fill first)."""
    converted = [ox.Triple(*(to_oxigraph(term) for term in triple)) for triple in triples]
    return ox.serialize(converted, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def _nquads(changes: list[_Change], metadata: URIRef, records: str) -> bytes:
    """The changed graphs and the records as N-Quads: each N-Triples line given its graph."""
    parts = []
    for name, text in [*((c.item.name, c.text) for c in changes if c.text is not None),
                       (metadata, records)]:
        suffix = f" <{name}> .\n"
        parts.extend(line[:-1].rstrip() + suffix for line in text.splitlines() if line.strip())
    return "".join(parts).encode("utf-8")
