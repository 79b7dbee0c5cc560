"""Where ``link`` gets the two sides it compares: our resources (from the store) and an
external vocabulary's concepts (from a SKOS file in any RDF syntax)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS

from ..ingest.rdf_files import FORMATS, IngestError
from ..namespaces import CKG
from ..store import Store
from .matching import Labelled

KIND_CLASSES = {"term": CKG.Term, "person": CKG.Person, "organisation": CKG.Organisation,
                "community": CKG.Community}
PREFERRED = (SKOS.prefLabel, DCTERMS.title, FOAF.name, RDFS.label)
LANGUAGES = ("fr", "en", "")


def _wanted(label: Literal, languages: tuple[str, ...]) -> bool:
    return (label.language or "") in languages


def ours(store: Store, kinds: list[str], languages: tuple[str, ...] = LANGUAGES
         ) -> list[Labelled]:
    """Our resources of these kinds with their labels (the store holds only public ones)."""
    classes = ", ".join(f"<{KIND_CLASSES[k]}>" for k in kinds)
    preferred = ", ".join(f"<{p}>" for p in PREFERRED)
    rows = store.query(
        f"SELECT ?s ?p ?label WHERE {{ ?s a ?class FILTER(?class IN ({classes})) "
        f"?s ?p ?label FILTER(?p IN ({preferred}, <{SKOS.altLabel}>)) }}").rows
    return _labelled(((row["s"], row["p"], row["label"]) for row in rows), languages)


def _labelled(triples, languages: tuple[str, ...]) -> list[Labelled]:
    preferred: dict[str, set[str]] = defaultdict(set)
    alternative: dict[str, set[str]] = defaultdict(set)
    for subject, prop, label in triples:
        if not isinstance(label, Literal) or not _wanted(label, languages):
            continue
        table = alternative if prop == SKOS.altLabel else preferred
        table[str(subject)].add(str(label))
    return [Labelled(iri, tuple(sorted(preferred[iri])),
                     tuple(sorted(alternative[iri] - preferred[iri])))
            for iri in sorted(set(preferred) | set(alternative)) if preferred[iri]]


def from_vocabulary_file(path: Path, languages: tuple[str, ...] = LANGUAGES) -> list[Labelled]:
    """The labelled concepts of a SKOS file (or anything with rdfs:label). Raises IngestError."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise IngestError(f"{path}: unknown RDF file extension {path.suffix!r}; "
                          f"known: {', '.join(sorted(FORMATS))}")
    graph = Graph()
    try:
        graph.parse(str(path), format=fmt)
    except Exception as error:  # rdflib parsers raise many unrelated types
        raise IngestError(f"{path}: not valid RDF: {' '.join(str(error).split())[:300]}"
                          ) from error
    triples = ((s, p, o) for p in (*PREFERRED, SKOS.altLabel) for s, o in
               graph.subject_objects(p))
    return _labelled(triples, languages)
