"""A write is applied whole or not at all, even when the process is killed (kill -9) in the
middle of its transaction: the store then holds the state before or after, never a mix, and
the history holds exactly the revisions of the state the store holds."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from carnet_kg.config import Settings
from carnet_kg.store import open_store

from .backends import engine_env, engine_settings
from .conftest import BASE, PREFIXES, public_note

NOTES = 1500


def _batch(path: Path, title: str) -> Path:
    path.write_text(PREFIXES + "".join(public_note(f"n{i}", f"{title} {i}")
                                       for i in range(NOTES)), encoding="utf-8")
    return path


def _kill_during_write(folder: Path, data: Path, delay: float) -> int:
    """Start a load, kill -9 it ``delay`` seconds after it starts its transaction."""
    env = {**os.environ, "CARNET_KG_STORE": str(folder / "store"),
           **engine_env(folder / "store"), "CARNET_KG_BASE": BASE,
           "CARNET_KG_CONFIG": ""}
    process = subprocess.Popen([sys.executable, "-m", "carnet_kg.cli", "load", str(data)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    for line in process.stderr:
        if "in one transaction" in line:
            time.sleep(delay)
            break
    process.send_signal(signal.SIGKILL)
    return process.wait(timeout=60)


def _titles(store) -> set[str]:
    rows = store.query("SELECT DISTINCT ?t WHERE { ?n <http://purl.org/dc/terms/title> ?t }")
    return {str(row["t"]).rsplit(" ", 1)[0] for row in rows.rows}


def test_kill_9_during_load_leaves_before_or_after(tmp_path):
    first, second = _batch(tmp_path / "a.ttl", "Avant"), _batch(tmp_path / "b.ttl", "Après")
    settings = Settings(base=BASE, store=str(tmp_path / "store"),
                        **engine_settings(tmp_path / "store"))
    env = {**os.environ, "CARNET_KG_STORE": settings.store,
           **engine_env(settings.store), "CARNET_KG_BASE": BASE,
           "CARNET_KG_CONFIG": ""}
    done = subprocess.run([sys.executable, "-m", "carnet_kg.cli", "load", str(first)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    outcomes, current = [], "Avant"
    rng = random.Random(7)
    for _ in range(6):  # each time the other batch, killed at a random point of its write
        _kill_during_write(tmp_path, second if current == "Avant" else first,
                           rng.uniform(0.0, 2.5))
        store = open_store(settings)  # settles what the crash left in the history
        try:
            titles = _titles(store)
            assert titles in ({"Avant"}, {"Après"}), titles  # never a mix
            count = int(store.query("SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { ?n a "
                                    "<https://w3id.org/carnet-kg/ontology#GeneralNote> }"
                                    ).rows[0]["c"])
            assert count == NOTES
            for key in ("n0", f"n{NOTES - 1}"):
                document = f"{BASE}doc/note/{key}"
                state = store.graph_states([document])
                history = store.history.revisions(document)
                revision = next(iter(state.values())).revision
                assert [r.revision for r in history] == list(range(1, revision + 1))
            current = titles.pop()
            outcomes.append(current)
        finally:
            store.close()
    assert len(outcomes) == 6
    print("state after each kill:", outcomes)
