"""The server calls no one a client names: a local listener (http.server on a free port, in a
thread) records every connection it receives while the real server is sent SERVICE, LOAD, FROM,
default-graph-uri, JSON-LD remote contexts (PUT /doc/…, POST /store), RDF/XML external
entities, reconciliation ids and any other URL a client may supply. It must receive nothing."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest

from ..conftest import BASE, PREFIXES, public_note
from .support import ALICE_TOKEN, TOKENS, Listener, fetch, problems, record, server

AUTH = {"Authorization": f"Bearer {ALICE_TOKEN}"}
NOTE = BASE + "id/note/sortie"
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"


@pytest.fixture(scope="module")
def listener():
    with Listener() as running:
        yield running


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("outbound")
    with server(folder, {"CARNET_KG_WRITE_TOKENS": TOKENS, "CARNET_KG_QUERY_TIMEOUT": "3",
                         "CARNET_KG_UPDATE_TIMEOUT": "5"}) as running:
        yield running


def queries(at: str) -> list[str]:
    """SERVICE, FROM and friends naming the listener, in as many spellings as we know."""
    return [
        f"SELECT * WHERE {{ SERVICE <{at}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{at}/sparql> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{at}/lower> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE <{at}/mixed> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{at}/opt> {{ ?s ?p ?o }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{at}/sub> {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{at}/exists> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{at}/union> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{at}/minus> {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{at}/construct> {{ ?s ?p ?o }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{at}/describe> {{ ?s ?p ?o }} }}",
        f"BASE <{at}/> SELECT * WHERE {{ SERVICE <relative> {{ ?s ?p ?o }} }}",
        f"PREFIX l: <{at}/> SELECT * WHERE {{ SERVICE l:prefixed {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{at}/var> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{at}/escaped> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{at}/\\u0073parql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE#comment\n<{at}/comment> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{at}/graph> {{ ?s ?p ?o }} }} }}",
        f"SELECT * FROM <{at}/from> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{at}/named> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ GRAPH <{at}/graph-iri> {{ ?s ?p ?o }} }}",
        f"DESCRIBE <{at}/thing>",
        f"SELECT * WHERE {{ BIND(IRI('{at}/iri') AS ?x) ?x ?p ?o }}",
        f"LOAD <{at}/load-in-a-query>",
    ]


def updates(at: str) -> list[str]:
    return [
        f"LOAD <{at}/load>",
        f"LOAD SILENT <{at}/silent> INTO GRAPH <http://x.example/g>",
        f"load <{at}/lower>",
        f"\\u004cOAD <{at}/escaped>",
        f"INSERT DATA {{ <http://x.example/s> <http://x.example/p> 1 }} ; LOAD <{at}/second>",
        f"INSERT {{ <http://x.example/s> <http://x.example/p> ?o }} WHERE {{ SERVICE <{at}/w> "
        "{ ?s ?p ?o } }",
        f"DELETE {{ ?s ?p ?o }} WHERE {{ SERVICE SILENT <{at}/d> {{ ?s ?p ?o }} }}",
        f"INSERT {{ <http://x.example/s> <http://x.example/p> ?o }} USING <{at}/using> "
        "WHERE { ?s ?p ?o }",
        f"WITH <{at}/with> INSERT {{ <http://x.example/s> <http://x.example/p> 1 }} WHERE {{}}",
        f"COPY <{at}/copy> TO <http://x.example/g>",
        f"ADD <{at}/add> TO <http://x.example/g>",
    ]


def jsonld_bodies(at: str) -> list[str]:
    remote = f"{at}/ctx"
    node = {"@id": NOTE, "@type": "GeneralNote", "title": {"@value": "x", "@language": "fr"}}
    return [json.dumps(body) for body in [
        {"@context": remote, **node},
        {"@context": [remote], **node},
        {"@context": [{"@vocab": "https://w3id.org/carnet-kg/ontology#"}, remote], **node},
        {"@context": {"@import": remote}, **node},
        {"@context": {"title": {"@id": "http://purl.org/dc/terms/title", "@context": remote}},
         **node},
        {"@context": {"@vocab": "https://w3id.org/carnet-kg/ontology#"},
         "@graph": [{"@context": remote, **node}]},
        {"@context": {"@vocab": "https://w3id.org/carnet-kg/ontology#"}, **node,
         "relatedNote": {"@context": remote, "@id": BASE + "id/note/autonomie-du-groupe"}},
        {"@context": {"@vocab": "https://w3id.org/carnet-kg/ontology#",
                      "GeneralNote": {"@id": "https://w3id.org/carnet-kg/ontology#GeneralNote",
                                      "@context": remote}}, **node},
        {"@context": "/context.jsonld", **node},  # relative: against the base, never fetched
        [{"@context": remote, **node}],
    ]]


def rdfxml_bodies(at: str) -> list[str]:
    about = f'rdf:about="{NOTE}"'
    head = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:dcterms="http://purl.org/dc/terms/">')
    based = head.replace(">", f' xml:base="{at}/base/">', 1)
    return [
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY e SYSTEM "{at}/xxe">]>{head}'
        f'<rdf:Description {about}><dcterms:title>&e;</dcterms:title></rdf:Description>'
        "</rdf:RDF>",
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY % p SYSTEM "{at}/pe"> %p;]>{head}'
        "</rdf:RDF>",
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "{at}/dtd">{head}</rdf:RDF>',
        f'<?xml version="1.0"?>{based}'
        '<rdf:Description rdf:about="x"><dcterms:title>x</dcterms:title></rdf:Description>'
        "</rdf:RDF>",
        f'<?xml version="1.0"?><?xml-stylesheet href="{at}/xsl"?>{head}</rdf:RDF>',
        f'<?xml version="1.0"?>{head}<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
        f'href="{at}/xinclude"/></rdf:RDF>',
    ]


def test_nothing_a_client_names_is_ever_fetched(site, listener):
    at, url, answers, probes = listener.url, site.url, [], 0

    def send(method, path, body=None, headers=None):
        nonlocal probes
        probes += 1
        reply = fetch(url + path, method, body, headers)
        answers.append((method, path[:120], reply.status, reply.text[:160]))
        assert not problems(reply.status, reply.body, f"{method} {path[:200]}"), reply.text
        return reply

    for query in queries(at):
        send("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
        send("POST", "/sparql", urllib.parse.urlencode({"query": query}),
             {"Content-Type": "application/x-www-form-urlencoded"})
        send("POST", "/sparql", query, {"Content-Type": "application/sparql-query"})
    for params in ({"default-graph-uri": f"{at}/dg"}, {"named-graph-uri": f"{at}/ng"}):
        send("GET", "/sparql?" + urllib.parse.urlencode(
            {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", **params}))
    for update in updates(at):
        for headers in (AUTH, {}):
            send("POST", "/sparql", update,
                 {**headers, "Content-Type": "application/sparql-update"})
        send("POST", "/sparql", urllib.parse.urlencode({"update": update}),
             {**AUTH, "Content-Type": "application/x-www-form-urlencoded"})
        send("POST", "/sparql?" + urllib.parse.urlencode({"using-graph-uri": f"{at}/ug"}),
             "INSERT { <http://x.example/s> <http://x.example/p> 1 } WHERE { ?s ?p ?o }",
             {**AUTH, "Content-Type": "application/sparql-update"})
    for body in jsonld_bodies(at):
        for method, path in (("PUT", "/doc/note/sortie"), ("POST", "/store?default"),
                             ("PUT", "/store?" + urllib.parse.urlencode(
                                 {"graph": BASE + "doc/note/sortie"}))):
            send(method, path, body, {**AUTH, "Content-Type": "application/ld+json",
                                      "If-Match": "*"})
    for body in rdfxml_bodies(at):
        send("PUT", "/doc/note/sortie", body, {**AUTH, "Content-Type": "application/rdf+xml"})
        send("POST", "/store?default", body, {**AUTH, "Content-Type": "application/rdf+xml"})
    turtle = PREFIXES + f"@base <{at}/base/> .\n" + public_note("x").replace(
        "<id/note/x>", f"<{NOTE}>") + f"<{NOTE}> <{OWL_IMPORTS}> <{at}/imp> ."
    send("PUT", "/doc/note/sortie", turtle, {**AUTH, "Content-Type": "text/turtle"})
    external = f"<{at}/s> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{at}/o> ."
    for method in ("PUT", "POST"):
        send(method, "/store?" + urllib.parse.urlencode({"graph": f"{at}/graph"}), external,
             {**AUTH, "Content-Type": "application/n-triples"})
    send("GET", "/store?" + urllib.parse.urlencode({"graph": f"{at}/graph"}))
    send("DELETE", "/store?" + urllib.parse.urlencode({"graph": f"{at}/graph"}), None, AUTH)
    # reconciliation: ids, types and values that are URLs
    batch = {"q0": {"query": "autonomie", "type": f"{at}/type"},
             "q1": {"query": "autonomie", "properties": [{"pid": "broader", "v": f"{at}/v"},
                                                         {"pid": f"{at}/p", "v": "x"}]},
             "q2": {"query": f"{at}/query"}}
    send("POST", "/reconcile", urllib.parse.urlencode({"queries": json.dumps(batch)}),
         {"Content-Type": "application/x-www-form-urlencoded"})
    send("POST", "/reconcile", urllib.parse.urlencode({"extend": json.dumps(
        {"ids": [f"{at}/id", BASE + "id/term/autonomie"], "properties": [{"id": "broader"}]})}),
        {"Content-Type": "application/x-www-form-urlencoded"})
    for route in ("preview", "view"):
        send("GET", f"/reconcile/{route}?" + urllib.parse.urlencode({"id": f"{at}/id"}))
    send("GET", "/reconcile/suggest/entity?" + urllib.parse.urlencode({"prefix": at,
                                                                       "type": f"{at}/t"}))
    send("GET", "/reconcile/propose_properties?" + urllib.parse.urlencode({"type": at}))
    # anything else that takes a URL
    send("GET", "/oai?" + urllib.parse.urlencode({"verb": "GetRecord", "identifier": at,
                                                  "metadataPrefix": "oai_dc"}))
    send("GET", "/oai?" + urllib.parse.urlencode({"verb": "ListRecords", "set": at,
                                                  "metadataPrefix": "oai_dc"}))
    send("GET", "/search?" + urllib.parse.urlencode({"q": at, "notebook": at, "category": at}))
    for headers in ({"Host": f"127.0.0.1:{listener.port}"},
                    {"X-Forwarded-Host": f"127.0.0.1:{listener.port}",
                     "X-Forwarded-Proto": "http", "Forwarded": f"host=127.0.0.1:{listener.port}"},
                    {"Referer": at, "Origin": at}):
        for path in ("/.well-known/void", "/sparql", "/sitemap.xml", "/changes", "/reconcile",
                     "/oai?verb=Identify", "/dumps/dataset.nq.gz"):
            send("GET", path, None, headers)
    time.sleep(1.0)  # anything in flight would have connected by now
    record("outbound probes", probes)
    record("outbound requests received", listener.connections)
    refused = sum(1 for *_, status, _ in answers if status >= 400)
    print(f"outbound: {probes} probes ({refused} refused), listener received "
          f"{listener.connections} connection(s): {listener.requests}")
    assert listener.connections == 0 and listener.requests == [], listener.requests


def test_the_listener_does_record(listener):
    """The check can fail: a request we make ourselves is seen."""
    before = listener.connections
    fetch(listener.url + "/self-test")
    assert listener.connections == before + 1 and "GET /self-test" in listener.requests
    listener.requests.remove("GET /self-test")
    listener.connections -= 1
