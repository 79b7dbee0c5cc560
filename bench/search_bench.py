"""Search at scale: SQLite FTS5 (our index) against a SPARQL text filter on pyoxigraph.

Generates N notes (bench/store_choice.py's generator, French bodies), stores them one graph per
resource, builds the search index, then times the same searches both ways and prints ratios.

    .venv/bin/python bench/search_bench.py --notes 100000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from store_choice import BASE, generate  # noqa: E402

from carnet_kg.identifiers import Identifiers  # noqa: E402
from carnet_kg.ingest.rdf_files import SourceFile  # noqa: E402
from carnet_kg.ingest.resources import split_resources  # noqa: E402
from carnet_kg.search import SearchIndex  # noqa: E402
from carnet_kg.store import EmbeddedStore, GraphWrite  # noqa: E402

SEARCHES = ["texte", "note 4242", "carnet", "terme t7", "Texte de la note"]


def sparql_search(store: EmbeddedStore, text: str) -> int:
    words = [w.lower() for w in text.split()]
    filters = " && ".join(f'CONTAINS(LCASE(STR(?t)), "{w}")' for w in words)
    rows = store.query(
        "SELECT DISTINCT ?r WHERE { ?r ?p ?t FILTER(isLiteral(?t) && " + filters + ") } LIMIT 20"
    ).rows
    return len(rows)


def timed(action, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100_000)
    args = parser.parse_args()
    ids = Identifiers(BASE)
    data = generate(args.notes)
    split = split_resources([SourceFile("bench", {None: data})], ids)
    store = EmbeddedStore(None, ids.metadata_graph)
    start = time.perf_counter()
    store.write([GraphWrite(ids.document_of(t), g) for t, g in split.resources.items()])
    print(f"{args.notes} notes, {len(data)} triples stored in {time.perf_counter() - start:.1f} s")
    index = SearchIndex(None)
    start = time.perf_counter()
    count = index.rebuild(store, ids, "bench")
    print(f"search index: {count} documents built in {time.perf_counter() - start:.1f} s\n")
    print(f"{'search':<22}{'FTS5 ms':>10}{'SPARQL ms':>12}{'ratio':>8}{'hits':>8}")
    for text in SEARCHES:
        fts = timed(lambda t=text: index.search(t, limit=20))
        sparql = timed(lambda t=text: sparql_search(store, t), repeat=3)
        total = index.search(text, limit=20).total
        print(f"{text:<22}{fts * 1000:>10.2f}{sparql * 1000:>12.1f}{sparql / fts:>8.0f}{total:>8}")


if __name__ == "__main__":
    main()
