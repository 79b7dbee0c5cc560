"""OAI-PMH 2.0 harvested by an independent client (sickle) from a running server, plus one
test per error code and the protocol's fine print."""

from __future__ import annotations

import time
import urllib.parse
import urllib.request
from xml.etree import ElementTree as ET

import pytest
from sickle import Sickle

from .conftest import BASE
from .servers import running_server

OAI = "{http://www.openarchives.org/OAI/2.0/}"
TOKEN = "oai-token"
PUBLIC_NOTE = BASE + "id/note/autonomie-du-groupe"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oai")
    with running_server(folder, {"CARNET_KG_OAI_PAGE_SIZE": "7",
                                 "CARNET_KG_WRITE_TOKEN": TOKEN}) as url:
        yield url


@pytest.fixture(scope="module")
def public(server):
    """The public resources, as the SPARQL endpoint lists them."""
    query = (f"SELECT DISTINCT ?s WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?s), '{BASE}id/') "
             "&& !CONTAINS(STR(?s), '#')) }")
    url = server + "/sparql?" + urllib.parse.urlencode({"query": query, "format": "csv"})
    with urllib.request.urlopen(url) as response:
        return set(response.read().decode().split()[1:])


def oai(server: str, **params) -> ET.Element:
    with urllib.request.urlopen(server + "/oai?" + urllib.parse.urlencode(params)) as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "text/xml"
        return ET.fromstring(response.read())


def test_full_harvest_equals_the_public_resources(server, public):
    sickle = Sickle(server + "/oai")
    harvested = {r.header.identifier for r in sickle.ListRecords(metadataPrefix="oai_dc")}
    assert harvested == public and len(public) == 29
    identifiers = {h.identifier for h in sickle.ListIdentifiers(metadataPrefix="rdf")}
    assert identifiers == public


def test_oai_dc_record_content(server):
    record = Sickle(server + "/oai").GetRecord(identifier=PUBLIC_NOTE, metadataPrefix="oai_dc")
    metadata = record.metadata
    assert "Une réelle autonomie du groupe dans la réalisation du mandat" in metadata["title"]
    assert PUBLIC_NOTE in metadata["identifier"]
    assert "autonomie" in metadata["subject"]
    assert "http://creativecommons.org/licenses/by/4.0/" in metadata["rights"]
    assert "fr" in metadata["language"] and "Text" in metadata["type"]
    assert any("notebook/cdp-transfert-connaissances" in r for r in metadata["relation"])
    rdf = Sickle(server + "/oai").GetRecord(identifier=PUBLIC_NOTE, metadataPrefix="rdf")
    assert "rdf:RDF" in rdf.raw or "RDF" in rdf.raw


def test_resumption_tokens_page_through_with_sizes_and_cursor(server, public):
    first = oai(server, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = first.find(f".//{OAI}resumptionToken")
    assert token.get("completeListSize") == "29" and token.get("cursor") == "0"
    assert token.get("expirationDate") and token.text
    seen, cursor = [], 0
    while True:
        headers = first.findall(f".//{OAI}header")
        seen += [h.find(f"{OAI}identifier").text for h in headers]
        token = first.find(f".//{OAI}resumptionToken")
        assert int(token.get("cursor")) == cursor
        cursor += len(headers)
        if not token.text:
            break
        first = oai(server, verb="ListIdentifiers", resumptionToken=token.text)
    assert len(seen) == len(set(seen)) == 29  # no record skipped or repeated


def test_sets_kind_notebook_community(server):
    sickle = Sickle(server + "/oai")
    specs = {s.setSpec for s in sickle.ListSets()}
    assert {"kind", "kind:note", "kind:term", "notebook:pratiques-d-animation",
            "community:passerelles"} <= specs
    terms = {h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc",
                                                          set="kind:term")}
    assert len(terms) == 10 and all("/id/term/" in t for t in terms)
    notebook = {h.identifier for h in sickle.ListIdentifiers(
        metadataPrefix="oai_dc", set="notebook:pratiques-d-animation")}
    assert notebook == {BASE + "id/note/rituels-de-rencontre",
                        BASE + "id/note/partager-l-animation"}


def test_incremental_harvest_returns_changed_and_deleted_records(server):
    time.sleep(1.1)
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    ckg = "https://w3id.org/carnet-kg/ontology#"
    update = (f"PREFIX ckg: <{ckg}> DELETE {{ ?n ckg:visibility ckg:Public }} INSERT {{ ?n "
              f"ckg:visibility ckg:Private }} WHERE {{ BIND(<{BASE}id/note/rituels-de-rencontre>"
              " AS ?n) ?n ckg:visibility ckg:Public }")
    request = urllib.request.Request(server + "/sparql", data=update.encode(), method="POST",
                                     headers={"Content-Type": "application/sparql-update",
                                              "Authorization": f"Bearer {TOKEN}"})
    urllib.request.urlopen(request).read()
    headers = list(Sickle(server + "/oai").ListIdentifiers(
        metadataPrefix="oai_dc", **{"from": since}))
    by_id = {h.identifier: h for h in headers}
    deleted = by_id.pop(BASE + "id/note/rituels-de-rencontre")
    assert deleted.deleted
    # the notebook lost its membership and the note it linked to lost a backlink-bearing link
    assert set(by_id) <= {BASE + "id/notebook/pratiques-d-animation"}
    record = Sickle(server + "/oai").GetRecord(
        identifier=BASE + "id/note/rituels-de-rencontre", metadataPrefix="oai_dc")
    assert record.deleted


@pytest.mark.parametrize("params, error", [
    ({"verb": "Nope"}, "badVerb"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01",
      "until": "2020-01-02T00:00:00Z"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
    ({"verb": "Identify", "extra": "x"}, "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": BASE + "id/note/nope"},
     "idDoesNotExist"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc",
      "identifier": BASE + "id/note/brouillon-questions-autonomie"}, "idDoesNotExist"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "2000-01-01"},
     "noRecordsMatch"),
])
def test_each_error_code(server, params, error):
    document = oai(server, **params)  # errors come with HTTP 200, as the spec says
    codes = [e.get("code") for e in document.findall(f"{OAI}error")]
    assert codes == [error]
    assert document.find(f"{OAI}error").text  # and a message saying why


def test_bad_verb_echoes_only_the_base_url(server):
    document = oai(server, verb="Nope", foo="bar")
    request = document.find(f"{OAI}request")
    assert request.attrib == {} and request.text.endswith("/oai")
    schema = document.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    assert "OAI-PMH.xsd" in schema


def test_identify_and_post(server):
    form = urllib.parse.urlencode({"verb": "Identify"}).encode()
    with urllib.request.urlopen(urllib.request.Request(server + "/oai", data=form)) as response:
        document = ET.fromstring(response.read())
    identify = document.find(f"{OAI}Identify")
    assert identify.find(f"{OAI}deletedRecord").text == "persistent"
    assert identify.find(f"{OAI}granularity").text == "YYYY-MM-DDThh:mm:ssZ"
    earliest = identify.find(f"{OAI}earliestDatestamp").text
    assert len(earliest) == 20 and earliest.endswith("Z")


def test_responses_follow_the_schema_structure(server):
    """The element order and cardinalities of OAI-PMH.xsd for the parts we write (the XSD
    itself cannot be fetched here)."""
    identify = oai(server, verb="Identify").find(f"{OAI}Identify")
    assert [child.tag[len(OAI):] for child in identify] == [
        "repositoryName", "baseURL", "protocolVersion", "adminEmail", "earliestDatestamp",
        "deletedRecord", "granularity"]
    document = oai(server, verb="ListRecords", metadataPrefix="oai_dc", set="kind:term")
    assert [c.tag[len(OAI):] for c in document] == ["responseDate", "request", "ListRecords"]
    for record in document.find(f"{OAI}ListRecords").findall(f"{OAI}record"):
        header = record.find(f"{OAI}header")
        tags = [child.tag[len(OAI):] for child in header]
        assert tags[:2] == ["identifier", "datestamp"] and set(tags[2:]) <= {"setSpec"}
        assert [c.tag[len(OAI):] for c in record][:2] == ["header", "metadata"]
        dc = record.find(f"{OAI}metadata")[0]
        assert dc.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
