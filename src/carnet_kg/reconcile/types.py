"""The types a client may reconcile against: six classes of our ontology, one kind of IRI each.

``ckg:Note`` stands for the resources under ``id/note/`` (general and organisation notes): terms,
notes too in the ontology, have their own type ``ckg:Term``. Names come from the ontology's
``rdfs:label`` in French and English.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from ..namespaces import CKG
from . import RequestError

TYPES: dict[str, URIRef] = {  # kind → class, in the order clients see them
    "term": CKG.Term,
    "note": CKG.Note,
    "notebook": CKG.Notebook,
    "community": CKG.Community,
    "person": CKG.Person,
    "organisation": CKG.Organisation,
}
KIND_OF: dict[str, str] = {str(iri): kind for kind, iri in TYPES.items()}


def kind_of(value: str) -> str:
    """The kind a type identifier names: its IRI, or ``ckg:Term`` written short."""
    if not isinstance(value, str):
        raise RequestError(f"a type must be a string, not {value!r}")
    iri = str(CKG) + value[4:] if value.startswith("ckg:") else value
    if iri not in KIND_OF:
        known = ", ".join(str(t) for t in TYPES.values())
        raise RequestError(f"unknown type {value!r}: the types are {known}")
    return KIND_OF[iri]


def name(ontology: Graph, kind: str, lang: str) -> str:
    """The type's label in ``lang`` (else French) from the ontology."""
    labels = {label.language: str(label) for label in ontology.objects(TYPES[kind], RDFS.label)}
    return labels.get(lang) or labels.get("fr") or str(TYPES[kind])[len(str(CKG)):]


def as_json(ontology: Graph, kind: str, lang: str) -> dict[str, str]:
    """A type as the API writes it: ``{"id": IRI, "name": label}``."""
    return {"id": str(TYPES[kind]), "name": name(ontology, kind, lang)}
