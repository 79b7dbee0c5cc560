"""The publish policy: which resources are public, and what a public resource may point to.

Notes, terms, notebooks and knowledge bases say their own visibility; categories follow their
notebook; persons, organisations, communities and lexicons are public. A public resource keeps
no link to a withheld one, and a node it owns (a notebook membership, say) that points to a
withheld resource is dropped whole, so not even the position of a hidden note leaks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef

from .identifiers import Identifiers
from .namespaces import CKG

SELF_VISIBLE_KINDS = {"note", "term", "notebook", "knowledge-base"}
ALWAYS_PUBLIC_KINDS = {"person", "organisation", "community", "lexicon"}


@dataclass
class PolicyResult:
    """What may be published, and counts (never IRIs) of what was held back."""

    published: dict[URIRef, Graph] = field(default_factory=dict)
    withheld: set[URIRef] = field(default_factory=set)
    withheld_by_kind: Counter = field(default_factory=Counter)
    dropped_links: int = 0


class PublishPolicy:
    """Decides visibility for one batch of resources, given what the store already publishes."""

    def __init__(
        self,
        ids: Identifiers,
        resources: dict[URIRef, Graph],
        stored_public: Callable[[URIRef], bool],
    ) -> None:
        self.ids = ids
        self.resources = resources
        self.stored_public = stored_public
        self._cache: dict[URIRef, bool] = {}
        self._targets: dict[URIRef, bool] = {}  # IRI → may a link point to it
        self._deciding = 0

    def is_public(self, thing: URIRef) -> bool:
        """Whether a thing of ours (from this batch, else from the store) may be published."""
        if thing not in self._cache:
            self._cache[thing] = False  # guards against category ↔ notebook cycles
            self._deciding += 1
            try:
                self._cache[thing] = self._decide(thing)
            finally:
                self._deciding -= 1
        return self._cache[thing]

    def _decide(self, thing: URIRef) -> bool:
        graph = self.resources.get(thing)
        if graph is None:
            return self.stored_public(thing)
        return self.decide(thing, graph)

    def decide(self, thing: URIRef, graph: Graph) -> bool:
        """Whether ``thing``, described by ``graph``, may be published."""
        kind = self.ids.parse_thing(thing).kind
        if kind in ALWAYS_PUBLIC_KINDS:
            return True
        if kind in SELF_VISIBLE_KINDS:
            return set(graph.objects(thing, CKG.visibility)) == {CKG.Public}
        notebooks = list(graph.objects(thing, CKG.categoryOf))
        return bool(notebooks) and all(self._target_public(n) for n in notebooks)

    def _target_public(self, node) -> bool:
        """False only for things of ours that are withheld; outside IRIs and literals pass."""
        if not isinstance(node, URIRef):
            return True
        known = self._targets.get(node)
        if known is None:
            owner = self.ids.owner(node)
            known = owner is None or self.is_public(owner)
            if not self._deciding:  # mid-decision answers may be a cycle guard's False
                self._targets[node] = known
        return known

    def apply(self) -> PolicyResult:
        result = PolicyResult()
        for thing, graph in self.resources.items():
            if self.is_public(thing):
                kept, dropped = self.filter_links(thing, graph)
                result.published[thing] = kept
                result.dropped_links += dropped
            else:
                result.withheld.add(thing)
                result.withheld_by_kind[self.ids.parse_thing(thing).kind] += 1
        return result

    def filter_links(self, thing: URIRef, graph: Graph) -> tuple[Graph, int]:
        """``graph`` without links to withheld things (a copy if any is dropped); returns it and
        the drop count."""
        if all(self._target_public(term) for triple in graph for term in _terms(triple)[1:]):
            return graph, 0  # nothing to drop (the common case): no copy
        kept = Graph()
        for triple in graph:
            kept.add(triple)
        dropped = 0
        for node in {s for s in kept.subjects() if s != thing}:
            if any(not self._target_public(o) for o in kept.objects(node, None)):
                dropped += _remove_node(kept, node)
        for triple in list(kept):
            if not all(self._target_public(term) for term in _terms(triple)[1:]):
                kept.remove(triple)
                dropped += 1
        return kept, dropped

    def filter_external(self, graph: Graph) -> tuple[Graph, int]:
        """A copy of an external graph without the nodes that point at withheld things: a
        node's other statements (a mapping record's labels, say) would tell of them."""
        tainted = {s for triple in graph for s in [triple[0]]
                   if not all(self._target_public(term) for term in _terms(triple))}
        kept = Graph()
        dropped = 0
        for triple in graph:
            if triple[0] in tainted or not all(self._target_public(t) for t in _terms(triple)):
                dropped += 1
            else:
                kept.add(triple)
        return kept, dropped


def _terms(triple: tuple) -> tuple:
    """Subject, predicate, object, and a literal's datatype: every IRI a triple can carry."""
    subject, predicate, obj = triple
    datatype = obj.datatype if isinstance(obj, Literal) and obj.datatype else None
    return (subject, predicate, obj) + ((datatype,) if datatype else ())


def _remove_node(graph: Graph, node) -> int:
    """Remove an owned node, the links to it and the blank nodes only it reaches. Returns 1."""
    for triple in list(graph.triples((None, None, node))):
        graph.remove(triple)
    pending = [node]
    while pending:
        current = pending.pop()
        for _, _, obj in list(graph.triples((current, None, None))):
            if isinstance(obj, BNode):
                pending.append(obj)
        graph.remove((current, None, None))
    return 1
