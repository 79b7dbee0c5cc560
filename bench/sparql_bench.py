"""SPARQL over HTTP at scale: carnet-kg's endpoint against `oxigraph serve` and rdflib-endpoint.

The data folder is loaded with `carnet-kg load` (or taken from the benchmarks' cache), then
what our store holds — only public content, and the metadata graph our endpoint's default
graph also holds — is exported (`carnet-kg export --include-metadata --no-history`) and loaded
into the peers, so that the three servers answer over the same dataset:

- `carnet-kg serve` (embedded store, waitress, query worker processes), once as configured by
  default (result cache on) and once with `CARNET_KG_QUERY_CACHE_BYTES=0`;
- `oxigraph serve --union-default-graph` (PyPI `oxigraph`), loaded with `oxigraph load`;
- rdflib-endpoint (PyPI, FastAPI under uvicorn) over an rdflib Dataset with a union default
  graph (bench/rdflib_endpoint_serve.py); slow to parse at 100 000 notes (minutes):
  `--skip-rdflib-endpoint`, or `--skip-rdflib-endpoint-over N` (public notes), leaves it out.

The mix: relation queries with IRIs drawn at random from the data (`--variants` of each), so a
result cache does not make them trivial: a notebook's notes with their terms, the notebooks and
notes using a term, notes per notebook (one global GROUP BY, the same every time), term usage
counts within a notebook, a community's notes, a title filter on a word of a note's title, a
CONSTRUCT and a DESCRIBE of one note, an ASK whether a note uses a term. Every variant is first
sent once to every server and the numbers of results compared (printed: the check). Then from 1
and from 4 concurrent clients (keep-alive connections, direct POST), for `--seconds` each after
a warm-up: requests/s, p50, p99, ratios to oxigraph (target ≥ 0.8× its requests/s) and to
rdflib-endpoint, and p50 per query at 1 client.

    .venv/bin/python bench/sparql_bench.py --data /tmp/gen-10k --seconds 15
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import CKG, DCT, SKOS  # noqa: E402

SELECT_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
# one line per template: label, kind of result, what the template needs
LABELS = {
    "notebook-notes-terms": "a notebook's notes in order, with their terms",
    "term-notebooks-notes": "notebooks and notes using a term",
    "notes-per-notebook": "notes per notebook (GROUP BY, all notebooks)",
    "notebook-term-counts": "term usage counts within a notebook",
    "community-notes": "a community's notes (direct or by notebook)",
    "title-filter": "title filter (CONTAINS on a word)",
    "construct-note": "CONSTRUCT of one note",
    "describe-note": "DESCRIBE of one note",
    "ask-note-term": "ASK: does a note use a term",
}


def _titles(store: Path, notes: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The titles of ``notes``, and the terms each uses."""
    import pyoxigraph as ox

    handle = ox.Store.read_only(str(store))
    values = " ".join(f"<{n}>" for n in notes)
    found = {}
    for row in handle.query(f"SELECT ?n ?t WHERE {{ VALUES ?n {{ {values} }} "
                            f"?n <{DCT}title> ?t }}", use_default_graph_as_union=True):
        found.setdefault(row["n"].value, row["t"].value)
    terms: dict[str, list[str]] = {}
    for row in handle.query(f"SELECT ?n ?t WHERE {{ VALUES ?n {{ {values} }} "
                            f"?n <{CKG}relatedTerm> ?t }}", use_default_graph_as_union=True):
        terms.setdefault(row["n"].value, []).append(row["t"].value)
    del handle
    return found, terms


def query_mix(store: Path, base: str, variants: int, seed: int = 1
              ) -> list[tuple[str, str, str]]:
    """(label, query, Accept) for every variant of every template the data allows, in a
    shuffled order (the same for a seed)."""
    rng = random.Random(seed)
    sample = common.sample_resources(store, base, variants, seed)
    notes, terms = sample["note"], sample["term"]
    notebooks, communities = sample["notebook"], sample["community"]
    titles, used = _titles(store, notes) if notes else ({}, {})
    mix: list[tuple[str, str, str]] = []

    def add(label: str, query: str, accept: str = SELECT_JSON) -> None:
        mix.append((label, " ".join(query.split()), accept))

    member = f"<{CKG}hasMembership>/<{CKG}member>"
    for nb in notebooks:
        add("notebook-notes-terms", f"""
            SELECT ?pos ?note ?title ?term ?label WHERE {{
              <{nb}> <{CKG}hasMembership> ?m . ?m <{CKG}member> ?note ; <{CKG}position> ?pos .
              ?note <{DCT}title> ?title .
              OPTIONAL {{ ?note <{CKG}relatedTerm> ?term . ?term <{SKOS}prefLabel> ?label }}
            }} ORDER BY ?pos ?note ?term""")
        add("notebook-term-counts", f"""
            SELECT ?term (COUNT(DISTINCT ?note) AS ?uses) WHERE {{
              <{nb}> {member} ?note . ?note <{CKG}relatedTerm> ?term
            }} GROUP BY ?term ORDER BY DESC(?uses) ?term""")
    for term in terms:
        add("term-notebooks-notes", f"""
            SELECT ?notebook ?note WHERE {{
              ?note <{CKG}relatedTerm> <{term}> . ?notebook {member} ?note
            }}""")
    if notebooks:
        add("notes-per-notebook", f"""
            SELECT ?notebook (COUNT(DISTINCT ?note) AS ?notes) WHERE {{
              ?notebook {member} ?note }} GROUP BY ?notebook ORDER BY DESC(?notes) ?notebook""")
    for community in communities:
        add("community-notes", f"""
            SELECT DISTINCT ?note ?title WHERE {{
              {{ ?note <{CKG}linkedCommunity> <{community}> }} UNION
              {{ ?notebook <{CKG}linkedCommunity> <{community}> ; {member} ?note }}
              ?note <{DCT}title> ?title }} LIMIT 1000""")
    words = sorted({w.lower() for t in titles.values() for w in re.findall(r"\w{4,}", t)
                    if not w.isdigit()})
    numbers = sorted({w for t in titles.values() for w in re.findall(r"\d{2,}", t)})
    for word in rng.sample(words, min(variants, len(words))) + numbers[:variants // 2]:
        add("title-filter", f"""
            SELECT ?note ?title WHERE {{ ?note <{DCT}title> ?title
              FILTER(CONTAINS(LCASE(STR(?title)), "{word}")) }} LIMIT 100""")
    for note in notes:
        add("construct-note", f"CONSTRUCT {{ <{note}> ?p ?o }} WHERE {{ <{note}> ?p ?o }}",
            NTRIPLES)
        add("describe-note", f"DESCRIBE <{note}>", NTRIPLES)
    for number, note in enumerate(notes):
        choices = used.get(note, [])
        if choices and (number % 2 == 0 or not terms):
            term = rng.choice(choices)  # true, mostly
        elif terms:
            term = rng.choice(terms)  # false, mostly
        else:
            continue
        add("ask-note-term", f"ASK {{ <{note}> <{CKG}relatedTerm> <{term}> }}")
    rng.shuffle(mix)
    return mix


def requests_for(mix: list[tuple[str, str, str]], path: str) -> list[common.Request]:
    return [common.Request(label, "POST", path, query.encode("utf-8"),
                           (("Content-Type", "application/sparql-query"), ("Accept", accept)))
            for label, query, accept in mix]


def count_results(body: bytes, content_type: str) -> int | str:
    """Rows of a SELECT, the answer of an ASK, triples of a graph result."""
    media = content_type.split(";")[0].strip().lower()
    if media in ("application/sparql-results+json", "application/json"):
        data = json.loads(body)
        if "boolean" in data:
            return str(data["boolean"]).lower()
        return len(data["results"]["bindings"])
    from rdflib import Graph

    if media in ("application/n-triples", "text/plain"):
        lines = {line.strip() for line in body.decode("utf-8").splitlines()}
        return sum(1 for line in lines if line and not line.startswith("#"))
    formats = {"text/turtle": "turtle", "application/rdf+xml": "xml",
               "application/sparql-results+xml": "xml", "application/ld+json": "json-ld"}
    return len(Graph().parse(data=body, format=formats.get(media, "xml")))


def check(servers: dict[str, tuple[str, str]], mix: list[tuple[str, str, str]]
          ) -> tuple[list[list], list[str]]:
    """Each variant once on each server: rows of (template, variants, same everywhere,
    results min–max) and the mismatches, described."""
    clients = {name: common.Client(address, 300) for name, (address, _) in servers.items()}
    per_label: dict[str, list] = {}
    problems = []
    try:
        for label, query, accept in mix:
            counts = {}
            for name, (_, path) in servers.items():
                request = requests_for([(label, query, accept)], path)[0]
                try:
                    status, body, headers = clients[name].send(request)
                except TimeoutError:
                    counts[name] = "no answer within 300 s"
                    continue
                if status != 200:
                    counts[name] = f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}"
                else:
                    counts[name] = count_results(body, headers.get("content-type", ""))
            entry = per_label.setdefault(label, [0, 0, []])
            entry[0] += 1
            if len({str(c) for c in counts.values()}) == 1:
                entry[1] += 1
            else:
                problems.append(f"{label}: {counts}\n    {query}")
            entry[2].extend(c for c in counts.values() if isinstance(c, int))
    finally:
        for client in clients.values():
            client.close()
    rows = []
    for label, (total, same, numbers) in per_label.items():
        spread = f"{min(numbers)}–{max(numbers)}" if numbers else "true/false"
        rows.append([LABELS[label], total, f"{same}/{total}", spread])
    return rows, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a generated data folder")
    parser.add_argument("--base", help="base IRI of the data (default: found in the files)")
    parser.add_argument("--seconds", type=float, default=15, help="per server and clients")
    parser.add_argument("--warmup", type=float, default=None,
                        help="seconds of warm-up before each run (default: seconds / 5)")
    parser.add_argument("--variants", type=int, default=40,
                        help="bound IRIs drawn per query template (default 40)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--skip-rdflib-endpoint", action="store_true")
    parser.add_argument("--skip-rdflib-endpoint-over", type=int, default=None,
                        help="skip rdflib-endpoint when the store holds more public notes")
    args = common.parse_args(parser)
    base = args.base or common.detect_base(args.data)
    cache = None if args.no_cache else common.CACHE
    warmup = args.seconds / 5 if args.warmup is None else args.warmup
    results: dict = {"data": str(args.data), "seconds": args.seconds, "runs": []}
    with common.workspace("carnet-sparql-", args.keep) as work:
        store = common.prepared_store(args.data, base, work, cache)
        nquads = common.exported(store, base, work, cache, args.data)
        mix = query_mix(store, base, args.variants)
        notes = len(common.sample_resources(store, base, 10 ** 9)["note"])
        nocache_store = common.copy_store(store, work / "store-nocache")
        common.say(f"{notes} public notes; export {nquads.stat().st_size / common.MB:.0f} MB of "
                   f"N-Quads; {len(mix)} queries in the mix")
        oxi_dir = work / "oxigraph"
        loaded = common.oxigraph_load(oxi_dir, [nquads], work / "oxigraph-load.log")
        common.say(f"oxigraph load: {loaded:.1f} s")
        servers: dict[str, common.Server] = {}
        try:
            servers["oxigraph serve"] = common.start_oxigraph(oxi_dir, work)
            servers["carnet-kg"] = common.start_carnet(store, base, work)
            servers["carnet-kg, no cache"] = common.start_carnet(
                nocache_store, base, work, name="carnet-kg no cache", query_cache_bytes=0)
            limit = args.skip_rdflib_endpoint_over
            use_rdflib = not args.skip_rdflib_endpoint and (limit is None or notes <= limit)
            if use_rdflib:
                common.say("rdflib-endpoint: parsing the export…")
                servers["rdflib-endpoint"] = common.start_rdflib_endpoint(nquads, work)
                common.say(f"  answering after {servers['rdflib-endpoint'].started_in:.1f} s")
            else:
                common.say(f"rdflib-endpoint skipped ({notes} notes)")
            paths = {name: (server.address, "/query" if name == "oxigraph serve" else "/sparql")
                     for name, server in servers.items()}
            print("\nCheck: each query once on every server, numbers of results compared:\n")
            rows, problems = check({k: v for k, v in paths.items() if k != "carnet-kg"}, mix)
            print(common.table(["query", "variants", "same results on all servers",
                                "results (min–max)"], rows, right={1, 2, 3}))
            for problem in problems:
                print(f"  MISMATCH {problem}")
            results["check"] = {"rows": rows, "mismatches": problems}

            per_query: dict[str, dict[str, float]] = {}
            lines = []
            for clients in args.clients:
                reference: dict[str, common.Run] = {}
                for name, server in servers.items():
                    requests = requests_for(mix, paths[name][1])
                    common.drive(server.address, requests, clients, warmup, seed=clients)
                    run = common.drive(server.address, requests, clients, args.seconds,
                                       seed=clients + 100)
                    reference[name] = run
                    oxi = reference["oxigraph serve"]
                    line = [clients, name, f"{run.rate:.1f}", common.ms(run.p50),
                            common.ms(run.p99), common.ratio(run.rate, oxi.rate),
                            common.ratio(run.p50, oxi.p50), common.ratio(run.p99, oxi.p99),
                            "", run.failure_text()]
                    lines.append(line)
                    results["runs"].append({"clients": clients, "server": name,
                                            "rate": run.rate, "p50": run.p50, "p99": run.p99,
                                            "requests": len(run.latencies),
                                            "failures": run.failure_text()})
                    common.say(f"  {clients} client(s), {name}: {run.rate:.1f} req/s, "
                               f"p50 {common.ms(run.p50)} ms, p99 {common.ms(run.p99)} ms"
                               + (f"; failures {run.failure_text()}" if run.failures else ""))
                    if clients == args.clients[0]:
                        for label, times in run.by_label.items():
                            per_query.setdefault(label, {})[name] = statistics.median(times)
                rdf = reference.get("rdflib-endpoint")
                if rdf is not None:  # ratios to rdflib-endpoint, filled once it has run
                    for line in lines:
                        if line[0] == clients:
                            run = reference[line[1]]
                            line[8] = common.ratio(run.rate, rdf.rate)
        finally:
            for server in servers.values():
                server.stop()

    print(f"\nSPARQL mix over HTTP, {args.seconds:g} s per run after {warmup:g} s of warm-up "
          f"({notes} notes, {len(mix)} distinct queries):\n")
    print(common.table(["clients", "server", "req/s", "p50 ms", "p99 ms", "req/s ÷ oxigraph",
                        "p50 ÷ oxigraph", "p99 ÷ oxigraph", "req/s ÷ rdflib-endpoint",
                        "errors"], lines, right={0, 2, 3, 4, 5, 6, 7, 8}))
    names = list(servers)
    print(f"\nMedian latency per query (ms), {args.clients[0]} client(s):\n")
    rows = [[LABELS[label], *(common.ms(times.get(n, float("nan"))) for n in names),
             common.ratio(times.get("carnet-kg, no cache", 0), times.get("oxigraph serve", 0))]
            for label, times in sorted(per_query.items())]
    print(common.table(["query", *names, "no cache ÷ oxigraph"], rows))
    for clients in args.clients:
        ours = next(r for r in results["runs"]
                    if r["clients"] == clients and r["server"] == "carnet-kg, no cache")
        oxi = next(r for r in results["runs"]
                   if r["clients"] == clients and r["server"] == "oxigraph serve")
        value = ours["rate"] / oxi["rate"] if oxi["rate"] else float("nan")
        print(f"{clients} client(s), cache off: {value:.2f}× oxigraph's requests/s: "
              f"{'meets' if value >= 0.8 else 'misses'} the target ≥ 0.8×")
    results["per_query_p50"] = per_query
    common.write_json(args.json, results)


if __name__ == "__main__":
    common.run(main)
