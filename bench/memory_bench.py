"""Server memory at scale: carnet-kg serve's resident memory through a day's kinds of work,
against `oxigraph serve` after the same SPARQL.

The data folder is loaded with `carnet-kg load` (or taken from the benchmarks' cache); our
server runs as configured by default (result cache on, query workers, 2 malloc arenas), the
peer is `oxigraph serve --union-default-graph` loaded with what our store holds. Memory is read
with psutil: RSS of the server process, of its query worker processes, and PSS of the whole tree
(pages shared between the processes counted once), at three points:

1. after start (answering /health, then 2 s idle);
2. after a fixed warm-up: `--warm` HTML pages of each kind (note, term, notebook), each query of
   the SPARQL mix of bench/sparql_bench.py once, the first 5 pages of an OAI-PMH ListRecords;
3. after the full mix: `--pages` pages of each kind and the SPARQL mix, sent by 4 clients for
   `--seconds`, a full OAI-PMH ListRecords harvest, and the two dumps.

The peer gets the same SPARQL at points 2 (each query once) and 3 (4 clients, `--seconds`).

    .venv/bin/python bench/memory_bench.py --data /tmp/gen-10k --seconds 30
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from harvest_bench import download, harvest  # noqa: E402
from pages_bench import KINDS, page_requests  # noqa: E402
from sparql_bench import query_mix, requests_for  # noqa: E402


def memory(pid: int) -> dict[str, int]:
    """RSS of the process, RSS of its descendants, PSS of them all (bytes)."""
    root = psutil.Process(pid)
    children = root.children(recursive=True)
    found = {"rss": root.memory_info().rss, "children_rss": 0, "pss": 0,
             "children": len(children)}
    for process in [root, *children]:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            if process is not root:
                found["children_rss"] += process.memory_info().rss
            found["pss"] += getattr(process.memory_full_info(), "pss", 0)
    return found


def send_all(server: common.Server, requests: list[common.Request]) -> int:
    """Each request once, in order, on one connection; returns how many failed."""
    client = common.Client(server.address)
    failed = 0
    try:
        for request in requests:
            status, _, _ = client.send(request)
            failed += status >= 400
    finally:
        client.close()
    return failed


def oai_pages(server: common.Server, pages: int) -> None:
    client = common.Client(server.address)
    path = "/oai?verb=ListRecords&metadataPrefix=oai_dc"
    try:
        for _ in range(pages):
            status, body, _ = client.send(common.Request("oai", "GET", path))
            if status != 200:
                raise RuntimeError(f"OAI-PMH page: HTTP {status}")
            start = body.find(b"<resumptionToken")
            token = body[body.find(b">", start) + 1:body.find(b"</resumptionToken>")]
            if start < 0 or not token.strip():
                break
            path = "/oai?verb=ListRecords&resumptionToken=" + token.decode()
    finally:
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a generated data folder")
    parser.add_argument("--base", help="base IRI of the data (default: found in the files)")
    parser.add_argument("--seconds", type=float, default=30,
                        help="of mixed traffic in the full mix (default 30)")
    parser.add_argument("--warm", type=int, default=20, help="pages per kind in the warm-up")
    parser.add_argument("--pages", type=int, default=200, help="pages per kind in the full mix")
    parser.add_argument("--variants", type=int, default=20,
                        help="bound IRIs per SPARQL query template (default 20)")
    args = common.parse_args(parser)
    base = args.base or common.detect_base(args.data)
    cache = None if args.no_cache else common.CACHE
    points: dict[str, dict[str, dict[str, int]]] = {"ours": {}, "oxigraph": {}}
    failures: list[str] = []
    with common.workspace("carnet-memory-", args.keep) as work:
        store = common.prepared_store(args.data, base, work, cache)
        nquads = common.exported(store, base, work, cache, args.data)
        sample = common.sample_resources(store, base, max(args.pages, args.warm), seed=5)
        mix = query_mix(store, base, args.variants)
        common.oxigraph_load(work / "oxigraph", [nquads], work / "oxigraph-load.log")
        warm_pages = [r for kind in KINDS
                      for r in page_requests(sample[kind][:args.warm], base, "html")]
        all_pages = [r for kind in KINDS for r in page_requests(sample[kind], base, "html")]

        common.say("ours…")
        with common.start_carnet(store, base, work) as ours:
            time.sleep(2)
            points["ours"]["start"] = memory(ours.pid)
            failed = send_all(ours, warm_pages) + send_all(ours, requests_for(mix, "/sparql"))
            oai_pages(ours, 5)
            points["ours"]["warm-up"] = memory(ours.pid)
            traffic = all_pages + requests_for(mix, "/sparql")
            run = common.drive(ours.address, traffic, 4, args.seconds)
            whole = harvest(ours, "ListRecords", "oai_dc")
            download(ours, "/dumps/dataset.nq.gz")
            download(ours, "/dumps/dataset.ttl.gz")
            points["ours"]["full mix"] = memory(ours.pid)
            common.say(f"  mixed traffic: {len(run.latencies)} requests; harvest: "
                       f"{whole['records']} records")
            if failed or run.failures:
                failures.append(f"ours: {failed} failed in the warm-up; {run.failure_text()}")

        common.say("oxigraph serve…")
        with common.start_oxigraph(work / "oxigraph", work) as oxi:
            time.sleep(2)
            points["oxigraph"]["start"] = memory(oxi.pid)
            failed = send_all(oxi, requests_for(mix, "/query"))
            points["oxigraph"]["warm-up"] = memory(oxi.pid)
            run = common.drive(oxi.address, requests_for(mix, "/query"), 4, args.seconds)
            points["oxigraph"]["full mix"] = memory(oxi.pid)
            if failed or run.failures:
                failures.append(f"oxigraph: {failed} failed in the warm-up; "
                                f"{run.failure_text()}")

    print(f"\nServer memory (MB), {args.data}:\n")
    rows = []
    for point in ("start", "warm-up", "full mix"):
        mine, peer = points["ours"][point], points["oxigraph"][point]
        total = mine["rss"] + mine["children_rss"]
        rows.append([point, common.mb(mine["rss"]),
                     f"{common.mb(mine['children_rss'])} ({mine['children']})",
                     common.mb(total), common.mb(mine["pss"]), common.mb(peer["rss"]),
                     common.ratio(mine["rss"], peer["rss"]), common.ratio(total, peer["rss"]),
                     common.ratio(mine["pss"], peer["pss"])])
    print(common.table(["after", "carnet-kg RSS", "its query workers RSS (n)",
                        "carnet-kg total RSS", "carnet-kg total PSS", "oxigraph serve RSS",
                        "ratio (server alone)", "ratio (total RSS)", "ratio (PSS)"], rows))
    print("\nwarm-up: pages, the SPARQL mix once, 5 OAI-PMH pages (oxigraph: the SPARQL only); "
          f"full mix: {args.seconds:g} s of pages and SPARQL from 4 clients, a full "
          "ListRecords harvest and the dumps (oxigraph: the SPARQL only)")
    for failure in failures:
        print(f"  FAILURES {failure}")
    common.write_json(args.json, {"data": str(args.data), "points": points,
                                  "failures": failures})


if __name__ == "__main__":
    common.run(main)
