"""VoID and the DCAT catalogue (checked with the DCAT-AP 3 shapes), and the dumps they
announce: the same public dataset everywhere."""

from __future__ import annotations

import gzip
import hashlib
import io

import pyshacl
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCAT, RDF

from carnet_kg.config import PROJECT_ROOT
from carnet_kg.namespaces import VOID
from carnet_kg.web import create_app

from .conftest import BASE, PRIVATE_KEYS

DCAT_AP = PROJECT_ROOT.parent / "shared" / "validators" / "dcat-ap-3.0.0-SHACL.ttl"
SPDX = "http://spdx.org/rdf/terms#"


@pytest.fixture
def client(settings, loaded_store):
    return create_app(settings, loaded_store).test_client()


def description(client, path="/catalog") -> Graph:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    return Graph().parse(data=response.data, format="turtle")


def test_catalogue_conforms_to_dcat_ap_3(client):
    if not DCAT_AP.exists():
        pytest.fail(f"missing the DCAT-AP shapes at {DCAT_AP} (../shared/validators)")
    conforms, _, text = pyshacl.validate(description(client),
                                         shacl_graph=Graph().parse(DCAT_AP, format="turtle"))
    assert conforms, text


def test_void_describes_the_dataset(client):
    graph = description(client, "/.well-known/void")
    dataset = URIRef(BASE + ".well-known/void#dataset")
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef("http://localhost/sparql")
    assert str(graph.value(dataset, VOID.uriSpace)) == BASE + "id/"
    assert len(list(graph.objects(dataset, VOID.dataDump))) == 2
    assert graph.value(dataset, VOID.exampleResource) is not None
    assert len(list(graph.objects(dataset, VOID.classPartition))) >= 8
    assert description(client, "/.well-known/void").isomorphic(description(client))


def test_dumps_are_announced_with_size_and_checksum_and_hold_the_public_dataset(
    client, loaded_store
):
    graph = description(client)
    for distribution in graph.subjects(RDF.type, DCAT.Distribution):
        url = str(graph.value(distribution, DCAT.downloadURL))
        body = client.get(url.replace("http://localhost", "")).data
        assert int(graph.value(distribution, DCAT.byteSize)) == len(body)
        checksum = graph.value(distribution, URIRef(SPDX + "checksum"))
        assert str(graph.value(checksum, URIRef(SPDX + "checksumValue"))) == \
            hashlib.sha256(body).hexdigest()
        text = gzip.decompress(body).decode()
        assert all(key.rsplit("/", 1)[1] not in text for key in PRIVATE_KEYS)
        assert "graph/metadata" not in text
    nquads = gzip.decompress(client.get("/dumps/dataset.nq.gz").data)
    dumped = Dataset()
    dumped.parse(data=nquads, format="nquads")
    exported = io.BytesIO()
    loaded_store.dump(exported, "nquads")
    expected = Dataset()
    expected.parse(data=exported.getvalue(), format="nquads")
    assert len(dumped) == len(expected) > 300
    void = description(client, "/.well-known/void")
    triples = void.value(URIRef(BASE + ".well-known/void#dataset"), VOID.triples)
    assert int(triples) == len(dumped)  # VoID counts what the dump holds
    assert client.get("/dumps/nothing.gz").status_code == 404
