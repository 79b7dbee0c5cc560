"""The remote backend's own behaviour, on a real `oxigraph serve` (in both passes of the suite):
bindings written into query text, configuration errors, an engine that is unreachable or not
set up for carnet-kg, big writes split into atomic requests, the endpoint's errors and limits."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from SPARQLWrapper import JSON, SPARQLWrapper

from carnet_kg import pipeline
from carnet_kg.config import ConfigError, Settings
from carnet_kg.store import RemoteStore, StoreError, open_store
from carnet_kg.store.bindings import with_bindings

from .backends import REMOTE, engine_for, free_port, stop_engine
from .conftest import BASE, SAMPLE, public_note, write
from .servers import carnet, running_server

NOTE = URIRef(BASE + "id/note/autonomie-du-groupe")


def _remote(tmp_path: Path, name: str = "store", **changes) -> Settings:
    return Settings(base=BASE, store=str(tmp_path / name), **engine_for(tmp_path / name),
                    **changes)


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT ?t WHERE { ?n ?p ?t }", "SELECT ?t WHERE { VALUES (?n) { (<x:n>) }  ?n ?p ?t }"),
    ("ASK { ?n ?p ?o }", "ASK { VALUES (?n) { (<x:n>) }  ?n ?p ?o }"),
    ("SELECT * { ?n ?p ?o }", "SELECT * { VALUES (?n) { (<x:n>) }  ?n ?p ?o }"),
    ("CONSTRUCT { ?n ?p ?o } WHERE { ?n ?p ?o }",
     "CONSTRUCT { ?n ?p ?o } WHERE { VALUES (?n) { (<x:n>) }  ?n ?p ?o }"),
    ('PREFIX a: <x:a> SELECT ?o WHERE { ?n ?p "}" , ?o }',
     'PREFIX a: <x:a> SELECT ?o WHERE { VALUES (?n) { (<x:n>) }  ?n ?p "}" , ?o }'),
    ("# WHERE {\nDESCRIBE ?n WHERE { ?n ?p ?o }",
     "# WHERE {\nDESCRIBE ?n WHERE { VALUES (?n) { (<x:n>) }  ?n ?p ?o }"),
])
def test_bindings_open_the_where_clause(query, expected):
    assert with_bindings(query, {"n": URIRef("x:n")}) == expected


def test_bindings_are_written_as_terms_never_pasted():
    hostile = Literal('x" } ; DROP ALL ; SELECT * { "', lang="fr")
    text = with_bindings("SELECT ?t WHERE { ?n ?p ?t }", {"t": hostile, "n": URIRef("x:n")})
    assert 'VALUES (?n ?t) { (<x:n> "x\\" } ; DROP ALL ; SELECT * { \\""@fr) }' in text


@pytest.mark.parametrize(("changes", "message"), [
    ({"sparql_query": "http://127.0.0.1:1/query"}, "go together"),
    ({"sparql_update": "http://127.0.0.1:1/update"}, "go together"),
    ({"sparql_query": "ftp://x/q", "sparql_update": "http://x/u"}, r"not an http\(s\) URL"),
    ({"sparql_store": "http://x/store"}, "needs sparql_query"),
])
def test_incomplete_engine_settings_are_refused(changes, message):
    with pytest.raises(ConfigError, match=message):
        Settings(base=BASE, **changes)


def test_an_unreachable_engine_is_a_clear_cli_error(tmp_path):
    port = free_port()  # nothing listens there
    env = {"CARNET_KG_STORE": str(tmp_path / "store"), "CARNET_KG_BASE": BASE,
           "CARNET_KG_CONFIG": "", "CARNET_KG_SPARQL_QUERY": f"http://127.0.0.1:{port}/query",
           "CARNET_KG_SPARQL_UPDATE": f"http://127.0.0.1:{port}/update",
           "PATH": "/usr/bin:/bin"}
    done = carnet(tmp_path, env, "load", str(SAMPLE))
    assert done.returncode != 0
    assert f"cannot reach the SPARQL engine at http://127.0.0.1:{port}/query" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_engine_without_union_default_graph_is_refused(tmp_path):
    settings = Settings(base=BASE, store=str(tmp_path / "store"),
                        **engine_for(tmp_path / "store", union=False))
    client = SPARQLWrapper(settings.sparql_query, updateEndpoint=settings.sparql_update)
    client.setMethod("POST")
    client.setQuery("INSERT DATA { GRAPH <x:g> { <x:s> <x:p> <x:o> } }")
    client.query()
    with pytest.raises(StoreError, match="--union-default-graph"):
        open_store(settings)


def test_the_data_is_in_the_engine_not_beside_it(tmp_path):
    settings = _remote(tmp_path)
    store = open_store(settings)
    try:
        assert isinstance(store, RemoteStore)
        pipeline.load([SAMPLE], settings, store)
    finally:
        store.close()
    # an independent client sees the note in its graph, and the metadata graph's record
    client = SPARQLWrapper(settings.sparql_query)
    client.setReturnFormat(JSON)
    client.setQuery(f"SELECT ?g ?rev WHERE {{ GRAPH ?g {{ <{NOTE}> ?p ?o }} "
                    f"GRAPH <{BASE}graph/metadata> {{ ?g <https://w3id.org/carnet-kg/ontology#"
                    "revision> ?rev } } LIMIT 1")
    rows = client.queryAndConvert()["results"]["bindings"]
    assert rows and rows[0]["g"]["value"] == BASE + "doc/note/autonomie-du-groupe"
    assert rows[0]["rev"]["value"] == "1"
    assert not (tmp_path / "store" / "oxigraph").exists()  # no embedded store was made


def test_a_big_write_goes_in_atomic_requests_and_the_metadata_follows(tmp_path, monkeypatch):
    settings = _remote(tmp_path)
    monkeypatch.setattr(RemoteStore, "graphs_per_update", 4)
    sent: list[str] = []
    original = RemoteStore.update
    monkeypatch.setattr(RemoteStore, "update",
                        lambda self, text: (sent.append(text), original(self, text))[1])
    store = open_store(settings)
    try:
        report = pipeline.load([SAMPLE], settings, store)
        assert report.written == 30
        assert len(sent) == 8  # 30 graphs in requests of 4 at most, each a new version
        assert store.version() == 8
        every = store.query(f"SELECT ?g WHERE {{ GRAPH <{BASE}graph/metadata> "
                            "{ ?g <https://w3id.org/carnet-kg/ontology#checksum> ?sum } }")
        for row in every.rows:
            assert store.has_graph(row["g"])  # each record's graph is there
        assert len(list(store.history.all())) == 30
    finally:
        store.close()


def test_a_failed_request_leaves_the_store_and_the_history_as_they_were(tmp_path, monkeypatch):
    settings = _remote(tmp_path)
    store = open_store(settings)
    try:
        pipeline.load([SAMPLE], settings, store)
        before = (store.version(), len(list(store.history.all())))
        changed = write(tmp_path / "new.ttl", public_note("nouvelle"))

        def refuse(self, text):
            raise StoreError("the SPARQL engine at … answered 500")

        monkeypatch.setattr(RemoteStore, "update", refuse)
        with pytest.raises(StoreError):
            pipeline.load([changed], settings, store)
        monkeypatch.undo()
        assert (store.version(), len(list(store.history.all()))) == before
        assert not store.has_resource(URIRef(BASE + "id/note/nouvelle"))
    finally:
        store.close()


def test_the_endpoint_passes_the_engines_errors_and_limits(tmp_path):
    settings = _remote(tmp_path, max_rows=3)
    env = {f"CARNET_KG_{k.upper()}": v for k, v in
           (("sparql_query", settings.sparql_query), ("sparql_update", settings.sparql_update),
            ("sparql_store", settings.sparql_store), ("max_rows", "3"))}
    with running_server(tmp_path, env, load=[str(SAMPLE)]) as url:
        endpoint = url + "/sparql"

        def get(query: str, accept: str = "application/sparql-results+json"):
            address = f"{endpoint}?{urllib.parse.urlencode({'query': query})}"
            request = urllib.request.Request(address, headers={"Accept": accept})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status, dict(response.headers), response.read()
            except urllib.error.HTTPError as error:
                return error.code, dict(error.headers), error.read()

        status, _, body = get("SELECT ?x WHERE { ?x ?y }")
        assert status == 400 and b"malformed query" in body
        status, headers, body = get("SELECT ?s WHERE { ?s ?p ?o }",
                                    "text/tab-separated-values")
        assert status == 200 and headers.get("X-Result-Truncated") == "true"
        assert len(body.decode().strip().splitlines()) == 4  # header + 3 rows
        status, _, body = get(f"ASK {{ <{NOTE}> ?p ?o }}")
        assert status == 200 and b"true" in body
        status, _, body = get("SELECT * WHERE { ?s ?p ?o }", "text/turtle")
        assert status == 406
        status, headers, body = get(f"DESCRIBE <{NOTE}>", "application/n-triples")
        assert status == 200 and NOTE.encode() in body


def test_a_slow_query_times_out_and_others_are_served(tmp_path):
    settings = _remote(tmp_path)
    env = {f"CARNET_KG_{k.upper()}": v for k, v in
           (("sparql_query", settings.sparql_query), ("sparql_update", settings.sparql_update),
            ("query_timeout", "2"))}
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    with running_server(tmp_path, env, load=[str(SAMPLE)]) as url:
        host, port = url.removeprefix("http://").split(":")
        outcome: dict[str, object] = {}

        def run_slow() -> None:
            connection = http.client.HTTPConnection(host, int(port), timeout=60)
            started = time.monotonic()
            connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": slow}))
            response = connection.getresponse()
            outcome["slow"] = (response.status, time.monotonic() - started)

        thread = threading.Thread(target=run_slow)
        thread.start()
        time.sleep(0.3)
        quick = []
        for _ in range(5):
            started = time.monotonic()
            with urllib.request.urlopen(
                    f"{url}/sparql?{urllib.parse.urlencode({'query': 'ASK { ?s ?p ?o }'})}",
                    timeout=10) as response:
                assert response.status == 200
            quick.append(time.monotonic() - started)
        thread.join(timeout=60)
        status, took = outcome["slow"]
        assert status == 503 and took < 10
        assert max(quick) < 1.5


def test_this_pass_runs_on_the_backend_it_names(settings):
    assert settings.remote is REMOTE
    store = open_store(settings)
    try:
        assert isinstance(store, RemoteStore) is REMOTE
    finally:
        store.close()


def test_an_engine_gone_while_serving_is_a_503_not_a_500(tmp_path):
    settings = _remote(tmp_path)
    env = {f"CARNET_KG_{k.upper()}": v for k, v in
           (("sparql_query", settings.sparql_query), ("sparql_update", settings.sparql_update))}
    with running_server(tmp_path, env, load=[str(SAMPLE)]) as url:
        page = f"{url}/doc/note/autonomie-du-groupe"
        assert urllib.request.urlopen(page, timeout=30).status == 200
        stop_engine(tmp_path / "store")
        for address in (page, f"{url}/", f"{url}/oai?verb=Identify",
                        f"{url}/sparql?query=ASK%7B%3Fs%3Fp%3Fo%7D"):
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(address, timeout=30)
            assert answer.value.code == 503, address
            assert b"127.0.0.1" not in answer.value.read()  # where the engine lives stays ours


def test_a_query_is_sent_as_a_query_whatever_its_comments_say(tmp_path):
    settings = _remote(tmp_path)
    store = open_store(settings)
    try:
        pipeline.load([SAMPLE], settings, store)
        text = "# this query adds nothing, and DROP is only a word here\nASK { ?s ?p ?o }"
        assert store.query(text).boolean is True
    finally:
        store.close()
