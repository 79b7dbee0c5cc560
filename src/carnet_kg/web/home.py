"""The home page: what the knowledge base holds (counts per class, notebooks)."""

from flask import Blueprint, jsonify, render_template, request
from rdflib import Literal

from .. import queries
from ..namespaces import compact
from . import context

blueprint = Blueprint("home", __name__)

CLASS_LABELS = {
    "ckg:GeneralNote": "Notes",
    "ckg:Term": "Termes",
    "ckg:OrganisationNote": "Notes d'organisation",
    "ckg:Notebook": "Carnets",
    "ckg:Category": "Catégories",
    "ckg:KnowledgeBase": "Bases de connaissances",
    "ckg:Lexicon": "Lexiques",
    "ckg:Community": "Communautés",
    "ckg:Person": "Personnes",
    "ckg:Organisation": "Organisations",
}


def _summary(lang: str) -> dict:
    store = context.store()
    counts = {
        compact(str(row["class"])): int(row["count"])
        for row in queries.run(store, "stats-by-class").rows
    }
    notebooks = [
        {
            "iri": str(row["notebook"]),
            "title": str(row.get("title", row["notebook"])),
            "description": str(row.get("description", "")),
            "notes": int(row["notes"]),
        }
        for row in queries.run(store, "notebooks", lang=Literal(lang)).rows
    ]
    return {"base": context.settings().base, "counts": counts, "notebooks": notebooks}


@blueprint.get("/")
def index():
    summary = _summary("fr")
    if request.args.get("format") == "json" or (
        request.accept_mimetypes.best_match(["text/html", "application/json"])
        == "application/json"
    ):
        return jsonify(summary)
    return render_template("home.html", labels=CLASS_LABELS, **summary)
