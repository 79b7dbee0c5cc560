"""SPARQL over HTTP: carnet-kg's endpoint against `oxigraph serve`, same data, same query mix.

Generates N notes (bench/store_choice.py's generator), loads them into both servers, then runs
the same mix of queries from 1 and from 4 concurrent clients (keep-alive HTTP connections) for a
fixed time each, and prints requests/s, p50 and p99 latency, with the ratios to oxigraph. Ours
runs twice: as configured by default (result cache on) and with the cache off, so that the
engine path is measured too.

    .venv/bin/python bench/sparql_http.py --notes 10000 --seconds 15

Needs the `oxigraph` command (PyPI package `oxigraph`, installed by the test extra).
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from rdflib import Dataset, URIRef

sys.path.insert(0, str(Path(__file__).parent))
from store_choice import BASE, generate  # noqa: E402

from carnet_kg.namespaces import CKG  # noqa: E402

DCT = "http://purl.org/dc/terms/"
QUERIES = [
    f"SELECT ?nb (COUNT(?n) AS ?c) WHERE {{ ?nb <{CKG.hasMembership}>/<{CKG.member}> ?n }} "
    "GROUP BY ?nb",
    f"SELECT ?n ?title WHERE {{ ?n <{CKG.relatedTerm}> <{BASE}id/term/t7> ; <{DCT}title> ?title }}",
    f'SELECT ?n WHERE {{ ?n <{DCT}title> ?t FILTER(CONTAINS(?t, "Note 12")) }} LIMIT 20',
    f"ASK {{ <{BASE}id/note/n42> <{CKG.relatedNote}> ?x }}",
    f"SELECT ?pos ?n ?title WHERE {{ <{BASE}id/notebook/nb3> <{CKG.hasMembership}> ?m . "
    f"?m <{CKG.member}> ?n ; <{CKG.position}> ?pos . ?n <{DCT}title> ?title }} ORDER BY ?pos",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, path: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection(*url.split(":"), timeout=2)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not start")


def run_clients(host: str, path: str, clients: int, seconds: float) -> list[float]:
    """Latencies of all requests sent by ``clients`` threads during ``seconds``."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection(*host.split(":"), timeout=60)
        mine, index = [], offset
        while time.monotonic() < stop:
            body = urllib.parse.urlencode({"query": QUERIES[index % len(QUERIES)]})
            start = time.perf_counter()
            connection.request("POST", path, body, {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{host}{path}: status {response.status}")
            mine.append(time.perf_counter() - start)
            index += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def summary(latencies: list[float], seconds: float) -> tuple[float, float, float]:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return len(ordered) / seconds, statistics.median(ordered) * 1000, p99 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    work = Path(tempfile.mkdtemp(prefix="carnet-bench-"))
    data = work / "data.nq"
    dataset = Dataset()
    graph = dataset.graph(URIRef(BASE + "graph/bench"))
    for triple in generate(args.notes):
        graph.add(triple)
    dataset.serialize(data, format="nquads")
    env = {**os.environ, "CARNET_KG_BASE": BASE, "CARNET_KG_STORE": str(work / "ours"),
           "CARNET_KG_CONFIG": ""}
    print(f"{args.notes} notes; loading both servers…", flush=True)
    subprocess.run([sys.executable, "-m", "carnet_kg.cli", "load", str(data)], env=env,
                   check=True, capture_output=True)
    shutil.copytree(work / "ours", work / "ours-nocache")
    subprocess.run([oxigraph, "load", "--location", str(work / "oxi"), "--file", str(data)],
                   check=True, capture_output=True)
    ours_port, oxi_port, nocache_port = free_port(), free_port(), free_port()
    nocache_env = {**env, "CARNET_KG_STORE": str(work / "ours-nocache"),
                   "CARNET_KG_QUERY_CACHE_BYTES": "0"}
    servers = [
        subprocess.Popen([sys.executable, "-m", "carnet_kg.cli", "serve", "--port",
                          str(ours_port)], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL),
        subprocess.Popen([sys.executable, "-m", "carnet_kg.cli", "serve", "--port",
                          str(nocache_port)], env=nocache_env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL),
        subprocess.Popen([oxigraph, "serve", "--location", str(work / "oxi"), "--bind",
                          f"127.0.0.1:{oxi_port}", "--union-default-graph"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        ours, oxi = f"127.0.0.1:{ours_port}", f"127.0.0.1:{oxi_port}"
        nocache = f"127.0.0.1:{nocache_port}"
        wait_for(ours, "/health", servers[0])
        wait_for(nocache, "/health", servers[1])
        wait_for(oxi, "/", servers[2])
        print(f"\n{'clients':<8}{'server':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
              f"{'  ratios to oxigraph (req/s, p50, p99)'}")
        for clients in (1, 4):
            results = {}
            for name, host, path in (("oxigraph serve", oxi, "/query"),
                                     ("carnet-kg", ours, "/sparql"),
                                     ("carnet-kg, no cache", nocache, "/sparql")):
                run_clients(host, path, clients, 2)  # warm-up
                results[name] = summary(run_clients(host, path, clients, args.seconds),
                                        args.seconds)
                rate, p50, p99 = results[name]
                reference = results["oxigraph serve"]
                ratios = (f"  {rate / reference[0]:.2f} {p50 / reference[1]:.2f} "
                          f"{p99 / reference[2]:.2f}")
                print(f"{clients:<8}{name:<22}{rate:>9.0f}{p50:>9.2f}{p99:>9.2f}{ratios}",
                      flush=True)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
