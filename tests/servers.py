"""Real ``carnet-kg serve`` processes for protocol tests: started on a free port, stopped after."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from .backends import (  # noqa: F401 - free_port re-exported
    engine_env,
    free_port,
    oxigraph_program,
    wait_until_up,
)
from .conftest import BASE


def carnet(folder: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "carnet_kg.cli", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=300)


@contextlib.contextmanager
def running_server(folder: Path, settings: dict[str, str] | None = None,
                   load: list[str] | None = None) -> Iterator[str]:
    """A server on its own store in ``folder``; ``load`` is loaded first (else the sample)."""
    env = {**os.environ, "CARNET_KG_STORE": str(folder / "store"),
           **engine_env(folder / "store"), "CARNET_KG_BASE": BASE,
           "CARNET_KG_CONFIG": "", **(settings or {})}
    if load:
        loaded = carnet(folder, env, "load", *load)
        assert loaded.returncode == 0, loaded.stderr
    port = free_port()
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "carnet_kg.cli", "serve", "--port", str(port)],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/health", process, 90, lambda: "server did not start:\n"
                      + (log.flush() or (folder / "server.log").read_text()))
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextlib.contextmanager
def running_oxigraph(folder: Path, data: Path | None = None) -> Iterator[str]:
    """A real `oxigraph serve` on a free loopback port (``data`` loaded first); yields its
    base URL (``/query``, ``/update``, ``/store``)."""
    program = oxigraph_program()
    location = folder / "oxigraph"
    if data is not None:
        subprocess.run([program, "load", "--location", str(location), "--file", str(data)],
                       check=True, capture_output=True, timeout=120)
    port = free_port()
    process = subprocess.Popen([program, "serve", "--location", str(location), "--bind",
                                f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/query?query=ASK%7B%7D", process, 30,
                      lambda: "oxigraph serve did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def http(url: str, method: str = "GET", body: str | None = None, **headers: str):
    """One HTTP request with the standard library: (status, headers, text), errors included."""
    import urllib.error

    request = urllib.request.Request(url, method=method, headers=headers,
                                     data=body.encode() if body is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()
