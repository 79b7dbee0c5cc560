"""Harvesting and dumps at scale: a full OAI-PMH harvest over HTTP, the dumps, the export.

The data folder is loaded with `carnet-kg load` (or taken from the benchmarks' cache) and
served with `carnet-kg serve` (OAI-PMH pages of `CARNET_KG_OAI_PAGE_SIZE` records, default
100). Measured in this order:

1. the dumps: the first `GET /dumps/dataset.nq.gz` (the server writes both dumps, N-Quads and
   Turtle, gzip, then sends one), a second one (already written), `GET /dumps/dataset.ttl.gz`;
2. a full harvest, `ListRecords` with `metadataPrefix=oai_dc` through every resumption token
   (one keep-alive connection, as a harvester does): records, pages, time, records/s, the
   slowest page, the server's RSS before and after (no peer: none speaks OAI-PMH over RDF);
3. with the server stopped: `carnet-kg export` (N-Quads with the history, the default) and
   `carnet-kg export --no-history` (the dump's content, uncompressed).

Peer for the dumps and the export: the same public graphs (`export --no-history`) loaded into
an Oxigraph folder, then `oxigraph dump` to N-Quads, and that file gzipped (level 9, as ours).

    .venv/bin/python bench/harvest_bench.py --data /tmp/gen-10k
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]*)</resumptionToken>")
LIST_SIZE = re.compile(rb'completeListSize="(\d+)"')
ERROR = re.compile(rb"<error code=\"([^\"]+)\"[^>]*>([^<]*)<")


def harvest(server: common.Server, verb: str, prefix: str) -> dict:
    """Every page of a list verb; raises on an OAI-PMH error or an HTTP error."""
    client = common.Client(server.address, timeout=600)
    records = pages = 0
    slowest = 0.0
    announced = None
    rss_before = server.rss()
    start = time.perf_counter()
    query = {"verb": verb, "metadataPrefix": prefix}
    try:
        while True:
            began = time.perf_counter()
            status, body, _ = client.send(common.Request(
                verb, "GET", "/oai?" + urllib.parse.urlencode(query)))
            slowest = max(slowest, time.perf_counter() - began)
            if status != 200:
                raise RuntimeError(f"{verb} page {pages + 1}: HTTP {status}")
            error = ERROR.search(body)
            if error:
                raise RuntimeError(f"{verb} page {pages + 1}: OAI-PMH error "
                                   f"{error.group(1).decode()}: {error.group(2).decode()}")
            pages += 1
            records += body.count(b"<header>") + body.count(b'<header status="deleted">')
            size = LIST_SIZE.search(body)
            if size and announced is None:
                announced = int(size.group(1))
            token = TOKEN.search(body)
            if not token or not token.group(1).strip():
                break
            query = {"verb": verb, "resumptionToken": token.group(1).decode()}
    finally:
        client.close()
    seconds = time.perf_counter() - start
    return {"verb": verb, "records": records, "announced": announced or records,
            "pages": pages, "seconds": seconds, "rate": records / seconds,
            "slowest_page": slowest, "rss_before": rss_before, "rss_after": server.rss()}


def download(server: common.Server, path: str) -> tuple[float, int]:
    client = common.Client(server.address, timeout=3600)
    try:
        start = time.perf_counter()
        status, body, _ = client.send(common.Request(path, "GET", path))
        seconds = time.perf_counter() - start
    finally:
        client.close()
    if status != 200:
        raise RuntimeError(f"GET {path}: HTTP {status}")
    return seconds, len(body)


def timed_command(command: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   **kwargs)
    return time.perf_counter() - start


def gzip_file(source: Path, target: Path, level: int = 9) -> float:
    start = time.perf_counter()
    with source.open("rb") as raw, gzip.open(target, "wb", compresslevel=level) as out:
        shutil.copyfileobj(raw, out, 1024 * 1024)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a generated data folder")
    parser.add_argument("--base", help="base IRI of the data (default: found in the files)")
    parser.add_argument("--page-size", type=int, default=None,
                        help="CARNET_KG_OAI_PAGE_SIZE (default: the server's default, 100)")
    parser.add_argument("--verbs", nargs="+", default=["ListRecords"],
                        choices=["ListRecords", "ListIdentifiers"])
    args = common.parse_args(parser)
    base = args.base or common.detect_base(args.data)
    cache = None if args.no_cache else common.CACHE
    settings = {"oai_page_size": args.page_size} if args.page_size else {}
    results: dict = {"data": str(args.data)}
    with common.workspace("carnet-harvest-", args.keep) as work:
        store = common.prepared_store(args.data, base, work, cache)
        server = common.start_carnet(store, base, work, **settings)
        try:
            common.say("dumps over HTTP…")
            first, nq_size = download(server, "/dumps/dataset.nq.gz")
            again, _ = download(server, "/dumps/dataset.nq.gz")
            ttl, ttl_size = download(server, "/dumps/dataset.ttl.gz")
            results["dumps_http"] = {"first": first, "again": again, "ttl": ttl,
                                     "nq_size": nq_size, "ttl_size": ttl_size}
            harvests = []
            for verb in args.verbs:
                common.say(f"{verb} (oai_dc), every page…")
                harvests.append(harvest(server, verb, "oai_dc"))
                h = harvests[-1]
                common.say(f"  {h['records']} records, {h['pages']} pages, {h['seconds']:.1f} s")
            results["harvests"] = harvests
        finally:
            server.stop()

        common.say("carnet-kg export…")
        env = common.carnet_env(store, base)
        export_all = timed_command([*common.CARNET, "export", "--output",
                                    str(work / "export.nq")], env=env, cwd=work)
        public = work / "public.nq"
        export_public = timed_command([*common.CARNET, "export", "--no-history", "--output",
                                       str(public)], env=env, cwd=work)
        sizes = {"export": (work / "export.nq").stat().st_size, "public": public.stat().st_size}

        common.say("peer: oxigraph load, dump…")
        oxi = work / "oxigraph"
        common.oxigraph_load(oxi, [public], work / "oxigraph-load.log")
        dumped = work / "oxigraph-dump.nq"
        oxi_dump = timed_command([common.oxigraph_command(), "dump", "--location", str(oxi),
                                  "--file", str(dumped)])
        oxi_gzip = gzip_file(dumped, work / "oxigraph-dump.nq.gz")
        sizes["oxigraph"] = dumped.stat().st_size
        sizes["oxigraph_gz"] = (work / "oxigraph-dump.nq.gz").stat().st_size
        results.update({"export_seconds": export_all, "export_public_seconds": export_public,
                        "oxigraph_dump_seconds": oxi_dump, "gzip_seconds": oxi_gzip,
                        "sizes": sizes})

    print("\nOAI-PMH harvest over HTTP (oai_dc, every resumption token, one client):\n")
    rows = [[h["verb"], h["records"], h["announced"], h["pages"], f"{h['seconds']:.1f}",
             f"{h['rate']:.0f}", common.ms(h["slowest_page"]), common.mb(h["rss_before"]),
             common.mb(h["rss_after"])] for h in harvests]
    print(common.table(["verb", "records", "completeListSize", "pages", "seconds", "records/s",
                        "slowest page ms", "server RSS MB before", "after"], rows))
    for h in harvests:
        if h["records"] != h["announced"]:
            print(f"  {h['verb']}: {h['records']} records harvested but completeListSize "
                  f"said {h['announced']}")

    peer_gz = oxi_dump + oxi_gzip
    dumps = results["dumps_http"]
    print("\nDumps and export (the peer: oxigraph dump of the same public graphs):\n")
    rows = [
        ["first GET /dumps/dataset.nq.gz (writes .nq.gz and .ttl.gz, sends one)",
         f"{dumps['first']:.2f}", common.mb(dumps["nq_size"]),
         f"oxigraph dump + gzip -9: {peer_gz:.2f}", common.ratio(dumps["first"], peer_gz)],
        ["second GET /dumps/dataset.nq.gz (already written)", f"{dumps['again']:.3f}",
         common.mb(dumps["nq_size"]), "", ""],
        ["GET /dumps/dataset.ttl.gz (already written)", f"{dumps['ttl']:.3f}",
         common.mb(dumps["ttl_size"]), "", ""],
        ["carnet-kg export (N-Quads, with history)", f"{export_all:.2f}",
         common.mb(sizes["export"]), f"oxigraph dump: {oxi_dump:.2f}",
         common.ratio(export_all, oxi_dump)],
        ["carnet-kg export --no-history (the dump's content)", f"{export_public:.2f}",
         common.mb(sizes["public"]), f"oxigraph dump: {oxi_dump:.2f}",
         common.ratio(export_public, oxi_dump)],
    ]
    print(common.table(["what", "seconds", "MB", "peer seconds", "ratio"], rows))
    print(f"\n(oxigraph dump: {common.mb(sizes['oxigraph'])} MB of N-Quads, "
          f"{common.mb(sizes['oxigraph_gz'])} MB gzipped in {oxi_gzip:.2f} s)")
    common.write_json(args.json, results)


if __name__ == "__main__":
    common.run(main)
