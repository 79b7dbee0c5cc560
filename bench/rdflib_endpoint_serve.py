"""The rdflib-endpoint peer of the Scale benchmarks: an N-Quads file parsed into an rdflib
Dataset whose default graph is the union of its graphs, served by rdflib_endpoint's
SparqlEndpoint (FastAPI) under uvicorn. Started by ``common.start_rdflib_endpoint``.

    .venv/bin/python bench/rdflib_endpoint_serve.py export.nq --port 8000
"""

from __future__ import annotations

import argparse
import sys
import time

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nquads", help="the data, as N-Quads")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    start = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(args.nquads, format="nquads")
    print(f"parsed {len(dataset)} triples in {time.perf_counter() - start:.1f} s",
          file=sys.stderr, flush=True)
    app = SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
