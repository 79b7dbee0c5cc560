"""Named SPARQL queries, kept as ``.rq`` files beside this module, run with bound parameters."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from rdflib.term import Node

from ..store import QueryResult, Store


@cache
def text(name: str) -> str:
    """The text of the named query (``stats-by-class`` → ``stats-by-class.rq``)."""
    return files(__package__).joinpath(f"{name}.rq").read_text(encoding="utf-8")


def run(store: Store, name: str, **bindings: Node) -> QueryResult:
    """Run a named query; keyword arguments bind its variables (SEP-0007 substitution)."""
    return store.query(text(name), bindings or None)
