"""SHACL validation of a generated knowledge base: pyshacl against the compiled SPARQL shapes.

    .venv/bin/python bench/validate_bench.py --notes 10000 [--skip-pyshacl] [--data DIR]

Builds N notes with ``bench/generate.py`` (``write_kb``; ``store_choice.generate`` if it is
missing), reads them as ``carnet-kg validate`` does (``pipeline.check``, whose data is captured:
the very graphs validation gets), then validates them with pyshacl
(``validation.validate(..., compiled=False)``) and with ``shacl_sparql.validate_graph``, and
prints both times, their ratio and whether the two reports are equal (same violations, same
conforms). The compiled time is split into copying the rdflib graphs into an in-memory
pyoxigraph store and running the queries (what a load parsing straight into pyoxigraph pays).

``--break K`` removes the licence of K public notes first, so that the reports are not empty.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import DCTERMS

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from carnet_kg import pipeline, shacl_sparql, validation  # noqa: E402
from carnet_kg.config import Settings  # noqa: E402
from carnet_kg.namespaces import CKG  # noqa: E402


def build(notes: int, folder: Path) -> str:
    """Write the data under ``folder``; return the base its relative IRIs resolve against."""
    try:
        from generate import BASE, write_kb
    except ImportError:
        from store_choice import BASE, generate

        generate(notes).serialize(folder / "data.ttl", format="turtle")
        return BASE
    write_kb(notes, folder, seed=1)
    return BASE


def captured_data(folder: Path, settings: Settings):
    """The data graph (and source_of / concerns) that ``pipeline.check`` hands to validation."""
    seen = {}

    def capture(data, settings, source_of=None, concerns=None, compiled=None):
        seen.update(data=data, source_of=source_of, concerns=concerns)
        return validation.Report(conforms=True)

    real = pipeline.validate
    pipeline.validate = capture
    try:
        pipeline.check([folder], settings)
    finally:
        pipeline.validate = real
    return seen["data"], seen["source_of"], seen["concerns"]


def key(report: validation.Report) -> list[tuple]:
    return sorted(
        (v.focus, v.path or "", v.value or "", sorted(v.messages.items()), v.severity,
         v.shape or "", v.source or "")
        for v in report.violations
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--data", type=Path, help="an existing generated folder")
    parser.add_argument("--skip-pyshacl", action="store_true")
    parser.add_argument("--break", dest="broken", type=int, default=0,
                        help="drop the licence of this many public notes")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="validate-bench-") as tmp:
        folder = args.data or Path(tmp) / "kb"
        if args.data is None:
            started = time.perf_counter()
            base = build(args.notes, folder)
            print(f"generated {args.notes} notes in {time.perf_counter() - started:.1f} s")
        else:
            from generate import BASE as base
        settings = Settings(base=base)
        started = time.perf_counter()
        data, source_of, concerns = captured_data(folder, settings)
        took = time.perf_counter() - started
        print(f"read (pipeline.check): {len(data)} triples in {took:.1f} s")
        if args.broken:
            # graph by graph: a note's triples are in its own graph of the aggregate
            found = [
                (str(s), graph)
                for graph in getattr(data, "graphs", [data])
                for s in graph.subjects(CKG.visibility, CKG.Public)
                if "/id/note/" in str(s) and (s, DCTERMS.license, None) in graph
            ]
            public = sorted(found, key=lambda item: item[0])[: args.broken]
            for note, graph in public:
                graph.remove((URIRef(note), DCTERMS.license, None))
            print(f"removed the licence of {len(public)} public notes")

        compiled = shacl_sparql.compiled_for(settings)  # compiled once per process
        gc.collect()  # no collection of earlier garbage inside the timed parts
        gc.disable()  # as validate_graph does
        started = time.perf_counter()
        store, terms = shacl_sparql.load_graph(data)
        copy = time.perf_counter() - started
        started = time.perf_counter()
        compiled.validate(store, terms=terms, namespaces=data)
        queries = time.perf_counter() - started
        gc.enable()
        del store, terms
        gc.collect()
        started = time.perf_counter()
        fast = shacl_sparql.validate_graph(data, settings, source_of, concerns)
        compiled_total = time.perf_counter() - started
        print(f"compiled: {compiled_total:.2f} s (copy to pyoxigraph {copy:.2f} s, "
              f"queries and report {queries:.2f} s), {len(fast.violations)} violation(s), "
              f"conforms={fast.conforms}")
        if args.skip_pyshacl:
            return 0
        gc.collect()
        started = time.perf_counter()
        reference = validation.validate(data, settings, source_of, concerns, compiled=False)
        slow = time.perf_counter() - started
        print(f"pyshacl:  {slow:.2f} s, {len(reference.violations)} violation(s), "
              f"conforms={reference.conforms}")
        same = key(reference) == key(fast) and reference.conforms == fast.conforms
        print(f"ratio pyshacl / compiled: {slow / compiled_total:.1f} "
              f"(queries only: {slow / queries:.1f})")
        print(f"reports equal: {same}")
        return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
