"""Writes of one resource over HTTP: replace its description (PUT) or delete it (DELETE).

Each write is authorised by the web layer (a named token), checked against the version the
client edited (``If-Match`` with the ETag of its read: 412 when stale, 428 when missing on an
existing resource), parsed, validated with the shapes (422 and the report), passed through
the publish policy, and written in one transaction with a history revision naming the token.
One write at a time (``WRITE_LOCK``, shared with SPARQL Update), so a check and its write see
the same state.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from rdflib import Dataset, URIRef

from . import pipeline
from .config import Settings
from .identifiers import Identifiers
from .importers.jsonld import parse as parse_jsonld
from .ingest import IngestError, SourceFile
from .ingest.rdf_files import relabelled
from .store import Store
from .store.base import GraphState
from .validation import Report

WRITE_LOCK = threading.Lock()
BODY_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-quads": "nquads",  # several graphs: the graph store's bulk merge
    "application/trig": "trig",
}
ENTITY_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*(?:,|$)')
REVISION_TAG = re.compile(r"r(\d+)-")


class WriteRefused(Exception):
    """A write that is not done; the store is unchanged. ``status`` is the HTTP answer."""

    def __init__(self, status: int, message: str, report: Report | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.report = status, message, report


@dataclass
class WriteOutcome:
    status: int  # 201 created, 200 replaced or deleted
    message: str
    revision: int | None  # the resource's revision after the write (None: not published)


def parse_body(body: bytes, media_type: str, base: str, label: str) -> SourceFile:
    """The request body as a source; raises WriteRefused (415 or 400)."""
    fmt = BODY_FORMATS.get(media_type)
    if fmt is None:
        raise WriteRefused(415, f"send the description as one of {', '.join(BODY_FORMATS)} "
                                f"(Content-Type), not {media_type or 'nothing'}")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WriteRefused(400, f"the body is not UTF-8 (byte {error.start})") from error
    if fmt == "json-ld":  # never fetches a remote @context (importers.jsonld)
        try:
            return parse_jsonld(text, base, label)
        except IngestError as error:
            raise WriteRefused(400, str(error)) from error
    dataset = Dataset()
    try:
        dataset.parse(data=text, format=fmt, publicID=base)
    except Exception as error:  # rdflib parsers raise many unrelated types
        raise WriteRefused(400, f"{label}: not valid {media_type}: "
                                f"{' '.join(str(error).split())[:300]}") from error
    try:
        return relabelled(dataset, label)
    except IngestError as error:
        raise WriteRefused(400, str(error)) from error


def resource_state(store: Store, document: URIRef) -> GraphState | None:
    return store.graph_states([document]).get(document)


def check_preconditions(state: GraphState | None, if_match: str | None,
                        if_none_match: str | None) -> None:
    """Optimistic concurrency: a write names the version it replaces."""
    exists = state is not None and not state.withdrawn
    if if_none_match is not None and if_none_match.strip() == "*" and exists:
        raise WriteRefused(412, "the resource exists (If-None-Match: *)")
    if if_match is None:
        if exists:
            raise WriteRefused(428, "the resource exists: send If-Match with the ETag of the "
                                    "version you edited, so that no change is overwritten "
                                    "unseen")
        return
    if not exists:
        raise WriteRefused(412, "If-Match: the resource has no current version")
    if if_match.strip() == "*":
        return
    tags = [tag for weak, tag in ENTITY_TAG.findall(if_match) if not weak]
    revisions = {int(m.group(1)) for tag in tags if (m := REVISION_TAG.match(tag))}
    if state.revision not in revisions:
        raise WriteRefused(412, f"the resource has changed since that version: it is at "
                                f"revision {state.revision} now; read it again (its ETag), "
                                "merge your change and retry")


def put(store: Store, settings: Settings, kind: str, key: str, source: SourceFile,
        agent: str, if_match: str | None, if_none_match: str | None) -> WriteOutcome:
    """Replace the description of ``BASE id/{kind}/{key}`` by ``source``."""
    ids = Identifiers(settings.base)
    thing, document = ids.thing(kind, key), ids.document(kind, key)
    with WRITE_LOCK, store.exclusive():
        before = resource_state(store, document)
        check_preconditions(before, if_match, if_none_match)
        try:
            checked = pipeline.check_sources([source], settings, store)
        except IngestError as error:
            raise WriteRefused(400, str(error)) from error
        described = set(checked.split.resources) | set(checked.split.external)
        if described != {thing}:
            others = ", ".join(f"<{n}>" for n in sorted(described - {thing})) or "nothing"
            raise WriteRefused(400, f"the body must describe <{thing}> alone (its IRI, hash "
                                    f"IRIs and blank nodes); it describes {others}")
        if not checked.report.conforms:
            raise WriteRefused(422, "the description is invalid: nothing was changed",
                               checked.report)
        report = pipeline.publish(checked, settings, store, agent=agent)
        after = resource_state(store, document)
    existed = before is not None and not before.withdrawn
    if report.published == 0:
        return WriteOutcome(200, "not public: " + ("withdrawn from publication" if existed
                                                   else "stored nowhere, published nowhere"),
                            None)
    dropped = (f"; {report.dropped_links} link(s) to non-public resources dropped"
               if report.dropped_links else "")
    revision = after.revision if after else None
    if not existed:
        return WriteOutcome(201, f"created: revision {revision}{dropped}", revision)
    changed = "replaced" if report.written else "unchanged"
    return WriteOutcome(200, f"{changed}: revision {revision}{dropped}", revision)


def delete(store: Store, settings: Settings, kind: str, key: str, agent: str,
           if_match: str | None) -> WriteOutcome:
    """Withdraw ``BASE id/{kind}/{key}``: a tombstone (410), a deleted record for harvesters."""
    ids = Identifiers(settings.base)
    thing, document = ids.thing(kind, key), ids.document(kind, key)
    with WRITE_LOCK, store.exclusive():
        state = resource_state(store, document)
        if state is None:
            raise WriteRefused(404, "no public resource has this identifier")
        if state.withdrawn:
            raise WriteRefused(410, "this resource is already withdrawn")
        check_preconditions(state, if_match, None)
        report = pipeline.withdraw([thing], settings, store, agent)
    return WriteOutcome(200, f"deleted; links to it removed from {report.written} "
                             "resource(s)", None)
