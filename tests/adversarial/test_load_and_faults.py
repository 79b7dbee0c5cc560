"""Load, faults and concurrency against real servers.

- A bounded load test: 8 client threads mixing SPARQL queries, page views, harvests and
  authenticated writes (each writer PUTs its own note in an If-Match chain, the same token in
  title and body) for 400 requests: no 5xx, no lost or duplicated write (every accepted
  revision is in the history exactly once), every read consistent (title and body of a note
  always from the same write).
- A runaway query (cartesian product) does not slow simple queries beyond twice their p99.
- kill -9 of the server in the middle of a large PUT (a notebook of many memberships),
  several times: the store opens afterwards (``carnet-kg stats``) and holds the state before
  or the state after, never a mix, with a history that matches.
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
import urllib.parse
from collections import Counter

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from carnet_kg.config import Settings
from carnet_kg.store import open_store

from ..backends import engine_settings
from ..conftest import BASE, PREFIXES
from .support import (
    ALICE_TOKEN,
    PLATFORM_TOKEN,
    TOKENS,
    Server,
    detail,
    fetch,
    problems,
    record,
    server,
)

CKG = "https://w3id.org/carnet-kg/ontology#"
THREADS, REQUESTS_PER_THREAD = 8, 50
TOKEN_IN_TEXT = re.compile(r"W(\d+)-(\d+)")


def note(key: str, mark: str) -> str:
    return PREFIXES + f"""
<id/note/{key}> a ckg:GeneralNote ;
    dcterms:title "Charge {mark}"@fr ;
    ckg:body "Corps de la charge {mark}, écrit d'un seul tenant."@fr ;
    ckg:visibility ckg:Public ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-02T10:00:00Z"^^xsd:dateTime ;
    ckg:relatedTerm <id/term/autonomie> .
"""


# ---- the load test ------------------------------------------------------------------------------

@pytest.fixture
def busy(tmp_path):
    folder = tmp_path
    with server(folder, {"CARNET_KG_WRITE_TOKENS": TOKENS, "CARNET_KG_QUERY_WORKERS": "4",
                         "CARNET_KG_CLIENT_QUERY_LIMIT": "8", "CARNET_KG_OAI_PAGE_SIZE": "10",
                         "CARNET_KG_QUERY_TIMEOUT": "10"}) as running:
        yield running


class Client(threading.Thread):
    def __init__(self, url: str, number: int, outcome: dict) -> None:
        super().__init__(daemon=True)
        self.url, self.number, self.outcome = url, number, outcome
        self.rng = random.Random(1000 + number)
        self.key = f"charge-{number}"
        self.token = (ALICE_TOKEN, PLATFORM_TOKEN)[number % 2]
        self.revision = 0
        self.accepted: list[tuple[int, str]] = []  # (revision, mark)
        self.statuses: Counter = Counter()
        self.errors: list[str] = []
        self.inconsistent: list[str] = []

    def request(self, method, path, body=None, headers=None):
        try:
            reply = fetch(self.url + path, method, body, headers, timeout=60)
        except OSError as error:
            self.errors.append(f"{method} {path}: {error!r}")
            self.statuses["error"] += 1
            return None
        self.statuses[reply.status] += 1
        self.errors += problems(reply.status, reply.body, f"{method} {path}")
        return reply

    def write(self, sequence: int) -> None:
        mark = f"W{self.number}-{sequence}"
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "text/turtle"}
        if self.revision:
            headers["If-Match"] = f'"r{self.revision}-chain"'
        else:
            headers["If-None-Match"] = "*"
        reply = self.request("PUT", f"/doc/note/{self.key}", note(self.key, mark), headers)
        if reply is None:
            return
        if reply.status in (200, 201):
            found = re.search(r'"r(\d+)-', reply.header("ETag") or "")
            if not found:
                self.errors.append(f"PUT {self.key}: no ETag in a {reply.status}")
                return
            self.revision = int(found.group(1))
            self.accepted.append((self.revision, mark))
        else:
            self.errors.append(f"PUT {self.key} ({mark}): {reply.status} {reply.text[:200]}")

    def read_note(self) -> None:
        other = self.rng.randrange(THREADS)
        reply = self.request("GET", f"/doc/note/charge-{other}.ttl")
        if reply is None or reply.status != 200:
            return  # not written yet (404) is fine
        graph = Graph().parse(data=reply.text, format="turtle")
        thing = URIRef(f"{BASE}id/note/charge-{other}")
        titles = [str(t) for t in graph.objects(thing, DCTERMS.title)]
        bodies = [str(b) for b in graph.objects(thing, URIRef(CKG + "body"))]
        marks = {m.group(0) for text in titles + bodies for m in TOKEN_IN_TEXT.finditer(text)}
        if len(titles) != 1 or len(bodies) != 1 or len(marks) != 1:
            self.inconsistent.append(f"charge-{other}: titles {titles} bodies {bodies}")

    def run(self) -> None:
        self.write(0)
        for sequence in range(1, REQUESTS_PER_THREAD):
            choice = self.rng.random()
            if choice < 0.25:
                self.write(sequence)
            elif choice < 0.45:
                query = (f"SELECT ?n ?t WHERE {{ ?n <{DCTERMS.title}> ?t }} "
                         f"# {self.number}-{sequence}")
                self.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
            elif choice < 0.65:
                self.read_note()
            elif choice < 0.75:
                page = self.rng.choice(["/doc/note/autonomie-du-groupe", "/lexicon", "/",
                                        f"/doc/note/charge-{self.rng.randrange(THREADS)}",
                                        "/search?q=charge", "/notebooks"])
                self.request("GET", page, headers={"Accept": "text/html"})
            elif choice < 0.9:
                self.request("GET", "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc")
            else:
                self.request("GET", self.rng.choice(["/changes", "/changes/0",
                                                     "/search?q=charge&format=json",
                                                     "/sitemap.xml", "/.well-known/void"]))
        self.outcome[self.number] = self


def test_load_mixed_clients_no_5xx_no_lost_write_consistent_reads(busy):
    outcome: dict[int, Client] = {}
    clients = [Client(busy.url, n, outcome) for n in range(THREADS)]
    started = time.monotonic()
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=240)
    elapsed = time.monotonic() - started
    assert len(outcome) == THREADS, "a client thread did not finish"
    statuses = sum((c.statuses for c in clients), Counter())
    total = sum(statuses.values())
    server_errors = sum(n for s, n in statuses.items() if isinstance(s, int) and s >= 500)
    accepted = sum(len(c.accepted) for c in clients)
    record("load requests", total)
    record("load writes accepted", accepted)
    lost, duplicated = [], []
    for client in clients:
        history = Graph().parse(data=fetch(
            busy.url + f"/doc/note/{client.key}/revisions.ttl").text, format="turtle")
        numbers = Counter(int(n) for n in history.objects(None, URIRef(CKG + "revisionNumber")))
        duplicated += [f"{client.key} r{n} x{k}" for n, k in numbers.items() if k > 1]
        mine = [revision for revision, _ in client.accepted]
        lost += [f"{client.key} r{r}" for r in mine if numbers[r] != 1]
        if len(set(mine)) != len(mine) or sorted(numbers) != sorted(mine):
            lost.append(f"{client.key}: accepted {mine} vs history {sorted(numbers)}")
        last_mark = client.accepted[-1][1]
        current = fetch(busy.url + f"/doc/note/{client.key}.ttl").text
        if f"Charge {last_mark}\"" not in current:
            lost.append(f"{client.key}: the last accepted write {last_mark} is not current")
    errors = [e for c in clients for e in c.errors]
    inconsistent = [i for c in clients for i in c.inconsistent]
    print(f"load: {total} requests by {THREADS} clients in {elapsed:.1f} s, statuses "
          f"{dict(statuses)}, {accepted} writes accepted, {len(lost)} lost, "
          f"{len(duplicated)} duplicated, {len(inconsistent)} inconsistent reads, "
          f"{server_errors} 5xx")
    detail("load", f"{total} requests, {THREADS} clients, {elapsed:.1f} s, statuses "
                   f"{dict(statuses)}, {accepted} writes accepted, {len(lost)} lost, "
                   f"{len(duplicated)} duplicated, {len(inconsistent)} inconsistent reads")
    assert total >= THREADS * REQUESTS_PER_THREAD
    assert server_errors == 0 and not errors, errors[:10]
    assert not lost and not duplicated, (lost, duplicated)
    assert not inconsistent, inconsistent[:10]
    assert accepted >= THREADS * 5


# ---- a runaway query and the others' p99 ---------------------------------------------------------

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SAMPLES = 400


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def _simple(url: str, label: str, count: int, while_=lambda: True) -> list[float]:
    times = []
    for number in range(count):
        if not while_():
            break
        query = f"SELECT ?t WHERE {{ ?t a <{CKG}Term> }} ORDER BY ?t # {label}-{number}"
        reply = fetch(url + "/sparql?" + urllib.parse.urlencode({"query": query}))
        assert reply.status == 200, reply.text[:200]
        times.append(reply.elapsed)
    return times


def _attempt(url: str, number: int) -> tuple[bool, str]:
    before = _simple(url, f"before-{number}", SAMPLES)
    outcome = {}
    runaway = threading.Thread(target=lambda: outcome.update(reply=fetch(
        url + "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}), timeout=60)))
    runaway.start()
    time.sleep(0.3)
    # as many as fit while the runaway runs (a busy machine fits fewer), at least 50
    during = _simple(url, f"during-{number}", SAMPLES, runaway.is_alive)
    runaway.join(timeout=60)
    after = _simple(url, f"after-{number}", SAMPLES)
    assert len(during) >= 50, f"only {len(during)} queries ran while the runaway did"
    assert outcome["reply"].status == 503 and b"timed out" in outcome["reply"].body
    normal, during_p99 = max(_p99(before), _p99(after)), _p99(during)
    summary = (f"attempt {number}: simple queries p99 {_p99(before) * 1000:.1f} / "
               f"{_p99(after) * 1000:.1f} ms alone (before / after), {during_p99 * 1000:.1f} "
               f"ms with a runaway in flight; medians {sorted(before)[SAMPLES // 2] * 1000:.1f}"
               f" / {sorted(during)[len(during) // 2] * 1000:.1f} ms ({len(during)} during)")
    # twice the normal p99; "normal" is at least 3 ms (below that, a shared machine's scheduler
    # jitter alone moves a p99; a runaway holding the others back would cost seconds)
    return during_p99 <= 2 * max(normal, 0.003), summary


def test_a_runaway_query_does_not_slow_the_others_beyond_twice_their_p99(tmp_path):
    """Simple queries are timed alone (before and after) and while a runaway holds a worker;
    "normal" is the worse of the two lone runs. Up to three attempts: a slowdown the runaway
    causes shows in each of them, a burst of the machine's own load does not."""
    summaries = []
    with server(tmp_path, {"CARNET_KG_QUERY_TIMEOUT": "3", "CARNET_KG_QUERY_WORKERS": "3"}) \
            as running:
        _simple(running.url, "warm", 20)
        for number in range(1, 4):
            ok, summary = _attempt(running.url, number)
            summaries.append(summary)
            detail("runaway p99", summary)
            if ok:
                break
    record("runaway p99 checks", len(summaries))
    print(*summaries, sep="\n")
    assert ok, "\n".join(summaries)


# ---- kill -9 during a PUT -----------------------------------------------------------------------

MEMBERS = 1000
# when to kill: a delay after the PUT is sent (during parsing and validation), or after the
# write's transaction begins (seen as the history file changing: its rows are written just
# before the store's transaction, unconfirmed, and confirmed after it)
KILLS = (("sent", 0.4), ("transaction", 0.0), ("transaction", 0.05), ("transaction", 0.1),
         ("transaction", 0.13))


def _notes() -> str:
    return PREFIXES + "".join(f"""
<id/note/m{i}> a ckg:GeneralNote ; dcterms:title "Membre {i}"@fr ; ckg:visibility ckg:Public ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-02T10:00:00Z"^^xsd:dateTime .""" for i in range(MEMBERS))


def _notebook(tag: str) -> str:
    members = " , ".join(f"<id/notebook/gros#m-{i}>" for i in range(MEMBERS))
    text = PREFIXES + f"""
<id/notebook/gros> a ckg:Notebook ; dcterms:title "Gros carnet {tag}"@fr ;
    ckg:visibility ckg:Public ; dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    ckg:hasMembership {members} .
"""
    return text + "".join(
        f'<id/notebook/gros#m-{i}> a ckg:Membership ; ckg:member <id/note/m{i}> ; '
        f'ckg:position {i + 1} ; ckg:sectionNumber "{tag}-{i}" .\n' for i in range(MEMBERS))


def _state(folder) -> tuple[str, str]:
    """(the version the store holds: A or B, or a description of the mix) and the history's
    verdict, read from the store itself once no server runs."""
    settings = Settings(base=BASE, store=str(folder / "store"),
                        **engine_settings(folder / "store"))
    store = open_store(settings)  # settles what a crash left in the history
    try:
        document = URIRef(BASE + "doc/notebook/gros")
        rows = store.query(
            f"SELECT ?t (COUNT(?m) AS ?n) (SUM(IF(STRSTARTS(?s, 'A-'), 1, 0)) AS ?a) "
            f"(SUM(IF(STRSTARTS(?s, 'B-'), 1, 0)) AS ?b) WHERE {{ GRAPH <{document}> {{ "
            f"<{BASE}id/notebook/gros> <{DCTERMS.title}> ?t ; <{CKG}hasMembership> ?m . "
            f"?m <{CKG}sectionNumber> ?s }} }} GROUP BY ?t").rows
        if len(rows) != 1:
            return f"mix: {len(rows)} titles", ""
        title = str(rows[0]["t"])
        counts = (int(rows[0]["n"]), int(rows[0]["a"]), int(rows[0]["b"]))
        tag = title.rsplit(" ", 1)[-1]
        expected = (MEMBERS, MEMBERS, 0) if tag == "A" else (MEMBERS, 0, MEMBERS)
        if counts != expected:
            return f"mix: title {title!r}, memberships (all, A, B) = {counts}", ""
        state = next(iter(store.graph_states([document]).values()))
        history = store.history.revisions(str(document))
        numbers = [r.revision for r in history]
        verdict = "ok"
        if numbers != list(range(1, state.revision + 1)):
            verdict = f"history {numbers} vs revision {state.revision}"
        else:
            last = store.history.revision(str(document), state.revision)
            if last is None or last.ntriples is None or f"Gros carnet {tag}" not in last.ntriples:
                verdict = "the history's last revision is not the stored version"
        return tag, verdict
    finally:
        store.close()


def _history_files(folder) -> dict[str, tuple[int, int]]:
    found = {}
    for path in folder.glob("store.history.sqlite*"):
        try:
            info = path.stat()
        except FileNotFoundError:
            continue
        found[path.name] = (info.st_mtime_ns, info.st_size)
    return found


def _wait_for_transaction(folder, before: dict, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if _history_files(folder) != before:
            return True
        time.sleep(0.002)
    return False


def test_kill_9_during_a_large_put_leaves_before_or_after(tmp_path):
    (tmp_path / "notes.ttl").write_text(_notes(), encoding="utf-8")
    (tmp_path / "gros-A.ttl").write_text(_notebook("A"), encoding="utf-8")
    bodies = {tag: _notebook(tag) for tag in "AB"}
    running = Server(tmp_path, {"CARNET_KG_WRITE_TOKENS": TOKENS},
                     load=[str(tmp_path / "notes.ttl"), str(tmp_path / "gros-A.ttl")])
    headers = {"Authorization": f"Bearer {ALICE_TOKEN}", "Content-Type": "text/turtle"}
    outcomes: list[str] = []
    try:
        running.start()
        current, started = "A", time.monotonic()
        for mode, amount in KILLS:
            wanted = "A" if current == "B" else "B"
            etag = fetch(running.url + "/doc/notebook/gros.ttl").header("ETag")
            answer: dict = {}
            files = _history_files(tmp_path)

            def put(body=bodies[wanted], etag=etag, answer=answer):
                try:
                    answer["reply"] = fetch(running.url + "/doc/notebook/gros", "PUT", body,
                                            {**headers, "If-Match": etag}, timeout=300)
                except (OSError, http.client.HTTPException) as error:  # killed mid-answer
                    answer["error"] = repr(error)

            writer = threading.Thread(target=put, daemon=True)
            writer.start()
            if mode == "sent":
                time.sleep(amount)
                when = f"{amount:.2f} s after the PUT was sent"
            else:
                seen = _wait_for_transaction(tmp_path, files, time.monotonic() + 120)
                time.sleep(amount)
                when = (f"{amount:.2f} s after its transaction began" if seen else
                        "(the transaction was not seen beginning)")
            answered = "reply" in answer
            running.kill9()
            writer.join(timeout=30)
            stats = running.cli("stats")
            assert stats.returncode == 0, f"the store does not open: {stats.stderr}"
            tag, verdict = _state(tmp_path)
            outcome = ("before" if tag == current else "after" if tag == wanted
                       else tag) + (" (answered before the kill)" if answered else "")
            outcomes.append(f"kill {when}: {outcome}; history {verdict}")
            detail("kill -9 during a PUT", outcomes[-1])
            record("kill tests")
            record(f"kill outcome: {outcome.split(' ')[0]}")
            assert tag in ("A", "B"), outcomes[-1]
            assert verdict == "ok", outcomes[-1]
            current = tag
            running.start()
            reply = fetch(running.url + "/doc/notebook/gros.ttl")
            assert reply.status == 200 and f"Gros carnet {current}" in reply.text
    finally:
        running.stop()
        print(f"kill -9 during a PUT of {MEMBERS} memberships "
              f"({time.monotonic() - started:.0f} s):", *outcomes, sep="\n  ")
    assert len(outcomes) == len(KILLS)
