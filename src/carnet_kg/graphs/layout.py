"""Where each node of a relation graph goes, computed with networkx: a force-directed layout,
seeded so that one graph always gets the same picture (and the same ETag). A notebook's notes
are pinned in their order around an ellipse, the terms and other notes find their place
inside; other graphs pin their resource in the middle. The SVG and the interactive view share
these positions."""

from __future__ import annotations

import math

import networkx as nx

from .data import RelationGraph

WIDTH, HEIGHT = 960, 640
MARGIN = 80  # room for the labels drawn under the nodes at the edges
SEED = 7

Point = tuple[float, float]


def _pinned(graph: RelationGraph) -> dict[str, Point]:
    """Nodes whose place is decided before the forces act."""
    if graph.kind != "notebook":
        return {node.id: (0.0, 0.0) for node in graph.nodes if node.focus}
    notes = sorted((n for n in graph.nodes if n.position is not None), key=lambda n: n.position)
    count = len(notes)
    return {note.id: (math.cos(-math.pi / 2 + 2 * math.pi * i / count),
                      math.sin(-math.pi / 2 + 2 * math.pi * i / count))
            for i, note in enumerate(notes)}


def _fit(raw: dict[str, Point], width: int, height: int) -> dict[str, Point]:
    """Layout coordinates → the drawing's, inside the margins."""
    xs = [x for x, _ in raw.values()]
    ys = [y for _, y in raw.values()]

    def scale(value: float, low: float, high: float, size: int) -> float:
        if high - low < 1e-9:
            return size / 2
        return MARGIN + (value - low) / (high - low) * (size - 2 * MARGIN)

    return {node: (scale(x, min(xs), max(xs), width), scale(y, min(ys), max(ys), height))
            for node, (x, y) in raw.items()}


def positions(graph: RelationGraph, width: int = WIDTH,
              height: int = HEIGHT) -> dict[str, Point]:
    """IRI → (x, y) in a ``width`` × ``height`` drawing."""
    network = nx.Graph()
    network.add_nodes_from(node.id for node in graph.nodes)
    network.add_edges_from((edge.source, edge.target) for edge in graph.edges)
    if len(network) <= 1:
        return {node: (width / 2, height / 2) for node in network}
    pinned = _pinned(graph)
    raw = nx.spring_layout(network, pos=pinned or None, fixed=list(pinned) or None,
                           seed=SEED, iterations=100)
    return _fit({node: (float(x), float(y)) for node, (x, y) in raw.items()}, width, height)
