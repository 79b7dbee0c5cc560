"""Replays the W3C SPARQL 1.1 Protocol tests (``../shared/w3c/sparql11-protocol``) over HTTP."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS

from carnet_kg.config import PROJECT_ROOT

SUITE = PROJECT_ROOT.parent / "shared" / "w3c" / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml",
                "text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json"}
POSITIVE_UPDATES = {
    "update_dataset_default_graph", "update_dataset_default_graphs",
    "update_dataset_named_graphs", "update_dataset_full", "update_post_form",
    "update_post_direct", "update_base_uri",
}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    requests: list[Request]
    data: dict[str, Path] = field(default_factory=dict)  # graph name → N-Triples file


def load_manifest() -> list[ProtocolTest]:
    graph = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(MF.entries, None))
    tests = []
    for node in Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(node, MF.action)
        requests = [_request(graph, r) for r in Collection(graph, graph.value(action, HT.requests))]
        data = {
            str(graph.value(d, RDFS.label)): SUITE / Path(str(graph.value(d, UT.graph))).name
            for d in graph.objects(node, UT.graphData)
        }
        tests.append(ProtocolTest(str(node).rsplit("#", 1)[1], requests, data))
    return tests


def _request(graph: Graph, node) -> Request:
    headers = {}
    if graph.value(node, HT.headers) is not None:
        for header in Collection(graph, graph.value(node, HT.headers)):
            name, value = graph.value(header, HT.fieldName), graph.value(header, HT.fieldValue)
            headers[str(name)] = str(value)
    body = graph.value(node, HT.body)
    payload = None
    if body is not None:
        encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
        payload = str(graph.value(body, CNT.chars)).encode(encoding.lower())
    response = graph.value(node, HT.resp)
    boolean = graph.value(response, MF.expectedBoolean)
    fmt = graph.value(response, MF.expectedFormat)
    return Request(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
        headers=headers,
        body=payload,
        statuses={str(s).rsplit("#", 1)[1] for s in graph.objects(response, MF.expectedStatus)},
        expected_format=str(fmt) if fmt else None,
        expected_boolean=boolean.toPython() if boolean is not None else None,
    )


def data_as_nquads(target: Path) -> Path:
    """All the suite's data files as named graphs, in one N-Quads file."""
    dataset = Dataset()
    for index in (1, 2, 3):
        name = URIRef(f"http://kasei.us/2009/09/sparql/data/data{index}.rdf")
        dataset.graph(name).parse(SUITE / f"data{index}.nt", format="nt")
    dataset.serialize(target, format="nquads")
    return target


def send(base_url: str, request: Request, token: str | None) -> tuple[int, str, bytes]:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = dict(request.headers)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(request.method, request.path, body=request.body, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.getheader("Content-Type", ""), body


def check(request: Request, status: int, content_type: str, body: bytes) -> str | None:
    """None if the response is what the manifest expects, else what differs."""
    klass = f"StatusCode{status // 100}xx"
    if klass not in request.statuses:
        return f"status {status}, expected {sorted(request.statuses)}: {body[:200]!r}"
    media = content_type.split(";")[0].strip()
    if request.expected_format == "boolean" and media not in RESULT_TYPES - {"text/csv"}:
        return f"boolean result as {media}"
    if request.expected_format == "tabular" and media not in RESULT_TYPES:
        return f"tabular result as {media}"
    if request.expected_format == "RDF" and media not in RDF_TYPES:
        return f"RDF result as {media}"
    if request.expected_boolean is not None and _boolean(media, body) != request.expected_boolean:
        return f"boolean {_boolean(media, body)}, expected {request.expected_boolean}"
    return None


def _boolean(media: str, body: bytes) -> bool | None:
    if media == "application/sparql-results+json":
        return json.loads(body).get("boolean")
    root = ElementTree.fromstring(body)
    found = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    return None if found is None else found.text.strip() == "true"
