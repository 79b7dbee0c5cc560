"""The write API (PUT / DELETE /doc/…, the Graph Store Protocol at /store), optimistic
concurrency, the history of every change, tombstones, and export → load with history."""

from __future__ import annotations

import io
import re

import pytest
from rdflib import Graph, URIRef

from carnet_kg import pipeline, revisions
from carnet_kg.config import Settings
from carnet_kg.identifiers import Identifiers
from carnet_kg.store import open_store
from carnet_kg.web import create_app

from .backends import engine_settings
from .conftest import BASE, PREFIXES, PRIVATE_KEYS, public_note

TOKENS = "alice:alice-secret-token,platform:platform-secret-token"
ALICE = {"Authorization": "Bearer alice-secret-token", "Content-Type": "text/turtle"}
PLATFORM = {"Authorization": "Bearer platform-secret-token", "Content-Type": "text/turtle"}
NOTE = BASE + "id/note/essai"
MARKER = "Zanzibar-7c1f"  # a string that must never be served once the note is private


def note(title: str = "Essai", visibility: str = "Public", extra: str = "") -> str:
    body = public_note("essai", title, extra)
    return PREFIXES + body.replace("ckg:Public", f"ckg:{visibility}")


@pytest.fixture
def client(settings, loaded_store):
    app = create_app(settings.with_(write_tokens=TOKENS, query_workers=1), loaded_store)
    return app.test_client()


def etag(client, path: str = "/doc/note/essai.ttl") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.headers["ETag"]


# ---- authentication ----------------------------------------------------------------------

@pytest.mark.parametrize("method", ["put", "delete"])
@pytest.mark.parametrize("headers, status", [
    ({}, 401),
    ({"Authorization": "Basic YWxpY2U6eA=="}, 401),
    ({"Authorization": "Bearer wrong-token"}, 403),
    ({"Authorization": "Bearer alice-secret-token "[:-2]}, 403),  # a prefix of a real token
])
def test_writes_without_a_valid_token_change_nothing(client, loaded_store, method, headers,
                                                     status):
    before = loaded_store.version()
    response = getattr(client, method)("/doc/note/autonomie-du-groupe", data=note(),
                                       headers={**headers, "Content-Type": "text/turtle"})
    assert response.status_code == status
    assert "secret" not in response.text
    assert loaded_store.version() == before


def test_writes_are_refused_when_no_token_is_configured(settings, loaded_store):
    client = create_app(settings.with_(query_workers=1), loaded_store).test_client()
    response = client.put("/doc/note/essai", data=note(), headers=ALICE)
    assert response.status_code == 403 and "no write token configured" in response.text


# ---- PUT, concurrency, validation --------------------------------------------------------

def test_create_then_replace_with_if_match(client):
    created = client.put("/doc/note/essai", data=note(), headers=ALICE)
    assert created.status_code == 201, created.text
    assert "revision 1" in created.text
    unguarded = client.put("/doc/note/essai", data=note("Sans garde"), headers=ALICE)
    assert unguarded.status_code == 428
    first = etag(client)
    replaced = client.put("/doc/note/essai", data=note("Deuxième"),
                          headers={**PLATFORM, "If-Match": first})
    assert replaced.status_code == 200 and "revision 2" in replaced.text
    stale = client.put("/doc/note/essai", data=note("Troisième"),
                       headers={**ALICE, "If-Match": first})
    assert stale.status_code == 412 and "revision 2" in stale.text
    assert "Deuxième" in client.get("/doc/note/essai.ttl").text
    assert client.put("/doc/note/essai", data=note(), headers={
        **ALICE, "If-None-Match": "*"}).status_code == 412


def test_two_editors_cannot_overwrite_each_other(client):
    client.put("/doc/note/essai", data=note(), headers=ALICE)
    seen_by_both = etag(client)
    one = client.put("/doc/note/essai", data=note("Version d'Alice"),
                     headers={**ALICE, "If-Match": seen_by_both})
    other = client.put("/doc/note/essai", data=note("Version de la plateforme"),
                       headers={**PLATFORM, "If-Match": seen_by_both})
    assert (one.status_code, other.status_code) == (200, 412)
    assert "Version d'Alice" in client.get("/doc/note/essai.ttl").text


def test_an_invalid_description_gets_422_with_the_report(client, loaded_store):
    before = loaded_store.version()
    broken = note(extra='; dcterms:titel "typo"@fr')
    response = client.put("/doc/note/essai", data=broken, headers=ALICE)
    assert response.status_code == 422
    assert "dcterms:titel" in response.text and "not allowed on a note" in response.text
    as_rdf = client.put("/doc/note/essai", data=broken, headers={**ALICE,
                                                                 "Accept": "text/turtle"})
    report = Graph().parse(data=as_rdf.text, format="turtle")
    assert (None, URIRef("http://www.w3.org/ns/shacl#conforms"), None) in report
    assert loaded_store.version() == before


@pytest.mark.parametrize("body, content_type, status, message", [
    ("not turtle at all <<", "text/turtle", 400, "not valid text/turtle"),
    ("{}", "application/json", 415, "send the description as one of"),
    (PREFIXES + public_note("autre"), "text/turtle", 400, "must describe"),
])
def test_bad_bodies_are_refused_with_a_reason(client, loaded_store, body, content_type,
                                              status, message):
    before = loaded_store.version()
    response = client.put("/doc/note/essai", data=body,
                          headers={**ALICE, "Content-Type": content_type})
    assert response.status_code == status and message in response.text
    assert loaded_store.version() == before


def test_a_jsonld_body_naming_a_remote_context_is_refused(client, loaded_store):
    body = ('{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "' + NOTE + '", '
            '"@type": "GeneralNote"}')
    response = client.put("/doc/note/essai", data=body,
                          headers={**ALICE, "Content-Type": "application/ld+json"})
    assert response.status_code == 400 and "context" in response.text


# ---- visibility changes and deletion ------------------------------------------------------

def _everything_served(client) -> str:
    """What a harvester or a curious user can read: the doc, SPARQL, OAI, dumps, search."""
    parts = [client.get("/doc/note/autonomie-du-groupe.ttl").text,
             client.get("/sparql", query_string={
                 "query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"},
                 headers={"Accept": "application/n-triples"}).text,
             client.get("/oai", query_string={"verb": "ListRecords",
                                              "metadataPrefix": "oai_dc"}).text,
             client.get("/store", query_string={"default": ""}).text,
             *_change_feed(client)]
    found = client.get("/search", query_string={"q": MARKER, "format": "json"}).json
    parts += [hit["title"] + hit["iri"] for hit in found["results"]]
    return "\n".join(parts)


def _change_feed(client) -> list[str]:
    """Every page of the change feed, from its first to its last."""
    collection = client.get("/changes").json
    pages, url = [], collection["first"]["id"]
    while url:
        page = client.get(url.replace("http://localhost", "")).json
        pages.append(str(page))
        url = page.get("next", {}).get("id")
    return pages


def test_a_note_made_private_disappears_everywhere_and_harvesters_see_it_deleted(client):
    linked = f"; ckg:relatedNote <{NOTE}>"
    client.put("/doc/note/essai", data=note(MARKER), headers=ALICE)
    assert MARKER in _everything_served(client)
    private = client.put("/doc/note/essai", data=note(MARKER, "Private"),
                         headers={**ALICE, "If-Match": etag(client)})
    assert private.status_code == 200 and "withdrawn" in private.text
    served = _everything_served(client)
    assert MARKER not in served
    assert client.get("/doc/note/essai").status_code == 410
    assert client.get("/doc/note/essai/revisions").status_code == 410
    assert client.get("/doc/note/essai/revisions/1.ttl").status_code == 410
    record = client.get("/oai", query_string={"verb": "GetRecord", "metadataPrefix": "oai_dc",
                                              "identifier": NOTE}).text
    assert 'status="deleted"' in record
    # a public note linking to it: the link is dropped on write
    other = PREFIXES + public_note("voisine", "Voisine", linked)
    written = client.put("/doc/note/voisine", data=other, headers=ALICE)
    assert "1 link(s) to non-public resources dropped" in written.text
    assert NOTE not in client.get("/doc/note/voisine.ttl").text


def test_delete_leaves_a_tombstone_with_when_and_who(client):
    client.put("/doc/note/essai", data=note(), headers=ALICE)
    client.put("/doc/note/voisine", data=PREFIXES + public_note(
        "voisine", "Voisine", f"; ckg:relatedNote <{NOTE}>"), headers=ALICE)
    assert client.delete("/doc/note/essai", headers=ALICE).status_code == 428
    deleted = client.delete("/doc/note/essai", headers={**PLATFORM, "If-Match": etag(client)})
    assert deleted.status_code == 200, deleted.text
    gone = client.get("/doc/note/essai.ttl")
    assert gone.status_code == 410
    assert re.search(r"deleted at \d{4}-\d\d-\d\dT[\d:]+\+00:00 by platform", gone.text)
    page = client.get("/doc/note/essai", headers={"Accept": "text/html"}).text
    assert "Supprimée le" in page and "platform" in page
    assert NOTE not in client.get("/doc/note/voisine.ttl").text  # the link went with it
    assert any("'Delete'" in page and NOTE in page for page in _change_feed(client))
    assert client.delete("/doc/note/essai", headers=ALICE).status_code == 410


# ---- history ------------------------------------------------------------------------------

def test_history_is_readable_in_html_and_prov_o(client):
    client.put("/doc/note/essai", data=note("Premier titre"), headers=ALICE)
    client.put("/doc/note/essai", data=note("Second titre"),
               headers={**PLATFORM, "If-Match": etag(client)})
    page = client.get("/doc/note/essai", headers={"Accept": "text/html"}).text
    assert "Historique des modifications" in page
    assert "création, par alice" in page and "modification, par platform" in page
    prov = Graph().parse(data=client.get("/doc/note/essai/revisions.ttl").text,
                         format="turtle")
    query = """PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX foaf: <http://xmlns.com/foaf/0.1/>
        PREFIX ckg: <https://w3id.org/carnet-kg/ontology#>
        SELECT ?n ?who ?before WHERE { ?r ckg:revisionNumber ?n ; prov:wasAttributedTo ?a .
            ?a foaf:name ?who . OPTIONAL { ?r prov:wasRevisionOf ?p . ?p ckg:revisionNumber
            ?before } } ORDER BY ?n"""
    rows = [(int(r.n), str(r.who), r.before and int(r.before)) for r in prov.query(query)]
    assert rows == [(1, "alice", None), (2, "platform", 1)]
    old = client.get("/doc/note/essai/revisions/1.ttl")
    assert old.status_code == 200 and "Premier titre" in old.text
    assert "Second titre" not in old.text
    assert 'rel="latest-version"' in old.headers["Link"]
    archived = client.get("/doc/note/essai/revisions/1", headers={"Accept": "text/html"}).text
    assert "Version archivée" in archived and "Premier titre" in archived
    assert client.get("/doc/note/essai/revisions/9.ttl").status_code == 404
    assert 'rel="version-history"' in client.get("/doc/note/essai.ttl").headers["Link"]


def test_export_then_load_restores_everything_with_history(client, loaded_store, tmp_path):
    client.put("/doc/note/essai", data=note(), headers=ALICE)
    client.put("/doc/note/essai", data=note("Modifiée"),
               headers={**PLATFORM, "If-Match": etag(client)})
    client.put("/doc/note/supprimee", data=PREFIXES + public_note("supprimee"), headers=ALICE)
    client.delete("/doc/note/supprimee", headers={
        **ALICE, "If-Match": etag(client, "/doc/note/supprimee.ttl")})
    ids = Identifiers(BASE)
    exported = io.BytesIO()
    loaded_store.dump(exported, "nquads")
    count = revisions.dump_history(loaded_store, ids, exported, "nquads")
    assert count >= 5
    path = tmp_path / "export.nq"
    path.write_bytes(exported.getvalue())
    settings = Settings(base=BASE, store=str(tmp_path / "restored"),
                        **engine_settings(tmp_path / "restored"))
    restored = open_store(settings)
    try:
        pipeline.load([path], settings, restored)
        for doc in ("doc/note/essai", "doc/note/supprimee", "doc/term/autonomie"):
            before = [(r.revision, r.agent, r.action, r.time)
                      for r in loaded_store.history.revisions(BASE + doc)]
            after = [(r.revision, r.agent, r.action, r.time)
                     for r in restored.history.revisions(BASE + doc)]
            assert before == after and before, doc
        old = restored.history.revision(BASE + "doc/note/essai", 1)
        assert old is not None and '"Essai"@fr' in old.ntriples
        app = create_app(settings.with_(query_workers=1), restored).test_client()
        assert app.get("/doc/note/supprimee.ttl").status_code == 410
        assert "Modifiée" in app.get("/doc/note/essai.ttl").text
        assert app.get("/doc/note/essai.ttl").headers["ETag"].startswith('"r2-')
    finally:
        restored.close()


def test_private_sample_content_is_in_no_history(loaded_store):
    for key in PRIVATE_KEYS:
        kind, name = key.split("/")[1:]
        assert loaded_store.history.revisions(BASE + f"doc/{kind}/{name}") == []


# ---- the Graph Store Protocol ----------------------------------------------------------

def test_graph_store_reads_and_writes_graphs(client):
    doc = BASE + "doc/term/autonomie"
    got = client.get("/store", query_string={"graph": doc},
                     headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and "autonomie" in got.text
    assert client.get("/store", query_string={"graph": BASE + "doc/note/nope"}
                      ).status_code == 404
    # bulk merge into the default graph: two new notes in one request
    bulk = PREFIXES + public_note("un", "Un") + public_note("deux", "Deux")
    merged = client.post("/store?default", data=bulk, headers=ALICE)
    assert merged.status_code == 200, merged.text
    assert client.get("/doc/note/un.ttl").status_code == 200
    # merge one statement into a resource graph
    extra = PREFIXES + f'<{BASE}id/note/un> dcterms:description "ajout"@fr .'
    client.post("/store", query_string={"graph": BASE + "doc/note/un"}, data=extra,
                headers=ALICE)
    assert "ajout" in client.get("/doc/note/un.ttl").text
    # replace a resource graph: If-Match as for PUT /doc
    doc_un = BASE + "doc/note/un"
    assert client.put("/store", query_string={"graph": doc_un}, data=bulk,
                      headers=ALICE).status_code == 428
    # an external graph, then its removal
    external = "https://vocab.example.org/graph"
    thesaurus = '<http://vocab.example.org/c/1> <http://www.w3.org/2004/02/skos/core#' \
                'prefLabel> "Autonomie"@fr .'
    made = client.put("/store", query_string={"graph": external}, data=thesaurus,
                      headers={**ALICE, "Content-Type": "application/n-triples"})
    assert made.status_code == 201, made.text
    assert "Autonomie" in client.get("/store", query_string={"graph": external}).text
    assert client.delete("/store", query_string={"graph": external},
                         headers=ALICE).status_code == 200
    assert client.get("/store", query_string={"graph": external}).status_code == 404
    # the metadata graph is ours
    assert client.put("/store", query_string={"graph": BASE + "graph/metadata"},
                      data=thesaurus, headers=ALICE).status_code == 403
    assert client.put("/store?default", data=bulk, headers=ALICE).status_code == 405
    assert client.get("/store").status_code == 400


# ---- through a real server and independent clients ----------------------------------------

def test_edit_sequence_over_http_is_seen_by_a_harvester(tmp_path):
    from sickle import Sickle

    from .servers import http, running_server

    auth = {"Authorization": "Bearer alice-secret-token", "Content-Type": "text/turtle"}
    with running_server(tmp_path, {"CARNET_KG_WRITE_TOKENS": TOKENS}) as url:
        status, headers, _ = http(f"{url}/doc/note/essai", "PUT", note(MARKER), **auth)
        assert status == 201
        got, headers, body = http(f"{url}/doc/note/essai.ttl", "GET")
        assert got == 200, (got, headers, body)
        first = headers["ETag"]
        status, _, _ = http(f"{url}/doc/note/essai", "PUT", note("Public encore"),
                                **auth, **{"If-Match": first})
        assert status == 200
        status, _, text = http(f"{url}/doc/note/essai", "PUT", note("Conflit"),
                                   **auth, **{"If-Match": first})
        assert status == 412, text
        _, headers, _ = http(f"{url}/doc/note/essai.ttl", "GET")
        status, _, _ = http(f"{url}/doc/note/essai", "PUT", note(MARKER, "Private"),
                                **auth, **{"If-Match": headers["ETag"]})
        assert status == 200
        records = {r.identifier: r.deleted
                   for r in Sickle(f"{url}/oai").ListIdentifiers(metadataPrefix="oai_dc")}
        assert records[NOTE] is True
        status, _, text = http(f"{url}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%20FILTER("
                                   f"CONTAINS(STR(%3Fo)%2C%22{MARKER}%22))%7D", "GET",
                                   Accept="application/sparql-results+json")
        assert status == 200 and '"boolean":false' in text.replace(" ", "")
        status, _, text = http(f"{url}/doc/note/essai/revisions", "GET")
        assert status == 410


# ---- found by review: each of these once went wrong -----------------------------------

HISTORY = f"""@prefix ckg: <https://w3id.org/carnet-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{BASE}graph/history> {{
  <{BASE}doc/note/victim/revisions/7> a ckg:Revision ;
    prov:specializationOf <{BASE}doc/note/victim> ; ckg:revisionNumber 7 ;
    prov:generatedAtTime "2024-01-01T00:00:00Z"^^xsd:dateTime ;
    prov:wasAttributedTo <{BASE}agents/bob> ; rdfs:label "deleted" .
  <{BASE}agents/bob> foaf:name "bob" .
}}
"""


def test_nobody_writes_history_through_the_write_routes(client, loaded_store):
    body = HISTORY + note().replace(PREFIXES, "").replace("<id/note/essai>", f"<{NOTE}>")
    forged = client.put("/doc/note/essai", data=PREFIXES + body,
                        headers={**ALICE, "Content-Type": "application/trig"})
    assert forged.status_code == 400 and "history" in forged.text
    assert client.get("/doc/note/victim.ttl").status_code == 404
    update = (f"INSERT DATA {{ GRAPH <{BASE}graph/history> {{ <{BASE}x> "
              "<http://www.w3.org/2000/01/rdf-schema#label> \"x\" } }")
    refused = client.post("/sparql", data={"update": update},
                          headers={"Authorization": ALICE["Authorization"]})
    assert refused.status_code in (400, 403) and "history" in refused.text


def test_posting_to_an_external_graph_merges_our_resources_not_replaces(client, loaded_store):
    term = f"{BASE}id/term/autonomie"
    before = len(loaded_store.graph(URIRef(f"{BASE}doc/term/autonomie")))
    extra = f'<{term}> <http://www.w3.org/2004/02/skos/core#altLabel> "auto-détermination"@fr .'
    posted = client.post("/store", query_string={"graph": "http://ext.example/g"}, data=extra,
                         headers={**ALICE, "Content-Type": "application/n-triples"})
    assert posted.status_code == 200, posted.text
    after = loaded_store.graph(URIRef(f"{BASE}doc/term/autonomie"))
    assert len(after) == before + 1 and "auto-détermination" in after.serialize(format="nt")


def test_an_old_version_does_not_show_a_note_made_private_since(client):
    notebook = "/doc/notebook/cdp-transfert-connaissances/revisions/1.ttl"
    assert "autonomie-du-groupe" in client.get(notebook).text
    made_private = client.get("/doc/note/autonomie-du-groupe.ttl")
    graph = Graph().parse(data=made_private.text, format="turtle")
    thing = URIRef(f"{BASE}id/note/autonomie-du-groupe")
    own = Graph()
    for triple in graph.triples((thing, None, None)):
        if "schema.org" not in str(triple[1]):
            own.add(triple)
    body = own.serialize(format="turtle").replace(
        "ckg:Public", "ckg:Private").replace("ns1:Public", "ns1:Private")
    assert "Private" in body
    written = client.put("/doc/note/autonomie-du-groupe", data=body,
                         headers={**ALICE, "If-Match": made_private.headers["ETag"]})
    assert written.status_code == 200 and "withdrawn" in written.text, written.text
    assert "autonomie-du-groupe" not in client.get(notebook).text


def test_an_update_removing_one_note_and_hiding_another_removes_both(client, loaded_store):
    for key, extra in (("b", ""), ("a", f"; ckg:relatedNote <{BASE}id/note/b>")):
        created = client.put(f"/doc/note/{key}", headers=ALICE,
                             data=PREFIXES + public_note(key, key.upper(), extra))
        assert created.status_code == 201, created.text
    update = (f"PREFIX ckg: <https://w3id.org/carnet-kg/ontology#> "
              f"DELETE WHERE {{ <{BASE}id/note/a> ?p ?o }} ; "
              f"DELETE {{ <{BASE}id/note/b> ckg:visibility ckg:Public }} "
              f"INSERT {{ <{BASE}id/note/b> ckg:visibility ckg:Private }} WHERE {{}}")
    done = client.post("/sparql", data={"update": update},
                       headers={"Authorization": ALICE["Authorization"]})
    assert done.status_code == 200, done.text
    assert client.get("/doc/note/a.ttl").status_code == 410
    assert len(loaded_store.graph(URIRef(f"{BASE}doc/note/a"))) == 0
    assert not loaded_store.query(f"ASK {{ <{BASE}id/note/a> ?p ?o }}").boolean
