"""The web skeleton: home page, health, errors; through Flask, a real server and a browser."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from carnet_kg.web import create_app

from .backends import engine_env
from .conftest import BASE
from .requirements import require_program

NOTEBOOK_TITLE = "La communauté de pratique comme stratégie de transfert de connaissances"


@pytest.fixture
def client(settings, loaded_store):
    return create_app(settings, loaded_store).test_client()


def test_home_shows_counts_and_notebooks(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert NOTEBOOK_TITLE in page
    assert "Termes" in page and "<td>10</td>" in page
    assert 'rel="alternate" type="application/json"' in page
    assert "brouillon" not in page.lower()


def test_home_as_json(client):
    data = client.get("/?format=json").get_json()
    assert data["counts"]["ckg:Term"] == 10
    assert data["counts"]["ckg:Notebook"] == 2  # the private notebook is not there
    notebooks = {n["title"]: n for n in data["notebooks"]}
    [notebook] = [n for title, n in notebooks.items() if title.startswith(NOTEBOOK_TITLE)]
    assert notebook["notes"] == 5  # the private draft's membership was dropped
    negotiated = client.get("/", headers={"Accept": "application/json"})
    assert negotiated.get_json() == data


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"


def test_unknown_route_is_a_404_page_or_json(client):
    page = client.get("/nowhere")
    assert page.status_code == 404 and "404" in page.get_data(as_text=True)
    data = client.get("/nowhere", headers={"Accept": "application/json"})
    assert data.status_code == 404 and data.get_json()["status"] == 404


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``carnet-kg serve`` on an empty store, as the README starts it."""
    port = _free_port()
    folder = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "CARNET_KG_STORE": str(folder / "store"),
           **engine_env(folder / "store"), "CARNET_KG_BASE": BASE}
    process = subprocess.Popen(
        [sys.executable, "-m", "carnet_kg.cli", "serve", "--port", str(port)],
        cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/health", timeout=2)
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail("server exited:\n" + process.stdout.read())
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("server did not answer within 60 s")
    yield url
    process.terminate()
    output, _ = process.communicate(timeout=20)
    Path(folder / "server.log").write_text(output)


def test_real_server_loads_the_sample_into_an_empty_store(server):
    with urllib.request.urlopen(server + "/") as response:
        assert response.status == 200
        assert response.headers["Server"] == "carnet-kg"  # waitress, not Flask's dev server
        assert NOTEBOOK_TITLE in response.read().decode("utf-8")


def test_home_in_a_real_browser(server, tmp_path):
    chromium = require_program("chromium", "apt-get install chromium")
    result = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", server + "/?lang=fr"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "<h1>Base de connaissances</h1>" in dom
    assert NOTEBOOK_TITLE in dom
    assert "<td>10</td>" in dom


def test_security_headers(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in client.get("/sparql", headers={"Accept": "text/html"}).get_data(
        as_text=True)  # the query page has no inline script
