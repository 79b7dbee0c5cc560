"""The /sparql endpoint through Flask's test client (worker processes on a store on disk)."""

from __future__ import annotations

import json

import pytest

from carnet_kg import pipeline
from carnet_kg.config import Settings
from carnet_kg.store import open_store
from carnet_kg.web import create_app

from .backends import engine_settings
from .conftest import BASE, SAMPLE

CKG = "https://w3id.org/carnet-kg/ontology#"
TERMS = f"SELECT ?t WHERE {{ ?t a <{CKG}Term> }} ORDER BY ?t"
TOKEN = "endpoint-test-token"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("endpoint")
    settings = Settings(base=BASE, store=str(folder / "store"),
                        **engine_settings(folder / "store"), max_rows=4, write_token=TOKEN,
                        max_request_bytes=20_000, query_workers=2)
    store = open_store(settings)
    pipeline.load([SAMPLE], settings, store)
    application = create_app(settings, store)
    yield application
    application.extensions["carnet_kg.executor"].close()
    store.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.mark.parametrize("accept, media", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv;q=0.2, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
])
def test_select_formats_by_negotiation(client, accept, media):
    response = client.get("/sparql", query_string={"query": TERMS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("accept, media", [
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/n-triples", "application/n-triples"),
    ("*/*", "text/turtle"),
])
def test_construct_formats(client, accept, media):
    query = f"CONSTRUCT {{ ?t a <{CKG}Term> }} WHERE {{ ?t a <{CKG}Term> }}"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == media
    assert b"/id/term/" in response.data


def test_format_parameter_overrides_accept(client):
    response = client.get("/sparql", query_string={"query": TERMS, "format": "csv"},
                          headers={"Accept": "application/sparql-results+xml"})
    assert response.mimetype == "text/csv"
    assert response.data.decode().splitlines()[0] == "t"


def test_nothing_acceptable_is_406(client):
    response = client.get("/sparql", query_string={"query": TERMS},
                          headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert b"application/sparql-results+json" in response.data
    ask = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "text/csv"})
    assert ask.status_code == 406


def test_row_cap_sets_the_truncated_header(client):
    response = client.get("/sparql", query_string={"query": TERMS})
    data = json.loads(response.data)
    assert len(data["results"]["bindings"]) == 4
    assert response.headers["X-Result-Truncated"] == "true"
    assert response.headers["X-Result-Limit"] == "4"
    small = client.get("/sparql", query_string={"query": TERMS + " LIMIT 2"})
    assert "X-Result-Truncated" not in small.headers


def test_malformed_query_is_400_with_position(client):
    response = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?y"})
    assert response.status_code == 400
    assert b"malformed query" in response.data and b"1:" in response.data


def test_service_is_refused_with_400(client):
    query = "SELECT * WHERE { SERVICE <http://remote.example/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400 and b"not allowed" in response.data


def test_from_names_store_graphs_and_never_fetches(client):
    # a host that cannot resolve: fetching it would fail, not answer an empty result
    query = "SELECT * FROM <http://carnet-kg-test.invalid/data.ttl> WHERE { ?s ?p ?o }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200
    assert json.loads(response.data)["results"]["bindings"] == []
    dataset = client.get("/sparql", query_string={
        "query": "ASK { ?s ?p ?o }", "default-graph-uri": "http://carnet-kg-test.invalid/g"})
    assert b"false" in dataset.data


def test_oversized_request_is_413(client):
    big = "ASK { ?s ?p ?o } #" + "x" * 30_000
    response = client.post("/sparql", data=big, content_type="application/sparql-query")
    assert response.status_code == 413


def test_head_and_options(client):
    head = client.head("/sparql", query_string={"query": "ASK {}"})
    assert head.status_code == 200 and head.data == b""
    options = client.options("/sparql")
    assert options.status_code == 204
    assert "POST" in options.headers["Access-Control-Allow-Methods"]


def test_service_description_negotiates(client):
    turtle = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle" and b"sd:endpoint" in turtle.data
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json"
    assert b"SPARQL11Update" in turtle.data  # a write token is configured here


def test_void_description(client):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and b"void:sparqlEndpoint" in response.data


def update(client, text, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/sparql", data=text.encode(), headers=headers,
                       content_type="application/sparql-update")


def test_update_needs_the_token(client):
    assert update(client, "CLEAR ALL", token=None).status_code == 401
    assert update(client, "CLEAR ALL", token="wrong").status_code == 403
    assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).data.find(
        b"true") > 0


def test_update_that_breaks_a_shape_is_422_and_changes_nothing(client):
    note = f"<{BASE}id/note/autonomie-du-groupe>"
    response = update(client, f"DELETE WHERE {{ {note} <http://purl.org/dc/terms/title> ?t }}")
    assert response.status_code == 422
    assert b"dcterms:title" in response.data
    still = client.get("/sparql", query_string={
        "query": f"ASK {{ {note} <http://purl.org/dc/terms/title> ?t }}"})
    assert b"true" in still.data


def test_update_linking_to_a_private_note_is_refused(client):
    note = f"<{BASE}id/note/autonomie-du-groupe>"
    private = f"<{BASE}id/note/plan-carnet-de-travail>"
    response = update(client, f"INSERT DATA {{ {note} <{CKG}relatedNote> {private} }}")
    assert response.status_code in (403, 422)
    assert b"plan-carnet" not in response.data


def test_update_load_is_refused(client):
    response = update(client, "LOAD <http://remote.example/data.ttl>")
    assert response.status_code == 400 and b"LOAD" in response.data


def test_update_applies_and_queries_see_it(client):
    ask = {"query": 'ASK { GRAPH <http://ext.example/g> { ?s ?p "v" } }'}
    assert b"false" in client.get("/sparql", query_string=ask).data  # now in the cache
    response = update(client, 'INSERT DATA { GRAPH <http://ext.example/g> '
                              '{ <http://ext.example/a> <http://ext.example/p> "v" } }')
    assert response.status_code == 200, response.data
    assert b"true" in client.get("/sparql", query_string=ask).data  # not the cached answer


def test_star_accept_gets_the_service_description_and_html_varies(client):
    star = client.get("/sparql", headers={"Accept": "*/*"})
    assert star.mimetype == "text/turtle"
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html" and "Accept" in page.headers["Vary"]
    assert b"ontology#" in page.data  # the query page, with our prefixes


def test_other_methods_get_405_with_allow(client):
    response = client.open("/sparql", method="TRACE")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_ask_negotiation_skips_formats_ask_has_not(client):
    response = client.get("/sparql", query_string={"query": "ASK {}"},
                          headers={"Accept": "text/csv, application/sparql-results+json;q=0.5"})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"


def test_triple_terms_in_results(client):
    query = "SELECT ?t { BIND(<<( <http://a.example/s> <http://a.example/p> 1 )>> AS ?t) }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200 and b"triple" in response.data


def test_service_description_names_the_void_dataset(client):
    graph = client.get("/sparql", headers={"Accept": "text/turtle"}).data
    assert f"<{BASE}.well-known/void#dataset>".encode() in graph or \
        b".well-known/void#dataset" in graph


@pytest.mark.parametrize("text", [
    f"INSERT DATA {{ GRAPH <{BASE}doc/xyz> {{ <http://x.example/a> <http://x.example/b> 1 }} }}",
    f"INSERT DATA {{ <{BASE}id/note/autonomie-du-groupe> <http://x.example/p> _:b . "
    f"<{BASE}id/note/temps-suffisant-pour-les-activites> <http://x.example/p> _:b }}",
    "INSERT DATA { GRAPH <http://x.example/g> { <http://x.example/a> <http://x.example/b> "
    "<<( <http://a.example/s> <http://a.example/p> <http://a.example/o> )>> } }",
])
def test_updates_the_store_cannot_hold_are_400(client, text):
    response = update(client, text)
    assert response.status_code == 400, response.data


@pytest.mark.parametrize("text", [
    f'INSERT DATA {{ GRAPH <http://x.example/g2> {{ <http://x.example/a> '
    f'<{BASE}id/note/brouillon-questions-autonomie> "leak" }} }}',
    f'INSERT DATA {{ GRAPH <http://x.example/g3> {{ <http://x.example/a> <http://x.example/p> '
    f'"leak"^^<{BASE}id/notebook/carnet-de-travail-autonomie> }} }}',
    f"INSERT DATA {{ GRAPH <http://x.example/g4> {{ <http://x.example/a> <http://x.example/rel> "
    f"<{BASE}id/note/plan-carnet-de-travail> }} }}",
])
def test_updates_naming_withheld_resources_in_other_graphs_are_refused(client, text):
    response = update(client, text)
    assert response.status_code == 403, response.data
    assert b"leak" not in client.get("/sparql", query_string={
        "query": "SELECT * { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'http://x.'))}",
        "format": "csv"}).data


def test_external_triples_sent_to_the_default_graph_are_kept(client):
    response = update(client, 'INSERT DATA { <http://x.example/s1> <http://x.example/p> '
                              '"hello-default" }')
    assert response.status_code == 200, response.data
    found = client.get("/sparql", query_string={
        "query": f'ASK {{ GRAPH <{BASE}graph/source/sparql-update> {{ ?s ?p "hello-default" }} }}'})
    assert b"true" in found.data
    again = update(client, 'INSERT DATA { <http://x.example/s2> <http://x.example/p> "second" }')
    assert again.status_code == 200
    both = client.get("/sparql", query_string={
        "query": 'ASK { ?a ?p "hello-default" . ?b ?q "second" }'})
    assert b"true" in both.data  # the first one was not lost
