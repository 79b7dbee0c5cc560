"""The Scale benchmarks at several sizes, as one Markdown section.

For each size, the data is generated with bench/generate.py into /tmp/gen-<size> (1k, 10k,
100k…), or reused if that folder already holds files; then load_bench, sparql_bench,
pages_bench, harvest_bench and memory_bench run on it, one after the other (the first
loads the store; the others reuse it from the benchmarks' cache). Progress goes to standard
error; the Markdown section (date, machine, exact commands, a summary of the ratios against
their targets, then every benchmark's tables) to standard output or `--out`.

    .venv/bin/python bench/run_all.py --sizes 1000 10000 100000 --out bench/RESULTS.md
    .venv/bin/python bench/run_all.py --sizes 1000 --seconds 5

A benchmark that fails is reported in the section (its last lines of output) and the others
still run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

SCRIPTS = ["load_bench", "sparql_bench", "pages_bench", "harvest_bench", "memory_bench"]
TIMED = {"sparql_bench", "pages_bench", "memory_bench"}  # take --seconds


def label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def relative(command: list[str]) -> str:
    """A command as one would type it in the checkout."""
    shown = []
    for part in command:
        if part == common.PYTHON:
            part = ".venv/bin/python"
        elif part.startswith(str(common.ROOT) + "/"):
            part = part[len(str(common.ROOT)) + 1:]
        shown.append(part)
    return shlex.join(shown)


def generate(size: int, folder: Path, seed: int) -> tuple[list[str] | None, float]:
    """The generator's command, run unless ``folder`` already holds data (then None)."""
    if folder.is_dir() and common.data_files(folder):
        common.say(f"reusing {folder}")
        return None, 0.0
    command = [common.PYTHON, str(common.BENCH / "generate.py"), "--notes", str(size),
               "--out", str(folder), "--seed", str(seed)]
    common.say(f"generating {size} notes into {folder}…")
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=common.ROOT, stdout=sys.stderr)
    return command, time.perf_counter() - start


def run_script(script: str, command: list[str]) -> tuple[int, str, float]:
    common.say(f"  {relative(command)}")
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=common.ROOT, stdout=subprocess.PIPE,
                               stderr=sys.stderr, text=True)
    try:
        output, _ = process.communicate()
    except BaseException:  # Ctrl-C or SIGTERM: the benchmark stops its servers, then we go
        process.terminate()
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
        raise
    return process.returncode, output, time.perf_counter() - start


def fmt(value, pattern: str = "{:.2f}") -> str:
    return "—" if value is None else pattern.format(value)


def summary_rows(size: int, figures: dict) -> list[list[str]]:
    """One row per target: what was measured, the target, met or not."""
    rows = []

    def add(what: str, value: str, target: str, met: bool | None) -> None:
        verdict = "—" if met is None else ("yes" if met else "**no**")
        rows.append([f"{size:,}".replace(",", " "), what, value, target, verdict])

    load = figures.get("load_bench")
    if load:
        ours, naive = load["ours"], load.get("naive") or {}
        if naive.get("seconds"):
            value = ours["seconds"] / naive["seconds"]
            add("load time ÷ naive (rdflib + pyshacl)", f"{value:.2f} ({ours['seconds']:.1f} s "
                f"÷ {naive['seconds']:.1f} s)", "≤ 0.35", value <= 0.35)
        add("load peak RSS", f"{common.mb(ours['peak_rss'])} MB", "< 1.5 GB",
            ours["peak_rss"] < 1.5 * 1024 * common.MB)
        reload = load["reload"]
        steady = reload["median"] if reload.get("median") is not None else reload["first"]
        add("re-load of one changed note (in-process, median)", f"{steady * 1000:.0f} ms",
            "< 0.1 s", steady < 0.1)
        if "file_in_process" in reload:
            add(f"re-load of the note's whole data file ({reload['file_triples']} triples, "
                "in-process)", f"{reload['file_in_process']:.2f} s", "—", None)
    sparql = figures.get("sparql_bench")
    if sparql:
        runs = {(r["clients"], r["server"]): r for r in sparql["runs"]}
        for clients in sorted({c for c, _ in runs}):
            oxi = runs.get((clients, "oxigraph serve"))
            for server in ("carnet-kg, no cache", "carnet-kg"):
                ours = runs.get((clients, server))
                if ours and oxi and oxi["rate"]:
                    value = ours["rate"] / oxi["rate"]
                    add(f"SPARQL req/s ÷ oxigraph, {clients} client(s), {server}",
                        f"{value:.2f}", "≥ 0.8", value >= 0.8)
            rdf = runs.get((clients, "rdflib-endpoint"))
            ours = runs.get((clients, "carnet-kg, no cache"))
            if rdf and ours and rdf["rate"]:
                add(f"SPARQL req/s ÷ rdflib-endpoint, {clients} client(s), no cache",
                    f"{ours['rate'] / rdf['rate']:.1f}", "—", None)
        mismatches = len(sparql.get("check", {}).get("mismatches", []))
        add("SPARQL queries with different result counts across servers", str(mismatches),
            "0", mismatches == 0)
    pages = figures.get("pages_bench")
    if pages:
        runs = pages["runs"]
        for run in runs:
            if not run["server"].startswith("carnet-kg"):
                continue
            peer = next(p for p in runs if p["kind"] == run["kind"]
                        and p["clients"] == run["clients"] and p["server"].startswith("DESCRIBE"))
            value = run["p50"] / peer["p50"]
            shown = run["server"].split("/doc ", 1)[-1]
            add(f"{run['kind']} page p50 ÷ DESCRIBE, {run['clients']} client(s), {shown}",
                f"{value:.1f} ({run['p50'] * 1000:.1f} ms)", "≤ 3", value <= 3)
    harvest = figures.get("harvest_bench")
    if harvest:
        for run in harvest["harvests"]:
            add(f"OAI-PMH {run['verb']} records/s", f"{run['rate']:.0f} "
                f"({run['records']} records in {run['seconds']:.1f} s)", "—", None)
        dumps = harvest["dumps_http"]
        peer = harvest["oxigraph_dump_seconds"] + harvest["gzip_seconds"]
        add("dumps written (first GET) ÷ oxigraph dump + gzip",
            f"{dumps['first'] / peer:.1f} ({dumps['first']:.1f} s ÷ {peer:.1f} s)", "—", None)
    memory = figures.get("memory_bench")
    if memory:
        for point in ("start", "warm-up", "full mix"):
            mine = memory["points"]["ours"][point]
            peer = memory["points"]["oxigraph"][point]
            total = mine["rss"] + mine["children_rss"]
            add(f"server RSS after {point} ÷ oxigraph (with query workers)",
                f"{mine['rss'] / peer['rss']:.1f} ({total / peer['rss']:.1f}); "
                f"{common.mb(mine['rss'])} ({common.mb(total)}) MB vs {common.mb(peer['rss'])} MB",
                "—", None)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--seconds", type=float, default=15,
                        help="per run of the timed benchmarks (default 15)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-root", type=Path, default=Path("/tmp"),
                        help="where the gen-<size> folders are (default /tmp)")
    parser.add_argument("--only", nargs="+", choices=SCRIPTS, default=SCRIPTS)
    parser.add_argument("--skip-naive-over", type=int, default=None,
                        help="load_bench --skip-naive above this many notes")
    parser.add_argument("--skip-rdflib-endpoint-over", type=int, default=None,
                        help="sparql_bench leaves rdflib-endpoint out above this many public "
                             "notes (it parses 100 000 notes in minutes)")
    parser.add_argument("--out", type=Path, help="write the Markdown here (else stdout)")
    args = parser.parse_args()
    common.install_signal_handlers()
    started = datetime.datetime.now().astimezone()
    sections, commands, summary = [], [], []
    with tempfile.TemporaryDirectory(prefix="carnet-run-all-") as scratch:
        for size in args.sizes:
            folder = args.data_root / f"gen-{label(size)}"
            generated, seconds = generate(size, folder, args.seed)
            if generated:
                commands.append(relative(generated))
            info = f"{sum(f.stat().st_size for f in common.data_files(folder)) / common.MB:.0f} MB"
            parts = [f"### {size:,} notes".replace(",", " ") + f" (`{folder}`, {info})"]
            if generated:
                parts.append(f"Generated in {seconds:.1f} s.")
            figures = {}
            for script in args.only:
                command = [common.PYTHON, str(common.BENCH / f"{script}.py"), "--data",
                           str(folder)]
                if script in TIMED:
                    command += ["--seconds", f"{args.seconds:g}"]
                if script == "sparql_bench" and args.skip_rdflib_endpoint_over is not None:
                    command += ["--skip-rdflib-endpoint-over",
                                str(args.skip_rdflib_endpoint_over)]
                if script == "load_bench" and args.skip_naive_over is not None \
                        and size > args.skip_naive_over:
                    command.append("--skip-naive")
                commands.append(relative(command))
                result = Path(scratch) / f"{script}-{size}.json"
                code, output, took = run_script(script, [*command, "--json", str(result)])
                parts.append(f"#### {script} ({took:.0f} s)\n\n```\n$ {relative(command)}\n```\n")
                if code:
                    tail = "\n".join(output.strip().splitlines()[-15:])
                    parts.append(f"**Failed** (exit {code}); last output:\n\n```\n{tail}\n```")
                    common.say(f"  {script} failed with exit code {code}")
                    continue
                parts.append(output.strip())
                if result.exists():
                    figures[script] = json.loads(result.read_text(encoding="utf-8"))
            summary += summary_rows(size, figures)
            sections.append("\n\n".join(parts))

    machine = common.machine()
    lines = [f"## Scale benchmarks, {started:%Y-%m-%d %H:%M %Z}", "",
             "Run by hand with `bench/run_all.py` (ratios against peers measured in the same "
             "run; the machine may be shared: read ratios, not absolute times).", "",
             common.table(["machine", ""], [[k, v] for k, v in machine.items()], right=set()),
             "", "Commands (from the checkout):", "", "```",
             relative([common.PYTHON, *sys.argv]), *commands, "```", "",
             "### Targets", "",
             common.table(["notes", "measure", "value", "target", "met"], summary,
                          right=set()), "", *sections, ""]
    text = "\n".join(lines)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        common.say(f"wrote {args.out}")
    else:
        print(text)


if __name__ == "__main__":
    common.run(main)
