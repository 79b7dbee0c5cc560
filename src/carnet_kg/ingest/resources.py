"""Split parsed sources into one graph per resource of ours, plus graphs of external data.

A resource owns the triples whose subject is its IRI, one of its hash IRIs, or a blank node
reached from those. Everything else (an operator's external vocabulary, say) stays in the named
graph it came in, or in a graph named after its source file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath

from rdflib import BNode, Graph, URIRef

from ..identifiers import Identifiers
from .rdf_files import IngestError, SourceFile


@dataclass
class ResourceSplit:
    """Resources by thing IRI, external graphs by name, and which files contributed to each."""

    resources: dict[URIRef, Graph] = field(default_factory=dict)
    external: dict[URIRef, Graph] = field(default_factory=dict)
    sources: dict[URIRef, set[str]] = field(default_factory=lambda: defaultdict(set))
    # for resources described by several files: which triples each file gave (so that a file
    # whose every triple the policy dropped is not named as a source of what is published)
    origins: dict[URIRef, dict[str, set]] = field(default_factory=dict)

    def kept_sources(self, thing: URIRef, kept: Graph) -> set[str]:
        """The files that gave ``thing`` at least one triple still in ``kept``."""
        labels = self.sources.get(thing, set())
        given = self.origins.get(thing)
        if given is None:
            return set(labels)
        return {label for label in labels if any(t in kept for t in given.get(label, ()))}

    def merged(self) -> Graph:
        """All triples in one graph (what validation reads)."""
        graph = Graph()
        for part in (*self.resources.values(), *self.external.values()):
            for triple in part:
                graph.add(triple)
        return graph

    def source_of(self, node) -> str | None:
        """The file(s) a focus node came from, for error reports."""
        labels = self.sources.get(node)
        return ", ".join(sorted(labels)) if labels else None


def _graph(table: dict[URIRef, Graph], name: URIRef) -> Graph:
    if name not in table:
        table[name] = Graph()
    return table[name]


def _external_name(name: URIRef | None, source: SourceFile, ids: Identifiers) -> URIRef:
    """The graph external data goes to: its own name, or one made from the file's name."""
    if name is None:
        return ids.source_graph(PurePath(source.label).name)
    return name


def _place_external(split: ResourceSplit, name: URIRef, triple: tuple, label: str,
                    ids: Identifiers) -> None:
    """Put a triple that is not about a resource of ours into its external graph.

    Graph names under our id/ and doc/ are refused for such data: it would replace a resource's
    graph without being validated as one. (``graph/source/…`` names are ours for external data.)
    """
    if str(name).startswith((f"{ids.base}id/", f"{ids.base}doc/")):
        raise IngestError(
            f"{label}: the graph <{name}> holds data that is not about a carnet-kg resource, "
            "but its name is reserved for resource graphs; put that data in a graph of another "
            "name"
        )
    _graph(split.external, name).add(triple)
    split.sources[name].add(label)
    split.sources[triple[0]].add(label)


def split_resources(sources: list[SourceFile], ids: Identifiers) -> ResourceSplit:
    """Distribute every triple of ``sources`` to its resource or external graph."""
    split = ResourceSplit()
    loose: dict[BNode, list[tuple[tuple, URIRef, str]]] = defaultdict(list)
    for source in sources:
        for name, graph in source.graphs.items():
            if name == ids.metadata_graph:
                continue  # an exported metadata graph: load writes its own
            external_name = _external_name(name, source, ids)
            for triple in graph:
                subject = triple[0]
                owner = ids.owner(subject) if isinstance(subject, URIRef) else None
                if owner is not None:
                    _note_origin(split, owner, source.label, triple)
                    _graph(split.resources, owner).add(triple)
                    split.sources[owner].add(source.label)
                    split.sources[subject].add(source.label)
                elif isinstance(subject, BNode):
                    loose[subject].append((triple, external_name, source.label))
                else:
                    _place_external(split, external_name, triple, source.label, ids)
    _attach_blank_nodes(split, loose, ids)
    return split


def _note_origin(split: ResourceSplit, owner: URIRef, label: str, triple: tuple) -> None:
    """Which triples each file gave the resources that several files describe (rare: a
    mapping set beside its lexicon, a link added in another file). Until a second file
    speaks of a resource, all its triples are the first file's."""
    given = split.origins.get(owner)
    if given is None:
        known = split.sources.get(owner)
        if not known or label in known:
            return
        first = next(iter(known))
        given = split.origins[owner] = {first: set(split.resources[owner])}
    given.setdefault(label, set()).add(triple)


def _attach_blank_nodes(split: ResourceSplit, loose: dict, ids: Identifiers) -> None:
    """Give each blank node's triples to the resource that reaches it, else to its input graph.

    A blank node reached from two resources is refused: it would publish one resource's data
    inside the other, whatever their visibility.
    """
    frontier = [
        (obj, owner)
        for owner, graph in split.resources.items()
        for obj in graph.objects()
        if isinstance(obj, BNode)
    ]
    owners: dict[BNode, URIRef] = {}
    while frontier:
        node, owner = frontier.pop()
        if owners.setdefault(node, owner) != owner:
            files = split.source_of(owner) or "the input"
            raise IngestError(
                f"{files}: one blank node belongs to both <{owners[node]}> and <{owner}>; "
                "give it an IRI (a #fragment of one of them) or repeat it in each"
            )
        for triple, _, label in loose.pop(node, []):
            split.resources[owner].add(triple)
            split.sources[node].add(label)
            if isinstance(triple[2], BNode):
                frontier.append((triple[2], owner))
    for entries in loose.values():
        for triple, external_name, label in entries:
            _place_external(split, external_name, triple, label, ids)
