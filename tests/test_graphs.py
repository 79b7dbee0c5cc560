"""Relation graphs and charts on the sample: the JSON says what an independent SPARQL query says,
the SVG is well-formed and names itself, the charts count what SPARQL counts, in both
languages; caching, limits, escaping and errors."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlparse

import pytest
from rdflib import URIRef

from carnet_kg import i18n, pipeline
from carnet_kg.graphs import charts, data, layout, svg
from carnet_kg.identifiers import Identifiers
from carnet_kg.web import create_app

from .conftest import BASE, PRIVATE_KEYS, public_note, write

SVG = "{http://www.w3.org/2000/svg}"
NOTEBOOK = "cdp-transfert-connaissances"
PREFIX = "PREFIX ckg: <https://w3id.org/carnet-kg/ontology#>\n"
PREFIXES = PREFIX + ("PREFIX dcterms: <http://purl.org/dc/terms/>\n"
                     "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")
# Every link a graph may draw, straight from the store (the code's queries are not used).
ALL_LINKS = PREFIX + """SELECT ?s ?kind ?o WHERE {
  { ?s ckg:relatedNote ?o BIND("relatedNote" AS ?kind) }
  UNION { ?s ckg:relatedTerm ?o BIND("relatedTerm" AS ?kind) }
  UNION { ?s ckg:hasMembership ?m . ?m ckg:member ?o BIND("member" AS ?kind) }
  UNION { ?s ckg:linkedCommunity ?o BIND("linkedCommunity" AS ?kind) }
}"""


def thing(kind: str, key: str) -> str:
    return f"{BASE}id/{kind}/{key}"


@pytest.fixture
def client(settings, loaded_store):
    return create_app(settings, loaded_store).test_client()


def graph_json(client, kind: str, key: str, lang: str = "fr") -> dict:
    response = client.get(f"/graph/{kind}/{key}.json?lang={lang}")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def links(store) -> set[tuple[str, str, str]]:
    return {(str(r["s"]), str(r["kind"]), str(r["o"])) for r in store.query(ALL_LINKS).rows}


def as_sets(body: dict) -> tuple[set[str], set[tuple[str, str, str]]]:
    return ({n["id"] for n in body["nodes"]},
            {(e["source"], e["target"], e["kind"]) for e in body["edges"]})


def ends(edges) -> set[str]:
    return {e[0] for e in edges} | {e[1] for e in edges}


def notebook_notes(store, notebook: str) -> list[tuple[str, str | None]]:
    rows = store.query(PREFIX + f"""SELECT ?note ?pos ?cat WHERE {{
        <{notebook}> ckg:hasMembership ?m . ?m ckg:member ?note ; ckg:position ?pos .
        OPTIONAL {{ ?m ckg:category ?cat }} }} ORDER BY ?pos""").rows
    return [(str(r["note"]), str(r["cat"]) if "cat" in r else None) for r in rows]


def test_notebook_graph_is_what_sparql_says(client, loaded_store):
    notebook = thing("notebook", NOTEBOOK)
    notes = [note for note, _ in notebook_notes(loaded_store, notebook)]
    expected = {(a, b, "sequence") for a, b in zip(notes, notes[1:], strict=False)}
    for s, kind, o in links(loaded_store):
        if kind in ("relatedTerm", "relatedNote") and s in notes:
            expected.add((s, o, kind))
        elif kind == "relatedNote" and o in notes:
            expected.add((s, o, "backlink"))
    body = graph_json(client, "notebook", NOTEBOOK)
    nodes, edges = as_sets(body)
    assert edges == expected
    assert nodes == set(notes) | ends(expected)
    assert len(notes) == 5 and len(nodes) == 16  # the sample: 5 public notes, 10 terms, 1 more
    assert "more" not in body and body["count"] == {"nodes": 16, "edges": 15, "total": 16}
    # the notebook's notes first, in its order, each with its position there
    shown = [n for n in body["nodes"] if n["position"] is not None]
    assert [n["id"] for n in body["nodes"][:5]] == notes == [n["id"] for n in shown]
    assert [n["position"] for n in shown] == sorted(n["position"] for n in shown)


def test_notebook_graph_colours_notes_by_their_category(client, loaded_store):
    notebook = thing("notebook", NOTEBOOK)
    body = graph_json(client, "notebook", NOTEBOOK, "en")
    categories = {c["id"]: c for c in body["categories"]}
    nodes = {n["id"]: n for n in body["nodes"]}
    for note, category in notebook_notes(loaded_store, notebook):
        assert nodes[note]["category"] == category
        assert nodes[note]["color"] == categories[category]["color"]
    assert {c["label"] for c in body["categories"]} == {"Results", "About this notebook"}
    assert len({c["color"] for c in body["categories"]}) == 2
    assert {k["kind"] for k in body["linkKinds"]} == {"sequence", "relatedTerm", "backlink"}


def test_labels_are_in_the_readers_language(client):
    french = {n["id"]: n["label"] for n in graph_json(client, "notebook", NOTEBOOK)["nodes"]}
    english = {n["id"]: n["label"] for n in
               graph_json(client, "notebook", NOTEBOOK, "en")["nodes"]}
    toc = thing("note", "cdp-transfert-connaissances-table-des-matieres")
    assert (french[toc], english[toc]) == ("Table des matières", "Table of contents")
    assert english[thing("term", "cooperation")] == "cooperation"
    assert french[thing("term", "cooperation")] == "coopération"
    rituals = thing("note", "rituels-de-rencontre")  # French only: French in English too
    assert english[rituals] == french[rituals]


def neighbourhood(store, focus: str) -> set[tuple[str, str, str]]:
    """One and two hops around ``focus`` over every link, computed here."""
    every = links(store)
    first = {link for link in every if focus in (link[0], link[2])}
    neighbours = {end for s, _, o in first for end in (s, o)} - {focus}
    second = {link for link in every if link[0] in neighbours or link[2] in neighbours}
    return {(s, o, "backlink" if kind == "relatedNote" and o == focus else kind)
            for s, kind, o in first | second}


def test_note_graph_is_its_neighbourhood_at_two_hops(client, loaded_store):
    focus = thing("note", "autonomie-du-groupe")
    expected = neighbourhood(loaded_store, focus)
    body = graph_json(client, "note", "autonomie-du-groupe")
    nodes, edges = as_sets(body)
    assert edges == expected
    assert nodes == ends(expected)
    kinds = {n["kind"] for n in body["nodes"]}
    assert kinds == {"note", "term", "notebook", "community"}
    assert [n["id"] for n in body["nodes"] if n["focus"]] == [focus]
    assert body["nodes"][0]["id"] == focus  # the nearest first
    assert (thing("note", "rituels-de-rencontre"), focus, "backlink") in edges


def test_term_graph_shows_the_notes_using_it_across_notebooks(client, loaded_store):
    term = thing("term", "autonomie")
    every = links(loaded_store)
    users = {s for s, kind, o in every if kind == "relatedTerm" and o == term}
    expected = {(note, term, "relatedTerm") for note in users} | {
        (s, o, "member") for s, kind, o in every if kind == "member" and o in users}
    nodes, edges = as_sets(graph_json(client, "term", "autonomie"))
    assert edges == expected and nodes == ends(expected) | {term}
    assert len({s for s, _, kind in edges if kind == "member"}) == 2  # two notebooks


def test_community_graph_shows_its_notebooks_and_notes(client, loaded_store):
    community = thing("community", "passerelles")
    every = links(loaded_store)
    linked = {s for s, kind, o in every if kind == "linkedCommunity" and o == community}
    expected = {(r, community, "linkedCommunity") for r in linked} | {
        (s, o, "member") for s, kind, o in every if kind == "member" and s in linked
        and o in linked}
    body = graph_json(client, "community", "passerelles")
    nodes, edges = as_sets(body)
    assert edges == expected and nodes == linked | {community}
    assert {n["kind"] for n in body["nodes"]} == {"community", "notebook", "note"}


def test_nodes_are_ours_and_public(client):
    for kind, key in (("notebook", NOTEBOOK), ("note", "autonomie-du-groupe"),
                      ("term", "autonomie"), ("community", "animation-communaute-de-pratique")):
        body = graph_json(client, kind, key)
        for node in body["nodes"]:
            assert re.fullmatch(rf"{re.escape(BASE)}id/(note|term|notebook|community)/[a-z0-9-]+",
                                node["id"]), node["id"]
            assert node["href"] == "/" + node["id"][len(BASE):].replace("id/", "doc/", 1)
            assert not any(node["id"].endswith(private) for private in PRIVATE_KEYS)
        text = json.dumps(body)
        assert not any(private in text for private in PRIVATE_KEYS)


def test_a_big_graph_is_cut_nearest_first_and_says_so(settings, loaded_store, monkeypatch):
    monkeypatch.setattr(data, "MAX_NODES", 5)
    client = create_app(settings, loaded_store).test_client()
    body = graph_json(client, "notebook", NOTEBOOK)
    notes = [note for note, _ in notebook_notes(loaded_store, thing("notebook", NOTEBOOK))]
    assert [n["id"] for n in body["nodes"]] == notes  # the notebook's own notes first
    assert body["more"]["count"] == 16 - 5
    assert all(e["source"] in notes and e["target"] in notes for e in body["edges"])
    # the link of "more" is the whole neighbourhood's query, bound to this notebook
    query = parse_qs(urlparse(body["more"]["href"]).query)["query"][0]
    rows = loaded_store.query(query).rows
    named = {str(r["other"]) for r in rows if "other" in r} | {str(r["note"]) for r in rows}
    assert len(named) == len(body["nodes"]) + body["more"]["count"]


def test_the_bound_query_gives_what_the_substitution_gives(loaded_store):
    focus = thing("note", "autonomie-du-groupe")
    bound = loaded_store.query(data.bound_query("graph-note", "note", focus)).rows
    substituted = loaded_store.query(data.bound_query("graph-note", "note", None),
                                     {"note": URIRef(focus)}).rows
    assert bound == substituted and len(bound) > 20


def test_json_and_svg_have_validators_and_speak_the_language(client):
    for extension in ("json", "svg"):
        path = f"/graph/notebook/{NOTEBOOK}.{extension}"
        first = client.get(path)
        assert first.status_code == 200 and first.headers["ETag"]
        assert "Accept-Language" in first.headers["Vary"]
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        english = client.get(path, headers={"Accept-Language": "en"})
        assert english.headers["ETag"] != first.headers["ETag"]
        assert english.headers["Content-Language"] == "en"
    assert client.get(f"/graph/notebook/{NOTEBOOK}.svg").mimetype == "image/svg+xml"


def test_unknown_private_and_withdrawn_resources_have_no_graph(client, settings, loaded_store,
                                                                tmp_path):
    for path in ("/graph/person/joel-nadeau.json", "/graph/note/nope.json",
                 "/graph/note/Bad_Key.svg", "/graph/note/brouillon-questions-autonomie.json",
                 "/graph/notebook/carnet-de-travail-autonomie.svg"):
        assert client.get(path).status_code == 404, path
    pipeline.load([write(tmp_path / "a.ttl", public_note("graph-gone"))], settings, loaded_store)
    assert client.get("/graph/note/graph-gone.json").status_code == 200
    private = public_note("graph-gone").replace("ckg:Public", "ckg:Private")
    pipeline.load([write(tmp_path / "a.ttl", private)], settings, loaded_store)
    assert client.get("/graph/note/graph-gone.json").status_code == 410


def svg_root(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    named = root.get("aria-labelledby").split()
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert named and set(named) <= ids
    return root


def test_svg_is_well_formed_named_and_has_one_element_per_node(client):
    for kind, key in (("notebook", NOTEBOOK), ("note", "autonomie-du-groupe"),
                      ("term", "autonomie"), ("community", "passerelles")):
        body = graph_json(client, kind, key)
        root = svg_root(client.get(f"/graph/{kind}/{key}.svg").get_data(as_text=True))
        assert root.find(f"{SVG}title").text == f"Graphe des relations — {body['title']}"
        nodes = [g for g in root.iter(f"{SVG}g") if "node" in g.get("class", "").split()]
        assert [g.get("data-id") for g in nodes] == [n["id"] for n in body["nodes"]]
        assert all(g.find(f"{SVG}title").text.startswith(n["label"])
                   for g, n in zip(nodes, body["nodes"], strict=True))
        links = {a.get("href") for a in root.iter(f"{SVG}a")}
        assert links == {n["href"] for n in body["nodes"]}
        assert len(root.findall(f".//{SVG}line")) == len(body["edges"])
    english = svg_root(client.get(f"/graph/notebook/{NOTEBOOK}.svg?lang=en").data)
    assert english.find(f"{SVG}title").text.startswith("Relation graph — ")


def test_svg_escapes_what_it_shows(client, settings, loaded_store, tmp_path):
    title = '<script>alert("x")</script> & <b>co</b>'
    note = public_note("graph-escape", title.replace('"', '\\"'),
                       "; ckg:relatedNote <id/note/autonomie-du-groupe>")
    pipeline.load([write(tmp_path / "e.ttl", note)], settings, loaded_store)
    text = client.get("/graph/note/autonomie-du-groupe.svg").get_data(as_text=True)
    assert "<script>" not in text and "<b>" not in text
    labels = [t.text for t in svg_root(text).iter(f"{SVG}title")]
    assert any(label.startswith(title) for label in labels)
    page = page_html(client, "/doc/note/autonomie-du-groupe")
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_layout_is_the_same_every_time(loaded_store, settings):
    ids = Identifiers(settings.base)
    drawings = set()
    for _ in range(2):
        graph = data.build(loaded_store, ids, "note", "autonomie-du-groupe", "fr")
        places = layout.positions(graph)
        assert all(0 <= x <= layout.WIDTH and 0 <= y <= layout.HEIGHT
                   for x, y in places.values())
        drawings.add(svg.render(graph, places))
    assert len(drawings) == 1


def page_html(client, path: str, lang: str = "fr") -> str:
    response = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_notebook_page_shows_graph_links_and_charts(client):
    page = page_html(client, f"/doc/notebook/{NOTEBOOK}")
    body = graph_json(client, "notebook", NOTEBOOK)
    section = page.split('class="relation-graph-section"')[1].split("</section>")[0]
    assert f'data-graph-src="/graph/notebook/{NOTEBOOK}.json?lang=fr"' in section
    root = svg_root(re.search(r"<svg.*?</svg>", section, re.S).group(0))
    assert len([g for g in root.iter(f"{SVG}g") if g.get("data-id")]) == len(body["nodes"])
    listed = section.split('class="graph-links"')[1].split("</details>")[0]
    assert listed.count("<li>") == len(body["edges"])
    assert 'src="/vendor/cytoscape/cytoscape.min.js"' in section
    assert 'src="/static/graph.js"' in section
    assert section.count('name="category"') == len(body["categories"])
    assert section.count('name="link"') == len(body["linkKinds"])
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert all("application/ld+json" in s or "application/json" in s for s in scripts)
    assert page.count('class="chart-figure"') == len(charts.CHARTS["notebook"])


def test_pages_without_a_graph_have_none(client):
    assert "relation-graph" not in page_html(client, "/doc/person/joel-nadeau")
    assert "chart-figure" not in page_html(client, "/doc/note/autonomie-du-groupe")
    assert "relation-graph" in page_html(client, "/doc/term/autonomie")
    assert "relation-graph" in page_html(client, "/doc/community/passerelles")


# --- charts ---------------------------------------------------------------------------------

def counts(store, query: str) -> dict[str, int]:
    return {str(r["k"]): int(r["n"]) for r in store.query(PREFIXES + query).rows}


def expected_charts(store, scope_notes: str, terms: str) -> dict[str, dict]:
    """The numbers of each chart, by queries written here; ``scope_notes`` binds ?note."""
    dates = store.query(PREFIXES + f"""SELECT DISTINCT ?note ?p ?d WHERE {{ {scope_notes}
        VALUES ?p {{ dcterms:issued dcterms:modified }} ?note ?p ?d }}""").rows
    activity: dict[str, list[int]] = {}
    for row in dates:
        month = activity.setdefault(str(row["d"])[:7], [0, 0])
        month[0 if row["p"].endswith("issued") else 1] += 1
    mapped = counts(store, f"""SELECT ?k (COUNT(DISTINCT ?term) AS ?n) WHERE {{ {terms}
        BIND(IF(EXISTS {{ ?term skos:exactMatch|skos:closeMatch|skos:broadMatch|
            skos:narrowMatch|skos:relatedMatch [] }}, "mapped", "unmapped") AS ?k) }}
        GROUP BY ?k""")
    return {
        "notes-per-notebook": counts(store, f"""SELECT ?k (COUNT(DISTINCT ?note) AS ?n)
            WHERE {{ {scope_notes} ?k ckg:hasMembership/ckg:member ?note }} GROUP BY ?k"""),
        "top-terms": counts(store, f"""SELECT ?k (COUNT(DISTINCT ?note) AS ?n)
            WHERE {{ {scope_notes} ?note ckg:relatedTerm ?k }} GROUP BY ?k"""),
        "activity": {month: tuple(pair) for month, pair in activity.items()},
        "mapped-terms": {"mapped": mapped.get("mapped", 0),
                         "unmapped": mapped.get("unmapped", 0)},
    }


def test_home_charts_count_what_sparql_counts(loaded_store, settings):
    expected = expected_charts(loaded_store, "?note a ckg:GeneralNote .", "?term a ckg:Term .")
    expected["notes-per-category"] = counts(loaded_store, """SELECT ?k
        (COUNT(DISTINCT ?note) AS ?n) WHERE { ?m ckg:member ?note ; ckg:category ?k }
        GROUP BY ?k""")
    found = {c.name: c.numbers for c in charts.charts(
        loaded_store, Identifiers(settings.base), None, None, "fr")}
    assert found == expected
    assert found["mapped-terms"] == {"mapped": 4, "unmapped": 6}  # the sample's SSSOM rows
    assert found["activity"]["2023-12"] == (5, 5)


def test_notebook_and_community_charts_count_what_sparql_counts(loaded_store, settings):
    ids = Identifiers(settings.base)
    notebook = thing("notebook", NOTEBOOK)
    in_notebook = f"<{notebook}> ckg:hasMembership ?mm . ?mm ckg:member ?note ."
    expected = expected_charts(loaded_store, in_notebook,
                               in_notebook + " ?note ckg:relatedTerm ?term .")
    expected["notes-per-category"] = counts(loaded_store, f"""SELECT ?k
        (COUNT(DISTINCT ?note) AS ?n) WHERE {{ <{notebook}> ckg:hasMembership ?m .
        ?m ckg:member ?note ; ckg:category ?k }} GROUP BY ?k""")
    del expected["notes-per-notebook"]
    found = {c.name: c.numbers for c in charts.charts(loaded_store, ids, "notebook", NOTEBOOK,
                                                       "en")}
    assert found == expected and found["notes-per-category"]
    community = thing("community", "animation-communaute-de-pratique")
    of_community = f"""{{ ?note ckg:linkedCommunity <{community}> ; a ckg:GeneralNote }}
        UNION {{ ?nb ckg:linkedCommunity <{community}> ; ckg:hasMembership/ckg:member ?note }}"""
    expected = expected_charts(loaded_store, of_community,
                               of_community + " ?note ckg:relatedTerm ?term .")
    found = {c.name: c.numbers for c in charts.charts(
        loaded_store, ids, "community", "animation-communaute-de-pratique", "fr")}
    assert {k: v for k, v in found.items() if k in expected} == expected
    assert found["notes-per-notebook"] == {notebook: 5}


def numbers_of(name: str, rows: list[dict]) -> dict:
    """What a chart should show, from the rows of the query it links to."""
    if name == "mapped-terms":
        found = {str(r["mapped"]): int(r["count"]) for r in rows}
        return {"mapped": found.get("true", 0), "unmapped": found.get("false", 0)}
    if name == "activity":
        months: dict[str, list[int]] = {}
        for r in rows:
            pair = months.setdefault(str(r["month"]), [0, 0])
            pair[0 if str(r["series"]) == "issued" else 1] = int(r["count"])
        return {month: tuple(pair) for month, pair in months.items()}
    return {str(r["item"]): int(r["count"]) for r in rows}


def test_each_chart_links_the_query_of_its_numbers(loaded_store, settings):
    ids = Identifiers(settings.base)
    for kind, key in ((None, None), ("notebook", NOTEBOOK), ("community", "passerelles")):
        for chart in charts.charts(loaded_store, ids, kind, key, "fr"):
            query = parse_qs(urlparse(chart.query_href).query)
            assert query["format"] == ["json"]
            rows = loaded_store.query(query["query"][0]).rows  # no binding: all in the text
            assert numbers_of(chart.name, rows) == chart.numbers, (kind, chart.name)
            assert chart.numbers


def test_a_chart_link_runs_on_the_endpoint(client):
    page = page_html(client, f"/doc/notebook/{NOTEBOOK}")
    href = html.unescape(re.search(r'class="chart-query" href="([^"]+)"', page).group(1))
    response = client.get(href)
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    rows = response.get_json()["results"]["bindings"]
    assert {int(r["count"]["value"]) for r in rows} == {3, 2}  # per category: 3 and 2 notes


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_charts_are_svg_named_in_both_languages(client, lang):
    page = page_html(client, f"/?lang={lang}", lang)
    figures = re.findall(r'<figure class="chart-figure".*?</figure>', page, re.S)
    assert len(figures) == len(charts.CHARTS["all"])
    for name, figure in zip(charts.CHARTS["all"], figures, strict=True):
        root = svg_root(re.search(r"<svg.*?</svg>", figure, re.S).group(0))
        title = i18n.t(charts.TITLES[name], lang)
        assert root.find(f"{SVG}title").text == title
        assert f'<span class="chart-title">{html.escape(title)}</span>' in figure
        assert root.find(f"{SVG}desc").text


def test_bar_values_are_drawn(loaded_store, settings):
    chart = charts.chart(loaded_store, Identifiers(settings.base), "top-terms", "all", None,
                         "en")
    root = svg_root(chart.svg)
    bars = [g for g in root.iter(f"{SVG}g") if g.get("class") == "bar"]
    assert len(bars) == len(chart.numbers) == 10
    drawn = sorted(int(g.findall(f"{SVG}text")[-1].text) for g in bars)
    assert drawn == sorted(chart.numbers.values())
    widths = [float(g.find(f"{SVG}rect").get("width")) for g in bars]
    assert widths == sorted(widths, reverse=True) and widths[0] == 2 * widths[-1]


def test_activity_and_share_charts_draw_their_numbers():
    activity = svg_root(charts.activity_chart("activity", "T", {"2023-11": (2, 0),
                                                               "2024-01": (1, 3)}, "fr"))
    months = [g.get("data-month") for g in activity.iter(f"{SVG}g") if g.get("data-month")]
    assert months == ["2023-11", "2023-12", "2024-01"]  # the empty month is shown
    heights = {g.get("data-month"): {r.get("class"): float(r.get("height"))
                                      for r in g.iter(f"{SVG}rect")}
               for g in activity.iter(f"{SVG}g") if g.get("data-month")}
    assert heights == {"2023-11": {"issued": 100, "modified": 0},
                       "2023-12": {"issued": 0, "modified": 0},
                       "2024-01": {"issued": 50, "modified": 150}}
    share = svg_root(charts.share_chart("mapped-terms", "T", 1, 3, "en"))
    assert "mapped: 1 (25%)" in share.find(f"{SVG}desc").text
    empty = svg_root(charts.bar_chart("top-terms", "T", [], "fr"))
    assert empty.find(f"{SVG}desc").text == i18n.t("chart_no_data", "fr")


def test_a_popular_neighbour_is_read_up_to_the_cap_and_more_says_at_least(
        settings, loaded_store, monkeypatch):
    # each query of a note's neighbourhood reads at most MAX_NODES + 1 links: with a cap of 2,
    # the note's own links already overflow it, and "more" is then a lower bound
    full = graph_json(create_app(settings, loaded_store).test_client(),
                      "note", "autonomie-du-groupe")
    assert "more" not in full  # the whole neighbourhood fits under the real cap
    monkeypatch.setattr(data, "MAX_NODES", 2)
    body = graph_json(create_app(settings, loaded_store).test_client(),
                      "note", "autonomie-du-groupe")
    assert len(body["nodes"]) == 2 and body["nodes"][0]["focus"]
    assert body["more"]["atLeast"] is True and body["more"]["count"] >= 1
    full_ids = {node["id"] for node in full["nodes"]}
    assert {node["id"] for node in body["nodes"]} <= full_ids
