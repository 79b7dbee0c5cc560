"""Cool URIs and documents: 303, negotiation (after the Vapour checks), 404/410, ETag/304,
canonical IRIs, the RDF of a document, and its HTML page in French and English."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF

from carnet_kg import pipeline
from carnet_kg.namespaces import CKG, SCHEMA, VOID
from carnet_kg.web import create_app

from .conftest import BASE, public_note, write

NOTE = "/id/note/autonomie-du-groupe"
NOTE_IRI = URIRef(BASE + NOTE[1:])
RDF_TYPES = {"text/turtle": "turtle", "application/rdf+xml": "xml",
             "application/ld+json": "json-ld", "application/n-triples": "nt"}


@pytest.fixture
def app(settings, loaded_store):
    return create_app(settings, loaded_store)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.mark.parametrize("accept, location", [
    (None, "/doc/note/autonomie-du-groupe.ttl"),  # no Accept
    ("*/*", "/doc/note/autonomie-du-groupe.ttl"),  # curl
    ("application/rdf+xml", "/doc/note/autonomie-du-groupe.rdf"),
    ("text/turtle", "/doc/note/autonomie-du-groupe.ttl"),
    ("application/ld+json", "/doc/note/autonomie-du-groupe.jsonld"),
    ("text/html", "/doc/note/autonomie-du-groupe"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
     "/doc/note/autonomie-du-groupe"),  # a browser
    ("text/html;q=0.5, application/rdf+xml", "/doc/note/autonomie-du-groupe.rdf"),
    ("application/rdf+xml;q=0.5, text/turtle;q=0.9, text/html;q=0.1",
     "/doc/note/autonomie-du-groupe.ttl"),
])
def test_id_answers_303_to_the_negotiated_document(client, accept, location):
    headers = {"Accept": accept} if accept else {}
    response = client.get(NOTE, headers=headers)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(location)
    assert "Accept" in response.headers["Vary"]
    followed = client.get(location, headers=headers)
    assert followed.status_code == 200
    if location.endswith(".ttl") or "." in location.rsplit("/", 1)[1]:
        media = followed.mimetype
        graph = Graph().parse(data=followed.data, format=RDF_TYPES[media])
        assert (NOTE_IRI, None, None) in graph  # describes the requested IRI
    else:
        assert followed.mimetype == "text/html"


def test_doc_negotiates_and_answers_extensions(client):
    for extension, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                             ("rdf", "application/rdf+xml"), ("nt", "application/n-triples"),
                             ("html", "text/html")):
        response = client.get(f"/doc/note/autonomie-du-groupe.{extension}")
        assert response.status_code == 200 and response.mimetype == media
    negotiated = client.get("/doc/note/autonomie-du-groupe", headers={"Accept": "text/turtle"})
    assert negotiated.mimetype == "text/turtle" and "Accept" in negotiated.headers["Vary"]
    assert client.get("/doc/note/autonomie-du-groupe.xyz").status_code == 404


def test_nothing_acceptable_is_406(client):
    assert client.get(NOTE, headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/doc/note/autonomie-du-groupe",
                      headers={"Accept": "image/png"}).status_code == 406


def test_head_works(client):
    response = client.head("/doc/note/autonomie-du-groupe.ttl")
    assert response.status_code == 200 and response.data == b""
    assert response.headers["ETag"]


def test_unknown_private_and_malformed_keys_are_404(client):
    for path in ("/id/note/nope", "/id/note/brouillon-questions-autonomie",
                 "/id/notebook/carnet-de-travail-autonomie", "/id/unknown-kind/x",
                 "/id/note/Bad_Key"):
        assert client.get(path).status_code == 404, path
    page = client.get("/id/note/nope", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "Introuvable" in page.get_data(as_text=True)
    english = client.get("/id/note/nope?lang=en", headers={"Accept": "text/html"})
    assert "Not found" in english.get_data(as_text=True)


def test_withdrawn_resource_is_410(settings, loaded_store, client, tmp_path):
    path = write(tmp_path / "n.ttl", public_note("ephemere"))
    pipeline.load([path], settings, loaded_store)
    assert client.get("/id/note/ephemere").status_code == 303
    write(path, public_note("ephemere").replace("ckg:Public", "ckg:Private"))
    pipeline.load([path], settings, loaded_store)
    assert client.get("/id/note/ephemere").status_code == 410
    assert client.get("/doc/note/ephemere.ttl").status_code == 410


def test_etag_and_last_modified_give_304(client):
    first = client.get("/doc/note/autonomie-du-groupe.ttl")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/doc/note/autonomie-du-groupe.ttl",
                      headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/doc/note/autonomie-du-groupe.ttl",
                      headers={"If-Modified-Since": modified}).status_code == 304
    other = client.get("/doc/note/autonomie-du-groupe.jsonld").headers["ETag"]
    assert other != etag


def test_rdf_document_content(client):
    graph = Graph().parse(data=client.get("/doc/note/autonomie-du-groupe.ttl").data,
                          format="turtle")
    doc = URIRef(BASE + "doc/note/autonomie-du-groupe")
    assert (doc, FOAF.primaryTopic, NOTE_IRI) in graph
    assert (doc, VOID.inDataset, URIRef(BASE + ".well-known/void#dataset")) in graph
    assert graph.value(doc, DCTERMS.license) is not None
    # labels of what it links to, and schema.org statements for generic crawlers
    community = URIRef(BASE + "id/community/passerelles")
    assert graph.value(community, DCTERMS.title) is not None
    assert (NOTE_IRI, RDF.type, SCHEMA.Article) in graph
    assert (NOTE_IRI, SCHEMA.name, None) in graph
    # backlinks a reader needs: the notebook membership, with its section
    membership = URIRef(BASE + "id/notebook/cdp-transfert-connaissances#m-4-5")
    assert (membership, CKG.member, NOTE_IRI) in graph
    assert str(graph.value(membership, CKG.sectionNumber)) == "4.5"
    # nothing about the private draft that links to this note
    assert "brouillon" not in graph.serialize(format="nt")


def test_backlinks_are_paginated(client):
    # the community has many incoming links; one per page here
    from carnet_kg.describe import describe
    from carnet_kg.web import context  # noqa: F401

    app = client.application
    with app.app_context():
        store = app.extensions["carnet_kg.store"]
        settings = app.config["CARNET_KG"]
        first = describe(store, settings, "community", "passerelles", per_page=1)
        second = describe(store, settings, "community", "passerelles", page=2, per_page=1)
    assert first.next_page == 2
    assert set(first.graph.subjects(None, URIRef(BASE + "id/community/passerelles"))) != set(
        second.graph.subjects(None, URIRef(BASE + "id/community/passerelles")))


def test_canonical_iris_do_not_follow_the_request_host(client):
    response = client.get("/doc/note/autonomie-du-groupe.ttl",
                          base_url="http://other-host.example:8080")
    assert BASE.encode() in response.data and b"other-host" not in response.data


def test_note_page_in_french_and_english(client):
    french = client.get("/doc/note/autonomie-du-groupe",
                        headers={"Accept": "text/html", "Accept-Language": "fr"})
    page = french.get_data(as_text=True)
    assert french.headers["Content-Language"] == "fr"
    assert "Une réelle autonomie du groupe" in page
    assert "Intégré par" in page and "Joël Nadeau" in page and "6 décembre 2023 10:18" in page
    assert "Section 4.5" in page and "Résultats" in page
    assert 'rel="next" href="/doc/note/temps-suffisant-pour-les-activites"' in page
    assert "Les CdP 1 et 2" in page and "<p>" in page  # the body, rendered
    assert "brouillon" not in page.lower()
    english = client.get("/doc/note/autonomie-du-groupe?lang=en",
                         headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Genuine group autonomy" in english and "Integrated by" in english
    assert "6 December 2023 10:18" in english


def test_page_embeds_the_same_triples_as_the_jsonld_document(client):
    page = client.get("/doc/note/autonomie-du-groupe.html").get_data(as_text=True)
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">')
    embedded = page[start:page.index("</script>", start)]
    from rdflib.compare import isomorphic

    document = Graph().parse(data=client.get("/doc/note/autonomie-du-groupe.jsonld").data,
                             format="json-ld")
    assert isomorphic(Graph().parse(data=embedded, format="json-ld"), document)
    for extension in ("ttl", "jsonld", "rdf", "nt"):
        assert f'href="/doc/note/autonomie-du-groupe.{extension}"' in page


def test_markdown_body_is_sanitised(settings, loaded_store, client, tmp_path):
    body = '; ckg:body """Texte <script>alert(1)</script> [lien](javascript:alert(2))"""@fr'
    pipeline.load([write(tmp_path / "x.ttl", public_note("piege", extra=body))], settings,
                  loaded_store)
    page = client.get("/doc/note/piege.html").get_data(as_text=True)
    assert "<script>alert" not in page and 'href="javascript:' not in page
    assert "Texte" in page


def test_term_and_notebook_pages(client):
    term = client.get("/doc/term/autonomie.html").get_data(as_text=True)
    assert "autonomie" in term and "autogestion" in term  # narrower term
    assert "Une réelle autonomie du groupe" in term  # a note using it (backlink)
    notebook = client.get("/doc/notebook/cdp-transfert-connaissances.html").get_data(
        as_text=True).split("<main", 1)[1]
    assert notebook.index("Table des matières") < notebook.index("4.5")
    assert "Résultats <span class=\"count\">(2)</span>" in notebook
    data = json.loads(client.get("/?format=json").data)
    assert data["notebooks"]


def test_term_page_shows_labels_per_language_and_mappings_as_links_out(settings, loaded_store,
                                                                        client, tmp_path):
    term = """
<id/term/essai> a ckg:Term, skos:Concept ;
    skos:prefLabel "essai"@fr, "trial"@en ; skos:altLabel "test"@fr ;
    skos:definition "Un terme pour le test."@fr ;
    skos:exactMatch <http://www.wikidata.org/entity/Q1000001> ;
    ckg:visibility ckg:Public ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-02T10:00:00Z"^^xsd:dateTime .
"""
    pipeline.load([write(tmp_path / "t.ttl", term)], settings, loaded_store)
    page = client.get("/doc/term/essai.html").get_data(as_text=True).split("<main", 1)[1]
    assert "essai" in page and "trial" in page and "test (fr)" in page
    assert "Un terme pour le test." in page
    assert 'href="http://www.wikidata.org/entity/Q1000001" rel="external"' in page
    assert "Wikidata" in page
