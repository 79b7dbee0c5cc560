"""A resource's relation graph, read from the store with SPARQL (``queries/graph-*.rq``).

Nodes are resources of ours only (notes, terms, notebooks, communities: anything else could
only ever appear as a label), labelled in the reader's language and coloured by the category of
their notebook membership. Edges are typed links (``LINK_KINDS``). A graph holds at most
``MAX_NODES`` nodes, the nearest first; ``more`` says how many were left out and where the
whole neighbourhood can be read (its SPARQL query).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from rdflib import URIRef

from .. import i18n, queries
from ..identifiers import Identifiers
from ..ingest.rdf_files import FORBIDDEN_IN_IRI
from ..page_model import href
from ..store import Store

MAX_NODES = 150
GRAPH_KINDS = ("notebook", "note", "term", "community")
NODE_KINDS = ("note", "term", "notebook", "community")


@dataclass(frozen=True)
class LinkKind:
    """How a kind of link is named (an ``i18n`` key) and drawn."""

    message: str
    color: str
    dashed: bool


LINK_KINDS: dict[str, LinkKind] = {
    "sequence": LinkKind("link_sequence", "#495057", True),
    "relatedNote": LinkKind("link_related_note", "#1971c2", False),
    "backlink": LinkKind("link_backlink", "#e8590c", False),
    "relatedTerm": LinkKind("link_related_term", "#a5adb5", False),
    "member": LinkKind("link_member", "#5c940d", True),
    "linkedCommunity": LinkKind("link_linked_community", "#9c36b5", True),
}
# Colours of categories (Okabe-Ito, without its yellow), then of nodes without a category.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#7f6000",
           "#3b3b98")
KIND_COLORS = {"note": "#868e96", "term": "#dee2e6", "notebook": "#343a40",
               "community": "#862e9c"}
SHAPES = {"note": "ellipse", "term": "diamond", "notebook": "round-rectangle",
          "community": "hexagon"}  # Cytoscape's names; the SVG draws the same shapes
WHERE = re.compile(r"WHERE\s*\{")


@dataclass
class Node:
    id: str  # the resource's IRI
    kind: str
    label: str
    href: str
    color: str
    category: str | None = None
    position: int | None = None  # in the notebook, for a notebook's notes
    focus: bool = False

    @property
    def shape(self) -> str:
        return SHAPES[self.kind]


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    color: str


@dataclass
class RelationGraph:
    """The graph of one resource (``kind``/``key``) in one language."""

    kind: str
    key: str
    focus: str
    lang: str
    title: str
    nodes: list[Node]
    edges: list[Edge]
    categories: list[Category]
    total: int  # nodes before the cap
    query: str  # a SPARQL query listing the whole neighbourhood
    truncated: bool = False  # ``total`` is a lower bound: the neighbourhood was not all read

    @property
    def more(self) -> dict | None:
        left = self.total - len(self.nodes)
        if left <= 0 and not self.truncated:
            return None
        found = {"count": max(left, 1), "href": sparql_href(self.query)}
        return {**found, "atLeast": True} if self.truncated else found

    def link_kinds(self) -> list[str]:
        present = {edge.kind for edge in self.edges}
        return [kind for kind in LINK_KINDS if kind in present]

    def to_json(self, positions: dict[str, tuple[float, float]] | None = None) -> dict:
        """The documented JSON of ``/graph/{kind}/{key}.json`` (``x``/``y`` from a layout)."""
        nodes = []
        for node in self.nodes:
            item = {"id": node.id, "label": node.label, "kind": node.kind,
                    "category": node.category, "href": node.href, "color": node.color,
                    "shape": node.shape, "position": node.position, "focus": node.focus}
            if positions and node.id in positions:
                item["x"], item["y"] = (round(v, 1) for v in positions[node.id])
            nodes.append(item)
        body = {
            "focus": self.focus, "kind": self.kind, "key": self.key, "lang": self.lang,
            "title": self.title, "nodes": nodes,
            "edges": [{"source": e.source, "target": e.target, "kind": e.kind}
                      for e in self.edges],
            "categories": [{"id": c.id, "label": c.label, "color": c.color}
                           for c in self.categories],
            "linkKinds": [{"kind": kind, "label": i18n.t(LINK_KINDS[kind].message, self.lang),
                           "color": LINK_KINDS[kind].color, "dashed": LINK_KINDS[kind].dashed}
                          for kind in self.link_kinds()],
            "count": {"nodes": len(self.nodes), "edges": len(self.edges), "total": self.total},
            "query": sparql_href(self.query),
        }
        if self.more:
            body["more"] = self.more
        return body


@dataclass
class _Draft:
    """Nodes (IRI → rank: lower comes first) and edges as the queries give them."""

    ranks: dict[str, tuple] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)
    edges: dict[Edge, None] = field(default_factory=dict)  # an ordered set
    truncated: bool = False  # a query hit its cap: more nodes exist than were seen

    def node(self, iri: str, rank: tuple) -> None:
        self.ranks[iri] = min(rank, self.ranks.get(iri, rank))

    def edge(self, source: str, target: str, kind: str) -> None:
        if source != target:
            self.edges[Edge(source, target, kind)] = None


@dataclass
class _Info:
    """What graph-nodes.rq says of the nodes: labels, and categories with their labels."""

    labels: dict[str, list] = field(default_factory=dict)
    categories: dict[str, set[str]] = field(default_factory=dict)
    category_labels: dict[str, list] = field(default_factory=dict)


def bound_query(name: str, variable: str, value: str | None) -> str:
    """The text of a named query with ``?variable`` bound by a VALUES block at the top of its
    WHERE clause: what a reader can run at ``/sparql`` to get the same rows."""
    text = queries.text(name)
    if value is None:
        return text
    return WHERE.sub(lambda m: f"{m.group(0)}\n  VALUES ?{variable} {{ <{value}> }}", text, 1)


def sparql_href(query: str) -> str:
    """A link running ``query`` on our endpoint, results as JSON (which browsers show; they
    would download the other formats)."""
    return "/sparql?" + urlencode({"query": query, "format": "json"})


def values(nodes: Iterable[str]) -> str:
    """IRIs for a VALUES block (IRIs read from the store; anything odd is left out)."""
    return " ".join(f"<{node}>" for node in nodes if not FORBIDDEN_IN_IRI.search(node))


def node_kind(ids: Identifiers, iri: str) -> str | None:
    """The kind of a resource of ours that can be a node (not a hash IRI), else None."""
    thing = ids.parse_thing(iri)
    if thing is None or "#" in iri or thing.kind not in NODE_KINDS:
        return None
    return thing.kind


def _notebook(store: Store, focus: URIRef) -> _Draft:
    draft = _Draft()
    rows = queries.run(store, "graph-notebook", notebook=focus).rows
    for row in rows:
        note, position = str(row["note"]), int(row["position"])
        if position < draft.positions.get(note, position + 1):
            draft.positions[note] = position
            draft.node(note, (0, position))
            if "category" in row:
                draft.categories[note] = str(row["category"])
    for row in rows:
        if "link" not in row:
            continue
        note, other, link = str(row["note"]), str(row["other"]), str(row["link"])
        if link == "relatedTerm":
            draft.node(other, (1,))
            draft.edge(note, other, "relatedTerm")
        elif link == "relatedNote":
            draft.node(other, (2,))
            draft.edge(note, other, "relatedNote")
        elif other not in draft.positions:  # a link from a note of the notebook: seen above
            draft.node(other, (2,))
            draft.edge(other, note, "backlink")
    return draft


def _note(store: Store, focus: URIRef) -> _Draft:
    """The note's links, then each neighbour's, at most MAX_NODES + 1 of each (so the cost of a
    page does not grow with how popular its terms are)."""
    draft = _Draft()
    draft.node(str(focus), (0,))
    neighbours: dict[str, None] = {}
    for row in _links(store, focus, draft):
        draft_link(draft, row, 1, focus)
        for end in (str(row["source"]), str(row["target"])):
            if end != str(focus):
                neighbours[end] = None
    for neighbour in neighbours:
        for row in _links(store, URIRef(neighbour), draft):
            draft_link(draft, row, 2, focus)
    return draft


def _capped(store: Store, draft: _Draft, name: str, cap: int, **bindings: URIRef) -> list[dict]:
    """The named query's first ``cap`` rows; the draft notes when there were more."""
    text = f"{queries.text(name)} LIMIT {cap + 1}"
    rows = store.query(text, bindings).rows
    if len(rows) > cap:
        draft.truncated = True
    return rows[:cap]


def _links(store: Store, center: URIRef, draft: _Draft) -> list[dict]:
    rows = _capped(store, draft, "graph-links", MAX_NODES, center=center)
    return sorted(rows, key=lambda row: (str(row["link"]), str(row["source"]),
                                         str(row["target"])))


def draft_link(draft: _Draft, row: dict, hop: int, focus: URIRef) -> None:
    link, source, target = str(row["link"]), str(row["source"]), str(row["target"])
    draft.node(source, (hop,))
    draft.node(target, (hop,))
    backlink = link == "relatedNote" and target == str(focus)
    draft.edge(source, target, "backlink" if backlink else link)


def _term(store: Store, focus: URIRef) -> _Draft:
    draft = _Draft()
    draft.node(str(focus), (0,))
    for row in _capped(store, draft, "graph-term", 2 * MAX_NODES, term=focus):
        note = str(row["note"])
        draft.node(note, (1,))
        draft.edge(note, str(focus), "relatedTerm")
        if "notebook" in row:
            draft.node(str(row["notebook"]), (2,))
            draft.edge(str(row["notebook"]), note, "member")
    return draft


def _community(store: Store, focus: URIRef) -> _Draft:
    draft = _Draft()
    draft.node(str(focus), (0,))
    for row in _capped(store, draft, "graph-community", 2 * MAX_NODES, community=focus):
        resource = str(row["resource"])
        draft.node(resource, (1,))
        draft.edge(resource, str(focus), "linkedCommunity")
        if "notebook" in row:
            draft.edge(str(row["notebook"]), resource, "member")
    return draft


DRAFTS: dict[str, Callable[[Store, URIRef], _Draft]] = {
    "notebook": _notebook, "note": _note, "term": _term, "community": _community}


def labels(store: Store, nodes: Iterable[str], lang: str) -> dict[str, str]:
    """The label of each resource in ``lang`` (else another: ``i18n.pick``); IRI → label."""
    chosen = [n for n in dict.fromkeys(nodes) if not FORBIDDEN_IN_IRI.search(n)]
    if not chosen:
        return {}
    found: dict[str, list] = {}
    text = queries.text("labels").replace("{{nodes}}", values(chosen))
    for row in store.query(text).rows:
        found.setdefault(str(row["node"]), []).append(row["label"])
    return {node: str(i18n.pick(found[node], lang)) for node in found}


def node_info(store: Store, nodes: list[str]) -> _Info:
    info = _Info()
    if not nodes:
        return info
    text = queries.text("graph-nodes").replace("{{nodes}}", values(nodes))
    for row in store.query(text).rows:
        node = str(row["node"])
        if row["label"] not in info.labels.setdefault(node, []):
            info.labels[node].append(row["label"])
    text = queries.text("graph-categories").replace("{{nodes}}", values(nodes))
    for row in store.query(text).rows:
        node = str(row["node"])
        if node in info.labels:  # a node of ours
            category = str(row["category"])
            info.categories.setdefault(node, set()).add(category)
            labels = info.category_labels.setdefault(category, [])
            if row["categoryLabel"] not in labels:
                labels.append(row["categoryLabel"])
    return info


def _ordered(ids: Identifiers, draft: _Draft) -> list[str]:
    """The candidate nodes, nearest first, then the most linked, then by IRI."""
    degree: Counter[str] = Counter()
    for edge in draft.edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    candidates = [iri for iri in draft.ranks if node_kind(ids, iri)]
    return sorted(candidates, key=lambda iri: (draft.ranks[iri], -degree[iri], iri))


def _select(store: Store, ordered: list[str]) -> tuple[list[str], _Info, int]:
    """The first MAX_NODES candidates the store knows as ours, what it says of them, and how
    many candidates there are in all (those found not to be nodes left out)."""
    info, unknown = _Info(), 0
    kept: list[str] = []
    for start in range(0, len(ordered), MAX_NODES):
        chunk = ordered[start:start + MAX_NODES]
        found = node_info(store, chunk)
        for table, more in ((info.labels, found.labels), (info.categories, found.categories),
                            (info.category_labels, found.category_labels)):
            table.update(more)
        unknown += sum(1 for iri in chunk if iri not in found.labels)
        kept += [iri for iri in chunk if iri in found.labels]
        if len(kept) >= MAX_NODES:
            break
    return kept[:MAX_NODES], info, len(ordered) - unknown


def _categories(nodes: Iterable[tuple[str, str | None]], info: _Info,
                lang: str) -> dict[str, Category]:
    found: dict[str, Category] = {}
    for _, category in nodes:
        if category and category not in found:
            label = i18n.pick(info.category_labels.get(category, []), lang)
            found[category] = Category(category, str(label) if label else category,
                                       PALETTE[len(found) % len(PALETTE)])
    return found


def _category(kind: str, iri: str, draft: _Draft, info: _Info) -> str | None:
    """A notebook's graph colours its own notes by their category there; other graphs colour
    notes by the category of their membership (the first by IRI if several)."""
    if kind == "notebook" or iri in draft.categories:
        return draft.categories.get(iri)
    return min(info.categories.get(iri, {""})) or None


def _sequence(nodes: list[Node]) -> list[Edge]:
    """The notebook's order: each of its notes to the next one shown."""
    members = sorted((n for n in nodes if n.position is not None), key=lambda n: n.position)
    return [Edge(a.id, b.id, "sequence") for a, b in zip(members, members[1:], strict=False)]


def build(store: Store, ids: Identifiers, kind: str, key: str, lang: str) -> RelationGraph:
    """The relation graph of ``BASE id/{kind}/{key}`` (a kind of ``GRAPH_KINDS``)."""
    focus = ids.thing(kind, key)
    draft = DRAFTS[kind](store, focus)
    kept, info, total = _select(store, _ordered(ids, draft))
    chosen = [(iri, _category(kind, iri, draft, info)) for iri in kept]
    categories = _categories(chosen, info, lang)
    nodes = []
    for iri, category in chosen:
        node = node_kind(ids, iri) or ""
        label = i18n.pick(info.labels[iri], lang)
        nodes.append(Node(iri, node, str(label), href(ids, URIRef(iri)) or "",
                          categories[category].color if category else KIND_COLORS[node],
                          category, draft.positions.get(iri), iri == str(focus)))
    shown = set(kept)
    edges = [e for e in draft.edges if e.source in shown and e.target in shown]
    if kind == "notebook":
        edges = _sequence(nodes) + edges
    title = labels(store, [str(focus)], lang).get(str(focus), key)
    return RelationGraph(kind, key, str(focus), lang, title, nodes, edges,
                         list(categories.values()), total,
                         bound_query(f"graph-{kind}", kind, str(focus)), draft.truncated)
