"""Index pages, the ontology documentation, search, languages and proxies."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

from carnet_kg import i18n
from carnet_kg.web import create_app

from .conftest import BASE


@pytest.fixture
def client(settings, loaded_store):
    return create_app(settings, loaded_store).test_client()


def html(client, path: str, lang: str = "fr") -> str:
    response = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
    assert response.status_code == 200, path
    return response.get_data(as_text=True).split("<main", 1)[1]


def test_every_ui_string_exists_in_both_languages():
    for table in (i18n.MESSAGES, i18n.KIND_LABELS):
        for key, values in table.items():
            assert set(values) == set(i18n.LANGUAGES) and all(values.values()), key


def test_language_from_accept_language_and_parameter(client):
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in english.data.decode()
    assert 'lang="fr"' in client.get("/").data.decode()
    assert 'lang="en"' in client.get("/?lang=en", headers={"Accept-Language": "fr"}).data.decode()
    assert 'lang="fr"' in client.get("/?lang=de").data.decode()


def test_index_pages(client):
    notebooks = html(client, "/notebooks")
    assert "Pratiques d'animation" in notebooks or "Pratiques d&#39;animation" in notebooks
    assert "carnet-de-travail" not in notebooks  # the private notebook
    lexicon = html(client, "/lexicon")
    assert lexicon.index("autogestion") < lexicon.index("coopération")  # A–Z, accents folded
    hierarchy = lexicon.split('id="hierarchy"')[1]
    assert hierarchy.index("autonomie") < hierarchy.index("autogestion")  # narrower inside
    assert "Communauté Passerelles" in html(client, "/communities")
    people = html(client, "/people")
    assert "Joël Nadeau" in people
    english = html(client, "/communities", "en")
    assert "Passerelles community" in english


def test_ontology_documentation_and_rdf(client):
    french = html(client, "/ontology")
    english = html(client, "/ontology?lang=en")
    assert 'id="Note"' in french and 'id="relatedTerm"' in french
    assert french != english
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle" and "Accept" in turtle.headers["Vary"]
    assert len(Graph().parse(data=turtle.data, format="turtle")) > 500
    # our ontology's terms link to this documentation from resource pages
    assert 'href="/ontology#Public"' in html(client, "/doc/note/autonomie-du-groupe")


def search(client, **params) -> dict:
    response = client.get("/search", query_string={**params, "format": "json"})
    assert response.status_code == 200
    return json.loads(response.data)


def test_search_is_insensitive_to_case_and_accents(client):
    plain = search(client, q="communaute")
    accented = search(client, q="COMMUNAUTÉ")
    assert plain["total"] == accented["total"] > 0
    assert any("communaut" in r["snippet"].lower() and "<mark>" in r["snippet"]
               for r in plain["results"])


def test_search_ranks_titles_first_and_filters(client):
    results = search(client, q="autonomie")
    assert results["results"][0]["iri"] == BASE + "id/term/autonomie"
    terms = search(client, q="autonomie", kind="term")
    assert {r["kind"] for r in terms["results"]} == {"term"}
    notebook = BASE + "id/notebook/pratiques-d-animation"
    in_notebook = search(client, q="autonomie", notebook=notebook)
    assert [r["iri"] for r in in_notebook["results"]] == [BASE + "id/note/partager-l-animation"]
    category = BASE + "id/category/resultats"  # notes 4.5 and 4.6 only
    in_category = [r["iri"] for r in search(client, q="autonomie", category=category)["results"]]
    assert in_category[0] == BASE + "id/note/autonomie-du-groupe"
    assert set(in_category) <= {BASE + "id/note/autonomie-du-groupe",
                                BASE + "id/note/temps-suffisant-pour-les-activites"}


def test_search_never_finds_private_content(client):
    assert search(client, q="brouillon")["total"] == 0
    assert search(client, q="Camille")["total"] == 1  # the person (public), not her notes
    assert all("brouillon" not in r["iri"] for r in search(client, q="autonomie")["results"])


def test_search_pages(client):
    first = search(client, q="de")
    assert first["total"] > 0 and first["page"] == 1
    page = html(client, "/search?q=autonomie")
    assert "<mark>" in page and "résultat(s)" in page
    assert client.get("/search?q=autonomie&page=x").status_code == 200


def test_forwarded_headers_only_when_configured(settings, loaded_store):
    headers = {"Accept": "text/turtle", "X-Forwarded-Host": "proxy.example",
               "X-Forwarded-Proto": "https"}
    plain = create_app(settings, loaded_store).test_client().get("/sparql", headers=headers)
    assert b"proxy.example" not in plain.data
    trusting = create_app(settings.with_(trusted_proxies=1), loaded_store).test_client()
    assert b"https://proxy.example/sparql" in trusting.get("/sparql", headers=headers).data


@pytest.fixture
def writable(settings, loaded_store):
    app = create_app(settings.with_(write_token="tok"),
                     loaded_store)
    return app.test_client()


def sparql_update(client, text: str) -> None:
    response = client.post("/sparql", data=text.encode(), content_type="application/sparql-update",
                           headers={"Authorization": "Bearer tok"})
    assert response.status_code == 200, response.data


PROLOGUE = """PREFIX ckg: <https://w3id.org/carnet-kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
NOTE_TTL = """<{base}id/note/furtive> a ckg:GeneralNote ;
  dcterms:title "Zzqfurtive"@fr ; ckg:visibility ckg:{vis} ;
  dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
  dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
  dcterms:modified "2024-01-02T10:00:00Z"^^xsd:dateTime ;
  ckg:relatedNote <{base}id/note/autonomie-du-groupe> ."""


def test_a_note_made_private_within_the_same_second_leaves_search_and_caches(writable):
    sparql_update(writable, PROLOGUE + "INSERT DATA { "
                  + NOTE_TTL.format(base=BASE, vis="Public") + " }")
    assert search(writable, q="zzqfurtive")["total"] == 1
    page = writable.get("/doc/note/autonomie-du-groupe.html")
    assert "Zzqfurtive" in page.get_data(as_text=True)  # a backlink
    etag = page.headers["ETag"]
    ckg = "https://w3id.org/carnet-kg/ontology#"
    sparql_update(writable, f"DELETE {{ <{BASE}id/note/furtive> <{ckg}visibility> ?v }} "
                            f"INSERT {{ <{BASE}id/note/furtive> <{ckg}visibility> <{ckg}Private> }}"
                            f" WHERE {{ <{BASE}id/note/furtive> <{ckg}visibility> ?v }}")
    assert search(writable, q="zzqfurtive")["total"] == 0
    again = writable.get("/doc/note/autonomie-du-groupe.html", headers={"If-None-Match": etag})
    assert again.status_code == 200 and "Zzqfurtive" not in again.get_data(as_text=True)
    assert writable.get("/id/note/furtive").status_code == 410


def test_bad_page_numbers_are_400_not_500(client):
    for value in ("%C2%B2", "99999999999999999999999", "0", "-1"):
        assert client.get(f"/doc/note/autonomie-du-groupe?page={value}").status_code == 400
    for value in ("%C2%B2", "9223372036854775807"):
        assert client.get(f"/search?q=x&page={value}").status_code == 200


def test_every_page_has_validators_and_varies(client):
    for path in ("/", "/notebooks", "/lexicon", "/communities", "/people", "/search?q=mandat",
                 "/ontology", "/?format=json"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.headers.get("ETag") and response.headers.get("Last-Modified"), path
        assert "Accept-Language" in response.headers["Vary"], path
        again = client.get(path, headers={"Accept": "text/html",
                                          "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, path
    assert "Accept" in client.get("/").headers["Vary"]
    assert "Accept" in client.get("/nowhere", headers={"Accept": "application/json"}).headers[
        "Vary"]


def test_404_follows_negotiation_whatever_the_key(client):
    for path in ("/doc/note/AUTONOMIE", "/doc/foo/x", "/doc/note/x.xyz", "/id/note/Bad_Key"):
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 404 and response.mimetype == "text/turtle", path


def test_language_switch_keeps_the_query_and_body_language(client):
    page = html(client, "/search?q=communaute&kind=note")
    whole = client.get("/search?q=communaute&kind=note").get_data(as_text=True)
    assert "q=communaute" in whole.split('class="lang"')[1].split(">")[0]
    assert page
    note = client.get("/doc/note/autonomie-du-groupe.html?lang=en").get_data(as_text=True)
    assert '<div class="body" lang="fr">' in note
