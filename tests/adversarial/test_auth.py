"""The authentication matrix: every write route (PUT / DELETE /doc/…, PUT / POST / DELETE
/store, SPARQL Update by POST /sparql) × every kind of bad credentials (none, wrong, another
case, a prefix, an extension, "Bearer" alone, Basic, the token's name…) answers 401 or 403 and
changes nothing (the published quads, the change feed and a document's ETag, compared before
and after); and no token ever shows in an answer or in the server's log."""

from __future__ import annotations

import base64
import json
import urllib.parse

import pytest

from carnet_kg import pipeline
from carnet_kg.config import Settings
from carnet_kg.store import open_store
from carnet_kg.web import create_app

from ..backends import engine_settings
from ..conftest import BASE, PREFIXES, SAMPLE, public_note
from .support import (
    ALICE_TOKEN,
    PLATFORM_TOKEN,
    SECRETS,
    TOKENS,
    fetch,
    record,
    sample_and_canaries,
    server,
    triple_fingerprint,
)

NOTE_DOC = BASE + "doc/note/autonomie-du-groupe"
SSSOM_GRAPH = BASE + "graph/source/mappings.sssom.tsv"
NOTE_TTL = PREFIXES + public_note("autonomie-du-groupe", "Réécrite")
NEW_TTL = PREFIXES + public_note("intruse", "Intruse")
EXTERNAL = '<http://x.example/s> <http://www.w3.org/2000/01/rdf-schema#label> "intrus" .'
UPDATE = (f'INSERT DATA {{ <{BASE}id/note/autonomie-du-groupe> '
          '<http://purl.org/dc/terms/description> "intrus"@fr }')

# (method, path, body, content type, extra headers)
WRITES = [
    ("PUT", "/doc/note/autonomie-du-groupe", NOTE_TTL, "text/turtle", {"If-Match": "*"}),
    ("PUT", "/doc/note/intruse", NEW_TTL, "text/turtle", {}),
    ("DELETE", "/doc/note/autonomie-du-groupe", None, None, {"If-Match": "*"}),
    ("PUT", "/store?" + urllib.parse.urlencode({"graph": NOTE_DOC}), NOTE_TTL, "text/turtle",
     {"If-Match": "*"}),
    ("PUT", "/store?graph=https%3A%2F%2Fvocab.example.org%2Fg", EXTERNAL,
     "application/n-triples", {}),
    ("POST", "/store?default", NEW_TTL, "text/turtle", {}),
    ("POST", "/store?" + urllib.parse.urlencode({"graph": NOTE_DOC}), NOTE_TTL, "text/turtle",
     {}),
    ("DELETE", "/store?" + urllib.parse.urlencode({"graph": NOTE_DOC}), None, None,
     {"If-Match": "*"}),
    ("DELETE", "/store?" + urllib.parse.urlencode({"graph": SSSOM_GRAPH}), None, None, {}),
    ("POST", "/sparql", UPDATE, "application/sparql-update", {}),
    ("POST", "/sparql", urllib.parse.urlencode({"update": UPDATE}),
     "application/x-www-form-urlencoded", {}),
    ("POST", "/sparql?" + urllib.parse.urlencode({"update": "CLEAR ALL"}), "",
     "application/x-www-form-urlencoded", {}),
]


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


CREDENTIALS = {
    "none": None,
    "wrong token": "Bearer not-the-token",
    "upper case": f"Bearer {ALICE_TOKEN.upper()}",
    "swapped case": f"Bearer {ALICE_TOKEN.swapcase()}",
    "lower case": f"Bearer {PLATFORM_TOKEN.lower()}",
    "prefix": f"Bearer {ALICE_TOKEN[:-1]}",
    "short prefix": f"Bearer {ALICE_TOKEN[:6]}",
    "extended": f"Bearer {ALICE_TOKEN}x",
    "two tokens": f"Bearer {ALICE_TOKEN[:10]}{PLATFORM_TOKEN[10:]}",
    "Bearer alone": "Bearer",
    "Bearer and spaces": "Bearer    ",
    "no scheme": ALICE_TOKEN,
    "Basic with the token": _basic("alice", ALICE_TOKEN),
    "Basic token as user": _basic(ALICE_TOKEN, ""),
    "the token's name": "Bearer alice",
    "name:token": f"Bearer alice:{ALICE_TOKEN}",
    "other scheme": f"Token {ALICE_TOKEN}",
    "empty": "",
    "latin-1": "Bearer tökén",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("auth")
    with server(folder, {"CARNET_KG_WRITE_TOKENS": TOKENS, "CARNET_KG_UPDATE_TIMEOUT": "10"},
                load=sample_and_canaries(folder)) as running:
        yield running


def state(url: str) -> tuple:
    reply = fetch(url + "/doc/note/autonomie-du-groupe.ttl")
    changes = json.loads(fetch(url + "/changes").body)["totalItems"]
    return triple_fingerprint(url), changes, reply.header("ETag")


def test_every_write_route_refuses_every_bad_credential_and_changes_nothing(site):
    before = state(site.url)
    refused, changed, wrong_status, echoes = 0, [], [], []
    for method, path, body, content_type, extra in WRITES:
        for name, credential in CREDENTIALS.items():
            headers = dict(extra)
            if content_type:
                headers["Content-Type"] = content_type
            if credential is not None:
                headers["Authorization"] = credential
            for accept in ("text/plain", "application/json"):
                headers["Accept"] = accept
                reply = fetch(site.url + path, method, body, headers)
                record("auth probes")
                if reply.status not in (401, 403):
                    wrong_status.append(f"{method} {path[:60]} [{name}]: {reply.status} "
                                        f"{reply.text[:120]}")
                else:
                    refused += 1
                if name in ("none", "Bearer alone", "Bearer and spaces", "empty") and \
                        reply.status != 401:
                    wrong_status.append(f"{method} {path[:60]} [{name}]: {reply.status}, "
                                        "401 expected")
                if reply.status == 401 and "Bearer" not in (reply.header(
                        "WWW-Authenticate") or ""):
                    wrong_status.append(f"{method} {path[:60]} [{name}]: 401 without "
                                        "WWW-Authenticate: Bearer")
                seen = "\n".join(f"{k}: {v}" for k, v in reply.headers.items()) + reply.text
                echoes += [f"{method} {path[:60]} [{name}]" for secret in SECRETS
                           if secret in seen or secret[:12] in seen]
        after = state(site.url)
        if after != before:
            changed.append(f"{method} {path}: the store changed")
            before = after
    record("auth changes seen", len(changed))
    record("token echoes", len(echoes))
    print(f"auth matrix: {len(WRITES)} routes x {len(CREDENTIALS)} credentials x 2, "
          f"{refused} refused, {len(changed)} change(s), {len(echoes)} echo(es)")
    assert not changed, changed
    assert not wrong_status, "\n".join(wrong_status[:30])
    assert not echoes, echoes[:10]


def test_a_valid_token_does_write_and_is_never_echoed_nor_logged(site):
    """The matrix can fail: the same requests with the right token are accepted; and no answer,
    good or bad, nor the server's log ever holds a token."""
    before = state(site.url)
    answers = []
    ok = fetch(site.url + "/doc/note/intruse", "PUT", NEW_TTL,
               {"Authorization": f"Bearer {PLATFORM_TOKEN}", "Content-Type": "text/turtle"})
    answers.append(ok)
    assert ok.status == 201, ok.text
    assert state(site.url) != before
    for body, content_type in (("not turtle <<", "text/turtle"),
                               (NEW_TTL.replace("ckg:Public", "ckg:Nope"), "text/turtle"),
                               ("{}", "application/ld+json"), ("x", "application/json")):
        answers.append(fetch(site.url + "/doc/note/autre", "PUT", body, {
            "Authorization": f"Bearer {ALICE_TOKEN}", "Content-Type": content_type,
            "Accept": "text/turtle"}))
    answers.append(fetch(site.url + "/sparql", "POST", "INSERT DATA { <x> <y> <z> . ", {
        "Authorization": f"Bearer {ALICE_TOKEN}", "Content-Type": "application/sparql-update"}))
    answers.append(fetch(site.url + "/sparql", "POST", "CLEAR GRAPH <http://x.example/none>", {
        "Authorization": f"Bearer {ALICE_TOKEN}", "Content-Type": "application/sparql-update"}))
    history = fetch(site.url + "/doc/note/intruse/revisions")
    answers += [history, fetch(site.url + "/doc/note/intruse/revisions.ttl"),
                fetch(site.url + "/doc/note/intruse", headers={"Accept": "text/html"})]
    assert "platform" in history.text  # the token's name attributes the change, not the token
    for reply in answers:
        seen = "\n".join(f"{k}: {v}" for k, v in reply.headers.items()) + reply.text
        for secret in SECRETS:
            assert secret not in seen and secret[:12] not in seen, reply.text[:300]
    log = site.log()
    for secret in SECRETS:
        assert secret not in log and secret[:12] not in log, "a token is in the server's log"
    record("auth probes", len(answers))


def test_without_configured_tokens_every_write_is_403(tmp_path):
    settings = Settings(base=BASE, store=str(tmp_path / "store"),
                        **engine_settings(tmp_path / "store"), query_workers=1)
    store = open_store(settings)
    pipeline.load([SAMPLE], settings, store)
    app = create_app(settings, store)
    client = app.test_client()
    try:
        version = store.version()
        for method, path, body, content_type, extra in WRITES:
            for credential in (None, f"Bearer {ALICE_TOKEN}", "Bearer "):
                headers = dict(extra)
                if content_type:
                    headers["Content-Type"] = content_type
                if credential:
                    headers["Authorization"] = credential
                response = client.open(path, method=method, data=body, headers=headers)
                record("auth probes")
                assert response.status_code == 403, (method, path, response.status_code)
        assert store.version() == version
    finally:
        app.extensions["carnet_kg.executor"].close()
        store.close()


def test_sample_and_canaries_fixture_is_not_writable_by_guessing(site):
    """The token names alone (alice, platform, write-token) are not tokens."""
    for guess in ("alice", "platform", "write-token", "secret", "token", "admin", "carnet-kg"):
        reply = fetch(site.url + "/doc/note/intruse2", "PUT", NEW_TTL,
                      {"Authorization": f"Bearer {guess}", "Content-Type": "text/turtle"})
        record("auth probes")
        assert reply.status == 403

