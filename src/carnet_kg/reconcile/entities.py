"""Our resources as reconciliation sees them: identifiers checked on the way in, labels and short
descriptions read from the store (French first, English too).

Only IRIs of ours (``BASE id/{kind}/{key}``, no fragment) ever reach a query, rebuilt from their
kind and key, so a client's string is never pasted into SPARQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS

from .. import i18n
from ..identifiers import Identifiers
from ..linking.matching import Labelled
from ..namespaces import CKG
from ..store import Store

PREFERRED = (SKOS.prefLabel, DCTERMS.title, FOAF.name)
ALTERNATIVE = (SKOS.altLabel,)
DESCRIPTIONS = (SKOS.definition, DCTERMS.description, CKG.body)  # in order of preference
EXCERPT = 200  # characters of a description
MARKUP = re.compile(  # Markdown links (their text kept), line markers, emphasis and code marks
    r"!?\[([^\]]*)\]\([^)]*\)|^[ \t]*(?:#{1,6}|>|[-+*]|[0-9]+\.)[ \t]+|[*_`]{1,3}",
    re.MULTILINE)


def parse_id(ids: Identifiers, value: object) -> URIRef | None:
    """The IRI of one of our resources that ``value`` names (its IRI, or ``kind/key``)."""
    if not isinstance(value, str) or "#" in value:
        return None
    thing = ids.parse_thing(value if "://" in value else f"{ids.base}id/{value}")
    return ids.thing(thing.kind, thing.key) if thing else None


def values_clause(iris) -> str:
    """A SPARQL ``VALUES`` list of IRIs already checked to be ours."""
    return " ".join(f"<{iri}>" for iri in sorted(set(map(str, iris))))


def _in(predicates) -> str:
    return ", ".join(f"<{p}>" for p in predicates)


def _by_language(labels: list[Literal]) -> list[Literal]:
    """French first, then English, then the others (untagged last)."""
    order = {"fr": 0, "en": 1}
    return sorted(labels, key=lambda lit: (order.get(lit.language or "", 2), lit.language or "~",
                                           str(lit)))


@dataclass
class Entity:
    """One of our resources with its labels."""

    iri: str
    kind: str
    preferred: list[Literal] = field(default_factory=list)
    alternative: list[Literal] = field(default_factory=list)

    def name(self, lang: str) -> str:
        chosen = i18n.pick(_by_language(self.preferred), lang) or \
            i18n.pick(_by_language(self.alternative), lang)
        return str(chosen) if chosen is not None else self.iri.rsplit("/", 1)[-1]

    def labelled(self) -> Labelled:
        return Labelled(self.iri, tuple(map(str, _by_language(self.preferred))),
                        tuple(map(str, _by_language(self.alternative))))


def load(store: Store, ids: Identifiers, iris) -> dict[str, Entity]:
    """The labels of those of ``iris`` (ours) the store describes, by IRI."""
    found: dict[str, Entity] = {}
    if not iris:
        return found
    rows = store.query(
        f"SELECT ?item ?p ?label WHERE {{ VALUES ?item {{ {values_clause(iris)} }} "
        f"?item ?p ?label FILTER(?p IN ({_in(PREFERRED + ALTERNATIVE)})) }}"
    ).rows
    for row in rows:
        iri = str(row["item"])
        thing = ids.parse_thing(iri)
        if thing is None or not isinstance(row["label"], Literal):
            continue
        entity = found.setdefault(iri, Entity(iri, thing.kind))
        group = entity.preferred if row["p"] in PREFERRED else entity.alternative
        group.append(row["label"])
    return found


def excerpt(text: str, size: int = EXCERPT) -> str:
    """Plain text of a Markdown text's beginning, cut at a word, at most ``size`` characters."""
    plain = " ".join(MARKUP.sub(lambda m: m.group(1) or " ", text).split())
    if len(plain) <= size:
        return plain
    return plain[:size].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def descriptions(store: Store, iris, lang: str) -> dict[str, str]:
    """A short description of each of ``iris``: definition, else description, else the
    beginning of the body; in ``lang``, else French, else any."""
    if not iris:
        return {}
    rows = store.query(
        f"SELECT ?item ?p ?text WHERE {{ VALUES ?item {{ {values_clause(iris)} }} "
        f"?item ?p ?text FILTER(?p IN ({_in(DESCRIPTIONS)})) }}"
    ).rows
    texts: dict[str, dict[URIRef, list[Literal]]] = {}
    for row in rows:
        texts.setdefault(str(row["item"]), {}).setdefault(row["p"], []).append(row["text"])
    found = {}
    for iri, by_predicate in texts.items():
        for predicate in DESCRIPTIONS:
            chosen = i18n.pick(by_predicate.get(predicate, []), lang)
            if chosen is not None and str(chosen).strip():
                found[iri] = excerpt(str(chosen))
                break
    return found
