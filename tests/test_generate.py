"""bench/generate.py: the generated knowledge base is valid, deterministic, skewed as promised,
and loads with only its public notes published."""

from __future__ import annotations

import importlib.util
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from carnet_kg import pipeline
from carnet_kg.config import PROJECT_ROOT
from carnet_kg.namespaces import CKG
from carnet_kg.store import open_store

from . import backends
from .conftest import BASE

_spec = importlib.util.spec_from_file_location("generate", PROJECT_ROOT / "bench" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

PREFIXES = """
PREFIX ckg: <https://w3id.org/carnet-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def turtle_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.ttl"))


def parse(folder: Path) -> Graph:
    graph = Graph()
    for file in turtle_files(folder):
        graph.parse(file, format="turtle", publicID=BASE)
    return graph


def oxigraph(folder: Path) -> ox.Store:
    store = ox.Store()
    for file in turtle_files(folder):
        store.load(path=str(file), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    return store


def select(store: ox.Store, query: str) -> list[dict[str, object]]:
    solutions = store.query(PREFIXES + query)
    names = [v.value for v in solutions.variables]
    return [{n: s[n] for n in names if s[n] is not None} for s in solutions]


def number(term) -> int:
    return int(term.value)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("generated") / "kb300"
    return folder, generate.write_kb(300, folder, seed=1)


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> tuple[dict, ox.Store]:
    folder = tmp_path_factory.mktemp("generated") / "kb3000"
    info = generate.write_kb(3000, folder, seed=1)
    return info, oxigraph(folder)


# --- (1) valid ---------------------------------------------------------------------------------

def test_generated_data_conforms_to_the_shapes(small, settings):
    folder, info = small
    checked = pipeline.check([folder], settings)
    assert checked.report.violations == [], checked.report.text()
    assert checked.report.conforms
    assert len(checked.split.resources) == sum(info["by_kind"].values())


def test_files_parse_and_counts_are_right(small):
    folder, info = small
    graph = parse(folder)
    assert len(graph) == info["triples"]  # counted while writing, and no triple twice
    assert {f.name for f in folder.iterdir()} == set(info["file_names"])
    assert info["files"] == len(info["file_names"])
    notes = set(graph.subjects(RDF.type, CKG.GeneralNote))
    assert len(notes) == info["notes"] == 300
    for iri, path in info["note_files"].items():
        assert Path(path) == generate.note_file(folder, iri)
        assert (URIRef(iri), RDF.type, CKG.GeneralNote) in Graph().parse(
            path, format="turtle", publicID=BASE)
    for name in info["file_names"]:
        text = (folder / name).read_text(encoding="utf-8")
        assert "\n@base" not in text and "<https://example.org/kb/" not in text  # relative


def test_literals_are_escaped_for_turtle():
    tricky = ['a "quoted" word', "back\\slash", 'ends with a quote"', "two\nlines \"\"\" here",
              'l’apostrophe et «\u00a0guillemets\u00a0»', "carriage\rreturn", "\\", '"']
    for text in tricky:
        turtle = f"<x> <y> {generate.lit(text, 'fr')} , {generate.lit(text)} ."
        graph = Graph().parse(data=turtle, format="turtle", publicID=BASE)
        assert set(graph.objects()) == {Literal(text, lang="fr"), Literal(text)}


# --- (2) deterministic --------------------------------------------------------------------------

def test_same_seed_same_bytes_other_seed_other_bytes(small, tmp_path):
    folder, info = small
    again = generate.write_kb(300, tmp_path / "again", seed=1)
    other = generate.write_kb(300, tmp_path / "other", seed=2)
    assert again["file_names"] == info["file_names"]
    for name in info["file_names"]:
        assert (tmp_path / "again" / name).read_bytes() == (folder / name).read_bytes(), name
    assert any((tmp_path / "other" / name).read_bytes() != (folder / name).read_bytes()
               for name in other["file_names"])


def test_cli_refuses_a_non_empty_folder_unless_forced(tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes-0000.ttl").write_text("stale")
    assert generate.main(["--notes", "20", "--out", str(tmp_path / "out")]) == 2
    assert "not empty" in capsys.readouterr().err
    assert generate.main(["--notes", "20", "--out", str(tmp_path / "out"), "--force"]) == 0
    printed = capsys.readouterr().out
    assert "triples:" in printed and "note" in printed
    assert "stale" not in (tmp_path / "out" / "notes-0000.ttl").read_text()


# --- (3) distributions --------------------------------------------------------------------------

def test_notebooks_hold_10_to_200_notes_at_unique_positions(medium):
    info, store = medium
    sizes = [number(r["c"]) for r in select(store, """
        SELECT ?nb (COUNT(?m) AS ?c) WHERE { ?nb ckg:hasMembership ?m } GROUP BY ?nb""")]
    assert len(sizes) == info["notebooks"] == 60
    assert min(sizes) >= 10 and max(sizes) <= 200
    assert max(sizes) >= 3 * statistics.median(sizes)  # skewed: a few large notebooks
    positions = select(store, """
        SELECT ?nb (COUNT(?m) AS ?c) (MAX(?p) AS ?max) (COUNT(DISTINCT ?p) AS ?d) WHERE {
            ?nb ckg:hasMembership ?m . ?m ckg:position ?p } GROUP BY ?nb""")
    assert all(number(r["c"]) == number(r["d"]) == number(r["max"]) for r in positions)
    # every membership's category is one of its notebook's, and most have a section number
    assert not store.query(PREFIXES + """ASK { ?nb ckg:hasMembership/ckg:category ?c
        FILTER NOT EXISTS { ?nb ckg:hasCategory ?c . ?c ckg:categoryOf ?nb } }""")
    in_notebooks = select(store, """SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE {
        ?nb ckg:hasMembership/ckg:member ?n }""")[0]["c"]
    assert 0.8 * 3000 <= number(in_notebooks) <= 0.95 * 3000  # the rest are loose notes


def test_private_and_community_shares(medium):
    info, store = medium
    counts = {str(r["v"].value).rsplit("#", 1)[1]: number(r["c"]) for r in select(store, """
        SELECT ?v (COUNT(?n) AS ?c) WHERE { ?n a ckg:GeneralNote ; ckg:visibility ?v }
        GROUP BY ?v""")}
    assert sum(counts.values()) == 3000
    assert abs(counts["Private"] / 3000 - 0.10) <= 0.035
    assert abs(counts["CommunityOnly"] / 3000 - 0.05) <= 0.025
    assert counts["Private"] == info["private_notes"]
    # what the shapes and the sample ask of non-public and public notes
    assert not store.query(PREFIXES + """ASK { ?n ckg:visibility ckg:CommunityOnly
        FILTER NOT EXISTS { ?n ckg:visibleTo ?c } }""")
    assert not store.query(PREFIXES + """ASK { ?n a ckg:GeneralNote ; ckg:visibility ?v
        FILTER(?v != ckg:Public) FILTER NOT EXISTS { ?n dcterms:creator ?p } }""")
    assert not store.query(PREFIXES + """ASK { ?n ckg:visibility ckg:Public
        FILTER NOT EXISTS { ?n dcterms:license ?l } }""")


def test_term_use_is_skewed(medium):
    info, store = medium
    uses = [number(r["c"]) for r in select(store, """
        SELECT ?t (COUNT(?n) AS ?c) WHERE { ?t a ckg:Term OPTIONAL { ?n ckg:relatedTerm ?t } }
        GROUP BY ?t""")]
    assert len(uses) == info["terms"] == 150
    assert max(uses) >= 20 * max(1, statistics.median(uses))
    top_five = sum(sorted(uses, reverse=True)[:5])
    assert top_five >= 0.25 * sum(uses)  # a few terms carry a large share of the links
    most_used = select(store, f"""SELECT (COUNT(?n) AS ?c) WHERE {{
        ?n ckg:relatedTerm <{info['term_iris'][0]}> }}""")[0]["c"]
    assert number(most_used) == max(uses)


def test_bodies_vary_in_length(medium):
    _, store = medium
    lengths = sorted(len(str(r["b"].value)) for r in select(store, """
        SELECT ?b WHERE { ?n a ckg:GeneralNote ; ckg:body ?b }"""))
    assert 0.9 * 3000 <= len(lengths) < 3000  # a few notes have only a description
    assert lengths[-1] / lengths[0] >= 100
    one_sentence = sum(1 for n in lengths if n < 200)
    long = sum(1 for n in lengths if n > 4000)
    assert 0.04 * len(lengths) <= one_sentence <= 0.25 * len(lengths)
    assert 0.02 * len(lengths) <= long <= 0.15 * len(lengths)
    assert 300 <= statistics.median(lengths) <= 1500


def test_hierarchy_and_mappings(medium):
    info, store = medium
    for query in ("?a skos:broader ?b FILTER NOT EXISTS { ?b skos:narrower ?a }",
                  "?a skos:narrower ?b FILTER NOT EXISTS { ?b skos:broader ?a }",
                  "?a skos:related ?b FILTER NOT EXISTS { ?b skos:related ?a }",
                  "?t a ckg:Term FILTER NOT EXISTS { ?t skos:inScheme ?l }",
                  "?t a ckg:Term FILTER NOT EXISTS { ?t skos:broader ?b } "
                  "FILTER NOT EXISTS { ?t skos:topConceptOf ?l . ?l skos:hasTopConcept ?t }"):
        assert not store.query(PREFIXES + f"ASK {{ {query} }}"), query
    assert store.query(PREFIXES + "ASK { ?a skos:broader/skos:broader ?c }")  # three levels
    mapped = select(store, """SELECT ?t ?p ?o WHERE { ?t a ckg:Term ; ?p ?o
        FILTER(?p IN (skos:exactMatch, skos:closeMatch, skos:broadMatch, skos:relatedMatch)) }""")
    terms = {r["t"] for r in mapped}
    assert len(terms) == info["mapped_terms"]
    assert 0.2 <= len(terms) / info["terms"] <= 0.5
    wikidata = re.compile(r"http://www\.wikidata\.org/entity/Q[1-9][0-9]*")
    assert sum(1 for r in mapped if wikidata.fullmatch(r["o"].value)) >= 0.3 * len(mapped)
    assert {r["p"].value.rsplit("#", 1)[1] for r in mapped} >= {"exactMatch", "closeMatch"}
    sssom = Path(info["folder"]) / "lexicon-01.sssom.tsv"
    assert sssom.read_text(encoding="utf-8").count("\tsemapv:") == info["mapping_rows"]


# --- (4) load -----------------------------------------------------------------------------------

def test_load_publishes_only_public_notes(small, settings, tmp_path):
    folder, info = small
    env = {**os.environ, "CARNET_KG_BASE": BASE, "CARNET_KG_STORE": settings.store,
           "CARNET_KG_CONFIG": "", **backends.engine_env(settings.store)}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "carnet_kg.cli", *args], env=env,
                              capture_output=True, text=True, cwd=tmp_path, timeout=120)

    loaded = run("load", str(folder))
    assert loaded.returncode == 0, loaded.stderr
    withheld = 300 - info["public_notes"]
    assert re.search(rf"withheld \d+ non-public \((.*, )?{withheld} note\b", loaded.stdout), \
        loaded.stdout
    stats = run("stats")
    assert re.search(rf"ckg:GeneralNote\s+{info['public_notes']}\n", stats.stdout), stats.stdout

    graph = parse(folder)
    public = {str(n) for n in graph.subjects(CKG.visibility, CKG.Public)
              if (n, RDF.type, CKG.GeneralNote) in graph}
    hidden = {str(n) for n in graph.subjects(RDF.type, CKG.GeneralNote)} - public
    assert len(public) == info["public_notes"] and len(hidden) == withheld
    store = open_store(settings, read_only=True)
    try:
        stored = {str(r["n"]) for r in store.query(
            f"SELECT DISTINCT ?n WHERE {{ GRAPH ?g {{ ?n a <{CKG.GeneralNote}> }} }}").rows}
        mentioned = {str(r["x"]) for r in store.query(
            "SELECT DISTINCT ?x WHERE { GRAPH ?g { { ?x ?p ?o } UNION { ?s ?p ?x } } "
            f"FILTER(isIRI(?x) && STRSTARTS(STR(?x), '{BASE}id/note/')) }}").rows}
        titles = {str(r["t"]) for r in store.query(
            f"SELECT ?t WHERE {{ GRAPH ?g {{ ?n <{DCTERMS.title}> ?t }} }}").rows}
    finally:
        store.close()
    assert stored == public
    assert not mentioned & hidden  # no link to a withheld note survived
    assert not any(t.startswith("Brouillon") for t in titles)
