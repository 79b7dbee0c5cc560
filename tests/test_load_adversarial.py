"""Loads that try to get around the publish policy or the all-or-nothing rule (from review)."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import URIRef

from carnet_kg import pipeline
from carnet_kg.ingest import IngestError

from .conftest import BASE, public_note, write


def dump(store) -> bytes:
    out = io.BytesIO()
    store.dump(out, "nquads", include_metadata=True)
    return out.getvalue()


def private_note(iri: str, secret: str = "SECRET TEXT") -> str:
    return f"""
<{iri}> a ckg:GeneralNote ;
    dcterms:title "{secret}"@fr ;
    ckg:visibility ckg:Private ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-02T10:00:00Z"^^xsd:dateTime .
"""


def test_blank_node_labels_cannot_inject_sparql(settings, store, tmp_path):
    write(tmp_path / "a.ttl", public_note("a"))
    pipeline.load([tmp_path / "a.ttl"], settings, store)
    before = dump(store)
    label = '_:x <http://e/p> "v" . } } ; DROP ALL ; INSERT DATA { GRAPH <http://evil/g> { _:y'
    (tmp_path / "inject.jsonld").write_text(
        json.dumps({"@id": label, "http://ext.example/p": "v"}), encoding="utf-8"
    )
    pipeline.load([tmp_path / "inject.jsonld"], settings, store)
    after = dump(store)
    version = f"<{BASE}graph/metadata> <https://w3id.org/carnet-kg/ontology#revision>".encode()
    kept = {line for line in before.splitlines() if not line.startswith(version)}
    assert kept <= set(after.splitlines())  # nothing was lost (the store's version moved on)
    assert b"http://evil/g" not in after
    assert store.has_graph(URIRef(BASE + "doc/note/a"))


@pytest.mark.parametrize("iri", [
    "https://kb.example.org/id/note/secret",  # another base
    "id/note/Secret_Draft",  # a key that is not URL-safe
    "id/community/secret",  # the IRI of another kind
])
def test_resources_outside_their_iri_scheme_are_refused(settings, store, tmp_path, iri):
    body = private_note(iri)
    if "community" in iri:
        body = body.replace("a ckg:GeneralNote", "a ckg:GeneralNote, ckg:Community")
    data = write(tmp_path / "x.ttl", body)
    with pytest.raises(pipeline.LoadFailed) as failure:
        pipeline.load([data], settings, store)
    assert any(v.path == "rdf:type" for v in failure.value.report.violations)
    assert store.is_empty()
    assert b"SECRET" not in dump(store)


def test_a_blank_node_note_is_refused(settings, store, tmp_path):
    data = write(tmp_path / "x.ttl", private_note("id/note/x").replace("<id/note/x>", "[]"))
    with pytest.raises(pipeline.LoadFailed):
        pipeline.load([data], settings, store)
    assert store.is_empty()


def test_a_blank_node_shared_by_two_resources_is_refused(settings, store, tmp_path):
    data = write(tmp_path / "x.ttl", public_note("pub", extra="; ckg:hasRevision _:r")
                 + private_note("id/note/secret").replace(" .\n", " ; ckg:hasRevision _:r .\n")
                 + '_:r a ckg:Revision ; ckg:revisionNumber 1 ; rdfs:comment "SECRET" .\n')
    data.write_text("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    + data.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(IngestError, match="blank node belongs to both"):
        pipeline.load([data], settings, store)
    assert store.is_empty()


def test_external_data_cannot_take_a_resource_graph(settings, store, tmp_path):
    write(tmp_path / "a.ttl", public_note("a"))
    pipeline.load([tmp_path / "a.ttl"], settings, store)
    (tmp_path / "o.trig").write_text(
        f'<{BASE}doc/note/a> {{ <http://ext.example/x> <http://ext.example/p> "over" . }}\n',
        encoding="utf-8",
    )
    with pytest.raises(IngestError, match="reserved for resource graphs"):
        pipeline.load([tmp_path / "o.trig"], settings, store)
    assert len(store.graph(URIRef(BASE + "doc/note/a"))) > 3


def test_a_blank_node_graph_name_is_loaded_as_unnamed(settings, store, tmp_path):
    (tmp_path / "b.trig").write_text(
        '_:g { <http://ext.example/x> <http://ext.example/p> "v" . }\n', encoding="utf-8"
    )
    report = pipeline.load([tmp_path / "b.trig"], settings, store)
    assert report.external_graphs == 1
    assert len(store.graph(URIRef(BASE + "graph/source/b.trig"))) == 1


def test_a_folder_without_rdf_is_an_error(settings, store, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(IngestError, match="no RDF file found"):
        pipeline.load([tmp_path / "empty"], settings, store)


def test_incremental_load_links_to_stored_and_to_withheld_resources(settings, store, tmp_path):
    write(tmp_path / "a.ttl", public_note("a"))
    write(tmp_path / "s.ttl", private_note("id/note/s"))
    pipeline.load([tmp_path / "a.ttl", tmp_path / "s.ttl"], settings, store)
    linking = write(tmp_path / "b.ttl", public_note(
        "b", extra="; ckg:relatedNote <id/note/a>, <id/note/s>"))
    report = pipeline.load([linking], settings, store)
    assert report.dropped_links == 1
    graph = store.graph(URIRef(BASE + "doc/note/b"))
    related = {str(o) for o in graph.objects(URIRef(BASE + "id/note/b"), None)}
    assert BASE + "id/note/a" in related and BASE + "id/note/s" not in related
    # a typo is still caught: a link to a resource that exists nowhere
    typo = write(tmp_path / "c.ttl", public_note("c", extra="; ckg:relatedNote <id/note/zz>"))
    with pytest.raises(pipeline.LoadFailed):
        pipeline.load([typo], settings, store)
    # reloading the sample-like files in a filled store validates (context is not re-checked)
    assert pipeline.load([tmp_path / "a.ttl"], settings, store).written == 0


NOTEBOOK = """
<id/notebook/nb> a ckg:Notebook ; dcterms:title "Carnet"@fr ; ckg:visibility ckg:{vis} ;
    ckg:hasCategory <id/category/cat> .
"""
CATEGORY = """
<id/category/cat> a ckg:Category ; dcterms:title "CATEGORY OF NB"@fr ;
    ckg:categoryOf <id/notebook/nb> .
"""
VOCAB = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://vocab.example/c1> skos:closeMatch <{base}id/note/a> .
"""


def test_becoming_private_withdraws_dependants_and_scrubs_external_links(
    settings, store, tmp_path
):
    write(tmp_path / "a.ttl", public_note("a"))
    write(tmp_path / "nb.ttl", NOTEBOOK.replace("{vis}", "Public"))
    write(tmp_path / "cat.ttl", CATEGORY)
    (tmp_path / "vocab.ttl").write_text(VOCAB.replace("{base}", BASE), encoding="utf-8")
    pipeline.load([tmp_path], settings, store)
    assert b"CATEGORY OF NB" in dump(store)
    write(tmp_path / "a.ttl", public_note("a").replace("ckg:Public", "ckg:Private"))
    write(tmp_path / "nb.ttl", NOTEBOOK.replace("{vis}", "Private"))
    report = pipeline.load([tmp_path / "a.ttl", tmp_path / "nb.ttl"], settings, store)
    assert report.withdrawn == 3  # the note, the notebook and its category
    exported = dump(store)
    assert b"CATEGORY OF NB" not in exported
    assert f"{BASE}id/note/a".encode() not in exported
    assert len(store.graph(URIRef(BASE + "graph/source/vocab.ttl"))) == 0
