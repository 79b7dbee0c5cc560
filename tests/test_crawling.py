"""Sitemaps, robots.txt and the change feed: they list the public dataset and nothing else,
and replaying the feed from its first page gives the current public dataset."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest
from rdflib import Graph

from carnet_kg.harvest import sitemap
from carnet_kg.identifiers import Identifiers
from carnet_kg.web import create_app

from .conftest import BASE, PRIVATE_KEYS, public_note, write

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def client(settings, loaded_store):
    return create_app(settings, loaded_store).test_client()


def public_resources(client) -> set[str]:
    query = (f"SELECT DISTINCT ?s WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?s), '{BASE}id/') "
             "&& !CONTAINS(STR(?s), '#')) }")
    data = json.loads(client.get("/sparql", query_string={"query": query}).data)
    return {b["s"]["value"] for b in data["results"]["bindings"]}


def test_sitemap_lists_every_public_page_with_lastmod(client):
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{NS}urlset"
    locations = {u.find(f"{NS}loc").text: u.find(f"{NS}lastmod") for u in root}
    pages = {loc for loc, lastmod in locations.items() if lastmod is not None}
    expected = {"http://localhost/doc/" + iri[len(BASE) + 3:] for iri in public_resources(client)}
    assert pages == expected
    assert "http://localhost/lexicon" in locations
    assert all(key.rsplit("/", 1)[1] not in response.data.decode() for key in PRIVATE_KEYS)
    for location in list(pages)[:5]:
        assert client.get(location.replace("http://localhost", "")).status_code == 200


def test_sitemap_index_past_the_limit(loaded_store, settings):
    ids = Identifiers(settings.base)
    index = ET.fromstring(sitemap.root(loaded_store, ids, "http://h", limit=10))
    assert index.tag == f"{NS}sitemapindex" and len(index) == 3  # 29 pages by 10
    second = ET.fromstring(sitemap.part(loaded_store, ids, "http://h", 1, limit=10))
    assert len(second) == 10


def test_robots_points_to_the_sitemap(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in text


def replay(client) -> dict[str, Graph]:
    """A harvester replaying the feed from the first page: the dataset it ends up with."""
    collection = json.loads(client.get("/changes").data)
    assert collection["type"] == "OrderedCollection"
    held: dict[str, Graph] = {}
    url = collection["first"]["id"]
    while url:
        page = json.loads(client.get(url.replace("http://localhost", "")).data)
        for item in page["orderedItems"]:
            iri = item["object"]["id"]
            if item["type"] == "Delete":
                held.pop(iri, None)
            else:
                source = item["object"]["seeAlso"][0]["id"].replace("http://localhost", "")
                held[iri] = Graph().parse(data=client.get(source).data, format="turtle")
        url = page.get("next", {}).get("id")
    return held


def test_replaying_the_feed_gives_the_public_dataset(client, settings, loaded_store, tmp_path):
    from carnet_kg import pipeline

    path = write(tmp_path / "n.ttl", public_note("passagere"))
    pipeline.load([path], settings, loaded_store)
    write(path, public_note("passagere").replace("ckg:Public", "ckg:Private"))
    pipeline.load([path], settings, loaded_store)
    response = client.get("/changes/0")
    assert "activitystreams" in response.headers["Content-Type"]
    types = {item["object"]["id"]: item["type"]
             for item in json.loads(response.data)["orderedItems"]}
    assert types[BASE + "id/note/passagere"] == "Delete"
    held = replay(client)
    assert set(held) == public_resources(client)
    note = held[BASE + "id/note/autonomie-du-groupe"]
    assert len(note) > 20
    assert client.get("/changes/999").status_code == 404
