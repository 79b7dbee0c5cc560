"""Fixtures of the adversarial suite, and the figures of the run printed at its end."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from carnet_kg import pipeline
from carnet_kg.config import Settings
from carnet_kg.store import open_store
from carnet_kg.web import create_app

from ..backends import engine_settings
from ..conftest import BASE, SAMPLE
from .support import DETAILS, FIGURES, TOKENS, canary_file

# hypothesis keeps its caches in the temporary folder, not in the checkout (the examples
# database is off: settings(database=None) in the tests)
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "carnet-kg-adversarial-hypothesis")

FIGURE_ORDER = ["requests fuzzed", "requests fuzzed (real server)", "leak probes",
                "leaks found", "5xx seen", "tracebacks seen", "outbound probes",
                "outbound requests received", "html pages checked", "header injection probes",
                "limit probes", "load requests", "load writes accepted", "kill tests",
                "auth probes", "auth changes seen", "token echoes"]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not FIGURES and not DETAILS:
        return
    terminalreporter.section("adversarial figures")
    names = [n for n in FIGURE_ORDER if n in FIGURES] + sorted(set(FIGURES) - set(FIGURE_ORDER))
    for name in names:
        terminalreporter.write_line(f"{name:>34}: {FIGURES[name]}")
    terminalreporter.write_line("(5xx seen counts answers, hypothesis's replays of a failing "
                                "example included)")
    for name, lines in sorted(DETAILS.items()):
        terminalreporter.write_line(f"{name}:")
        for line in lines[:40]:
            terminalreporter.write_line(f"    {line}")


@pytest.fixture(scope="module")
def app_store(tmp_path_factory):
    """An in-process store holding the sample and the canaries (for Flask's test client)."""
    folder: Path = tmp_path_factory.mktemp("adversarial-app")
    settings = Settings(base=BASE, store=str(folder / "store"),
                        **engine_settings(folder / "store"), write_tokens=TOKENS,
                        query_workers=2, query_timeout=3, update_timeout=5,
                        max_request_bytes=200_000, client_query_limit=4)
    store = open_store(settings)
    pipeline.load([SAMPLE, canary_file(folder)], settings, store)
    yield settings, store
    store.close()


@pytest.fixture(scope="module")
def client(app_store):
    settings, store = app_store
    app = create_app(settings, store)
    yield app.test_client()
    app.extensions["carnet_kg.executor"].close()
