"""Relation graphs and charts on the web: ``/graph/{kind}/{key}.json`` (the data the page's
script draws), ``/graph/{kind}/{key}.svg`` (the same graph drawn on the server), Cytoscape
served from node_modules, and what the templates ``graph_section.html`` and ``charts.html``
call (``relation_graph``, ``charts_for``).

A graph and its layout are computed once per resource, language and state of the store.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request, send_from_directory
from markupsafe import Markup

from .. import __version__, i18n
from ..describe import status
from ..graphs import charts, data, layout, svg
from ..identifiers import KEY_PATTERN, Identifiers
from . import context
from .i18n_context import lang

blueprint = Blueprint("graphs", __name__)
LIBRARY = "cytoscape.min.js"
CACHE_SIZE = 128


@dataclass
class GraphView:
    """A computed graph with what its views need."""

    graph: data.RelationGraph
    positions: dict[str, layout.Point]
    svg: str

    @property
    def etag(self) -> str:
        return hashlib.sha256(self.svg.encode()).hexdigest()[:32]


class _Cache:
    """A small LRU of computed values, keyed by what they depend on (store state included)."""

    def __init__(self, size: int) -> None:
        self.size, self.values, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: tuple, compute: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                return self.values[key]
        value = compute()
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.size:
                self.values.popitem(last=False)
        return value


def _cache() -> _Cache:
    return current_app.extensions.setdefault("carnet_kg.graphs", _Cache(CACHE_SIZE))


def _ids() -> Identifiers:
    return Identifiers(context.settings().base)


def graph_view(kind: str, key: str, language: str) -> GraphView:
    def compute() -> GraphView:
        graph = data.build(context.store(), _ids(), kind, key, language)
        places = layout.positions(graph)
        return GraphView(graph, places, svg.render(graph, places))

    return _cache().get(("graph", kind, key, language, context.last_write()), compute)


def _library_folder() -> Path:
    return Path(context.settings().assets) / "cytoscape" / "dist"


def _checked(kind: str, key: str) -> None:
    """404 unless a published resource of a kind that has a graph; 410 if withdrawn."""
    if kind not in data.GRAPH_KINDS or not KEY_PATTERN.fullmatch(key):
        abort(404)
    found = status(context.store(), context.settings(), kind, key)
    if found != 200:
        abort(found)


@blueprint.get("/graph/<kind>/<key>.json")
def graph_json(kind: str, key: str):
    """The graph as JSON (ETag and 304 from ``caching``, which serves every JSON view)."""
    _checked(kind, key)
    view = graph_view(kind, key, lang())
    return jsonify(view.graph.to_json(view.positions))


@blueprint.get("/graph/<kind>/<key>.svg")
def graph_svg(kind: str, key: str):
    _checked(kind, key)
    view = graph_view(kind, key, lang())
    response = Response(view.svg, mimetype="image/svg+xml")
    response.set_etag(f"{view.etag}-{__version__}")
    response.vary.add("Accept-Language")
    response.headers["Content-Language"] = lang()
    response.cache_control.no_cache = True
    response.cache_control.public = True
    return response.make_conditional(request)


@blueprint.get("/vendor/cytoscape/<name>")
def library(name: str):
    if name != LIBRARY:
        abort(404)
    return send_from_directory(_library_folder(), name, max_age=86400)


def _link_kinds(graph: data.RelationGraph) -> list[dict]:
    return [{"kind": kind, "label": i18n.t(data.LINK_KINDS[kind].message, graph.lang),
             "color": data.LINK_KINDS[kind].color, "dashed": data.LINK_KINDS[kind].dashed}
            for kind in graph.link_kinds()]


def _node_kinds(graph: data.RelationGraph) -> list[dict]:
    present = list(dict.fromkeys(node.kind for node in graph.nodes))
    return [{"kind": kind, "label": i18n.KIND_LABELS[kind][graph.lang],
             "color": data.KIND_COLORS[kind], "shape": data.SHAPES[kind]} for kind in present]


def relation_graph(kind: str, key: str) -> dict | None:
    """What ``graph_section.html`` shows of a resource's graph; None for kinds without one."""
    if kind not in data.GRAPH_KINDS:
        return None
    view = graph_view(kind, key, lang())
    graph = view.graph
    nodes = {node.id: node for node in graph.nodes}
    return {
        "graph": graph,
        "svg": Markup(view.svg),  # built by xml.etree: every text in it is escaped
        "json_href": f"/graph/{kind}/{key}.json?lang={graph.lang}",
        "svg_href": f"/graph/{kind}/{key}.svg?lang={graph.lang}",
        "links": [(nodes[e.source], i18n.t(data.LINK_KINDS[e.kind].message, graph.lang),
                   nodes[e.target]) for e in graph.edges],
        "link_kinds": _link_kinds(graph),
        "node_kinds": _node_kinds(graph),
        "more": graph.more,
        "script": (_library_folder() / LIBRARY).is_file(),
    }


def charts_for(kind: str | None = None, key: str | None = None) -> list[charts.Chart]:
    """The charts of the home page (no argument), a notebook's or a community's page."""
    if kind is not None and kind not in charts.CHARTS:
        return []
    language = lang()
    return _cache().get(
        ("charts", kind, key, language, context.last_write()),
        lambda: charts.charts(context.store(), _ids(), kind, key, language))


@blueprint.app_context_processor
def template_functions() -> dict:
    return {"relation_graph": relation_graph, "charts_for": charts_for}
