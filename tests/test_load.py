"""Loading: all or nothing, the publish policy, idempotence, withdrawal, export round trip."""

from __future__ import annotations

import io

import pytest
from rdflib import Dataset, URIRef
from rdflib.compare import isomorphic

from carnet_kg import pipeline
from carnet_kg.ingest import IngestError
from carnet_kg.namespaces import CKG
from carnet_kg.store import open_store

from .backends import engine_settings
from .conftest import BASE, PRIVATE_KEYS, SAMPLE, public_note, write

NOTE_45 = URIRef(BASE + "id/note/autonomie-du-groupe")
NOTEBOOK = URIRef(BASE + "id/notebook/cdp-transfert-connaissances")


def dump(store) -> bytes:
    out = io.BytesIO()
    store.dump(out, "nquads", include_metadata=True)
    return out.getvalue()


def all_iris(store) -> set[str]:
    rows = store.query(
        "SELECT DISTINCT ?x WHERE { GRAPH ?g { { ?x ?p ?o } UNION { ?s ?p ?x } "
        "UNION { ?s ?x ?o } } FILTER(isIRI(?x)) }"
    ).rows
    graphs = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return {str(r["x"]) for r in rows} | {str(r["g"]) for r in graphs}


def test_sample_loads_and_reports_counts(settings, store):
    report = pipeline.load([SAMPLE], settings, store)
    assert report.files == 8  # seven Turtle files and the SSSOM mapping set
    assert report.withheld_by_kind == {"note": 3, "notebook": 1, "category": 1}
    assert report.dropped_links >= 3  # 4.5 → private note, membership, KB → private notebook
    assert report.published == report.resources - 5
    assert report.written == report.published + report.external_graphs  # the mapping set
    assert "withheld 5 non-public (1 category, 3 note, 1 notebook)" in report.summary()
    assert "brouillon" not in report.summary()


def test_no_private_iri_is_stored_anywhere(loaded_store):
    iris = all_iris(loaded_store)
    leaked = [i for i in iris for key in PRIVATE_KEYS if key.split("/", 1)[1] in i]
    assert leaked == []
    # the public note 4.5 and its notebook are there
    assert str(NOTE_45) in iris and str(NOTEBOOK) in iris


def test_membership_of_private_note_is_dropped_whole(loaded_store):
    rows = loaded_store.query(
        f"SELECT ?m WHERE {{ ?nb <{CKG.hasMembership}> ?m . ?m <{CKG.position}> ?pos }}"
    ).rows
    memberships = {str(r["m"]).rsplit("#", 1)[1] for r in rows}
    assert "m-brouillon-questions-autonomie" not in memberships
    assert {"m-4-5", "m-4-6"} <= memberships
    orphans = loaded_store.query(
        f"ASK {{ ?m <{CKG.member}> ?n FILTER NOT EXISTS {{ ?x <{CKG.hasMembership}> ?m }} }}"
    )
    assert orphans.boolean is False


def test_one_graph_per_resource_and_metadata(loaded_store):
    graph = loaded_store.graph(URIRef(BASE + "doc/note/autonomie-du-groupe"))
    assert (NOTE_45, CKG.visibility, CKG.Public) in graph
    assert all(str(s).startswith(str(NOTE_45)) for s in graph.subjects())
    meta = loaded_store.graph(URIRef(BASE + "graph/metadata"))
    doc = URIRef(BASE + "doc/note/autonomie-du-groupe")
    assert str(meta.value(doc, CKG.sourceFile)) == "data/sample/notes.ttl"
    assert len(str(meta.value(doc, CKG.checksum))) == 64
    assert int(meta.value(doc, CKG.revision)) == 1


def test_broken_note_writes_nothing_and_names_the_problem(settings, store, tmp_path):
    pipeline.load([SAMPLE], settings, store)
    before = dump(store)
    good = write(tmp_path / "good.ttl", public_note("bonne", "Bonne note"))
    bad = write(
        tmp_path / "bad.ttl",
        public_note("cassee", "Note cassée").replace(
            '"2024-01-02T10:00:00Z"', '"2023-01-02T10:00:00Z"'
        ),
    )
    with pytest.raises(pipeline.LoadFailed) as failure:
        pipeline.load([good, bad], settings, store)
    violations = failure.value.report.violations
    assert violations, "a violation is reported"
    first = violations[0]
    assert first.focus == BASE + "id/note/cassee"
    assert first.source.endswith("bad.ttl")
    assert first.path == "dcterms:issued"
    assert first.messages["en"] and first.messages["fr"]
    assert dump(store) == before


def test_malformed_rdf_names_file_and_line(settings, store, tmp_path):
    bad = tmp_path / "syntax.ttl"
    bad.write_text('@prefix ex: <http://ex/> .\n<a> ex:p "x"\n ex:q .\n', encoding="utf-8")
    with pytest.raises(IngestError) as error:
        pipeline.load([bad], settings, store)
    message = str(error.value)
    assert "syntax.ttl" in message and "line 3" in message
    assert store.is_empty()


def test_wrong_type_for_kind_is_a_violation(settings, store, tmp_path):
    data = write(
        tmp_path / "kind.ttl",
        public_note("mal-typee").replace("ckg:GeneralNote", "ckg:Notebook"),
    )
    with pytest.raises(pipeline.LoadFailed) as failure:
        pipeline.load([data], settings, store)
    kinds = [v for v in failure.value.report.violations if v.path == "rdf:type"]
    assert kinds and "id/note/" in kinds[0].messages["en"]
    assert store.is_empty()


def test_reload_is_idempotent(settings, loaded_store):
    report = pipeline.load([SAMPLE], settings, loaded_store)
    assert report.written == 0
    assert report.unchanged == report.published + report.external_graphs


def test_changed_resource_gets_a_new_revision(settings, store, tmp_path):
    path = write(tmp_path / "n.ttl", public_note("evolutive", "Version 1"))
    pipeline.load([path], settings, store)
    write(path, public_note("evolutive", "Version 2"))
    report = pipeline.load([path], settings, store)
    assert report.written == 1
    doc = URIRef(BASE + "doc/note/evolutive")
    meta = store.graph(URIRef(BASE + "graph/metadata"))
    assert int(meta.value(doc, CKG.revision)) == 2


def test_note_made_private_is_withdrawn_and_links_to_it_scrubbed(settings, store, tmp_path):
    target = write(tmp_path / "target.ttl", public_note("cible", "Cible"))
    source = write(
        tmp_path / "source.ttl",
        public_note("source", "Source", "; ckg:relatedNote <id/note/cible>"),
    )
    pipeline.load([target, source], settings, store)
    assert store.has_graph(URIRef(BASE + "doc/note/cible"))
    write(target, public_note("cible", "Cible").replace("ckg:Public", "ckg:Private"))
    report = pipeline.load([target], settings, store)
    assert report.withdrawn == 1
    assert not store.has_graph(URIRef(BASE + "doc/note/cible"))
    assert BASE + "id/note/cible" not in all_iris(store)
    assert store.has_graph(URIRef(BASE + "doc/note/source"))


def test_export_then_load_round_trips(settings, loaded_store, tmp_path):
    exported = tmp_path / "export.nq"
    with exported.open("wb") as handle:
        loaded_store.dump(handle, "nquads")
    other = open_store(settings.with_(store=str(tmp_path / "other"),
                                      **engine_settings(tmp_path / "other")))
    try:
        pipeline.load([exported], settings, other)
        again = io.BytesIO()
        other.dump(again, "nquads")
    finally:
        other.close()
    first, second = Dataset(), Dataset()
    first.parse(exported, format="nquads")
    second.parse(data=again.getvalue(), format="nquads")
    names = {g.identifier for g in first.graphs() if len(g)}
    assert names == {g.identifier for g in second.graphs() if len(g)}
    for name in names:
        assert isomorphic(first.graph(name), second.graph(name)), name


def test_external_vocabulary_keeps_its_own_graph(settings, store, tmp_path):
    vocab = tmp_path / "vocab.ttl"
    vocab.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<http://vocab.example/c1> a skos:Concept ; skos:prefLabel "Autonomie"@fr .\n',
        encoding="utf-8",
    )
    report = pipeline.load([vocab], settings, store)
    assert report.external_graphs == 1 and report.resources == 0
    graph = store.graph(URIRef(BASE + "graph/source/vocab.ttl"))  # named after the file
    assert len(graph) == 2


@pytest.mark.parametrize(("suffix", "refusal"), [
    ("ttl", "not valid RDF: .*Invalid IRI"),  # pyoxigraph's parser refuses it
    ("n3", "invalid IRI"),  # rdflib's parser lets it through: our check refuses it
])
def test_iri_with_forbidden_characters_is_refused(settings, store, tmp_path, suffix, refusal):
    # a \u escape lets a parser produce an IRI that would break out of <…> in SPARQL Update
    data = write(
        tmp_path / f"inject.{suffix}",
        public_note("x", extra="; ckg:relatedNote <http://e.example/a\\u003E} ; DROP ALL ; #>"),
    )
    with pytest.raises(IngestError, match=rf"inject\.{suffix}: {refusal}"):
        pipeline.load([data], settings, store)
    assert store.is_empty()


def test_withdrawn_graph_keeps_a_record_and_revisions_continue(settings, store, tmp_path):
    path = write(tmp_path / "n.ttl", public_note("va-et-vient"))
    pipeline.load([path], settings, store)
    write(path, public_note("va-et-vient").replace("ckg:Public", "ckg:Private"))
    pipeline.load([path], settings, store)
    doc = URIRef(BASE + "doc/note/va-et-vient")
    meta = store.graph(URIRef(BASE + "graph/metadata"))
    assert meta.value(doc, CKG.withdrawnAt) is not None
    assert meta.value(doc, CKG.checksum) is None
    assert int(meta.value(doc, CKG.revision)) == 2
    write(path, public_note("va-et-vient"))
    pipeline.load([path], settings, store)
    meta = store.graph(URIRef(BASE + "graph/metadata"))
    assert int(meta.value(doc, CKG.revision)) == 3
    assert meta.value(doc, CKG.withdrawnAt) is None
