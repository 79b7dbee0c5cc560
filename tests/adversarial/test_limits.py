"""Resource limits are bounded and configurable: request size (413 over
CARNET_KG_MAX_REQUEST_BYTES, with or without Content-Length), query time
(CARNET_KG_QUERY_TIMEOUT, and a client's shorter timeout=), result rows (CARNET_KG_MAX_ROWS,
truncated and said so), OAI-PMH page size, and deep pages (documents, search, the change feed,
sitemaps, OAI tokens) answered fast with a 4xx or an empty page, not a scan."""

from __future__ import annotations

import base64
import csv
import io
import json
import time
import urllib.parse
from xml.etree import ElementTree as ET

import pytest

from ..backends import engine_settings
from ..conftest import BASE, PREFIXES, public_note
from .support import ALICE_TOKEN, TOKENS, fetch, problems, raw, record, sample_and_canaries, server

MAX_BYTES = 20_000
TIMEOUT = 2.0
MAX_ROWS = 50
PAGE_SIZE = 5
AUTH = {"Authorization": f"Bearer {ALICE_TOKEN}"}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
FAST = 1.5  # seconds: a deep page answered without a scan


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits")
    with server(folder, {"CARNET_KG_WRITE_TOKENS": TOKENS,
                         "CARNET_KG_MAX_REQUEST_BYTES": str(MAX_BYTES),
                         "CARNET_KG_QUERY_TIMEOUT": str(TIMEOUT),
                         "CARNET_KG_UPDATE_TIMEOUT": str(TIMEOUT),
                         "CARNET_KG_MAX_ROWS": str(MAX_ROWS),
                         "CARNET_KG_OAI_PAGE_SIZE": str(PAGE_SIZE),
                         "CARNET_KG_QUERY_WORKERS": "3",
                         "CARNET_KG_CLIENT_QUERY_LIMIT": "3"},
                load=sample_and_canaries(folder)) as running:
        yield running


def probe(reply, what: str):
    record("limit probes")
    assert not problems(reply.status, reply.body, what), (what, reply.status, reply.text[:300])
    return reply


def _form(**fields) -> tuple[str, dict]:
    return urllib.parse.urlencode(fields), {"Content-Type": "application/x-www-form-urlencoded"}


# ---- request size ----------------------------------------------------------------------------

def _big_turtle(size: int) -> str:
    padding = "x" * size
    return PREFIXES + public_note("gros", "Gros", f'; ckg:body "{padding}"@fr')


def _requests(size: int) -> list[tuple[str, str, bytes | str, dict]]:
    query = "ASK { ?s ?p ?o } #" + "x" * size
    body, form = _form(query=query)
    return [
        ("POST", "/sparql", body, form),
        ("POST", "/sparql", query, {"Content-Type": "application/sparql-query"}),
        ("POST", "/sparql", "INSERT DATA { <http://x.example/s> <http://x.example/p> \""
         + "x" * size + "\" }", {**AUTH, "Content-Type": "application/sparql-update"}),
        ("PUT", "/doc/note/gros", _big_turtle(size), {**AUTH, "Content-Type": "text/turtle"}),
        ("POST", "/store?default", _big_turtle(size), {**AUTH, "Content-Type": "text/turtle"}),
        ("POST", "/reconcile", *_form(queries=json.dumps({"q0": {"query": "x" * size}}))),
        ("POST", "/reconcile", json.dumps({"q0": {"query": "a" * size}}),
         {"Content-Type": "application/json"}),
        ("POST", "/oai", *_form(verb="Identify", x="x" * size)),
        ("GET", "/sparql?" + urllib.parse.urlencode({"query": query}), None, {}),
    ]


@pytest.mark.parametrize("index", range(9))
def test_bodies_over_the_limit_get_413_and_under_it_do_not(site, index):
    method, path, body, headers = _requests(MAX_BYTES + 5_000)[index]
    over = probe(fetch(site.url + path, method, body, headers), f"{method} {path[:40]} over")
    assert over.status == 413, (method, path[:60], over.status, over.text[:200])
    method, path, body, headers = _requests(MAX_BYTES // 4)[index]
    under = probe(fetch(site.url + path, method, body, headers), f"{method} {path[:40]} under")
    assert under.status != 413, (method, path[:60], under.text[:200])


@pytest.mark.parametrize("path, content_type", [
    ("/sparql", "application/sparql-query"), ("/doc/note/gros", "text/turtle"),
    ("/store?default", "text/turtle"), ("/reconcile", "application/json"),
    ("/sparql", "application/x-www-form-urlencoded")])
def test_a_chunked_body_without_length_is_limited_too(site, path, content_type):
    """No Content-Length: the limit must hold on what is read, not only on the header."""
    host = urllib.parse.urlsplit(site.url).netloc
    method = "PUT" if path.startswith("/doc/") else "POST"
    chunk = b"#" + b"x" * 8191
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(400))  # 3.2 MB
    request = (f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
               f"Authorization: Bearer {ALICE_TOKEN}\r\nContent-Type: {content_type}\r\n"
               "Transfer-Encoding: chunked\r\n\r\n").encode() + chunks + b"0\r\n\r\n"
    started = time.monotonic()
    reply = raw(site.url, request)
    record("limit probes")
    assert reply.status == 413, (reply.status, reply.body[:300])
    assert time.monotonic() - started < 10


def test_a_huge_header_or_url_is_a_4xx(site):
    long_header = probe(fetch(site.url + "/", headers={"X-Padding": "x" * 300_000}),
                        "a 300 KB header")
    assert 400 <= long_header.status < 500 or long_header.status == 0
    many = "&".join(f"default-graph-uri=http://x.example/g{i}" for i in range(3000))
    started = time.monotonic()
    reply = probe(fetch(site.url + "/sparql?query=ASK%7B%7D&" + many), "3000 graph params")
    assert reply.status < 500 and time.monotonic() - started < 5


# ---- query time --------------------------------------------------------------------------------

def test_a_runaway_query_is_stopped_at_the_configured_timeout(site):
    started = time.monotonic()
    reply = probe(fetch(site.url + "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}),
                        timeout=60), "runaway")
    elapsed = time.monotonic() - started
    assert reply.status == 503 and b"timed out" in reply.body
    assert TIMEOUT - 0.3 <= elapsed <= TIMEOUT + 3, elapsed
    started = time.monotonic()
    shorter = probe(fetch(site.url + "/sparql?" + urllib.parse.urlencode(
        {"query": RUNAWAY, "timeout": "0.7"}), timeout=60), "runaway, timeout=0.7")
    assert shorter.status == 503 and time.monotonic() - started < TIMEOUT
    longer = probe(fetch(site.url + "/sparql?" + urllib.parse.urlencode(
        {"query": RUNAWAY, "timeout": "600"}), timeout=60), "runaway, timeout=600")
    assert longer.status == 503
    assert probe(fetch(site.url + "/sparql?query=ASK%7B%7D"), "after").status == 200


def test_a_runaway_update_is_stopped_at_the_configured_timeout(site):
    update = ("INSERT { <http://x.example/s> <http://x.example/p> ?n } WHERE { SELECT "
              "(COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } }")
    started = time.monotonic()
    reply = probe(fetch(site.url + "/sparql", "POST", update,
                        {**AUTH, "Content-Type": "application/sparql-update"}, timeout=90),
                  "runaway update")
    assert reply.status == 503 and time.monotonic() - started < TIMEOUT + 15


# ---- result rows ------------------------------------------------------------------------------

@pytest.mark.parametrize("accept", ["application/sparql-results+json",
                                    "application/sparql-results+xml", "text/csv",
                                    "text/tab-separated-values"])
def test_select_results_stop_at_max_rows_and_say_so(site, accept):
    reply = probe(fetch(site.url + "/sparql?" + urllib.parse.urlencode(
        {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"}), headers={"Accept": accept}),
        f"all rows as {accept}")
    assert reply.status == 200
    if "json" in accept:
        rows = len(json.loads(reply.body)["results"]["bindings"])
    elif "xml" in accept:
        rows = len(ET.fromstring(reply.body).findall(
            ".//{http://www.w3.org/2005/sparql-results#}result"))
    else:
        delimiter = "," if accept == "text/csv" else "\t"
        rows = len(list(csv.reader(io.StringIO(reply.text), delimiter=delimiter))) - 1
    assert rows == MAX_ROWS
    assert reply.header("X-Result-Truncated") == "true"
    assert reply.header("X-Result-Limit") == str(MAX_ROWS)


@pytest.mark.parametrize("query", ["CONSTRUCT WHERE { ?s ?p ?o }",
                                   "DESCRIBE ?s WHERE { ?s ?p ?o }"])
def test_graph_results_stop_at_max_rows(site, query):
    reply = probe(fetch(site.url + "/sparql?" + urllib.parse.urlencode({"query": query}),
                        headers={"Accept": "application/n-triples"}), query)
    triples = [line for line in reply.text.splitlines() if line.strip()]
    assert len(triples) <= MAX_ROWS and reply.header("X-Result-Truncated") == "true"


def test_a_small_result_is_not_marked_truncated(site):
    reply = probe(fetch(site.url + "/sparql?" + urllib.parse.urlencode(
        {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})), "3 rows")
    assert len(json.loads(reply.body)["results"]["bindings"]) == 3
    assert reply.header("X-Result-Truncated") is None


# ---- OAI-PMH page size -------------------------------------------------------------------------

def test_oai_pages_hold_the_configured_number_of_records(site):
    params, sizes, total = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}, [], None
    while True:
        reply = probe(fetch(site.url + "/oai?" + urllib.parse.urlencode(params)), "OAI page")
        root = ET.fromstring(reply.body)
        sizes.append(len(root.findall(f".//{OAI}record")))
        token = root.find(f".//{OAI}resumptionToken")
        if total is None and token is not None:
            total = int(token.get("completeListSize"))
        if token is None or not token.text:
            break
        params = {"verb": "ListRecords", "resumptionToken": token.text}
    assert max(sizes) == PAGE_SIZE and sum(sizes) == total and total >= 29, (sizes, total)


# ---- deep pages: fast, and 4xx or empty ---------------------------------------------------------

def _forged_token(cursor: int) -> str:
    state = {"p": "oai_dc", "s": None, "c": cursor, "n": 29, "f": None,
             "u": "2999-01-01T00:00:00Z", "a": ["2999-01-01T00:00:00Z", "z"],
             "e": "2999-01-01T00:00:00Z"}
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()


DEEP = [
    "/doc/note/autonomie-du-groupe?page=999999",
    "/doc/note/autonomie-du-groupe.ttl?page=999999",
    "/doc/term/autonomie.jsonld?page=999999",
    "/doc/note/autonomie-du-groupe?page=1000000",
    "/doc/note/autonomie-du-groupe?page=99999999999999999999999",
    "/doc/note/autonomie-du-groupe?page=-1",
    "/doc/note/autonomie-du-groupe?page=0",
    "/search?q=a&page=999999", "/search?q=a&page=999999&format=json",
    "/search?q=a&page=99999999999999999999", "/search?q=autonomie&page=-5",
    "/changes/9999999", "/changes/99999999999999999999", "/sitemap-10000.xml",
    "/sitemap-99999999999.xml", "/doc/note/autonomie-du-groupe/revisions/999999999",
    "/oai?verb=ListRecords&resumptionToken=" + _forged_token(10**15),
    "/oai?verb=ListIdentifiers&resumptionToken=" + _forged_token(-1),
    "/reconcile/suggest/entity?prefix=a&cursor=9999999",
    "/reconcile/suggest/entity?prefix=a&cursor=99999999",
    "/reconcile/suggest/entity?prefix=a&limit=100000",
    "/reconcile?queries=" + urllib.parse.quote(json.dumps({"q0": {"query": "a",
                                                                  "limit": 100000}})),
    "/reconcile?queries=" + urllib.parse.quote(json.dumps(
        {f"q{i}": {"query": "a"} for i in range(101)})),
    "/reconcile?extend=" + urllib.parse.quote(json.dumps(
        {"ids": [f"{BASE}id/note/n{i}" for i in range(1001)], "properties": [{"id": "term"}]})),
]


@pytest.mark.parametrize("path", DEEP, ids=lambda p: p[:60])
def test_deep_pages_are_fast_and_empty_or_refused(site, path):
    started = time.monotonic()
    reply = probe(fetch(site.url + path), path)
    elapsed = time.monotonic() - started
    assert elapsed < FAST, elapsed
    assert reply.status < 500
    if reply.status == 200 and path.startswith("/search") and "format=json" in path:
        assert json.loads(reply.body)["results"] == []
    if reply.status == 200 and "/doc/" in path and "?page=" in path and ".ttl" in path:
        assert "hydra:next" not in reply.text


def test_limits_are_configurable(tmp_path):
    """The same request under two settings: refused with one, served with the other."""
    from carnet_kg import pipeline
    from carnet_kg.config import Settings
    from carnet_kg.store import open_store
    from carnet_kg.web import create_app

    from ..conftest import SAMPLE

    outcomes = {}
    for name, settings in (("small", {"max_request_bytes": 2048, "max_rows": 5,
                                      "oai_page_size": 2}),
                           ("large", {"max_request_bytes": 200_000, "max_rows": 500,
                                      "oai_page_size": 50})):
        configured = Settings(base=BASE, store=str(tmp_path / name),
                              **engine_settings(tmp_path / name), query_workers=1,
                              **settings)
        store = open_store(configured)
        pipeline.load([SAMPLE], configured, store)
        app = create_app(configured, store)
        client = app.test_client()
        body = client.post("/sparql", data={"query": "ASK {} #" + "x" * 4000}).status_code
        rows = len(client.get("/sparql", query_string={
            "query": "SELECT * WHERE { ?s ?p ?o }"}).json["results"]["bindings"])
        page = client.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc").data.count(
            b"<header")
        outcomes[name] = (body, rows, page)
        app.extensions["carnet_kg.executor"].close()
        store.close()
    record("limit probes", 6)
    assert outcomes == {"small": (413, 5, 2), "large": (200, 500, 29)}, outcomes
