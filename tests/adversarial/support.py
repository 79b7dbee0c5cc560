"""Shared pieces of the adversarial suite: the canaries, real servers that can be killed, raw
HTTP clients, the leak scanner, the outbound listener and the figures of the run."""

from __future__ import annotations

import base64
import contextlib
import gzip
import http.client
import http.server
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..backends import engine_env
from ..conftest import BASE, PREFIXES, PRIVATE_KEYS
from ..servers import carnet, free_port

# ---- figures of the run (printed by conftest's terminal summary) ---------------------------

FIGURES: Counter = Counter()
DETAILS: dict[str, list[str]] = defaultdict(list)
_figures_lock = threading.Lock()


def record(name: str, amount: int = 1) -> None:
    with _figures_lock:
        FIGURES[name] += amount


def detail(name: str, line: str) -> None:
    with _figures_lock:
        DETAILS[name].append(line)


# ---- tokens and canaries ---------------------------------------------------------------------

ALICE_TOKEN = "Adv-alice-9QmX2v7LpT4kR8wZ"
PLATFORM_TOKEN = "Adv-platform-c3Nf6Hy1Jd5Sb0Ue"
TOKENS = f"alice:{ALICE_TOKEN},platform:{PLATFORM_TOKEN}"
SECRETS = (ALICE_TOKEN, PLATFORM_TOKEN)

MARKER = "CANARY-7f3a9c"  # in every literal of the canaries (upper case: never in an IRI)
KEY = "canary-7f3a9c"  # in every IRI of the canaries (lower case)
PRIVATE_NOTE = BASE + f"id/note/{KEY}-private"
COMMUNITY_NOTE = BASE + f"id/note/{KEY}-community"
PRIVATE_TERM = BASE + f"id/term/{KEY}-term"
PRIVATE_NOTEBOOK = BASE + f"id/notebook/{KEY}-carnet"
PRIVATE_CATEGORY = BASE + f"id/category/{KEY}-cat"
CANARY_IRIS = (PRIVATE_NOTE, COMMUNITY_NOTE, PRIVATE_TERM, PRIVATE_NOTEBOOK, PRIVATE_CATEGORY)
# literal fragments that only the canaries hold (checked even when a probe sends the key)
LITERAL_NEEDLES = (MARKER, "Corps secret", "Corps réservé", "Corps r\\u00e9serv",
                   "Définition CANARY", "Carnet CANARY")
# IRI needles: the canaries' keys and the sample's own non-public resources
IRI_NEEDLES = (KEY, *(key.rsplit("/", 1)[1] for key in PRIVATE_KEYS))
NEEDLES = ("7f3a9c", *LITERAL_NEEDLES, *IRI_NEEDLES)

CANARY_NOTE_BODY = f"""
<id/note/{KEY}-private> a ckg:GeneralNote ;
    dcterms:title "{MARKER} note privée"@fr , "{MARKER} private note"@en ;
    ckg:body "Corps secret {MARKER} : à ne jamais publier."@fr ;
    dcterms:language "fr" ;
    dcterms:creator <id/person/camille-exemple> ;
    ckg:visibility ckg:VISIBILITY ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-03-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-03-02T10:00:00Z"^^xsd:dateTime ;
    ckg:relatedNote <id/note/autonomie-du-groupe> , <id/note/{KEY}-community> ;
    ckg:relatedTerm <id/term/autonomie> , <id/term/{KEY}-term> ;
    ckg:relatedNotebook <id/notebook/pratiques-d-animation> ;
    ckg:linkedCommunity <id/community/passerelles> .
"""

CANARIES = CANARY_NOTE_BODY.replace("VISIBILITY", "Private") + f"""
<id/note/{KEY}-community> a ckg:GeneralNote ;
    dcterms:title "{MARKER} note communautaire"@fr ;
    ckg:body "Corps réservé {MARKER} à la communauté."@fr ;
    dcterms:language "fr" ;
    ckg:visibility ckg:CommunityOnly ;
    ckg:visibleTo <id/community/animation-communaute-de-pratique> ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-03-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-03-02T10:00:00Z"^^xsd:dateTime ;
    ckg:relatedNote <id/note/rituels-de-rencontre> , <id/note/{KEY}-private> ;
    ckg:relatedTerm <id/term/engagement> .

<id/term/{KEY}-term> a ckg:Term, skos:Concept ;
    skos:prefLabel "{MARKER} terme"@fr ;
    skos:altLabel "{MARKER} alt"@fr ;
    skos:definition "Définition {MARKER}."@fr ;
    skos:inScheme <id/lexicon/passerelles> ;
    skos:broader <id/term/autonomie> ;
    ckg:visibility ckg:Private ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-03-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-03-02T10:00:00Z"^^xsd:dateTime .

<id/notebook/{KEY}-carnet> a ckg:Notebook ;
    dcterms:title "{MARKER} carnet"@fr ;
    dcterms:description "Carnet {MARKER}."@fr ;
    ckg:visibility ckg:Private ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    ckg:hasCategory <id/category/{KEY}-cat> ;
    ckg:hasMembership <id/notebook/{KEY}-carnet#m-1> , <id/notebook/{KEY}-carnet#m-2> .

<id/category/{KEY}-cat> a ckg:Category ;
    dcterms:title "{MARKER} catégorie"@fr ;
    ckg:categoryOf <id/notebook/{KEY}-carnet> .

<id/notebook/{KEY}-carnet#m-1> a ckg:Membership ;
    ckg:member <id/note/autonomie-du-groupe> ; ckg:position 1 ;
    ckg:sectionNumber "{MARKER}-1" ; ckg:category <id/category/{KEY}-cat> .
<id/notebook/{KEY}-carnet#m-2> a ckg:Membership ;
    ckg:member <id/note/{KEY}-private> ; ckg:position 2 .

# public resources linking TO the canaries: every one of these links must be dropped
<id/note/rituels-de-rencontre> ckg:relatedNote <id/note/{KEY}-private> ,
        <id/note/{KEY}-community> ;
    ckg:relatedTerm <id/term/{KEY}-term> .
<id/note/partager-l-animation> ckg:relatedNote <id/note/{KEY}-community> .
<id/term/autonomie> skos:narrower <id/term/{KEY}-term> .
<id/notebook/pratiques-d-animation> ckg:hasMembership <id/notebook/pratiques-d-animation#m-c> .
<id/notebook/pratiques-d-animation#m-c> a ckg:Membership ;
    ckg:member <id/note/{KEY}-private> ; ckg:position 3 ; ckg:sectionNumber "3" ;
    ckg:category <id/category/pratiques> .
<id/knowledge-base/exemple-passerelles> ckg:includesNotebook <id/notebook/{KEY}-carnet> .
"""


def canary_file(folder: Path) -> Path:
    path = folder / "extra.ttl"  # a neutral name: source file names are recorded in metadata
    path.write_text(PREFIXES + CANARIES, encoding="utf-8")
    return path


def canary_note(visibility: str) -> str:
    """The private canary note alone (a PUT body), with the visibility given."""
    return PREFIXES + CANARY_NOTE_BODY.replace("VISIBILITY", visibility)


def sample_and_canaries(folder: Path) -> list[str]:
    from ..conftest import SAMPLE

    return [str(SAMPLE), str(canary_file(folder))]


# ---- real servers ------------------------------------------------------------------------------

class Server:
    """``carnet-kg serve`` on its own store, in its own process group (so that a kill -9 of the
    server can be followed by the clean-up of its query workers)."""

    def __init__(self, folder: Path, settings: dict[str, str] | None = None,
                 load: list[str] | None = None) -> None:
        self.folder = folder
        self.env = {**os.environ, "CARNET_KG_STORE": str(folder / "store"),
                    **engine_env(folder / "store"),
                    "CARNET_KG_BASE": BASE, "CARNET_KG_CONFIG": "", **(settings or {})}
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.port = 0
        self.log_path = folder / "server.log"
        self._logs: list = []
        if load:
            loaded = carnet(folder, self.env, "load", *load)
            assert loaded.returncode == 0, loaded.stderr

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return carnet(self.folder, self.env, *args)

    def start(self) -> str:
        self.port = free_port()
        log = self.log_path.open("a")
        self._logs.append(log)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "carnet_kg.cli", "serve", "--port", str(self.port)],
            cwd=self.folder, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                if fetch(self.url + "/health", timeout=2).status == 200:
                    return self.url
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("server did not start:\n" + self.log())
            time.sleep(0.1)

    def log(self) -> str:
        for handle in self._logs:
            handle.flush()
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _reap_group(self) -> None:
        """Kill what is left of this server's process group (its query workers)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self._reap_group()
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)
        self._reap_group()
        self.process = None
        for handle in self._logs:
            handle.close()
        self._logs.clear()


@contextlib.contextmanager
def server(folder: Path, settings: dict[str, str] | None = None,
           load: list[str] | None = None) -> Iterator[Server]:
    running = Server(folder, settings, load)
    running.start()
    try:
        yield running
    finally:
        running.stop()


# ---- HTTP ----------------------------------------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage | dict
    body: bytes
    elapsed: float = 0.0

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name, default)


def fetch(url: str, method: str = "GET", body: bytes | str | None = None,
          headers: dict[str, str] | None = None, timeout: float = 60) -> Reply:
    """One request, the path sent as it is (no quoting, no redirect following)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if isinstance(body, str):
        body = body.encode("utf-8")
    start = time.monotonic()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return Reply(response.status, response.headers, data, time.monotonic() - start)
    finally:
        connection.close()


def raw(url: str, request: bytes, timeout: float = 30) -> Reply:
    """Send ``request`` bytes as they are (control characters, invalid escapes…) and read the
    answer: status, headers (a dict of lists, lower-case names), body."""
    parts = urllib.parse.urlsplit(url)
    start = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    headers: dict[str, list[str]] = defaultdict(list)
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()].append(value.strip())
    if "chunked" in ",".join(headers.get("transfer-encoding", [])):
        body = _dechunk(body)
    return Reply(status, dict(headers), body, time.monotonic() - start)


def _dechunk(body: bytes) -> bytes:
    out, rest = [], body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0], 16)
        except ValueError:
            break
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2:]
    return b"".join(out)


def raw_get(url: str, target: str | bytes, headers: dict[str, str] | None = None) -> Reply:
    parts = urllib.parse.urlsplit(url)
    target = target.encode("latin-1") if isinstance(target, str) else target
    lines = [b"GET " + target + b" HTTP/1.1", f"Host: {parts.netloc}".encode(),
             b"Connection: close"]
    lines += [f"{k}: {v}".encode("latin-1") for k, v in (headers or {}).items()]
    return raw(url, b"\r\n".join(lines) + b"\r\n\r\n")


# ---- is an answer sane: no 5xx, no traceback ---------------------------------------------

TRACEBACK = re.compile(rb"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+")


def problems(status: int, body: bytes, what: str) -> list[str]:
    """Why an answer is not acceptable for any client input: a 5xx (503 of a timeout or a
    busy writer is a designed answer, with a message; a worker that died on a query is not),
    or a Python traceback."""
    found = []
    designed_503 = status == 503 and (b"timed out" in body or b"retry" in body.lower()
                                      or b"ran longer than" in body)
    if status >= 500 and not designed_503:
        found.append(f"{what}: {status} {body[:300]!r}")
        record("5xx seen")
        route = " ".join(part.split("?", 1)[0] for part in what.split()[:2])
        signature = f"{status} {route[:80]}"
        if signature not in DETAILS["distinct 5xx (status, method, route)"]:
            detail("distinct 5xx (status, method, route)", signature)
    if status == 0:
        found.append(f"{what}: no HTTP answer")
    if TRACEBACK.search(body):
        found.append(f"{what}: traceback in the body {body[:300]!r}")
        record("tracebacks seen")
    return found


# ---- the leak scanner ------------------------------------------------------------------------

def expand(body: bytes | str) -> str:
    """The text of an answer, with gzip decompressed and base64 tokens (OAI resumption tokens)
    decoded, so that nothing hides in an encoding."""
    if isinstance(body, bytes):
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        text = body.decode("utf-8", "replace")
    else:
        text = body
    extra = []
    for token in re.findall(r"resumptionToken[^>]*>([A-Za-z0-9_\-=]{8,})<", text):
        with contextlib.suppress(ValueError):
            extra.append(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
                         .decode("utf-8", "replace"))
    text = text + "\n" + "\n".join(extra)
    return text + "\n" + urllib.parse.unquote(text)  # links percent-encoded too


class Scanner:
    """Looks for the canaries (and the sample's private resources) in answers. A needle the
    probe itself sent is not looked for in that answer (it may be echoed); such probes check the
    structure of the answer too (``found``: an empty result, a 404 like a missing key's)."""

    def __init__(self, needles: tuple[str, ...] = NEEDLES) -> None:
        self.needles = needles
        self.probes = 0
        self.leaks: list[tuple[str, str, str]] = []

    def check(self, where: str, body: bytes | str, sent: str = "") -> None:
        self.probes += 1
        record("leak probes")
        text = expand(body)
        looked = 0
        for needle in self.needles:  # case matters: the marker is upper case, IRIs lower case
            if needle in sent:
                continue
            looked += 1
            position = text.find(needle)
            if position >= 0:
                context = text[max(0, position - 80):position + 80].replace("\n", " ")
                self.leaks.append((where, needle, context))
        assert looked, f"{where}: every needle was sent, nothing checked"

    def found(self, where: str, ok: bool, why: str) -> None:
        """A structural check (a count, an empty result): not ok is a leak."""
        self.probes += 1
        record("leak probes")
        if not ok:
            self.leaks.append((where, "structure", why))

    def report(self) -> str:
        return "\n".join(f"  {where}: {needle!r} … {context}"
                         for where, needle, context in self.leaks[:60])


# ---- the outbound listener -------------------------------------------------------------------

class Listener:
    """A local HTTP server that records every connection and request it receives: what the
    server under test must never call."""

    def __init__(self) -> None:
        self.connections = 0
        self.requests: list[str] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def setup(self):
                listener.connections += 1
                super().setup()

            def _any(self):
                listener.requests.append(f"{self.command} {self.path}")
                body = b'{"@context": {}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _any

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def sparql_get(url: str, query: str, accept: str = "application/sparql-results+json",
               **params: str) -> Reply:
    return fetch(url + "/sparql?" + urllib.parse.urlencode({"query": query, **params}),
                 headers={"Accept": accept})


def triple_fingerprint(url: str) -> tuple[int, str]:
    """What the store holds, seen from outside: the number of quads and a digest of the sorted
    N-Quads of ``/store?default`` (every published graph)."""
    import hashlib

    reply = fetch(url + "/store?default", headers={"Accept": "application/n-quads"})
    assert reply.status == 200, reply.text[:300]
    lines = sorted(line for line in reply.text.splitlines() if line.strip())
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()
