"""Nothing a client sends causes a 5xx or a traceback. Property-based tests (hypothesis) on
Flask's test client for the bulk, then a smaller run against a real server: SPARQL queries
(random and mutated), OAI-PMH arguments and resumption tokens, Accept / Accept-Language,
paths and keys, bodies of writes (PUT /doc/…, POST /store, SPARQL Update) and reconciliation
requests. Regression cases found by the fuzzing are pinned as plain tests below."""

from __future__ import annotations

import base64
import http.client
import json
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from ..conftest import BASE, PREFIXES, public_note
from .support import (
    ALICE_TOKEN,
    MARKER,
    fetch,
    problems,
    raw_get,
    record,
    sample_and_canaries,
    server,
)

CKG = "https://w3id.org/carnet-kg/ontology#"
AUTH = {"Authorization": f"Bearer {ALICE_TOKEN}"}
FAST = settings(max_examples=400, deadline=None, database=None, suppress_health_check=list(
    HealthCheck))
SLOW = settings(max_examples=80, deadline=None, database=None, suppress_health_check=list(
    HealthCheck))
REAL = settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(
    HealthCheck))

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
LATIN = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF,
                              blacklist_characters="\x7f"), max_size=80)


def send(client, method: str, path: str, **kw):
    """One request through the test client; a request the client itself cannot build (not
    the server's doing) is rejected from the examples."""
    record("requests fuzzed")
    try:
        response = client.open(path, method=method, **kw)
    except (ValueError, UnicodeError, TypeError):
        reject()
    found = problems(response.status_code, response.get_data(), f"{method} {path[:200]} "
                                                                f"{str(kw)[:300]}")
    assert not found, found
    return response


def send_real(url: str, method: str, path: str, body: bytes | str | None = None,
              headers: dict[str, str] | None = None):
    record("requests fuzzed (real server)")
    try:
        reply = fetch(url + path, method, body, headers)
    except (ValueError, UnicodeError, http.client.InvalidURL):  # the client refused to send it
        reject()
    found = problems(reply.status, reply.body, f"{method} {path[:200]} {str(headers)[:200]}")
    assert not found, found
    return reply


# ---- strategies ---------------------------------------------------------------------------

VALID_QUERIES = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
    f"PREFIX ckg: <{CKG}> SELECT ?n (COUNT(?t) AS ?c) WHERE {{ ?n ckg:relatedTerm ?t }} "
    "GROUP BY ?n ORDER BY DESC(?c) LIMIT 10",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s a ?c ; ?p ?o } LIMIT 20",
    f"DESCRIBE <{BASE}id/note/autonomie-du-groupe>",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?s WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), 'auto', 'i')) } LIMIT 3",
    "SELECT * WHERE { VALUES ?x { 1 2 3 } BIND(?x * 2 AS ?y) OPTIONAL { ?x ?p ?o } }",
    "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o } LIMIT 1",
    "SELECT ?l WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l "
    "FILTER(LANGMATCHES(LANG(?l), 'fr')) } ORDER BY ?l",
]
KEYWORDS = ["SELECT", "WHERE", "{", "}", "(", ")", "?x", "<http://a/b>", '"', "'", "'''",
            '"""', "\\u0000", "\x00", "#", "\n", "SERVICE", "SERVICE <http://127.0.0.1:9/>",
            "LOAD", "FROM", "FROM NAMED", "GRAPH", "OPTIONAL", "UNION", "MINUS", "FILTER",
            "BIND", "VALUES", "LIMIT 99999999999999999999", "OFFSET -1", "<<(", ")>>", "{|",
            "|}", "VERSION", "@fr", "^^", "a", ";", ".", ",", "*", "+", "/", "^", "!", "|",
            "DESCRIBE", "CONSTRUCT", "ASK", "PREFIX x: <", "BASE <", "\uffff", "é", "\\",
            "REGEX(?x, '(a+)+$')", "1e999999", "-0", "NaN", "INF", "xsd:dateTime('x')",
            "<file:///etc/passwd>", "GROUP BY", "HAVING", "COUNT(*)", "SUM(?x)"]


@st.composite
def mutated(draw, bases: list[str], pieces: list[str]) -> str:
    text = draw(st.sampled_from(bases))
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(["insert", "delete", "duplicate", "replace"]))
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 30)))
        if operation == "insert":
            text = text[:start] + draw(st.sampled_from(pieces) | TEXT) + text[start:]
        elif operation == "delete":
            text = text[:start] + text[end:]
        elif operation == "duplicate":
            text = text[:end] + text[start:end] + text[end:]
        else:
            text = text[:start] + draw(st.text(min_size=1, max_size=3)) + text[end:]
    return text


QUERIES = st.one_of(TEXT, mutated(VALID_QUERIES, KEYWORDS), st.sampled_from(VALID_QUERIES))
MEDIA = ["text/html", "application/json", "text/turtle", "application/ld+json",
         "application/rdf+xml", "application/n-triples", "application/sparql-results+json",
         "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
         "application/n-quads", "application/trig", "*/*", "text/*", "application/*",
         "image/png", "text/plain"]
Q_VALUES = ["", ";q=0", ";q=1", ";q=0.5", ";q=nan", ";q=inf", ";q=-1", ";q=1e999", ";q=",
            ";q=abc", ";level=1", ";charset=utf-16", ";q=0.001;q=0.9"]
ACCEPT = st.one_of(
    st.lists(st.tuples(st.sampled_from(MEDIA) | LATIN, st.sampled_from(Q_VALUES)).map(
        "".join), max_size=5).map(", ".join), LATIN)
LANGUAGES = ["fr", "en", "fr-CA", "en-GB", "*", "de", "x-klingon", "", "FR", "e", "fr_FR"]
ACCEPT_LANGUAGE = st.one_of(
    st.lists(st.tuples(st.sampled_from(LANGUAGES) | LATIN, st.sampled_from(Q_VALUES)).map(
        "".join), max_size=5).map(", ".join), LATIN)
SPARQL_PARAMS = st.dictionaries(
    st.sampled_from(["format", "timeout", "default-graph-uri", "named-graph-uri", "query",
                     "update", "x"]),
    st.one_of(TEXT, st.sampled_from(["json", "xml", "csv", "tsv", "turtle", "text/turtle",
                                     "0", "-1", "nan", "inf", "1e309", "0.0001",
                                     BASE + "doc/note/autonomie-du-groupe", "x:y"])),
    max_size=3)


# ---- SPARQL --------------------------------------------------------------------------------

@FAST
@given(query=QUERIES, transport=st.sampled_from(["get", "form", "direct", "direct-charset"]),
       params=SPARQL_PARAMS, accept=st.none() | ACCEPT)
def test_sparql_queries_never_fail_the_server(client, query, transport, params, accept):
    headers = {"Accept": accept} if accept is not None else {}
    params = {k: v for k, v in params.items() if k not in ("query", "update")}
    if transport == "get":
        send(client, "GET", "/sparql", query_string={"query": query, **params}, headers=headers)
    elif transport == "form":
        send(client, "POST", "/sparql", data={"query": query, **params}, headers=headers)
    else:
        charset = "; charset=utf-8" if transport == "direct-charset" else ""
        send(client, "POST", "/sparql?" + urllib.parse.urlencode(params), data=query.encode(),
             headers={**headers, "Content-Type": "application/sparql-query" + charset})


@SLOW
@given(body=st.binary(max_size=200), content_type=st.sampled_from([
    "application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded",
    "application/sparql-query; charset=utf-16", "application/sparql-query; charset=latin-1",
    "text/plain", "", "multipart/form-data; boundary=x", "application/json"]),
    method=st.sampled_from(["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]))
def test_sparql_raw_bodies_and_methods(client, body, content_type, method):
    send(client, method, "/sparql", data=body, headers={"Content-Type": content_type})


UPDATES = [
    f'PREFIX dcterms: <http://purl.org/dc/terms/> INSERT DATA {{ <{BASE}id/note/autonomie-du-'
    'groupe> dcterms:description "fuzz"@fr }',
    "DELETE WHERE { <http://x.example/s> ?p ?o }",
    "INSERT { <http://x.example/s> <http://x.example/p> ?o } WHERE { ?s ?p ?o } ",
    "CLEAR GRAPH <http://x.example/g>",
    "WITH <http://x.example/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


@settings(max_examples=12, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(update=st.one_of(mutated(UPDATES, KEYWORDS), TEXT))
def test_sparql_updates_with_a_token_never_fail_the_server(client, update):
    send(client, "POST", "/sparql", data=update.encode(),
         headers={**AUTH, "Content-Type": "application/sparql-update"})


# ---- OAI-PMH -------------------------------------------------------------------------------

VERBS = ["Identify", "ListMetadataFormats", "ListSets", "ListIdentifiers", "ListRecords",
         "GetRecord"]
DATES = st.one_of(
    st.dates().map(str),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z"),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z"),
    TEXT)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6)


@st.composite
def tokens(draw) -> str:
    """Resumption tokens: random text, or our format with fields of any type."""
    if draw(st.booleans()):
        return draw(TEXT)
    state = {"p": "oai_dc", "s": None, "c": 7, "n": 29, "f": None,
             "u": "2999-01-01T00:00:00Z", "a": ["2024-01-01T00:00:00Z", BASE + "doc/x"],
             "e": "2999-01-01T00:00:00Z"}
    for name in draw(st.lists(st.sampled_from(sorted(state)), max_size=3, unique=True)):
        state[name] = draw(JSON_VALUES | DATES)
    if draw(st.booleans()):
        state.pop(draw(st.sampled_from(sorted(state))))
    encoded = base64.urlsafe_b64encode(json.dumps(state).encode()).decode()
    return encoded.rstrip("=") if draw(st.booleans()) else encoded


OAI_VALUES = {
    "metadataPrefix": st.sampled_from(["oai_dc", "rdf", "marc"]) | TEXT,
    "identifier": st.sampled_from([BASE + "id/note/autonomie-du-groupe", BASE + "id/note/x#y",
                                   BASE + "id/../id/note/x", "urn:x"]) | TEXT,
    "from": DATES, "until": DATES,
    "set": st.sampled_from(["kind", "kind:note", "notebook:cdp-transfert-connaissances",
                            "community:passerelles", "notebook", "community"]) | TEXT,
    "resumptionToken": tokens(),
}


@st.composite
def oai_arguments(draw) -> list[tuple[str, str]]:
    pairs = [("verb", draw(st.sampled_from(VERBS) | TEXT))] if draw(
        st.integers(0, 9)) else []
    for name in draw(st.lists(st.sampled_from(sorted(OAI_VALUES)) | TEXT, max_size=4)):
        pairs.append((name, draw(OAI_VALUES.get(name, TEXT))))
    return pairs


@FAST
@given(arguments=oai_arguments(), method=st.sampled_from(["GET", "POST"]))
def test_oai_arguments_never_fail_the_server(client, arguments, method):
    if method == "GET":
        send(client, "GET", "/oai?" + urllib.parse.urlencode(arguments))
    else:
        send(client, "POST", "/oai", data=urllib.parse.urlencode(arguments),
             headers={"Content-Type": "application/x-www-form-urlencoded"})


# ---- Accept / Accept-Language ----------------------------------------------------------------

ROUTES = ["/", "/doc/note/autonomie-du-groupe", "/id/note/autonomie-du-groupe",
          "/doc/term/autonomie/revisions", "/doc/term/autonomie/revisions/1",
          "/doc/note/nothing-here", "/sparql", "/sparql?query=ASK%7B%7D",
          "/sparql?query=CONSTRUCT%20WHERE%7B%3Fs%20%3Fp%20%3Fo%7DLIMIT%201",
          "/search?q=autonomie", "/search?q=autonomie&format=json", "/notebooks", "/lexicon",
          "/communities", "/people", "/ontology", "/.well-known/void", "/catalog", "/oai",
          "/changes", "/changes/0", "/sitemap.xml", "/robots.txt", "/reconcile",
          "/reconcile/preview?id=term/autonomie", "/store?default",
          f"/store?graph={BASE}doc/term/autonomie", "/health", "/no-such-page",
          "/dumps/dataset.nq.gz"]


@FAST
@given(route=st.sampled_from(ROUTES), accept=st.none() | ACCEPT,
       language=st.none() | ACCEPT_LANGUAGE, lang=st.none() | TEXT)
def test_accept_headers_never_fail_the_server(client, route, accept, language, lang):
    headers = {}
    if accept is not None:
        headers["Accept"] = accept
    if language is not None:
        headers["Accept-Language"] = language
    if lang is not None:
        route += ("&" if "?" in route else "?") + urllib.parse.urlencode({"lang": lang})
    send(client, "GET", route, headers=headers)


# ---- paths and keys ------------------------------------------------------------------------------

ODD = ["%2F", "..", "%2e%2e", "%2E%2E%2F", "%C3%28", "%00", "%FF", "%", "%%", "%zz", "%C0%AF",
       "..%2F..%2Fetc%2Fpasswd", ";", "%0d%0a", "%E2%80%AE", "%F0%9F%98%80", "~", "a" * 5000,
       "%ED%A0%80", ".", "-", "A", "0" * 30, "x.ttl.ttl", "x.", "%20", "+", "x#y", "x?y=1"]
SEGMENTS = st.one_of(st.from_regex(r"\A[a-z0-9-]{1,40}\Z"), st.sampled_from(ODD),
                     TEXT.map(lambda t: urllib.parse.quote(t, safe="")),
                     st.lists(st.sampled_from(ODD), min_size=2, max_size=4).map("".join))
KIND_SEGMENTS = st.sampled_from(["note", "term", "notebook", "category", "knowledge-base",
                                 "community", "person", "organisation", "lexicon"]) | SEGMENTS
EXTENSIONS = st.sampled_from(["", ".ttl", ".html", ".jsonld", ".rdf", ".nt", ".x", ".",
                              "..ttl", ".ttl.ttl", ".TTL"])


@st.composite
def paths(draw) -> str:
    shape = draw(st.integers(0, 9))
    key = draw(SEGMENTS)
    if shape <= 3:
        path = f"/{draw(st.sampled_from(['doc', 'id']))}/{draw(KIND_SEGMENTS)}/{key}" \
               f"{draw(EXTENSIONS)}"
        path += draw(st.sampled_from(["", "/revisions", "/revisions.ttl", "/revisions/1",
                                      "/revisions/1.ttl"]) | SEGMENTS.map(
            lambda s: "/revisions/" + s))
    elif shape == 4:
        path = f"/changes/{key}"
    elif shape == 5:
        path = f"/sitemap-{key}.xml"
    elif shape == 6:
        path = draw(st.sampled_from(["/dumps/", "/vendor/yasgui/", "/static/", "/doc/"])) + key
    elif shape == 7:
        path = "/" + "/".join(draw(st.lists(SEGMENTS, min_size=1, max_size=4)))
    else:
        path = "/doc/note/autonomie-du-groupe" if shape == 8 else "/search"
    if draw(st.booleans()):
        name = draw(st.sampled_from(["page", "q", "lang", "format", "kind", "notebook",
                                     "category", "id", "graph", "default"]))
        path += f"?{name}={draw(SEGMENTS)}"
    return path


@FAST
@given(path=paths(), method=st.sampled_from(["GET", "HEAD", "GET", "OPTIONS"]))
def test_paths_and_keys_never_fail_the_server(client, path, method):
    send(client, method, path)


# ---- bodies of writes ----------------------------------------------------------------------

VALID_TURTLE = PREFIXES + public_note("fuzz", "Fuzz", '; ckg:body "Un corps"@fr')
VALID_JSONLD = json.dumps({
    "@context": {"ckg": CKG, "dcterms": "http://purl.org/dc/terms/"},
    "@id": BASE + "id/note/fuzz", "@type": "ckg:GeneralNote",
    "dcterms:title": {"@value": "Fuzz", "@language": "fr"}})
VALID_RDFXML = (f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                f'xmlns:dcterms="http://purl.org/dc/terms/"><rdf:Description rdf:about='
                f'"{BASE}id/note/fuzz"><dcterms:title xml:lang="fr">Fuzz</dcterms:title>'
                "</rdf:Description></rdf:RDF>")
BODY_PIECES = ["<", ">", "@prefix", "@base <file:///etc/> .", "[", "]", "(", ")", '"', '"""',
               "\\u0000", "\x00", ";", ".", ",", "a", "ckg:Private", "ckg:Public",
               "<id/note/autre>", "<http://x/>", "_:b", "{", "}", "@context", '"@id"',
               '"@type"', '"@graph"', '"@included"', '"@reverse"', '"@list"', "null", "true",
               "1e999", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", "&e;",
               "rdf:parseType=\"Collection\"", "xml:base=\"file:///\""]
CONTENT_TYPES = ["text/turtle", "application/n-triples", "application/rdf+xml",
                 "application/ld+json", "application/n-quads", "application/trig",
                 "application/json", "text/plain", "", "text/turtle; charset=latin-1"]
BODIES = st.one_of(
    mutated([VALID_TURTLE], BODY_PIECES).map(lambda t: ("text/turtle", t)),
    mutated([VALID_JSONLD], BODY_PIECES).map(lambda t: ("application/ld+json", t)),
    mutated([VALID_RDFXML], BODY_PIECES).map(lambda t: ("application/rdf+xml", t)),
    JSON_VALUES.map(lambda v: ("application/ld+json", json.dumps(v))),
    st.tuples(st.sampled_from(CONTENT_TYPES), TEXT),
    st.tuples(st.sampled_from(CONTENT_TYPES), st.binary(max_size=100)),
)
PRECONDITIONS = st.fixed_dictionaries({}, optional={
    "If-Match": st.sampled_from(['"r1-x"', "*", '"r99999999999999999999-x"', 'W/"r1-x"', ""])
    | LATIN, "If-None-Match": st.sampled_from(["*", '"x"']) | LATIN})


@SLOW
@given(body=BODIES, key=st.sampled_from(["fuzz", "autonomie-du-groupe"]) | SEGMENTS,
       kind=st.sampled_from(["note", "term", "notebook"]), preconditions=PRECONDITIONS)
def test_put_bodies_never_fail_the_server(client, body, key, kind, preconditions):
    content_type, data = body
    send(client, "PUT", f"/doc/{kind}/{key}", data=data,
         headers={**AUTH, **preconditions, "Content-Type": content_type})


@SLOW
@given(body=BODIES, graph=st.none() | st.sampled_from([
    BASE + "doc/note/fuzz", BASE + "graph/metadata", "https://vocab.example.org/g",
    BASE + "id/note/x", "http://[::1", "file:///etc/passwd"]) | TEXT,
    method=st.sampled_from(["POST", "PUT", "DELETE"]))
def test_graph_store_bodies_never_fail_the_server(client, body, graph, method):
    content_type, data = body
    target = "/store?default" if graph is None else "/store?" + urllib.parse.urlencode(
        {"graph": graph})
    send(client, method, target, data=data, headers={**AUTH, "Content-Type": content_type})


# ---- reconciliation --------------------------------------------------------------------------

VALID_BATCH = json.dumps({"q0": {"query": "autonomie", "type": CKG + "Term", "limit": 3,
                                 "properties": [{"pid": "broader", "v": "term/autonomie"}]}})
VALID_EXTEND = json.dumps({"ids": [BASE + "id/term/autonomie"],
                           "properties": [{"id": "broader"}, {"id": "notebook"}]})
JSON_PIECES = ["{", "}", "[", "]", '"', ":", ",", "null", "1e999", "-1", "0", "true",
               '"type_strict": "all"', '"limit": 100000', '"properties": [{}]', '"v": {}',
               '"pid": 5', "\\ud800", "\\u0000", "NaN", "Infinity"]


@FAST
@given(payload=st.one_of(mutated([VALID_BATCH], JSON_PIECES),
                         JSON_VALUES.map(json.dumps), TEXT),
       field=st.sampled_from(["queries", "extend"]),
       how=st.sampled_from(["get", "form", "json"]))
def test_reconciliation_requests_never_fail_the_server(client, payload, field, how):
    if how == "get":
        send(client, "GET", "/reconcile?" + urllib.parse.urlencode({field: payload}))
    elif how == "form":
        send(client, "POST", "/reconcile", data={field: payload})
    else:
        body = payload if field == "queries" else json.dumps({"extend": payload})
        send(client, "POST", "/reconcile", data=body,
             headers={"Content-Type": "application/json"})


@FAST
@given(route=st.sampled_from(["/reconcile/suggest/entity", "/reconcile/suggest/type",
                              "/reconcile/suggest/property", "/reconcile/propose_properties",
                              "/reconcile/preview", "/reconcile/view"]),
       params=st.dictionaries(st.sampled_from(["prefix", "cursor", "limit", "type", "id",
                                               "lang"]), TEXT | SEGMENTS, max_size=4))
def test_reconciliation_side_routes_never_fail_the_server(client, route, params):
    send(client, "GET", route + "?" + urllib.parse.urlencode(params))


@FAST
@given(params=st.dictionaries(st.sampled_from(["q", "page", "kind", "notebook", "category",
                                               "format", "lang"]),
                              TEXT | SEGMENTS | st.sampled_from(["json", "-1", "999999",
                                                                 "0", "1e3"]), max_size=5))
def test_search_parameters_never_fail_the_server(client, params):
    send(client, "GET", "/search?" + urllib.parse.urlencode(params))


# ---- regressions pinned from the fuzzing (each one a defect while it fails) ------------------

def _token(**changes) -> str:
    state = {"p": "oai_dc", "s": None, "c": 7, "n": 29, "f": None,
             "u": "2999-01-01T00:00:00Z", "a": ["2024-01-01T00:00:00Z", BASE + "doc/x"],
             "e": "2999-01-01T00:00:00Z", **changes}
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()


@pytest.mark.parametrize("arguments", [
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-02-30"},
    {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "until": "0000-01-01"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01T25:00:00Z"},
    {"verb": "ListRecords", "resumptionToken": _token(p=["oai_dc"])},
    {"verb": "ListRecords", "resumptionToken": _token(s={"a": 1})},
    {"verb": "ListIdentifiers", "resumptionToken": _token(s=["kind:note"])},
    {"verb": "ListRecords", "resumptionToken": _token(c=float("inf"))},
], ids=["from-feb-30", "until-year-0", "from-hour-25", "token-prefix-list", "token-set-dict",
        "token-set-list", "token-cursor-inf"])
def test_oai_bad_dates_and_forged_tokens_are_oai_errors(client, arguments):
    response = send(client, "GET", "/oai?" + urllib.parse.urlencode(arguments))
    assert response.status_code == 200 and b"<error code=\"bad" in response.data


@pytest.mark.parametrize("case", ["sparql-service", "sparql-braces", "sparql-parens",
                                  "reconcile-json", "reconcile-get", "put-jsonld",
                                  "store-jsonld"])
def test_deeply_nested_input_is_a_4xx(client, case):
    deep = 20000
    if case == "sparql-service":
        response = send(client, "GET", "/sparql", query_string={
            "query": "SELECT * WHERE { SERVICE <x:y> " + "{" * 3000 + "}" * 3000 + "}"})
    elif case == "sparql-braces":
        response = send(client, "GET", "/sparql", query_string={
            "query": "SELECT * WHERE " + "{" * deep + "}" * deep})
    elif case == "sparql-parens":
        response = send(client, "GET", "/sparql", query_string={
            "query": "ASK { FILTER(" + "(" * deep + "1" + ")" * deep + ") }"})
    elif case == "reconcile-json":
        response = send(client, "POST", "/reconcile", data="[" * deep + "]" * deep,
                        headers={"Content-Type": "application/json"})
    elif case == "reconcile-get":
        response = send(client, "GET", "/reconcile", query_string={
            "queries": "[" * deep + "]" * deep})
    else:
        path = "/doc/note/fuzz" if case == "put-jsonld" else "/store?default"
        response = send(client, "PUT" if case == "put-jsonld" else "POST", path,
                        data="[" * deep + "]" * deep,
                        headers={**AUTH, "Content-Type": "application/ld+json"})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("form", [{"query": ""}, {"update": ""}, {"query": "", "update": ""}])
def test_an_empty_form_operation_is_a_400(client, form):
    response = send(client, "POST", "/sparql", data=form, headers=AUTH)
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
@pytest.mark.parametrize("graph", ["http://[::1", "http://x.example/%zz", "http://x.example/\\u"])
def test_graph_store_names_that_are_not_iris_are_a_4xx(client, method, graph):
    external = '<http://x.example/s> <http://www.w3.org/2000/01/rdf-schema#label> "x" .'
    response = send(client, method, "/store?" + urllib.parse.urlencode({"graph": graph}),
                    data=external, headers={**AUTH, "Content-Type": "application/n-triples"})
    assert 400 <= response.status_code < 500


# ---- the same against a real server (waitress in front) --------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-real")
    from .support import TOKENS

    with server(folder, {"CARNET_KG_WRITE_TOKENS": TOKENS, "CARNET_KG_QUERY_TIMEOUT": "3",
                         "CARNET_KG_MAX_REQUEST_BYTES": "200000"},
                load=sample_and_canaries(folder)) as running:
        yield running
        assert ALICE_TOKEN not in running.log()


@REAL
@given(query=QUERIES, accept=st.none() | ACCEPT, method=st.sampled_from(["GET", "POST"]))
def test_real_server_sparql(site, query, accept, method):
    headers = {"Accept": accept} if accept is not None else {}
    if method == "GET":
        send_real(site.url, "GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                  headers=headers)
    else:
        send_real(site.url, "POST", "/sparql", urllib.parse.urlencode({"query": query}),
                  {**headers, "Content-Type": "application/x-www-form-urlencoded"})


@REAL
@given(arguments=oai_arguments())
def test_real_server_oai(site, arguments):
    send_real(site.url, "GET", "/oai?" + urllib.parse.urlencode(arguments))


@REAL
@given(path=paths(), accept=st.none() | ACCEPT, language=st.none() | ACCEPT_LANGUAGE)
def test_real_server_paths_and_headers(site, path, accept, language):
    headers = {}
    if accept is not None:
        headers["Accept"] = accept
    if language is not None:
        headers["Accept-Language"] = language
    if any(c in path for c in " \r\n\x00") or any(
            c in v for v in headers.values() for c in "\r\n\x00"):
        reply = raw_get(site.url, path.encode("utf-8", "surrogateescape"), headers)
        record("requests fuzzed (real server)")
        assert not problems(reply.status, reply.body, path)
        return
    send_real(site.url, "GET", path, headers=headers)


@REAL
@given(body=BODIES, key=st.sampled_from(["fuzz", "autonomie-du-groupe"]) | st.from_regex(
    r"\A[a-z0-9-]{1,20}\Z"))
def test_real_server_writes(site, body, key):
    content_type, data = body
    send_real(site.url, "PUT", f"/doc/note/{key}", data,
              {**AUTH, "Content-Type": content_type} if content_type else AUTH)


RAW_TARGETS = [b"/doc/note/%C3%28", b"/doc/note/\xc3\x28", b"/doc/note/a%00b", b"/doc/note/a\x00b",
               b"/doc/note/..%2F..%2Fetc%2Fpasswd", b"/doc/%2e%2e/%2e%2e/etc/passwd",
               b"/static/../../src/carnet_kg/config.py", b"/static/..%2F..%2Fconfig.py",
               b"/vendor/yasgui/..%2F..%2Fpackage.json", b"/doc/note/" + b"a" * 60000,
               b"/sparql?query=%C3%28", b"/sparql?query=\xff", b"/oai?verb=\xff%FF",
               b"/search?q=%ED%A0%80", b"/?lang=%00", b"//etc/passwd", b"*",
               b"http://evil.example/doc/note/autonomie-du-groupe", b"/doc/note/%u0041"]


@pytest.mark.parametrize("target", RAW_TARGETS, ids=lambda t: t[:40].decode("latin-1"))
def test_real_server_raw_targets(site, target):
    reply = raw_get(site.url, target)
    record("requests fuzzed (real server)")
    assert not problems(reply.status, reply.body, target[:80].decode("latin-1"))
    assert b"root:" not in reply.body and b"[tool.ruff]" not in reply.body
    assert b"def load_settings" not in reply.body and MARKER.encode() not in reply.body
