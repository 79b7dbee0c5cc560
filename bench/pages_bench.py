"""Resource pages at scale: carnet-kg's note, term and notebook pages against a plain DESCRIBE.

The data folder is loaded with `carnet-kg load` (or taken from the benchmarks' cache) and
served with `carnet-kg serve`; what the store holds is exported and loaded into
`oxigraph serve --union-default-graph`. For `--variants` resources of each kind drawn at random,
ours serves the HTML page (`GET /doc/{kind}/{key}`, French, as a browser asks for it) and, with
`--formats html ttl` (the default), the Turtle document (`/doc/{kind}/{key}.ttl`: the same
description without the page's rendering); the peer answers `DESCRIBE <iri>` over HTTP
(`GET /query`, Turtle). First, every HTML page of a kind is visited once, one after the other
("first view": the page's relation graph is computed then, and kept for the 128 most recent
pages only, so a crawler meets first views). Then from 1 and 4 clients (keep-alive),
`--seconds` per run after a warm-up, over the same `--variants` resources (pages seen again):
pages/s, p50, p99, and the ratios of ours to the peer (target: latency ≤ 3×).

    .venv/bin/python bench/pages_bench.py --data /tmp/gen-10k --seconds 15
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

KINDS = ("note", "term", "notebook")


def page_requests(iris: list[str], base: str, fmt: str) -> list[common.Request]:
    """Ours: the document of each IRI, as HTML (a browser's Accept) or Turtle."""
    requests = []
    for iri in iris:
        kind, key = iri[len(base) + len("id/"):].split("/", 1)
        if fmt == "html":
            requests.append(common.Request(kind, "GET", f"/doc/{kind}/{key}", None, (
                ("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
                ("Accept-Language", "fr"))))
        else:
            requests.append(common.Request(kind, "GET", f"/doc/{kind}/{key}.ttl"))
    return requests


def describe_requests(iris: list[str], kind: str) -> list[common.Request]:
    """The peer: ``DESCRIBE <iri>`` by GET, Turtle."""
    return [common.Request(kind, "GET", "/query?" + urllib.parse.urlencode(
        {"query": f"DESCRIBE <{iri}>"}), None, (("Accept", "text/turtle"),)) for iri in iris]


def first_views(server: common.Server, requests: list[common.Request]) -> common.Run:
    """Each page once, one after the other: a first visit computes the page's relation graph
    (kept for the 128 most recent pages only, so a crawler's visits are all first ones)."""
    client = common.Client(server.address)
    run = common.Run(0.0)
    start = time.perf_counter()
    try:
        for request in requests:
            began = time.perf_counter()
            status, _, _ = client.send(request)
            if status < 400:
                run.latencies.append(time.perf_counter() - began)
            else:
                run.failures[(request.label, status)] += 1
    finally:
        client.close()
    run.seconds = time.perf_counter() - start
    return run


def add_row(rows: list, results: dict, kind: str, clients: int, name: str, run: common.Run,
            peer: common.Run) -> None:
    rows.append([kind, clients, name, f"{run.rate:.1f}", common.ms(run.p50), common.ms(run.p99),
                 common.ratio(run.rate, peer.rate), common.ratio(run.p50, peer.p50),
                 common.ratio(run.p99, peer.p99), run.failure_text()])
    results["runs"].append({"kind": kind, "clients": clients, "server": name, "rate": run.rate,
                            "p50": run.p50, "p99": run.p99, "requests": len(run.latencies),
                            "failures": run.failure_text()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a generated data folder")
    parser.add_argument("--base", help="base IRI of the data (default: found in the files)")
    parser.add_argument("--seconds", type=float, default=15, help="per run")
    parser.add_argument("--warmup", type=float, default=None,
                        help="seconds of warm-up before each run (default: seconds / 5)")
    parser.add_argument("--variants", type=int, default=50,
                        help="resources drawn per kind (default 50)")
    parser.add_argument("--first-views", type=int, default=None,
                        help="pages of each kind first visited one by one, before the timed "
                             "runs (default: all --variants, so the runs see pages again)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--formats", nargs="+", choices=["html", "ttl"], default=["html", "ttl"])
    args = common.parse_args(parser)
    base = args.base or common.detect_base(args.data)
    cache = None if args.no_cache else common.CACHE
    warmup = args.seconds / 5 if args.warmup is None else args.warmup
    results: dict = {"data": str(args.data), "seconds": args.seconds, "runs": []}
    rows = []
    with common.workspace("carnet-pages-", args.keep) as work:
        store = common.prepared_store(args.data, base, work, cache)
        nquads = common.exported(store, base, work, cache, args.data)
        sample = common.sample_resources(store, base, args.variants, seed=3)
        common.oxigraph_load(work / "oxigraph", [nquads], work / "oxigraph-load.log")
        servers: list[common.Server] = []
        try:
            oxi = common.start_oxigraph(work / "oxigraph", work)
            servers.append(oxi)
            ours = common.start_carnet(store, base, work)
            servers.append(ours)
            for kind in KINDS:
                iris = sample[kind]
                if not iris:
                    common.say(f"no {kind} in the data: skipped")
                    continue
                first = None
                if "html" in args.formats:  # each page once: the relation graph computed
                    first = first_views(ours, page_requests(iris[:args.first_views], base,
                                                            "html"))
                for clients in args.clients:
                    runs = {}
                    plans = [("DESCRIBE on oxigraph serve", oxi, describe_requests(iris, kind))]
                    plans += [(f"carnet-kg /doc {fmt}", ours, page_requests(iris, base, fmt))
                              for fmt in args.formats]
                    for name, server, requests in plans:
                        common.drive(server.address, requests, clients, warmup, seed=clients)
                        run = common.drive(server.address, requests, clients, args.seconds,
                                           seed=clients + 100)
                        runs[name] = run
                        peer = runs[plans[0][0]]
                        add_row(rows, results, kind, clients, name, run, peer)
                        if first is not None and clients == 1 and name.endswith("html"):
                            add_row(rows, results, kind, 1, "carnet-kg /doc html, first view",
                                    first, peer)
                        common.say(f"  {kind}, {clients} client(s), {name}: {run.rate:.1f}/s, "
                                   f"p50 {common.ms(run.p50)} ms, p99 {common.ms(run.p99)} ms"
                                   + (f"; failures {run.failure_text()}" if run.failures else ""))
        finally:
            for server in servers:
                server.stop()

    print(f"\nResource pages, {args.seconds:g} s per run after {warmup:g} s of warm-up, "
          f"{args.variants} resources per kind:\n")
    print(common.table(["kind", "clients", "server", "pages/s", "p50 ms", "p99 ms",
                        "rate ÷ peer", "p50 ÷ peer", "p99 ÷ peer", "errors"], rows,
                       right={1, 3, 4, 5, 6, 7, 8}))
    worst = [r for r in results["runs"] if r["server"].startswith("carnet-kg /doc html")]
    for run in worst:
        peer = next(p for p in results["runs"] if p["kind"] == run["kind"]
                    and p["clients"] == run["clients"] and p["server"].startswith("DESCRIBE"))
        value = run["p50"] / peer["p50"]
        run["p50_ratio"] = value
    if worst:
        top = max(worst, key=lambda r: r["p50_ratio"])
        print(f"\nHTML pages: p50 up to {top['p50_ratio']:.1f}× the DESCRIBE's "
              f"({top['kind']}, {top['clients']} client(s), {top['server']}): "
              f"{'meets' if top['p50_ratio'] <= 3 else 'misses'} the target ≤ 3×")
    common.write_json(args.json, results)


if __name__ == "__main__":
    common.run(main)
