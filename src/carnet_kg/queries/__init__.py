"""Named SPARQL queries, kept as ``.rq`` files beside this module, run with bound parameters."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Example:
    """An example query of the query page: its file name, titles (fr, en) and text."""

    name: str
    title: str
    title_en: str
    text: str


@cache
def examples() -> tuple[Example, ...]:
    """The example queries (``examples/*.rq``), titled by their ``# title:`` comments."""
    found = []
    folder = files(__package__).joinpath("examples")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        titles = dict(
            line[2:].split(":", 1) for line in text.splitlines() if line.startswith("# title")
        )
        found.append(Example(entry.name[:-3], titles["title"].strip(),
                             titles.get("title-en", titles["title"]).strip(), text))
    return tuple(found)
