"""The query page in a real browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import json

import pytest

from .servers import running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("page")) as url:
        yield url


def test_editor_runs_an_example_query(browser, server):
    page = browser.new_page()
    errors = []  # a Content-Security-Policy violation shows up here
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server + "/sparql", wait_until="networkidle")
    assert page.locator(".yasqe").count() == 1, "the YASGUI editor did not start"
    titles = page.locator("button.example").all_inner_texts()
    assert len(titles) == 5 and any("autonomie" in t for t in titles)
    page.click("button.example[data-name='02-notes-using-a-term']")
    page.wait_for_selector(".yasr table tbody tr", timeout=15000)
    table = page.inner_text(".yasr table")
    assert "partager-l-animation" in table and "autonomie-du-groupe" in table
    assert "ckg:" in page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    page.close()
    assert errors == []


def test_plain_form_works_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/sparql")
    assert page.locator(".yasqe").count() == 0
    page.select_option("#plain-format", "json")
    with page.expect_navigation():
        page.click("form.plain-query button[type=submit]")
    data = json.loads(page.inner_text("body"))
    assert data["head"]["vars"] == ["class", "count"]
    assert data["results"]["bindings"]
    context.close()
