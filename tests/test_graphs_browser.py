"""Relation graphs in a real browser (Debian's chromium, a real server on the sample): the
notebook page draws its graph with Cytoscape, a click on a node opens the node's page, the
legend filters; without JavaScript the SVG and the list of links are there. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import json
import urllib.request

import pytest

from carnet_kg.config import PROJECT_ROOT

from .servers import running_server

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
NOTEBOOK = "/doc/notebook/cdp-transfert-connaissances"
GRAPH = "#relation-graph"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("browser-graphs")) as url:
        yield url


def graph_data(site: str, lang: str) -> dict:
    with urllib.request.urlopen(
            f"{site}/graph/notebook/cdp-transfert-connaissances.json?lang={lang}") as answer:
        return json.load(answer)


def open_page(browser, url: str, javascript: bool = True, lang: str = "fr"):
    context = browser.new_context(locale=lang, java_script_enabled=javascript,
                                  viewport={"width": 1100, "height": 1300})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(url, wait_until="networkidle")
    assert response.status == 200
    return context, page, errors


def test_notebook_graph_draws_its_nodes_and_a_click_opens_a_note(browser, site):
    expected = graph_data(site, "fr")
    context, page, errors = open_page(browser, site + NOTEBOOK)
    page.wait_for_selector(f"{GRAPH}[data-nodes]", timeout=15000)
    assert page.get_attribute(GRAPH, "data-nodes") == str(len(expected["nodes"]))
    assert page.get_attribute(GRAPH, "data-edges") == str(len(expected["edges"]))
    assert page.locator(".graph-fallback").is_hidden()  # the SVG gave way to the canvas
    assert page.locator(f"{GRAPH} canvas").count() > 0
    assert page.locator(".graph-hint").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".relation-graph-section").screenshot(path=str(ARTIFACTS / "graph-notebook.png"))
    # the drawn ids are the JSON's, and a click on a note goes to its page
    drawn = page.evaluate("document.getElementById('relation-graph').cytoscape.nodes()"
                          ".map((n) => n.id())")
    assert sorted(drawn) == sorted(n["id"] for n in expected["nodes"])
    target = next(n for n in expected["nodes"] if n["kind"] == "note" and n["position"] == 3)
    x, y = page.evaluate("""(id) => {
        const graph = document.getElementById('relation-graph');
        const box = graph.querySelector('canvas').getBoundingClientRect();
        const place = graph.cytoscape.getElementById(id).renderedPosition();
        return [box.left + place.x, box.top + place.y]; }""", target["id"])
    with page.expect_navigation():
        page.mouse.click(x, y)
    assert page.url == site + target["href"]
    context.close()
    assert errors == []


def test_legend_filters_categories_and_kinds_of_links(browser, site):
    expected = graph_data(site, "en")
    context, page, errors = open_page(browser, site + NOTEBOOK + "?lang=en", lang="en")
    page.wait_for_selector(f"{GRAPH}[data-nodes]", timeout=15000)
    results = next(c for c in expected["categories"] if c["label"] == "Results")
    in_results = [n for n in expected["nodes"] if n["category"] == results["id"]]
    assert page.get_attribute(GRAPH, "data-visible-nodes") == str(len(expected["nodes"]))
    page.get_by_label("Results", exact=True).uncheck()
    assert page.get_attribute(GRAPH, "data-visible-nodes") == str(
        len(expected["nodes"]) - len(in_results))
    page.get_by_label("Results", exact=True).check()
    terms = [e for e in expected["edges"] if e["kind"] == "relatedTerm"]
    page.get_by_label("related term", exact=True).uncheck()
    assert page.get_attribute(GRAPH, "data-visible-edges") == str(
        len(expected["edges"]) - len(terms))
    page.locator(".relation-graph-section").screenshot(
        path=str(ARTIFACTS / "graph-notebook-filtered-en.png"))
    context.close()
    assert errors == []


def test_without_javascript_the_svg_and_the_links_are_there(browser, site):
    expected = graph_data(site, "fr")
    context, page, _ = open_page(browser, site + NOTEBOOK, javascript=False)
    assert page.locator(f"{GRAPH} svg.graph-svg").is_visible()
    assert page.locator(f"{GRAPH} svg g.node").count() == len(expected["nodes"])
    assert page.locator("details.graph-links li").count() == len(expected["edges"])
    assert page.locator(".graph-legend input").first.is_hidden()  # no filters without script
    page.locator("details.graph-links summary").click()
    assert page.locator("details.graph-links li a").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".relation-graph-section").screenshot(
        path=str(ARTIFACTS / "graph-notebook-no-js.png"))
    # a node of the SVG is a link to its page, with no script at all
    target = next(n for n in expected["nodes"] if n["kind"] == "term")
    with page.expect_navigation():
        page.locator(f'{GRAPH} g.node[data-id="{target["id"]}"]').click()
    assert page.url == site + target["href"]
    context.close()


def test_home_charts_show_in_the_browser(browser, site):
    context, page, errors = open_page(browser, site + "/?lang=en", lang="en")
    figures = page.locator("figure.chart-figure")
    assert figures.count() == 5
    assert page.locator("figure.chart-figure svg title").first.text_content() == \
        "Notes per notebook"
    page.locator("section.charts").screenshot(path=str(ARTIFACTS / "charts-home-en.png"))
    context.close()
    assert errors == []
