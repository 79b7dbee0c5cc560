"""What an HTML page of a resource shows, read from its RDF document (see ``describe``).

Plain data for templates: labels in the reader's language, links as (href, label) pairs, the
note's body rendered from Markdown and sanitised, notebook memberships with previous / next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS

from . import i18n, queries
from .describe import HYDRA, LABELS, Document
from .identifiers import Identifiers
from .linking.vocabularies import VOCABULARIES, vocabulary_of
from .namespaces import CKG, SCHEMA, SSSOM, compact
from .store import Store
from .validation import ontology_graph

EXTERNAL_PROPERTY_LABELS = {
    DCTERMS.title: {"fr": "Titre", "en": "Title"},
    DCTERMS.description: {"fr": "Description", "en": "Description"},
    DCTERMS.issued: {"fr": "Publication", "en": "Published"},
    DCTERMS.modified: {"fr": "Modification", "en": "Modified"},
    DCTERMS.creator: {"fr": "Auteur·trice(s)", "en": "Author(s)"},
    DCTERMS.license: {"fr": "Licence", "en": "Licence"},
    DCTERMS.language: {"fr": "Langue", "en": "Language"},
    SKOS.prefLabel: {"fr": "Libellé préféré", "en": "Preferred label"},
    SKOS.altLabel: {"fr": "Autres formes", "en": "Other labels"},
    SKOS.definition: {"fr": "Définition", "en": "Definition"},
    SKOS.broader: {"fr": "Terme générique", "en": "Broader term"},
    SKOS.narrower: {"fr": "Terme spécifique", "en": "Narrower term"},
    SKOS.related: {"fr": "Terme associé", "en": "Related term"},
    SKOS.inScheme: {"fr": "Lexique", "en": "Lexicon"},
    SKOS.topConceptOf: {"fr": "Terme de tête de", "en": "Top term of"},
    SKOS.hasTopConcept: {"fr": "Termes de tête", "en": "Top terms"},
    FOAF.name: {"fr": "Nom", "en": "Name"},
    FOAF.homepage: {"fr": "Page d'accueil", "en": "Homepage"},
    RDF.type: {"fr": "Type", "en": "Type"},
}
MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
            SKOS.relatedMatch, SCHEMA.sameAs)
MAPPING_LABELS = {
    SKOS.exactMatch: {"fr": "équivalence exacte", "en": "exact match"},
    SKOS.closeMatch: {"fr": "équivalence proche", "en": "close match"},
    SKOS.broadMatch: {"fr": "correspondance générique", "en": "broader match"},
    SKOS.narrowMatch: {"fr": "correspondance spécifique", "en": "narrower match"},
    SKOS.relatedMatch: {"fr": "correspondance associée", "en": "related match"},
    SCHEMA.sameAs: {"fr": "même entité", "en": "same as"},
}
HIDDEN = {RDF.type, CKG.body, CKG.hasMembership, DCTERMS.title, SKOS.prefLabel, FOAF.name}
HIDDEN_NAMESPACES = (str(SCHEMA),)
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


@dataclass
class Link:
    href: str | None
    label: str
    external: bool = False


@dataclass
class MappingLink:
    """An outbound mapping: the target, its vocabulary, the relation, and who reviewed it."""

    link: Link
    vocabulary: str
    relation: str
    provenance: str | None


@dataclass
class MediaItem:
    """A note's image, audio, video or document, as the page shows it."""

    kind: str  # image, audio, video, document
    url: str
    media_type: str
    embedded: bool  # on a host the operator allows: shown in the page, else only linked
    alt: str
    caption: str | None
    credit: str | None
    licence: Link | None
    size: str | None


@dataclass
class Row:
    label: str
    values: list[Link | str] = field(default_factory=list)


@dataclass
class Membership:
    notebook: Link
    position: int
    section: str | None
    category: Link | None
    integrated_by: Link | None
    integrated_at: str | None
    previous: Link | None = None
    next: Link | None = None


@dataclass
class Page:
    kind: str
    key: str
    title: str
    body_html: str | None
    body_lang: str | None
    rows: list[Row]
    backlinks: list[Row]
    memberships: list[Membership]
    contents: list[tuple[str, list[tuple[str | None, Link]]]]  # notebook TOC by category
    mappings: list[MappingLink]
    media: list[MediaItem]
    labels: list[tuple[str, str]]  # a term's preferred labels: (language, label)
    alt_labels: list[str]
    next_page: int | None


@lru_cache(maxsize=1)
def _ontology_labels() -> dict[URIRef, dict[str, str]]:
    labels: dict[URIRef, dict[str, str]] = {}
    for term, label in ontology_graph().subject_objects(RDFS.label):
        if isinstance(label, Literal) and label.language:
            labels.setdefault(term, {})[label.language] = str(label)
    return labels


def property_label(prop: URIRef, lang: str) -> str:
    for table in (EXTERNAL_PROPERTY_LABELS, _ontology_labels()):
        if prop in table and lang in table[prop]:
            return table[prop][lang]
    return compact(str(prop))


def label_of(graph: Graph, node, lang: str) -> str:
    for prop in LABELS:
        chosen = i18n.pick(graph.objects(node, prop), lang)
        if chosen is not None:
            return str(chosen)
    labels = _ontology_labels().get(node)
    if labels:
        return labels.get(lang) or next(iter(labels.values()))
    return compact(str(node)) if isinstance(node, URIRef) else str(node)


def href(ids: Identifiers, node: URIRef) -> str | None:
    """A link inside this site for our things (relative: works on any host), else None."""
    if str(node).startswith(str(CKG)):  # our ontology's terms are documented here
        return f"/ontology#{str(node)[len(CKG):]}"
    thing = ids.parse_thing(str(node))
    if thing is None:
        return None
    fragment = str(node).partition("#")[2]
    return f"/doc/{thing.kind}/{thing.key}" + (f"#{fragment}" if fragment else "")


def _link(ids: Identifiers, graph: Graph, node, lang: str) -> Link | str:
    if isinstance(node, Literal):
        value = node.toPython()
        if isinstance(value, (datetime, date)):
            return i18n.format_datetime(value, lang)
        return str(node)
    if isinstance(node, BNode):
        return label_of(graph, node, lang)
    local = href(ids, node)
    if local is None and str(node).startswith(("http://", "https://")):
        return Link(str(node), _external_label(graph, node, lang), external=True)
    return Link(local, label_of(graph, node, lang))


def _external_label(graph: Graph, node: URIRef, lang: str) -> str:
    label = label_of(graph, node, lang)
    vocabulary = vocabulary_of(str(node))
    if vocabulary not in VOCABULARIES:  # a licence, a home page: the label says enough
        return label
    return f"{vocabulary.name} : {label}" if lang == "fr" else f"{vocabulary.name}: {label}"


def _record(graph: Graph, thing, prop, target):
    """The SSSOM record of a mapping statement, if it has one."""
    for record in graph.subjects(OWL.annotatedTarget, target):
        if (record, OWL.annotatedSource, thing) in graph and \
                (record, OWL.annotatedProperty, prop) in graph:
            return record
    return None


def _provenance(graph: Graph, record, lang: str) -> str | None:
    """"reviewed by …, date, confidence …" from a mapping's SSSOM record."""
    if record is None:
        return None
    parts = []
    reviewer = graph.value(record, SSSOM.reviewer_label) or graph.value(
        record, SSSOM.reviewer_id)
    if reviewer is not None:
        parts.append(("revu par " if lang == "fr" else "reviewed by ") + str(reviewer))
    when = graph.value(record, SSSOM.mapping_date)
    if isinstance(when, Literal) and isinstance(when.toPython(), date):
        parts.append(i18n.format_datetime(when.toPython(), lang))
    confidence = graph.value(record, SSSOM.confidence)
    if confidence is not None:
        parts.append(("confiance " if lang == "fr" else "confidence ") + str(confidence))
    return ", ".join(parts) or None


def _mappings(graph: Graph, thing, lang: str) -> list[MappingLink]:
    found = []
    for prop in MAPPINGS:
        for target in sorted(graph.objects(thing, prop)):
            if not isinstance(target, URIRef):
                continue
            record = _record(graph, thing, prop, target)
            named = graph.value(record, SSSOM.object_label) if record is not None else None
            label = str(named) if named is not None else label_of(graph, target, lang)
            found.append(MappingLink(
                Link(str(target), label, external=True), vocabulary_of(str(target)).name,
                MAPPING_LABELS[prop][lang if lang in ("fr", "en") else "en"],
                _provenance(graph, record, lang)))
    return found


MEDIA_KINDS = {SCHEMA.ImageObject: "image", SCHEMA.AudioObject: "audio",
               SCHEMA.VideoObject: "video", SCHEMA.MediaObject: "document"}
DCAT_BYTE_SIZE = URIRef("http://www.w3.org/ns/dcat#byteSize")


SIZE_UNITS = {"fr": ("o", "ko", "Mo", "Go"), "en": ("B", "KB", "MB", "GB")}


def _size(value, lang: str) -> str | None:
    """1234567 → "1,2 Mo" / "1.2 MB"."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return None
    units = SIZE_UNITS.get(lang, SIZE_UNITS["en"])
    power = 0
    while size >= 1000 ** (power + 1) and power < len(units) - 1:
        power += 1
    number = f"{size / 1000 ** power:.1f}".rstrip("0").rstrip(".") if power else str(size)
    return f"{number.replace('.', ',') if lang == 'fr' else number} {units[power]}"


def _media(ids, graph: Graph, thing, lang: str, hosts: frozenset[str]) -> list[MediaItem]:
    found = []
    for node in sorted(graph.objects(thing, SCHEMA.associatedMedia), key=str):
        classes = set(graph.objects(node, RDF.type))
        kind = next((k for c, k in MEDIA_KINDS.items() if c in classes), None)
        url = graph.value(node, SCHEMA.contentUrl)
        if kind is None or not isinstance(url, URIRef):
            continue
        alt = i18n.pick(graph.objects(node, CKG.altText), lang)
        caption = i18n.pick(graph.objects(node, SCHEMA.caption), lang)
        credit = i18n.pick(graph.objects(node, SCHEMA.creditText), lang)
        licence = graph.value(node, SCHEMA.license)
        found.append(MediaItem(
            kind, str(url), str(graph.value(node, SCHEMA.encodingFormat) or ""),
            urlsplit(str(url)).netloc in hosts and kind != "document",
            str(alt) if alt is not None else "", str(caption) if caption is not None else None,
            str(credit) if credit is not None else None,
            _link(ids, graph, licence, lang) if isinstance(licence, URIRef) else None,
            _size(graph.value(node, DCAT_BYTE_SIZE), lang)))
    return found


def render_markdown(text: str) -> str:
    """Markdown → HTML, then sanitised (no script, no event handler, safe links only)."""
    return nh3.clean(_markdown.render(text), link_rel="noopener noreferrer nofollow")


def _rows(ids, graph, thing, lang) -> list[Row]:
    rows: dict[URIRef, Row] = {}
    for prop, value in sorted(graph.predicate_objects(thing), key=lambda po: str(po[0])):
        if prop in HIDDEN or prop in MAPPINGS or str(prop).startswith(HIDDEN_NAMESPACES):
            continue
        if prop in (SKOS.altLabel, SKOS.definition, DCTERMS.description) and isinstance(
            value, Literal
        ) and value.language not in (lang, None) and i18n.pick(
            graph.objects(thing, prop), lang
        ) != value:
            continue
        row = rows.setdefault(prop, Row(property_label(prop, lang)))
        row.values.append(_link(ids, graph, value, lang))
    return list(rows.values())


def _backlink_rows(ids, graph, thing, lang) -> list[Row]:
    rows: dict[URIRef, Row] = {}
    for subject, prop in graph.subject_predicates(thing):
        if subject == thing or prop in (CKG.member, FOAF.primaryTopic, OWL.annotatedSource) or \
                str(prop).startswith(HIDDEN_NAMESPACES):
            continue
        row = rows.setdefault(prop, Row(property_label(prop, lang)))
        row.values.append(_link(ids, graph, subject, lang))
    return list(rows.values())


def _memberships(store: Store, ids, graph, thing, lang) -> list[Membership]:
    found = []
    for node in graph.subjects(CKG.member, thing):
        notebook = ids.owner(str(node))
        if notebook is None:
            continue
        position = int(graph.value(node, CKG.position))
        category = graph.value(node, CKG.category)
        person = graph.value(node, CKG.integratedBy)
        when = graph.value(node, CKG.integratedAt)
        membership = Membership(
            _link(ids, graph, notebook, lang), position,
            str(graph.value(node, CKG.sectionNumber) or "") or None,
            _link(ids, graph, category, lang) if category else None,
            _link(ids, graph, person, lang) if person else None,
            i18n.format_datetime(when.toPython(), lang) if when else None,
        )
        membership.previous, membership.next = _neighbours(store, ids, notebook, position, lang)
        found.append(membership)
    return found


def _neighbours(store: Store, ids, notebook: URIRef, position: int, lang: str):
    """The notes just before and after ``position`` in ``notebook``."""
    rows = queries.run(store, "notebook-notes", notebook=notebook).rows
    titles: dict[int, tuple[URIRef, list]] = {}
    for row in rows:
        titles.setdefault(int(row["pos"]), (row["note"], []))[1].append(row["title"])
    before = [p for p in titles if p < position]
    after = [p for p in titles if p > position]

    def link(pos):
        note, labels = titles[pos]
        return Link(href(ids, note), str(i18n.pick(labels, lang)))

    return (link(max(before)) if before else None, link(min(after)) if after else None)


def _contents(ids, graph, thing, lang):
    """A notebook's notes in order, grouped by category (in order of first appearance)."""
    entries = []
    for node in graph.objects(thing, CKG.hasMembership):
        note = graph.value(node, CKG.member)
        category = graph.value(node, CKG.category)
        entries.append((int(graph.value(node, CKG.position)), category,
                        str(graph.value(node, CKG.sectionNumber) or "") or None,
                        _link(ids, graph, note, lang)))
    groups: dict[str, list] = {}
    for _, category, section, link in sorted(entries, key=lambda e: e[0]):
        name = label_of(graph, category, lang) if category else ""
        groups.setdefault(name, []).append((section, link))
    return list(groups.items())


def build(store: Store, ids: Identifiers, document: Document, kind: str, key: str,
          lang: str, media_hosts: frozenset[str] = frozenset()) -> Page:
    graph, thing = document.graph, document.thing
    body = i18n.pick(graph.objects(thing, CKG.body), lang)
    return Page(
        kind=kind,
        key=key,
        title=label_of(graph, thing, lang),
        body_html=render_markdown(str(body)) if body is not None else None,
        body_lang=body.language if body is not None else None,
        rows=_rows(ids, graph, thing, lang),
        backlinks=_backlink_rows(ids, graph, thing, lang),
        memberships=_memberships(store, ids, graph, thing, lang) if kind in ("note", "term")
        else [],
        contents=_contents(ids, graph, thing, lang) if kind == "notebook" else [],
        mappings=_mappings(graph, thing, lang),
        media=_media(ids, graph, thing, lang, media_hosts),
        labels=sorted((v.language or "", str(v)) for v in graph.objects(thing, SKOS.prefLabel)),
        alt_labels=sorted(f"{v} ({v.language})" if v.language else str(v)
                          for v in graph.objects(thing, SKOS.altLabel)),
        next_page=document.next_page if (document.document, HYDRA.next, None) in graph
        else None,
    )
