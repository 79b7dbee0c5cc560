"""Names to IRIs, for importers that name things by their titles: slugs, lookups, the batch.

A source that names a notebook by its title, a person by their name, resolves that name to the
resource that already has it — in the store, or earlier in the same import batch — and mints
``BASE id/{kind}/{slug}`` only when there is none. The ``Resolver`` also holds the batch: the
graphs of the resources the import will write, each starting from its stored description,
because a resource graph replaces the stored one wholesale on write.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from ..identifiers import Identifiers
from ..ingest import SourceFile
from ..namespaces import CKG
from ..store import Store

NAME_PROPERTY: dict[str, URIRef] = {
    "note": DCTERMS.title,
    "notebook": DCTERMS.title,
    "category": DCTERMS.title,
    "community": DCTERMS.title,
    "lexicon": DCTERMS.title,
    "knowledge-base": DCTERMS.title,
    "term": SKOS.prefLabel,
    "person": FOAF.name,
    "organisation": FOAF.name,
}
CLASSES: dict[str, tuple[URIRef, ...]] = {
    "note": (CKG.GeneralNote, CKG.OrganisationNote),
    "notebook": (CKG.Notebook,),
    "category": (CKG.Category,),
    "community": (CKG.Community,),
    "lexicon": (CKG.Lexicon,),
    "knowledge-base": (CKG.KnowledgeBase,),
    "term": (CKG.Term,),
    "person": (CKG.Person,),
    "organisation": (CKG.Organisation,),
}
SLUG_LIMIT = 100  # characters; a longer slug is cut at a hyphen
_FOLDED = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}


def slugify(text: str) -> str:
    """Lowercase ASCII, accents removed, every run of other characters one "-":
    ``"Joël Nadeau"`` → ``"joel-nadeau"``, ``"l’innovation"`` → ``"l-innovation"``."""
    lowered = "".join(_FOLDED.get(c, c) for c in text.lower())
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > SLUG_LIMIT:
        slug = slug[:SLUG_LIMIT].rsplit("-", 1)[0]
    return slug or "sans-titre"


class Ambiguous(LookupError):
    """Several resources have the name looked up; the message says which."""


@dataclass(frozen=True)
class Resolved:
    """A name's IRI, and whether it existed (in the store or the batch) before."""

    iri: URIRef
    existed: bool


class Resolver:
    """Lookups by name in the store and the batch; minting; the batch's resource graphs."""

    def __init__(self, ids: Identifiers, store: Store | None) -> None:
        self.ids, self.store = ids, store
        self.graphs: dict[URIRef, Graph] = {}  # what the import will write, per resource
        self.touched: dict[str, list[URIRef]] = {}  # source label → resources it produced
        self._minted: set[URIRef] = set()

    # --- what exists ----------------------------------------------------------------------
    def stored(self, thing: URIRef) -> Graph:
        """The stored description of ``thing`` (empty without a store or if absent)."""
        if self.store is None:
            return Graph()
        return self.store.graph(self.ids.document_of(thing))

    def exists(self, thing: URIRef) -> bool:
        return thing in self.graphs or (
            self.store is not None and self.store.has_resource(thing))

    def current(self, thing: URIRef) -> Graph:
        """The batch's graph of ``thing`` if it has one, else the stored one (do not edit)."""
        return self.graphs[thing] if thing in self.graphs else self.stored(thing)

    def names(self, thing: URIRef) -> set[str]:
        kind = self.ids.parse_thing(thing).kind
        prop = NAME_PROPERTY[kind]
        if thing in self.graphs:
            return {str(n) for n in self.graphs[thing].objects(thing, prop)}
        if self.store is None:
            return set()
        rows = self.store.query("SELECT ?t ?p ?n WHERE { ?t ?p ?n }",
                                {"t": thing, "p": prop}).rows
        return {str(row["n"]) for row in rows}

    def _kind_of(self, thing: URIRef) -> str | None:
        parsed = self.ids.parse_thing(thing)
        return parsed.kind if parsed and self.ids.owner(thing) == thing else None

    def _stored_named(self, kind: str, name: str) -> set[URIRef]:
        if self.store is None:
            return set()
        classes = " ".join(f"<{c}>" for c in CLASSES[kind])
        rows = self.store.query(
            f"SELECT DISTINCT ?x ?p ?name WHERE {{ VALUES ?class {{ {classes} }} "
            "?x a ?class ; ?p ?n . FILTER(STR(?n) = ?name) }",
            {"p": NAME_PROPERTY[kind], "name": Literal(name)},
        ).rows
        return {row["x"] for row in rows if self._kind_of(row["x"]) == kind}

    def find(self, kind: str, name: str, within: Iterable[URIRef] | None = None) -> URIRef | None:
        """The resource of ``kind`` named exactly ``name`` (any language), among ``within`` if
        given, in the batch first, then in the store. Raises Ambiguous if there are several."""
        if within is not None:
            found = {t for t in within if self._kind_of(t) == kind and name in self.names(t)}
        else:
            found = {t for t, g in self.graphs.items()
                     if self._kind_of(t) == kind and name in self.names(t)}
            found |= {t for t in self._stored_named(kind, name)
                      if t not in self.graphs}
        if len(found) > 1:
            shown = ", ".join(f"<{t}>" for t in sorted(found))
            raise Ambiguous(f"several {kind}s are named {name!r}: {shown}")
        return next(iter(found), None)

    def members(self, notebook: URIRef) -> set[URIRef]:
        """The notes a notebook holds (batch, else store)."""
        graph = self.current(notebook)
        return {m for ms in graph.objects(notebook, CKG.hasMembership)
                for m in graph.objects(ms, CKG.member) if isinstance(m, URIRef)}

    def categories(self, notebook: URIRef) -> set[URIRef]:
        """The categories of a notebook (its ckg:hasCategory, and categories of the batch or
        the store that say ckg:categoryOf it)."""
        found = set(self.current(notebook).objects(notebook, CKG.hasCategory))
        found |= {t for t, g in self.graphs.items() if (t, CKG.categoryOf, notebook) in g}
        if self.store is not None:
            rows = self.store.query("SELECT ?c ?p ?nb WHERE { ?c ?p ?nb }",
                                    {"nb": notebook, "p": CKG.categoryOf}).rows
            found |= {row["c"] for row in rows}
        return {c for c in found if isinstance(c, URIRef)}

    # --- new things -----------------------------------------------------------------------
    def mint(self, kind: str, name: str, key: str | None = None) -> URIRef:
        """A new IRI ``id/{kind}/{slug}`` (or ``key``), with ``-2``, ``-3``… when that one is
        already another resource's, in the store or the batch. An IRI the store only holds as
        withheld or withdrawn is reused: minted from the same name, it is the same thing."""
        stem = key or slugify(name)
        candidate, number = self.ids.thing(kind, stem), 1
        while candidate in self._minted or self.exists(candidate):
            number += 1
            candidate = self.ids.thing(kind, f"{stem}-{number}")
        self._minted.add(candidate)
        return candidate

    def is_new(self, thing: URIRef) -> bool:
        """Whether ``thing`` was minted by this import."""
        return thing in self._minted

    def resolve(self, kind: str, name: str, within: Iterable[URIRef] | None = None) -> Resolved:
        """``find``, else ``mint``."""
        found = self.find(kind, name, within)
        if found is not None:
            return Resolved(found, True)
        return Resolved(self.mint(kind, name), False)

    # --- the batch ------------------------------------------------------------------------
    def edit(self, thing: URIRef, label: str) -> Graph:
        """The batch's graph of ``thing`` to change (its stored description the first time),
        recorded as produced by the source ``label``."""
        if thing not in self.graphs:
            self.graphs[thing] = self.stored(thing)
        produced = self.touched.setdefault(label, [])
        if thing not in produced:
            produced.append(thing)
        return self.graphs[thing]

    def sources(self) -> list[SourceFile]:
        """One SourceFile per source label, holding the final graphs of what it produced."""
        result = []
        for label, things in self.touched.items():
            graph = Graph()
            for thing in things:
                for triple in self.graphs[thing]:
                    graph.add(triple)
            result.append(SourceFile(label, {None: graph}))
        return result


def merge(graph: Graph, subject: URIRef | BNode, fresh: Graph, replace: set[URIRef],
          keep: set[URIRef]) -> None:
    """Put ``fresh``'s statements about ``subject`` into ``graph`` (which may hold stored ones).

    Properties in ``replace`` take the fresh values (for language-tagged literals: only the
    fresh languages are replaced, others stay); properties in ``keep`` take a fresh value only
    if ``graph`` has none; any other property gets the fresh values added to the stored ones.
    """
    for prop in {p for p, _ in fresh.predicate_objects(subject)}:
        values = list(fresh.objects(subject, prop))
        if prop in keep:
            if (subject, prop, None) in graph:
                continue
        elif prop in replace:
            languages = {v.language for v in values if isinstance(v, Literal)}
            for old in list(graph.objects(subject, prop)):
                if not isinstance(old, Literal) or old.language in languages \
                        or not old.language:
                    graph.remove((subject, prop, old))
        for value in values:
            graph.add((subject, prop, value))


def typed(graph: Graph, thing: URIRef, *classes: URIRef) -> Graph:
    for class_ in classes:
        graph.add((thing, RDF.type, class_))
    return graph
