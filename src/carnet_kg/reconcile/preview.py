"""The preview card of one of our resources: its name, its kind and a short description (the
template ``reconcile_preview.html`` escapes them), with a link to its page."""

from __future__ import annotations

from dataclasses import dataclass

from .. import i18n
from . import Service
from .entities import descriptions, load, parse_id


@dataclass
class Card:
    name: str
    kind: str  # the kind's name in the reader's language
    description: str
    href: str  # the resource's page on this server, relative


def card(service: Service, given: str) -> Card | None:
    """The card of the resource ``given`` names; None if it is not one we publish."""
    iri = parse_id(service.ids, given)
    if iri is None:
        return None
    found = load(service.store, service.ids, [iri]).get(str(iri))
    if found is None and not service.store.has_resource(iri):
        return None
    thing = service.ids.parse_thing(str(iri))
    name = found.name(service.lang) if found else thing.key
    text = descriptions(service.store, [iri], service.lang).get(str(iri), "")
    return Card(name, i18n.KIND_LABELS[thing.kind][service.lang], text,
                f"/doc/{thing.kind}/{thing.key}")
