"""The change feed: an ActivityStreams 2.0 ordered collection as IIIF Change Discovery 1.0
describes it. Each resource ever published appears once, with its latest activity (Create,
Update, or Delete once withdrawn), oldest first; a harvester reads from the last page backwards
until it meets a time it has already processed, and replaying the whole feed from the first
page gives the current public dataset."""

from __future__ import annotations

from ..identifiers import Identifiers
from ..store import Store
from . import records
from .records import Selection

CONTEXT = "http://iiif.io/api/discovery/1/context.json"
PAGE = 100


def _time(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def collection(store: Store, ids: Identifiers, site: str) -> dict:
    total = records.count_records(store, ids, Selection())
    last = max(0, (total - 1) // PAGE)
    return {
        "@context": CONTEXT,
        "id": f"{site}/changes",
        "type": "OrderedCollection",
        "totalItems": total,
        "first": {"id": f"{site}/changes/{0}", "type": "OrderedCollectionPage"},
        "last": {"id": f"{site}/changes/{last}", "type": "OrderedCollectionPage"},
    }


def page(store: Store, ids: Identifiers, site: str, number: int) -> dict | None:
    """Page ``number`` (from 0), or None past the end."""
    total = records.count_records(store, ids, Selection())
    last = max(0, (total - 1) // PAGE)
    if number > last:
        return None
    items = []
    for record in records.list_records(store, ids, Selection(offset=number * PAGE), PAGE):
        thing = ids.parse_thing(record.identifier)
        activity = "Delete" if record.deleted else ("Create" if record.revision == 1
                                                     else "Update")
        item = {"type": activity, "endTime": _time(record.datestamp),
                "object": {"id": record.identifier, "type": thing.kind}}
        if not record.deleted:
            item["object"]["seeAlso"] = [{
                "id": f"{site}/doc/{thing.kind}/{thing.key}.ttl", "type": "Dataset",
                "format": "text/turtle"}]
        items.append(item)
    found = {
        "@context": CONTEXT,
        "id": f"{site}/changes/{number}",
        "type": "OrderedCollectionPage",
        "partOf": {"id": f"{site}/changes", "type": "OrderedCollection"},
        "startIndex": number * PAGE,
        "orderedItems": items,
    }
    if number > 0:
        found["prev"] = {"id": f"{site}/changes/{number - 1}", "type": "OrderedCollectionPage"}
    if number < last:
        found["next"] = {"id": f"{site}/changes/{number + 1}", "type": "OrderedCollectionPage"}
    return found
