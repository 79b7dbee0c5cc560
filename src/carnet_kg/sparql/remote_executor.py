"""The SPARQL endpoint's queries on a remote engine: sent over the protocol, capped, re-serialised.

The engine runs the query; this side waits at most the query's time (the client then gets a
timeout and the server goes on serving), reads at most ``max_rows`` + 1 rows from the streamed
answer and serialises them in the format the client asked for, exactly as a worker process
does for the embedded store. Set the engine's own timeout too (Oxigraph ``--timeout-s``,
Fuseki ``arq:queryTimeout``): closing the connection does not stop every engine's query.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import closing

import pyoxigraph as ox

from ..store.base import QuerySyntaxError, StoreError
from ..store.remote import GRAPHS_BY_TYPE, RESULTS_BY_TYPE, EngineTimeout, RemoteStore
from . import lexer
from .executor import QueryTimeout
from .worker import Job, Reply, _boolean, _solutions, _triples

VERSION_TTL = 1.0  # seconds a read of the store's version serves (other processes write too)


class RemoteExecutor:
    """Runs endpoint queries on the engine behind a RemoteStore."""

    def __init__(self, store: RemoteStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._version: tuple[float, int] | None = None

    @property
    def generation(self) -> int:
        """The store's version: writes by other carnet-kg processes show within a second."""
        with self._lock:
            now = time.monotonic()
            if self._version is None or now - self._version[0] > VERSION_TTL:
                self._version = (now, self._store.version())
            return self._version[1]

    def invalidate(self) -> None:
        with self._lock:
            self._version = None

    def run(self, job: Job, timeout: float) -> Reply:
        text = job.text
        if job.base_iri and lexer.has_relative_iri(text):  # else positions in errors stay true
            text = f"BASE <{job.base_iri}> {text}"
        try:
            response = self._store.request(text, timeout=timeout,
                                           dataset=(job.default_graphs, job.named_graphs))
            with closing(response):
                return _reply(response, job)
        except QuerySyntaxError as error:
            return Reply(400, f"malformed query: {error}".encode())
        except EngineTimeout as error:
            raise QueryTimeout(f"over {timeout:g} s") from error
        except StoreError as error:  # where the engine lives goes to the log, not the client
            logging.getLogger(__name__).error("SPARQL engine: %s", error)
            return Reply(503, b"the data store is unavailable; retry later")
        except (SyntaxError, ValueError, OSError) as error:  # an answer we could not read
            return Reply(502, f"the SPARQL engine's answer is unreadable: {error}".encode())

    def close(self) -> None:
        pass


def _reply(response, job: Job) -> Reply:
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type in RESULTS_BY_TYPE:
        parsed = ox.parse_query_results(response, RESULTS_BY_TYPE[media_type])
        if isinstance(parsed, ox.QueryBoolean):
            return _boolean(parsed, job)
        return _solutions(parsed, job)
    if media_type in GRAPHS_BY_TYPE:
        return _triples((q.triple for q in ox.parse(response, GRAPHS_BY_TYPE[media_type])), job)
    return Reply(502, f"the SPARQL engine answered in {media_type}".encode())
