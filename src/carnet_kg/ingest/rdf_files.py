"""Read RDF files and folders in every syntax rdflib parses, keeping which file said what;
SSSOM mapping sets (``*.sssom.tsv``) are read too, as the RDF they stand for."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from ..identifiers import Identifiers

FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".n3": "n3",
}


# Parsed by pyoxigraph (several times faster than rdflib's parsers, and as strict); JSON-LD and
# N3 stay with rdflib (JSON-LD's contexts are handled by rdflib's processor).
FAST_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS, ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML,
}

MAPPING_SUFFIX = ".sssom.tsv"  # SSSOM mapping sets (linking.mapping_graph reads them)


def is_mapping_file(path: Path) -> bool:
    return path.name.lower().endswith(MAPPING_SUFFIX)


def _readable(path: Path) -> bool:
    return path.suffix.lower() in FORMATS or is_mapping_file(path)


# Characters RFC 3987 forbids in an IRI; parsers can still produce them through \u escapes, and
# such an IRI would break out of the <…> it is written in (N-Triples, SPARQL Update).
FORBIDDEN_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


class IngestError(Exception):
    """A source could not be read: the message names the file, the place and the problem."""


@dataclass
class SourceFile:
    """The parsed content of one file: its triples by input graph (None = no graph given), as
    a graph or, from the fast parsers, as the list of triples they gave (``split_resources``
    puts them in graphs once, per resource)."""

    label: str
    graphs: dict[URIRef | None, Graph | list[tuple]]


def _display(path: Path) -> str:
    """How a file is named in reports and in the metadata graph: relative to the working
    folder, else by its folder and name, never by an absolute path of the server's disk."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(Path(*path.resolve().parts[-2:]))


def _expand(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if _readable(p) and p.is_file()
            )
        elif path.is_file():
            if not _readable(path):
                raise IngestError(
                    f"{path}: unknown RDF file extension {path.suffix!r}; "
                    f"known: {', '.join(sorted(FORMATS))}, {MAPPING_SUFFIX}"
                )
            yield path
        else:
            raise IngestError(f"{path}: no such file or folder")


def list_sources(paths: Iterable[str | Path]) -> list[Path]:
    """The RDF files named by ``paths`` (folders are searched recursively), in a stable order."""
    paths = [Path(p) for p in paths]
    found = list(_expand(paths))
    if not found:
        names = ", ".join(str(p) for p in paths)
        raise IngestError(f"{names}: no RDF file found (known extensions: {', '.join(FORMATS)})")
    return found


def _problem(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text[:500] or type(error).__name__


def read_file(path: Path, base: str) -> SourceFile:
    """Parse one file; relative IRIs resolve against ``base``. Raises IngestError."""
    if is_mapping_file(path):
        from ..linking.mapping_graph import read_mapping_file  # it builds on this module

        return read_mapping_file(path, _display(path), Identifiers(base))
    if path.suffix.lower() in FAST_FORMATS:
        return _read_fast(path, base)
    dataset = Dataset()
    try:
        dataset.parse(str(path), format=FORMATS[path.suffix.lower()], publicID=base)
    except Exception as error:  # rdflib parsers raise many unrelated types
        raise IngestError(f"{_display(path)}: not valid RDF: {_problem(error)}") from error
    return relabelled(dataset, _display(path))


def _read_fast(path: Path, base: str) -> SourceFile:
    """Parse with pyoxigraph; its blank nodes are fresh for each parse already."""
    from ..store.terms import to_rdflib

    label = _display(path)
    graphs: dict = {}
    terms: dict = {}  # one rdflib term per distinct term: faster, and shared in memory
    try:
        for quad in ox.parse(path=str(path), format=FAST_FORMATS[path.suffix.lower()],
                             base_iri=base):
            # a blank-node graph name is no name (as rdflib's parsers make it)
            name = quad.graph_name if isinstance(quad.graph_name, ox.NamedNode) else None
            triples = graphs.get(name)
            if triples is None:
                triples = graphs[name] = []
            triples.append(tuple(terms[t] if t in terms else terms.setdefault(t, to_rdflib(t))
                                 for t in (quad.subject, quad.predicate, quad.object)))
    except (SyntaxError, ValueError, OSError) as error:
        raise IngestError(f"{label}: not valid RDF: {_problem(error)}") from error
    for name, triples in graphs.items():
        if name is not None:
            _check_iris(label, (to_rdflib(name),))
        for triple in triples:
            _check_iris(label, triple)
    return SourceFile(label, {None if n is None else to_rdflib(n): t for n, t in graphs.items()})


def relabelled(dataset: Dataset, label: str) -> SourceFile:
    """A parsed dataset as a source: its non-empty graphs, blank nodes relabelled, IRIs
    checked. Raises IngestError."""
    graphs: dict[URIRef | None, Graph] = {}
    fresh: dict[BNode, BNode] = {}
    for graph in dataset.graphs():
        if len(graph) == 0:
            continue
        name = graph.identifier if isinstance(graph.identifier, URIRef) else None
        if name == DATASET_DEFAULT_GRAPH_ID:
            name = None
        plain = graphs.setdefault(name, Graph())
        for triple in graph:
            _check_iris(label, (*triple, name))
            plain.add(_relabel(triple, fresh))
    return SourceFile(label, graphs)


def _relabel(triple: tuple, fresh: dict[BNode, BNode]) -> tuple:
    """Give every blank node a label of our own: parsers (JSON-LD) keep labels of any shape,
    and a label is written as it is in N-Triples and SPARQL Update."""
    return tuple(fresh.setdefault(t, BNode()) if isinstance(t, BNode) else t for t in triple)


def _check_iris(label: str, terms: tuple) -> None:
    for term in terms:
        if isinstance(term, Literal) and term.datatype is not None:
            term = term.datatype
        if isinstance(term, URIRef) and FORBIDDEN_IN_IRI.search(term):
            raise IngestError(
                f"{label}: invalid IRI {term!r}: spaces and the characters "
                '<>"{}|^`\\ are not allowed in IRIs'
            )


def read_sources(paths: Iterable[str | Path], base: str, progress=None) -> list[SourceFile]:
    """Parse every file under ``paths``. ``progress`` (optional) is called once per file."""
    files = list_sources(paths)
    sources = []
    for path in files:
        sources.append(read_file(path, base))
        if progress:
            progress(1)
    return sources
