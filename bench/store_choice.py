"""Which embedded store and which validation path: pyoxigraph vs rdflib's memory store.

Generates N synthetic notes in our ontology, then measures, in the same run, loading and three
typical queries on both stores, and SHACL validation of the whole batch versus one resource.
Prints times and ratios (rdflib / pyoxigraph): compare ratios, not absolute times.

    .venv/bin/python bench/store_choice.py --notes 5000
"""

from __future__ import annotations

import argparse
import time

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from carnet_kg.config import Settings
from carnet_kg.namespaces import CKG, SKOS
from carnet_kg.validation import validate

BASE = "https://bench.example/"
LICENCE = URIRef("http://creativecommons.org/licenses/by/4.0/")

QUERIES = {
    "notes per notebook": f"""
        SELECT ?nb (COUNT(?n) AS ?c) WHERE {{ ?nb <{CKG.hasMembership}>/<{CKG.member}> ?n }}
        GROUP BY ?nb""",
    "notes using a term, with titles": f"""
        SELECT ?n ?title WHERE {{ ?n <{CKG.relatedTerm}> <{BASE}id/term/t7> ;
                                   <{DCTERMS.title}> ?title }}""",
    "title search": f"""
        SELECT ?n WHERE {{ ?n <{DCTERMS.title}> ?t FILTER(CONTAINS(LCASE(?t), "note 12")) }}""",
}


def generate(notes: int) -> Graph:
    graph = Graph()
    terms = [URIRef(f"{BASE}id/term/t{i}") for i in range(max(10, notes // 20))]
    lexicon = URIRef(f"{BASE}id/lexicon/lx")
    graph.add((lexicon, RDF.type, CKG.Lexicon))
    graph.add((lexicon, DCTERMS.title, Literal("Lexique", lang="fr")))
    issued = Literal("2024-01-01T10:00:00Z", datatype=XSD.dateTime)
    modified = Literal("2024-02-01T10:00:00Z", datatype=XSD.dateTime)
    for term in terms:
        graph.add((term, RDF.type, CKG.Term))
        graph.add((term, RDF.type, SKOS.Concept))
        graph.add((term, SKOS.prefLabel, Literal(f"terme {term[-3:]}", lang="fr")))
        graph.add((term, SKOS.inScheme, lexicon))
        for p, o in ((CKG.visibility, CKG.Public), (DCTERMS.license, LICENCE),
                     (DCTERMS.issued, issued), (DCTERMS.modified, modified)):
            graph.add((term, p, o))
    for i in range(notes):
        note = URIRef(f"{BASE}id/note/n{i}")
        graph.add((note, RDF.type, CKG.GeneralNote))
        graph.add((note, DCTERMS.title, Literal(f"Note {i}", lang="fr")))
        graph.add((note, CKG.body, Literal("Texte de la note. " * (5 + i % 40), lang="fr")))
        for p, o in ((CKG.visibility, CKG.Public), (DCTERMS.license, LICENCE),
                     (DCTERMS.issued, issued), (DCTERMS.modified, modified)):
            graph.add((note, p, o))
        graph.add((note, CKG.relatedTerm, terms[i % len(terms)]))
        graph.add((note, CKG.relatedTerm, terms[(i * 7) % len(terms)]))
        if i:
            graph.add((note, CKG.relatedNote, URIRef(f"{BASE}id/note/n{i - 1}")))
        notebook = URIRef(f"{BASE}id/notebook/nb{i // 100}")
        membership = URIRef(f"{notebook}#m{i}")
        graph.add((notebook, RDF.type, CKG.Notebook))
        graph.add((notebook, DCTERMS.title, Literal(f"Carnet {i // 100}", lang="fr")))
        graph.add((notebook, CKG.visibility, CKG.Public))
        graph.add((notebook, CKG.hasMembership, membership))
        graph.add((membership, RDF.type, CKG.Membership))
        graph.add((membership, CKG.member, note))
        graph.add((membership, CKG.position, Literal(i % 100 + 1)))
    return graph


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=2000)
    args = parser.parse_args()
    data = generate(args.notes)
    ntriples = data.serialize(format="nt").encode("utf-8")
    print(f"{args.notes} notes, {len(data)} triples\n")
    print(f"{'operation':<36}{'rdflib s':>10}{'oxigraph s':>12}{'ratio':>8}")

    memory = Graph()
    oxi = ox.Store()
    rows = [("load (parse N-Triples)",
             timed(lambda: memory.parse(data=ntriples, format="nt")),
             timed(lambda: oxi.load(ntriples, format=ox.RdfFormat.N_TRIPLES)))]
    for name, sparql in QUERIES.items():
        rdflib_time = timed(lambda s=sparql: list(memory.query(s)))
        oxigraph_time = timed(lambda s=sparql: list(oxi.query(s)))
        rows.append((f"query: {name}", rdflib_time, oxigraph_time))
    for name, a, b in rows:
        print(f"{name:<36}{a:>10.3f}{b:>12.4f}{a / b:>8.1f}")

    print(f"\nour write path, {args.notes} notes as one graph per resource:")
    from carnet_kg.identifiers import Identifiers
    from carnet_kg.ingest.rdf_files import SourceFile
    from carnet_kg.ingest.resources import split_resources
    from carnet_kg.store import EmbeddedStore, GraphWrite

    ids = Identifiers(BASE)
    split = split_resources([SourceFile("bench", {None: data})], ids)
    writes = [GraphWrite(ids.document_of(t), g, ("bench",)) for t, g in split.resources.items()]
    ours = EmbeddedStore(None, ids.metadata_graph)
    write_time = timed(lambda: ours.write(writes))
    bulk = ox.Store()
    bulk_time = timed(lambda: bulk.load(ntriples, format=ox.RdfFormat.N_TRIPLES))
    print(f"  Store.write ({len(writes)} graphs + metadata, one transaction): {write_time:.2f} s; "
          f"pyoxigraph load of the same triples into one graph: {bulk_time:.2f} s; "
          f"ratio {write_time / bulk_time:.1f}")

    settings = Settings()
    one = Graph()
    note = URIRef(f"{BASE}id/note/n1")
    for triple in data.triples((note, None, None)):
        one.add(triple)
    for target in one.objects():
        for triple in data.triples((target, RDF.type, None)):
            one.add(triple)
    whole = timed(lambda: validate(data, settings))
    single = timed(lambda: validate(one, settings))
    print(f"\nSHACL whole batch: {whole:.2f} s; one resource with its link targets' types: "
          f"{single:.3f} s; ratio {whole / single:.0f}")


if __name__ == "__main__":
    main()
