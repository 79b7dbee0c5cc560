"""Independent clients against a running server: SPARQLWrapper in every format, rdflib's
SPARQLStore, and a runaway query that must neither outlive its timeout nor slow the others."""

from __future__ import annotations

import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TSV, TURTLE, XML, SPARQLWrapper

from .servers import running_server

CKG = "https://w3id.org/carnet-kg/ontology#"
TERMS = f"SELECT ?t WHERE {{ ?t a <{CKG}Term> }} ORDER BY ?t"
CONSTRUCT = f"CONSTRUCT {{ ?t a <{CKG}Term> }} WHERE {{ ?t a <{CKG}Term> }}"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TIMEOUT = 3.0
TOKEN = "clients-token"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clients")
    with running_server(folder, {"CARNET_KG_QUERY_TIMEOUT": str(TIMEOUT),
                                 "CARNET_KG_UPDATE_TIMEOUT": str(TIMEOUT),
                                 "CARNET_KG_WRITE_TOKEN": TOKEN}) as url:
        yield url + "/sparql"


def wrapper(endpoint: str, query: str, fmt, method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    return client


@pytest.mark.parametrize("method", [None, POST])
def test_sparqlwrapper_select_in_json_and_xml(server, method):
    rows = wrapper(server, TERMS, JSON, method).queryAndConvert()["results"]["bindings"]
    assert len(rows) == 10
    document = wrapper(server, TERMS, XML, method).queryAndConvert()
    assert len(document.getElementsByTagName("result")) == 10


@pytest.mark.parametrize("fmt, separator", [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_select_in_csv_and_tsv(server, fmt, separator):
    text = wrapper(server, TERMS, fmt).queryAndConvert().decode("utf-8")
    lines = text.strip().splitlines()
    assert len(lines) == 11 and "/id/term/" in lines[1]


@pytest.mark.parametrize("fmt, rdflib_format", [(TURTLE, "turtle"), (JSONLD, "json-ld")])
def test_sparqlwrapper_construct(server, fmt, rdflib_format):
    result = wrapper(server, CONSTRUCT, fmt).query()
    graph = result.convert()
    if not isinstance(graph, Graph):
        graph = Graph().parse(data=graph, format=rdflib_format)
    assert len(graph) == 10


def test_sparqlwrapper_ask(server):
    assert wrapper(server, "ASK { ?s ?p ?o }", JSON).queryAndConvert()["boolean"] is True


def test_rdflib_sparqlstore(server):
    graph = Graph(SPARQLStore(query_endpoint=server, returnFormat="json"))
    rows = list(graph.query(TERMS))
    assert len(rows) == 10
    terms = set(graph.subjects(RDF.type, URIRef(CKG + "Term")))
    assert len(terms) == 10


def _get(server: str, query: str, timeout: float | None = None) -> tuple[int, bytes, float]:
    params = {"query": query}
    if timeout is not None:
        params["timeout"] = str(timeout)
    start = time.monotonic()
    try:
        with urllib.request.urlopen(f"{server}?{urllib.parse.urlencode(params)}",
                                    timeout=60) as response:
            return response.status, response.read(), time.monotonic() - start
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.monotonic() - start


def _latencies(server: str, count: int) -> list[float]:
    return [_get(server, TERMS)[2] for _ in range(count)]


def test_runaway_query_is_stopped_and_others_keep_their_speed(server):
    baseline = statistics.median(_latencies(server, 15))
    outcome = {}
    runaway = threading.Thread(target=lambda: outcome.update(result=_get(server, RUNAWAY)))
    runaway.start()
    time.sleep(0.3)
    during = _latencies(server, 15)
    runaway.join(timeout=30)
    status, body, elapsed = outcome["result"]
    assert status == 503 and b"timed out" in body
    assert TIMEOUT - 0.5 <= elapsed <= TIMEOUT + 5
    assert statistics.median(during) <= max(0.25, 5 * baseline), (baseline, during)
    # the server still answers normally afterwards
    assert _get(server, "ASK { ?s ?p ?o }")[0] == 200


def test_client_may_ask_for_a_shorter_timeout_never_a_longer_one(server):
    status, _, elapsed = _get(server, RUNAWAY, timeout=1)
    assert status == 503 and elapsed < TIMEOUT - 0.5
    status, _, elapsed = _get(server, RUNAWAY, timeout=60)
    assert status == 503 and elapsed < TIMEOUT + 5


def test_one_client_cannot_hold_every_worker(server):
    outcomes = []
    threads = [threading.Thread(target=lambda: outcomes.append(_get(server, RUNAWAY)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(status for status, _, _ in outcomes)
    assert 429 in statuses, statuses  # the default limit is workers - 1 per client
    assert _get(server, "ASK { ?s ?p ?o }")[0] == 200


def test_a_runaway_update_is_stopped_and_the_server_keeps_serving(server):
    update = ("INSERT { <http://x.example/s> <http://x.example/p> ?n } WHERE { SELECT "
              "(COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } }")
    request = urllib.request.Request(
        server, data=update.encode(), method="POST",
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    start = time.monotonic()
    try:
        urllib.request.urlopen(request, timeout=60)
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == 503 and time.monotonic() - start < TIMEOUT + 10
    assert _get(server, "ASK { <http://x.example/s> ?p ?o }")[1].find(b"false") > 0
    assert _get(server, TERMS)[0] == 200
