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

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, XSD
from rdflib.term import Node

from ..namespaces import CKG
from .history import Revision


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
    operations: list[str]
    inserts: list[str]
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
            f"SELECT ?g ?sum ?rev ?gone WHERE {{ VALUES ?g {{ {values} }} "
            f"GRAPH <{self.metadata_graph}> {{ ?g <{CKG.revision}> ?rev "
            f"OPTIONAL {{ ?g <{CKG.checksum}> ?sum }} "
            f"OPTIONAL {{ ?g <{CKG.withdrawnAt}> ?gone }} }} }}"
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
        inserts = []
        if item.graph is None:
            if (state is None and item.revision is None) or (state and state.withdrawn):
                return None  # nothing to withdraw (unless restoring a tombstone)
            record = self._record(item, None, number, when)
            revision = Revision(str(item.name), number, when, agent,
                                item.action or "withdrawn", None)
        else:
            text = _ntriples(item.graph)
            digest = checksum(item.graph, text)
            if state and state.checksum == digest:
                return None
            record = self._record(item, digest, number, when)
            inserts.append(f"GRAPH <{item.name}> {{\n{text}}}")
            revision = Revision(
                str(item.name), number, when, agent,
                item.action or ("updated" if state and not state.withdrawn else "created"),
                text)
        inserts.append(f"GRAPH <{self.metadata_graph}> {{\n{_ntriples(record)}}}")
        operations = [f"DROP SILENT GRAPH <{item.name}>", self._forget(item.name)]
        return _Change(item, operations, inserts, revision)

    def _apply(self, changes: list[_Change]) -> None:
        """One update request: the changes, their metadata and the store's new version."""
        if not changes:
            return
        operations = [op for change in changes for op in change.operations]
        inserts = [text for change in changes for text in change.inserts]
        # the store's version: changes with every write, whatever the clock says
        version = Literal(self.version() + 1)
        operations.append(self._forget(self.metadata_graph))
        inserts.append(f"GRAPH <{self.metadata_graph}> {{ <{self.metadata_graph}> "
                       f"<{CKG.revision}> {version.n3()} }}")
        operations.append("INSERT DATA {\n" + "\n".join(inserts) + "\n}")
        self.history.record([change.revision for change in changes])  # unconfirmed till done
        try:
            self.update(" ;\n".join(operations))
        except BaseException:
            self.history.discard()
            raise
        self.history.confirm()

    def revisions_of(self, names: list[str]) -> dict[str, int]:
        """The revision the metadata graph records for each graph (for History.reconcile)."""
        return {str(name): state.revision
                for name, state in self.graph_states(URIRef(n) for n in names).items()}

    def version(self) -> int:
        """A number that grows with every write (0 for a store never written)."""
        rows = self.query(
            f"SELECT ?v WHERE {{ GRAPH <{self.metadata_graph}> "
            f"{{ <{self.metadata_graph}> <{CKG.revision}> ?v }} }}"
        ).rows
        return int(rows[0]["v"]) if rows else 0

    def _forget(self, name: URIRef) -> str:
        return f"DELETE WHERE {{ GRAPH <{self.metadata_graph}> {{ <{name}> ?p ?o }} }}"

    def _record(self, item: GraphWrite, digest: str | None, revision: int,
                when: datetime) -> Graph:
        record = Graph()
        record.add((item.name, CKG.revision, Literal(revision)))
        record.add((item.name, DCTERMS.modified, Literal(when, datatype=XSD.dateTime)))
        if digest is None:
            record.add((item.name, CKG.withdrawnAt, Literal(when, datatype=XSD.dateTime)))
        else:
            record.add((item.name, CKG.checksum, Literal(digest)))
        for source in item.sources:
            record.add((item.name, CKG.sourceFile, Literal(source)))
        return record


def _ntriples(graph: Graph) -> str:
    return graph.serialize(format="nt")
