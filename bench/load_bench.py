"""Loading at scale: `carnet-kg load DIR` against the naive path, then re-loading one note.

Measures, each in a subprocess of its own (wall time, peak RSS of its process tree, polled):

- ours: `carnet-kg load DIR` into a fresh store (read, split into one graph per resource, SHACL
  validation, publish policy, one transaction);
- the naive path: rdflib parses the same files into one Graph, then pyshacl validates the whole
  graph with our shapes and ontology, with the options of src/carnet_kg/validation.py
  (inference none, advanced, warnings allowed); it writes nothing. SSSOM mapping files are not
  RDF: the naive path skips them.

Ratio ours / naive (target ≤ 0.35) and our peak memory (target < 1.5 GB). Then the re-load of
one changed note into the loaded store: a Turtle file holding just that note's description
(its stored graph with its title changed, the smallest unit `load` accepts: it replaces the
note's graph), loaded in-process with `pipeline.load` (first load in the process, then the
median of further notes; target < 0.1 s) and with the CLI (a new process).

    .venv/bin/python bench/load_bench.py --data /tmp/gen-10k
    .venv/bin/python bench/load_bench.py --data /tmp/gen-100k --skip-naive

The loaded store is kept (before the re-loads) in the cache the other benchmarks read
(common.CACHE), unless --no-cache.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def naive_child(data: Path, base: str) -> None:
    """The naive path, in this process: prints its figures as one JSON line."""
    import pyshacl
    from rdflib import Dataset, Graph, URIRef
    from rdflib.util import guess_format

    from carnet_kg.config import Settings

    SH_RESULT = URIRef("http://www.w3.org/ns/shacl#result")  # noqa: N806
    settings = Settings(base=base)
    shapes = Graph().parse(settings.shapes, format="turtle")
    ontology = Graph().parse(settings.ontology, format="turtle")
    skipped = 0
    start = time.perf_counter()
    graph = Graph()
    for file in common.data_files(data):
        if file.name.lower().endswith(common.MAPPING_SUFFIX):
            skipped += 1
            continue
        fmt = guess_format(str(file)) or "turtle"
        if fmt in ("nquads", "trig"):
            quads = Dataset()
            quads.parse(str(file), format=fmt, publicID=base)
            for s, p, o, _ in quads.quads():
                graph.add((s, p, o))
        else:
            graph.parse(str(file), format=fmt, publicID=base)
    parsed = time.perf_counter()
    conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=ontology,
                                           inference="none", advanced=True,
                                           allow_warnings=True)
    validated = time.perf_counter()
    results = sum(1 for _ in report.triples((None, SH_RESULT, None)))
    print(json.dumps({"parse": parsed - start, "validate": validated - parsed,
                      "triples": len(graph), "conforms": bool(conforms), "results": results,
                      "skipped_mapping_files": skipped}))


def changed_note_files(store_path: Path, base: str, notes: list[str], work: Path) -> list[Path]:
    """One Turtle file per note: its stored description with its title(s) changed."""
    from rdflib import Literal
    from rdflib.namespace import DCTERMS

    from carnet_kg.config import Settings
    from carnet_kg.identifiers import Identifiers
    from carnet_kg.store import open_store

    settings = Settings(base=base, store=str(store_path))
    ids = Identifiers(base)
    store = open_store(settings, read_only=True)
    files = []
    try:
        for number, iri in enumerate(notes):
            thing = ids.parse_thing(iri)
            graph = store.graph(ids.document(thing.kind, thing.key))
            if not len(graph):
                raise RuntimeError(f"no stored graph for {iri}")
            for subject, title in list(graph.subject_objects(DCTERMS.title)):
                graph.remove((subject, DCTERMS.title, title))
                graph.add((subject, DCTERMS.title,
                           Literal(f"{title} (révisé {number})", lang=title.language)))
            path = work / f"changed-note-{number}.ttl"
            graph.serialize(path, format="turtle")
            files.append(path)
    finally:
        store.close()
    return files


def changed_source_file(data: Path, base: str, note: str, work: Path) -> Path:
    """A copy of the data file that describes ``note``, with that note's title changed (the
    operator's way: edit the file, load it again; its other resources are unchanged)."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS
    from rdflib.util import guess_format

    key = note[len(base):]  # id/note/…
    needles = (f"<{note}>".encode(), f"<{key}>".encode())
    files = [f for f in common.data_files(data)
             if not f.name.lower().endswith(common.MAPPING_SUFFIX)]
    contents = ((f, f.read_bytes()) for f in files)
    # the file where the note is a subject (a line starts with it) first, then any mention
    mentions = [(f, c) for f, c in contents if any(n in c for n in needles)]
    mentions.sort(key=lambda fc: not any(b"\n" + n in fc[1] for n in needles))
    for file, content in mentions:
        graph = Graph().parse(data=content, format=guess_format(str(file)) or "turtle",
                              publicID=base)
        subject = URIRef(note)
        titles = list(graph.objects(subject, DCTERMS.title))
        if not titles:
            continue
        for title in titles:
            graph.remove((subject, DCTERMS.title, title))
            graph.add((subject, DCTERMS.title, Literal(f"{title} (révisé)", lang=title.language)))
        target = work / "edited" / file.name
        target.parent.mkdir(exist_ok=True)
        graph.serialize(target, format="turtle")
        return target
    raise RuntimeError(f"no data file describes {note}")


def reload_in_process(store_path: Path, base: str, files: list[Path], expect: int | None = 1
                      ) -> list[tuple[float, int]]:
    """pipeline.load of each file, one after the other, in this process (the first pays for
    reading the shapes and the ontology): seconds and graphs written, ``expect`` if given."""
    from carnet_kg import pipeline
    from carnet_kg.config import Settings
    from carnet_kg.store import open_store

    settings = Settings(base=base, store=str(store_path))
    store = open_store(settings)
    times = []
    try:
        for file in files:
            start = time.perf_counter()
            report = pipeline.load([file], settings, store)
            times.append((time.perf_counter() - start, report.written))
            if expect is not None and report.written != expect:
                raise RuntimeError(f"re-load of {file.name} wrote {report.written} graph(s): "
                                   f"{report.summary()}")
    finally:
        store.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a generated data folder")
    parser.add_argument("--base", help="base IRI of the data (default: found in the files)")
    parser.add_argument("--skip-naive", action="store_true", help="do not run the naive path")
    parser.add_argument("--naive-timeout", type=float, default=3600,
                        help="seconds after which the naive path is stopped (default 3600)")
    parser.add_argument("--reloads", type=int, default=5,
                        help="changed notes re-loaded in-process after the first (default 5)")
    parser.add_argument("--skip-file-reload", action="store_true",
                        help="do not re-load the whole data file of a changed note")
    parser.add_argument("--file-cli", action="store_true",
                        help="also re-load a whole data file with the CLI")
    parser.add_argument("--no-cache", action="store_true",
                        help="do not keep the loaded store for the other benchmarks")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--naive-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    base = args.base or common.detect_base(args.data)
    if args.naive_child:
        naive_child(args.data, base)
        return
    common.install_signal_handlers()
    files = common.data_files(args.data)
    size = sum(f.stat().st_size for f in files)
    common.say(f"data: {args.data} ({len(files)} file(s), {size / common.MB:.1f} MB); base {base}")
    results: dict = {"data": str(args.data), "base": base}
    with common.workspace("carnet-load-", args.keep) as work:
        store = work / "store"
        common.say("carnet-kg load…")
        ours = common.load_store(args.data, base, store, work)
        triples = common.count_triples(ours.output)
        results["ours"] = {"seconds": ours.seconds, "peak_rss": ours.peak_rss,
                           "triples_validated": triples}
        common.say(f"  {ours.seconds:.1f} s, peak RSS {common.mb(ours.peak_rss)} MB; "
                   f"{ours.output.strip().splitlines()[-3]}")
        common.save_prepared(args.data, base, store, None if args.no_cache else common.CACHE)

        naive = None
        if not args.skip_naive:
            common.say("naive path (rdflib parse + pyshacl on the whole graph)…")
            try:
                run = common.run_measured(
                    [common.PYTHON, str(Path(__file__).resolve()), "--naive-child",
                     "--data", str(args.data.resolve()), "--base", base],
                    cwd=work, timeout=args.naive_timeout)
            except subprocess.TimeoutExpired:
                run = None
            if run is None:
                common.say(f"  stopped after {args.naive_timeout:.0f} s")
                results["naive"] = {"timeout": args.naive_timeout}
            elif run.returncode:
                raise RuntimeError(f"the naive path failed:\n{run.output[-3000:]}")
            else:
                figures = json.loads(run.output.strip().splitlines()[-1])
                naive = {"seconds": run.seconds, "peak_rss": run.peak_rss, **figures}
                results["naive"] = naive
                common.say(f"  {run.seconds:.1f} s (parse {figures['parse']:.1f} s, validate "
                           f"{figures['validate']:.1f} s), peak RSS {common.mb(run.peak_rss)} MB; "
                           f"{figures['triples']} triples, conforms {figures['conforms']}")

        common.say("re-load of one changed note…")
        notes = common.sample_resources(store, base, args.reloads + 2, seed=7)["note"]
        if len(notes) < 2:
            raise RuntimeError("the store holds fewer than two notes")
        changed = changed_note_files(store, base, notes, work)
        in_process = [seconds for seconds, _ in reload_in_process(store, base, changed[:-1])]
        cli = common.run_measured([*common.CARNET, "load", str(changed[-1])],
                                  env=common.carnet_env(store, base), cwd=work)
        if cli.returncode:
            raise RuntimeError(f"carnet-kg load of one note failed:\n{cli.output[-3000:]}")
        warm = in_process[1:]
        results["reload"] = {"first": in_process[0], "others": warm,
                             "median": statistics.median(warm) if warm else None,
                             "cli_seconds": cli.seconds, "cli_peak_rss": cli.peak_rss,
                             "note_triples": _triples_in(changed[0])}
        file_rows = []
        if not args.skip_file_reload:
            common.say("re-load of the data file holding a changed note…")
            edited = changed_source_file(args.data, base, notes[0], work)
            # the notes changed above are in their files as before: re-loaded too if there
            seconds, written = reload_in_process(store, base, [edited], None)[0]
            triples_in_file = _triples_in(edited)
            results["reload"].update({"file": edited.name, "file_triples": triples_in_file,
                                      "file_in_process": seconds, "file_written": written})
            file_rows.append([f"in-process pipeline.load of the note's whole file {edited.name} "
                              f"({triples_in_file} triples; {written} changed graph(s) written)",
                              f"{seconds:.3f}", common.ratio(seconds, ours.seconds)])
            if args.file_cli:
                other = changed_source_file(args.data, base, notes[1], work)
                run = common.run_measured([*common.CARNET, "load", str(other)],
                                          env=common.carnet_env(store, base), cwd=work)
                if run.returncode:
                    raise RuntimeError(f"carnet-kg load of a file failed:\n{run.output[-3000:]}")
                results["reload"]["file_cli_seconds"] = run.seconds
                file_rows.append([f"CLI `carnet-kg load {other.name}` (another note changed)",
                                  f"{run.seconds:.3f}", common.ratio(run.seconds, ours.seconds)])

    print()
    print(f"Full load of {args.data} ({triples} triples validated by ours):\n")
    rows = [["wall time (s)", f"{ours.seconds:.2f}",
             f"{naive['seconds']:.2f}" if naive else "—",
             common.ratio(ours.seconds, naive["seconds"]) if naive else "—"]]
    if naive:
        rows += [["  of which rdflib parse (s)", "—", f"{naive['parse']:.2f}", ""],
                 ["  of which pyshacl validate (s)", "—", f"{naive['validate']:.2f}", ""]]
    rows.append(["peak RSS (MB)", common.mb(ours.peak_rss),
                 common.mb(naive["peak_rss"]) if naive else "—",
                 common.ratio(ours.peak_rss, naive["peak_rss"]) if naive else "—"])
    print(common.table(["", "carnet-kg load", "naive: rdflib + pyshacl", "ratio ours/naive"],
                       rows))
    verdicts = [f"peak memory {common.mb(ours.peak_rss)} MB: "
                f"{'meets' if ours.peak_rss < 1.5 * 1024 * common.MB else 'misses'} "
                "the target < 1.5 GB"]
    if naive:
        value = ours.seconds / naive["seconds"]
        verdicts.insert(0, f"time ratio {value:.2f}: "
                           f"{'meets' if value <= 0.35 else 'misses'} the target ≤ 0.35")
    print("\n" + "; ".join(verdicts) + ".")

    reload = results["reload"]
    print(f"\nRe-load of one changed note ({reload['note_triples']} triples) into the loaded "
          "store:\n")
    rows = [["in-process pipeline.load, first in the process", f"{reload['first']:.3f}",
             common.ratio(reload["first"], ours.seconds)]]
    if warm:
        rows.append([f"in-process pipeline.load, median of {len(warm)} more notes",
                     f"{reload['median']:.3f}", common.ratio(reload["median"], ours.seconds)])
    rows.append(["CLI `carnet-kg load note.ttl` (new process)", f"{cli.seconds:.3f}",
                 common.ratio(cli.seconds, ours.seconds)])
    rows += file_rows
    print(common.table(["re-load", "seconds", "ratio to the full load"], rows))
    steady = reload["median"] if warm else reload["first"]
    print(f"\nin-process re-load {steady:.3f} s: "
          f"{'meets' if steady < 0.1 else 'misses'} the target < 0.1 s.")
    common.write_json(args.json, results)


def _triples_in(path: Path) -> int:
    from rdflib import Graph

    return len(Graph().parse(path, format="turtle"))


if __name__ == "__main__":
    common.run(main)
