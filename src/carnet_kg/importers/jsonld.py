"""The ``jsonld`` importer: JSON-LD documents that use the carnet-kg ``@context``.

A JSON-LD processor fetches every context a document names by URL. This one never does: a
document naming our context (``https://w3id.org/carnet-kg/context.jsonld``, or the
deployment's ``BASE context.jsonld``) gets the content of the local file
``ontology/context.jsonld`` in its place before parsing, and a document naming any other
context by URL — at the top, nested in a node or a term definition, in an array, through
``@import`` — is refused. ``parse`` is what the write API reuses; ``read`` imports files.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin

from rdflib import Dataset, Graph, Literal, URIRef

from ..config import PROJECT_ROOT
from ..ingest import IngestError, SourceFile
from ..ingest.rdf_files import FORBIDDEN_IN_IRI, relabelled
from .options import ImportOptions
from .resolve import Resolver

EXTENSIONS = (".jsonld", ".json")
CONTEXT_URL = "https://w3id.org/carnet-kg/context.jsonld"
CONTEXT_FILE = PROJECT_ROOT / "ontology" / "context.jsonld"
MEDIA_TYPE = "application/ld+json"


class RemoteContextRefused(IngestError):
    """A document names a context by a URL that is not ours: it is not fetched."""


@lru_cache(maxsize=1)
def context_text() -> str:
    """The published context document, as served at ``/context.jsonld``."""
    return CONTEXT_FILE.read_text(encoding="utf-8-sig")


def local_context() -> dict:
    """The inner ``@context`` object of our context document (a fresh copy)."""
    return copy.deepcopy(json.loads(context_text())["@context"])


def our_urls(base: str) -> set[str]:
    """The URLs that name our context: the stable one and this deployment's."""
    return {CONTEXT_URL, f"{base}context.jsonld"}


def _line_of(text: str, needle: str) -> int | None:
    position = text.find(json.dumps(needle)[1:-1])
    return text.count("\n", 0, position) + 1 if position >= 0 else None


class _Contexts:
    """Replaces references to our context by its content, refuses every other URL."""

    def __init__(self, base: str, label: str, text: str) -> None:
        self.base, self.label, self.text = base, label, text
        self.ours = our_urls(base)

    def refuse(self, url: str, where: str) -> RemoteContextRefused:
        line = _line_of(self.text, url)
        at = f"{self.label}:{line}" if line else self.label
        return RemoteContextRefused(
            f"{at}: {where} names the remote context {url!r}, which is never fetched; use "
            f"the carnet-kg context ({CONTEXT_URL}) or put the context inline")

    def reference(self, url: str, where: str) -> dict:
        if urljoin(self.base, url) in self.ours:
            return local_context()
        raise self.refuse(url, where)

    def context(self, value):
        """A value in an ``@context`` position, made free of URLs."""
        if isinstance(value, str):
            return self.reference(value, "@context")
        if isinstance(value, list):
            return [self.context(item) for item in value]
        if isinstance(value, dict):
            value = dict(value)
            if "@import" in value:
                imported = value.pop("@import")
                if not isinstance(imported, str):
                    raise IngestError(f"{self.label}: @import must be a URL")
                value = {**self.reference(imported, "@import"), **value}
            return {key: self.walk(item) for key, item in value.items()}
        return value  # null (resets the context), or something the parser will reject

    def walk(self, value):
        """The whole document, every ``@context`` in it made free of URLs."""
        if isinstance(value, list):
            return [self.walk(item) for item in value]
        if isinstance(value, dict):
            return {key: self.context(item) if key == "@context" else self.walk(item)
                    for key, item in value.items()}
        return value


def resolve_contexts(document, base: str, label: str, text: str = ""):
    """``document`` (parsed JSON) with our context inlined wherever it is named by URL.
    Raises RemoteContextRefused if it names any other context by URL."""
    return _Contexts(base, label, text).walk(document)


def _check_iris(label: str, terms: tuple) -> None:
    for term in terms:
        if isinstance(term, Literal) and term.datatype is not None:
            term = term.datatype
        if isinstance(term, URIRef) and FORBIDDEN_IN_IRI.search(term):
            raise IngestError(f"{label}: invalid IRI {term!r}: spaces and the characters "
                              '<>"{}|^`\\ are not allowed in IRIs')


def parse(text: str, base: str, label: str) -> SourceFile:
    """A JSON-LD document's triples by graph, relative IRIs resolved against ``base``; our
    context is substituted locally and no context is ever fetched. Raises IngestError (a
    RemoteContextRefused for a remote context) naming ``label`` and, where known, the line."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise IngestError(f"{label}:{error.lineno}: not valid JSON: {error.msg} "
                          f"(column {error.colno})") from error
    document = resolve_contexts(document, base, label, text)
    dataset = Dataset()
    try:
        dataset.parse(data=json.dumps(document), format="json-ld", publicID=base)
    except Exception as error:  # the JSON-LD parser raises many unrelated types
        problem = " ".join(str(error).split())[:500] or type(error).__name__
        raise IngestError(f"{label}: not valid JSON-LD: {problem}") from error
    return relabelled(dataset, label)  # blank nodes of our own, IRIs checked, as load


def serialize(graph: Graph) -> str:
    """``graph`` as JSON-LD compacted with our context, which it names by its stable URL."""
    compacted = json.loads(graph.serialize(format="json-ld", context=local_context()))
    compacted["@context"] = CONTEXT_URL
    return json.dumps(compacted, ensure_ascii=False, indent=2)


def read(files: list[Path], resolver: Resolver, options: ImportOptions,
         advance: Callable[[int], None] = lambda _: None) -> list[SourceFile]:
    """Import JSON-LD files (names are not resolved: JSON-LD says its IRIs itself)."""
    sources = []
    for path in files:
        label = options.label(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            raise IngestError(f"{label}: not UTF-8 text: {error}") from error
        sources.append(parse(text, options.base, label))
        advance(1)
    return sources
