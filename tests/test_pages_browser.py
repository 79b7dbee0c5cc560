"""The pages in a real browser: home, a note, a term, a notebook and search open without a
console error, in French and in English; screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest

from carnet_kg.config import PROJECT_ROOT

from .servers import running_server

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
PAGES = {
    "home": ("/", "h1"),
    "note": ("/doc/note/autonomie-du-groupe", ".body"),
    "term": ("/doc/term/autonomie", "h1"),
    "notebook": ("/doc/notebook/cdp-transfert-connaissances", "ol.toc"),
    "search": ("/search?q=communaute", "ol.hits mark"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("browser-pages")) as url:
        yield url


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_opens_without_console_errors(browser, site, name, lang):
    path, selector = PAGES[name]
    context = browser.new_context(locale=lang, viewport={"width": 1100, "height": 1300})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(site + path, wait_until="networkidle")
    assert response.status == 200
    assert page.locator(selector).count() > 0, f"{selector} missing on {path}"
    assert page.evaluate("document.documentElement.lang") == lang
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}.png"), full_page=True)
    context.close()
    assert errors == []


def test_note_is_readable_on_a_phone(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="fr")
    page = context.new_page()
    page.goto(site + PAGES["note"][0], wait_until="networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.screenshot(path=str(ARTIFACTS / "note-phone.png"), full_page=False)
    context.close()
    assert not overflow, "the note page scrolls sideways on a narrow screen"
