"""SSSOM mapping sets as RDF, and back.

Each row becomes a mapping record inside the description of its subject (a hash IRI of the
term, person, community or organisation: it is published, withdrawn and versioned with it),
in the SSSOM OWL reading (``owl:annotatedSource/Property/Target`` plus SSSOM slots). A reviewed
positive row also becomes the statement itself (``<term> skos:exactMatch <concept>``); an
unreviewed or negated one stays a record. The set's own metadata goes to the graph named after
the file. ``export`` reads the records back into SSSOM/TSV.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from ..identifiers import Identifiers
from ..ingest.rdf_files import IngestError, SourceFile
from ..namespaces import PAV, SCHEMA, SH, SSSOM
from ..store import Store
from . import sssom
from .vocabularies import malformed

MAPPING_PREDICATES = {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
                      SKOS.relatedMatch, SCHEMA.sameAs}
MAPPED_KINDS = {"term", "person", "community", "organisation"}
IRI_SLOTS = {"author_id": PAV.authoredBy, "reviewer_id": SSSOM.reviewer_id}
TEXT_SLOTS = ("subject_label", "object_label", "author_label", "reviewer_label",
              "predicate_modifier", "mapping_tool")
SET_TEXT = {"mapping_set_version": SSSOM.mapping_set_version, "mapping_set_title": DCTERMS.title,
            "mapping_set_description": DCTERMS.description, "creator_label": SSSOM.creator_label,
            "comment": RDFS.comment}


def record_iri(subject: str, mapping: sssom.Mapping, set_id: str) -> URIRef:
    """A stable IRI for a mapping record: a fragment of its subject."""
    key = "|".join((set_id, mapping.predicate_id, mapping.object_id,
                    "Not" if mapping.negated else "", mapping.mapping_justification,
                    *mapping.get("author_id", ()), *mapping.get("author_label", ())))
    return URIRef(f"{subject}#mapping-{hashlib.sha1(key.encode()).hexdigest()[:12]}")


def _check(mapping: sssom.Mapping, label: str, ids: Identifiers) -> None:
    where = f"{label}, line {mapping.line}"
    thing = ids.parse_thing(mapping.subject_id)
    if thing is None or ids.owner(mapping.subject_id) != URIRef(mapping.subject_id) \
            or thing.kind not in MAPPED_KINDS:
        raise IngestError(f"{where}: subject {mapping.subject_id} is not a term, person, "
                          f"community or organisation of ours ({ids.base}id/…)")
    if URIRef(mapping.predicate_id) == OWL.sameAs:
        raise IngestError(f"{where}: owl:sameAs states identity with all its consequences; "
                          "use skos:exactMatch (concepts) or schema:sameAs (agents)")
    if URIRef(mapping.predicate_id) not in MAPPING_PREDICATES:
        raise IngestError(f"{where}: predicate {mapping.predicate_id} is not a mapping "
                          "predicate (skos:exactMatch, closeMatch, broadMatch, narrowMatch, "
                          "relatedMatch, schema:sameAs)")
    if ids.owner(mapping.object_id) is not None:
        raise IngestError(f"{where}: object {mapping.object_id} is one of our own resources; "
                          "mappings point outside (use skos:related or broader inside)")
    problem = malformed(mapping.object_id)
    if problem:
        raise IngestError(f"{where}: object {mapping.object_id}: {problem}")


def _literal(slot: str, value: str) -> Literal:
    if slot == "confidence":
        return Literal(float(value), datatype=XSD.double)
    if slot == "mapping_date":
        try:
            return Literal(date.fromisoformat(value))
        except ValueError:
            return Literal(value)
    return Literal(value)


def _record(graph: Graph, mapping: sssom.Mapping, set_id: URIRef) -> None:
    node = record_iri(mapping.subject_id, mapping, str(set_id))
    graph.add((node, RDF.type, SSSOM.Mapping))
    graph.add((node, SSSOM.mapping_set_id, set_id))
    graph.add((node, OWL.annotatedSource, URIRef(mapping.subject_id)))
    graph.add((node, OWL.annotatedProperty, URIRef(mapping.predicate_id)))
    graph.add((node, OWL.annotatedTarget, URIRef(mapping.object_id)))
    graph.add((node, SSSOM.mapping_justification, URIRef(mapping.mapping_justification)))
    for slot, predicate in IRI_SLOTS.items():
        for value in mapping.get(slot, ()):
            graph.add((node, predicate, URIRef(value)))
    for slot in TEXT_SLOTS:
        values = mapping.get(slot, ())
        for value in values if isinstance(values, tuple) else (values,):
            graph.add((node, SSSOM[slot], Literal(value)))
    for slot in ("confidence", "mapping_date"):
        if mapping.get(slot):
            graph.add((node, SSSOM[slot], _literal(slot, mapping.get(slot))))
    if mapping.get("comment"):
        graph.add((node, RDFS.comment, Literal(mapping.get("comment"))))


def _set_description(mapping_set: sssom.MappingSet) -> Graph:
    graph = Graph()
    node = URIRef(mapping_set.mapping_set_id)
    graph.add((node, RDF.type, SSSOM.MappingSet))
    graph.add((node, DCTERMS.license, URIRef(mapping_set.license)))
    for key, value in mapping_set.metadata.items():
        if key in SET_TEXT:
            for text in value if isinstance(value, list) else [value]:
                graph.add((node, SET_TEXT[key], Literal(str(text))))
        elif key == "creator_id":
            for creator in value if isinstance(value, list) else [value]:
                graph.add((node, DCTERMS.creator, URIRef(sssom.expand(
                    str(creator), mapping_set.prefixes, "creator_id"))))
        elif key == "mapping_date":
            graph.add((node, SSSOM.mapping_date, _literal("mapping_date", str(value))))
    for prefix, namespace in sorted(mapping_set.prefixes.items()):
        if prefix in sssom.BUILTIN_PREFIXES:
            continue
        declaration = BNode()
        graph.add((node, SH.declare, declaration))
        graph.add((declaration, SH.prefix, Literal(prefix)))
        graph.add((declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    return graph


def read_mapping_file(path: Path, label: str, ids: Identifiers) -> SourceFile:
    """An SSSOM/TSV file as a source: records and reviewed statements (their subjects'
    resources), the set's description (external data). Raises IngestError."""
    try:
        mapping_set = sssom.read(path, label, ids.base)
    except sssom.SSSOMError as error:
        raise IngestError(str(error)) from error
    graph = _set_description(mapping_set)
    set_id = URIRef(mapping_set.mapping_set_id)
    for mapping in mapping_set.mappings:
        _check(mapping, label, ids)
        _record(graph, mapping, set_id)
        if mapping.reviewed and not mapping.negated:
            graph.add((URIRef(mapping.subject_id), URIRef(mapping.predicate_id),
                       URIRef(mapping.object_id)))
    return SourceFile(label, {None: graph})


# ---- back to SSSOM/TSV --------------------------------------------------------------------

def _values(graph: Graph, node, predicate) -> list[str]:
    return sorted(str(v) for v in graph.objects(node, predicate))


def _mapping_of(graph: Graph, node) -> sssom.Mapping:
    values: dict[str, str | tuple[str, ...]] = {}
    for slot, predicate in IRI_SLOTS.items():
        if found := _values(graph, node, predicate):
            values[slot] = tuple(found)
    for slot in TEXT_SLOTS:
        if found := _values(graph, node, SSSOM[slot]):
            values[slot] = tuple(found) if slot in sssom.MULTIVALUED else found[0]
    for slot in ("confidence", "mapping_date"):
        if found := _values(graph, node, SSSOM[slot]):
            values[slot] = found[0]
    if found := _values(graph, node, RDFS.comment):
        values["comment"] = found[0]
    one = {p: str(graph.value(node, p)) for p in (OWL.annotatedSource, OWL.annotatedProperty,
                                                  OWL.annotatedTarget,
                                                  SSSOM.mapping_justification)}
    return sssom.Mapping(one[OWL.annotatedSource], one[OWL.annotatedProperty],
                         one[OWL.annotatedTarget], one[SSSOM.mapping_justification],
                         values=values)


def mapping_sets(store: Store) -> dict[str, sssom.MappingSet]:
    """Every mapping set in the store, with its records (in subject, predicate, object order)."""
    graph = store.query(
        "CONSTRUCT { ?s ?p ?o . ?o ?dp ?dv } WHERE { "
        f"{{ ?s a <{SSSOM.Mapping}> }} UNION {{ ?s a <{SSSOM.MappingSet}> }} ?s ?p ?o "
        f"OPTIONAL {{ FILTER(?p = <{SH.declare}>) ?o ?dp ?dv }} }}").graph
    found: dict[str, sssom.MappingSet] = {}
    for node in graph.subjects(RDF.type, SSSOM.MappingSet):
        prefixes = dict(sssom.BUILTIN_PREFIXES)
        for declaration in graph.objects(node, SH.declare):
            prefixes[str(graph.value(declaration, SH.prefix))] = str(
                graph.value(declaration, SH.namespace))
        metadata: dict[str, object] = {}
        for key, predicate in SET_TEXT.items():
            values = _values(graph, node, predicate)
            if values:
                metadata[key] = values if key == "creator_label" and len(values) > 1 \
                    else values[0]
        if creators := _values(graph, node, DCTERMS.creator):
            metadata["creator_id"] = [sssom.compact(c, prefixes) for c in creators]
        if (value := graph.value(node, SSSOM.mapping_date)) is not None:
            metadata["mapping_date"] = str(value)
        found[str(node)] = sssom.MappingSet(str(node), str(graph.value(node, DCTERMS.license)),
                                            prefixes, metadata)
    required = (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget,
                SSSOM.mapping_justification)
    for node in graph.subjects(RDF.type, SSSOM.Mapping):
        owner = found.get(str(graph.value(node, SSSOM.mapping_set_id)))
        if owner is not None and all(graph.value(node, p) is not None for p in required):
            owner.mappings.append(_mapping_of(graph, node))
    for mapping_set in found.values():
        mapping_set.mappings.sort(key=lambda m: (m.subject_id, m.predicate_id, m.object_id))
    return found
