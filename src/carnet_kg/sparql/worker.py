"""Runs one SPARQL query on the store and serialises its result: in a worker process or inline.

Imports only pyoxigraph and the standard library, so worker processes start fast. A worker is
killed by its pool when a query overruns its time; nothing here needs to cooperate with that.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass

import pyoxigraph as ox

from .lexer import names_dataset

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}


@dataclass
class Job:
    """A query with its dataset, the formats the client accepts, and the row cap."""

    text: str
    default_graphs: list[str]
    named_graphs: list[str]
    results_format: str | None  # key in RESULT_FORMATS, None if the client accepts none
    graph_format: str | None  # key in GRAPH_FORMATS
    max_rows: int
    boolean_format: str | None = None  # json or xml, for ASK
    base_iri: str | None = None  # for relative IRIs in the query: the endpoint's URL
    generation: int = 0


@dataclass
class Reply:
    """``status`` 200 with a body, or an error status with a message in ``body``."""

    status: int
    body: bytes
    kind: str = ""  # select, ask or graph
    format_key: str = ""
    truncated: bool = False


def _dataset(job: Job) -> dict:
    if not job.default_graphs and not job.named_graphs:
        # the union of all graphs is the default graph, unless the query says FROM
        return {"use_default_graph_as_union": not names_dataset(job.text)}
    options: dict = {"default_graph": [ox.NamedNode(g) for g in job.default_graphs]}
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return options


def _solutions(result: ox.QuerySolutions, job: Job) -> Reply:
    if job.results_format is None:
        return Reply(406, b"", "select")
    variables = result.variables
    rows = list(itertools.islice(result, job.max_rows + 1))
    truncated = len(rows) > job.max_rows
    # Rows are written as SPARQL TSV (each term in its N-Triples form), parsed back by
    # pyoxigraph and serialised by it in the format asked for.
    lines = ["\t".join(str(v) for v in variables)]
    for row in rows[: job.max_rows]:
        lines.append("\t".join(_tsv_term(row[v]) for v in variables))
    capped = ox.parse_query_results(("\n".join(lines) + "\n").encode(), ox.QueryResultsFormat.TSV)
    out = io.BytesIO()
    capped.serialize(out, RESULT_FORMATS[job.results_format])
    return Reply(200, out.getvalue(), "select", job.results_format, truncated)


def _tsv_term(term) -> str:
    """A term as SPARQL TSV writes it (N-Triples form; RDF 1.2 triple terms in <<( )>>)."""
    if term is None:
        return ""
    if isinstance(term, ox.Triple):
        inner = " ".join(_tsv_term(t) for t in (term.subject, term.predicate, term.object))
        return f"<<( {inner} )>>"
    return str(term)


def _boolean(result: ox.QueryBoolean, job: Job) -> Reply:
    if job.boolean_format not in ("json", "xml"):
        return Reply(406, b"", "ask")
    out = io.BytesIO()
    result.serialize(out, RESULT_FORMATS[job.boolean_format])
    return Reply(200, out.getvalue(), "ask", job.boolean_format)


def _triples(result: ox.QueryTriples, job: Job) -> Reply:
    if job.graph_format is None:
        return Reply(406, b"", "graph")
    triples = list(itertools.islice(result, job.max_rows + 1))
    out = io.BytesIO()
    ox.serialize(triples[: job.max_rows], out, GRAPH_FORMATS[job.graph_format])
    return Reply(200, out.getvalue(), "graph", job.graph_format, len(triples) > job.max_rows)


def execute(store: ox.Store, job: Job) -> Reply:
    """Run ``job`` on ``store``; errors a client caused come back as 400 replies."""
    try:
        result = store.query(job.text, base_iri=job.base_iri, **_dataset(job))
        if isinstance(result, ox.QueryBoolean):
            return _boolean(result, job)
        if isinstance(result, ox.QuerySolutions):
            return _solutions(result, job)
        return _triples(result, job)
    except SyntaxError as error:
        return Reply(400, f"malformed query: {error}".encode())
    except (OSError, RuntimeError, ValueError) as error:
        return Reply(400, f"query failed: {error}".encode())


def main(connection, store_path: str, memory_mb: int = 0) -> None:
    """Worker process loop: (re)open the store read-only per generation, answer jobs.

    ``memory_mb`` caps the process's address space: a query that needs more makes the worker
    die, and the pool replaces it (the client gets an error, the server stays up).
    """
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    store, generation = None, -1
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        if store is None or job.generation != generation:
            store, generation = ox.Store.read_only(store_path), job.generation
        connection.send(execute(store, job))
