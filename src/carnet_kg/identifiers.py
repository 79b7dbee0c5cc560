"""The identifier scheme: things under ``BASE id/{kind}/{key}``, their documents under ``doc/``.

Also names the store's own graphs (metadata, sources). Only string work, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef

from .namespaces import CKG

KINDS: dict[str, URIRef] = {
    "note": CKG.Note,
    "term": CKG.Term,
    "notebook": CKG.Notebook,
    "category": CKG.Category,
    "knowledge-base": CKG.KnowledgeBase,
    "community": CKG.Community,
    "person": CKG.Person,
    "organisation": CKG.Organisation,
    "lexicon": CKG.Lexicon,
}
KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class ThingId:
    """A parsed thing identifier: its kind and key."""

    kind: str
    key: str


class Identifiers:
    """Builds and parses the IRIs of one deployment, given its base IRI."""

    def __init__(self, base: str) -> None:
        self.base = base

    def thing(self, kind: str, key: str) -> URIRef:
        return URIRef(f"{self.base}id/{kind}/{key}")

    def document(self, kind: str, key: str) -> URIRef:
        return URIRef(f"{self.base}doc/{kind}/{key}")

    @property
    def metadata_graph(self) -> URIRef:
        return URIRef(f"{self.base}graph/metadata")

    def source_graph(self, name: str) -> URIRef:
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "unnamed"
        return URIRef(f"{self.base}graph/source/{slug}")

    def parse_thing(self, iri: str) -> ThingId | None:
        """Kind and key of a thing IRI of ours (fragment ignored), or None."""
        prefix = f"{self.base}id/"
        if not iri.startswith(prefix):
            return None
        kind, _, rest = iri[len(prefix):].partition("/")
        key = rest.split("#", 1)[0]
        if kind in KINDS and KEY_PATTERN.fullmatch(key):
            return ThingId(kind, key)
        return None

    def owner(self, iri: str) -> URIRef | None:
        """The thing a (possibly hash) IRI belongs to: ``…/notebook/x#m-1`` → ``…/notebook/x``."""
        thing = self.parse_thing(iri)
        return self.thing(thing.kind, thing.key) if thing else None

    @property
    def dataset(self) -> URIRef:
        """The dataset's IRI: VoID/DCAT describe it, documents say ``void:inDataset`` it."""
        return URIRef(f"{self.base}.well-known/void#dataset")

    def thing_of_document(self, document: str) -> URIRef | None:
        """``…/doc/note/x`` → ``…/id/note/x``; None for other graphs."""
        prefix = f"{self.base}doc/"
        if not str(document).startswith(prefix):
            return None
        return self.owner(f"{self.base}id/{str(document)[len(prefix):]}")

    def document_of(self, thing_iri: str) -> URIRef:
        thing = self.parse_thing(thing_iri)
        if thing is None:
            raise ValueError(f"{thing_iri} is not a thing IRI under {self.base}id/")
        return self.document(thing.kind, thing.key)
