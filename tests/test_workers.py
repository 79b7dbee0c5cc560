"""Several web workers on one remote engine: gunicorn with 3 worker processes serving
``carnet_kg.wsgi:create()``, clients writing through all of them at once. Writes are
serialised across processes (the store's write lock): no write lost, no revision or store
version given twice, optimistic concurrency holds across workers, and every worker sees
the others' writes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from carnet_kg.config import Settings
from carnet_kg.store import open_store

from .backends import engine_for, free_port, wait_until_up
from .conftest import BASE, PREFIXES, SAMPLE, public_note
from .servers import carnet, http

TOKEN = "workers-secret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}


def _gunicorn(folder: Path, env: dict[str, str], workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = (folder / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "--threads", "4",
         "-b", f"127.0.0.1:{port}", "carnet_kg.wsgi:create()"],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/health", process, 90, lambda: "gunicorn did not start:\n"
                  + (log.flush() or (folder / "gunicorn.log").read_text()))
    return process, url


def test_three_workers_write_through_one_engine_without_losing_anything(tmp_path):
    engine = engine_for(tmp_path / "store")
    env = {**os.environ, "CARNET_KG_STORE": str(tmp_path / "store"), "CARNET_KG_BASE": BASE,
           "CARNET_KG_CONFIG": "", "CARNET_KG_WRITE_TOKEN": TOKEN, "CARNET_KG_QUERY_CACHE_BYTES":
           "0", **{f"CARNET_KG_{k.upper()}": v for k, v in engine.items()}}
    loaded = carnet(tmp_path, env, "load", str(SAMPLE))
    assert loaded.returncode == 0, loaded.stderr
    process, url = _gunicorn(tmp_path, env, workers=3)
    statuses: Counter[int] = Counter()
    contested: list[int] = []
    try:
        def create(number: int) -> None:
            body = PREFIXES + public_note(f"w{number}", f"Note {number}")
            status, _, _ = http(f"{url}/doc/note/w{number}", "PUT",
                                    body.replace("<id/note/", f"<{BASE}id/note/"), **AUTH)
            statuses[status] += 1

        threads = [threading.Thread(target=create, args=(n,)) for n in range(24)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert statuses == Counter({201: 24})

        # 8 editors holding the same ETag: exactly one wins, whichever worker serves each
        _, headers, _ = http(f"{url}/doc/note/w0.ttl")
        seen = headers["ETag"]

        def edit(number: int) -> None:
            body = PREFIXES + public_note("w0", f"Édition {number}")
            status, _, _ = http(f"{url}/doc/note/w0", "PUT",
                                    body.replace("<id/note/", f"<{BASE}id/note/"),
                                    **AUTH, **{"If-Match": seen})
            contested.append(status)

        threads = [threading.Thread(target=edit, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert sorted(contested) == [200] + [412] * 7

        # every worker sees every note (many requests spread over the 3 workers)
        time.sleep(1.2)  # a worker re-reads the store's version at most every second
        for _ in range(12):
            status, _, text = http(f"{url}/doc/note/w23.ttl")
            assert status == 200 and "Note 23" in text
    finally:
        process.terminate()
        process.wait(timeout=30)

    settings = Settings(base=BASE, store=str(tmp_path / "store"), **engine)
    store = open_store(settings)
    try:
        history = list(store.history.all())
        created = [r for r in history if "/doc/note/w" in r.graph]
        assert len(created) == 24 + 1  # 24 creations, 1 winning edit
        numbers = Counter((r.graph, r.revision) for r in history)
        assert max(numbers.values()) == 1  # no revision given twice
        # one store version per write, none given twice: 1 for the load + 25
        assert store.version() == 1 + 25
    finally:
        store.close()
