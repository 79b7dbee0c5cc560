"""Data extension: the values of some properties for some of our resources, and the properties
proposed for a type.

Entity values are ours only, written ``{"id", "name"}``; texts ``{"str"}``; dates
``{"date"}`` (ISO 8601 with time, as stored). An identifier that is not one of our resources
gets empty values.
"""

from __future__ import annotations

import re

from . import Service, properties, types
from .entities import parse_id
from .parsing import Extension

DATE = re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
                  r"(Z|[+-][0-9]{2}:[0-9]{2})?")


def _cell(service: Service, prop: properties.Property, value: properties.Value) -> dict:
    if value.entity is not None:
        return {"id": value.entity.iri, "name": value.entity.name(service.lang)}
    text = str(value.node)
    if prop.values == "date" and DATE.fullmatch(text):
        return {"date": text}
    return {"str": text}


def _meta(service: Service, prop: properties.Property) -> dict:
    meta = prop.as_json(service.lang)
    if prop.target in types.TYPES:
        meta["type"] = types.as_json(service.ontology, prop.target, service.lang)
    return meta


def extend(service: Service, request: Extension) -> dict:
    """``{"meta": [...], "rows": {id: {property: [values]}}}`` for the request."""
    ours = {given: parse_id(service.ids, given) for given in request.ids}
    iris = [str(iri) for iri in ours.values() if iri is not None]
    rows: dict[str, dict[str, list]] = {given: {} for given in request.ids}
    for prop in request.properties:
        stored = properties.read(service.store, service.ids, prop, iris)
        for given, iri in ours.items():
            values = stored.get(str(iri), []) if iri is not None else []
            rows[given][prop.id] = [_cell(service, prop, v) for v in values]
    return {"meta": [_meta(service, p) for p in request.properties], "rows": rows}


def propose(service: Service, type_id: str | None, limit: int | None) -> dict:
    """The properties of a type (all of them without one), at most ``limit``."""
    kinds = (types.kind_of(type_id),) if type_id else None
    listed = [p.as_json(service.lang) for p in properties.applying_to(kinds)]
    answer: dict = {"properties": listed[:limit] if limit else listed}
    if type_id:
        answer["type"] = str(types.TYPES[kinds[0]])
    if limit:
        answer["limit"] = limit
    return answer
