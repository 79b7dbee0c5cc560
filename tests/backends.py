"""Which store backend the suite runs on: the embedded one, or a real SPARQL engine.

``CARNET_KG_TEST_BACKEND=remote`` runs every test against `oxigraph serve` (PyPI ``oxigraph``)
as a remote engine over the SPARQL 1.1 Protocol, Update and Graph Store Protocol: each store
folder a test uses gets an engine of its own, started on a free loopback port the first time
the folder is named and stopped when the test (or module) that started it ends. The folder
keeps the store's side files (history, withheld registry, indexes), as in production.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

BACKEND = os.environ.get("CARNET_KG_TEST_BACKEND", "embedded")
if BACKEND not in ("embedded", "remote"):
    raise RuntimeError(f"CARNET_KG_TEST_BACKEND={BACKEND!r}: embedded or remote")
REMOTE = BACKEND == "remote"

_engines: dict[str, tuple[subprocess.Popen, str]] = {}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_program() -> str:
    """The `oxigraph` command of the test extra (beside this Python), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    from .requirements import require_program

    return require_program("oxigraph", "pip install oxigraph (the test extra)")


def engine_settings(store: str | Path) -> dict[str, str]:
    """The Settings fields that put the store of folder ``store`` on its engine ({} when the
    suite runs on the embedded backend)."""
    if not REMOTE or str(store) == "memory":
        return {}
    return engine_for(store)


def engine_for(store: str | Path, union: bool = True) -> dict[str, str]:
    """Settings fields for an engine of the store folder ``store``, whatever the backend of
    the pass (for the remote backend's own tests); ``union`` False starts it without
    ``--union-default-graph``."""
    url = _engine(str(Path(store).resolve()), () if union else ("--no-union",))
    return {"sparql_query": f"{url}/query", "sparql_update": f"{url}/update",
            "sparql_store": f"{url}/store"}


def engine_env(store: str | Path) -> dict[str, str]:
    """The same, as CARNET_KG_* environment variables for a carnet-kg process."""
    return {f"CARNET_KG_{name.upper()}": value for name, value in engine_settings(store).items()}


def stop_engine(store: str | Path) -> None:
    """Stop the engine of one store folder (to see how carnet-kg copes without it)."""
    process, _ = _engines.pop(str(Path(store).resolve()))
    process.kill()
    process.wait(timeout=10)


def started() -> set[str]:
    return set(_engines)


def stop_since(before: set[str]) -> None:
    """Stop the engines started after ``before`` was taken."""
    for key in set(_engines) - before:
        process, _ = _engines.pop(key)
        process.kill()
        process.wait(timeout=10)


def _engine(key: str, options: tuple[str, ...] = ()) -> str:
    if key in _engines:
        return _engines[key][1]
    port = free_port()
    union = () if "--no-union" in options else ("--union-default-graph",)
    process = subprocess.Popen(
        [oxigraph_program(), "serve", "--bind", f"127.0.0.1:{port}", *union, "--timeout-s", "60"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/query?query=ASK%7B%7D", process, 30,
                  lambda: f"oxigraph serve did not start on port {port}")
    _engines[key] = (process, url)
    return url


def wait_until_up(url: str, process: subprocess.Popen, seconds: float,
                  failure: Callable[[], str]) -> None:
    """Poll ``url`` until it answers; if ``process`` ends or ``seconds`` pass first, stop it
    and fail the test with ``failure()`` (what did not start, and its log)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(failure())
            time.sleep(0.05)
