"""Revision history: every version of every graph the store has held, with when, who and what.

A SQLite file beside the store (``var/store.history.sqlite``), never queried by SPARQL: old
versions must not leak into queries, and a resource made private must take its past with it
(routes serve a resource's history only while the resource is public). Rows are written before
the store's transaction and confirmed after it; rows left unconfirmed by a crash are checked
against the store's metadata when it opens again, and dropped when the store did not change.
"""

from __future__ import annotations

import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS revisions (
    graph TEXT NOT NULL, revision INTEGER NOT NULL, time TEXT NOT NULL, agent TEXT NOT NULL,
    action TEXT NOT NULL, data BLOB, confirmed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (graph, revision)
);
-- the pending rows (a write under way), found without reading the whole history
CREATE INDEX IF NOT EXISTS pending ON revisions (confirmed) WHERE confirmed = 0;
"""
ACTIONS = ("created", "updated", "withdrawn", "deleted")


@dataclass(frozen=True)
class Revision:
    graph: str
    revision: int
    time: datetime
    agent: str
    action: str  # one of ACTIONS
    ntriples: str | None  # the graph's content at that revision (None once withdrawn)


class History:
    """The revision table; in memory when ``path`` is None."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False,
                                   isolation_level=None)
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def record(self, rows: Iterable[Revision]) -> None:
        """Write revisions, unconfirmed, before the store's transaction."""
        values = [(r.graph, r.revision, r.time.isoformat(), r.agent, r.action,
                   zlib.compress(r.ntriples.encode()) if r.ntriples is not None else None)
                  for r in rows]
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO revisions (graph, revision, time, agent, action, data, "
                "confirmed) VALUES (?, ?, ?, ?, ?, ?, 0)", values)
            self._db.execute("COMMIT")

    def restore(self, rows: Iterable[Revision]) -> None:
        """Put back revisions from an export, as history (confirmed)."""
        self.record(rows)
        self.confirm()

    def confirm(self) -> None:
        """The store's transaction succeeded: the pending revisions are history."""
        with self._lock:
            self._db.execute("UPDATE revisions SET confirmed = 1 WHERE confirmed = 0")

    def discard(self) -> None:
        """The store's transaction failed: forget the pending revisions."""
        with self._lock:
            self._db.execute("DELETE FROM revisions WHERE confirmed = 0")

    def reconcile(self, revision_of: Callable[[list[str]], dict[str, int]]) -> int:
        """After a crash: keep pending rows the store did apply (its metadata has reached
        their revision), drop the others. ``revision_of`` reads the store's revisions.
        Returns how many rows were dropped."""
        with self._lock:
            pending = self._db.execute(
                "SELECT graph, revision FROM revisions WHERE confirmed = 0").fetchall()
        if not pending:
            return 0
        current = revision_of(sorted({graph for graph, _ in pending}))
        applied = [(g, r) for g, r in pending if current.get(g, 0) >= r]
        lost = [(g, r) for g, r in pending if current.get(g, 0) < r]
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany("UPDATE revisions SET confirmed = 1 WHERE graph = ? AND "
                                 "revision = ?", applied)
            self._db.executemany("DELETE FROM revisions WHERE graph = ? AND revision = ?", lost)
            self._db.execute("COMMIT")
        return len(lost)

    def revisions(self, graph: str) -> list[Revision]:
        """A graph's confirmed revisions, oldest first, without their content."""
        with self._lock:
            rows = self._db.execute(
                "SELECT revision, time, agent, action FROM revisions WHERE graph = ? AND "
                "confirmed = 1 ORDER BY revision", (graph,)).fetchall()
        return [Revision(graph, n, datetime.fromisoformat(t), a, action, None)
                for n, t, a, action in rows]

    def revision(self, graph: str, number: int) -> Revision | None:
        """One confirmed revision with its content."""
        with self._lock:
            row = self._db.execute(
                "SELECT time, agent, action, data FROM revisions WHERE graph = ? AND "
                "revision = ? AND confirmed = 1", (graph, number)).fetchone()
        if row is None:
            return None
        time, agent, action, data = row
        text = zlib.decompress(data).decode() if data is not None else None
        return Revision(graph, number, datetime.fromisoformat(time), agent, action, text)

    def last(self, graph: str) -> Revision | None:
        """A graph's latest confirmed revision, without its content."""
        with self._lock:
            row = self._db.execute(
                "SELECT revision, time, agent, action FROM revisions WHERE graph = ? AND "
                "confirmed = 1 ORDER BY revision DESC LIMIT 1", (graph,)).fetchone()
        if row is None:
            return None
        number, time, agent, action = row
        return Revision(graph, number, datetime.fromisoformat(time), agent, action, None)

    def all(self, batch: int = 500) -> Iterator[Revision]:
        """Every confirmed revision with its content (for export), graph by graph, read a
        batch at a time (never the whole history in memory)."""
        after: tuple[str, int] = ("", 0)
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT graph, revision, time, agent, action, data FROM revisions WHERE "
                    "confirmed = 1 AND (graph > ? OR (graph = ? AND revision > ?)) "
                    "ORDER BY graph, revision LIMIT ?",
                    (after[0], after[0], after[1], batch)).fetchall()
            for graph, number, time, agent, action, data in rows:
                yield Revision(graph, number, datetime.fromisoformat(time), agent, action,
                               zlib.decompress(data).decode() if data is not None else None)
            if len(rows) < batch:
                return
            after = (rows[-1][0], rows[-1][1])

    def close(self) -> None:
        with self._lock:
            self._db.close()
