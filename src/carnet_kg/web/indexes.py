"""Index pages: notebooks, lexicon (A–Z and hierarchy), communities, people."""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from flask import Blueprint, render_template, request
from rdflib import Literal

from .. import i18n, queries
from ..identifiers import Identifiers
from ..page_model import href
from . import context
from .i18n_context import lang

blueprint = Blueprint("indexes", __name__)


def fold(text: str) -> str:
    """Lower case without accents: the A–Z order and letters of French words."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower())
                   if unicodedata.category(c) != "Mn")


def _entries(name: str, subject: str) -> list[dict]:
    """Rows of a named index query → one entry per subject, titled in the reader's language."""
    ids = Identifiers(context.settings().base)
    grouped: dict = defaultdict(lambda: {"titles": [], "count": 0})
    for row in queries.run(context.store(), name).rows:
        entry = grouped[row[subject]]
        entry["titles"].append(row["title"])
        entry["count"] = int(row.get("count", row.get("notes", 0)))
    entries = [
        {"href": href(ids, node), "label": str(i18n.pick(entry["titles"], lang())),
         "count": entry["count"]}
        for node, entry in grouped.items()
    ]
    return sorted(entries, key=lambda e: fold(e["label"]))


@blueprint.get("/notebooks")
def notebooks():
    ids = Identifiers(context.settings().base)
    rows = queries.run(context.store(), "notebooks", lang=Literal(lang())).rows
    entries = sorted(
        ({"href": href(ids, r["notebook"]), "label": str(r["title"]),
          "count": int(r["notes"]), "description": str(r.get("description", ""))}
         for r in rows),
        key=lambda e: fold(e["label"]),
    )
    return render_template("index.html", title_key="notebooks", entries=entries,
                           count_key="public_notes")


@blueprint.get("/communities")
def communities():
    return render_template("index.html", title_key="communities",
                           entries=_entries("communities", "community"), count_key="links")


@blueprint.get("/people")
def people():
    return render_template("index.html", title_key="people",
                           entries=_entries("people", "person"), count_key="notes_count")


@blueprint.get("/lexicon")
def lexicon():
    ids = Identifiers(context.settings().base)
    labels: dict = defaultdict(list)
    broader: dict = defaultdict(set)
    mapped: set = set()
    for row in queries.run(context.store(), "terms").rows:
        labels[row["term"]].append(row["label"])
        if "broader" in row:
            broader[row["term"]].add(row["broader"])
        if row["mapped"].toPython():
            mapped.add(row["term"])
    only_unmapped = "unmapped" in request.args  # curators: what is left to align
    label = {term: str(i18n.pick(values, lang())) for term, values in labels.items()}
    terms = sorted(label, key=lambda term: fold(label[term]))
    letters: dict[str, list] = defaultdict(list)
    for term in terms:
        if only_unmapped and term in mapped:
            continue
        letters[fold(label[term])[:1].upper()].append({"href": href(ids, term),
                                                       "label": label[term]})
    children: dict = defaultdict(list)
    for term in terms:
        for parent in broader[term]:
            children[parent].append(term)

    def tree(term, seen=frozenset()):
        return {"href": href(ids, term), "label": label[term],
                "children": [tree(c, seen | {term}) for c in children[term] if c not in seen]}

    roots = [tree(term) for term in terms if not broader[term] & set(label)]
    return render_template("lexicon.html", letters=sorted(letters.items()), roots=roots,
                           only_unmapped=only_unmapped, unmapped=len(set(label) - mapped),
                           total=len(label))
