"""Importers (docs/import.md): Praxis note pages, Markdown notes, JSON-LD with our context.

Each goes the one write path (split, SHACL, publish policy, one transaction); the command is
also run as a real process, as a user runs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
from datetime import date, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from carnet_kg import importers, pipeline
from carnet_kg.identifiers import Identifiers
from carnet_kg.importers import jsonld, markdown_notes, praxis_page
from carnet_kg.importers.options import ImportOptions
from carnet_kg.importers.praxis_page import Located, PageError
from carnet_kg.importers.resolve import Resolver, slugify
from carnet_kg.ingest import IngestError
from carnet_kg.namespaces import CKG
from carnet_kg.web import create_app

from .backends import engine_env
from .conftest import BASE, SAMPLE

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "praxis" / "autonomie-du-groupe.txt"  # the real page (data/README.md)
MARKDOWN = FIXTURES / "markdown"
NOTEBOOK_TITLE = ("La communauté de pratique comme stratégie de transfert de connaissances "
                  "dans le champ de l’innovation sociale")
NOTE_TITLE = "Une réelle autonomie du groupe dans la réalisation du mandat"
DATETIME = URIRef("http://www.w3.org/2001/XMLSchema#dateTime")
SAMPLE_TERMS = ["communaute-de-pratique", "noyau-de-membres-actifs", "autonomie", "autogestion",
                "mandat", "leadership", "engagement", "participation", "structure",
                "cooperation"]


def iri(path: str) -> URIRef:
    return URIRef(BASE + path)


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def run_import(fmt: str, paths: list, settings, store, **options) -> pipeline.LoadReport:
    """What ``carnet-kg import`` does, in process."""
    files = importers.list_files(fmt, paths)
    sources = importers.read_sources(fmt, files, ImportOptions(settings.base, **options), store)
    checked = pipeline.check_sources(sources, settings, store, None, len(files))
    return pipeline.publish(checked, settings, store)


def page_file(tmp_path: Path, text: str, name: str = "page.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.fixture
def run(tmp_path: Path):
    env = {**os.environ, "CARNET_KG_BASE": BASE, "CARNET_KG_STORE": str(tmp_path / "store"),
           **engine_env(tmp_path / "store"),
           "CARNET_KG_CONFIG": ""}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "carnet_kg.cli", *args],
                              capture_output=True, text=True, env=env, cwd=tmp_path,
                              timeout=120)

    return run


def test_cli_formats_are_the_registry():
    from carnet_kg.cli import main

    command = main.commands["import"]
    assert list(command.params[0].type.choices) == list(importers.FORMATS)


def test_slugs():
    assert slugify("Joël Nadeau") == "joel-nadeau"
    assert slugify("l’innovation sociale — Œuvre") == "l-innovation-sociale-oeuvre"
    assert slugify("  Résultats!! ") == "resultats"
    assert slugify("???") == "sans-titre"
    assert len(slugify("mot " * 60)) <= 100


# --- praxis-page ---------------------------------------------------------------------------

def test_page_is_read_field_by_field():
    page = praxis_page.parse(seed_text(), "seed.txt")
    assert page.title == Located(NOTE_TITLE, 1) and page.section == "4.5"
    assert page.notebook == Located(NOTEBOOK_TITLE, 4)
    assert page.notebook_description.startswith("Un mémoire qui propose un regard critique")
    assert page.notebook_description.endswith("communautés de pratique (CdP).")
    assert page.notebook_size == 65
    assert page.next_note == ("4.6", Located("Du temps suffisant pour les activités", 21))
    assert page.integrated_by == Located("Joël Nadeau", 33)
    assert page.integrated_at == (date(2023, 12, 6), time(10, 18), 33)
    assert page.category == Located("Résultats", 35)
    assert [c.text for c in page.communities] == ["Animation de communauté de pratique",
                                                  "Communauté Passerelles"]
    assert [o.text for o in page.organisations] == ["En commun"]
    assert page.authors == page.related_notes == page.related_terms == []
    assert page.related_notebooks == []
    assert page.published == (date(2023, 12, 6), None, 53)
    assert page.modified == (date(2023, 12, 6), time(17, 40), 57)
    assert page.visibility == (CKG.Public, 63)
    paragraphs = page.body.split("\n\n")
    assert len(paragraphs) == 7
    assert paragraphs[0].startswith("Les CdP 1 et 2 (présentation des cas)")
    assert paragraphs[-1].endswith("lorsqu’une structure minimale est définie.")  # no nbsp
    assert "CdP\u00a03" in page.body and "CdP\u00a04 et 5" in page.body


def test_seed_page_gives_the_sample_note(settings, loaded_store):
    """The issue's test: the page imported into a store holding the sample is the sample's
    note, for every fact the page carries; the sample's other facts are listed."""
    sample = Graph()
    for name in ("notes.ttl", "notebook.ttl"):
        sample.parse(SAMPLE / "sample" / name, format="turtle", publicID=BASE)
    note = iri("id/note/autonomie-du-groupe")
    notebook = iri("id/notebook/cdp-transfert-connaissances")
    membership = URIRef(f"{notebook}#m-4-5")
    page = praxis_page.parse(seed_text(), "seed.txt")
    resolver = Resolver(Identifiers(BASE), loaded_store)
    described = praxis_page.describe(page, resolver, ImportOptions(BASE))
    assert (described.note, described.notebook, described.membership) == (
        note, notebook, membership)
    assert described.new == set()  # every name resolved to the sample's resources

    from_page = set(described.fresh[note])
    in_sample = set(sample.triples((note, None, None)))
    # every fact the page carries, one by one
    fr = "fr"
    expected = {
        (note, RDF.type, CKG.GeneralNote),
        (note, DCTERMS.title, Literal(NOTE_TITLE, lang=fr)),
        (note, CKG.body, sample.value(note, CKG.body)),
        (note, DCTERMS.language, Literal("fr")),
        (note, CKG.visibility, CKG.Public),
        (note, DCTERMS.issued, Literal("2023-12-06T10:18:00-05:00", datatype=DATETIME)),
        (note, DCTERMS.modified, Literal("2023-12-06T17:40:00-05:00", datatype=DATETIME)),
        (note, CKG.linkedCommunity, iri("id/community/animation-communaute-de-pratique")),
        (note, CKG.linkedCommunity, iri("id/community/passerelles")),
        (note, CKG.linkedOrganisation, iri("id/organisation/en-commun")),
        # not on the page: --license, whose default is the sample's assumption (CC BY 4.0)
        (note, DCTERMS.license, URIRef("http://creativecommons.org/licenses/by/4.0/")),
    }
    assert from_page == expected
    assert from_page <= in_sample
    # the sample's facts that are not on the page (data/README.md, docs/import.md)
    not_on_page = {
        (note, DCTERMS.title,
         Literal("Genuine group autonomy in carrying out the mandate", lang="en")),
        (note, CKG.relatedNote, iri("id/note/brouillon-questions-autonomie")),
        *((note, CKG.relatedTerm, iri(f"id/term/{key}")) for key in SAMPLE_TERMS),
    }
    assert in_sample - from_page == not_on_page
    # the membership: section, category, integration, and the sample's position kept
    assert set(described.fresh[notebook].triples((membership, None, None))) == set(
        sample.triples((membership, None, None)))
    assert (membership, CKG.integratedBy, iri("id/person/joel-nadeau")) in sample
    assert set(described.fresh[notebook]) <= set(sample)

    before = loaded_store.graph(iri("doc/note/autonomie-du-groupe"))
    report = run_import("praxis-page", [SEED], settings, loaded_store)
    assert (report.resources, report.written, report.unchanged) == (2, 0, 2)
    assert isomorphic(loaded_store.graph(iri("doc/note/autonomie-du-groupe")), before)


def test_seed_page_into_an_empty_store_mints_everything(settings, store):
    report = run_import("praxis-page", [SEED], settings, store)
    assert (report.published, report.written) == (7, 7)
    note = iri("id/note/une-reelle-autonomie-du-groupe-dans-la-realisation-du-mandat")
    key = slugify(NOTEBOOK_TITLE)
    notebook = iri(f"id/notebook/{key}")
    assert key.startswith("la-communaute-de-pratique-comme-strategie")
    graph = store.graph(iri(f"doc/note/{note.rsplit('/', 1)[1]}"))
    assert graph.value(note, DCTERMS.title) == Literal(NOTE_TITLE, lang="fr")
    assert len(str(graph.value(note, CKG.body)).split("\n\n")) == 7
    assert str(graph.value(note, DCTERMS.issued)) == "2023-12-06T10:18:00-05:00"
    assert set(graph.objects(note, CKG.linkedCommunity)) == {
        iri("id/community/animation-de-communaute-de-pratique"),
        iri("id/community/communaute-passerelles")}
    book = store.graph(iri(f"doc/notebook/{key}"))
    membership = URIRef(f"{notebook}#m-4-5")
    assert book.value(membership, CKG.position) == Literal(1)
    assert book.value(membership, CKG.sectionNumber) == Literal("4.5")
    assert book.value(membership, CKG.category) == iri("id/category/resultats")
    assert book.value(notebook, CKG.visibility) == CKG.Public  # assumed for a new notebook
    assert str(book.value(notebook, DCTERMS.description)).startswith("Un mémoire")
    category = store.graph(iri("doc/category/resultats"))
    assert (iri("id/category/resultats"), CKG.categoryOf, notebook) in category
    person = store.graph(iri("doc/person/joel-nadeau"))
    assert person.value(iri("id/person/joel-nadeau"), FOAF.name) == Literal("Joël Nadeau")
    again = run_import("praxis-page", [SEED], settings, store)
    assert (again.resources, again.written) == (2, 0)  # now resolved by name, not minted


def test_changed_page_replaces_its_facts_and_keeps_the_others(settings, loaded_store):
    text = seed_text().replace("6 décembre 2023 17:40", "7 décembre 2023 09:05")
    report = run_import("praxis-page", [page_file(settings_dir(settings), text)], settings,
                        loaded_store)
    assert (report.written, report.unchanged) == (1, 1)
    note = iri("id/note/autonomie-du-groupe")
    graph = loaded_store.graph(iri("doc/note/autonomie-du-groupe"))
    assert str(graph.value(note, DCTERMS.modified)) == "2023-12-07T09:05:00-05:00"
    assert len(set(graph.objects(note, CKG.relatedTerm))) == 10  # link lists are added to
    assert Literal("Genuine group autonomy in carrying out the mandate", lang="en") in set(
        graph.objects(note, DCTERMS.title))


def settings_dir(settings) -> Path:
    folder = Path(settings.store).parent / "pages"
    folder.mkdir(exist_ok=True)
    return folder


LISTS = """note Note(s) liée(s)

Du temps suffisant pour les activités

bookmark Terme(s) relié(s)

autonomie

mandat

padding Carnet(s) relié(s)

Pratiques d'animation (carnet d'exemple)

file_copy 65 notes"""


def test_page_lists_resolve_to_existing_resources(settings, loaded_store):
    text = seed_text().replace(
        "note Note(s) liée(s)\n\nbookmark Terme(s) relié(s)\n\npadding Carnet(s) relié(s)\n\n"
        "file_copy 65 notes", LISTS, 1).replace(
        "Auteur·trice(s) de note\n", "Auteur·trice(s) de note\n\nCamille Exemple\n")
    page = praxis_page.parse(text, "p.txt")
    assert [n.text for n in page.related_terms] == ["autonomie", "mandat"]
    assert [a.text for a in page.authors] == ["Camille Exemple"]
    run_import("praxis-page", [page_file(settings_dir(settings), text)], settings, loaded_store)
    note = iri("id/note/autonomie-du-groupe")
    graph = loaded_store.graph(iri("doc/note/autonomie-du-groupe"))
    assert iri("id/note/temps-suffisant-pour-les-activites") in set(
        graph.objects(note, CKG.relatedNote))
    assert {iri("id/term/autonomie"), iri("id/term/mandat")} <= set(
        graph.objects(note, CKG.relatedTerm))
    assert graph.value(note, CKG.relatedNotebook) == iri("id/notebook/pratiques-d-animation")
    assert graph.value(note, DCTERMS.creator) == iri("id/person/camille-exemple")


def test_unknown_related_note_is_an_error_with_its_line(settings, loaded_store):
    text = seed_text().replace("note Note(s) liée(s)\n", "note Note(s) liée(s)\n\nNulle part\n")
    path = page_file(settings_dir(settings), text, "related.txt")
    with pytest.raises(PageError) as error:
        run_import("praxis-page", [path], settings, loaded_store)
    assert f"related.txt:{line_of(text, 'Nulle part')}: related note 'Nulle part'" in str(
        error.value)


def next_page() -> str:
    """A FICTIONAL page 4.6 of the same notebook (the body is invented for the test)."""
    text = seed_text()
    body_start = text.index("Les CdP 1 et 2")
    body_end = text.index("Suite : ")
    text = text[:body_start] + "Texte fictif de la note 4.6.\n\n" + text[body_end:]
    return text.replace(f"4.5. {NOTE_TITLE}", "4.6. Du temps suffisant pour les activités", 1)


def test_two_pages_of_one_new_notebook_in_one_batch(settings, store):
    folder = settings_dir(settings)
    pages = [page_file(folder, seed_text(), "a.txt"), page_file(folder, next_page(), "b.txt")]
    report = run_import("praxis-page", [folder], settings, store)
    assert report.files == 2
    key = slugify(NOTEBOOK_TITLE)
    book = store.graph(iri(f"doc/notebook/{key}"))
    notebook = iri(f"id/notebook/{key}")
    order = sorted((int(book.value(m, CKG.position)), str(book.value(m, CKG.sectionNumber)))
                   for m in book.objects(notebook, CKG.hasMembership))
    assert order == [(1, "4.5"), (2, "4.6")]
    assert len(set(book.objects(notebook, CKG.hasCategory))) == 1  # one "Résultats"
    assert len(pages) == 2 and not store.has_resource(iri("id/category/resultats-2"))


def test_community_only_page_is_withheld(settings, store):
    text = seed_text().replace("lock_open public", "group Communauté")
    report = run_import("praxis-page", [page_file(settings_dir(settings), text)], settings,
                        store)
    assert report.withheld_by_kind["note"] == 1
    assert not store.has_resource(
        iri("id/note/une-reelle-autonomie-du-groupe-dans-la-realisation-du-mandat"))
    page = praxis_page.parse(text, "p.txt")
    described = praxis_page.describe(page, Resolver(Identifiers(BASE), None),
                                     ImportOptions(BASE))
    readers = set(described.fresh[described.note].objects(described.note, CKG.visibleTo))
    assert len(readers) == 2


def test_timezone_option(settings, store):
    run_import("praxis-page", [SEED], settings, store, timezone="Europe/Paris")
    graph = store.graph(iri("doc/note/une-reelle-autonomie-du-groupe-dans-la-realisation-du-"
                            "mandat"))
    assert {str(v) for v in graph.objects(None, DCTERMS.modified)} == {
        "2023-12-06T17:40:00+01:00"}
    with pytest.raises(ValueError, match="unknown time zone"):
        ImportOptions(BASE, timezone="Mars/Olympus")


def test_page_without_title_line_is_an_error():
    text = seed_text().split("\n", 2)[2]  # the title line and the blank line after it gone
    with pytest.raises(PageError) as error:
        praxis_page.parse(text, "sans-titre.txt")
    assert str(error.value).startswith("sans-titre.txt:1: no title line")


def test_unparseable_french_date_is_an_error_with_file_and_line(settings, store):
    text = seed_text().replace("6 décembre 2023 17:40", "6 décembrr 2023 17:40")
    path = page_file(settings_dir(settings), text, "date.txt")
    with pytest.raises(PageError) as error:
        run_import("praxis-page", [path], settings, store)
    assert f"date.txt:{line_of(text, 'décembrr')}: unparseable date" in str(error.value)
    assert store.is_empty()


def test_cli_imports_a_page_like_load(run, tmp_path):
    assert run("load", str(SAMPLE)).returncode == 0
    result = run("import", "praxis-page", str(SEED))
    assert result.returncode == 0, result.stderr
    assert "reading: 1/1" in result.stderr and "validating 2 resource(s)" in result.stderr
    assert "read 1 file(s): 2 resource(s)" in result.stdout
    assert "wrote 0 graph(s), 2 unchanged" in result.stdout


def test_cli_dry_run_writes_nothing(run, tmp_path):
    result = run("import", "--dry-run", "praxis-page", str(SEED))
    assert result.returncode == 0, result.stderr
    assert "conforms" in result.stdout and "would publish 7" in result.stdout
    assert not (tmp_path / "store").exists()
    assert run("load", str(SAMPLE)).returncode == 0
    changed = page_file(tmp_path, seed_text().replace("17:40", "18:00"))
    assert run("import", "--dry-run", "praxis-page", str(changed)).returncode == 0
    modified = run("query", "SELECT ?m WHERE { <" + BASE + "id/note/autonomie-du-groupe> "
                   "<http://purl.org/dc/terms/modified> ?m }")
    assert "17:40" in modified.stdout


def test_cli_bad_page_names_file_and_line(run, tmp_path):
    text = seed_text().replace("6 décembre 2023 17:40", "le 6 du mois")
    bad = page_file(tmp_path, text, "bad.txt")
    result = run("import", "praxis-page", str(bad))
    assert result.returncode != 0
    assert f"bad.txt:{line_of(text, 'le 6 du mois')}: unparseable date" in result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr


# --- markdown ------------------------------------------------------------------------------

def test_markdown_notebook_publishes_in_order_with_links(settings, store):
    report = run_import("markdown", [MARKDOWN], settings, store)
    assert report.files == 7
    assert report.withheld_by_kind == {"note": 1}
    notebook = iri("id/notebook/carnet-jardin")
    book = store.graph(iri("doc/notebook/carnet-jardin"))
    rows = sorted(
        (int(book.value(m, CKG.position)), book.value(m, CKG.member).rsplit("/", 1)[1],
         str(store.graph(iri(f"doc/category/{book.value(m, CKG.category).rsplit('/', 1)[1]}"))
             .value(book.value(m, CKG.category), DCTERMS.title)),
         str(book.value(m, CKG.sectionNumber)))
        for m in book.objects(notebook, CKG.hasMembership))
    assert rows == [(1, "semis-au-printemps", "Pratiques", "1.1"),
                    (2, "compost", "Pratiques", "1.2"),
                    (4, "bilan-de-saison", "Bilan", "2.1")]  # 3: the private draft, dropped
    assert book.value(notebook, CKG.summaryNote) == iri("id/note/bilan-de-saison")
    assert not store.has_resource(iri("id/note/brouillon-budget"))

    def note(key: str) -> Graph:
        return store.graph(iri(f"doc/note/{key}"))

    semis, compost, bilan = (note(k) for k in ("semis-au-printemps", "compost",
                                               "bilan-de-saison"))
    s, c, b = (iri(f"id/note/{k}") for k in ("semis-au-printemps", "compost",
                                             "bilan-de-saison"))
    assert set(semis.objects(s, CKG.relatedNote)) == {c}
    assert set(semis.objects(s, CKG.relatedTerm)) == {iri("id/term/amendement")}
    assert set(compost.objects(c, CKG.relatedNote)) == {s}  # [[Semis au printemps]]: a title
    assert set(compost.objects(c, CKG.relatedTerm)) == {iri("id/term/fumier")}
    assert set(bilan.objects(b, CKG.relatedNote)) == {s}  # the private target's link dropped
    body = str(semis.value(s, CKG.body))
    assert f"[amendements]({BASE}id/term/amendement)" in body
    assert "[[ceci-n-est-pas-un-lien]]" in body  # in a code block: text
    assert "`[[pas un lien]]`" in str(compost.value(c, CKG.body))
    assert "brouillon-budget" not in str(bilan.value(b, CKG.body)).replace(
        "(brouillon-budget)", "")
    assert "id/note/brouillon-budget" not in str(bilan.value(b, CKG.body))
    assert str(bilan.value(b, DCTERMS.issued)) == "2024-04-15T17:30:00-04:00"
    assert bilan.value(b, DCTERMS.license) == URIRef(
        "http://creativecommons.org/licenses/by-sa/4.0/")
    assert semis.value(s, DCTERMS.creator) == iri("id/person/camille-exemple")
    fumier = store.graph(iri("doc/term/fumier"))
    term = iri("id/term/fumier")
    assert fumier.value(term, SKOS.broader) == iri("id/term/amendement")
    assert set(fumier.objects(term, SKOS.prefLabel)) == {Literal("fumier", lang="fr"),
                                                        Literal("manure", lang="en")}
    lexicon = iri("id/lexicon/lexique-du-jardin")
    assert fumier.value(term, SKOS.inScheme) == lexicon
    assert set(store.graph(iri("doc/lexicon/lexique-du-jardin")).objects(
        lexicon, SKOS.hasTopConcept)) == {iri("id/term/amendement")}


def test_markdown_media_are_kept(settings, store):
    from carnet_kg.namespaces import SCHEMA

    run_import("markdown", [MARKDOWN], settings, store)
    compost = store.graph(iri("doc/note/compost"))
    note = iri("id/note/compost")
    image, document = iri("id/note/compost#media-1"), iri("id/note/compost#media-2")
    assert set(compost.objects(note, SCHEMA.associatedMedia)) == {image, document}
    assert (image, RDF.type, SCHEMA.ImageObject) in compost
    assert set(compost.objects(image, CKG.altText)) == {
        Literal("Le bac à compost du jardin", lang="fr"),
        Literal("The garden's compost bin", lang="en")}
    assert compost.value(image, SCHEMA.creditText) == Literal("Camille Exemple")
    assert compost.value(image, SCHEMA.license) == URIRef(
        "http://creativecommons.org/licenses/by/4.0/")
    assert (document, RDF.type, SCHEMA.MediaObject) in compost
    assert int(compost.value(document, URIRef("http://www.w3.org/ns/dcat#byteSize"))) == 1250000


def test_markdown_image_without_alt_text_is_refused(settings, store, tmp_path):
    folder = tmp_path / "notes"
    shutil.copytree(MARKDOWN, folder)
    compost = folder / "notes" / "compost.md"
    compost.write_text(compost.read_text(encoding="utf-8").replace(
        "    alt: {fr: Le bac à compost du jardin, en: The garden's compost bin}\n", ""),
        encoding="utf-8")
    with pytest.raises(pipeline.LoadFailed, match="alternative text"):
        run_import("markdown", [folder], settings, store)
    assert store.is_empty()


def test_markdown_reimport_changes_nothing(settings, store):
    run_import("markdown", [MARKDOWN], settings, store)
    again = run_import("markdown", [MARKDOWN], settings, store)
    assert again.written == 0 and again.unchanged == again.published


def copy_fixture(tmp_path: Path) -> Path:
    folder = tmp_path / "vault"
    shutil.copytree(MARKDOWN, folder)
    return folder


def test_broken_wiki_link_is_an_error_with_file_and_line(settings, store, tmp_path):
    folder = copy_fixture(tmp_path)
    path = folder / "notes" / "compost.md"
    text = path.read_text(encoding="utf-8") + "\nVoir aussi [[inexistante|une note]].\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError) as error:
        run_import("markdown", [folder], settings, store)
    message = str(error.value)
    assert f"compost.md:{line_of(text, '[[inexistante')}: broken wiki link [[inexistante]]" \
        in message
    assert store.is_empty()


@pytest.mark.parametrize("change, needle, problem", [
    (("title: Un compost collectif", "titel: Un compost collectif"), "titel",
     "unknown key 'titel'"),
    (("issued: 2024-03-05T18:00:00-05:00", "issued: 35 mars 2024"), "issued",
     "impossible date"),
    (("visibility: public", "visibility: publique"), "visibility", "is not one of"),
])
def test_front_matter_errors_name_the_line(settings, store, tmp_path, change, needle, problem):
    folder = copy_fixture(tmp_path)
    path = folder / "notes" / "compost.md"
    text = path.read_text(encoding="utf-8").replace(*change)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError) as error:
        run_import("markdown", [folder], settings, store)
    assert f"compost.md:{line_of(text, needle)}: " in str(error.value)
    assert problem in str(error.value)


def test_unquoted_section_number_is_refused(settings, store, tmp_path):
    folder = copy_fixture(tmp_path)
    path = folder / "carnet-jardin.md"
    text = path.read_text(encoding="utf-8").replace('section: "1.2"', "section: 1.20")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError, match="must be quoted"):
        run_import("markdown", [folder], settings, store)


def test_wiki_link_to_a_stored_note_by_title(settings, loaded_store, tmp_path):
    note = tmp_path / "renvoi.md"
    note.write_text("---\ntitle: Renvoi\nissued: 2024-05-01\nvisibility: public\n---\n"
                    "Voir [[Du temps suffisant pour les activités]] et [[autonomie]].\n",
                    encoding="utf-8")
    run_import("markdown", [note], settings, loaded_store)
    graph = loaded_store.graph(iri("doc/note/renvoi"))
    assert graph.value(iri("id/note/renvoi"), CKG.relatedNote) == iri(
        "id/note/temps-suffisant-pour-les-activites")
    assert graph.value(iri("id/note/renvoi"), CKG.relatedTerm) == iri("id/term/autonomie")


def test_markdown_file_is_read_with_its_lines(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("---\ntitle: X\nauthors:\n  - A\n  - B\n---\n\nCorps.\n", encoding="utf-8")
    file = markdown_notes.read_file(path, "x.md", "x")
    assert file.meta["title"] == "X" and file.body == "Corps."
    assert (file.line("title"), file.line(("authors", 1)), file.body_line) == (2, 5, 8)


def test_cli_imports_markdown(run):
    result = run("import", "markdown", str(MARKDOWN))
    assert result.returncode == 0, result.stderr
    assert "reading: 7/7" in result.stderr
    assert "withheld 1 non-public (1 note)" in result.stdout


# --- jsonld --------------------------------------------------------------------------------

def test_context_is_served(settings, loaded_store):
    client = create_app(settings, loaded_store).test_client()
    response = client.get("/context.jsonld")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    assert response.get_json(force=True) == json.loads(jsonld.CONTEXT_FILE.read_text("utf-8"))
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get("/context.jsonld", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_context_covers_the_model():
    context = jsonld.local_context()
    document = {"@context": context, "@id": f"{BASE}id/note/x", "type": "GeneralNote",
                "title": {"fr": "X"}, "issued": "2024-01-01T00:00:00Z", "visibility": "Public",
                "relatedTerm": [f"{BASE}id/term/y"], "position": 3}
    graph = jsonld.parse(json.dumps(document), BASE, "x.jsonld").graphs[None]
    x = iri("id/note/x")
    assert (x, RDF.type, CKG.GeneralNote) in graph
    assert (x, DCTERMS.title, Literal("X", lang="fr")) in graph
    assert (x, DCTERMS.issued, Literal("2024-01-01T00:00:00Z", datatype=DATETIME)) in graph
    assert (x, CKG.visibility, CKG.Public) in graph
    assert (x, CKG.relatedTerm, iri("id/term/y")) in graph
    assert (x, CKG.position, Literal(3)) in graph
    ontology = Graph().parse(Path(jsonld.CONTEXT_FILE).with_name("carnet.ttl"))
    declared = {str(s) for s in ontology.subjects(RDF.type, None) if str(s).startswith(CKG)}
    metadata_only = {str(CKG[n]) for n in ("checksum", "revision", "sourceFile", "withdrawnAt")}
    expanded = set()
    for value in context.values():
        target = value["@id"] if isinstance(value, dict) else value
        if isinstance(target, str) and target.startswith("ckg:"):
            expanded.add(str(CKG) + target[4:])
    assert declared - metadata_only <= expanded


@pytest.fixture
def listener():
    """A local HTTP server that records every request it receives."""
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            received.append(self.path)
            body = json.dumps({"@context": {"t": "http://purl.org/dc/terms/title"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/ctx.jsonld", received
    server.shutdown()
    server.server_close()


def test_remote_context_is_refused_and_never_fetched(listener):
    url, received = listener
    node = {"@id": f"{BASE}id/note/x", "t": "X"}
    documents = [
        {"@context": url, **node},
        {"@context": [jsonld.CONTEXT_URL, url], **node},
        {"@context": jsonld.CONTEXT_URL, "@graph": [{"@context": url, **node}]},
        {"@context": {"@import": url}, **node},
        {"@context": {"t": {"@id": "http://purl.org/dc/terms/title", "@context": url}}, **node},
        [{"@context": url, **node}],
    ]
    for document in documents:
        with pytest.raises(jsonld.RemoteContextRefused) as error:
            jsonld.parse(json.dumps(document, indent=1), BASE, "remote.jsonld")
        assert str(error.value).startswith("remote.jsonld:")
        assert url in str(error.value)
    assert received == []  # the listener was never asked
    with urllib.request.urlopen(url, timeout=5) as response:  # and it does answer
        assert response.status == 200
    assert received == ["/ctx.jsonld"]


@pytest.mark.parametrize("context", [
    jsonld.CONTEXT_URL,
    f"{BASE}context.jsonld",
    "context.jsonld",  # relative: resolves against BASE
    [jsonld.CONTEXT_URL, {"dc": "http://purl.org/dc/terms/"}],
    {"@import": jsonld.CONTEXT_URL, "headline": "http://purl.org/dc/terms/title"},
])
def test_our_context_is_substituted_locally(context):
    document = {"@context": context, "@id": "id/note/x", "type": "GeneralNote",
                "title": {"fr": "X"}}
    graph = jsonld.parse(json.dumps(document), BASE, "ours.jsonld").graphs[None]
    assert (iri("id/note/x"), DCTERMS.title, Literal("X", lang="fr")) in graph
    assert (iri("id/note/x"), RDF.type, CKG.GeneralNote) in graph


@pytest.mark.parametrize("kind, key", [
    ("note", "autonomie-du-groupe"), ("notebook", "cdp-transfert-connaissances"),
    ("term", "communaute-de-pratique"), ("person", "joel-nadeau"),
])
def test_jsonld_round_trip(loaded_store, kind, key):
    stored = loaded_store.graph(iri(f"doc/{kind}/{key}"))
    assert len(stored) > 2
    text = jsonld.serialize(stored)
    assert json.loads(text)["@context"] == jsonld.CONTEXT_URL
    source = jsonld.parse(text, BASE, f"{key}.jsonld")
    assert isomorphic(source.graphs[None], stored)


def test_invalid_json_names_the_line():
    with pytest.raises(IngestError, match=r"^bad\.jsonld:3: not valid JSON"):
        jsonld.parse('{\n "@id": "x",\n oops\n}', BASE, "bad.jsonld")


def test_cli_imports_jsonld(run, tmp_path):
    sample = Graph().parse(SAMPLE / "sample" / "notes.ttl", publicID=BASE)
    note = Graph()
    for triple in sample.triples((iri("id/note/temps-suffisant-pour-les-activites"), None,
                                  None)):
        note.add(triple)
    document = json.loads(jsonld.serialize(note))
    document["title"]["fr"] = "Du temps suffisant pour les activités (révisé)"
    path = tmp_path / "note.jsonld"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert run("load", str(SAMPLE)).returncode == 0
    result = run("import", "jsonld", str(path))
    assert result.returncode == 0, result.stderr
    assert "wrote 1 graph(s)" in result.stdout
    title = run("query", "SELECT ?t WHERE { <" + BASE + "id/note/temps-suffisant-pour-les-"
                "activites> <http://purl.org/dc/terms/title> ?t FILTER(LANG(?t) = 'fr') }")
    assert "(révisé)" in title.stdout
