"""The ``praxis-page`` importer: the text of a note page as the Praxis platform shows it.

``parse`` reads the page into a ``PraxisPage`` (every value with its line, for errors);
``describe`` turns it into the page's own statements, per resource, with names resolved to the
resources that already exist (``resolve.Resolver``); ``read`` does both for a batch of files
and merges each page's statements into the resources' current descriptions. The page format
and the choices made (time zone, licence, time of the publication day) are in docs/import.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF

from ..ingest import IngestError, SourceFile
from ..namespaces import CKG
from . import dates
from .options import ImportOptions
from .resolve import Ambiguous, Resolver, merge, typed

EXTENSIONS = (".txt",)


@dataclass(frozen=True)
class Located:
    """A value read from the page, with its line (1-based)."""

    text: str
    line: int


@dataclass
class PraxisPage:
    """What a note page says. Lists are empty when the page's list is."""

    label: str
    title: Located
    section: str | None = None
    notebook: Located | None = None
    notebook_description: str | None = None
    notebook_size: int | None = None
    body: str = ""
    next_note: tuple[str | None, Located] | None = None  # "Suite :" (section, title)
    related_notes: list[Located] = field(default_factory=list)
    related_terms: list[Located] = field(default_factory=list)
    related_notebooks: list[Located] = field(default_factory=list)
    integrated_by: Located | None = None
    integrated_at: tuple[date, time | None, int] | None = None
    category: Located | None = None
    authors: list[Located] = field(default_factory=list)
    communities: list[Located] = field(default_factory=list)
    organisations: list[Located] = field(default_factory=list)
    published: tuple[date, time | None, int] | None = None
    modified: tuple[date, time | None, int] | None = None
    visibility: tuple[URIRef, int] | None = None


class PageError(IngestError):
    """A page that cannot be read: ``label:line: problem``."""

    def __init__(self, label: str, line: int | None, problem: str) -> None:
        super().__init__(f"{label}:{line}: {problem}" if line else f"{label}: {problem}")


# --- reading the page ----------------------------------------------------------------------

_SECTION = re.compile(r"(?P<section>\d+(?:\.\d+)*)\.?\s+(?P<title>\S.*)")
_CONTEXT = re.compile(
    r"Cette note fait partie du carnet\s*"
    r"(?:\"(?P<a>[^\"]+)\"|«\s*(?P<b>[^»]+?)\s*»|“(?P<c>[^”]+)”)\s*,?\s*(?P<desc>.*)")
_CONTEXT_HEADING = re.compile(r"(?:ℹ️?\s*)?Contexte")
_TOC = re.compile(r"Table des matières\s*\|.*")
_SUITE = re.compile(r"Suite\s*:\s*(?P<rest>\S.*)")
# Icon names the platform glues to labels ("forumContacter…", "note Note(s) liée(s)").
_ICON = re.compile(
    r"(?:file_copy|lock_open|bookmark|padding|person|forum|note|lock|groups?|people|history|"
    r"visibility|public|link|label|info|category)\s*(?=\S)")
_CATEGORY = re.compile(r"category(?:\s*(?P<name>\S.*))?")
_INTEGRATED = re.compile(r"Intégrée? par (?P<who>.+?),? le (?P<when>\d.*)")
_PROFILE = re.compile(r"Profil(?:\s+(?P<name>\S.*))?")
_COUNT = re.compile(r"(?P<count>\d+) notes?")

LISTS = {
    "related_notes": re.compile(r"Notes? ?(?:\(s\))? liées? ?(?:\(s\))?", re.I),
    "related_terms": re.compile(r"Termes? ?(?:\(s\))? reliés? ?(?:\(s\))?", re.I),
    "related_notebooks": re.compile(r"Carnets? ?(?:\(s\))? reliés? ?(?:\(s\))?", re.I),
    "authors": re.compile(r"Auteur(?:·trice|·e|e|s)?(?:\(s\)|s)?(?: de (?:la )?note)?", re.I),
    "communities": re.compile(r"Communautés? liées?", re.I),
}
VALUES = {  # a heading whose value is on the next line
    "published": re.compile(r"Publication", re.I),
    "modified": re.compile(r"Modification", re.I),
    "visibility": re.compile(r"Visibilité", re.I),
}
NOISE = [re.compile(p, re.I) for p in (
    r"Contacter l[’']auteur.*", r"Discuter de la note", r"Historique des modifications",
    r"person", r"note", r"bookmark", r"padding", r"file_copy", r"forum",
)]
VISIBILITIES = {
    "public": CKG.Public, "publique": CKG.Public,
    "private": CKG.Private, "privé": CKG.Private, "privée": CKG.Private, "prive": CKG.Private,
}


def _variants(text: str) -> list[str]:
    stripped = _ICON.sub("", text, count=1) if _ICON.match(text) else text
    return [text, stripped] if stripped != text else [text]


def _heading(text: str) -> tuple[str, str] | None:
    """What an aside line is: ("list", name), ("value", name), ("count", n), ("noise", "")…"""
    if _CATEGORY.fullmatch(text):
        return ("category", _CATEGORY.fullmatch(text)["name"] or "")
    for variant in _variants(text):
        for name, pattern in LISTS.items():
            if pattern.fullmatch(variant):
                return ("list", name)
        for name, pattern in VALUES.items():
            if pattern.fullmatch(variant):
                return ("value", name)
        if match := _COUNT.fullmatch(variant):
            return ("count", match["count"])
        if match := _INTEGRATED.fullmatch(variant):
            return ("integrated", variant)
        if match := _PROFILE.fullmatch(variant):
            return ("profile", match["name"] or "")
        if any(p.fullmatch(variant) for p in NOISE):
            return ("noise", "")
    return None


def _ends_body(line: str) -> bool:
    """Whether a line is the first of the page's side panel (a body line never is, except a
    paragraph that is exactly one of its headings). "Profil …" does not end a body: a
    paragraph may well begin so."""
    kind = _heading(line) if line else None
    return kind is not None and kind[0] not in ("noise", "profile")


def _split_title(text: str) -> tuple[str | None, str]:
    """``"4.5. Un titre"`` → ("4.5", "Un titre"); no number → (None, text)."""
    match = _SECTION.fullmatch(text)
    return (match["section"], match["title"].strip()) if match else (None, text.strip())


def _paragraphs(lines: list[str]) -> str:
    """Lines into paragraphs separated by one blank line; lines of a paragraph kept apart,
    trailing spaces (no-break ones too) dropped, nothing else touched."""
    paragraphs, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.rstrip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)


def _date(label: str, text: str, line: int) -> tuple[date, time | None, int]:
    try:
        day, at = dates.parse_french(text)
    except ValueError as error:
        raise PageError(label, line, f"unparseable date: {error}") from error
    return day, at, line


def _visibility(label: str, text: str, line: int) -> tuple[URIRef, int]:
    words = [w for w in re.split(r"\s+", text.strip()) if w]
    for word in reversed(words):  # the label comes after the icon name ("lock_open public")
        lowered = word.lower()
        if lowered in VISIBILITIES:
            return VISIBILITIES[lowered], line
        if lowered.startswith(("communaut", "community", "membre")):
            return CKG.CommunityOnly, line
    raise PageError(label, line, f"unknown visibility {text.strip()!r} (expected public, "
                                 "privé or a community-only label)")


def parse(text: str, label: str) -> PraxisPage:
    """Read a page's text. Raises PageError naming the file, the line and the problem."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = [(i + 1, line.strip()) for i, line in enumerate(lines)]
    first = next(((n, t) for n, t in numbered if t), None)
    if first is None:
        raise PageError(label, None, "empty page")
    number, title_line = first
    if " | " not in title_line or _CONTEXT.match(title_line) or _CONTEXT_HEADING.fullmatch(
            title_line):
        raise PageError(label, number, "no title line: a page begins with its title, as in "
                                       "\"4.5. Title | Notebook / category\"")
    section, title = _split_title(title_line.rsplit(" | ", 1)[0])
    if not title:
        raise PageError(label, number, "the title line has no title")
    page = PraxisPage(label, Located(title, number), section)

    body_start = number  # index in lines (0-based) of the first body line is body_start
    for n, line in numbered[number:]:
        if match := _CONTEXT.fullmatch(line):
            page.notebook = Located((match["a"] or match["b"] or match["c"]).strip(), n)
            description = match["desc"].strip()
            if description:
                page.notebook_description = description[0].upper() + description[1:]
            body_start = n
        elif _TOC.fullmatch(line):
            body_start = n
            break
        elif line and not _CONTEXT_HEADING.fullmatch(line):
            break
    aside_start = len(lines)
    for n, line in numbered[body_start:]:
        if _SUITE.fullmatch(line) or _ends_body(line):
            aside_start = n - 1
            break
    page.body = _paragraphs(lines[body_start:aside_start])
    _read_aside(page, numbered[aside_start:])
    return page


def _read_aside(page: PraxisPage, numbered: list[tuple[int, str]]) -> None:
    label = page.label
    current_list: list[Located] | None = None
    expecting: tuple[str, int] | None = None  # (what, line of its heading)
    for n, line in numbered:
        if not line:
            continue
        if expecting is not None:
            what, at = expecting
            if _heading(line) is not None and what != "category":
                raise PageError(label, at, f"{line!r} follows \"{what}\" instead of its value")
            expecting = None
            if what == "category":
                page.category = Located(line, n)
            elif what == "profile":
                page.organisations.append(Located(line, n))
            elif what == "visibility":
                page.visibility = _visibility(label, line, n)
            else:
                setattr(page, what, _date(label, line, n))
            continue
        if match := _SUITE.fullmatch(line):
            section, title = _split_title(match["rest"].rsplit(" | ", 1)[0])
            page.next_note = (section, Located(title, n))
            current_list = None
            continue
        kind = _heading(line)
        if kind is None:
            if current_list is not None:
                current_list.append(Located(line, n))
            continue  # anything else is the platform's interface
        what, value = kind
        current_list = None
        if what == "list":
            current_list = getattr(page, value)
        elif what == "value":
            expecting = (value, n)
        elif what == "category":
            if value:
                page.category = Located(value, n)
            else:
                expecting = ("category", n)
        elif what == "profile":
            if value:
                page.organisations.append(Located(value, n))
            else:
                expecting = ("profile", n)
        elif what == "count":
            page.notebook_size = int(value)
        elif what == "integrated":
            match = _INTEGRATED.fullmatch(value)
            page.integrated_by = Located(match["who"].strip(), n)
            page.integrated_at = _date(label, match["when"], n)
    if expecting is not None:
        what, at = expecting
        raise PageError(label, at, f"\"{what}\" has no value after it")


# --- the page's statements -----------------------------------------------------------------

NOTE_REPLACED = {DCTERMS.title, CKG.body, DCTERMS.language, CKG.visibility, CKG.visibleTo,
                 DCTERMS.issued, DCTERMS.modified}
NOTEBOOK_REPLACED = {DCTERMS.title, DCTERMS.description}
MEMBERSHIP_REPLACED = {CKG.member, CKG.position, CKG.sectionNumber, CKG.category,
                       CKG.integratedBy, CKG.integratedAt}
KEPT = {RDF.type, DCTERMS.license, CKG.visibility, DCTERMS.language}


@dataclass
class Described:
    """The page's statements per resource, before they meet the stored descriptions."""

    note: URIRef
    notebook: URIRef | None = None
    membership: URIRef | BNode | None = None
    fresh: dict[URIRef, Graph] = field(default_factory=dict)
    new: set[URIRef] = field(default_factory=set)  # minted by this page

    def graph(self, thing: URIRef) -> Graph:
        return self.fresh.setdefault(thing, Graph())


def _moment(found: tuple[date, time | None, int], options: ImportOptions) -> datetime:
    day, at, _ = found
    return dates.localised(day, at, options.tz)


def _issued(page: PraxisPage, options: ImportOptions) -> datetime | None:
    """Publication: the page gives a day. When the note was integrated that same day, the
    integration time is the time of day (not later than the modification); else midnight."""
    if page.published is None:
        return None
    day, at, _ = page.published
    if at is None and page.integrated_at and page.integrated_at[0] == day:
        at = page.integrated_at[1]
        if at is not None and page.modified and page.modified[0] == day \
                and page.modified[1] is not None:
            at = min(at, page.modified[1])
    return dates.localised(day, at, options.tz)


class _Describer:
    def __init__(self, page: PraxisPage, resolver: Resolver, options: ImportOptions) -> None:
        self.page, self.resolver, self.options = page, resolver, options
        self.lang = options.language

    def fail(self, line: int, problem: str) -> PageError:
        return PageError(self.page.label, line, problem)

    def find(self, kind: str, found: Located, within=None) -> URIRef | None:
        try:
            return self.resolver.find(kind, found.text, within)
        except Ambiguous as error:
            raise self.fail(found.line, str(error)) from error

    def named(self, kind: str, found: Located, out: Described, within=None) -> URIRef:
        """An existing resource by name, or a new one described from the name alone."""
        thing = self.find(kind, found, within)
        if thing is not None:
            return thing
        thing = self.resolver.mint(kind, found.text)
        out.new.add(thing)
        graph = out.graph(thing)
        if kind == "person":
            typed(graph, thing, CKG.Person, FOAF.Person).add((thing, FOAF.name,
                                                              Literal(found.text)))
        elif kind == "organisation":
            typed(graph, thing, CKG.Organisation).add((thing, FOAF.name, Literal(found.text)))
        else:
            typed(graph, thing, *{"community": (CKG.Community,),
                                  "category": (CKG.Category,)}[kind])
            graph.add((thing, DCTERMS.title, Literal(found.text, lang=self.lang)))
        return thing

    def linked(self, kind: str, found: Located, within=None) -> URIRef:
        """A related note, term or notebook: it must exist (in the store or this import)."""
        thing = self.find(kind, found, within) if within is not None else None
        if thing is None:
            thing = self.find(kind, found)
        if thing is None and kind == "note":
            section, title = _split_title(found.text)
            if section:
                thing = self.find(kind, Located(title, found.line), within) or self.find(
                    kind, Located(title, found.line))
        if thing is None:
            raise self.fail(found.line, f"related {kind} {found.text!r}: no {kind} with that "
                                        "title in the store or in this import (import it too)")
        return thing

    def describe(self) -> Described:
        page, resolver = self.page, self.resolver
        notebook = None
        if page.notebook is not None:
            notebook = self.find("notebook", page.notebook)
        members = None  # no notebook on the page: a note of that title anywhere
        if page.notebook is not None:
            members = resolver.members(notebook) if notebook is not None else set()
        note = self.find("note", page.title, members)
        out = Described(note=note or resolver.mint("note", page.title.text))
        if note is None:
            out.new.add(out.note)
        if page.notebook is not None:
            if notebook is None:
                notebook = resolver.mint("notebook", page.notebook.text)
                out.new.add(notebook)
            out.notebook = notebook
            self.notebook_statements(out)
        elif page.category or page.integrated_by:
            line = (page.category or page.integrated_by).line
            raise self.fail(line, "a category or an integration without the notebook's "
                                  "context block (\"Cette note fait partie du carnet …\")")
        self.note_statements(out)
        return out

    def note_statements(self, out: Described) -> None:
        page, opts, note = self.page, self.options, out.note
        graph = typed(out.graph(note), note, CKG.GeneralNote)
        graph.add((note, DCTERMS.title, Literal(page.title.text, lang=self.lang)))
        if page.body:
            graph.add((note, CKG.body, Literal(page.body, lang=self.lang)))
        graph.add((note, DCTERMS.language, Literal(self.lang)))
        graph.add((note, DCTERMS.license, URIRef(opts.license)))
        if (issued := _issued(page, opts)) is not None:
            graph.add((note, DCTERMS.issued, dates.as_literal(issued)))
        if page.modified is not None:
            graph.add((note, DCTERMS.modified, dates.as_literal(_moment(page.modified, opts))))
        communities = [self.named("community", c, out) for c in page.communities]
        for community in communities:
            graph.add((note, CKG.linkedCommunity, community))
        for name in page.organisations:
            graph.add((note, CKG.linkedOrganisation, self.named("organisation", name, out)))
        for name in page.authors:
            graph.add((note, DCTERMS.creator, self.named("person", name, out)))
        if page.visibility is not None:
            visibility, line = page.visibility
            graph.add((note, CKG.visibility, visibility))
            if visibility == CKG.CommunityOnly:
                if not communities:
                    raise self.fail(line, "a community-only note needs its communities "
                                          "(\"Communauté liée\") to say who may read it")
                for community in communities:
                    graph.add((note, CKG.visibleTo, community))
        members = self.resolver.members(out.notebook) if out.notebook else None
        for prop, kind, found_list, within in (
                (CKG.relatedNote, "note", page.related_notes, members),
                (CKG.relatedTerm, "term", page.related_terms, None),
                (CKG.relatedNotebook, "notebook", page.related_notebooks, None)):
            for found in found_list:
                graph.add((note, prop, self.linked(kind, found, within)))

    def notebook_statements(self, out: Described) -> None:
        page, opts, notebook = self.page, self.options, out.notebook
        graph = typed(out.graph(notebook), notebook, CKG.Notebook)
        graph.add((notebook, DCTERMS.title, Literal(page.notebook.text, lang=self.lang)))
        if page.notebook_description:
            graph.add((notebook, DCTERMS.description,
                       Literal(page.notebook_description, lang=self.lang)))
        if notebook in out.new:  # what a page cannot say about its notebook: see docs
            graph.add((notebook, DCTERMS.language, Literal(self.lang)))
            graph.add((notebook, CKG.visibility, CKG.Public))
            graph.add((notebook, DCTERMS.license, URIRef(opts.license)))
        current = self.resolver.current(notebook) if notebook not in out.new else Graph()
        membership, position = None, None
        for candidate in current.objects(notebook, CKG.hasMembership):
            if (candidate, CKG.member, out.note) in current:
                membership = candidate
                position = current.value(candidate, CKG.position)
                break
        if membership is None:
            positions = [int(p) for m in current.objects(notebook, CKG.hasMembership)
                         for p in current.objects(m, CKG.position)]
            position = Literal(max(positions, default=0) + 1)
            membership = self.membership_iri(notebook, current, out.note)
        out.membership = membership
        graph.add((notebook, CKG.hasMembership, membership))
        typed(graph, membership, CKG.Membership)
        graph.add((membership, CKG.member, out.note))
        graph.add((membership, CKG.position, position))
        if page.section:
            graph.add((membership, CKG.sectionNumber, Literal(page.section)))
        if page.category is not None:
            within = self.resolver.categories(notebook) if notebook not in out.new else set()
            within |= {t for t in out.new if (t, CKG.categoryOf, notebook) in out.graph(t)}
            category = self.named("category", page.category, out, within)
            if category in out.new:
                out.graph(category).add((category, CKG.categoryOf, notebook))
            graph.add((notebook, CKG.hasCategory, category))
            graph.add((membership, CKG.category, category))
        if page.integrated_by is not None:
            graph.add((membership, CKG.integratedBy,
                       self.named("person", page.integrated_by, out)))
            graph.add((membership, CKG.integratedAt,
                       dates.as_literal(_moment(page.integrated_at, opts))))

    def membership_iri(self, notebook: URIRef, current: Graph, note: URIRef) -> URIRef:
        used = {str(s) for s in current.subjects()} | {str(notebook)}
        stem = (f"m-{self.page.section.replace('.', '-')}" if self.page.section
                else f"m-{self.resolver.ids.parse_thing(note).key}")
        candidate, number = f"{notebook}#{stem}", 1
        while candidate in used:
            number += 1
            candidate = f"{notebook}#{stem}-{number}"
        return URIRef(candidate)


def describe(page: PraxisPage, resolver: Resolver, options: ImportOptions) -> Described:
    """The page's statements per resource; names resolved against ``resolver``'s store and
    batch. Raises PageError (a related note that exists nowhere, an ambiguous name…)."""
    return _Describer(page, resolver, options).describe()


def apply(described: Described, resolver: Resolver, label: str) -> None:
    """Merge the page's statements into the batch: page facts replace the stored values of the
    same properties, link lists are added to the stored ones, the rest is kept."""
    for thing, fresh in described.fresh.items():
        graph = resolver.edit(thing, label)
        if thing == described.note:
            if (thing, CKG.visibility, None) in fresh:  # readers of a former visibility go
                graph.remove((thing, CKG.visibleTo, None))
            merge(graph, thing, fresh, NOTE_REPLACED, KEPT - {CKG.visibility, DCTERMS.language})
        elif thing == described.notebook:
            merge(graph, thing, fresh, NOTEBOOK_REPLACED, KEPT)
            if described.membership is not None:
                merge(graph, described.membership, fresh, MEMBERSHIP_REPLACED, {RDF.type})
        else:
            merge(graph, thing, fresh, set(), KEPT)


def read(files: list[Path], resolver: Resolver, options: ImportOptions,
         advance: Callable[[int], None] = lambda _: None) -> list[SourceFile]:
    """Import pages: each parsed, described and merged into the batch, in order."""
    for path in files:
        label = options.label(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            raise PageError(label, None, f"not UTF-8 text: {error}") from error
        apply(describe(parse(text, label), resolver, options), resolver, label)
        advance(1)
    return resolver.sources()
