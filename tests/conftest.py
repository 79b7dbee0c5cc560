"""Shared fixtures: settings for a throw-away store, the sample data, small data helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from carnet_kg import pipeline
from carnet_kg.config import PROJECT_ROOT, Settings
from carnet_kg.store import open_store

from . import backends

BASE = "https://example.org/kb/"
SAMPLE = PROJECT_ROOT / "data"

# Non-public resources of the sample (see data/README.md): they must never be published.
PRIVATE_KEYS = [
    "id/note/brouillon-questions-autonomie",
    "id/note/pistes-animation-autonomie",
    "id/note/plan-carnet-de-travail",
    "id/notebook/carnet-de-travail-autonomie",
    "id/category/travail-en-cours",
]

PREFIXES = """\
@prefix ckg: <https://w3id.org/carnet-kg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(base=BASE, store=str(tmp_path / "store"),
                    **backends.engine_settings(tmp_path / "store"))


@pytest.fixture(autouse=True, scope="session")
def _engines_of_session():
    """Remote backend: stop every engine still running when the session ends."""
    yield
    backends.stop_since(set())


@pytest.fixture(autouse=True, scope="module")
def _engines_of_module():
    before = backends.started()
    yield
    backends.stop_since(before)


@pytest.fixture(autouse=True)
def _engines_of_test():
    before = backends.started()
    yield
    backends.stop_since(before)


@pytest.fixture
def store(settings: Settings):
    opened = open_store(settings)
    yield opened
    opened.close()


@pytest.fixture
def loaded_store(settings: Settings, store):
    pipeline.load([SAMPLE], settings, store)
    return store


def public_note(key: str, title: str = "Une note", extra: str = "") -> str:
    """A valid public note in Turtle (without prefixes)."""
    return f"""
<id/note/{key}> a ckg:GeneralNote ;
    dcterms:title "{title}"@fr ;
    ckg:visibility ckg:Public ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-02T10:00:00Z"^^xsd:dateTime {extra} .
"""


def write(path: Path, body: str) -> Path:
    path.write_text(PREFIXES + body, encoding="utf-8")
    return path


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (never a browser Playwright downloads)."""
    from .requirements import require_program

    chromium = require_program("chromium", "apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def pytest_report_header() -> str:
    return (f"carnet-kg store backend: {backends.BACKEND}"
            + (" (a real oxigraph serve per store folder)" if backends.REMOTE else ""))
