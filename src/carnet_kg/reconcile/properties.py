"""The properties a client may constrain a query with, fetch by data extension, or be proposed.

A small set, each with a stable short identifier, its names (fr, en), the SPARQL path it reads,
the kinds it applies to and the sort of its values: ``entity`` (one of our resources),
``text`` or ``date`` (an ``xsd:dateTime``).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS

from ..identifiers import Identifiers
from ..namespaces import CKG, ORG
from ..store import Store
from . import RequestError
from .entities import PREFERRED, Entity, values_clause

NOTES = ("note", "term")  # terms are notes: they share the notes' properties


@dataclass(frozen=True)
class Property:
    """One property offered by the service."""

    id: str
    fr: str
    en: str
    path: str  # a SPARQL property path from the resource to its values
    kinds: tuple[str, ...]
    values: str = "entity"  # entity, text or date
    target: str | None = None  # the kind of entity values, when there is one

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr

    def as_json(self, lang: str) -> dict[str, str]:
        return {"id": self.id, "name": self.name(lang)}


PROPERTIES: tuple[Property, ...] = (
    Property("notebook", "Carnet", "Notebook", f"^<{CKG.member}>/^<{CKG.hasMembership}>", NOTES,
             target="notebook"),
    Property("creator", "Auteur·trice", "Creator", f"<{DCTERMS.creator}>", (*NOTES, "notebook"),
             target="person"),
    Property("term", "Terme relié", "Related term", f"<{CKG.relatedTerm}>", ("note",),
             target="term"),
    Property("community", "Communauté liée", "Linked community", f"<{CKG.linkedCommunity}>",
             ("note", "notebook"), target="community"),
    Property("broader", "Terme générique", "Broader term", f"<{SKOS.broader}>", ("term",),
             target="term"),
    Property("narrower", "Terme spécifique", "Narrower term", f"<{SKOS.narrower}>", ("term",),
             target="term"),
    Property("related", "Terme associé", "Associated term", f"<{SKOS.related}>", ("term",),
             target="term"),
    Property("altLabel", "Autre forme", "Other label", f"<{SKOS.altLabel}>", ("term",), "text"),
    Property("definition", "Définition", "Definition", f"<{SKOS.definition}>", ("term",),
             "text"),
    Property("description", "Description", "Description", f"<{DCTERMS.description}>",
             ("note", "notebook", "community"), "text"),
    Property("name", "Nom", "Name", f"<{FOAF.name}>", ("person", "organisation"), "text"),
    Property("memberOf", "Membre de", "Member of", f"<{ORG.memberOf}>", ("person",)),
    Property("member", "Membres", "Members", f"^<{ORG.memberOf}>",
             ("community", "organisation"), target="person"),
    Property("issued", "Publication", "Published", f"<{DCTERMS.issued}>",
             (*NOTES, "notebook"), "date"),
    Property("modified", "Modification", "Modified", f"<{DCTERMS.modified}>",
             (*NOTES, "notebook"), "date"),
)
BY_ID: dict[str, Property] = {p.id: p for p in PROPERTIES}


def find(pid: object) -> Property:
    """The property ``pid`` names; a RequestError for any other."""
    if not isinstance(pid, str) or pid not in BY_ID:
        known = ", ".join(BY_ID)
        raise RequestError(f"unknown property {pid!r}: the properties are {known}")
    return BY_ID[pid]


def applying_to(kinds) -> list[Property]:
    """The properties of resources of any of ``kinds`` (all of them for None)."""
    return [p for p in PROPERTIES if kinds is None or set(p.kinds) & set(kinds)]


@dataclass
class Value:
    """One value of a property: a literal, or one of our resources with its labels."""

    node: URIRef | Literal
    entity: Entity | None = None


def read(store: Store, ids: Identifiers, prop: Property, iris) -> dict[str, list[Value]]:
    """The values of ``prop`` for each of ``iris`` (ours); resources that are not ours never
    appear among entity values."""
    if not iris:
        return {}
    rows = store.query(
        f"SELECT ?item ?value ?label WHERE {{ VALUES ?item {{ {values_clause(iris)} }} "
        f"?item {prop.path} ?value "
        f"OPTIONAL {{ ?value ?lp ?label FILTER(?lp IN ({', '.join(f'<{p}>' for p in PREFERRED)}))"
        " } }"
    ).rows
    found: dict[str, dict[str, Value]] = {}
    for row in rows:
        node = row["value"]
        key = node.n3()
        values = found.setdefault(str(row["item"]), {})
        if isinstance(node, Literal):
            values.setdefault(key, Value(node))
            continue
        thing = ids.parse_thing(str(node)) if isinstance(node, URIRef) else None
        if thing is None or "#" in str(node):
            continue
        value = values.setdefault(key, Value(node, Entity(str(node), thing.kind)))
        if "label" in row:
            value.entity.preferred.append(row["label"])
    return {iri: sorted(values.values(), key=lambda v: str(v.node))
            for iri, values in found.items()}
