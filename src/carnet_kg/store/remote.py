"""The remote backend: the dataset kept by any SPARQL 1.1 server (Oxigraph, Fuseki, GraphDB…).

Queries go over the SPARQL 1.1 Protocol and writes over SPARQL 1.1 Update, both through
SPARQLWrapper; graphs are read over the Graph Store Protocol when its URL is configured.
Results are parsed by pyoxigraph's streaming parsers (TSV for solutions), so a dump of the
whole dataset never sits in memory. Nothing here is specific to one engine: the engine must
only answer queries on the union of its named graphs when a query names no dataset (Oxigraph
``--union-default-graph``, Fuseki ``unionDefaultGraph``, GraphDB and Virtuoso by default).
"""

from __future__ import annotations

import ast
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node
from SPARQLWrapper import POST, POSTDIRECTLY, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from ..sparql import lexer
from .base import QueryResult, QuerySyntaxError, Store, StoreError
from .bindings import with_bindings
from .embedded import DUMP_FORMATS
from .terms import to_rdflib

ACCEPT = ("text/tab-separated-values, application/sparql-results+json;q=0.9, "
          "application/n-triples, text/turtle;q=0.9")
RESULTS_BY_TYPE = {
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
}
GRAPHS_BY_TYPE = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
USER_AGENT = "carnet-kg (SPARQL 1.1 client)"


class EngineTimeout(StoreError):
    """The engine did not answer in time."""


class RemoteStore(Store):
    """A dataset on a SPARQL 1.1 server; ``path`` is where our side files live (history,
    withheld registry, record and search indexes), as for the embedded store."""

    graphs_per_update = 2000  # a 100 000-note load is not one 300 MB request

    def __init__(self, query_url: str, update_url: str, store_url: str | None,
                 metadata_graph: URIRef, path: str | None, timeout: float = 120.0) -> None:
        super().__init__(metadata_graph)
        self.query_url, self.update_url = query_url, update_url
        self.store_url = store_url or None
        self.path = path
        self.timeout = timeout
        self.read_only = False
        if path is not None:
            Path(path).mkdir(parents=True, exist_ok=True)

    def check_union_default_graph(self) -> None:
        """Refuse an engine whose default graph is not the union of its named graphs: every
        query of carnet-kg (and of its users) reads the data that way."""
        if self.query("ASK { GRAPH ?g { ?s ?p ?o } }").boolean and not self.query(
                "ASK { ?s ?p ?o }").boolean:
            raise StoreError(
                f"the SPARQL engine at {self.query_url} does not query the union of its named "
                "graphs when a query names no graph: start Oxigraph with --union-default-graph, "
                "set unionDefaultGraph in Fuseki's dataset (GraphDB and Virtuoso do it by "
                "default)")

    # --- the protocol -------------------------------------------------------------------------
    def request(self, text: str, accept: str = ACCEPT, timeout: float | None = None,
                dataset: tuple[list[str], list[str]] = ((), ())):
        """POST a query; the HTTP response, open (its body not read yet)."""
        client = SPARQLWrapper(self.query_url, agent=USER_AGENT)
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", accept)
        client.setTimeout(int(max(1, round(timeout or self.timeout))))
        if not dataset[0] and not dataset[1]:
            # the FROM clauses as protocol parameters, which say the same: some engines
            # (Oxigraph with --union-default-graph) let the union win over FROM
            dataset = lexer.dataset(text) or dataset
        for graph in dataset[0]:
            client.addParameter("default-graph-uri", graph)
        for graph in dataset[1]:
            client.addParameter("named-graph-uri", graph)
        with warnings.catch_warnings():  # its guess of the type, unused: no warning about it
            warnings.simplefilter("ignore", RuntimeWarning)
            client.setQuery(text)
        # sent as a query whatever SPARQLWrapper guesses from the text (its guess reads words
        # in comments: "adds" made one an ADD update); the Accept header is ours anyway
        client.queryType = "SELECT"
        return self._send(client, self.query_url).response

    def update(self, sparql: str) -> None:
        client = SPARQLWrapper(self.query_url, updateEndpoint=self.update_url, agent=USER_AGENT)
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)  # the update as the body, not a form field
        client.setOnlyConneg(True)
        client.setTimeout(int(max(1, round(self.timeout))))
        client.setQuery(sparql)
        client.queryType = "INSERT"  # whatever its first keyword: send it as an update
        with closing(self._send(client, self.update_url).response):
            pass

    def _send(self, client: SPARQLWrapper, url: str):
        try:
            return client.query()
        except QueryBadFormed as error:
            raise QuerySyntaxError(_said(error)) from error
        except SPARQLWrapperException as error:
            raise StoreError(f"the SPARQL engine at {url} failed: {_said(error)}") from error
        except TimeoutError as error:
            raise EngineTimeout(f"the SPARQL engine at {url} did not answer in time") from error
        except urllib.error.HTTPError as error:
            raise StoreError(f"the SPARQL engine at {url} answered {error.code}: "
                             f"{error.read()[:500].decode('utf-8', 'replace')}") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise EngineTimeout(
                    f"the SPARQL engine at {url} did not answer in time") from error
            raise StoreError(f"cannot reach the SPARQL engine at {url}: {error.reason}") from error

    # --- the primitives -----------------------------------------------------------------------
    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> QueryResult:
        response = self.request(with_bindings(sparql, bindings))
        with closing(response):
            return _result(response)

    def graph(self, name: URIRef) -> Graph:
        if self.store_url is None:
            text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
            return self.query(text).graph or Graph()
        found = self._graph_store("GET", name)
        graph = Graph()
        if found is None:
            return graph
        with closing(found):
            for quad in ox.parse(found, _rdf_format(found)):
                graph.add(tuple(to_rdflib(t) for t in quad.triple))
        return graph

    def _graph_store(self, method: str, name: URIRef):
        """A Graph Store Protocol request on one graph; None when the engine has no such one."""
        address = f"{self.store_url}?{urllib.parse.urlencode({'graph': str(name)})}"
        request = urllib.request.Request(address, method=method, headers={
            "Accept": "application/n-triples, text/turtle;q=0.9", "User-Agent": USER_AGENT})
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)  # noqa: S310
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise StoreError(f"the graph store at {self.store_url} answered {error.code} for "
                             f"<{name}>") from error
        except urllib.error.URLError as error:
            raise StoreError(f"cannot reach the graph store at {self.store_url}: "
                             f"{error.reason}") from error

    def dump(self, output: BinaryIO, fmt: str, include_metadata: bool = False) -> None:
        ox.serialize(self._quads(include_metadata, fmt == "turtle"), output, DUMP_FORMATS[fmt])

    def _quads(self, include_metadata: bool, triples_only: bool) -> Iterator:
        text = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        metadata = ox.NamedNode(str(self.metadata_graph))
        response = self.request(text, accept="text/tab-separated-values")
        with closing(response):
            for row in ox.parse_query_results(response, ox.QueryResultsFormat.TSV):
                graph = row["g"]
                if graph == metadata and not include_metadata:
                    continue
                triple = ox.Triple(row["s"], row["p"], row["o"])
                yield triple if triples_only else ox.Quad(*triple, graph)

    def query_executor(self, workers: int, memory_mb: int = 0):  # noqa: ARG002 - the engine's
        """The SPARQL endpoint's queries are answered by the engine, each under a time limit."""
        from ..sparql.remote_executor import RemoteExecutor

        return RemoteExecutor(self)

    def close(self) -> None:
        self.history.close()


def _result(response) -> QueryResult:
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type in RESULTS_BY_TYPE:
        parsed = ox.parse_query_results(response, RESULTS_BY_TYPE[media_type])
        if isinstance(parsed, ox.QueryBoolean):
            return QueryResult(kind="ask", boolean=bool(parsed))
        names = [v.value for v in parsed.variables]
        rows = [{name: to_rdflib(row[name]) for name in names if row[name] is not None}
                for row in parsed]
        return QueryResult(kind="select", variables=names, rows=rows)
    graph = Graph()
    for quad in ox.parse(response, _rdf_format(response)):
        graph.add(tuple(to_rdflib(t) for t in quad.triple))
    return QueryResult(kind="graph", graph=graph)


def _rdf_format(response) -> ox.RdfFormat:
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type not in GRAPHS_BY_TYPE:
        raise StoreError(f"the SPARQL engine answered in {media_type or 'an unnamed format'}, "
                         "which carnet-kg does not read")
    return GRAPHS_BY_TYPE[media_type]


def _said(error: SPARQLWrapperException) -> str:
    """What the engine said, out of SPARQLWrapper's message (it keeps the body only there)."""
    text = str(error)
    marker = "Response:\n"
    if marker in text:
        try:
            body = ast.literal_eval(text.split(marker, 1)[1].strip())
            return (body.decode("utf-8", "replace") if isinstance(body, bytes)
                    else str(body)).strip()[:1000]
        except (ValueError, SyntaxError):
            pass
    return text[:1000]
