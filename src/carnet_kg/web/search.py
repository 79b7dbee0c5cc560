"""``/search?q=``: full-text search with filters (kind, notebook, category) and pages."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, request
from rdflib import Literal

from .. import i18n, queries
from ..identifiers import KINDS, Identifiers
from ..page_model import href
from ..search import SearchIndex
from . import context
from .i18n_context import lang

blueprint = Blueprint("search", __name__)
PER_PAGE = 20
_rebuild_lock = threading.Lock()


def index() -> SearchIndex:
    """The search index, rebuilt first if the store changed since it was built."""
    found = current_app.extensions.get("carnet_kg.search")
    if found is None:
        store_path = getattr(context.store(), "path", None)
        found = SearchIndex(Path(store_path + ".search.sqlite") if store_path else None)
        current_app.extensions["carnet_kg.search"] = found
    stamp = context.last_write()
    if found.stamp() != stamp:
        with _rebuild_lock:
            if found.stamp() != stamp:
                found.rebuild(context.store(), Identifiers(context.settings().base), stamp)
    return found


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    return value if value is None or value in allowed else None


@blueprint.get("/search")
def search():
    ids = Identifiers(context.settings().base)
    text = request.args.get("q", "")[:500]
    requested = request.args.get("page", "1")
    page = max(1, int(requested)) if re.fullmatch(r"[0-9]{1,6}", requested) else 1
    notebooks = {
        str(row["notebook"]): str(row["title"])
        for row in queries.run(context.store(), "notebooks", lang=Literal(lang())).rows
    }
    kind = _choice("kind", KINDS)
    notebook = _choice("notebook", notebooks)
    category = request.args.get("category") or None
    if category and not category.startswith(f"{ids.base}id/category/"):
        category = None
    results = index().search(text, kind, notebook, category, PER_PAGE, (page - 1) * PER_PAGE)
    hits = [{"href": href(ids, hit.iri), "title": hit.title(lang()), "kind": hit.kind,
             "snippet": hit.snippet_html} for hit in results.hits]
    if request.args.get("format") == "json":
        return jsonify(q=text, total=results.total, more=results.capped, page=page,
                       kinds=results.kinds,
                       results=[{**h, "iri": r.iri} for h, r in zip(hits, results.hits,
                                                                      strict=True)])
    return render_template(
        "search.html", q=text, hits=hits, total=results.total, capped=results.capped,
        kinds=results.kinds,
        kind=kind, notebooks=notebooks, notebook=notebook, category=category, page=page,
        pages=(results.total + PER_PAGE - 1) // PER_PAGE, kind_names=list(KINDS),
        kind_label_fn=lambda k: i18n.KIND_LABELS[k][lang()],
    )
