"""UI languages (French by default, English) and the strings of every page in both."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from rdflib import Literal

LANGUAGES = ("fr", "en")
DEFAULT = "fr"

MESSAGES: dict[str, dict[str, str]] = {
    "home": {"fr": "Accueil", "en": "Home"},
    "knowledge_base": {"fr": "Base de connaissances", "en": "Knowledge base"},
    "contents": {"fr": "Contenu", "en": "Contents"},
    "kind": {"fr": "Type", "en": "Kind"},
    "count": {"fr": "Nombre", "en": "Count"},
    "notebooks": {"fr": "Carnets", "en": "Notebooks"},
    "notes": {"fr": "Notes", "en": "Notes"},
    "terms": {"fr": "Termes", "en": "Terms"},
    "lexicon": {"fr": "Lexique", "en": "Lexicon"},
    "communities": {"fr": "Communautés", "en": "Communities"},
    "people": {"fr": "Personnes", "en": "People"},
    "organisations": {"fr": "Organisations", "en": "Organisations"},
    "categories": {"fr": "Catégories", "en": "Categories"},
    "organisation_notes": {"fr": "Notes d'organisation", "en": "Organisation notes"},
    "knowledge_bases": {"fr": "Bases de connaissances", "en": "Knowledge bases"},
    "lexicons": {"fr": "Lexiques", "en": "Lexicons"},
    "search": {"fr": "Recherche", "en": "Search"},
    "search_button": {"fr": "Chercher", "en": "Search"},
    "sparql": {"fr": "SPARQL", "en": "SPARQL"},
    "ontology": {"fr": "Ontologie", "en": "Ontology"},
    "data": {"fr": "Données", "en": "Data"},
    "public_notes": {"fr": "note(s) publique(s)", "en": "public note(s)"},
    "no_notebook": {"fr": "Aucun carnet pour l'instant.", "en": "No notebook yet."},
    "identifiers_under": {"fr": "Identifiants sous", "en": "Identifiers under"},
    "this_data_as_json": {"fr": "Ces données en JSON", "en": "This data as JSON"},
    "service_status": {"fr": "état du service", "en": "service status"},
    "properties": {"fr": "Propriétés", "en": "Properties"},
    "backlinks": {"fr": "Liens entrants", "en": "Incoming links"},
    "related_notes_here": {"fr": "Note(s) liée(s) vers cette page", "en": "Notes linking here"},
    "in_notebooks": {"fr": "Dans les carnets", "en": "In notebooks"},
    "previous": {"fr": "Précédente", "en": "Previous"},
    "next": {"fr": "Suite", "en": "Next"},
    "integrated_by": {"fr": "Intégré par", "en": "Integrated by"},
    "on": {"fr": "le", "en": "on"},
    "section": {"fr": "Section", "en": "Section"},
    "category": {"fr": "Catégorie", "en": "Category"},
    "table_of_contents": {"fr": "Table des matières", "en": "Table of contents"},
    "notes_using_term": {"fr": "Notes qui utilisent ce terme", "en": "Notes using this term"},
    "broader": {"fr": "Termes génériques", "en": "Broader terms"},
    "narrower": {"fr": "Termes spécifiques", "en": "Narrower terms"},
    "related": {"fr": "Termes associés", "en": "Related terms"},
    "mappings": {"fr": "Correspondances externes", "en": "External mappings"},
    "alt_labels": {"fr": "Autres formes", "en": "Other labels"},
    "pref_labels": {"fr": "Libellés", "en": "Labels"},
    "definition": {"fr": "Définition", "en": "Definition"},
    "more": {"fr": "Suivants", "en": "More"},
    "not_found": {"fr": "Introuvable", "en": "Not found"},
    "not_found_text": {"fr": "Aucune ressource publique n'a cet identifiant.",
                       "en": "No public resource has this identifier."},
    "gone": {"fr": "Retirée", "en": "Gone"},
    "withdrawn_deleted": {"fr": "Supprimée le", "en": "Deleted on"},
    "withdrawn_withdrawn": {"fr": "Retirée le", "en": "Withdrawn on"},
    "by": {"fr": "par", "en": "by"},
    "media": {"fr": "Médias", "en": "Media"},
    "media_image": {"fr": "image", "en": "image"},
    "media_audio": {"fr": "audio", "en": "audio"},
    "media_video": {"fr": "vidéo", "en": "video"},
    "media_document": {"fr": "document", "en": "document"},
    "credit": {"fr": "Crédit", "en": "Credit"},
    "date": {"fr": "Date", "en": "Date"},
    "history": {"fr": "Historique des modifications", "en": "Change history"},
    "revision": {"fr": "Révision", "en": "Revision"},
    "revision_of": {"fr": "Version archivée", "en": "Archived version"},
    "current_version": {"fr": "version actuelle", "en": "current version"},
    "action_created": {"fr": "création", "en": "created"},
    "action_updated": {"fr": "modification", "en": "updated"},
    "action_withdrawn": {"fr": "retrait", "en": "withdrawn"},
    "action_deleted": {"fr": "suppression", "en": "deleted"},
    "gone_text": {"fr": "Cette ressource a été retirée de la publication.",
                  "en": "This resource has been withdrawn from publication."},
    "language": {"fr": "Langue", "en": "Language"},
    "results": {"fr": "résultat(s)", "en": "result(s)"},
    "no_results": {"fr": "Aucun résultat.", "en": "No result."},
    "all_kinds": {"fr": "Tous les types", "en": "All kinds"},
    "all_notebooks": {"fr": "Tous les carnets", "en": "All notebooks"},
    "page": {"fr": "Page", "en": "Page"},
    "licence": {"fr": "Licence", "en": "Licence"},
    "published": {"fr": "Publication", "en": "Published"},
    "modified": {"fr": "Modification", "en": "Modified"},
    "visibility": {"fr": "Visibilité", "en": "Visibility"},
    "hierarchy": {"fr": "Hiérarchie", "en": "Hierarchy"},
    "unmapped_terms": {"fr": "Termes sans correspondance externe",
                       "en": "Terms without external mapping"},
    "all_terms": {"fr": "Tous les termes", "en": "All terms"},
    "links": {"fr": "lien(s)", "en": "link(s)"},
    "notes_count": {"fr": "note(s)", "en": "note(s)"},
    "entry_points": {"fr": "Parcourir", "en": "Browse"},
    "harvest": {"fr": "Moissonnage", "en": "Harvesting"},
    # relation graphs (graphs/, web/graphs.py, graph_section.html)
    "graph_title": {"fr": "Graphe des relations", "en": "Relation graph"},
    "graph_summary": {"fr": "{nodes} élément(s) et {edges} lien(s)",
                      "en": "{nodes} item(s) and {edges} link(s)"},
    "graph_links_list": {"fr": "Liste des liens", "en": "List of links"},
    "graph_legend": {"fr": "Légende", "en": "Legend"},
    "graph_categories": {"fr": "Catégories", "en": "Categories"},
    "graph_link_kinds": {"fr": "Types de liens", "en": "Kinds of links"},
    "graph_more": {"fr": "{count} autre(s) élément(s) non affiché(s) : la requête complète",
                   "en": "{count} more item(s) not shown: the full query"},
    "graph_data": {"fr": "Données du graphe", "en": "Graph data"},
    "graph_click_hint": {"fr": "Cliquer sur un élément ouvre sa page.",
                         "en": "Click an item to open its page."},
    "graph_empty": {"fr": "Aucune relation pour l'instant.", "en": "No relation yet."},
    "link_sequence": {"fr": "ordre du carnet", "en": "notebook order"},
    "link_related_note": {"fr": "note liée", "en": "related note"},
    "link_backlink": {"fr": "rétrolien", "en": "backlink"},
    "link_related_term": {"fr": "terme relié", "en": "related term"},
    "link_member": {"fr": "note du carnet", "en": "note of the notebook"},
    "link_linked_community": {"fr": "communauté liée", "en": "linked community"},
    # charts (graphs/charts.py, charts.html)
    "charts": {"fr": "En chiffres", "en": "In figures"},
    "chart_notes_per_notebook": {"fr": "Notes par carnet", "en": "Notes per notebook"},
    "chart_notes_per_category": {"fr": "Notes par catégorie", "en": "Notes per category"},
    "chart_top_terms": {"fr": "Termes les plus utilisés", "en": "Most used terms"},
    "chart_activity": {"fr": "Activité par mois", "en": "Activity per month"},
    "chart_mapped_terms": {"fr": "Termes avec correspondance externe",
                           "en": "Terms with an external mapping"},
    "chart_published": {"fr": "notes publiées", "en": "notes published"},
    "chart_modified": {"fr": "notes modifiées", "en": "notes modified"},
    "chart_mapped": {"fr": "avec correspondance", "en": "mapped"},
    "chart_unmapped": {"fr": "sans correspondance", "en": "not mapped"},
    "chart_no_data": {"fr": "Aucune donnée.", "en": "No data."},
    "chart_query": {"fr": "La requête SPARQL de ces chiffres",
                    "en": "The SPARQL query of these figures"},
}

KIND_LABELS: dict[str, dict[str, str]] = {
    "note": {"fr": "Note", "en": "Note"},
    "term": {"fr": "Terme", "en": "Term"},
    "notebook": {"fr": "Carnet", "en": "Notebook"},
    "category": {"fr": "Catégorie", "en": "Category"},
    "knowledge-base": {"fr": "Base de connaissances", "en": "Knowledge base"},
    "community": {"fr": "Communauté", "en": "Community"},
    "person": {"fr": "Personne", "en": "Person"},
    "organisation": {"fr": "Organisation", "en": "Organisation"},
    "lexicon": {"fr": "Lexique", "en": "Lexicon"},
}


def choose(requested: str | None, accept_languages) -> str:
    """``?lang=`` if it is one of ours, else the best of Accept-Language, else French."""
    if requested in LANGUAGES:
        return requested
    best = accept_languages.best_match(LANGUAGES) if accept_languages else None
    return best or DEFAULT


def t(key: str, lang: str) -> str:
    """A UI string in ``lang`` (every key has both languages: tested)."""
    return MESSAGES[key][lang]


def pick(literals: Iterable, lang: str) -> Literal | None:
    """The literal in ``lang``, else French, else untagged, else any: the fallback order."""
    values = list(literals)
    for wanted in (lang, DEFAULT, None):
        for value in values:
            if isinstance(value, Literal) and value.language == wanted:
                return value
    return values[0] if values else None


MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}


def format_datetime(value: datetime | date, lang: str) -> str:
    """``6 décembre 2023 10:18`` / ``6 December 2023 10:18`` (the time as recorded)."""
    day = f"{value.day} {MONTHS[lang][value.month - 1]} {value.year}"
    if isinstance(value, datetime):
        return f"{day} {value:%H:%M}"
    return day
