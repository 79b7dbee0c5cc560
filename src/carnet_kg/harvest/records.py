"""The records harvesters see: one per resource ever published, with its datestamp (the time
of its last change in the metadata graph) and, once withdrawn, a deleted status. Listed in a
stable order (datestamp, document) by pages, never materialised whole (``record_index``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rdflib import URIRef

from ..identifiers import Identifiers
from ..store import Store
from . import record_index


@dataclass(frozen=True)
class Record:
    identifier: str  # the resource's IRI
    document: str  # its graph (document) IRI
    kind: str
    datestamp: datetime
    deleted: bool
    revision: int = 1


@dataclass(frozen=True)
class Selection:
    """Which records: a set (``kind:note``, ``notebook:key``, ``community:key``), a time range
    (inclusive), and where the previous page stopped."""

    set_spec: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    after: tuple[datetime, str] | None = None
    offset: int = 0  # for listings paged by position (sitemaps, the change feed)
    live_only: bool = False  # leave withdrawn resources out


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _where(selection: Selection, use_after: bool) -> tuple[str, list]:
    clauses, params = ["1 = 1"], []
    if selection.set_spec and selection.set_spec != "kind":
        clauses.append("document IN (SELECT document FROM sets WHERE spec = ?)")
        params.append(selection.set_spec)
    if selection.start:
        clauses.append("modified >= ?")
        params.append(_stamp(selection.start))
    if selection.end:
        clauses.append("modified <= ?")
        params.append(_stamp(selection.end))
    if selection.live_only:
        clauses.append("gone = 0")
    if use_after and selection.after:
        when, document = selection.after
        clauses.append("(modified > ? OR (modified = ? AND document > ?))")
        params += [_stamp(when), _stamp(when), document]
    return " AND ".join(clauses), params


def list_records(store: Store, ids: Identifiers, selection: Selection, limit: int) -> list[Record]:
    """One page of records in (datestamp, document) order, from the record index."""
    index = record_index.for_store(store, ids)
    where, params = _where(selection, use_after=True)
    with index.lock:
        rows = index.db.execute(
            "SELECT identifier, document, kind, modified, gone, revision FROM records "
            f"WHERE {where} ORDER BY modified, document LIMIT ? OFFSET ?",
            [*params, limit, selection.offset],
        ).fetchall()
    return [Record(identifier, document, kind,
                   datetime.strptime(modified, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
                   bool(gone), revision)
            for identifier, document, kind, modified, gone, revision in rows]


def count_records(store: Store, ids: Identifiers, selection: Selection) -> int:
    index = record_index.for_store(store, ids)
    where, params = _where(selection, use_after=False)
    with index.lock:
        return index.db.execute(f"SELECT COUNT(*) FROM records WHERE {where}",
                                params).fetchone()[0]


def earliest(store: Store, ids: Identifiers) -> datetime | None:
    first = list_records(store, ids, Selection(), 1)
    return first[0].datestamp if first else None


def find(store: Store, ids: Identifiers, identifier: str) -> Record | None:
    thing = ids.parse_thing(identifier)
    if thing is None or ids.thing(thing.kind, thing.key) != URIRef(identifier):
        return None
    index = record_index.for_store(store, ids)
    with index.lock:
        row = index.db.execute(
            "SELECT identifier, document, kind, modified, gone, revision FROM records "
            "WHERE identifier = ?", (identifier,)).fetchone()
    if row is None:
        return None
    return Record(row[0], row[1], row[2],
                  datetime.strptime(row[3], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
                  bool(row[4]), row[5])
