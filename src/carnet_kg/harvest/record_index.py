"""An index of the records harvesters page through (SQLite, standard library): datestamps,
deleted flags, revisions and set memberships, rebuilt from the store when its version changes.

Listing by (datestamp, identifier) after a given record is then a B-tree range scan, so every
page of a harvest costs the same whatever its position; the store itself has no index on
literals and would sort all records for every page.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from ..identifiers import Identifiers
from ..namespaces import CKG
from ..store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    document TEXT PRIMARY KEY, identifier TEXT, kind TEXT, modified TEXT, gone INTEGER,
    revision INTEGER);
CREATE INDEX IF NOT EXISTS records_order ON records (modified, document);
CREATE TABLE IF NOT EXISTS sets (document TEXT, spec TEXT);
CREATE INDEX IF NOT EXISTS sets_spec ON sets (spec, document);
CREATE TABLE IF NOT EXISTS stamp (version INTEGER);
"""


class RecordIndex:
    def __init__(self, path: Path | None) -> None:
        self.db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()

    def version(self) -> int | None:
        row = self.db.execute("SELECT version FROM stamp").fetchone()
        return row[0] if row else None

    def rebuild(self, store: Store, ids: Identifiers, version: int) -> None:
        metadata = store.metadata_graph
        rows = store.query(
            f"SELECT ?doc ?modified ?gone ?revision WHERE {{ GRAPH <{metadata}> {{ "
            f"?doc <http://purl.org/dc/terms/modified> ?modified ; <{CKG.revision}> ?revision "
            f"OPTIONAL {{ ?doc <{CKG.withdrawnAt}> ?gone }} }} "
            f'FILTER(STRSTARTS(STR(?doc), "{ids.base}doc/")) }}'
        ).rows
        records, documents = [], {}
        for row in rows:
            document = str(row["doc"])
            thing = ids.thing_of_document(document)
            if thing is None:
                continue
            documents[str(thing)] = document
            stamp = row["modified"].toPython().strftime("%Y-%m-%dT%H:%M:%SZ")
            records.append((document, str(thing), ids.parse_thing(str(thing)).kind, stamp,
                            int("gone" in row), int(row["revision"])))
        sets = [(documents[r[1]], f"kind:{r[2]}") for r in records]
        sets += self._memberships(store, ids, documents)
        with self.lock, self.db:
            self.db.execute("DELETE FROM records")
            self.db.execute("DELETE FROM sets")
            self.db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", records)
            self.db.executemany("INSERT INTO sets VALUES (?, ?)", sets)
            self.db.execute("DELETE FROM stamp")
            self.db.execute("INSERT INTO stamp VALUES (?)", (version,))

    @staticmethod
    def _memberships(store: Store, ids: Identifiers, documents: dict) -> list[tuple[str, str]]:
        found = []
        queries = (
            ("notebook", f"SELECT ?set ?thing WHERE {{ ?set <{CKG.hasMembership}>/<{CKG.member}>"
                         " ?thing }"),
            ("community", f"SELECT ?set ?thing WHERE {{ ?thing <{CKG.linkedCommunity}> ?set }}"),
        )
        for family, sparql in queries:
            for row in store.query(sparql).rows:
                key = ids.parse_thing(str(row["set"]))
                document = documents.get(str(row["thing"]))
                if key and document:
                    found.append((document, f"{family}:{key.key}"))
                    found.append((document, family))
        return found


def for_store(store: Store, ids: Identifiers) -> RecordIndex:
    """The store's record index, rebuilt first if the store has changed since."""
    index = getattr(store, "record_index", None)
    if index is None:
        path = getattr(store, "path", None)
        index = RecordIndex(Path(path + ".records.sqlite") if path else None)
        store.record_index = index
    version = store.version()
    if index.version() != version:
        index.rebuild(store, ids, version)
    return index
