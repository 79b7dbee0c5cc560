"""Autocompletion (the suggest services): entities by a prefix of their labels' words, our types
and properties by a prefix of their names (an empty prefix lists them all); ``cursor`` is the
number of answers to skip, for the next page.
"""

from __future__ import annotations

import unicodedata

from ..linking import matching
from ..search import title_query
from . import Service, properties, types
from .entities import descriptions, load

PAGE = 10


def fold(text: str) -> str:
    """Case and accents folded: "Communauté" → "communaute"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _starts(prefix: str, names: list[str]) -> bool:
    wanted = fold(prefix).strip()
    return any(fold(name).startswith(wanted) or
               any(word.startswith(wanted) for word in matching.WORD.findall(fold(name)))
               for name in names)


def entities(service: Service, prefix: str, kinds: tuple[str, ...] | None, cursor: int = 0,
             limit: int = PAGE) -> dict:
    """Our resources (of ``kinds``) whose labels have words starting as ``prefix``'s do."""
    fts = title_query(matching.WORD.findall(prefix), every=True)
    if fts is None:
        return {"result": []}
    hits = service.search().lookup(fts, kinds or tuple(types.TYPES), limit, cursor)
    found = load(service.store, service.ids, [iri for iri, _ in hits])
    texts = descriptions(service.store, list(found), service.lang)
    result = []
    for iri, kind in hits:
        if iri not in found:
            continue
        item = {"id": iri, "name": found[iri].name(service.lang),
                "notable": [types.as_json(service.ontology, kind, service.lang)]}
        if texts.get(iri):
            item["description"] = texts[iri]
        result.append(item)
    return {"result": result}


def type_list(service: Service, prefix: str, cursor: int = 0, limit: int = PAGE) -> dict:
    """Our types whose names (fr, en) or IRI's local name start with ``prefix``."""
    listed = [
        types.as_json(service.ontology, kind, service.lang) for kind, iri in types.TYPES.items()
        if _starts(prefix, [types.name(service.ontology, kind, lang) for lang in ("fr", "en")]
                   + [iri.rsplit("#", 1)[-1]])
    ]
    return {"result": listed[cursor:cursor + limit]}


def property_list(service: Service, prefix: str, cursor: int = 0, limit: int = PAGE) -> dict:
    """Our properties whose identifiers or names (fr, en) start with ``prefix``."""
    listed = [prop.as_json(service.lang) for prop in properties.PROPERTIES
              if _starts(prefix, [prop.id, prop.fr, prop.en])]
    return {"result": listed[cursor:cursor + limit]}
