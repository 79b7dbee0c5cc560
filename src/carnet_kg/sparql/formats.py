"""Result formats of the endpoint: registered media types, ``format=`` names, negotiation."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept


@dataclass(frozen=True)
class Format:
    """One serialisation: its key (shared with the worker), media type, and ``format=`` names."""

    key: str
    media_type: str
    names: tuple[str, ...]
    aliases: tuple[str, ...] = ()  # other media types that ask for it


# First of each list = the default for clients that send */* (or no Accept).
RESULT_FORMATS = [
    Format("json", "application/sparql-results+json", ("json", "srj"), ("application/json",)),
    Format("xml", "application/sparql-results+xml", ("xml", "srx"), ("application/xml",)),
    Format("csv", "text/csv", ("csv",)),
    Format("tsv", "text/tab-separated-values", ("tsv",)),
]
GRAPH_FORMATS = [
    Format("turtle", "text/turtle", ("ttl", "turtle")),
    Format("jsonld", "application/ld+json", ("jsonld", "json-ld", "json")),
    Format("rdfxml", "application/rdf+xml", ("rdf", "rdfxml", "xml")),
    Format("ntriples", "application/n-triples", ("nt", "ntriples")),
]
BY_KEY = {f.key: f for f in RESULT_FORMATS + GRAPH_FORMATS}


class NotAcceptable(Exception):
    """Nothing the client accepts fits: the message lists what we offer."""


def _by_name(formats: list[Format], name: str) -> Format | None:
    """A format by its short name (``csv``) or its media type (``text/csv``)."""
    name = name.lower().strip()
    return next(
        (f for f in formats if name in f.names or name == f.media_type or name in f.aliases),
        None,
    )


def _negotiate(formats: list[Format], accept: MIMEAccept) -> Format | None:
    if not accept:  # no Accept header: our default
        return formats[0]
    offers: list[tuple[str, Format]] = []
    for fmt in formats:
        offers.append((fmt.media_type, fmt))
        offers += [(alias, fmt) for alias in fmt.aliases]
    best = accept.best_match([media for media, _ in offers])
    return next((fmt for media, fmt in offers if media == best), None)


@dataclass(frozen=True)
class Choice:
    """The format for each form of result; None where the client accepts none of ours."""

    results: Format | None  # SELECT
    boolean: Format | None  # ASK (JSON or XML only)
    graph: Format | None  # CONSTRUCT / DESCRIBE


BOOLEAN_FORMATS = [f for f in RESULT_FORMATS if f.key in ("json", "xml")]


def choose(accept: MIMEAccept, format_names: str | list[str] | None) -> Choice:
    """The formats for this request, per form of result (the form is known only later).

    ``format=`` wins over Accept; it may be repeated, with names or media types (SPARQLWrapper
    sends ``format=tsv&format=text/tab-separated-values``): the first known value counts.
    """
    names = [format_names] if isinstance(format_names, str) else list(format_names or [])
    for name in names:
        results, graph = _by_name(RESULT_FORMATS, name), _by_name(GRAPH_FORMATS, name)
        if results or graph:
            boolean = results if results in BOOLEAN_FORMATS else None
            return Choice(results, boolean, graph)
    if names:
        known = sorted({n for f in RESULT_FORMATS + GRAPH_FORMATS for n in f.names})
        raise NotAcceptable(f"unknown format {names[0]!r}; known: {', '.join(known)}")
    return Choice(_negotiate(RESULT_FORMATS, accept), _negotiate(BOOLEAN_FORMATS, accept),
                  _negotiate(GRAPH_FORMATS, accept))


def offered(kind: str) -> str:
    """The media types offered for a kind of result, for 406 messages."""
    formats = GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS
    skipped = ("csv", "tsv") if kind == "ask" else ()
    return ", ".join(f.media_type for f in formats if f.key not in skipped)
