"""The media of a note in an import (front matter ``media:``), as schema.org media objects
described inside the note: images, audio, video, documents (see docs/model.md)."""

from __future__ import annotations

import re
from collections.abc import Callable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..namespaces import CKG, SCHEMA

ENTRY_KEYS = {"url", "type", "alt", "caption", "credit", "license", "size"}
MEDIA_TYPE = re.compile(r"(image|audio|video|application|text)/[A-Za-z0-9.+-]+")
CLASSES = {"image": SCHEMA.ImageObject, "audio": SCHEMA.AudioObject, "video": SCHEMA.VideoObject}
BYTE_SIZE = URIRef("http://www.w3.org/ns/dcat#byteSize")


def _texts(value, lang: str) -> list[Literal]:
    by_lang = value if isinstance(value, dict) else {lang: value}
    return [Literal(str(text), lang=str(language)) for language, text in by_lang.items()]


def add_media(graph: Graph, thing: URIRef, entries: object, lang: str,
              licence_of: Callable[[str], URIRef], fail: Callable[[str], Exception]) -> None:
    """Describe each entry as ``<thing#media-n>``; ``fail(problem)`` makes the error to raise
    (it knows the file and line)."""
    if not isinstance(entries, list):
        raise fail("media: expected a list of {url, type, alt, caption, credit, license, size}")
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise fail(f"media entry {number}: expected url, type, alt… keys")
        unknown = sorted(set(entry) - ENTRY_KEYS)
        if unknown:
            raise fail(f"media entry {number}: unknown key(s) {', '.join(unknown)}; known: "
                       + ", ".join(sorted(ENTRY_KEYS)))
        url, media_type = str(entry.get("url", "")), str(entry.get("type", ""))
        if not url.startswith(("http://", "https://")):
            raise fail(f"media entry {number}: url must be an absolute http(s) address")
        if not MEDIA_TYPE.fullmatch(media_type):
            raise fail(f"media entry {number}: type {media_type!r} is not a media type such as "
                       "image/png or application/pdf")
        node = URIRef(f"{thing}#media-{number}")
        graph.add((thing, SCHEMA.associatedMedia, node))
        graph.add((node, RDF.type, CLASSES.get(media_type.split("/")[0], SCHEMA.MediaObject)))
        graph.add((node, SCHEMA.contentUrl, URIRef(url)))
        graph.add((node, SCHEMA.encodingFormat, Literal(media_type)))
        for key, prop in (("alt", CKG.altText), ("caption", SCHEMA.caption)):
            for text in _texts(entry[key], lang) if key in entry else []:
                graph.add((node, prop, text))
        if "credit" in entry:
            graph.add((node, SCHEMA.creditText, Literal(str(entry["credit"]))))
        if "license" in entry:
            graph.add((node, SCHEMA.license, licence_of(str(entry["license"]))))
        if "size" in entry:
            if not isinstance(entry["size"], int) or entry["size"] < 0:
                raise fail(f"media entry {number}: size is a number of bytes")
            graph.add((node, BYTE_SIZE, Literal(entry["size"], datatype=XSD.integer)))
