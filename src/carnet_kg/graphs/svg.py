"""The relation graph as SVG, drawn on the server: the view without JavaScript.

Built with xml.etree (every label escaped). The drawing is an image for assistive technology
(``role="img"``, named by its ``<title>`` and ``<desc>``); each node is one ``<g class="node">``
carrying its IRI (``data-id``) inside a link to its page, with its full label as a tooltip.
"""

from __future__ import annotations

import math
from xml.etree.ElementTree import Element, SubElement, tostring

from .. import i18n
from .data import LINK_KINDS, Node, RelationGraph
from .layout import HEIGHT, WIDTH, Point

SVG_NS = "http://www.w3.org/2000/svg"
RADIUS, FOCUS_RADIUS = 9, 13
LABEL_CHARACTERS = 26


def _number(value: float) -> str:
    return f"{value:.1f}"


def short(label: str, size: int = LABEL_CHARACTERS) -> str:
    return label if len(label) <= size else label[:size - 1].rstrip() + "…"


def _shape(parent: Element, node: Node, x: float, y: float) -> None:
    r = FOCUS_RADIUS if node.focus else RADIUS
    style = {"fill": node.color, "stroke": "#1d232a", "stroke-width": "3" if node.focus else "1"}
    if node.shape == "ellipse":
        SubElement(parent, "circle", {"cx": _number(x), "cy": _number(y), "r": str(r), **style})
        return
    if node.shape == "round-rectangle":
        SubElement(parent, "rect", {"x": _number(x - r), "y": _number(y - r), "width": str(2 * r),
                                    "height": str(2 * r), "rx": "3", **style})
        return
    corners = 4 if node.shape == "diamond" else 6
    points = " ".join(f"{_number(x + r * 1.2 * math.cos(2 * math.pi * i / corners))},"
                      f"{_number(y + r * 1.2 * math.sin(2 * math.pi * i / corners))}"
                      for i in range(corners))
    SubElement(parent, "polygon", {"points": points, **style})


def _edges(parent: Element, graph: RelationGraph, places: dict[str, Point]) -> None:
    group = SubElement(parent, "g", {"class": "edges", "fill": "none"})
    for edge in graph.edges:
        (x1, y1), (x2, y2) = places[edge.source], places[edge.target]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        cut = (RADIUS + 4) / length  # stop at the target's rim, where the arrow goes
        style = LINK_KINDS[edge.kind]
        line = SubElement(group, "line", {
            "x1": _number(x1), "y1": _number(y1), "x2": _number(x2 - (x2 - x1) * cut),
            "y2": _number(y2 - (y2 - y1) * cut), "stroke": style.color, "stroke-width": "1.5",
            "class": f"edge edge-{edge.kind}", "data-kind": edge.kind,
            "marker-end": f"url(#graph-arrow-{edge.kind})"})
        if style.dashed:
            line.set("stroke-dasharray", "5 4")


def _markers(parent: Element, graph: RelationGraph) -> None:
    defs = SubElement(parent, "defs")
    for kind in graph.link_kinds():
        marker = SubElement(defs, "marker", {
            "id": f"graph-arrow-{kind}", "viewBox": "0 0 10 10", "refX": "9", "refY": "5",
            "markerWidth": "7", "markerHeight": "7", "orient": "auto-start-reverse"})
        SubElement(marker, "path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": LINK_KINDS[kind].color})


def _nodes(parent: Element, graph: RelationGraph, places: dict[str, Point], lang: str) -> None:
    group = SubElement(parent, "g", {"class": "nodes", "font-size": "11",
                                     "font-family": "system-ui, sans-serif"})
    for index, node in enumerate(graph.nodes):
        x, y = places[node.id]
        link = SubElement(group, "a", {"href": node.href}) if node.href else group
        item = SubElement(link, "g", {"class": f"node node-{node.kind}",
                                      "id": f"graph-node-{index}", "data-id": node.id,
                                      "data-kind": node.kind})
        if node.category:
            item.set("data-category", node.category)
        SubElement(item, "title").text = f"{node.label} ({i18n.KIND_LABELS[node.kind][lang]})"
        _shape(item, node, x, y)
        text = SubElement(item, "text", {
            "x": _number(x), "y": _number(y + (FOCUS_RADIUS if node.focus else RADIUS) + 12),
            "text-anchor": "middle", "fill": "#1d232a", "stroke": "#ffffff",
            "stroke-width": "3", "paint-order": "stroke"})
        text.text = short(node.label)
        if node.focus:
            text.set("font-weight", "bold")


def render(graph: RelationGraph, places: dict[str, Point], width: int = WIDTH,
           height: int = HEIGHT) -> str:
    """The SVG document of ``graph`` with nodes at ``places`` (``layout.positions``)."""
    lang = graph.lang
    root = Element("svg", {"xmlns": SVG_NS, "viewBox": f"0 0 {width} {height}",
                           "width": str(width), "height": str(height), "role": "img",
                           "aria-labelledby": "graph-svg-title graph-svg-desc",
                           "class": "graph-svg"})
    SubElement(root, "title", {"id": "graph-svg-title"}).text = \
        f"{i18n.t('graph_title', lang)} — {graph.title}"
    SubElement(root, "desc", {"id": "graph-svg-desc"}).text = i18n.t(
        "graph_summary", lang).format(nodes=len(graph.nodes), edges=len(graph.edges))
    _markers(root, graph)
    _edges(root, graph, places)
    _nodes(root, graph, places, lang)
    return tostring(root, encoding="unicode")
