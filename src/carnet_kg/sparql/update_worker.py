"""Runs a SPARQL Update on a copy of the data in a process of its own, killed at its deadline.

The parent sends the data (N-Quads), the update and its base IRI; the child answers the data as
the update leaves it. Imports only pyoxigraph and the standard library.
"""

from __future__ import annotations

import io
import multiprocessing

import pyoxigraph as ox


class UpdateTimeout(Exception):
    """The update ran out of time; its process was stopped."""


def _child(connection, data: bytes, text: str, base_iri: str) -> None:
    store = ox.Store()
    try:
        store.load(data, ox.RdfFormat.N_QUADS)
        store.update(text, base_iri=base_iri)
    except SyntaxError as error:
        connection.send(("syntax", str(error)))
        return
    except (OSError, RuntimeError, ValueError) as error:
        connection.send(("error", str(error)))
        return
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_QUADS)
    connection.send(("ok", out.getvalue()))


def run(data: bytes, text: str, base_iri: str, timeout: float) -> tuple[str, bytes | str]:
    """``("ok", nquads)``, ``("syntax", message)`` or ``("error", message)``."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_child, args=(child, data, text, base_iri), daemon=True,
                              name="carnet-kg-update")
    process.start()
    child.close()
    try:
        if parent.poll(timeout):
            return parent.recv()
        raise UpdateTimeout(f"the update ran longer than {timeout:g} s and was stopped")
    except EOFError:
        return "error", "the update process stopped unexpectedly (out of memory?)"
    finally:
        process.kill()
        process.join(timeout=5)
        parent.close()
