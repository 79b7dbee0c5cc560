"""Private content never leaks. Canaries (a private note, a community-only note, a private term,
a private notebook and its category, each carrying the marker ``CANARY-7f3a9c`` in its literals
and ``canary-7f3a9c`` in its IRI) are loaded with the sample, linked to AND from public
resources. Then every route of a real server is probed: a crawl from ``/`` (HTML and RDF
alternates), every document in every format and its history, a battery of SPARQL queries
(GRAPH ?g, DESCRIBE, REGEX, counts, property paths, FROM / FROM NAMED, the metadata graph),
search, OAI-PMH, dumps, VoID/DCAT counts against the sample alone, sitemaps, the change feed,
reconciliation, the graph store and the indexes. Last, the canary note is made public (the
probes find it: they can fail), private (nothing), public again (back) and private again."""

from __future__ import annotations

import gzip
import json
import re
import urllib.parse
from collections import Counter, deque
from xml.etree import ElementTree as ET

import pytest
from rdflib import Graph, Literal, URIRef

from carnet_kg import pipeline
from carnet_kg.config import Settings
from carnet_kg.store import open_store
from carnet_kg.web import create_app

from ..backends import engine_settings
from ..conftest import BASE, PRIVATE_KEYS, SAMPLE
from ..html_links import Links
from .support import (
    ALICE_TOKEN,
    CANARY_IRIS,
    COMMUNITY_NOTE,
    IRI_NEEDLES,
    KEY,
    LITERAL_NEEDLES,
    MARKER,
    PRIVATE_CATEGORY,
    PRIVATE_NOTE,
    PRIVATE_NOTEBOOK,
    PRIVATE_TERM,
    TOKENS,
    Scanner,
    canary_note,
    fetch,
    record,
    sample_and_canaries,
    server,
    sparql_get,
)

CKG = "https://w3id.org/carnet-kg/ontology#"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
METADATA = BASE + "graph/metadata"
FORMATS = ("ttl", "jsonld", "rdf", "nt")
ACCEPTS = ("text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples",
           "text/html", "*/*")
MAX_PAGES = 900


def doc_of(iri: str) -> str:
    return iri.replace("/id/", "/doc/", 1)


def path_of(iri: str) -> str:
    """``/doc/{kind}/{key}`` of a thing's IRI."""
    return "/" + doc_of(iri)[len(BASE):]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("leaks")
    with server(folder, {"CARNET_KG_WRITE_TOKENS": TOKENS, "CARNET_KG_OAI_PAGE_SIZE": "7",
                         "CARNET_KG_QUERY_TIMEOUT": "5"},
                load=sample_and_canaries(folder)) as running:
        yield running


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The same server code on the sample alone (no canary), in process: what public content
    gives, for the counts."""
    folder = tmp_path_factory.mktemp("reference")
    settings = Settings(base=BASE, store=str(folder / "store"),
                        **engine_settings(folder / "store"), query_workers=1)
    store = open_store(settings)
    pipeline.load([SAMPLE], settings, store)
    app = create_app(settings, store)
    yield app.test_client(), store
    app.extensions["carnet_kg.executor"].close()
    store.close()


def finish(scanner: Scanner, what: str) -> None:
    record("leaks found", len(scanner.leaks))
    print(f"{what}: {scanner.probes} probes, {len(scanner.leaks)} leak(s)")
    assert not scanner.leaks, f"{len(scanner.leaks)} leak(s) in {what}:\n{scanner.report()}"


def with_headers(reply) -> str:
    return "\n".join(f"{k}: {v}" for k, v in reply.headers.items()) + "\n" + reply.text


# ---- the public resources, as the endpoint lists them ----------------------------------------

@pytest.fixture(scope="module")
def public_things(site) -> list[str]:
    query = (f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a ?c }} FILTER(STRSTARTS(STR(?s), "
             f"'{BASE}id/') && !CONTAINS(STR(?s), '#')) }} ORDER BY ?s")
    reply = sparql_get(site.url, query)
    things = [b["s"]["value"] for b in json.loads(reply.body)["results"]["bindings"]]
    assert len(things) == 29, things
    return things


# ---- 1. the crawl ---------------------------------------------------------------------------

LINK_HEADER = re.compile(r"<([^>]+)>")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_crawl_from_home_reaches_no_canary(site, language):
    scanner = Scanner()
    host = urllib.parse.urlsplit(site.url).netloc
    queue, seen, failures = deque(["/"]), set(), []
    while queue and len(seen) < MAX_PAGES:
        target = queue.popleft().split("#", 1)[0]
        if target in seen:
            continue
        seen.add(target)
        reply = fetch(site.url + target, headers={
            "Accept": "text/html,*/*;q=0.8", "Accept-Language": language})
        scanner.check(f"crawl {target}", with_headers(reply), urllib.parse.unquote(target))
        if reply.status >= 500:
            failures.append((target, reply.status))
        links = LINK_HEADER.findall(reply.header("Link", "") or "")
        if reply.header("Location"):
            links.append(reply.header("Location"))
        if "html" in (reply.header("Content-Type") or ""):
            parser = Links()
            parser.feed(reply.text)
            links += parser.found
        for link in links:
            absolute = urllib.parse.urljoin(site.url + target, link)
            parts = urllib.parse.urlsplit(absolute)
            if parts.netloc == host and parts.scheme == "http":
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    record("crawled pages", len(seen))
    print(f"crawl ({language}): {len(seen)} URLs")
    assert failures == []
    assert len(seen) > 150 and any(".ttl" in s for s in seen)  # RDF alternates followed
    finish(scanner, f"the crawl ({language})")


# ---- 2. every document, every format, its history ---------------------------------------------

def test_every_document_in_every_format_and_its_history(site, public_things):
    scanner = Scanner()
    for thing in public_things:
        path = path_of(thing)
        targets = [path, *(f"{path}.{ext}" for ext in FORMATS), f"{path}.html",
                   f"{path}?page=2", f"{path}/revisions", f"{path}/revisions.ttl",
                   f"{path}/revisions.jsonld", f"{path}/revisions.rdf", f"{path}/revisions.nt"]
        for target in targets:
            reply = fetch(site.url + target)
            scanner.check(f"GET {target}", with_headers(reply))
        for accept in ACCEPTS:
            for start in (path, "/" + thing[len(BASE):]):
                reply = fetch(site.url + start, headers={"Accept": accept})
                scanner.check(f"GET {start} Accept {accept}", with_headers(reply))
        history = Graph().parse(data=fetch(site.url + f"{path}/revisions.ttl").text,
                                format="turtle")
        numbers = [int(n) for n in history.objects(None, URIRef(CKG + "revisionNumber"))]
        assert numbers, thing
        for number in numbers:
            for suffix in ("", ".ttl", ".jsonld"):
                reply = fetch(site.url + f"{path}/revisions/{number}{suffix}")
                scanner.check(f"GET {path}/revisions/{number}{suffix}", with_headers(reply))
    finish(scanner, "documents")


def _missing_answers(site, path: str) -> list[tuple[int, str]]:
    answers = []
    for suffix in ("", ".ttl", ".html", "/revisions", "/revisions.ttl", "/revisions/1.ttl"):
        reply = fetch(site.url + path + suffix, headers={"Accept": "text/html"})
        answers.append((reply.status, reply.text))
    return answers


@pytest.mark.parametrize("iri", [*CANARY_IRIS, *(BASE + k for k in PRIVATE_KEYS)])
def test_a_withheld_resource_is_indistinguishable_from_one_that_never_existed(site, iri):
    scanner = Scanner()
    kind, key = iri[len(BASE):].split("/")[1:]
    nonexistent = f"/doc/{kind}/zz-{len(key)}-nothing"
    withheld = _missing_answers(site, path_of(iri))
    never = _missing_answers(site, nonexistent)
    for (status, body), (never_status, never_body) in zip(withheld, never, strict=True):
        scanner.found(f"{path_of(iri)} status", status == never_status == 404,
                      f"{status} vs {never_status} for a key that never existed")
        scanner.found(f"{path_of(iri)} body", body.replace(key, "K") == never_body.replace(
            f"zz-{len(key)}-nothing", "K"), "the body differs from a missing resource's")
        scanner.check(f"{path_of(iri)} (missing)", body, sent=iri)
    for accept in ("text/html", "text/turtle"):
        reply = fetch(site.url + "/" + iri[len(BASE):], headers={"Accept": accept})
        scanner.found(f"/id/ {iri} {accept}", reply.status == 404,
                      f"/id/ answers {reply.status} {reply.header('Location')}")
    finish(scanner, f"missing {iri}")


# ---- 3. SPARQL ------------------------------------------------------------------------------

P = f"PREFIX ckg: <{CKG}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> " \
    "PREFIX dcterms: <http://purl.org/dc/terms/> "
NOTE45 = BASE + "id/note/autonomie-du-groupe"
RITUELS = BASE + "id/note/rituels-de-rencontre"

SCANNED_QUERIES = [
    "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }",
    f"SELECT ?g ?p ?o WHERE {{ GRAPH <{METADATA}> {{ ?g ?p ?o }} }}",
    f"SELECT * FROM <{METADATA}> WHERE {{ ?s ?p ?o }}",
    f"SELECT * FROM NAMED <{METADATA}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    P + "SELECT ?x ?y WHERE { ?x ckg:relatedNote+ ?y }",
    P + "SELECT ?x ?y WHERE { ?x (ckg:relatedNote|^ckg:relatedNote)* ?y }",
    P + f"SELECT ?x WHERE {{ <{NOTE45}> ^ckg:relatedNote ?x }}",
    P + f"SELECT ?x WHERE {{ <{RITUELS}> ckg:relatedNote ?x }}",
    P + "SELECT ?n ?m WHERE { ?nb ckg:hasMembership ?m . ?m ckg:member ?n }",
    P + "SELECT ?m ?p ?o WHERE { ?m a ckg:Membership ; ?p ?o }",
    P + "SELECT ?t ?x WHERE { ?t (skos:broader|skos:narrower|skos:related)+ ?x }",
    P + "SELECT ?n ?t WHERE { ?n ckg:relatedTerm ?t }",
    P + "SELECT ?kb ?nb WHERE { ?kb ckg:includesNotebook ?nb }",
    P + "SELECT ?s ?v WHERE { ?s ckg:visibility ?v }",
    P + "SELECT ?s ?c WHERE { ?s ckg:visibleTo ?c }",
    P + "SELECT ?s ?b WHERE { ?s ckg:body ?b }",
    P + "SELECT ?s ?t WHERE { ?s dcterms:title ?t }",
    P + "SELECT ?s ?l WHERE { ?s skos:prefLabel|skos:altLabel|skos:definition ?l }",
    "SELECT ?s ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && REGEX(?o, 'secret|réservé', 'i')) }",
    "SELECT ?s WHERE { ?s ?p ?o FILTER(CONTAINS(LCASE(STR(?o)), 'brouillon')) }",
    "SELECT ?s WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?s), 'canary')) }",
    "DESCRIBE ?s WHERE { ?s a ?c }",
    "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s",
    "SELECT (GROUP_CONCAT(STR(?s); separator=' ') AS ?all) WHERE { ?s ?p ?o }",
    "SELECT (GROUP_CONCAT(STR(?o); separator=' ') AS ?all) WHERE { GRAPH ?g { ?s ?p ?o } }",
]

# queries that name the canaries: their answers must be empty / false
EMPTY_QUERIES = [
    *(f"DESCRIBE <{iri}>" for iri in CANARY_IRIS),
    *(f"SELECT * WHERE {{ <{iri}> ?p ?o }}" for iri in CANARY_IRIS),
    *(f"SELECT * WHERE {{ ?s ?p <{iri}> }}" for iri in CANARY_IRIS),
    *(f"SELECT * WHERE {{ GRAPH <{doc_of(iri)}> {{ ?s ?p ?o }} }}" for iri in CANARY_IRIS),
    *(f"SELECT * FROM <{doc_of(iri)}> WHERE {{ ?s ?p ?o }}" for iri in CANARY_IRIS),
    *(f"SELECT * FROM NAMED <{doc_of(iri)}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
      for iri in CANARY_IRIS),
    *(f"SELECT * WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}" for iri in CANARY_IRIS),
    *(f"SELECT * WHERE {{ GRAPH <{METADATA}> {{ <{doc_of(iri)}> ?p ?o }} }}"
      for iri in CANARY_IRIS),
    f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(REGEX(STR(?s), '{KEY}', 'i')) }}",
    f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(REGEX(STR(?o), '{KEY}', 'i')) }}",
    f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(CONTAINS(STR(?g), '{KEY}')) }}",
    f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(?o, '{MARKER}')) }}",
    f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(REGEX(STR(?o), '{MARKER.lower()}', 'i')) }}",
    "SELECT ?s WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), '7f3a9c')) }",
    P + f"SELECT ?x WHERE {{ ?x ckg:relatedNote+ <{PRIVATE_NOTE}> }}",
    P + f"SELECT ?x WHERE {{ <{PRIVATE_NOTE}> ^ckg:relatedNote* ?x "
    f"FILTER(?x != <{PRIVATE_NOTE}>) }}",
    P + f"SELECT ?x WHERE {{ <{COMMUNITY_NOTE}> (ckg:relatedNote|^ckg:relatedNote)+ ?x }}",
    P + f"SELECT ?m WHERE {{ ?m ckg:member <{PRIVATE_NOTE}> }}",
    P + f"SELECT ?m WHERE {{ <{PRIVATE_NOTEBOOK}> ckg:hasMembership ?m }}",
    P + f"SELECT ?x WHERE {{ ?x skos:narrower|^skos:broader <{PRIVATE_TERM}> }}",
    P + f"SELECT ?x WHERE {{ ?x ckg:category <{PRIVATE_CATEGORY}> }}",
]
ASK_FALSE = [
    *(f"ASK {{ <{iri}> ?p ?o }}" for iri in CANARY_IRIS),
    *(f"ASK {{ ?s ?p <{iri}> }}" for iri in CANARY_IRIS),
    *(f"ASK {{ GRAPH ?g {{ ?s ?p <{iri}> }} }}" for iri in CANARY_IRIS),
    *(f"ASK {{ GRAPH <{doc_of(iri)}> {{ ?s ?p ?o }} }}" for iri in CANARY_IRIS),
    f"ASK {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), '{MARKER}')) }}",
    "ASK { ?s ?p ?o FILTER(CONTAINS(STR(?s), '7f3a9c')) }",
    f"ASK {{ ?s <{CKG}visibility> <{CKG}Private> }}",
    f"ASK {{ ?s <{CKG}visibility> <{CKG}CommunityOnly> }}",
]
PUBLIC = f"FILTER(?g != <{METADATA}>)"  # the published graphs (the metadata graph apart)
COUNTS = [  # compared with the sample alone: no off-by-the-canary
    f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {PUBLIC} }}",
    f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {PUBLIC} }}",
    f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {PUBLIC} }}",
    f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {PUBLIC} }}",
    f"SELECT (COUNT(?n) AS ?c) WHERE {{ ?n a <{CKG}GeneralNote> }}",
    f"SELECT (COUNT(?n) AS ?c) WHERE {{ ?n a <{CKG}Term> }}",
    f"SELECT (COUNT(?n) AS ?c) WHERE {{ ?n a <{CKG}Notebook> }}",
    f"SELECT (COUNT(?n) AS ?c) WHERE {{ ?n a <{CKG}Category> }}",
    f"SELECT (COUNT(?n) AS ?c) WHERE {{ ?n a <{CKG}Membership> }}",
    P + "SELECT (COUNT(*) AS ?c) WHERE { ?x ckg:relatedNote ?y }",
    P + "SELECT (COUNT(*) AS ?c) WHERE { ?x ckg:relatedTerm ?y }",
    P + "SELECT (COUNT(*) AS ?c) WHERE { ?x skos:narrower ?y }",
    P + "SELECT (COUNT(*) AS ?c) WHERE { ?x ckg:includesNotebook ?y }",
    P + "SELECT (COUNT(*) AS ?c) WHERE { ?x ckg:relatedNote+ ?y }",
    f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {PUBLIC} }} GROUP BY ?p "
    "ORDER BY ?p",
    "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c",
    f"SELECT (SUM(STRLEN(STR(?o))) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {PUBLIC} "
    "FILTER(isLiteral(?o)) }",
]
METADATA_COUNTS = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{METADATA}> {{ ?s ?p ?o }} }}",
    f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH <{METADATA}> {{ ?s ?p ?o }} }} "
    "GROUP BY ?p ORDER BY ?p",
    f"SELECT ?s (COUNT(*) AS ?n) WHERE {{ GRAPH <{METADATA}> {{ ?s ?p ?o }} }} "
    "GROUP BY ?s ORDER BY ?s",
]
ACCEPT_FORMATS = ["application/sparql-results+json", "application/sparql-results+xml",
                  "text/csv", "text/tab-separated-values"]


def _rows(reply) -> list[dict]:
    assert reply.status == 200, reply.text[:300]
    return json.loads(reply.body)["results"]["bindings"]


def _reference_rows(reference, query: str) -> list[dict]:
    client, _ = reference
    answer = client.get("/sparql", query_string={"query": query},
                        headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text[:300]
    return answer.json["results"]["bindings"]


def _values(rows: list[dict]) -> list[tuple]:
    return sorted(tuple(sorted((k, v["value"]) for k, v in row.items())) for row in rows)


def test_sparql_battery(site, reference):
    scanner = Scanner()
    url = site.url
    for query in SCANNED_QUERIES:
        for accept in ACCEPT_FORMATS if query.startswith(("SELECT", "PREFIX")) else [
                "text/turtle", "application/ld+json", "application/n-triples"]:
            reply = sparql_get(url, query, accept)
            assert reply.status == 200, (query, reply.text[:200])
            scanner.check(f"SPARQL {accept} {query[:70]}", reply.body, sent=query)
        form = fetch(url + "/sparql", "POST", urllib.parse.urlencode({"query": query}),
                     {"Content-Type": "application/x-www-form-urlencoded"})
        scanner.check(f"SPARQL POST {query[:70]}", form.body, sent=query)
    for query in EMPTY_QUERIES:
        if query.startswith("DESCRIBE"):
            reply = sparql_get(url, query, "application/n-triples")
            assert reply.status == 200, reply.text[:200]
            scanner.found(f"SPARQL {query[:90]}", not reply.text.strip(), reply.text[:300])
        else:
            rows = _rows(sparql_get(url, query))
            scanner.found(f"SPARQL {query[:90]}", rows == [], str(rows)[:300])
        scanner.check(f"SPARQL {query[:70]}", sparql_get(url, query).body, sent=query)
        for params in ({"default-graph-uri": doc_of(PRIVATE_NOTE)},
                       {"named-graph-uri": doc_of(PRIVATE_NOTE)}):
            if "GRAPH" in query or "FROM" in query:
                continue
            reply = sparql_get(url, query, **params)
            scanner.check(f"SPARQL {params} {query[:60]}", reply.body,
                          sent=query + str(params))
    for query in ASK_FALSE:
        reply = sparql_get(url, query)
        scanner.found(f"SPARQL {query[:90]}", json.loads(reply.body)["boolean"] is False,
                      reply.text[:200])
    for iri in CANARY_IRIS:  # the protocol's dataset naming a canary's graph: empty
        for query, params in (("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": doc_of(iri)}),
                              ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
                               {"named-graph-uri": doc_of(iri)})):
            rows = _rows(sparql_get(url, query, **params))
            scanner.found(f"SPARQL {params} {query}", rows == [], str(rows)[:200])
    for query in COUNTS:
        ours, theirs = _values(_rows(sparql_get(url, query))), _values(
            _reference_rows(reference, query))
        scanner.found(f"SPARQL count {query[:90]}", ours == theirs,
                      f"with canaries {ours[:6]} vs sample alone {theirs[:6]}")
    finish(scanner, "SPARQL")


def test_metadata_graph_reveals_nothing_of_withheld_content(site, reference):
    """The metadata graph is served (SPARQL, ``/store?graph=``): it must tell nothing the
    public content does not — no path of the server's files, no file whose content was all
    withheld (here ``extra.ttl``: only canaries and links to them, all dropped), and the same
    counts as for the sample alone."""
    scanner = Scanner()
    rows = _rows(sparql_get(site.url, f"SELECT ?g ?f WHERE {{ GRAPH <{METADATA}> {{ ?g "
                                      f"<{CKG}sourceFile> ?f }} }}"))
    files = sorted({row["f"]["value"] for row in rows})
    paths = [f for f in files if f.startswith("/") or re.match(r"[A-Za-z]:\\", f)]
    scanner.found("metadata ckg:sourceFile", not paths,
                  f"server file paths served by SPARQL: {paths[:3]} … ({len(paths)})")
    withheld = sorted({row["g"]["value"].rsplit("/", 2)[-1] for row in rows
                       if row["f"]["value"].endswith("extra.ttl")})
    scanner.found("metadata ckg:sourceFile of withheld content", not withheld,
                  f"public resources named as coming from the file of the canaries "
                  f"(extra.ttl, all of its content withheld): {withheld}")
    graph = fetch(site.url + "/store?graph=" + urllib.parse.quote(METADATA, safe=""))
    scanner.found("/store?graph=metadata", str(site.folder) not in graph.text,
                  f"the server's folder {site.folder} is in /store?graph={METADATA}")
    for query in METADATA_COUNTS:
        ours, theirs = _values(_rows(sparql_get(site.url, query))), _values(
            _reference_rows(reference, query))
        extra = sorted(set(ours) - set(theirs))
        scanner.found(f"SPARQL count {query[:90]}", ours == theirs,
                      f"with canaries: {extra[:5]} not in the sample alone's answer")
    finish(scanner, "the metadata graph")


# ---- 4. search -----------------------------------------------------------------------------

SEARCHES = ["CANARY", "canary", "7f3a9c", "secret", "Corps", "réservé", "jamais publier",
            "note privée", "communautaire", "Définition", "carnet", "catégorie", "terme", "alt",
            "brouillon", "pistes", "plan", "travail", "Camille", "autonomie", "a", "*"]


def test_search_html_and_json(site, reference):
    scanner = Scanner()
    client, _ = reference
    filters = [{}, {"kind": "note"}, {"kind": "term"}, {"kind": "notebook"},
               {"kind": "category"}, {"notebook": PRIVATE_NOTEBOOK},
               {"category": PRIVATE_CATEGORY}, {"page": "2"}]
    for q in SEARCHES:
        for extra in filters:
            params = {"q": q, **extra}
            sent = json.dumps(params, ensure_ascii=False)
            page = fetch(site.url + "/search?" + urllib.parse.urlencode(params),
                         headers={"Accept": "text/html"})
            assert page.status == 200
            scanner.check(f"search {params}", page.text, sent=sent)
            found = fetch(site.url + "/search?" + urllib.parse.urlencode(
                {**params, "format": "json"}))
            answer = json.loads(found.body)
            scanner.check(f"search json {params}", json.dumps(answer["results"],
                                                              ensure_ascii=False), sent=sent)
            expected = client.get("/search", query_string={**params, "format": "json"}).json
            scanner.found(f"search total {params}", (answer["total"], answer["kinds"]) == (
                expected["total"], expected["kinds"]),
                f"{answer['total']} {answer['kinds']} vs sample alone {expected['total']} "
                f"{expected['kinds']}")
    finish(scanner, "search")


# ---- 5. OAI-PMH ------------------------------------------------------------------------------

def oai_pages(url: str, **params: str) -> list[bytes]:
    """Every page of a list request, following resumption tokens."""
    pages, query = [], params
    while True:
        reply = fetch(url + "/oai?" + urllib.parse.urlencode(query))
        assert reply.status == 200
        pages.append(reply.body)
        token = ET.fromstring(reply.body).find(f".//{OAI}resumptionToken")
        if token is None or not token.text:
            return pages
        query = {"verb": params["verb"], "resumptionToken": token.text}
        assert len(pages) < 200


def oai_error(body: bytes) -> str | None:
    error = ET.fromstring(body).find(f"{OAI}error")
    return None if error is None else error.get("code")


def test_oai_pmh_every_verb_set_and_format(site):
    scanner = Scanner()
    url = site.url
    for verb in ("Identify", "ListMetadataFormats", "ListSets"):
        scanner.check(f"OAI {verb}", fetch(url + f"/oai?verb={verb}").body)
    sets = [s.text for s in ET.fromstring(fetch(url + "/oai?verb=ListSets").body).iter(
        f"{OAI}setSpec")]
    assert "kind:note" in sets and "community:animation-communaute-de-pratique" in sets
    for prefix in ("oai_dc", "rdf"):
        for verb in ("ListIdentifiers", "ListRecords"):
            for spec in [None, *sets]:
                params = {"verb": verb, "metadataPrefix": prefix}
                if spec:
                    params["set"] = spec
                for page in oai_pages(url, **params):
                    scanner.check(f"OAI {params}", page)
            for dates in ({"from": "2000-01-01"}, {"until": "2999-12-31"},
                          {"from": "2024-03-01T00:00:00Z", "until": "2024-03-03T00:00:00Z"}):
                for page in oai_pages(url, verb=verb, metadataPrefix=prefix, **dates):
                    scanner.check(f"OAI {verb} {prefix} {dates}", page)
        # the canaries' identifiers, with what a never-existing one gets
        for iri in CANARY_IRIS:
            for nonexistent in (False, True):
                identifier = iri.replace(KEY, "zz-none") if nonexistent else iri
                reply = fetch(url + "/oai?" + urllib.parse.urlencode(
                    {"verb": "GetRecord", "metadataPrefix": prefix, "identifier": identifier}))
                scanner.found(f"OAI GetRecord {identifier}",
                              oai_error(reply.body) == "idDoesNotExist", reply.text[-300:])
                scanner.check(f"OAI GetRecord {identifier}", reply.body, sent=identifier)
            formats = fetch(url + "/oai?" + urllib.parse.urlencode(
                {"verb": "ListMetadataFormats", "identifier": iri}))
            scanner.found(f"OAI ListMetadataFormats {iri}",
                          oai_error(formats.body) == "idDoesNotExist", formats.text[-300:])
    for spec in (f"notebook:{KEY}-carnet", "notebook:carnet-de-travail-autonomie"):
        reply = fetch(url + "/oai?" + urllib.parse.urlencode(
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": spec}))
        scanner.found(f"OAI set {spec}", oai_error(reply.body) == "badArgument", reply.text)
    for method in ("GET", "POST"):
        body = urllib.parse.urlencode({"verb": "ListRecords", "metadataPrefix": "rdf"})
        reply = fetch(url + "/oai" + ("?" + body if method == "GET" else ""), method,
                      body if method == "POST" else None,
                      {"Content-Type": "application/x-www-form-urlencoded"})
        scanner.check(f"OAI {method} ListRecords rdf", reply.body)
    finish(scanner, "OAI-PMH")


# ---- 6. dumps, VoID / DCAT, sitemaps, the change feed -----------------------------------------

def _quads(body: bytes) -> list[str]:
    return [line for line in gzip.decompress(body).decode().splitlines() if line.strip()]


def test_dumps_hold_only_public_content(site, reference):
    scanner = Scanner()
    client, _ = reference
    for name in ("dataset.nq.gz", "dataset.ttl.gz"):
        reply = fetch(site.url + f"/dumps/{name}")
        assert reply.status == 200
        scanner.check(f"dump {name}", reply.body)
    ours = _quads(fetch(site.url + "/dumps/dataset.nq.gz").body)
    theirs = _quads(client.get("/dumps/dataset.nq.gz").data)
    scanner.found("dump quad count", len(ours) == len(theirs),
                  f"{len(ours)} quads with canaries vs {len(theirs)} for the sample alone")
    ttl = Graph().parse(data=gzip.decompress(fetch(site.url + "/dumps/dataset.ttl.gz").body),
                        format="turtle")
    reference_ttl = Graph().parse(data=gzip.decompress(client.get("/dumps/dataset.ttl.gz").data),
                                  format="turtle")
    scanner.found("dump triple count", len(ttl) == len(reference_ttl),
                  f"{len(ttl)} vs {len(reference_ttl)}")
    finish(scanner, "dumps")


def _counts(graph: Graph) -> Counter:
    """Every integer statement of a VoID/DCAT graph, keyed by what it counts (a class, a
    property, a link set's title…), sizes of files left out."""
    found = Counter()
    for subject, predicate, value in graph:
        if not isinstance(value, Literal) or not isinstance(value.toPython(), int) or \
                str(predicate).endswith("byteSize"):
            continue
        names = sorted(str(o) for p, o in graph.predicate_objects(subject)
                       if str(p).endswith(("#class", "#property", "title", "linkPredicate",
                                           "objectsTarget")))
        label = str(subject) if isinstance(subject, URIRef) else "|".join(names)
        found[(label.split("/kb/")[-1], str(predicate), int(value))] += 1
    return found


def test_void_and_catalog_counts_are_those_of_public_content(site, reference):
    scanner = Scanner()
    client, _ = reference
    for path in ("/.well-known/void", "/catalog"):
        for accept in ("text/turtle", "application/ld+json", "application/rdf+xml",
                       "application/n-triples"):
            reply = fetch(site.url + path, headers={"Accept": accept})
            scanner.check(f"{path} {accept}", reply.body)
        ours = _counts(Graph().parse(data=fetch(site.url + path, headers={
            "Accept": "text/turtle"}).text, format="turtle"))
        theirs = _counts(Graph().parse(data=client.get(path, headers={
            "Accept": "text/turtle"}).text, format="turtle"))
        assert ours, "no count found in VoID"
        scanner.found(f"{path} counts", ours == theirs,
                      f"with canaries {sorted(ours - theirs)} vs sample alone "
                      f"{sorted(theirs - ours)}")
    home = json.loads(fetch(site.url + "/?format=json").body)
    expected = client.get("/?format=json").json
    scanner.found("home counts", home["counts"] == expected["counts"],
                  f"{home['counts']} vs {expected['counts']}")
    scanner.check("home json", json.dumps(home, ensure_ascii=False))
    finish(scanner, "VoID / DCAT")


def test_sitemaps_robots_and_change_feed(site, reference):
    scanner = Scanner()
    client, _ = reference
    root = fetch(site.url + "/sitemap.xml")
    scanner.check("sitemap.xml", root.body)
    for number in range(1, 4):
        scanner.check(f"sitemap-{number}.xml", fetch(site.url + f"/sitemap-{number}.xml").body)
    scanner.check("robots.txt", fetch(site.url + "/robots.txt").body)
    locations = re.findall(r"<loc>([^<]+)</loc>", root.text)
    expected = re.findall(r"<loc>([^<]+)</loc>", client.get("/sitemap.xml").text)
    scanner.found("sitemap size", len(locations) == len(expected),
                  f"{len(locations)} vs {len(expected)}")
    collection = json.loads(fetch(site.url + "/changes").body)
    scanner.check("changes", json.dumps(collection))
    scanner.found("change feed size",
                  collection["totalItems"] == client.get("/changes").json["totalItems"],
                  str(collection["totalItems"]))
    page_url, pages = collection["first"]["id"], 0
    while page_url:
        page = json.loads(fetch(page_url).body)
        scanner.check(f"changes page {pages}", json.dumps(page))
        page_url = page.get("next", {}).get("id")
        pages += 1
    scanner.check("changes past the end", fetch(site.url + "/changes/99").body)
    finish(scanner, "sitemaps and change feed")


# ---- 7. reconciliation ------------------------------------------------------------------------

RECONCILE_NAMES = [f"{MARKER} note privée", "note privée", "note communautaire", "Corps secret",
                   f"{MARKER} terme", f"{MARKER} alt", f"{MARKER} carnet", "carnet",
                   "terme", "catégorie", "Brouillon : plan du carnet de travail", "Camille"]
TYPES = [None, CKG + "Note", CKG + "Term", CKG + "Notebook", CKG + "Community", CKG + "Person"]
PROPERTIES = ["notebook", "creator", "term", "community", "broader", "narrower", "related",
              "altLabel", "definition", "description", "name", "memberOf", "member", "issued",
              "modified"]


def _candidate_ids(answer: dict) -> list[str]:
    return [c["id"] for result in answer.values() for c in result["result"]]


def test_reconciliation_queries_suggest_preview_extend(site):
    scanner = Scanner()
    url = site.url + "/reconcile"
    scanner.check("reconcile manifest", fetch(url).body)
    batch = {}
    for number, name in enumerate(RECONCILE_NAMES):
        for kind in TYPES:
            query = {"query": name, "limit": 50}
            if kind:
                query["type"] = kind
            batch[f"q{len(batch)}"] = query
        batch[f"p{number}"] = {"query": "autonomie", "properties": [
            {"pid": "term", "v": {"id": PRIVATE_TERM}}, {"pid": "notebook", "v": PRIVATE_NOTEBOOK}]}
    sent = json.dumps(batch, ensure_ascii=False)
    for how in ("form", "json"):
        if how == "form":
            reply = fetch(url, "POST", urllib.parse.urlencode({"queries": sent}),
                          {"Content-Type": "application/x-www-form-urlencoded"})
        else:
            reply = fetch(url, "POST", sent, {"Content-Type": "application/json"})
        assert reply.status == 200, reply.text[:300]
        answer = json.loads(reply.body)
        scanner.check(f"reconcile queries ({how})", reply.body, sent=sent)
        ids = _candidate_ids(answer)
        scanner.found(f"reconcile queries ({how})", not any(KEY in i for i in ids),
                      str([i for i in ids if KEY in i]))
        scanner.check(f"reconcile candidates ({how})", json.dumps(ids))
    for prefix in ("CANARY", "canary", "7f3a9c", "note p", "Corps", "terme", "carnet", "cat",
                   "Brouillon", "pistes", "plan", "C", "a", ""):
        for kind in ("", "&type=" + urllib.parse.quote(CKG + "Note"),
                     "&type=" + urllib.parse.quote(CKG + "Term")):
            reply = fetch(url + "/suggest/entity?prefix=" + urllib.parse.quote(prefix) + kind)
            scanner.check(f"suggest entity {prefix!r}{kind}", reply.body, sent=prefix)
            scanner.found(f"suggest entity {prefix!r}",
                          KEY not in reply.text and "brouillon" not in reply.text.lower(),
                          reply.text[:300])
        for what in ("type", "property"):
            scanner.check(f"suggest {what} {prefix!r}",
                          fetch(url + f"/suggest/{what}?prefix={urllib.parse.quote(prefix)}").body,
                          sent=prefix)
    for kind in ("", *(t for t in TYPES if t)):
        scanner.check(f"propose_properties {kind}",
                      fetch(url + "/propose_properties?type=" + urllib.parse.quote(kind)).body)
    for iri in CANARY_IRIS:
        short = iri[len(BASE) + 3:]
        for given, never in ((iri, iri.replace(KEY, "zz-none")),
                             (short, short.replace(KEY, "zz-none"))):
            card = fetch(url + "/preview?id=" + urllib.parse.quote(given))
            nothing = fetch(url + "/preview?id=" + urllib.parse.quote(never))
            scanner.found(f"preview {given}", card.status == nothing.status == 404,
                          f"{card.status} vs {nothing.status}")
            scanner.check(f"preview {given}", card.body, sent=given)
    public = [NOTE45, RITUELS, BASE + "id/note/partager-l-animation",
              BASE + "id/term/autonomie", BASE + "id/term/engagement",
              BASE + "id/notebook/pratiques-d-animation", BASE + "id/person/camille-exemple",
              BASE + "id/community/animation-communaute-de-pratique"]
    extension = {"ids": [*public, *CANARY_IRIS], "properties": [{"id": p} for p in PROPERTIES]}
    sent = json.dumps(extension)
    reply = fetch(url, "POST", urllib.parse.urlencode({"extend": sent}),
                  {"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 200, reply.text[:300]
    rows = json.loads(reply.body)["rows"]
    for iri in CANARY_IRIS:
        values = rows.get(iri, {})
        scanner.found(f"extend {iri}", all(v == [] for v in values.values()), str(values)[:300])
    scanner.check("extend values of public ids",
                  json.dumps({i: rows[i] for i in public}, ensure_ascii=False))
    finish(scanner, "reconciliation")


# ---- 8. graph store, indexes, the rest -------------------------------------------------------

def test_graph_store_indexes_and_other_routes(site):
    scanner = Scanner()
    url = site.url
    for accept in ("text/turtle", "application/n-quads", "application/trig", "*/*"):
        scanner.check(f"/store?default {accept}",
                      fetch(url + "/store?default", headers={"Accept": accept}).body)
    for graph in (METADATA, BASE + "graph/history", BASE + "graph/source/extra.ttl"):
        reply = fetch(url + "/store?graph=" + urllib.parse.quote(graph, safe=""))
        scanner.check(f"/store?graph={graph}", reply.body)
    for iri in CANARY_IRIS:
        for target in (doc_of(iri), iri):
            reply = fetch(url + "/store?graph=" + urllib.parse.quote(target, safe=""))
            never = fetch(url + "/store?graph=" + urllib.parse.quote(
                target.replace(KEY, "zz-none"), safe=""))
            scanner.found(f"/store?graph={target}", reply.status == never.status == 404,
                          f"{reply.status} vs {never.status}")
            scanner.check(f"/store?graph={target}", reply.body, sent=target)
    pages = ["/", "/?lang=en", "/?format=json", "/notebooks", "/lexicon", "/lexicon?unmapped",
             "/communities", "/people", "/ontology", "/health", "/sparql", "/robots.txt",
             "/search", "/changes", "/.well-known/void"]
    for page in pages:
        for headers in ({"Accept": "text/html"}, {"Accept": "application/json"},
                        {"Accept": "text/turtle"}, {"Accept-Language": "en"}):
            scanner.check(f"{page} {headers}", with_headers(fetch(url + page, headers=headers)))
    finish(scanner, "graph store and indexes")


# ---- 9. the check can fail: the canary made public, private, public, private ------------------

def _channels(url: str) -> dict[str, list[tuple[str, bytes]]]:
    """What a reader, a harvester and a client can get, by channel."""
    path = path_of(PRIVATE_NOTE)
    found: dict[str, list[tuple[str, bytes]]] = {
        "document": [(f"{path}{s}", fetch(url + path + s).body)
                     for s in ("", ".ttl", ".jsonld", ".rdf", ".nt", ".html", "/revisions.ttl")],
        "backlinks": [(p, fetch(url + p).body) for p in (
            "/doc/note/autonomie-du-groupe.ttl", "/doc/note/autonomie-du-groupe.html",
            "/doc/note/rituels-de-rencontre.html", "/doc/person/camille-exemple.ttl")],
        "sparql": [(q, sparql_get(url, q).body) for q in (
            f"SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {PUBLIC} }}",
            f"SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {PUBLIC} FILTER(isLiteral(?o)) }}",
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {PUBLIC} }}")],
        # the metadata graph too: it keeps a withdrawn resource's IRI (for harvesters), never
        # any of its content
        "sparql-all": [(q, sparql_get(url, q).body) for q in (
            "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",)],
        "search": [(f"search {q}", fetch(url + "/search?format=json&q=" + q).body)
                   for q in ("secret", "CANARY", "note")],
        "oai": [(f"OAI {p}", page) for p in ("oai_dc", "rdf")
                for page in oai_pages(url, verb="ListRecords", metadataPrefix=p)],
        "dumps": [(name, fetch(url + "/dumps/" + name).body)
                  for name in ("dataset.nq.gz", "dataset.ttl.gz")],
        "store": [("/store?default", fetch(url + "/store?default").body)],
        "changes": [],
        "sitemap": [("/sitemap.xml", fetch(url + "/sitemap.xml").body)],
        "reconcile": [("suggest", fetch(url + "/reconcile/suggest/entity?prefix=CANARY").body)],
    }
    page_url = json.loads(fetch(url + "/changes").body)["first"]["id"]
    while page_url:
        page = json.loads(fetch(page_url).body)
        found["changes"].append((page_url, json.dumps(page).encode()))
        page_url = page.get("next", {}).get("id")
    record("leak probes", sum(len(v) for v in found.values()))
    return found


def _hits(channels, needles) -> dict[str, list[str]]:
    hits: dict[str, list[str]] = {}
    for channel, answers in channels.items():
        for where, body in answers:
            scanner = Scanner(needles)
            scanner.check(where, body, sent=where)  # a 404 page names the path asked for
            if scanner.leaks:
                hits.setdefault(channel, []).append(where)
    return hits


def _put(url: str, path: str, body: str) -> str:
    current = fetch(url + path + ".ttl")
    headers = {"Authorization": f"Bearer {ALICE_TOKEN}", "Content-Type": "text/turtle"}
    if current.status == 200:
        headers["If-Match"] = current.header("ETag")
    reply = fetch(url + path, "PUT", body, headers)
    assert reply.status in (200, 201), reply.text
    return reply.text


def test_visibility_flip_public_private_public(site):
    """Runs last in this module: it publishes a canary for a while."""
    url, path = site.url, path_of(PRIVATE_NOTE)
    states = []
    # private at first: nothing (as all the tests above found)
    before = _hits(_channels(url), LITERAL_NEEDLES + IRI_NEEDLES)
    assert before == {}, before
    # public: the probes find it, in every channel that serves notes
    _put(url, path, canary_note("Public"))
    public = _hits(_channels(url), LITERAL_NEEDLES + IRI_NEEDLES)
    expected = {"document", "backlinks", "sparql", "sparql-all", "search", "oai", "dumps",
                "store", "changes", "sitemap", "reconcile"}
    assert set(public) == expected, f"the probes did not see the public canary in " \
                                    f"{expected - set(public)}"
    states.append(("public", sorted(public)))
    # a public note links to it while it is public: that version enters the note's history
    rituels = fetch(url + "/store?" + urllib.parse.urlencode(
        {"graph": BASE + "doc/note/rituels-de-rencontre"}),
        headers={"Accept": "application/n-triples"}).text
    linked = rituels + f"<{RITUELS}> <{CKG}relatedNote> <{PRIVATE_NOTE}> .\n"
    assert "revision" in _put(url, "/doc/note/rituels-de-rencontre", linked)
    current = fetch(url + "/doc/note/rituels-de-rencontre.ttl")
    assert PRIVATE_NOTE in current.text  # the link holds while the note is public
    linking_revision = int(re.search(r'"r(\d+)-', current.header("ETag")).group(1))
    # private: no literal of it anywhere; its IRI only where harvesters must see a deletion
    _put(url, path, canary_note("Private"))
    private = _channels(url)
    literal_hits = _hits(private, LITERAL_NEEDLES)
    iri_hits = _hits({k: v for k, v in private.items()
                      if k not in ("oai", "changes", "sparql-all")}, IRI_NEEDLES)
    states.append(("private", sorted(literal_hits) + sorted(iri_hits)))
    assert literal_hits == {} and iri_hits == {}, (literal_hits, iri_hits)
    assert fetch(url + path + ".ttl").status == 410
    deleted = fetch(url + "/oai?" + urllib.parse.urlencode(
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": PRIVATE_NOTE})).text
    assert 'status="deleted"' in deleted and MARKER not in deleted
    # the archived version of the public note that linked to it: no content of the private
    # note (its title, body), and no link to it either
    archived = [fetch(url + f"/doc/note/rituels-de-rencontre/revisions/{linking_revision}{s}",
                      headers={"Accept": "text/html"}) for s in ("", ".ttl", ".jsonld")]
    assert all(reply.status == 200 for reply in archived)
    history_hits = _hits({"history": [(f"rituels r{linking_revision} {i}", reply.body)
                                      for i, reply in enumerate(archived)]},
                         LITERAL_NEEDLES + IRI_NEEDLES)
    states.append(("private: archived version of a public note that linked to it",
                   sorted(history_hits.get("history", []))))
    assert history_hits == {}, f"a public note's archived version (revision " \
                               f"{linking_revision}) still names the private note: {history_hits}"
    # public again: back everywhere
    _put(url, path, canary_note("Public"))
    again = _hits(_channels(url), LITERAL_NEEDLES + IRI_NEEDLES)
    states.append(("public again", sorted(again)))
    assert set(again) == expected, expected - set(again)
    # and private for good
    _put(url, path, canary_note("Private"))
    final = _hits(_channels(url), LITERAL_NEEDLES)
    states.append(("private again", sorted(final)))
    assert final == {}, final
    print("visibility flip, channels where the canary was seen:", states)
