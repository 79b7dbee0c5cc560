"""The records harvesters see: one per resource ever published, with its datestamp (the time
of its last change in the metadata graph) and, once withdrawn, a deleted status. Listed in a
stable order (datestamp, identifier) by pages, never materialised whole."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rdflib import URIRef

from ..identifiers import Identifiers
from ..namespaces import CKG
from ..store import Store


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


def _literal_time(value: datetime) -> str:
    return f'"{value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}"^^<http://www.w3.org/2001/XMLSchema#dateTime>'


def _set_filter(ids: Identifiers, set_spec: str | None) -> str:
    """SPARQL for membership of a set: ``kind``/``kind:K``, ``notebook``/``notebook:KEY`` (notes
    in notebooks), ``community``/``community:KEY`` (resources linked to communities)."""
    if not set_spec:
        return ""
    family, _, key = set_spec.partition(":")
    if family == "kind":
        return f'FILTER(STRSTARTS(STR(?doc), "{ids.base}doc/{key}/"))' if key else ""
    thing = (f"BIND(IRI(CONCAT(\"{ids.base}id/\", SUBSTR(STR(?doc), {len(ids.base) + 5}))) "
             "AS ?thing)")
    if family == "notebook":
        source = f"<{ids.thing('notebook', key)}>" if key else "?notebook"
        return f"{thing} {source} ckg:hasMembership/ckg:member ?thing ."
    source = f"<{ids.thing('community', key)}>" if key else "?community"
    return f"{thing} ?thing ckg:linkedCommunity {source} ."


def _query(ids: Identifiers, store: Store, selection: Selection, limit: int | None,
           count: bool) -> str:
    filters = [f'FILTER(STRSTARTS(STR(?doc), "{ids.base}doc/"))', _set_filter(ids,
               selection.set_spec)]
    if selection.start:
        filters.append(f"FILTER(?modified >= {_literal_time(selection.start)})")
    if selection.end:
        filters.append(f"FILTER(?modified <= {_literal_time(selection.end)})")
    if selection.live_only:
        filters.append("FILTER(!BOUND(?gone))")
    if selection.after and not count:
        when, iri = selection.after
        filters.append(f"FILTER(?modified > {_literal_time(when)} || (?modified = "
                       f"{_literal_time(when)} && STR(?doc) > \"{iri}\"))")
    body = (f"GRAPH <{store.metadata_graph}> {{ ?doc <http://purl.org/dc/terms/modified> "
            f"?modified OPTIONAL {{ ?doc <{CKG.withdrawnAt}> ?gone }} "
            f"OPTIONAL {{ ?doc <{CKG.revision}> ?revision }} }} " + " ".join(filters))
    prefix = f"PREFIX ckg: <{CKG}> "
    if count:
        return prefix + f"SELECT (COUNT(DISTINCT ?doc) AS ?n) WHERE {{ {body} }}"
    offset = f" OFFSET {selection.offset}" if selection.offset else ""
    return (prefix + f"SELECT DISTINCT ?doc ?modified ?gone ?revision WHERE {{ {body} }} "
            f"ORDER BY ?modified STR(?doc) LIMIT {limit}{offset}")


def list_records(store: Store, ids: Identifiers, selection: Selection, limit: int) -> list[Record]:
    rows = store.query(_query(ids, store, selection, limit, count=False)).rows
    records = []
    for row in rows:
        document = str(row["doc"])
        thing = ids.owner(f"{ids.base}id/{document[len(ids.base) + 4:]}")
        if thing is None:
            continue
        records.append(Record(str(thing), document, ids.parse_thing(str(thing)).kind,
                              row["modified"].toPython(), "gone" in row,
                              int(row["revision"]) if "revision" in row else 1))
    return records


def count_records(store: Store, ids: Identifiers, selection: Selection) -> int:
    rows = store.query(_query(ids, store, selection, None, count=True)).rows
    return int(rows[0]["n"]) if rows else 0


def earliest(store: Store, ids: Identifiers) -> datetime | None:
    first = list_records(store, ids, Selection(), 1)
    return first[0].datestamp if first else None


def find(store: Store, ids: Identifiers, identifier: str) -> Record | None:
    thing = ids.parse_thing(identifier)
    if thing is None or ids.thing(thing.kind, thing.key) != URIRef(identifier):
        return None
    document = ids.document(thing.kind, thing.key)
    rows = store.query(
        f"PREFIX ckg: <{CKG}> SELECT ?modified ?gone WHERE {{ GRAPH <{store.metadata_graph}> "
        f"{{ <{document}> <http://purl.org/dc/terms/modified> ?modified "
        f"OPTIONAL {{ <{document}> <{CKG.withdrawnAt}> ?gone }} }} }}"
    ).rows
    if not rows:
        return None
    return Record(identifier, str(document), thing.kind, rows[0]["modified"].toPython(),
                  "gone" in rows[0])
