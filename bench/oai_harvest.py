"""A full OAI-PMH harvest at scale: time, and the server's memory before and after.

Stores N generated notes (no validation: this measures harvesting), serves them with
`carnet-kg serve`, harvests everything with sickle (ListIdentifiers, then ListRecords oai_dc)
and prints records/s and the server's resident memory at the start, the middle and the end:
pages are computed from the store, so memory must not grow with the harvest.

    .venv/bin/python bench/oai_harvest.py --notes 100000
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sickle import Sickle

sys.path.insert(0, str(Path(__file__).parent))
from sparql_http import free_port, wait_for  # noqa: E402
from store_choice import BASE, generate  # noqa: E402

from carnet_kg.identifiers import Identifiers  # noqa: E402
from carnet_kg.ingest.rdf_files import SourceFile  # noqa: E402
from carnet_kg.ingest.resources import split_resources  # noqa: E402
from carnet_kg.store import EmbeddedStore, GraphWrite  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def harvest(url: str, verb: str, pid: int, **args) -> tuple[int, float, list[float]]:
    start, count, memory = time.perf_counter(), 0, [rss_mb(pid)]
    for _ in getattr(Sickle(url, max_retries=3), verb)(**args):
        count += 1
        if count % 5000 == 0:
            memory.append(rss_mb(pid))
    memory.append(rss_mb(pid))
    return count, time.perf_counter() - start, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--passes", type=int, default=2,
                        help="full ListRecords harvests (memory must stay flat after the first)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="carnet-oai-"))
    ids = Identifiers(BASE)
    store = EmbeddedStore(work / "store", ids.metadata_graph)
    split = split_resources([SourceFile("bench", {None: generate(args.notes)})], ids)
    store.write([GraphWrite(ids.document_of(t), g) for t, g in split.resources.items()])
    store.close()
    port = free_port()
    env = {**os.environ, "CARNET_KG_BASE": BASE, "CARNET_KG_STORE": str(work / "store"),
           "CARNET_KG_CONFIG": "", "CARNET_KG_OAI_PAGE_SIZE": "500"}
    server = subprocess.Popen([sys.executable, "-m", "carnet_kg.cli", "serve", "--port",
                               str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_for(f"127.0.0.1:{port}", "/health", server)
        url = f"http://127.0.0.1:{port}/oai"
        print(f"{len(split.resources)} resources; page size 500")
        # ListRecords twice: memory that is a cache stops growing on the second harvest
        for verb, extra in (("ListIdentifiers", {}), *(("ListRecords", {}),) * args.passes):
            count, seconds, memory = harvest(url, verb, server.pid, metadataPrefix="oai_dc",
                                             **extra)
            # growth over the harvest: from its first 5 000 records (the record index built,
            # the store's caches warm) to the end
            first = memory[1] if len(memory) > 2 else memory[0]
            print(f"{verb}: {count} records in {seconds:.1f} s ({count / seconds:.0f}/s); "
                  f"server RSS MB before {memory[0]:.0f}, after 5 000 records {first:.0f}, "
                  f"middle {memory[len(memory) // 2]:.0f}, end {memory[-1]:.0f} "
                  f"(growth during the harvest ×{memory[-1] / first:.2f})", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
