"""The query page: the YASGUI editor (installed by npm, served from node_modules) with our
prefixes and example queries, and a plain form that works without JavaScript."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template, send_from_directory

from .. import queries
from ..namespaces import PREFIXES
from . import context

blueprint = Blueprint("query_ui", __name__)

EDITOR_FILES = {"yasgui.min.js", "yasgui.min.css"}
DEFAULT_QUERY = """SELECT ?class (COUNT(?resource) AS ?count)
WHERE { ?resource a ?class . FILTER(STRSTARTS(STR(?class), STR(ckg:))) }
GROUP BY ?class
ORDER BY DESC(?count)"""


def _editor_folder() -> Path:
    return Path(context.settings().assets) / "@zazuko" / "yasgui" / "build"


def page():
    """The HTML page (called by /sparql for browsers that ask for no query)."""
    prologue = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()
                         if p in ("ckg", "dcterms", "skos", "schema", "foaf", "rdfs", "xsd"))
    return render_template(
        "query.html",
        examples=queries.examples(),
        prologue=prologue,
        default_query=f"{prologue}\n\n{DEFAULT_QUERY}",
        editor_installed=all((_editor_folder() / f).is_file() for f in EDITOR_FILES),
    )


@blueprint.get("/vendor/yasgui/<name>")
def editor_file(name: str):
    if name not in EDITOR_FILES:
        abort(404)
    return send_from_directory(_editor_folder(), name, max_age=86400)
