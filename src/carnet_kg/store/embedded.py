"""The embedded backend: pyoxigraph, persistent in a folder (or in memory), no server needed.

Chosen by measurement (see ``bench/README.md``): loading and querying are an order of
magnitude faster than rdflib's in-memory store.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from ..sparql.lexer import names_dataset
from .base import QueryResult, QuerySyntaxError, Store, StoreError
from .terms import to_oxigraph, to_rdflib

DUMP_FORMATS = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
                "turtle": ox.RdfFormat.TURTLE}  # Turtle: the union of the graphs


class EmbeddedStore(Store):
    """A pyoxigraph store; ``path`` None keeps everything in memory."""

    def __init__(
        self, path: str | Path | None, metadata_graph: URIRef, read_only: bool = False
    ) -> None:
        super().__init__(metadata_graph)
        self.read_only = read_only
        self.path = None if path is None else str(path)
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as error:
            hint = " (is another carnet-kg process using it?)" if "lock" in str(error) else ""
            raise StoreError(f"cannot open the store in {path}: {error}{hint}") from error

    @classmethod
    def wrap(cls, store: ox.Store, metadata_graph: URIRef, withheld) -> EmbeddedStore:
        """Our interface over an open pyoxigraph store (a scratch copy, say)."""
        wrapped = cls.__new__(cls)
        Store.__init__(wrapped, metadata_graph)
        wrapped._store, wrapped.read_only, wrapped.path = store, True, None
        wrapped.withheld = withheld
        return wrapped

    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> QueryResult:
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        try:
            result = self._store.query(
                sparql,
                use_default_graph_as_union=not names_dataset(sparql),  # FROM decides if given
                substitutions=substitutions or None,
            )
            return _convert(result)
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from error
        except (OSError, RuntimeError) as error:  # evaluation errors surface while iterating
            raise StoreError(str(error)) from error

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from error
        except OSError as error:
            raise StoreError(str(error)) from error

    can_insert_quads = True

    def insert_quads(self, nquads: bytes) -> None:
        """Add N-Quads in one transaction (pyoxigraph's ``load`` is transactional, unlike
        ``bulk_load``): much faster than parsing the same data as an INSERT DATA."""
        try:
            self._store.load(nquads, ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as error:
            raise StoreError(str(error)) from error

    def graph(self, name: URIRef) -> Graph:
        graph = Graph()
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        return graph

    def dump(self, output: BinaryIO, fmt: str, include_metadata: bool = False) -> None:
        metadata = ox.NamedNode(str(self.metadata_graph))
        quads = (
            q for q in self._store.quads_for_pattern(None, None, None, None)
            if include_metadata or q.graph_name != metadata
        )
        if fmt == "turtle":
            quads = (q.triple for q in quads)
        ox.serialize(quads, output, DUMP_FORMATS[fmt])

    def query_executor(self, workers: int, memory_mb: int = 0):
        """Where the SPARQL endpoint runs queries: worker processes on a store on disk,
        the calling thread for a store in memory (which other processes cannot open)."""
        from ..sparql.executor import InlineExecutor, ProcessExecutor

        if self.path is None:
            return InlineExecutor(self._store)
        return ProcessExecutor(self.path, workers, memory_mb)

    def close(self) -> None:
        if hasattr(self, "_store"):
            if not self.read_only:
                self._store.flush()
            del self._store
            self.history.close()


def _convert(result) -> QueryResult:
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [
            {name: to_rdflib(solution[name]) for name in names if solution[name] is not None}
            for solution in result
        ]
        return QueryResult(kind="select", variables=names, rows=rows)
    graph = Graph()
    for t in result:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return QueryResult(kind="graph", graph=graph)
