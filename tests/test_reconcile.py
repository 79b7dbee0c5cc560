"""The reconciliation service (W3C Reconciliation API 0.2, as OpenRefine speaks it).

Every answer is checked against the specification's JSON Schemas (``../shared/w3c``), whose own
valid and invalid examples prove the validator first. Then, on the sample (plus a few notes made
here: namesakes, a notebook, markup in a title): best matches despite case, accents, plurals and
word order; types; property constraints; suggest; data extension; preview; CORS; 400s. One
OpenRefine-shaped batch goes through a real server.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from carnet_kg import pipeline
from carnet_kg.config import PROJECT_ROOT
from carnet_kg.web import create_app

from .conftest import BASE, SAMPLE, write
from .servers import running_server

SPEC = PROJECT_ROOT.parent / "shared" / "w3c" / "reconciliation-0.2"
CKG = "https://w3id.org/carnet-kg/ontology#"
TERM, NOTE, NOTEBOOK = CKG + "Term", CKG + "Note", CKG + "Notebook"
COMMUNITY, PERSON, ORGANISATION = CKG + "Community", CKG + "Person", CKG + "Organisation"
ID = BASE + "id/"
JOEL, CAMILLE = ID + "person/joel-nadeau", ID + "person/camille-exemple"
JOURNAL_JOEL = ID + "note/journal-de-bord-joel"
JOURNAL_CAMILLE = ID + "note/journal-de-bord-camille"

EXTRA = """
<id/note/journal-de-bord-joel> a ckg:GeneralNote ;
    dcterms:title "Journal de bord"@fr ;
    dcterms:creator <id/person/joel-nadeau> ;
    ckg:visibility ckg:Public ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-02T10:00:00Z"^^xsd:dateTime .

<id/note/journal-de-bord-camille> a ckg:GeneralNote ;
    dcterms:title "Journal de bord"@fr ;
    dcterms:creator <id/person/camille-exemple> ;
    ckg:visibility ckg:Public ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-03-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-03-02T10:00:00Z"^^xsd:dateTime .

<id/notebook/carnet-de-bord> a ckg:Notebook ;
    dcterms:title "Carnet de bord"@fr ;
    ckg:visibility ckg:Public ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-03-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-03-02T10:00:00Z"^^xsd:dateTime ;
    ckg:hasMembership <id/notebook/carnet-de-bord#m-1> .

<id/notebook/carnet-de-bord#m-1> a ckg:Membership ;
    ckg:member <id/note/journal-de-bord-camille> ;
    ckg:position 1 .

<id/note/balises> a ckg:GeneralNote ;
    dcterms:title "<script>alert('x')</script> & <b>gras</b>"@fr ;
    dcterms:description "Une description avec <img src=x onerror=alert(1)>"@fr ;
    ckg:visibility ckg:Public ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-02T10:00:00Z"^^xsd:dateTime .
"""


# --- the specification's schemas -------------------------------------------------------------

@cache
def _registry() -> Registry:
    if not (SPEC / "schemas").is_dir():
        pytest.fail(f"missing the reconciliation schemas at {SPEC} (../shared/w3c)")
    resources = []
    for path in sorted((SPEC / "schemas").glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT7)
        resources.append((contents["$id"].rstrip("#"), resource))
    return Registry().with_resources(resources)


@cache
def _validator(schema: str) -> Draft7Validator:
    contents = json.loads((SPEC / "schemas" / f"{schema}.json").read_text(encoding="utf-8"))
    return Draft7Validator(contents, registry=_registry())


def errors(schema: str, instance) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}"
            for e in _validator(schema).iter_errors(instance)]


def valid(schema: str, instance):
    """``instance``, once checked against the schema."""
    problems = errors(schema, instance)
    assert not problems, f"not a valid {schema}: {problems[:5]}"
    return instance


EXAMPLES = {  # examples folder → the schema it illustrates
    "manifest": "manifest",
    "reconciliation-query-batch": "reconciliation-query-batch",
    "reconciliation-result-batch": "reconciliation-result-batch",
    "suggest-entities-response": "suggest-entities-response",
    "suggest-types-response": "suggest-types-response",
    "suggest-properties-response": "suggest-properties-response",
    "data-extension-query": "data-extension-query",
    "data-extension-response": "data-extension-response",
    "data-extension-property-proposal": "data-extension-property-proposal",
}


def _examples() -> list:
    cases = []
    for folder, schema in EXAMPLES.items():
        for verdict in ("valid", "invalid"):
            for path in sorted((SPEC / "examples" / folder / verdict).glob("*.json")):
                cases.append(pytest.param(schema, path, verdict == "valid",
                                          id=f"{folder}/{verdict}/{path.stem}"))
    return cases


@pytest.mark.parametrize(("schema", "path", "expected"), _examples())
def test_the_spec_examples_prove_the_validator(schema, path, expected):
    example = json.loads(path.read_text(encoding="utf-8"))
    assert (not errors(schema, example)) is expected


def test_there_are_examples_of_both_verdicts():
    verdicts = [case.values[2] for case in _examples()]
    assert verdicts.count(True) >= 20 and verdicts.count(False) >= 10


# --- fixtures and helpers --------------------------------------------------------------------

@pytest.fixture
def app(settings, store, tmp_path):
    pipeline.load([SAMPLE, write(tmp_path / "extra.ttl", EXTRA)], settings, store)
    return create_app(settings, store)


@pytest.fixture
def client(app):
    return app.test_client()


def reconcile(client, queries: dict, **params) -> dict:
    response = client.post("/reconcile", data={"queries": json.dumps(queries)},
                           query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return valid("reconciliation-result-batch", response.get_json())


def results(client, query: dict, **params) -> list[dict]:
    return reconcile(client, {"q0": query}, **params)["q0"]["result"]


def get_json(client, url: str, schema: str, **params) -> dict:
    response = client.get(url, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return valid(schema, response.get_json())


# --- manifest --------------------------------------------------------------------------------

def test_manifest(client):
    manifest = get_json(client, "/reconcile", "manifest")
    assert "0.2" in manifest["versions"]
    assert manifest["identifierSpace"] == ID
    assert manifest["schemaSpace"] == CKG
    assert [t["id"] for t in manifest["defaultTypes"]] == [TERM, NOTE, NOTEBOOK, COMMUNITY,
                                                           PERSON, ORGANISATION]
    assert {t["name"] for t in manifest["defaultTypes"]} >= {"Terme", "Carnet", "Personne"}
    preview = manifest["preview"]
    assert preview["url"] == "http://localhost/reconcile/preview?id={{id}}"
    assert preview["width"] > 0 and preview["height"] > 0
    assert manifest["suggest"]["entity"] == {"service_url": "http://localhost",
                                             "service_path": "/reconcile/suggest/entity"}
    assert manifest["extend"]["propose_properties"]["service_path"] == \
        "/reconcile/propose_properties"


def test_manifest_in_english(client):
    manifest = get_json(client, "/reconcile", "manifest", lang="en")
    names = {t["id"]: t["name"] for t in manifest["defaultTypes"]}
    assert names[TERM] == "Term" and names[NOTEBOOK] == "Notebook" and names[PERSON] == "Person"


# --- matching --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("communauté de pratique", "term/communaute-de-pratique"),
    ("COMMUNAUTES DE PRATIQUE", "term/communaute-de-pratique"),  # case, accents, plural
    ("pratique, communauté de", "term/communaute-de-pratique"),  # word order, punctuation
    ("community of practice", "term/communaute-de-pratique"),  # the English label
    ("Autonomies", "term/autonomie"),
    ("cooperation", "term/cooperation"),
    ("Noyaux de membres actifs", "term/noyau-de-membres-actifs"),
    ("self management", "term/autogestion"),
    ("joel nadeau", "person/joel-nadeau"),
    ("Nadeau, Joël", "person/joel-nadeau"),
    ("En commun", "organisation/en-commun"),
    ("Communauté Passerelles", "community/passerelles"),
    ("Passerelles community", "community/passerelles"),
    ("pratiques d'animation (carnet d'exemple)", "notebook/pratiques-d-animation"),
    ("La communauté de pratique comme stratégie de transfert de connaissances dans le champ "
     "de l'innovation sociale", "notebook/cdp-transfert-connaissances"),
    ("une réelle autonomie du groupe dans la réalisation du mandat", "note/autonomie-du-groupe"),
    ("Du temps suffisant pour les activites", "note/temps-suffisant-pour-les-activites"),
])
def test_the_best_match(client, text, expected):
    found = results(client, {"query": text})
    assert found[0]["id"] == ID + expected
    assert found[0]["score"] == 100 and found[0]["match"] is True
    assert all(r["match"] is False for r in found[1:])


def test_scores_are_sorted_percentages_with_types_and_names(client):
    loose = results(client, {"query": "communautés de pratiques animées", "limit": 10})
    assert len(loose) >= 3 and not any(r["match"] for r in loose)
    scores = [r["score"] for r in loose]
    assert scores == sorted(scores, reverse=True) and all(0 <= s < 95 for s in scores)
    first = results(client, {"query": "communauté de pratique"})[0]
    assert first["name"] == "communauté de pratique"
    assert first["type"] == [{"id": TERM, "name": "Terme"}]
    assert first["description"].startswith("Groupe de personnes qui partagent une pratique")
    assert {"id": "name", "value": 1.0} in first["features"]
    english = results(client, {"query": "communauté de pratique"}, lang="en")[0]
    assert english["name"] == "community of practice"
    assert english["type"] == [{"id": TERM, "name": "Term"}]


def test_an_alternative_label_or_a_tie_is_no_match(client):
    [first, *_] = results(client, {"query": "CdP", "type": TERM})  # an alternative label
    assert first["id"] == ID + "term/communaute-de-pratique"
    assert first["score"] == 90 and first["match"] is False
    tie = results(client, {"query": "journal de bord"})  # two notes of that title
    assert {r["id"] for r in tie[:2]} == {JOURNAL_JOEL, JOURNAL_CAMILLE}
    assert [r["score"] for r in tie[:2]] == [100, 100]
    assert not any(r["match"] for r in tie)
    [alone] = results(client, {"query": "journal de bord", "limit": 1})
    assert alone["score"] == 100 and alone["match"] is False  # the limit hides the tie only


def test_nothing_like_it_gives_no_candidate(client):
    assert results(client, {"query": "zygomorphe quetzalcoatl"}) == []
    assert results(client, {"query": "   "}) == []


def test_the_limit(client):
    text = "communautés de pratiques animées"
    assert len(results(client, {"query": text, "limit": 1})) == 1
    assert len(results(client, {"query": text, "limit": 2})) == 2
    many = results(client, {"query": text, "limit": 100})
    assert 3 <= len(many) <= 100
    assert results(client, {"query": text}) == many[:5]  # 5 by default


def test_only_our_public_resources_are_candidates(client):
    for text in ("Brouillon : questions sur l'autonomie et la structure",
                 "Carnet de travail : autonomie et engagement", "Travail en cours"):
        for result in results(client, {"query": text, "limit": 100}):
            assert result["id"].startswith(ID)
            assert "brouillon" not in result["id"] and "travail" not in result["id"]
    # a category or a lexicon is ours but not a type of the service
    found = results(client, {"query": "Lexique Passerelles", "limit": 100})
    assert all("/lexicon/" not in r["id"] for r in found)


# --- types -----------------------------------------------------------------------------------

def test_a_type_filters_candidates(client):
    untyped = results(client, {"query": "communauté de pratique", "limit": 10})
    assert untyped[0]["id"] == ID + "term/communaute-de-pratique"
    communities = results(client, {"query": "communauté de pratique", "type": COMMUNITY,
                                   "limit": 10})
    assert communities[0]["id"] == ID + "community/animation-communaute-de-pratique"
    assert all(r["type"][0]["id"] == COMMUNITY for r in communities)
    short = results(client, {"query": "communauté de pratique", "type": "ckg:Community"})
    assert [r["id"] for r in short] == [r["id"] for r in communities[:5]]
    both = results(client, {"query": "communauté de pratique", "type": [COMMUNITY, TERM],
                            "type_strict": "any", "limit": 10})
    assert {r["type"][0]["id"] for r in both} == {COMMUNITY, TERM}
    assert results(client, {"query": "communauté de pratique", "type": [COMMUNITY, TERM],
                            "type_strict": "all"}) == []
    assert results(client, {"query": "autonomie", "type": PERSON}) == []


# --- property constraints --------------------------------------------------------------------

def _first(client, query: dict) -> dict:
    return results(client, query)[0]


def test_property_constraints_change_the_ranking(client):
    base = {"query": "Journal de bord", "type": NOTE}
    by_camille = _first(client, {**base, "properties": [{"pid": "creator",
                                                        "v": "Camille Exemple"}]})
    assert by_camille["id"] == JOURNAL_CAMILLE and by_camille["match"] is True
    assert {"id": "creator", "value": 1.0} in by_camille["features"]
    by_joel = results(client, {**base, "properties": [{"pid": "creator",
                                                       "v": {"id": JOEL, "name": "J. N."}}]})
    assert by_joel[0]["id"] == JOURNAL_JOEL and by_joel[0]["score"] == 100
    assert by_joel[1]["id"] == JOURNAL_CAMILLE and by_joel[1]["score"] < 70
    joel_spelt = _first(client, {**base, "properties": [{"pid": "creator", "v": "joel nadeau"}]})
    assert joel_spelt["id"] == JOURNAL_JOEL
    in_notebook = _first(client, {**base, "properties": [{"pid": "notebook",
                                                         "v": "Carnet de bord"}]})
    assert in_notebook["id"] == JOURNAL_CAMILLE
    dated = _first(client, {**base, "properties": [{"pid": "issued", "v": "2024-01"}]})
    assert dated["id"] == JOURNAL_JOEL
    either = results(client, {**base, "properties": [{"pid": "creator",
                                                      "v": [JOEL, "Camille Exemple"]}]})
    assert [r["score"] for r in either[:2]] == [100, 100]


def test_a_property_of_a_term_and_of_a_person(client):
    autonomy = results(client, {"query": "autonomie", "limit": 10,
                                "properties": [{"pid": "narrower", "v": "autogestion"}]})
    assert autonomy[0]["id"] == ID + "term/autonomie"
    person = _first(client, {"query": "Camille", "type": PERSON, "properties": [
        {"pid": "memberOf", "v": {"id": ID + "community/animation-communaute-de-pratique"}}]})
    assert person["id"] == CAMILLE
    assert {"id": "memberOf", "value": 1.0} in person["features"]


def test_properties_without_text_find_by_links(client):
    found = results(client, {"properties": [{"pid": "creator", "v": {"id": CAMILLE}}],
                             "type": NOTE, "limit": 20})
    assert [r["id"] for r in found] == [JOURNAL_CAMILLE]  # her other notes are private


# --- requests in every shape -----------------------------------------------------------------

def test_get_form_and_json_body_give_the_same_answer(client):
    batch = {"q0": {"query": "autonomie"}, "q1": {"query": "Joël Nadeau", "type": PERSON}}
    posted = reconcile(client, batch)
    assert posted["q0"]["result"][0]["id"] == ID + "term/autonomie"
    assert posted["q1"]["result"][0]["id"] == JOEL
    by_get = client.get("/reconcile", query_string={"queries": json.dumps(batch)})
    assert by_get.status_code == 200 and by_get.get_json() == posted
    wrapped = client.post("/reconcile", json={"queries": batch})
    assert wrapped.status_code == 200 and wrapped.get_json() == posted
    bare = client.post("/reconcile", json=batch)
    assert bare.status_code == 200 and bare.get_json() == posted
    assert reconcile(client, {}) == {}


# --- suggest ---------------------------------------------------------------------------------

def test_suggest_entities_by_prefix_with_a_cursor(client):
    found = get_json(client, "/reconcile/suggest/entity", "suggest-entities-response",
                     prefix="auto")["result"]
    ids = [r["id"] for r in found]
    assert ID + "term/autonomie" in ids and ID + "term/autogestion" in ids
    assert ID + "note/autonomie-du-groupe" in ids
    assert all(i.startswith(ID) and "brouillon" not in i for i in ids)
    term = found[ids.index(ID + "term/autonomie")]
    assert term["name"] == "autonomie" and term["notable"] == [{"id": TERM, "name": "Terme"}]
    pages = [get_json(client, "/reconcile/suggest/entity", "suggest-entities-response",
                      prefix="auto", limit=1, cursor=cursor)["result"] for cursor in (0, 1, 2)]
    assert [p[0]["id"] for p in pages] == ids[:3]
    typed = get_json(client, "/reconcile/suggest/entity", "suggest-entities-response",
                     prefix="COMMU", type=COMMUNITY)["result"]
    assert {r["id"] for r in typed} == {ID + "community/passerelles",
                                        ID + "community/animation-communaute-de-pratique"}
    two_words = get_json(client, "/reconcile/suggest/entity", "suggest-entities-response",
                         prefix="joel nad")["result"]
    assert [r["id"] for r in two_words] == [JOEL]


def test_suggest_types_and_properties(client):
    types = get_json(client, "/reconcile/suggest/type", "suggest-types-response",
                     prefix="pers")["result"]
    assert types == [{"id": PERSON, "name": "Personne"}]
    every = get_json(client, "/reconcile/suggest/type", "suggest-types-response")["result"]
    assert len(every) == 6
    second = get_json(client, "/reconcile/suggest/type", "suggest-types-response",
                      cursor=1, limit=2)["result"]
    assert second == every[1:3]
    props = get_json(client, "/reconcile/suggest/property", "suggest-properties-response",
                     prefix="aute")["result"]
    assert props == [{"id": "creator", "name": "Auteur·trice"}]  # accents do not count
    english = get_json(client, "/reconcile/suggest/property", "suggest-properties-response",
                       prefix="broad", lang="en")["result"]
    assert english == [{"id": "broader", "name": "Broader term"}]


# --- data extension --------------------------------------------------------------------------

def test_propose_properties(client):
    for_terms = get_json(client, "/reconcile/propose_properties",
                         "data-extension-property-proposal", type=TERM)
    assert for_terms["type"] == TERM
    ids = [p["id"] for p in for_terms["properties"]]
    assert {"broader", "narrower", "related", "definition", "altLabel"} <= set(ids)
    assert "name" not in ids and "memberOf" not in ids
    for_people = get_json(client, "/reconcile/propose_properties",
                          "data-extension-property-proposal", type=PERSON, limit=1)
    assert [p["id"] for p in for_people["properties"]] == ["name"]
    assert for_people["limit"] == 1


def test_extend(client):
    request = {"ids": [ID + "note/autonomie-du-groupe", ID + "term/autogestion", CAMILLE,
                       ID + "note/brouillon-questions-autonomie", "https://elsewhere.org/x"],
               "properties": [{"id": "notebook"}, {"id": "term"}, {"id": "broader"},
                              {"id": "issued"}, {"id": "name"}, {"id": "memberOf"},
                              {"id": "altLabel"}]}
    valid("data-extension-query", request)
    response = client.post("/reconcile", data={"extend": json.dumps(request)})
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    answer = valid("data-extension-response", response.get_json())
    meta = {m["id"]: m for m in answer["meta"]}
    assert meta["notebook"]["type"] == {"id": NOTEBOOK, "name": "Carnet"}
    rows = answer["rows"]
    note = rows[ID + "note/autonomie-du-groupe"]
    assert note["notebook"] == [{"id": ID + "notebook/cdp-transfert-connaissances",
                                 "name": "La communauté de pratique comme stratégie de transfert "
                                         "de connaissances dans le champ de l’innovation sociale"}]
    assert len(note["term"]) == 10 and {"id": ID + "term/autonomie", "name": "autonomie"} \
        in note["term"]
    assert note["issued"] == [{"date": "2023-12-06T10:18:00-05:00"}]
    assert note["broader"] == [] and note["name"] == []
    term = rows[ID + "term/autogestion"]
    assert term["broader"] == [{"id": ID + "term/autonomie", "name": "autonomie"}]
    assert term["altLabel"] == [{"str": "self-governance"}]
    person = rows[CAMILLE]
    assert person["name"] == [{"str": "Camille Exemple"}]
    assert person["memberOf"] == [{"id": ID + "community/animation-communaute-de-pratique",
                                   "name": "Animation de communauté de pratique"}]
    for withheld in (ID + "note/brouillon-questions-autonomie", "https://elsewhere.org/x"):
        assert all(values == [] for values in rows[withheld].values())
    # the notebook membership of the private draft is not there either
    assert JOURNAL_CAMILLE not in json.dumps(note)
    by_get = client.get("/reconcile", query_string={"extend": json.dumps(request)})
    assert by_get.get_json() == answer


# --- preview and view ------------------------------------------------------------------------

def test_preview_is_a_small_escaped_card(client):
    response = client.get("/reconcile/preview", query_string={"id": ID + "note/balises"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<script>" not in page and "<b>gras" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;gras&lt;/b&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="/doc/note/balises"' in page
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers  # OpenRefine frames it
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    term = client.get("/reconcile/preview", query_string={"id": ID + "term/autonomie",
                                                          "lang": "en"}).get_data(as_text=True)
    assert ">autonomy<" in term and ">Term<" in term
    assert "The ability of a group or of its members to set their own goals" in term


@pytest.mark.parametrize("given", [ID + "note/brouillon-questions-autonomie",
                                   ID + "note/nowhere", "https://elsewhere.org/id/note/x"])
def test_preview_of_what_is_not_ours_is_404(client, given):
    response = client.get("/reconcile/preview", query_string={"id": given})
    assert response.status_code == 404 and "error" in response.get_json()


def test_view_redirects_to_the_page(client):
    response = client.get("/reconcile/view", query_string={"id": ID + "term/autonomie"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/doc/term/autonomie")


# --- CORS and errors -------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/reconcile", "/reconcile/suggest/entity",
                                  "/reconcile/preview", "/reconcile/propose_properties"])
def test_preflight(client, path):
    response = client.options(path, headers={"Origin": "http://127.0.0.1:3333",
                                             "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


BAD = [
    ("post", {"queries": "{not json"}, "malformed JSON"),
    ("post", {"queries": "[1, 2]"}, "JSON object of queries"),
    ("post", {"queries": '{"q0": "autonomie"}'}, "q0: a query must be a JSON object"),
    ("post", {"queries": '{"q0": {"query": "x", "type": "https://example.org/Thing"}}'},
     "unknown type"),
    ("post", {"queries": '{"q0": {"query": "x", "limit": 0}}'}, "limit"),
    ("post", {"queries": '{"q0": {"query": "x", "limit": 1000}}'}, "limit"),
    ("post", {"queries": '{"q0": {"query": "x", "limit": "five"}}'}, "limit"),
    ("post", {"queries": '{"q0": {"query": "x", "limit": true}}'}, "limit"),
    ("post", {"queries": '{"q0": {"query": "x", "limit": 2.5}}'}, "limit"),
    ("post", {"queries": '{"q0": {"query": 12}}'}, "q0.query must be a string"),
    ("post", {"queries": '{"q0": {"query": "x", "type_strict": "maybe"}}'}, "type_strict"),
    ("post", {"queries": '{"q0": {"query": "x", "colour": "red"}}'}, "unknown field"),
    ("post", {"queries": '{"q0": {"limit": 3}}'}, 'needs "query" or "properties"'),
    ("post", {"queries": '{"q0": {"query": "x", "properties": [{"pid": "shoe", "v": 1}]}}'},
     "unknown property"),
    ("post", {"queries": '{"q0": {"query": "x", "properties": [{"pid": "creator"}]}}'},
     '"pid" and "v"'),
    ("post", {"queries": '{"q0": {"query": "x", "properties": {"pid": "creator"}}}'},
     "must be a list"),
    ("post", {"extend": '{"ids": "x", "properties": []}'}, "extend must be"),
    ("post", {"extend": '{"ids": [], "properties": [{"id": "colour"}]}'}, "unknown property"),
    ("post", {"extend": '{"ids": [1], "properties": []}'}, "ids must be strings"),
    ("post", {"queries": "{}", "extend": '{"ids": [], "properties": []}'}, "either"),
    ("post", {}, "nothing to answer"),
    ("get", "/reconcile/suggest/entity?prefix=a&cursor=-1", "cursor"),
    ("get", "/reconcile/suggest/entity?prefix=a&limit=0", "limit"),
    ("get", "/reconcile/suggest/entity?prefix=a&type=Thing", "unknown type"),
    ("get", "/reconcile/suggest/type?prefix=" + "a" * 300, "prefix"),
    ("get", "/reconcile/propose_properties?type=ckg:Lexicon", "unknown type"),
    ("get", "/reconcile/propose_properties?type=ckg:Term&limit=x", "limit"),
    ("get", "/reconcile/preview", "id is missing"),
    ("get", "/reconcile/view?id=https://elsewhere.org/x", "not the identifier"),
]


@pytest.mark.parametrize(("method", "what", "message"), BAD)
def test_bad_requests_get_400_with_a_message(client, method, what, message):
    response = client.post("/reconcile", data=what) if method == "post" else client.get(what)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    error = response.get_json()["error"]
    assert isinstance(error, str) and message in error


def test_a_malformed_json_body_is_a_400(client):
    response = client.post("/reconcile", data=b"{oops", content_type="application/json")
    assert response.status_code == 400 and "malformed JSON" in response.get_json()["error"]
    response = client.post("/reconcile", data=b"\xff\xfe", content_type="application/json")
    assert response.status_code == 400 and "UTF-8" in response.get_json()["error"]


def test_a_request_over_the_size_limit_is_refused(client, settings):
    batch = json.dumps({f"q{i}": {"query": "autonomie " * 90} for i in range(1200)})
    assert len(batch) > settings.max_request_bytes
    response = client.post("/reconcile", data={"queries": batch})
    assert response.status_code == 413
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "limited to" in response.get_json()["error"]


def test_too_many_queries_in_a_batch(client):
    batch = {f"q{i}": {"query": "autonomie"} for i in range(101)}
    response = client.post("/reconcile", data={"queries": json.dumps(batch)})
    assert response.status_code == 400 and "at most 100" in response.get_json()["error"]


# --- OpenRefine against a real server ---------------------------------------------------------

def _http(url: str, data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, dict(response.headers), json.loads(response.read())


def test_openrefine_batch_through_a_real_server(tmp_path: Path):
    """The requests OpenRefine 3 sends: the manifest, then form-encoded batches of queries with
    ``type_strict: should`` and properties (column values as strings)."""
    queries = {
        "q0": {"query": "Communautés de Pratique", "type": TERM, "type_strict": "should"},
        "q1": {"query": "Nadeau Joel", "type": PERSON, "type_strict": "should",
               "properties": [{"pid": "name", "v": "Joël Nadeau"}]},
        "q2": {"query": "Pratiques d’animation", "type": NOTEBOOK, "type_strict": "should"},
        "q3": {"query": "autonomie du groupe dans la réalisation du mandat", "type": NOTE,
               "type_strict": "should", "properties": [{"pid": "term", "v": "autogestion"}]},
        "q4": {"query": "Passerelles", "type": COMMUNITY, "type_strict": "should", "limit": 3},
    }
    valid("reconciliation-query-batch", queries)
    openrefine = {"User-Agent": "OpenRefine/3.8.2", "Accept": "*/*"}
    with running_server(tmp_path) as url:
        status, headers, manifest = _http(url + "/reconcile", headers=openrefine)
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
        valid("manifest", manifest)
        assert manifest["preview"]["url"] == url + "/reconcile/preview?id={{id}}"
        body = urllib.parse.urlencode({"queries": json.dumps(queries)}).encode("utf-8")
        status, headers, answer = _http(url + "/reconcile", body, {
            **openrefine, "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    valid("reconciliation-result-batch", answer)
    best = {key: answer[key]["result"][0] for key in queries}
    assert best["q0"]["id"] == ID + "term/communaute-de-pratique" and best["q0"]["match"]
    assert best["q1"]["id"] == JOEL and best["q1"]["match"]
    assert best["q2"]["id"] == ID + "notebook/pratiques-d-animation"
    assert best["q3"]["id"] == ID + "note/autonomie-du-groupe"
    assert best["q4"]["id"] == ID + "community/passerelles"
    assert len(answer["q4"]["result"]) <= 3
