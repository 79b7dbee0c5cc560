"""Full-text search over titles, bodies, labels and definitions: SQLite FTS5 (standard library).

The ``unicode61`` tokenizer with ``remove_diacritics 2`` makes search insensitive to case and
French accents ("communaute" finds "communauté"); ranking is BM25 with titles weighted ten
times the text; snippets come from FTS5. The index is rebuilt from the store when the store has
changed since it was built (its stamp is the store's last write time).
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import queries
from .identifiers import Identifiers
from .store import Store

SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS documents USING fts5(
    iri UNINDEXED, kind UNINDEXED, title, text, notebooks UNINDEXED, categories UNINDEXED,
    labels UNINDEXED,
    tokenize = "unicode61 remove_diacritics 2"
);
CREATE TABLE IF NOT EXISTS stamp (value TEXT);
INSERT INTO documents(documents, rank) VALUES ('rank', 'bm25(0.0, 0.0, 10.0, 1.0)');
"""
COUNT_CAP = 1000  # counts above this are shown as "1000+": counting every match of a common
# word costs more than finding the best twenty
WORD = re.compile(r"\w+", re.UNICODE)
OPEN, CLOSE = "\x02", "\x03"  # snippet markers, turned into <mark> after escaping


@dataclass
class Hit:
    iri: str
    kind: str
    labels: dict[str, str]  # language → title
    snippet_html: str

    def title(self, lang: str) -> str:
        for wanted in (lang, "fr", ""):
            if wanted in self.labels:
                return self.labels[wanted]
        return next(iter(self.labels.values()), self.iri)


@dataclass
class Results:
    hits: list[Hit]
    total: int  # at most COUNT_CAP + 1 (then: more than COUNT_CAP)
    kinds: dict[str, int]  # the same cap per kind

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP


def fts_query(text: str) -> str | None:
    """A user's words as an FTS5 query: every word must match, the last one as a prefix."""
    words = WORD.findall(text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def title_query(words: Iterable[str], every: bool = False) -> str | None:
    """Words as an FTS5 query on titles (labels and names included) alone, each one a word
    prefix: any of them, or all of them with ``every`` (reconciliation, autocompletion)."""
    quoted = ['"' + w.replace('"', '""') + '"*' for w in dict.fromkeys(words) if w]
    if not quoted:
        return None
    return "title : (" + (" AND " if every else " OR ").join(quoted) + ")"


class SearchIndex:
    """One SQLite database (a file beside the store, or in memory)."""

    def __init__(self, path: Path | None) -> None:
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def stamp(self) -> str | None:
        row = self._db.execute("SELECT value FROM stamp").fetchone()
        return row[0] if row else None

    def rebuild(self, store: Store, ids: Identifiers, stamp: str) -> int:
        """Index every resource of the store; returns how many."""
        texts: dict = defaultdict(lambda: {"title": [], "text": [], "notebooks": set(),
                                           "categories": set(), "labels": {}})
        for row in queries.run(store, "search-documents").rows:
            entry = texts[row["resource"]]
            entry[str(row["field"])].append(str(row["text"]))
            if str(row["field"]) == "title":
                entry["labels"].setdefault(row["text"].language or "", str(row["text"]))
        for row in queries.run(store, "search-memberships").rows:
            if row["resource"] in texts:
                texts[row["resource"]]["notebooks"].add(str(row["notebook"]))
                if "category" in row:
                    texts[row["resource"]]["categories"].add(str(row["category"]))
        rows = []
        for resource, entry in texts.items():
            thing = ids.parse_thing(str(resource))
            if thing is None:
                continue
            rows.append((str(resource), thing.kind, " · ".join(entry["title"]),
                         "\n".join(entry["text"]), " ".join(sorted(entry["notebooks"])),
                         " ".join(sorted(entry["categories"])), json.dumps(entry["labels"])))
        with self._lock, self._db:
            self._db.execute("DELETE FROM documents")
            self._db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            self._db.execute("DELETE FROM stamp")
            self._db.execute("INSERT INTO stamp VALUES (?)", (stamp,))
        return len(rows)

    def search(self, text: str, kind: str | None = None, notebook: str | None = None,
               category: str | None = None, limit: int = 20, offset: int = 0) -> Results:
        query = fts_query(text)
        if query is None:
            return Results([], 0, {})
        where, params = ["documents MATCH ?"], [query]
        for column, value in (("notebooks", notebook), ("categories", category)):
            if value:
                where.append(f"(' ' || {column} || ' ') LIKE ?")
                params.append(f"% {value} %")
        base = " AND ".join(where)
        capped = f"LIMIT {COUNT_CAP + 1}"
        with self._lock:
            kinds = dict(self._db.execute(
                f"SELECT kind, COUNT(*) FROM (SELECT kind FROM documents WHERE {base} {capped})"
                " GROUP BY kind", params))
            if kind:
                base += " AND kind = ?"
                params.append(kind)
            total = self._db.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM documents WHERE {base} {capped})", params
            ).fetchone()[0]
            rows = self._db.execute(
                f"SELECT iri, kind, labels, snippet(documents, 3, '{OPEN}', '{CLOSE}', '…', 16), "
                f"snippet(documents, 2, '{OPEN}', '{CLOSE}', '…', 16) FROM documents "
                f"WHERE {base} ORDER BY rank LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
        hits = [Hit(iri, kind, json.loads(labels), _marked(text_snippet if OPEN in text_snippet
                                                           else title_snippet))
                for iri, kind, labels, text_snippet, title_snippet in rows]
        return Results(hits, total, kinds)

    def lookup(self, query: str, kinds: Iterable[str], limit: int,
               offset: int = 0) -> list[tuple[str, str]]:
        """IRIs and kinds of the documents of ``kinds`` matching the FTS5 ``query``, best first
        (BM25, ties by IRI): a cheap first cut before finer scoring."""
        wanted = sorted(set(kinds))
        if not wanted:
            return []
        marks = ", ".join("?" * len(wanted))
        with self._lock:
            rows = self._db.execute(
                f"SELECT iri, kind FROM documents WHERE documents MATCH ? AND kind IN ({marks}) "
                "ORDER BY rank, iri LIMIT ? OFFSET ?", [query, *wanted, limit, offset]
            ).fetchall()
        return [(iri, kind) for iri, kind in rows]


def _marked(snippet: str) -> str:
    """Escape a snippet for HTML, then show the matched words."""
    return html.escape(snippet).replace(OPEN, "<mark>").replace(CLOSE, "</mark>")
