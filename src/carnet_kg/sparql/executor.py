"""Where queries run: a pool of worker processes that a runaway query cannot outlive.

pyoxigraph cannot cancel a query, so each query runs in a worker process holding a read-only
handle on the store; a query that overruns its time gets its worker killed and replaced, and
the client a timeout error, while the other workers go on serving. After a write the pool's
generation changes and each worker reopens the store before its next query.

A store kept in memory cannot be shared with other processes: ``InlineExecutor`` then runs
queries in the calling thread, without a hard time limit (development and tests only).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from dataclasses import replace

import pyoxigraph as ox

from .worker import Job, Reply, execute, main

SLOW_QUERY = 0.25  # seconds after which a query runs at the lowest CPU priority


class QueryTimeout(Exception):
    """The query ran out of time and its worker was stopped."""


class InlineExecutor:
    """Runs queries in the caller's thread on an open pyoxigraph store (no time limit)."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self.generation = 0

    def run(self, job: Job, timeout: float) -> Reply:  # noqa: ARG002 - no limit here
        return execute(self._store, job)

    def invalidate(self) -> None:
        self.generation += 1

    def close(self) -> None:
        pass


class _Worker:
    def __init__(self, context, store_path: str, memory_mb: int) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=main, args=(child, store_path, memory_mb), daemon=True,
            name="carnet-kg-query",
        )
        self.process.start()
        child.close()
        self.niced = False

    def lower_priority(self) -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 19)
            self.niced = True
        except (OSError, AttributeError):  # gone already, or no such call here
            pass

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class ProcessExecutor:
    """A fixed number of worker processes; each query takes one, or waits for one."""

    def __init__(self, store_path: str, workers: int, memory_mb: int = 0) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._store_path = store_path
        self._memory_mb = memory_mb
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self.generation = 0
        self._closed = False
        for _ in range(workers):
            self._idle.put(_Worker(self._context, store_path, memory_mb))

    def run(self, job: Job, timeout: float) -> Reply:
        """The reply to ``job``; raises QueryTimeout after ``timeout`` seconds in all."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(f"no query worker became free within {timeout:g} s") from None
        job = replace(job, generation=self.generation)
        try:
            worker.connection.send(job)
            if self._answered(worker, deadline):
                reply = worker.connection.recv()
                if worker.niced:  # its priority cannot be raised back: a fresh one instead
                    self._replace(worker)
                else:
                    self._idle.put(worker)
                return reply
        except (OSError, EOFError):
            pass  # the worker died (out of memory?): replaced below, reported as an error
        else:
            self._replace(worker)
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
        self._replace(worker)
        return Reply(503, b"the query stopped its worker (out of memory?) and was not answered")

    def _answered(self, worker: _Worker, deadline: float) -> bool:
        """Wait for the worker's reply until ``deadline``; a query still running after
        SLOW_QUERY seconds has its worker's CPU priority lowered, so that a long query yields
        the processors to the short ones of other clients while it runs."""
        first = min(SLOW_QUERY, max(0.0, deadline - time.monotonic()))
        if worker.connection.poll(first):
            return True
        worker.lower_priority()
        return worker.connection.poll(max(0.0, deadline - time.monotonic()))

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start its successor without holding up the caller."""

        def restart() -> None:
            worker.stop()
            if not self._closed:
                self._idle.put(_Worker(self._context, self._store_path, self._memory_mb))

        threading.Thread(target=restart, daemon=True).start()

    def invalidate(self) -> None:
        """The store changed: workers reopen it before their next query."""
        self.generation += 1

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return
