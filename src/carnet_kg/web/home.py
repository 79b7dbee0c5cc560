"""The home page: what the knowledge base holds (counts per class, notebooks)."""

from flask import (
    Blueprint,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from rdflib import Literal

from .. import i18n, queries
from ..identifiers import Identifiers
from ..namespaces import compact
from ..page_model import href
from . import context
from .i18n_context import lang

blueprint = Blueprint("home", __name__)

CLASSES = {"GeneralNote": "notes", "Term": "terms", "OrganisationNote": "organisation_notes",
           "Notebook": "notebooks", "Category": "categories", "KnowledgeBase": "knowledge_bases",
           "Lexicon": "lexicons", "Community": "communities", "Person": "people",
           "Organisation": "organisations"}


def _class_labels(lang: str) -> dict[str, str]:
    """``ckg:X`` → the plural name of its kind in ``lang``."""
    return {f"ckg:{name}": i18n.t(key, lang) for name, key in CLASSES.items()}


def _summary(lang: str) -> dict:
    store = context.store()
    ids = Identifiers(context.settings().base)
    counts = {
        compact(str(row["class"])): int(row["count"])
        for row in queries.run(store, "stats-by-class").rows
    }
    notebooks = [
        {
            "iri": str(row["notebook"]),
            "href": href(ids, row["notebook"]),
            "title": str(row.get("title", row["notebook"])),
            "description": str(row.get("description", "")),
            "notes": int(row["notes"]),
        }
        for row in queries.run(store, "notebooks", lang=Literal(lang)).rows
    ]
    return {"base": context.settings().base, "counts": counts, "notebooks": notebooks}


@blueprint.get("/")
def index():
    summary = _summary(lang())
    if request.args.get("format") == "json" or (
        request.accept_mimetypes.best_match(["text/html", "application/json"])
        == "application/json"
    ):
        response = jsonify(summary)
    else:
        response = make_response(render_template("home.html", labels=_class_labels(lang()),
                                                  **summary))
    response.vary.add("Accept")
    return response


@blueprint.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)
