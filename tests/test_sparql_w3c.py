"""The W3C SPARQL 1.1 Protocol tests replayed against a running server, with and without a
write token; and the three Service Description tests."""

from __future__ import annotations

import urllib.request

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from .servers import running_server
from .w3c_protocol import POSITIVE_UPDATES, SUITE, check, data_as_nquads, load_manifest, send

TOKEN = "w3c-test-token"


@pytest.fixture(scope="module")
def manifest():
    if not (SUITE / "manifest.ttl").exists():
        pytest.fail(f"missing the W3C protocol tests at {SUITE} (../shared/w3c)")
    tests = load_manifest()
    assert len(tests) == 34
    return tests


def _seed(url: str, test) -> None:
    """Put a test's data graphs in place (token mode: earlier updates may have dropped them)."""
    for graph, path in test.data.items():
        triples = path.read_text(encoding="utf-8")
        update = f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{ {triples} }} }}"
        request = urllib.request.Request(
            url + "/sparql", data=update.encode(), method="POST",
            headers={"Content-Type": "application/sparql-update",
                     "Authorization": f"Bearer {TOKEN}"},
        )
        urllib.request.urlopen(request, timeout=60)


def _replay(url: str, tests, token: str | None) -> dict[str, str]:
    failures = {}
    for test in tests:
        if token:
            _seed(url, test)
        for index, request in enumerate(test.requests):
            status, media, body = send(url, request, token)
            if not token and test.name in POSITIVE_UPDATES and index == 0:
                if not 400 <= status < 500:
                    failures[test.name] = f"update without token answered {status}"
                break
            problem = check(request, status, media, body)
            if problem:
                failures[test.name] = problem
                break
    return failures


def test_protocol_suite_without_updates(manifest, tmp_path):
    data = data_as_nquads(tmp_path / "w3c.nq")
    with running_server(tmp_path, load=[str(data)]) as url:
        failures = _replay(url, manifest, token=None)
    assert failures == {}, failures
    assert sum(1 for t in manifest if t.name not in POSITIVE_UPDATES) == 27


def test_protocol_suite_with_a_write_token(manifest, tmp_path):
    data = data_as_nquads(tmp_path / "w3c.nq")
    with running_server(tmp_path, {"CARNET_KG_WRITE_TOKEN": TOKEN}, load=[str(data)]) as url:
        failures = _replay(url, manifest, token=TOKEN)
    assert failures == {}, failures


SD = "http://www.w3.org/ns/sparql-service-description#"


def test_service_description_tests(tmp_path):
    with running_server(tmp_path) as url:
        request = urllib.request.Request(url + "/sparql", headers={"Accept": "text/turtle"})
        with urllib.request.urlopen(request) as response:
            media = response.headers["Content-Type"].split(";")[0]
            body = response.read()
    # returns-rdf
    assert media == "text/turtle"
    graph = Graph().parse(data=body, format="turtle")
    # has-endpoint-triple: an sd:endpoint equal to the URL that was dereferenced
    assert (None, URIRef(SD + "endpoint"), URIRef(url + "/sparql")) in graph
    # conforms-to-schema: every sd: term used is defined by the vocabulary, with the right kind
    service = next(graph.subjects(RDF.type, URIRef(SD + "Service")))
    for language in graph.objects(service, URIRef(SD + "supportedLanguage")):
        assert str(language) in {SD + "SPARQL10Query", SD + "SPARQL11Query",
                                 SD + "SPARQL11Update"}
    for feature in graph.objects(service, URIRef(SD + "feature")):
        assert str(feature) in {SD + f for f in ("DereferencesURIs", "UnionDefaultGraph",
                                                 "RequiresDataset", "EmptyGraphs",
                                                 "BasicFederatedQuery")}
    for fmt in graph.objects(service, URIRef(SD + "resultFormat")):
        assert str(fmt).startswith("http://www.w3.org/ns/formats/")
    dataset = graph.value(service, URIRef(SD + "defaultDataset"))
    assert (dataset, RDF.type, URIRef(SD + "Dataset")) in graph
    assert graph.value(dataset, URIRef(SD + "defaultGraph")) is not None
    assert URIRef(SD + "SPARQL11Update") not in set(
        graph.objects(service, URIRef(SD + "supportedLanguage"))), "no token: no update"
