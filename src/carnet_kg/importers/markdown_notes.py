"""The ``markdown`` importer: a folder of Markdown notes with YAML front matter, as Obsidian,
Zettlr or Foam users keep them.

One file per note, term or notebook (front matter ``type``); ``[[wiki links]]`` in a body
become ``ckg:relatedNote`` / ``ckg:relatedTerm`` / ``ckg:relatedNotebook`` links and are
rewritten as Markdown links to the target's IRI; a notebook file lists its notes in order
(``notes:``). Each file is the whole description of its resource. The front matter keys are
documented in docs/import.md.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml
from markdown_it import MarkdownIt
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from ..identifiers import KEY_PATTERN
from ..ingest import IngestError, SourceFile
from ..namespaces import CKG
from . import dates
from .media import add_media
from .options import ImportOptions
from .resolve import Ambiguous, Resolver, merge, slugify, typed

EXTENSIONS = (".md", ".markdown")
KIND_OF_TYPE = {"note": "note", "term": "term", "notebook": "notebook"}
CLASS_OF_KIND = {"note": (CKG.GeneralNote,), "term": (CKG.Term, SKOS.Concept),
                 "notebook": (CKG.Notebook,)}
LINK_PROPERTY = {"note": CKG.relatedNote, "term": CKG.relatedTerm,
                 "notebook": CKG.relatedNotebook}

COMMON_KEYS = {"type", "key", "title", "description", "authors", "issued", "modified",
               "visibility", "visible_to", "license", "communities", "organisations",
               "language", "aliases", "tags"}
KEYS = {
    "note": COMMON_KEYS | {"media"},
    "term": COMMON_KEYS | {"labels", "alt_labels", "definition", "broader", "narrower",
                           "related", "lexicon", "exact_match", "close_match", "broad_match",
                           "narrow_match", "related_match"},
    "notebook": COMMON_KEYS | {"notes", "summary", "table_of_contents", "references"},
}
ENTRY_KEYS = {"note", "category", "section", "integrated_by", "integrated_at"}
VISIBILITY = {"public": CKG.Public, "private": CKG.Private, "community": CKG.CommunityOnly}
LICENCES = {
    "cc-by-4.0": "http://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa-4.0": "http://creativecommons.org/licenses/by-sa/4.0/",
    "cc-by-nc-4.0": "http://creativecommons.org/licenses/by-nc/4.0/",
    "cc-by-nc-sa-4.0": "http://creativecommons.org/licenses/by-nc-sa/4.0/",
    "cc-by-nd-4.0": "http://creativecommons.org/licenses/by-nd/4.0/",
    "cc-by-nc-nd-4.0": "http://creativecommons.org/licenses/by-nc-nd/4.0/",
    "cc0-1.0": "http://creativecommons.org/publicdomain/zero/1.0/",
    "cc0": "http://creativecommons.org/publicdomain/zero/1.0/",
}
MAPPINGS = {"exact_match": SKOS.exactMatch, "close_match": SKOS.closeMatch,
            "broad_match": SKOS.broadMatch, "narrow_match": SKOS.narrowMatch,
            "related_match": SKOS.relatedMatch}

WIKI_LINK = re.compile(r"(?<!!)\[\[(?P<target>[^\[\]|]+?)(?:\|(?P<shown>[^\[\]]+?))?\]\]")
CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
_markdown = MarkdownIt("commonmark")


class MarkdownError(IngestError):
    """``label:line: problem``."""

    def __init__(self, label: str, line: int | None, problem: str) -> None:
        super().__init__(f"{label}:{line}: {problem}" if line else f"{label}: {problem}")


@dataclass
class NoteFile:
    """One Markdown file: its front matter (with the line of each key), its body."""

    path: Path
    label: str
    ref: str  # path under the imported folder, without extension ("notes/semis")
    meta: dict
    lines: dict  # key, or (key, index) for list items → line in the file
    body: str
    body_line: int  # line of the body's first line
    kind: str = "note"
    iri: URIRef | None = None
    names: set[str] = field(default_factory=set)

    def line(self, key, default: int = 1) -> int:
        return self.lines.get(key, default)

    def fail(self, key, problem: str) -> MarkdownError:
        line = key if isinstance(key, int) else self.line(key)
        return MarkdownError(self.label, line, problem)


# --- reading files -------------------------------------------------------------------------

def _key_lines(text: str, offset: int) -> dict:
    """Line of each top-level key, and of each item of a top-level list."""
    lines: dict = {}
    node = yaml.compose(text)
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key, value in node.value:
        lines[key.value] = key.start_mark.line + offset
        if isinstance(value, yaml.SequenceNode):
            for index, item in enumerate(value.value):
                lines[(key.value, index)] = item.start_mark.line + offset
    return lines


def read_file(path: Path, label: str, ref: str) -> NoteFile:
    """Split a file into front matter and body. Raises MarkdownError."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise MarkdownError(label, None, f"not UTF-8 text: {error}") from error
    lines = text.replace("\r\n", "\n").split("\n")
    meta, key_lines, body_start = {}, {}, 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")),
                   None)
        if end is None:
            raise MarkdownError(label, 1, "front matter opened by --- is never closed by ---")
        front = "\n".join(lines[1:end])
        try:
            meta = yaml.safe_load(front) or {}
            key_lines = _key_lines(front, 2)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            problem = getattr(error, "problem", None) or str(error)
            raise MarkdownError(label, line, f"front matter is not valid YAML: {problem}") \
                from error
        if not isinstance(meta, dict):
            raise MarkdownError(label, 2, "front matter must be a mapping of keys to values")
        body_start = end + 1
    body_lines = lines[body_start:]
    while body_lines and not body_lines[0].strip():
        body_lines.pop(0)
        body_start += 1
    body = "\n".join(body_lines).rstrip()
    return NoteFile(path, label, ref, meta, key_lines, body, body_start + 1)


# --- values of the front matter ------------------------------------------------------------

def _texts(file: NoteFile, key: str, lang: str) -> list[Literal]:
    """A text, or a mapping language → text (or list of texts), as language-tagged literals."""
    value = file.meta.get(key)
    if value is None:
        return []
    by_lang = value if isinstance(value, dict) else {lang: value}
    found = []
    for language, texts in by_lang.items():
        for text in texts if isinstance(texts, list) else [texts]:
            if not isinstance(text, str | int | float) or isinstance(text, bool):
                raise file.fail(key, f"{key}: expected a text or a mapping language → text")
            found.append(Literal(str(text), lang=str(language)))
    return found


def _list(file: NoteFile, key: str) -> list[tuple[str, int]]:
    """A list of names or references (a single one is a list of one), with their lines."""
    value = file.meta.get(key)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    found = []
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise file.fail(key, f"{key}: expected a list of texts, found {item!r}")
        found.append((item, file.line((key, index), file.line(key))))
    return found


def _licence(file: NoteFile, default: str) -> URIRef:
    return _licence_named(file, file.meta.get("license", default))


def _licence_named(file: NoteFile, value: object) -> URIRef:
    if not isinstance(value, str):
        raise file.fail("license", "license: expected an IRI or a name such as CC-BY-4.0")
    if value.startswith(("http://", "https://")):
        return URIRef(value)
    normal = re.sub(r"[\s_]+", "-", value.strip().lower())
    if normal not in LICENCES:
        raise file.fail("license", f"unknown licence {value!r}: give its IRI or one of "
                                   + ", ".join(sorted(LICENCES)))
    return URIRef(LICENCES[normal])


def _moment(file: NoteFile, key: str, options: ImportOptions) -> Literal | None:
    value = file.meta.get(key)
    if value is None:
        return None
    try:
        return dates.as_literal(dates.parse_any(value, options.tz))
    except ValueError as error:
        raise file.fail(key, f"{key}: {error}") from error


# --- the batch -----------------------------------------------------------------------------

class _Batch:
    def __init__(self, files: list[NoteFile], resolver: Resolver, options: ImportOptions):
        self.files, self.resolver, self.options = files, resolver, options
        self.by_ref: dict[str, NoteFile] = {}
        self.by_stem: dict[str, list[NoteFile]] = {}
        self.by_name: dict[str, list[NoteFile]] = {}
        self.hidden: set[URIRef] = set()  # files of this import that will not be public
        self.assign()

    def assign(self) -> None:
        """Kinds and IRIs of every file, and the indexes wiki links are resolved with."""
        taken: dict[URIRef, NoteFile] = {}
        for file in self.files:
            kind = file.meta.get("type", "note")
            if kind not in KIND_OF_TYPE:
                raise file.fail("type", f"type: {kind!r} is not one of note, term, notebook")
            file.kind = KIND_OF_TYPE[kind]
            unknown = sorted(set(file.meta) - KEYS[file.kind])
            if unknown:
                raise file.fail(unknown[0], f"unknown key {unknown[0]!r} for a {file.kind}; "
                                            f"known: {', '.join(sorted(KEYS[file.kind]))}")
            key = file.meta.get("key")
            if key is not None and (not isinstance(key, str) or not KEY_PATTERN.fullmatch(key)):
                raise file.fail("key", f"key: {key!r} is not a key (a-z, 0-9 and -)")
            file.iri = self.resolver.ids.thing(file.kind, key or slugify(file.path.stem))
            if file.iri in taken:
                raise file.fail("key", f"{file.iri} is also {taken[file.iri].label}'s: give "
                                       "one of them another key:")
            taken[file.iri] = file
            if file.meta.get("visibility", "private") != "public":
                self.hidden.add(file.iri)
            names = {file.path.stem} | {str(t) for t in _texts(file, "title", "fr")}
            names |= {str(t) for t in _texts(file, "labels", "fr")}
            names |= {name for name, _ in _list(file, "aliases")}
            file.names = names
            self.by_ref[file.ref.lower()] = file
            self.by_stem.setdefault(file.path.stem.lower(), []).append(file)
            for name in names:
                self.by_name.setdefault(name, []).append(file)

    def target(self, file: NoteFile, text: str, line: int) -> tuple[str, URIRef]:
        """The (kind, IRI) a wiki link or reference names: a file of the batch (by path, file
        name, title, label or alias), else a stored note, term or notebook of that title."""
        name = re.sub(r"\.(md|markdown)$", "", text.split("#", 1)[0].split("^", 1)[0].strip())
        candidates = ([self.by_ref[name.lower()]] if name.lower() in self.by_ref
                      else self.by_stem.get(PurePosixPath(name).name.lower())
                      or self.by_name.get(name, []))
        if len(candidates) > 1:
            shown = ", ".join(c.label for c in candidates)
            raise MarkdownError(file.label, line, f"[[{text}]] may mean {shown}: write its "
                                                  "path (folder/name)")
        if candidates:
            return candidates[0].kind, candidates[0].iri
        found = []
        for kind in ("note", "term", "notebook"):
            try:
                thing = self.resolver.find(kind, name)
            except Ambiguous as error:
                raise MarkdownError(file.label, line, str(error)) from error
            if thing is not None:
                found.append((kind, thing))
        if len(found) == 1:
            return found[0]
        if found:
            raise MarkdownError(file.label, line, f"[[{text}]] names a stored "
                                + " and a ".join(k for k, _ in found) + ": rename one")
        raise MarkdownError(file.label, line, f"broken wiki link [[{text}]]: no file, title "
                                              "or alias of this import and no stored note, "
                                              "term or notebook has that name")

    def named(self, kind: str, name: str, file: NoteFile, line: int, label: str) -> URIRef:
        """A person, community, organisation or lexicon by name; minted (and described) if
        new."""
        try:
            found = self.resolver.find(kind, name)
        except Ambiguous as error:
            raise MarkdownError(file.label, line, str(error)) from error
        if found is not None:
            return found
        thing = self.resolver.mint(kind, name)
        graph = self.resolver.edit(thing, label)
        if kind == "person":
            typed(graph, thing, CKG.Person, FOAF.Person).add((thing, FOAF.name, Literal(name)))
        elif kind == "organisation":
            typed(graph, thing, CKG.Organisation).add((thing, FOAF.name, Literal(name)))
        else:
            typed(graph, thing, {"community": CKG.Community, "lexicon": CKG.Lexicon}[kind])
            graph.add((thing, DCTERMS.title, Literal(name, lang=self.lang(file))))
        return thing

    def lang(self, file: NoteFile) -> str:
        return str(file.meta.get("language") or self.options.language)

    # --- descriptions ---------------------------------------------------------------------
    def describe(self, file: NoteFile) -> None:
        graph = self.resolver.edit(file.iri, file.label)
        graph.remove((None, None, None))  # the file is the whole description
        thing, lang = file.iri, self.lang(file)
        typed(graph, thing, *CLASS_OF_KIND[file.kind])
        titles = _texts(file, "title", lang)
        if not titles and file.kind != "term":
            titles = [Literal(file.path.stem, lang=lang)]
        for title in titles:
            graph.add((thing, DCTERMS.title, title))
        for description in _texts(file, "description", lang):
            graph.add((thing, DCTERMS.description, description))
        graph.add((thing, DCTERMS.language, Literal(lang)))
        self.common(file, graph)
        if file.kind == "notebook":
            self.notebook(file, graph)
        else:
            if file.body:
                graph.add((thing, CKG.body, Literal(self.links(file, graph), lang=lang)))
            if "media" in file.meta:
                add_media(graph, thing, file.meta["media"], lang,
                          lambda name: _licence_named(file, name),
                          lambda problem: file.fail("media", problem))
            if file.kind == "term":
                self.term(file, graph)

    def common(self, file: NoteFile, graph: Graph) -> None:
        thing, label = file.iri, file.label
        visibility = file.meta.get("visibility", "private")
        if visibility not in VISIBILITY:
            raise file.fail("visibility", f"visibility: {visibility!r} is not one of "
                                          + ", ".join(VISIBILITY))
        graph.add((thing, CKG.visibility, VISIBILITY[visibility]))
        readers = _list(file, "visible_to")
        if visibility == "community" and not readers:
            raise file.fail("visibility", "a community visibility needs visible_to: the "
                                          "communities that may read it")
        for name, line in readers:
            graph.add((thing, CKG.visibleTo, self.named("community", name, file, line, label)))
        graph.add((thing, DCTERMS.license, _licence(file, self.options.license)))
        issued = _moment(file, "issued", self.options)
        modified = _moment(file, "modified", self.options) or issued
        if issued is None and file.kind != "notebook":
            raise file.fail(1, "no issued date in the front matter (issued: 2024-03-01)")
        for prop, value in ((DCTERMS.issued, issued), (DCTERMS.modified, modified)):
            if value is not None:
                graph.add((thing, prop, value))
        for key, prop, kind in (("authors", DCTERMS.creator, "person"),
                                ("communities", CKG.linkedCommunity, "community"),
                                ("organisations", CKG.linkedOrganisation, "organisation")):
            for name, line in _list(file, key):
                graph.add((thing, prop, self.named(kind, name, file, line, label)))

    def links(self, file: NoteFile, graph: Graph) -> str:
        """The body with its wiki links made Markdown links to their targets' IRIs (a link to
        a file of this import that is not public becomes its text alone), and the
        related-note/term/notebook statements they stand for added to ``graph`` (the publish
        policy drops those to non-public targets). Links in code (fenced, indented, inline)
        are text, not links."""
        lines = file.body.split("\n")
        in_code = set()
        for token in _markdown.parse(file.body):
            if token.type in ("fence", "code_block") and token.map:
                in_code.update(range(*token.map))
        for index, line in enumerate(lines):
            if index in in_code or "[[" not in line:
                continue
            number = file.body_line + index
            spans = [m.span() for m in CODE_SPAN.finditer(line)]

            def rewrite(match: re.Match, number=number, spans=spans) -> str:
                if any(start <= match.start() < end for start, end in spans):
                    return match.group(0)
                kind, target = self.target(file, match["target"], number)
                if target != file.iri:
                    graph.add((file.iri, LINK_PROPERTY[kind], target))
                shown = (match["shown"] or match["target"]).strip()
                if target in self.hidden:  # text only: no IRI of a withheld resource
                    return shown
                return f"[{shown}]({target})"

            lines[index] = WIKI_LINK.sub(rewrite, line)
        return "\n".join(lines)

    def term(self, file: NoteFile, graph: Graph) -> None:
        thing, lang = file.iri, self.lang(file)
        labels = (_texts(file, "labels", lang) or _texts(file, "title", lang)
                  or [Literal(file.path.stem, lang=lang)])
        for label in labels:
            graph.add((thing, SKOS.prefLabel, label))
        for label in _texts(file, "alt_labels", lang):
            graph.add((thing, SKOS.altLabel, label))
        for definition in _texts(file, "definition", lang):
            graph.add((thing, SKOS.definition, definition))
        for key, prop in (("broader", SKOS.broader), ("narrower", SKOS.narrower),
                          ("related", SKOS.related)):
            for text, line in _list(file, key):
                kind, target = self.target(file, text.strip("[]"), line)
                if kind != "term":
                    raise MarkdownError(file.label, line, f"{key}: {text!r} is a {kind}, "
                                                          "not a term")
                graph.add((thing, prop, target))
        for key, prop in MAPPINGS.items():
            for iri, _line in _list(file, key):
                graph.add((thing, prop, URIRef(iri)))
        for name, line in _list(file, "lexicon"):
            lexicon = self.named("lexicon", name, file, line, file.label)
            graph.add((thing, SKOS.inScheme, lexicon))
            if not file.meta.get("broader"):
                graph.add((thing, SKOS.topConceptOf, lexicon))
                if self.resolver.is_new(lexicon):  # a stored lexicon is left as it is
                    self.resolver.edit(lexicon, file.label).add(
                        (lexicon, SKOS.hasTopConcept, thing))

    def notebook(self, file: NoteFile, graph: Graph) -> None:
        thing, lang = file.iri, self.lang(file)
        if file.body:
            if "description" in file.meta:
                raise MarkdownError(file.label, file.body_line, "a notebook's body is its "
                                    "description, and the front matter has one already")
            graph.add((thing, DCTERMS.description, Literal(file.body, lang=lang)))
        for key, prop in (("summary", CKG.summaryNote),
                          ("table_of_contents", CKG.tableOfContentsNote),
                          ("references", CKG.referencesNote)):
            for text, line in _list(file, key):
                graph.add((thing, prop, self.note(file, text, line, key)))
        entries = file.meta.get("notes") or []
        if not isinstance(entries, list):
            raise file.fail("notes", "notes: expected a list of notes, in order")
        known = self.resolver.categories(thing) if self.resolver.exists(thing) else set()
        categories: dict[str, URIRef] = {}
        used: set[str] = set()
        for position, entry in enumerate(entries, start=1):
            line = file.line(("notes", position - 1), file.line("notes"))
            entry = {"note": entry} if isinstance(entry, str) else entry
            if not isinstance(entry, dict) or "note" not in entry:
                raise MarkdownError(file.label, line, "a notes: entry is a note, or a mapping "
                                                      "with note: and optional category:, "
                                                      "section:, integrated_by:, "
                                                      "integrated_at:")
            unknown = sorted(set(entry) - ENTRY_KEYS)
            if unknown:
                raise MarkdownError(file.label, line, f"unknown key {unknown[0]!r} in a notes: "
                                    f"entry; known: {', '.join(sorted(ENTRY_KEYS))}")
            note = self.note(file, str(entry["note"]), line, "notes")
            stem = f"m-{self.resolver.ids.parse_thing(note).key}"
            if stem in used:
                raise MarkdownError(file.label, line, f"{entry['note']!r} is listed twice")
            used.add(stem)
            membership = URIRef(f"{thing}#{stem}")
            graph.add((thing, CKG.hasMembership, membership))
            typed(graph, membership, CKG.Membership)
            graph.add((membership, CKG.member, note))
            graph.add((membership, CKG.position, Literal(position)))
            section = entry.get("section")
            if isinstance(section, float):
                raise MarkdownError(file.label, line, f"section: {section} must be quoted "
                                    f"(section: \"{section}\") so that YAML keeps it as written")
            if section is not None:
                graph.add((membership, CKG.sectionNumber, Literal(str(section))))
            if entry.get("category") is not None:
                name = str(entry["category"])
                if name not in categories:
                    categories[name] = self.category(file, name, known, line)
                graph.add((thing, CKG.hasCategory, categories[name]))
                graph.add((membership, CKG.category, categories[name]))
            if entry.get("integrated_by") is not None:
                person = self.named("person", str(entry["integrated_by"]), file, line,
                                    file.label)
                graph.add((membership, CKG.integratedBy, person))
            if entry.get("integrated_at") is not None:
                try:
                    moment = dates.parse_any(entry["integrated_at"], self.options.tz)
                except ValueError as error:
                    raise MarkdownError(file.label, line, f"integrated_at: {error}") from error
                graph.add((membership, CKG.integratedAt, dates.as_literal(moment)))

    def note(self, file: NoteFile, text: str, line: int, key: str) -> URIRef:
        kind, target = self.target(file, text.strip().removeprefix("[[").removesuffix("]]"),
                                   line)
        if kind != "note":
            raise MarkdownError(file.label, line, f"{key}: {text!r} is a {kind}, not a note")
        return target

    def category(self, file: NoteFile, name: str, known: set[URIRef], line: int) -> URIRef:
        """A category of the notebook: the stored one of that title, else a new one."""
        try:
            category = self.resolver.find("category", name, known)
        except Ambiguous as error:
            raise MarkdownError(file.label, line, str(error)) from error
        category = category or self.resolver.mint("category", name)
        fresh = typed(Graph(), category, CKG.Category)
        fresh.add((category, DCTERMS.title, Literal(name, lang=self.lang(file))))
        fresh.add((category, CKG.categoryOf, file.iri))
        merge(self.resolver.edit(category, file.label), category, fresh,
              {DCTERMS.title, CKG.categoryOf}, {RDF.type})
        return category


def read(files: list[Path], resolver: Resolver, options: ImportOptions,
         advance: Callable[[int], None] = lambda _: None) -> list[SourceFile]:
    """Import a set of Markdown files (wiki links may point anywhere in the set)."""
    root = Path(os.path.commonpath([p.resolve().parent for p in files])) if files else Path()
    parsed = []
    for path in files:
        ref = path.resolve().relative_to(root).with_suffix("").as_posix()
        parsed.append(read_file(path, options.label(path), ref))
    batch = _Batch(parsed, resolver, options)
    for file in parsed:
        batch.describe(file)
        advance(1)
    return resolver.sources()
