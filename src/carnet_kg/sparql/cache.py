"""A bounded cache of serialised query results, emptied whenever the store changes.

Keyed by everything that shapes a reply (query text, dataset, format, row cap); sized in bytes
and evicted least recently used first. Dashboards and the query page's examples send the same
queries again and again: they are answered without running them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from .worker import Job, Reply


class ResultCache:
    """Thread-safe LRU of replies, at most ``max_bytes`` of bodies (0 disables it)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, Reply] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(job: Job) -> tuple:
        return (job.text, tuple(job.default_graphs), tuple(job.named_graphs),
                job.results_format, job.graph_format, job.boolean_format, job.max_rows,
                job.base_iri, job.generation)

    def get(self, job: Job) -> Reply | None:
        if not self.max_bytes:
            return None
        with self._lock:
            reply = self._entries.get(self.key(job))
            if reply is not None:
                self._entries.move_to_end(self.key(job))
            return reply

    def put(self, job: Job, reply: Reply) -> None:
        if reply.status != 200 or len(reply.body) > self.max_bytes // 4:
            return
        with self._lock:
            key = self.key(job)
            if key in self._entries:
                return
            self._entries[key] = reply
            self._size += len(reply.body)
            while self._size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted.body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0
