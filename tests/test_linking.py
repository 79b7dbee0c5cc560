"""Links to external vocabularies: label matching, SSSOM mapping sets (load, policy, export),
mapping shapes, VoID link sets, pages, and the ``link`` workflow against a SKOS file and a real
``oxigraph serve`` endpoint."""

from __future__ import annotations

import csv
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from carnet_kg import pipeline
from carnet_kg.ingest import IngestError
from carnet_kg.linking import mapping_graph, matching, sssom
from carnet_kg.linking.matching import Labelled
from carnet_kg.linking.remote import RemoteError, RemoteVocabulary
from carnet_kg.web import create_app

from .backends import engine_env
from .conftest import BASE, SAMPLE, public_note, write
from .servers import carnet, running_oxigraph

FIXTURES = Path(__file__).parent / "fixtures" / "linking"
MAPPINGS = SAMPLE / "sample" / "mappings.sssom.tsv"
TERM = BASE + "id/term/"
DBPEDIA = "http://dbpedia.org/resource/"


# ---- matching --------------------------------------------------------------------------

@pytest.mark.parametrize("left, right", [
    ("communauté de pratique", "Communautés de pratique"),  # plural, case
    ("coopération", "COOPERATION"),  # accents
    ("pratiques communautaires", "communautaires, pratiques"),  # order, punctuation
    ("l'autogestion", "Autogestion"),  # elision
    ("pouvoir d'agir", "Pouvoir d’agir"),  # apostrophes
    ("journaux", "journal"),  # French plural in -aux
    ("noyaux", "noyau"),  # and in -x
    ("communities", "community"),  # English plural in -ies
])
def test_label_variants_meet(left, right):
    assert matching.normalise(left) == matching.normalise(right)
    assert matching.similarity(left, right) == 1.0


@pytest.mark.parametrize("left, right", [
    ("autonomie", "autonomie financière"),
    ("structure", "structure sociale"),
    ("mandat", "mandat (droit)"),
])
def test_near_misses_score_below_the_default_threshold(left, right):
    assert matching.similarity(left, right) < 0.75


def test_invariable_and_short_words_keep_their_final_letter():
    assert matching.normalise("Corpus des temps") == "corpus temps"
    assert matching.normalise("gaz") == "gaz"


def test_a_preferred_label_match_beats_an_alternative_one():
    ours = Labelled("x", ("noyau de membres actifs",), ("noyau actif",))
    by_alt = Labelled("a", ("Noyau actif",))
    exact = Labelled("b", ("Noyaux de membres actifs",))
    ranked = matching.rank(ours, [by_alt, exact])
    assert [(c.iri, score) for c, score, _, _ in ranked] == [("b", 1.0), ("a", 0.9)]


# ---- SSSOM files -----------------------------------------------------------------------

def test_sample_mapping_set_reads_with_provenance():
    read = sssom.read(MAPPINGS, "mappings.sssom.tsv", BASE)
    assert read.mapping_set_id == BASE + "mappings/passerelles"
    assert len(read.mappings) == 5
    first = read.mappings[0]
    assert first.subject_id == TERM + "communaute-de-pratique"
    assert first.object_id == DBPEDIA + "Community_of_practice"
    assert first.reviewed and first.get("confidence") == "1.0" and first.line == 13
    assert [m.reviewed for m in read.mappings] == [True, True, True, True, False]


def _mapping_file(tmp_path: Path, rows: str, header: str | None = None) -> Path:
    path = tmp_path / "m.sssom.tsv"
    path.write_text(
        (header if header is not None else
         "#curie_map:\n#  kb: id/\n#  wd: http://www.wikidata.org/entity/\n"
         "#mapping_set_id: https://example.org/kb/mappings/t\n"
         "#license: http://creativecommons.org/licenses/by/4.0/\n")
        + "subject_id\tpredicate_id\tobject_id\tmapping_justification\treviewer_label\n"
        + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize("row, message", [
    ("kb:term/t\tskos:exactMatch\tzz:Q1\tsemapv:ManualMappingCuration\tR\n",
     "line 7, object_id: 'zz:Q1' is not a CURIE of a declared prefix"),
    ("kb:term/t\tskos:exactMatch\twd:Q1\t\tR\n", "line 7: empty mapping_justification"),
    ("kb:term/t\towl:sameAs\twd:Q1\tsemapv:ManualMappingCuration\tR\n",
     "line 7: owl:sameAs states identity"),
    ("kb:term/t\tskos:exactMatch\tkb:term/u\tsemapv:ManualMappingCuration\tR\n",
     "line 7: object https://example.org/kb/id/term/u is one of our own resources"),
    ("kb:term/t\tskos:exactMatch\thttps://www.wikidata.org/wiki/Q1\t"
     "semapv:ManualMappingCuration\tR\n",
     "line 7: object https://www.wikidata.org/wiki/Q1: not a Wikidata identifier"),
    ("kb:note/n\tskos:exactMatch\twd:Q1\tsemapv:ManualMappingCuration\tR\n",
     "is not a term, person, community or organisation of ours"),
    ("kb:term/t\tskos:exactMatch\twd:Q1\n", "line 7: 5 tab-separated cells expected"),
])
def test_a_bad_row_is_named_by_file_and_line(tmp_path, settings, store, row, message):
    path = _mapping_file(tmp_path, row)
    with pytest.raises(IngestError, match="m.sssom.tsv") as error:
        pipeline.load([path], settings, store)
    assert message in str(error.value)
    assert store.is_empty()


def test_a_mapping_set_without_licence_is_refused(tmp_path, settings, store):
    path = _mapping_file(tmp_path, "", header="#mapping_set_id: https://example.org/m\n")
    with pytest.raises(IngestError, match="the mapping set needs license"):
        pipeline.load([path], settings, store)


def test_a_mapping_file_alone_is_refused_before_it_replaces_descriptions(settings,
                                                                         loaded_store):
    before = loaded_store.version()
    with pytest.raises(IngestError, match="load mapping files together with the data"):
        pipeline.load([MAPPINGS], settings, loaded_store)
    assert loaded_store.version() == before


# ---- in the store --------------------------------------------------------------------------

def _ask(store, query: str) -> bool:
    return bool(store.query(f"ASK {{ {query} }}").boolean)


def test_only_reviewed_mappings_are_published_as_statements(loaded_store):
    assert _ask(loaded_store, f"<{TERM}communaute-de-pratique> <{SKOS.exactMatch}> "
                              f"<{DBPEDIA}Community_of_practice>")
    assert _ask(loaded_store, f"<{TERM}autonomie> <{SKOS.closeMatch}> <{DBPEDIA}Autonomy>")
    # the unreviewed candidate is kept as a record, not stated
    assert not _ask(loaded_store, f"<{TERM}leadership> ?p <{DBPEDIA}Leadership>")
    assert _ask(loaded_store, f"?r <http://www.w3.org/2002/07/owl#annotatedTarget> "
                              f"<{DBPEDIA}Leadership>")


def test_export_writes_the_mapping_set_back(loaded_store, tmp_path):
    exported = mapping_graph.mapping_sets(loaded_store)
    assert list(exported) == [BASE + "mappings/passerelles"]
    out = tmp_path / "back.sssom.tsv"
    with out.open("w", encoding="utf-8") as handle:
        sssom.write(exported[BASE + "mappings/passerelles"], handle)
    again = sssom.read(out, "back", BASE)
    original = sssom.read(MAPPINGS, "sample", BASE)

    def rows(mapping_set):
        return sorted((m.subject_id, m.predicate_id, m.object_id, m.mapping_justification,
                       tuple(sorted(m.values.items()))) for m in mapping_set.mappings)

    assert rows(again) == rows(original)
    assert again.license == original.license
    assert again.metadata["mapping_set_title"] == "Alignements du lexique Passerelles"


def test_mappings_of_a_private_term_are_never_published(tmp_path, settings, store):
    data = tmp_path / "data"
    data.mkdir()
    write(data / "terms.ttl", """
<id/term/cache> a ckg:Term , skos:Concept ; skos:prefLabel "secret"@fr ;
    ckg:visibility ckg:Private ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-01T10:00:00Z"^^xsd:dateTime .
""" + public_note("n"))
    _mapping_file(data, "kb:term/cache\tskos:exactMatch\twd:Q42\t"
                        "semapv:ManualMappingCuration\tR\n")
    report = pipeline.load([data], settings, store)
    assert report.published == 1
    assert not _ask(store, "?s ?p <http://www.wikidata.org/entity/Q42>")
    assert not _ask(store, f"?s ?p ?o FILTER(CONTAINS(STR(?s), 'cache') || "
                           f"CONTAINS(STR(?o), 'cache') || ?o = {Literal('secret').n3()})")
    assert not mapping_graph.mapping_sets(store)[BASE + "mappings/t"].mappings


def test_a_mapping_record_in_external_data_tells_nothing_of_a_private_subject(
        tmp_path, settings, store):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    (data / "records.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix sssom: <https://w3id.org/sssom/> .\n"
        "[] a sssom:Mapping ; owl:annotatedSource <id/note/brouillon-questions-autonomie> ;\n"
        "   owl:annotatedProperty <http://www.w3.org/2004/02/skos/core#relatedMatch> ;\n"
        "   owl:annotatedTarget <http://vocab.example.org/c/2> ;\n"
        '   sssom:subject_label "Secret-label-91be" .\n', encoding="utf-8")
    pipeline.load([data], settings, store)
    assert not _ask(store, '?s ?p "Secret-label-91be"')
    assert not _ask(store, "?s ?p <http://vocab.example.org/c/2>")


# ---- VoID, pages ---------------------------------------------------------------------------

@pytest.fixture
def client(settings, loaded_store):
    return create_app(settings.with_(query_workers=1), loaded_store).test_client()


def test_void_counts_link_sets_per_vocabulary_and_predicate(client):
    graph = Graph().parse(data=client.get("/.well-known/void",
                                          headers={"Accept": "text/turtle"}).data,
                          format="turtle")
    found = {}
    for row in graph.query(
            "PREFIX void: <http://rdfs.org/ns/void#> SELECT ?target ?p ?n WHERE { "
            "?l a void:Linkset ; void:linkPredicate ?p ; void:objectsTarget ?target ; "
            "void:triples ?n }"):
        found[(str(row.target), str(row.p).rsplit("#", 1)[-1])] = int(row.n)
    assert found == {
        (DBPEDIA, "exactMatch"): 1,
        (DBPEDIA, "closeMatch"): 2,
        ("http://fr.dbpedia.org/resource/", "exactMatch"): 1,
    }
    assert (URIRef(DBPEDIA), URIRef("http://purl.org/dc/terms/title"),
            Literal("DBpedia")) in graph


def test_term_page_shows_mappings_with_vocabulary_and_review(client):
    html = client.get("/doc/term/autonomie", headers={"Accept": "text/html",
                                                      "Accept-Language": "fr"}).text
    assert ('<span class="vocabulary">DBpedia</span> — équivalence proche : '
            f'<a href="{DBPEDIA}Autonomy" rel="external" class="external">Autonomy</a>') in html
    assert "(revu par Équipe carnet-kg, 29 novembre 2026, confiance 0.8)" in html
    english = client.get("/doc/term/autonomie", headers={"Accept": "text/html",
                                                         "Accept-Language": "en"}).text
    assert "close match" in english and "reviewed by Équipe carnet-kg" in english
    unreviewed = client.get("/doc/term/leadership", headers={"Accept": "text/html"}).text
    assert 'id="mappings"' not in unreviewed


def test_lexicon_filters_unmapped_terms(client):
    everything = client.get("/lexicon").text
    unmapped = client.get("/lexicon?unmapped").text
    assert "/doc/term/autonomie" in everything and "/doc/term/autonomie" not in unmapped
    assert "/doc/term/leadership" in unmapped  # its only mapping is not reviewed
    assert unmapped.count('<li><a href="/doc/term/') == 6
    assert "6 / 10" in everything


# ---- the link workflow ----------------------------------------------------------------

def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "CARNET_KG_STORE": str(tmp_path / "store"),
            **engine_env(tmp_path / "store"), "CARNET_KG_BASE": BASE,
            "CARNET_KG_CONFIG": ""}


@pytest.fixture
def sample_store(tmp_path):
    env = _env(tmp_path)
    loaded = carnet(tmp_path, env, "load", str(SAMPLE))
    assert loaded.returncode == 0, loaded.stderr
    return env


def _top(path: Path) -> dict[str, str]:
    """Best candidate per term key, from an SSSOM file written by link."""
    read = sssom.read(path, "out", BASE)
    best: dict[str, tuple[float, str]] = {}
    for m in read.mappings:
        key = m.subject_id.rsplit("/", 1)[-1]
        score = float(m.get("confidence"))
        if key not in best or score > best[key][0]:
            best[key] = (score, m.object_id.removeprefix("http://vocab.example.org/"))
    return {key: value for key, (_, value) in best.items()}


def _precision_recall(top: dict[str, str]) -> tuple[float, float]:
    with (FIXTURES / "pairs.tsv").open(encoding="utf-8") as handle:
        expected = {row["term"]: row["expected"] for row in csv.DictReader(handle, delimiter="\t")}
    proposed = [key for key in top if key in expected]
    right = [key for key in proposed if top[key] == expected[key]]
    wanted = [key for key, value in expected.items() if value != "-"]
    return len(right) / len(proposed), len(right) / len(wanted)


def test_link_against_a_skos_file_is_precise(tmp_path, sample_store):
    out = tmp_path / "candidates.sssom.tsv"
    done = carnet(tmp_path, sample_store, "link", "--vocabulary",
                  str(FIXTURES / "vocabulary.ttl"), "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "10 resource(s) compared" in done.stdout and "matching: 10/10" in done.stderr
    precision, recall = _precision_recall(_top(out))
    assert (precision, recall) == (1.0, 1.0), _top(out)
    read = sssom.read(out, "out", BASE)
    assert not any(m.reviewed for m in read.mappings)  # nothing asserted without review
    assert {m.mapping_justification for m in read.mappings} == {
        "https://w3id.org/semapv/vocab/LexicalMatching"}


def test_reviewed_candidates_load_and_publish(tmp_path, sample_store):
    out = tmp_path / "candidates.sssom.tsv"
    carnet(tmp_path, sample_store, "link", "--vocabulary", str(FIXTURES / "vocabulary.ttl"),
           "--output", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    columns = lines[header].split("\t")
    reviewed = [lines[header] + "\treviewer_label"]
    for line in lines[header + 1:]:
        cells = dict(zip(columns, line.split("\t"), strict=True))
        keep = cells["subject_id"].endswith("term/mandat")
        reviewed.append(line + ("\tUne curatrice" if keep else "\t"))
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    (data / "candidates.sssom.tsv").write_text(
        "\n".join(lines[:header] + reviewed) + "\n", encoding="utf-8")
    loaded = carnet(tmp_path, sample_store, "load", str(data))
    assert loaded.returncode == 0, loaded.stderr
    asked = carnet(tmp_path, sample_store, "query", "--format", "csv",
                   f"SELECT ?o WHERE {{ <{TERM}mandat> <{SKOS.exactMatch}> ?o }}")
    assert asked.stdout.split() == ["o", "http://vocab.example.org/c/5"]


def test_link_against_a_remote_endpoint_uses_its_cache(tmp_path, sample_store):
    cache = tmp_path / "cache"
    with running_oxigraph(tmp_path, FIXTURES / "vocabulary.ttl") as oxigraph:
        first, second = tmp_path / "a.sssom.tsv", tmp_path / "b.sssom.tsv"
        done = carnet(tmp_path, sample_store, "link", "--endpoint", oxigraph + "/query",
                      "--cache", str(cache), "--output", str(first))
        assert done.returncode == 0, done.stderr
        asked = int(re.search(r"(\d+) request\(s\)", done.stdout).group(1))
        assert asked >= 10 and "0 answered from the cache" in done.stdout  # one per term at least
        again = carnet(tmp_path, sample_store, "link", "--endpoint", oxigraph + "/query",
                       "--cache", str(cache), "--output", str(second))
        assert "0 request(s)" in again.stdout
        assert f"{asked} answered from the cache" in again.stdout
    precision, recall = _precision_recall(_top(first))
    assert (precision, recall) == (1.0, 1.0), _top(first)
    assert _top(first) == _top(second)


class _Flaky(http.server.BaseHTTPRequestHandler):
    """Answers 503 to the first ``failures`` requests, then a SPARQL JSON result."""

    failures = 2
    seen: list[str] = []

    def do_POST(self):  # noqa: N802 (the http.server API)
        type(self).seen.append(self.headers.get("User-Agent", ""))
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if len(self.seen) <= self.failures:
            self.send_response(self.status)
            self.end_headers()
            return
        body = json.dumps({"head": {"vars": ["c", "p", "label"]}, "results": {"bindings": [
            {"c": {"type": "uri", "value": "http://vocab.example.org/c/2"},
             "p": {"type": "uri", "value": str(SKOS.prefLabel)},
             "label": {"type": "literal", "value": "Autonomie", "xml:lang": "fr"}}]}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _flaky_server(status: int, failures: int):
    handler = type("Handler", (_Flaky,), {"status": status, "failures": failures, "seen": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler


def test_remote_failures_are_retried_with_back_off(tmp_path):
    server, handler = _flaky_server(503, failures=2)
    waits: list[float] = []
    try:
        remote = RemoteVocabulary(f"http://127.0.0.1:{server.server_port}/sparql",
                                  tmp_path, retries=3, sleep=waits.append)
        found = remote.candidates(Labelled("x", ("autonomie",)))
    finally:
        server.shutdown()
    assert [c.iri for c in found] == ["http://vocab.example.org/c/2"]
    assert waits == [1.0, 2.0] and len(handler.seen) == 3
    assert all(agent.startswith("carnet-kg/") for agent in handler.seen)


def test_a_bad_request_is_not_retried(tmp_path):
    server, handler = _flaky_server(400, failures=10)
    waits: list[float] = []
    try:
        remote = RemoteVocabulary(f"http://127.0.0.1:{server.server_port}/sparql",
                                  tmp_path, retries=3, sleep=waits.append)
        with pytest.raises(RemoteError, match="after 1 attempt"):
            remote.candidates(Labelled("x", ("autonomie",)))
    finally:
        server.shutdown()
    assert waits == [] and len(handler.seen) == 1
