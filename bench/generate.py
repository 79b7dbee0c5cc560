"""A deterministic generator of a realistic knowledge base in the carnet-kg ontology.

    .venv/bin/python bench/generate.py --notes 100000 --out /tmp/gen-100k [--seed 1] [--force]

or, from a benchmark (``bench/`` on ``sys.path``)::

    from generate import write_kb
    info = write_kb(10_000, Path("/tmp/gen-10k"), seed=1)

The data follows ``data/sample`` exactly: the same classes and properties, relative IRIs
``id/{kind}/{key}`` (no ``@base``; they resolve against the load's base, ``BASE`` below in the
IRIs this module returns), memberships as hash IRIs of their notebook (``#m-{position}``), French
text with typographic apostrophes and no-break spaces, licences from the known list, Quebec
times (UTC-5, UTC-4 in summer). Everything is SYNTHETIC: names, texts, dates and external
identifiers are made up (see "External identifiers").

Sizes, for N notes (``N >= 10``)
--------------------------------
- notebooks: ``max(1, round(N / 50))``, 10 to 200 notes each (lognormal sizes, median about
  35); their own notes ("primary" memberships) are about 90 % of the notes, the other 10 % are
  in no notebook; about 5 % of N more memberships put popular notes in a second notebook
  (Zipf-like popularity), never above 200 per notebook;
- categories: 2 to 7 thematic categories per notebook (chapters, in order: "Contexte",
  "Résultats", …) plus "Présentation du carnet" when it has a table of contents (60 %),
  a summary (70 %) or a references note (50 %), which are notes of the notebook as in the sample;
- terms: ``min(5000, max(20, N // 20))``, in ``lexicons = min(8, 1 + terms // 500)`` lexicons; a
  three-level SKOS hierarchy (a notion, the notion qualified, then in a context), broader and
  narrower always stated both ways, top concepts with ``skos:topConceptOf`` / ``hasTopConcept``;
  ``skos:related`` (both ways) for about 15 % of terms; an acronym ``skos:altLabel`` for some;
- mappings: about 35 % of terms have one or two (``skos:exactMatch`` 55 %, ``closeMatch`` 35 %,
  ``broadMatch`` 5 %, ``relatedMatch`` 5 %) to Wikidata, UNESCO, RAMEAU, EuroVoc or Loterre;
- people: ``max(5, N // 25)``; communities: ``N // 500 + 3``; organisations:
  ``N // 1000 + 2``; knowledge bases: ``1 + N // 50000`` (notebooks shared out among them, each
  with every lexicon);
- visibility of notes: 10 % private and 5 % community-only (``ckg:visibleTo`` one or two
  communities, as the shapes require); 60 % of the notes of the 5 % private and 3 %
  community-only notebooks share their notebook's visibility, the rest are drawn at random;
  non-public notes always have an author and, like the sample's, no licence; public ones always
  have one licence;
- links, skewed: related terms per note 0 to 10 (mean about 1.7) drawn from a Zipf law (s = 1.05)
  over the terms, half of them from the notebook's own themes (also Zipf-drawn), so a few terms
  are used by a large share of the notes (at 100 000 notes the most used term by 21 %, the
  median term by 6 notes); related notes 0 to 8 (mean about 0.9), half to
  neighbours in the notebook, half to notes of Zipf-like popularity; 5 % of notes relate to
  another notebook; authors and integrators Zipf-drawn from each notebook's team;
- bodies (Markdown, French): about 1 % none (a description only, like the sample's note 4.6),
  8 % one sentence, most one to ten paragraphs (lognormal), 7 % long (10 to 35 paragraphs with
  headings and lists); tables of contents list the notebook's public notes; references notes
  list made-up references.

Measured (2 cores): 100 000 notes give 2 105 417 triples (21 per note) and 224 MB of Turtle in
200 files (none above 2 MB), written in about 8 s with a peak of 380 MB; 10 000 notes give
210 075 triples in 0.8 s.

Files
-----
``knowledge-base.ttl``, ``people.ttl``, ``communities.ttl``, ``organisations.ttl``,
``lexicon-NN.ttl`` (one lexicon and its terms each) with ``lexicon-NN.sssom.tsv`` (its mapping set,
as in the sample: every mapping with its provenance, plus unreviewed candidates that are records
only), ``notebooks-NNNN.ttl`` (25 notebooks with their categories and memberships each) and
``notes-NNNN.ttl`` (notes ``1000 * NNNN`` to ``1000 * NNNN + 999``: note keys end with
``-n{index}``, see ``note_file``). Reviewed mappings are also stated in the lexicon's Turtle,
so that any RDF store sees them; loading a lexicon file again without its ``.sssom.tsv`` drops
its records.

External identifiers
--------------------
They have the identifier form the shapes (``ckgsh:MappingTarget``) require, in ranges no real
record uses as far as we know (Wikidata ``Q9xxxxxxxx`` far above the highest item, ORCID
``0009-0099-…`` with a valid check digit, IdRef ``9xxxxxxxx``), but they are made up: never
dereference them or publish them as facts.

Determinism
-----------
Each part of the data draws from its own ``random.Random(f"{seed}:{part}")``; dates count from a
day of 2019 derived from the seed, never from the clock; everything is written in list order.
The same ``notes`` and ``seed`` give byte-identical files.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import datetime
import math
import random
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

BASE = "https://example.org/kb/"

NOTES_PER_FILE = 1000
NOTEBOOKS_PER_FILE = 25
MIN_NOTEBOOK, MAX_NOTEBOOK = 10, 200
TERM_CAP = 5000

PREFIX_IRIS = {
    "ckg": "https://w3id.org/carnet-kg/ontology#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

LICENCES = [
    ("http://creativecommons.org/licenses/by/4.0/", 50),
    ("http://creativecommons.org/licenses/by-sa/4.0/", 20),
    ("http://creativecommons.org/licenses/by-nc-sa/4.0/", 12),
    ("http://creativecommons.org/licenses/by-nc/4.0/", 6),
    ("http://creativecommons.org/licenses/by-nd/4.0/", 3),
    ("http://creativecommons.org/licenses/by-nc-nd/4.0/", 3),
    ("http://creativecommons.org/publicdomain/zero/1.0/", 6),
]
CC_BY = LICENCES[0][0]

NBSP = "\u00a0"
APOS = "\u2019"

# ---------------------------------------------------------------------------------------------
# Vocabulary (French, with English translations for labels)
# ---------------------------------------------------------------------------------------------

# (French noun, gender, English)
NOUNS = [
    ("participation", "f", "participation"), ("gouvernance", "f", "governance"),
    ("communauté de pratique", "f", "community of practice"), ("engagement", "m", "engagement"),
    ("coopération", "f", "cooperation"), ("autonomie", "f", "autonomy"),
    ("leadership", "m", "leadership"), ("mobilisation", "f", "mobilisation"),
    ("concertation", "f", "consultation"), ("évaluation", "f", "evaluation"),
    ("transfert de connaissances", "m", "knowledge transfer"),
    ("innovation sociale", "f", "social innovation"), ("animation", "f", "facilitation"),
    ("médiation", "f", "mediation"), ("accompagnement", "m", "support"),
    ("apprentissage", "m", "learning"), ("formation", "f", "training"),
    ("recherche-action", "f", "action research"), ("partenariat", "m", "partnership"),
    ("réseau", "m", "network"), ("entraide", "f", "mutual aid"),
    ("solidarité", "f", "solidarity"), ("économie sociale", "f", "social economy"),
    ("développement", "m", "development"), ("aménagement", "m", "planning"),
    ("transition", "f", "transition"), ("résilience", "f", "resilience"),
    ("inclusion", "f", "inclusion"), ("équité", "f", "equity"), ("santé", "f", "health"),
    ("alimentation", "f", "food"), ("logement", "m", "housing"), ("mobilité", "f", "mobility"),
    ("culture", "f", "culture"), ("éducation", "f", "education"), ("jeunesse", "f", "youth"),
    ("vieillissement", "m", "ageing"), ("territoire", "m", "territory"),
    ("quartier", "m", "neighbourhood"), ("financement", "m", "funding"),
    ("bénévolat", "m", "volunteering"), ("plaidoyer", "m", "advocacy"),
    ("littératie", "f", "literacy"), ("pratique réflexive", "f", "reflective practice"),
    ("co-construction", "f", "co-construction"), ("coordination", "f", "coordination"),
    ("collaboration", "f", "collaboration"), ("intervention", "f", "intervention"),
    ("pouvoir d’agir", "m", "empowerment"), ("capital social", "m", "social capital"),
    ("confiance", "f", "trust"), ("diffusion", "f", "dissemination"),
    ("documentation", "f", "documentation"), ("récit", "m", "narrative"),
    ("indicateur", "m", "indicator"), ("démarche", "f", "approach"), ("projet", "m", "project"),
    ("mandat", "m", "mandate"), ("structure", "f", "structure"), ("rencontre", "f", "meeting"),
    ("atelier", "m", "workshop"), ("outil", "m", "tool"), ("savoir", "m", "knowledge"),
    ("expertise", "f", "expertise"), ("politique publique", "f", "public policy"),
    ("philanthropie", "f", "philanthropy"), ("entrepreneuriat", "m", "entrepreneurship"),
    ("écosystème", "m", "ecosystem"), ("agriculture urbaine", "f", "urban agriculture"),
    ("sécurité alimentaire", "f", "food security"), ("itinérance", "f", "homelessness"),
    ("francisation", "f", "French-language training"), ("numérique", "m", "digital technology"),
    ("noyau de membres actifs", "m", "core group"), ("autogestion", "f", "self-management"),
]

# (masculine, feminine, English)
QUALIFIERS = [
    ("local", "locale", "local"), ("citoyen", "citoyenne", "citizen"),
    ("collectif", "collective", "collective"), ("partagé", "partagée", "shared"),
    ("participatif", "participative", "participatory"),
    ("communautaire", "communautaire", "community"), ("territorial", "territoriale", "territorial"),
    ("durable", "durable", "sustainable"), ("inclusif", "inclusive", "inclusive"),
    ("intersectoriel", "intersectorielle", "intersectoral"), ("régional", "régionale", "regional"),
    ("municipal", "municipale", "municipal"), ("solidaire", "solidaire", "solidarity"),
    ("écologique", "écologique", "ecological"), ("informel", "informelle", "informal"),
    ("horizontal", "horizontale", "horizontal"), ("émergent", "émergente", "emerging"),
    ("autochtone", "autochtone", "Indigenous"), ("rural", "rurale", "rural"),
    ("urbain", "urbaine", "urban"),
    ("intergénérationnel", "intergénérationnelle", "intergenerational"),
    ("préventif", "préventive", "preventive"), ("continu", "continue", "continuous"),
    ("mutuel", "mutuelle", "mutual"), ("stratégique", "stratégique", "strategic"),
    ("opérationnel", "opérationnelle", "operational"), ("critique", "critique", "critical"),
    ("expérientiel", "expérientielle", "experiential"), ("ouvert", "ouverte", "open"),
    ("distribué", "distribuée", "distributed"),
    ("transformateur", "transformatrice", "transformative"), ("éthique", "éthique", "ethical"),
    ("culturel", "culturelle", "cultural"), ("économique", "économique", "economic"),
    ("populaire", "populaire", "popular"), ("scolaire", "scolaire", "school"),
    ("familial", "familiale", "family"), ("professionnel", "professionnelle", "professional"),
    ("public", "publique", "public"), ("numérique", "numérique", "digital"),
    ("paritaire", "paritaire", "joint"), ("volontaire", "volontaire", "voluntary"),
]

# (French, English)
CONTEXTS = [
    ("en milieu rural", "in rural areas"), ("en contexte urbain", "in urban settings"),
    ("de proximité", "at community level"), ("en petite enfance", "in early childhood"),
    ("en santé mentale", "in mental health"), ("au travail", "at work"),
    ("en éducation des adultes", "in adult education"),
    (f"à l{APOS}échelle du quartier", "at neighbourhood scale"),
    ("en contexte autochtone", "in Indigenous contexts"),
    ("en temps de crise", "in times of crisis"), ("chez les jeunes", "among young people"),
    ("chez les aînés", "among older adults"), ("en milieu scolaire", "in schools"),
    ("en ligne", "online"), ("en région", "in the regions"),
    ("dans les organismes communautaires", "in community organisations"),
    ("en économie sociale", "in the social economy"),
    ("en recherche partenariale", "in partnership research"),
]

VERBS = [
    "renforce", "soutient", "favorise", "fragilise", "structure", "éclaire", "transforme",
    "nourrit", "complète", "accompagne", "questionne", "facilite", "oriente", "stimule",
    "ralentit", "rend possible", "met en lumière", "prolonge", "conditionne", "enrichit",
]
SETTINGS = [
    "entre les membres", "au sein du groupe", "dans la durée", f"à l{APOS}échelle régionale",
    "sur le terrain", "auprès des partenaires", "au fil des rencontres",
    "dans les milieux concernés", f"pour l{APOS}ensemble des acteurs", "dès les premiers mois",
    "malgré des ressources limitées", "dans la plupart des cas observés",
    "lorsque le mandat est clair", "quand les rôles sont partagés",
]
ACTIONS = [
    "Clarifier", "Documenter", "Évaluer", "Partager", "Préciser", "Soutenir", "Renforcer",
    "Revoir", "Planifier", "Discuter", "Nommer", "Consolider", "Présenter", "Reprendre",
]
PEOPLE_SAY = [
    "résume une participante", "note un membre du comité", "souligne une intervenante",
    "rappelle un partenaire", "explique une personne bénévole", "ajoute la coordonnatrice",
]
QUOTES = [
    "on avance mieux quand chacun sait ce qu’on attend de lui",
    "le groupe s’est approprié la démarche",
    "il a fallu du temps avant que la confiance s’installe",
    "les rencontres nous ont permis de sortir de l’isolement",
    "on a appris autant de nos erreurs que de nos réussites",
    "personne ne se sentait vraiment responsable du suivi",
    "les outils sont utiles, mais c’est la relation qui compte",
]

TEMPLATES = [
    "{A} {verb} {b} {setting}.",
    "Dans ce projet, {a} {verb} {b} {setting}.",
    "Plusieurs membres ont souligné que {a} demeure un enjeu central pour {de_b}.",
    "Selon les personnes interrogées, {a} dépend largement {de_b}.",
    "Il serait utile de préciser {a} dès le départ, afin de faciliter {b}.",
    "Les résultats montrent que {a} progresse lorsque {b} fait l’objet d’une attention "
    "soutenue.",
    "{A} ne va pas de soi : elle suppose du temps, des moyens et une certaine stabilité.",
    f"«{NBSP}{{quote}}{NBSP}», {{say}}.",
    'Comme l’a dit un membre du comité : "{quote}".',
    "En {year}, {k} organismes ont pris part à la démarche sur {b}.",
    "Cette note reprend les constats de la rencontre du {day}.",
    "La question {de_a} revient souvent, surtout {setting}.",
    "On observe un lien étroit entre {a} et {b} {setting}.",
    "Ce constat invite à repenser {a} à la lumière {de_b}.",
    "Le comité propose de documenter {a} pour mieux comprendre {b}.",
    "À plus long terme, {a} {verb} aussi {b}.",
    "Les échanges ont porté sur {a}, puis sur {b}.",
    "Il reste difficile de mesurer l’effet {de_a} sur {b}.",
    "Voir aussi la section {x}.{y} du carnet, qui traite {de_b}.",
    "Un équilibre doit être trouvé entre {a} et {b}.",
    "Les participantes et participants ont décrit {a} comme un point d’appui pour {b}.",
    "{A} a été abordée lors de {k} ateliers, avec des résultats inégaux.",
    "Sans {b}, {a} risque de s’essouffler.",
    "La CdP{nbsp}{k} a choisi de miser sur {a} plutôt que sur {b}.",
    "**À retenir** : {a} {verb} {b}.",
    "Les documents sont rangés dans le dossier partagé Projets\\{year}, avec les comptes rendus.",
]
TERM_SENTENCES = [
    "La notion {de_t} éclaire ce constat.",
    "On retrouve ici la question {de_t}.",
    "Le lexique du carnet définit *{t}*.",
    "Ce point rejoint ce que le lexique appelle {dt}.",
    "{Dt} y joue un rôle déterminant.",
    "Plusieurs personnes ont relié ces observations à {dt}.",
]

CATEGORIES = [  # thematic categories, in the order chapters come in
    ("Introduction", "Introduction"), ("Contexte", "Context"),
    ("Problématique", "Research problem"), ("Cadre conceptuel", "Conceptual framework"),
    ("Méthodologie", "Methodology"), ("Portrait du milieu", "Community profile"),
    ("Journal de bord", "Logbook"), ("Comptes rendus", "Minutes"),
    ("Études de cas", "Case studies"), ("Résultats", "Results"), ("Analyse", "Analysis"),
    ("Témoignages", "Testimonies"), ("Discussion", "Discussion"), ("Outils", "Tools"),
    (f"Pistes d{APOS}action", "Courses of action"), ("Ressources", "Resources"),
    ("Conclusion", "Conclusion"), ("Annexes", "Appendices"),
]
INTRO_CATEGORY = ("Présentation du carnet", "About this notebook")

FIRST_NAMES = [
    "Joëlle", "Camille", "Mathieu", "Sophie", "Olivier", "Isabelle", "Maxime", "Nathalie",
    "Gabriel", "Émilie", "Louis", "Geneviève", "Samuel", "Catherine", "Félix", "Marie-Ève",
    "Antoine", "Julie", "Alexandre", "Valérie", "Jérôme", "Annie", "Philippe", "Mélanie",
    "François", "Audrey", "Simon", "Caroline", "Étienne", "Karine", "Vincent", "Chantal",
    "Nicolas", "Sylvie", "Hugo", "Josée", "Marc-André", "Véronique", "Benoît", "Stéphanie",
    "Youssef", "Amina", "Thi Lan", "Minh", "Fatou", "Mamadou", "Ana", "Diego", "Leïla",
    "Karim", "Sarah", "David", "Noémie", "Raphaël", "Léa", "Thomas", "Chloé", "William",
    "Rosalie", "Jacob", "Océane", "Éloïse", "Laurent", "Hélène", "Pierre-Luc", "Andrée",
    "Denis", "Ginette", "Réjean", "Lise", "Kassandra", "Mireille", "Yves", "Manon",
    "Tshiamo", "Wapun", "Nadia", "Malik", "Inès", "Arnaud",
]
LAST_NAMES = [
    "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin",
    "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette",
    "Girard", "Simard", "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier",
    "Fournier", "Lapointe", "Leclerc", "Lefebvre", "Poulin", "Thibault", "St-Pierre",
    "Nadeau", "Martin", "Landry", "Martel", "Bédard", "Grenier", "Lessard", "Bernier",
    "Richard", "Michaud", "Hébert", "Desjardins", "Couture", "Turcotte", "Lachance",
    "Parent", "Blais", "Gosselin", "Savard", "Proulx", "Beaudoin", "Demers", "Perron",
    "Boudreau", "Ménard", "Nguyen", "Diallo", "Benali", "Haddad", "Traoré", "Pérez",
    "Rodríguez", "Kanapé", "Vollant", "Bastien", "Picard", "Dufour", "Vachon", "Lambert",
    "Beauchamp", "Charbonneau", "Rousseau", "Allard", "Labelle", "Mercier", "Lemieux",
    "Dumont", "Cyr", "Jacques", "Marchand", "Arsenault", "Brassard", "Giroux", "Lauzon",
    "Rivard", "Séguin", "Vaillancourt", "Tardif", "Lalonde", "Ducharme", "Lacroix", "Nolin",
    "Doucet", "Guay", "Boivin", "Paradis", "Deschênes", "Thériault",
]
REGIONS = [
    "Bas-Saint-Laurent", "Saguenay–Lac-Saint-Jean", "Capitale-Nationale", "Mauricie",
    "Estrie", "Montréal", "Outaouais", "Abitibi-Témiscamingue", "Côte-Nord", "Gaspésie",
    "Chaudière-Appalaches", "Laval", "Lanaudière", "Laurentides", "Montérégie",
    "Centre-du-Québec", "Nord-du-Québec", "Îles-de-la-Madeleine",
]
COMMUNITY_KINDS = [
    "Communauté de pratique", "Réseau", "Cercle", "Collectif", "Table de concertation",
    "Groupe de travail", "Communauté",
]
ORGANISATION_KINDS = [
    "Centre", "Coopérative de solidarité", "Fondation", "Observatoire", "Institut",
    "Corporation de développement communautaire", "Regroupement", "Carrefour",
]
PUBLISHERS = [
    "Presses universitaires du Nord", "Éditions du Fleuve", "Revue des pratiques collectives",
    "Cahiers de l’innovation sociale", "Éditions de la Traverse", "Rapport de recherche",
]
NOTEBOOK_KINDS = [
    "Carnet de recherche", "Carnet de pratique", "Carnet de projet", "Journal de bord",
    "Mémoire", "Carnet de terrain", "Carnet d’équipe",
]
NOTE_OPENERS = [  # (French, followed by "de", English)
    ("Retour sur", False, "Looking back at"), ("Leçons tirées", True, "Lessons from"),
    ("Pistes pour", False, "Ideas for"), ("Enjeux", True, "Issues of"),
    ("Regards sur", False, "Perspectives on"), ("Constats sur", False, "Findings on"),
    ("Notes sur", False, "Notes on"),
]

VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüœh")

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def slug(text: str, max_words: int | None = None) -> str:
    """A URL-safe key: ASCII lower case words joined by hyphens (``[a-z0-9][a-z0-9-]*``)."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae")
    text = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c)).lower()
    words = re.findall(r"[a-z0-9]+", text)  # anything else (’ – …) separates words
    return "-".join(words[:max_words] if max_words else words)


def lit(text: str, lang: str | None = None) -> str:
    """A Turtle string literal: long form (kept readable) when it spans lines; backslashes and
    double quotes are always escaped, so no content can end the string early."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r")
    quoted = f'"""{escaped}"""' if "\n" in escaped else f'"{escaped}"'
    return f"{quoted}@{lang}" if lang else quoted


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def art(np: tuple[str, str, str]) -> str:
    """The noun phrase with its definite article ("la participation", "l’autonomie")."""
    text, gender = np[0], np[1]
    if text[0] in VOWELS:
        return f"l{APOS}{text}"
    return ("la " if gender == "f" else "le ") + text


def de_bare(text: str) -> str:
    """"de" before a noun without article ("de participation", "d’équité")."""
    return f"d{APOS}{text}" if text[0] in VOWELS else f"de {text}"


def de(np: tuple[str, str, str]) -> str:
    text, gender = np[0], np[1]
    if text[0] in VOWELS:
        return f"de l{APOS}{text}"
    return ("de la " if gender == "f" else "du ") + text


class Zipf:
    """Draws items with probability proportional to ``1 / rank ** s``; ranks are shuffled, so
    the most used items are spread over the list, not its first ones."""

    def __init__(self, items: list, s: float, r: random.Random) -> None:
        self.items = list(items)
        r.shuffle(self.items)
        total = 0.0
        self.cumulative = []
        for rank in range(1, len(self.items) + 1):
            total += 1.0 / rank ** s
            self.cumulative.append(total)
        self.total = total

    def draw(self, r: random.Random):
        i = bisect.bisect_right(self.cumulative, r.random() * self.total)
        return self.items[min(i, len(self.items) - 1)]


def weighted(r: random.Random, pairs: list[tuple[object, int]]):
    return r.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


_DST: dict[int, tuple[int, int]] = {}


def _summer_time(year: int) -> tuple[int, int]:
    """UTC seconds when Quebec summer time (UTC-4) starts and ends in ``year``."""
    if year not in _DST:
        start = datetime.date(year, 3, 8)
        start += datetime.timedelta(days=(6 - start.weekday()) % 7)  # second Sunday of March
        end = datetime.date(year, 11, 1)
        end += datetime.timedelta(days=(6 - end.weekday()) % 7)  # first Sunday of November
        _DST[year] = (calendar.timegm((year, 3, start.day, 7, 0, 0)),
                      calendar.timegm((year, 11, end.day, 6, 0, 0)))
    return _DST[year]


HOURS = [(8, 3), (9, 8), (10, 10), (11, 9), (12, 5), (13, 8), (14, 10), (15, 9), (16, 7),
         (17, 4), (18, 2), (19, 3), (20, 3), (21, 2), (22, 1)]


def daytime(r: random.Random, seconds: int, not_before: int | None = None) -> int:
    """``seconds`` moved to a working hour of the same (Quebec) day, on the minute; kept as it is
    (on the minute) when that would fall before ``not_before``."""
    day = (seconds - 5 * 3600) // 86400 * 86400 + 5 * 3600
    moved = day + weighted(r, HOURS) * 3600 + r.randrange(60) * 60
    if not_before is not None and moved < not_before:
        moved = max(seconds, not_before)
        moved += -moved % 60
    return moved


def stamp(seconds: int) -> str:
    """An ``xsd:dateTime`` literal in Quebec time for UTC ``seconds``."""
    start, end = _summer_time(time.gmtime(seconds).tm_year)
    offset = 4 if start <= seconds < end else 5
    t = time.gmtime(seconds - offset * 3600)
    return (f'"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}'
            f':00-0{offset}:00"^^xsd:dateTime')


def french_day(seconds: int) -> str:
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"]
    t = time.gmtime(seconds)
    day = "1er" if t.tm_mday == 1 else str(t.tm_mday)
    return f"{day}{NBSP}{months[t.tm_mon - 1]} {t.tm_year}"


class Out:
    """Turtle text of one file, written resource by resource, counting triples."""

    def __init__(self, header: str, prefixes: list[str]) -> None:
        self.parts = [header, "\n"]
        self.parts += [f"@prefix {p}: <{PREFIX_IRIS[p]}> .\n" for p in prefixes]
        self.parts.append("\n")
        self.triples = 0

    def resource(self, subject: str, types: list[str], props: list[tuple[str, list[str]]]
                 ) -> None:
        lines = [f"    a {', '.join(types)}"]
        count = len(types)
        for predicate, objects in props:
            if not objects:
                continue
            count += len(objects)
            joined = " , ".join(objects)
            if len(joined) > 80 and len(objects) > 1:
                joined = " ,\n        ".join(objects)
            lines.append(f"    {predicate} {joined}")
        self.triples += count
        self.parts.append(f"{subject}\n" + " ;\n".join(lines) + " .\n\n")

    def text(self) -> str:
        return "".join(self.parts)


def iri(kind: str, key: str) -> str:
    return f"<id/{kind}/{key}>"


# ---------------------------------------------------------------------------------------------
# The model being generated
# ---------------------------------------------------------------------------------------------


class Term:
    __slots__ = ("index", "key", "np", "en", "parent", "children", "related", "lexicon",
                 "alt_fr", "alt_en", "mappings", "candidates", "issued", "modified", "uses")

    def __init__(self, index: int, key: str, np: tuple[str, str, str], en: str | None,
                 parent: int | None) -> None:
        self.index, self.key, self.np, self.en, self.parent = index, key, np, en, parent
        self.children: list[int] = []
        self.related: list[int] = []
        self.lexicon = 0
        self.alt_fr = self.alt_en = None
        self.mappings: list[tuple[str, str, str]] = []  # (predicate, target, vocabulary)
        self.candidates: list[tuple[str, str, str]] = []
        self.issued = self.modified = 0
        self.uses = 0


class Notebook:
    __slots__ = ("index", "key", "title", "title_en", "description", "description_en",
                 "visibility", "visible_to", "licence", "creators", "team", "communities",
                 "organisations", "categories", "members", "toc", "summary", "references",
                 "numbered", "start", "modified", "dated", "themes", "size")

    def __init__(self, index: int) -> None:
        self.index = index
        self.members: list[list] = []  # [note, category index, section, integrator, time]
        self.categories: list[tuple[str, str, str]] = []  # (key, French, English)
        self.toc = self.summary = self.references = None


class Note:
    __slots__ = ("index", "key", "np", "title", "title_en", "description", "body", "role",
                 "notebook", "visibility", "visible_to", "licence", "issued", "modified",
                 "creators", "terms", "related", "related_notebooks", "communities",
                 "organisations")

    def __init__(self, index: int) -> None:
        self.index = index
        self.notebook = -1
        self.role = "note"  # or toc, summary, references
        self.title_en = self.description = self.body = None
        self.visible_to: list[int] = []
        self.related: list[int] = []
        self.related_notebooks: list[int] = []


class Agent:
    __slots__ = ("key", "name", "name_en", "description", "homepage", "same_as", "member_of")

    def __init__(self, key: str, name: str) -> None:
        self.key, self.name = key, name
        self.name_en = self.description = self.homepage = None
        self.same_as: list[str] = []
        self.member_of: list[str] = []


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------


def _unique_key(base: str, taken: set[str]) -> str:
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def _orcid(r: random.Random) -> str:
    digits = "00090099" + "".join(str(r.randrange(10)) for _ in range(7))
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    d = digits + ("X" if check == 10 else str(check))
    return f"https://orcid.org/{d[0:4]}-{d[4:8]}-{d[8:12]}-{d[12:16]}"


def _idref(r: random.Random) -> str:
    digits = "9" + "".join(str(r.randrange(10)) for _ in range(7))
    check = sum(int(c) * w for c, w in zip(digits, range(9, 1, -1), strict=True)) % 11
    check = (11 - check) % 11
    return f"https://www.idref.fr/{digits}{'X' if check == 10 else check}"


def _wikidata(r: random.Random) -> str:
    return f"http://www.wikidata.org/entity/Q{r.randrange(900_000_000, 1_000_000_000)}"


VOCABULARIES = [("wikidata", 55), ("unesco", 15), ("rameau", 12), ("eurovoc", 10),
                ("loterre", 8)]
VOCABULARY_PREFIXES = {
    "wikidata": ("wd", "http://www.wikidata.org/entity/"),
    "unesco": ("unesco", "http://vocabularies.unesco.org/thesaurus/"),
    "rameau": ("rameau", "http://data.bnf.fr/ark:/12148/"),
    "eurovoc": ("eurovoc", "http://eurovoc.europa.eu/"),
    "loterre": ("loterre", "http://data.loterre.fr/ark:/67375/"),
}
ARK_CHARS = "0123456789bcdfghjkmnpqrstvwxz"


def _concept(r: random.Random, vocabulary: str) -> str:
    if vocabulary == "wikidata":
        return _wikidata(r)
    if vocabulary == "unesco":
        return f"http://vocabularies.unesco.org/thesaurus/concept{r.randrange(90000, 100000)}"
    if vocabulary == "rameau":
        return (f"http://data.bnf.fr/ark:/12148/cb9{r.randrange(10_000_000):07d}"
                f"{r.choice(ARK_CHARS)}")
    if vocabulary == "eurovoc":
        return f"http://eurovoc.europa.eu/{r.randrange(9_000_000, 10_000_000)}"
    code = "".join(r.choice("0123456789BCDFGHJKLMNPQRSTVWXZ") for _ in range(8))
    return f"http://data.loterre.fr/ark:/67375/SYN-{code}-{r.choice('0123456789')}"


class Generator:
    def __init__(self, notes: int, seed: int) -> None:
        if notes < MIN_NOTEBOOK:
            raise ValueError(f"at least {MIN_NOTEBOOK} notes (one notebook's worth)")
        self.n, self.seed = notes, seed
        r = self.rng("epoch")
        epoch_day = datetime.date(2019, 1, 1) + datetime.timedelta(days=r.randrange(365))
        self.epoch = calendar.timegm(epoch_day.timetuple()) + 13 * 3600
        self.span = 5 * 365 * 86400
        self.n_notebooks = max(1, round(notes / 50))
        self.n_terms = min(TERM_CAP, max(20, notes // 20))
        self.n_lexicons = min(8, 1 + self.n_terms // 500)
        self.n_people = max(5, notes // 25)
        self.n_communities = notes // 500 + 3
        self.n_organisations = notes // 1000 + 2
        self.n_kbs = 1 + notes // 50000

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{part}")

    # -- noun phrases ----------------------------------------------------------------------

    def noun_phrase(self, r: random.Random) -> tuple[str, str, str]:
        noun, gender, en = r.choice(NOUNS)
        if r.random() < 0.45:
            masc, fem, q_en = r.choice(QUALIFIERS)
            qualifier = fem if gender == "f" else masc
            if qualifier[:5] not in noun:
                return (f"{noun} {qualifier}", gender, f"{q_en} {en}")
        return (noun, gender, en)

    # -- agents ----------------------------------------------------------------------------

    def agents(self) -> None:
        r = self.rng("agents")
        taken: set[str] = set()
        self.organisations: list[Agent] = []
        names: set[str] = set()
        for _ in range(self.n_organisations):
            while True:
                kind = r.choice(ORGANISATION_KINDS)
                np = self.noun_phrase(r)
                name = f"{kind} {de(np)} ({r.choice(REGIONS)})" if r.random() < 0.5 \
                    else f"{kind} {cap(np[0])} {r.choice(REGIONS)}"
                if name not in names:
                    names.add(name)
                    break
            agent = Agent(_unique_key(slug(name, 8), taken), name)
            if r.random() < 0.7:
                agent.homepage = f"https://{slug(name, 4)}.example.org/"
            if r.random() < 0.3:
                agent.same_as.append(_wikidata(r))
            self.organisations.append(agent)

        self.communities: list[Agent] = []
        titles: set[str] = set()
        for _ in range(self.n_communities):
            while True:
                np = self.noun_phrase(r)
                kind = r.choice(COMMUNITY_KINDS)
                if "communauté" in np[0]:
                    continue
                topic = f"en {np[0]}" if r.random() < 0.5 else f"sur {art(np)}"
                title = f"{kind} {topic} — {r.choice(REGIONS)}"
                if title not in titles:
                    titles.add(title)
                    break
            agent = Agent(_unique_key(slug(title, 9), taken), title)
            if r.random() < 0.5:
                agent.name_en = f"{cap(np[2])} {kind_en(kind)}"
            if r.random() < 0.6:
                agent.description = (f"{kind} qui réunit des personnes et des organismes autour "
                                     f"{de(np)} : échanges de pratiques, rencontres et outils "
                                     "partagés.")
            if r.random() < 0.2:
                agent.same_as.append(_wikidata(r))
            self.communities.append(agent)

        self.people: list[Agent] = []
        full: set[str] = set()
        community_pick = Zipf(list(range(self.n_communities)), 1.0, r)
        for _ in range(self.n_people):
            for attempt in range(40):
                first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
                if attempt >= 20:
                    last = f"{last}-{r.choice(LAST_NAMES)}"
                name = f"{first} {last}"
                if name not in full:
                    break
            else:
                name = f"{name} {len(self.people)}"
            full.add(name)
            person = Agent(_unique_key(slug(name), taken), name)
            x = r.random()
            if x < 0.6:
                count = 2 if x < 0.1 else 1
                for _ in range(count):
                    c = self.communities[community_pick.draw(r)].key
                    if iri("community", c) not in person.member_of:
                        person.member_of.append(iri("community", c))
            if r.random() < 0.35:
                person.member_of.append(iri("organisation", r.choice(self.organisations).key))
            if r.random() < 0.1:
                person.homepage = f"https://{person.key}.example.net/"
            if r.random() < 0.15:
                person.same_as.append(_orcid(r))
            if r.random() < 0.05:
                person.same_as.append(_idref(r))
            self.people.append(person)

    # -- lexicons ----------------------------------------------------------------------------

    def lexicons(self) -> None:
        r = self.rng("lexicon")
        nouns = list(NOUNS)
        r.shuffle(nouns)
        n_top = min(len(nouns), max(5, round(self.n_terms / 30)), self.n_terms)
        self.terms: list[Term] = []
        labels: set[str] = set()
        keys: set[str] = set()

        def add(np, en, parent):
            if np[0] in labels or slug(np[0]) in keys:
                return False
            labels.add(np[0])
            keys.add(slug(np[0]))
            term = Term(len(self.terms), slug(np[0]), np, en, parent)
            if parent is not None:
                self.terms[parent].children.append(term.index)
                term.lexicon = self.terms[parent].lexicon
            self.terms.append(term)
            return True

        for i, (noun, gender, en) in enumerate(nouns[:n_top]):
            add((noun, gender, en), en, None)
            self.terms[-1].lexicon = i % self.n_lexicons
        second: list[int] = []
        while len(self.terms) < self.n_terms:
            if r.random() < 0.65 or not second:
                parent = r.randrange(n_top)
                noun, gender, en = self.terms[parent].np
                masc, fem, q_en = r.choice(QUALIFIERS)
                qualifier = fem if gender == "f" else masc
                if qualifier[:5] in noun:
                    continue
                if add((f"{noun} {qualifier}", gender, en), f"{q_en} {en}", parent):
                    second.append(len(self.terms) - 1)
            else:
                parent = r.choice(second) if r.random() < 0.7 else r.randrange(n_top)
                noun, gender, en = self.terms[parent].np
                context, c_en = r.choice(CONTEXTS)
                add((f"{noun} {context}", gender, en), f"{self.terms[parent].en} {c_en}",
                    parent)
        for term in self.terms:
            if r.random() > 0.7 and term.parent is not None:
                term.en = None  # not every term is translated
            words = [w for w in re.split(r"[\s’-]+", term.np[0]) if len(w) > 3]
            if len(words) >= 2 and r.random() < 0.2:
                term.alt_fr = "".join(w[0] for w in words).upper()
                if term.en:
                    en_words = [w for w in term.en.split() if len(w) > 3]
                    if len(en_words) >= 2:
                        term.alt_en = "".join(w[0] for w in en_words).upper()
            term.issued = daytime(r, self.epoch + r.randrange(self.span * 4 // 5))
            term.modified = term.issued if r.random() < 0.6 else daytime(
                r, term.issued + int(r.lognormvariate(math.log(20 * 86400), 1.2)), term.issued)
        by_lexicon: dict[int, list[int]] = {}
        for term in self.terms:
            by_lexicon.setdefault(term.lexicon, []).append(term.index)
        for term in self.terms:
            if r.random() < 0.15:
                for _ in range(1 if r.random() < 0.7 else 2):
                    other = r.choice(by_lexicon[term.lexicon])
                    if other != term.index and other != term.parent \
                            and other not in term.children and other not in term.related:
                        term.related.append(other)
                        self.terms[other].related.append(term.index)
        predicates = [("skos:exactMatch", 55), ("skos:closeMatch", 35), ("skos:broadMatch", 5),
                      ("skos:relatedMatch", 5)]
        for term in self.terms:
            x = r.random()
            if x < 0.35:
                vocabularies = [weighted(r, VOCABULARIES)]
                if x < 0.07:
                    vocabularies.append(weighted(r, VOCABULARIES))
                for vocabulary in vocabularies:
                    term.mappings.append((weighted(r, predicates), _concept(r, vocabulary),
                                          vocabulary))
            elif x < 0.45:
                vocabulary = weighted(r, VOCABULARIES)
                term.candidates.append(("skos:exactMatch" if r.random() < 0.4 else
                                        "skos:closeMatch", _concept(r, vocabulary), vocabulary))
        self.lexicon_keys = []
        for i in range(self.n_lexicons):
            theme = LEXICON_THEMES[i % len(LEXICON_THEMES)]
            self.lexicon_keys.append((slug(theme[0]), theme))
        self.term_pick = Zipf(list(range(len(self.terms))), 1.05, r)

    # -- notebooks and notes -----------------------------------------------------------------

    def notebook_sizes(self, r: random.Random) -> list[int]:
        raw = [r.lognormvariate(0, 0.75) for _ in range(self.n_notebooks)]
        target = min(self.n, max(MIN_NOTEBOOK * self.n_notebooks, round(0.9 * self.n)))
        target = min(target, MAX_NOTEBOOK * self.n_notebooks)

        def sizes_for(scale: float) -> list[int]:
            return [min(MAX_NOTEBOOK, max(MIN_NOTEBOOK, round(x * scale))) for x in raw]

        low, high = 0.0, 1000.0
        for _ in range(60):
            mid = (low + high) / 2
            if sum(sizes_for(mid)) < target:
                low = mid
            else:
                high = mid
        sizes = sizes_for(high)
        excess = sum(sizes) - target
        i = 0
        while excess != 0 and i < 100 * len(sizes):
            b = i % len(sizes)
            if excess > 0 and sizes[b] > MIN_NOTEBOOK:
                sizes[b] -= 1
                excess -= 1
            elif excess < 0 and sizes[b] < MAX_NOTEBOOK:
                sizes[b] += 1
                excess += 1
            i += 1
        return sizes

    def plan(self) -> None:
        r = self.rng("notebooks")
        people_pick = Zipf(list(range(self.n_people)), 0.9, r)
        community_pick = Zipf(list(range(self.n_communities)), 1.0, r)
        sizes = self.notebook_sizes(r)
        self.notebooks: list[Notebook] = []
        taken: set[str] = set()
        for b, size in enumerate(sizes):
            nb = Notebook(b)
            nb.size = size
            np = self.noun_phrase(r)
            kind = r.choice(NOTEBOOK_KINDS)
            x = r.random()
            if x < 0.4:
                nb.title = f"{kind} : {art(np)}"
            elif x < 0.7:
                context = r.choice(CONTEXTS)[0]
                nb.title = f"{cap(art(np))} {context}"
            else:
                other = self.noun_phrase(r)
                nb.title = f"{cap(art(np))} comme levier {de(other)}"
            nb.title = cap(nb.title)
            nb.key = _unique_key(f"{slug(nb.title, 6)}-c{b}", taken)
            nb.title_en = f"Notebook: {np[2]}" if r.random() < 0.3 else None
            nb.description = None
            if r.random() < 0.8:
                nb.description = (f"Un carnet qui documente {art(np)} "
                                  f"{r.choice(CONTEXTS)[0]} : constats, récits de pratique et "
                                  f"pistes d{APOS}action, réunis {r.choice(SETTINGS)}.")
            nb.description_en = (f"A notebook documenting {np[2]}: findings, practice stories "
                                 "and courses of action." if nb.description and r.random() < 0.25
                                 else None)
            x = r.random()
            nb.visibility = "Private" if x < 0.05 else "CommunityOnly" if x < 0.08 else "Public"
            nb.licence = weighted(r, LICENCES) if nb.visibility == "Public" or r.random() < 0.5 \
                else None
            team = []
            for _ in range(1 + int(r.expovariate(0.6))):
                p = people_pick.draw(r)
                if p not in team:
                    team.append(p)
            nb.team = team[:6]
            nb.creators = nb.team[:1 + (r.random() < 0.3)]
            nb.communities = []
            x = r.random()
            for _ in range(0 if x < 0.2 else 2 if x < 0.35 else 1):
                c = community_pick.draw(r)
                if c not in nb.communities:
                    nb.communities.append(c)
            nb.organisations = [r.randrange(self.n_organisations)] if r.random() < 0.3 else []
            nb.visible_to = []
            if nb.visibility == "CommunityOnly":
                nb.visible_to = list(nb.communities) or [community_pick.draw(r)]
            nb.numbered = r.random() < 0.7
            nb.dated = r.random() < 0.85
            nb.start = daytime(r, self.epoch + r.randrange(self.span * 17 // 20))
            nb.themes = Zipf([self.term_pick.draw(r) for _ in range(r.randint(4, 12))], 1.0, r)
            self.notebooks.append(nb)

        # lay the notes out: notebooks as blocks, loose notes between them
        self.notes: list[Note] = [Note(i) for i in range(self.n)]
        loose = self.n - sum(sizes)
        items = [b for b in range(self.n_notebooks)] + [-1] * loose
        r.shuffle(items)
        index = 0
        for b in items:
            if b < 0:
                note = self.notes[index]
                note.issued = daytime(r, self.epoch + r.randrange(self.span))
                index += 1
                continue
            nb = self.notebooks[b]
            block = self.notes[index:index + nb.size]
            index += nb.size
            self.fill_notebook(r, nb, block)

        # second notebooks for popular notes
        popular = Zipf(list(range(self.n)), 1.0, r)
        self.extra_memberships = 0
        members = [{m[0].index for m in nb.members} for nb in self.notebooks]
        for _ in range(round(0.05 * self.n)):
            note = self.notes[popular.draw(r)]
            b = r.randrange(self.n_notebooks)
            nb = self.notebooks[b]
            if note.notebook == b or note.index in members[b] or len(nb.members) >= MAX_NOTEBOOK:
                continue
            members[b].add(note.index)
            thematic = [c for c in range(len(nb.categories)) if nb.categories[c][1] !=
                        INTRO_CATEGORY[0]]
            base = max(note.issued, nb.start)
            at = daytime(r, base + int(r.lognormvariate(math.log(30 * 86400), 1.0)), base)
            who = nb.team[min(len(nb.team) - 1, int(r.expovariate(1.0)))]
            nb.members.append([note, r.choice(thematic), None, who, at])
            self.extra_memberships += 1

    def fill_notebook(self, r: random.Random, nb: Notebook, block: list[Note]) -> None:
        has_toc = r.random() < 0.6
        has_summary = r.random() < 0.7
        has_refs = r.random() < 0.5
        intro = []
        if has_toc:
            intro.append("toc")
        if has_summary:
            intro.append("summary")
        regular = len(block) - len(intro) - (1 if has_refs else 0)
        chosen = sorted(r.sample(range(len(CATEGORIES)), min(regular, r.randint(2, 7))))
        cat_keys = []
        if intro or has_refs:
            cat_keys.append((f"{slug(INTRO_CATEGORY[0])}-c{nb.index}", *INTRO_CATEGORY))
        for c in chosen:
            fr, en = CATEGORIES[c]
            cat_keys.append((f"{slug(fr)}-c{nb.index}", fr, en))
        nb.categories = cat_keys
        first_thematic = 1 if (intro or has_refs) else 0
        n_thematic = len(chosen)
        # cut the regular notes into chapters, at least one note each
        cuts = sorted(r.sample(range(1, regular), n_thematic - 1)) if n_thematic > 1 else []
        bounds = [0, *cuts, regular]
        t = nb.start + r.randrange(3600, 3 * 86400)
        pos = 0
        for role in intro:
            note = block[pos]
            note.role = role
            setattr(nb, role, note.index)
            self._place(r, nb, note, 0, f"0.{pos + 1}" if nb.numbered else None, t)
            pos += 1
        for chapter in range(n_thematic):
            for j in range(bounds[chapter + 1] - bounds[chapter]):
                note = block[pos]
                t += int(r.lognormvariate(math.log(36 * 3600), 1.0))
                section = f"{chapter + 1}.{j + 1}" if nb.numbered else None
                self._place(r, nb, note, first_thematic + chapter, section, t)
                pos += 1
        if has_refs:
            note = block[pos]
            note.role = "references"
            nb.references = note.index
            t += int(r.lognormvariate(math.log(36 * 3600), 1.0))
            self._place(r, nb, note, 0, None, t)

    def _place(self, r: random.Random, nb: Notebook, note: Note, category: int,
               section: str | None, t: int) -> None:
        note.notebook = nb.index
        note.issued = daytime(r, t, nb.start)
        who = nb.team[min(len(nb.team) - 1, int(r.expovariate(1.0)))] \
            if r.random() < 0.85 else None
        nb.members.append([note, category, section, who, note.issued if who is not None
                           else None])

    # -- note attributes ---------------------------------------------------------------------

    def visibilities(self, r: random.Random) -> None:
        """Intro notes follow their notebook, and 60 % of the other notes of a non-public
        notebook too; then notes drawn at random among the rest make up 10 % private and 5 %
        community-only notes (exactly, unless the non-public notebooks alone exceed that)."""
        free = []
        counts = {"Public": 0, "Private": 0, "CommunityOnly": 0}
        for note in self.notes:
            nb = self.notebooks[note.notebook] if note.notebook >= 0 else None
            if nb is not None and (note.role != "note" or nb.visibility != "Public"
                                   and r.random() < 0.6):
                note.visibility = nb.visibility
            else:
                note.visibility = "Public"
                if note.role == "note":
                    free.append(note)
            counts[note.visibility] += 1
        private = max(0, round(0.10 * self.n) - counts["Private"])
        community = max(0, round(0.05 * self.n) - counts["CommunityOnly"])
        chosen = r.sample(free, min(len(free), private + community))
        for note in chosen[:private]:
            note.visibility = "Private"
        for note in chosen[private:]:
            note.visibility = "CommunityOnly"

    def describe_notes(self) -> None:
        r = self.rng("notes")
        community_pick = Zipf(list(range(self.n_communities)), 1.0, r)
        people_pick = Zipf(list(range(self.n_people)), 0.9, r)
        popular = Zipf(list(range(self.n)), 1.0, r)
        members_of = [[m[0].index for m in nb.members] for nb in self.notebooks]
        place = {}  # note index -> its position in its own notebook's list
        for members in members_of:
            for at, index in enumerate(members):
                place.setdefault(index, at)
        self.visibilities(r)
        for note in self.notes:
            nb = self.notebooks[note.notebook] if note.notebook >= 0 else None
            if note.visibility == "CommunityOnly":
                if nb is not None and nb.visible_to:
                    note.visible_to = list(nb.visible_to)
                else:
                    note.visible_to = [community_pick.draw(r)]
                    if r.random() < 0.2:
                        other = community_pick.draw(r)
                        if other not in note.visible_to:
                            note.visible_to.append(other)
            if note.visibility == "Public":
                note.licence = nb.licence if nb is not None and nb.licence and \
                    r.random() < 0.8 else weighted(r, LICENCES)
            else:
                note.licence = None
            team = nb.team if nb is not None else [people_pick.draw(r)]
            x = r.random()
            n_creators = 0 if x < 0.25 else 1 if x < 0.85 else 2 if x < 0.95 else 3
            if note.visibility != "Public":
                n_creators = max(1, n_creators)
            creators = []
            for _ in range(n_creators):
                p = r.choice(team) if r.random() < 0.8 else people_pick.draw(r)
                if p not in creators:
                    creators.append(p)
            note.creators = creators
            note.modified = note.issued if r.random() < 0.45 else daytime(
                r, note.issued + int(r.lognormvariate(math.log(3 * 86400), 1.6)), note.issued)
            # related terms: half from the notebook's themes, half from all terms (Zipf both)
            terms: list[int] = []
            if note.role == "note":
                k = 0 if r.random() < 0.12 else min(10, 1 + int(r.expovariate(0.6)))
                for _ in range(k):
                    t = nb.themes.draw(r) if nb is not None and r.random() < 0.5 \
                        else self.term_pick.draw(r)
                    if t not in terms:
                        terms.append(t)
            note.terms = terms
            for t in terms:
                self.terms[t].uses += 1
            # related notes: neighbours in the notebook, or popular notes anywhere
            related: list[int] = []
            if note.role == "note" and r.random() >= 0.4:
                for _ in range(min(8, 1 + int(r.expovariate(0.9)))):
                    if nb is not None and r.random() < 0.5:
                        members = members_of[note.notebook]
                        at = place[note.index]
                        other = members[max(0, min(len(members) - 1,
                                                   at + r.randint(-5, 5)))]
                    else:
                        other = popular.draw(r)
                    if other != note.index and other not in related:
                        related.append(other)
            note.related = related
            if r.random() < 0.05 and self.n_notebooks > 1:
                other = r.randrange(self.n_notebooks)
                if other != note.notebook:
                    note.related_notebooks = [other]
            if nb is not None and nb.communities and r.random() < 0.5:
                note.communities = list(nb.communities)
            elif r.random() < 0.1:
                note.communities = [community_pick.draw(r)]
            else:
                note.communities = []
            if nb is not None and nb.organisations and r.random() < 0.6:
                note.organisations = list(nb.organisations)
            elif r.random() < 0.05:
                note.organisations = [r.randrange(self.n_organisations)]
            else:
                note.organisations = []

    def titles(self) -> None:
        r = self.rng("titles")
        fixed = {"toc": ("Table des matières", "Table of contents"),
                 "summary": ("Résumé", "Summary"), "references": ("Références", "References")}
        for note in self.notes:
            if note.role in fixed:
                note.title, en = fixed[note.role]
                note.title_en = en if r.random() < 0.5 else None
                note.np = None
                continue
            np = self.noun_phrase(r)
            if note.terms and r.random() < 0.5:
                np = self.terms[note.terms[0]].np
            note.np = np
            x = r.random()
            en = None
            if x < 0.3:
                context, context_en = r.choice(CONTEXTS)
                title, en = f"{cap(art(np))} {context}", f"{np[2]} {context_en}"
            elif x < 0.5:
                other = self.noun_phrase(r)
                title = f"Quand {art(np)} {r.choice(VERBS)} {art(other)}"
            elif x < 0.7:
                opener, with_de, opener_en = r.choice(NOTE_OPENERS)
                title = f"{opener} {de(np) if with_de else art(np)}"
                en = f"{opener_en} {np[2]}"
            elif x < 0.85:
                other = self.noun_phrase(r)
                title = f"{cap(art(np))} comme levier {de(other)}"
                en = f"{np[2]} as a lever for {other[2]}"
            elif np[1] == "f" and np[0][0] not in VOWELS:
                title = f"Une réelle {np[0]} dans la réalisation du mandat"
                en = f"Genuine {np[2]} in carrying out the mandate"
            else:
                word, word_en = r.choice([("constats", "findings"), ("enjeux", "issues"),
                                          ("pistes", "ideas"), ("questions", "questions")])
                title, en = f"{cap(np[0])} : {word}", f"{np[2]}: {word_en}"
            if note.visibility == "Private" and r.random() < 0.5:
                title, en = f"Brouillon : {title[:1].lower()}{title[1:]}", None
            note.title = cap(title)
            note.title_en = cap(en) if en and r.random() < 0.15 else None
            if r.random() < 0.1:
                where = f"de la catégorie {self.category_of(note)}" if note.notebook >= 0 \
                    else "hors carnet"
                note.description = f"Note {where} sur {art(np)}."
            note.key = f"{slug(note.title, 7)}-n{note.index}"
        for note in self.notes:
            if note.role in fixed:
                nb = self.notebooks[note.notebook]
                note.key = f"{slug(nb.title, 3)}-{slug(note.title)}-n{note.index}"

    def category_of(self, note: Note) -> str:
        nb = self.notebooks[note.notebook]
        for member in nb.members:
            if member[0] is note:
                return nb.categories[member[1]][1]
        return nb.categories[0][1]

    # -- text --------------------------------------------------------------------------------

    def sentence_pool(self) -> None:
        r = self.rng("sentences")
        pool = []
        for _ in range(6000):
            a, b = self.noun_phrase(r), self.noun_phrase(r)
            template = r.choice(TEMPLATES)
            if "Projets\\" in template and r.random() < 0.9:
                template = r.choice(TEMPLATES[:5])
            day = self.epoch + r.randrange(self.span)
            text = template.format(
                A=cap(art(a)), a=art(a), b=art(b), de_a=de(a), de_b=de(b),
                verb=r.choice(VERBS), setting=r.choice(SETTINGS), quote=r.choice(QUOTES),
                say=r.choice(PEOPLE_SAY), year=r.randint(2015, 2024), k=r.randint(2, 14),
                day=french_day(day), x=r.randint(1, 6), y=r.randint(1, 9), nbsp=NBSP)
            pool.append(cap(text))
        self.pool = pool

    def paragraph(self, r: random.Random, sentences: int) -> str:
        return " ".join(r.choice(self.pool) for _ in range(sentences))

    def body(self, r: random.Random, note: Note) -> str | None:
        mentions = []
        for t in note.terms:
            if r.random() < 0.7:
                term = self.terms[t]
                s = r.choice(TERM_SENTENCES)
                mentions.append(s.format(t=term.np[0], dt=art(term.np), Dt=cap(art(term.np)),
                                         de_t=de_bare(term.np[0])))
        x = r.random()
        if x < 0.03 and not mentions:
            note.description = note.description or f"Note qui porte sur {art(note.np)}."
            return None
        if x < 0.11:
            return mentions[0] if mentions else r.choice(self.pool)
        long = x > 0.93
        n_paragraphs = r.randint(10, 35) if long else \
            max(1, min(10, round(r.lognormvariate(math.log(2.2), 0.6))))
        paragraphs = []
        for p in range(n_paragraphs):
            if long and p and r.random() < 0.2:
                paragraphs.append(f"## {cap(art(self.noun_phrase(r)))}")
            y = r.random()
            if y < 0.08 and p:
                items = [f"- {r.choice(ACTIONS)} {art(self.noun_phrase(r))}"
                         for _ in range(r.randint(2, 6))]
                paragraphs.append("\n".join(items))
            elif y < 0.11 and p:
                items = [f"{i + 1}. {r.choice(ACTIONS)} {art(self.noun_phrase(r))}"
                         for i in range(r.randint(2, 5))]
                paragraphs.append("\n".join(items))
            else:
                paragraphs.append(self.paragraph(r, min(8, 1 + int(r.expovariate(0.45)))))
        for mention in mentions:
            p = r.randrange(len(paragraphs))
            if paragraphs[p].startswith(("-", "1.", "##")):
                paragraphs.insert(p + 1, mention)
            else:
                paragraphs[p] = f"{paragraphs[p]} {mention}"
        return "\n\n".join(paragraphs)

    def bodies(self) -> None:
        r = self.rng("bodies")
        for note in self.notes:
            if note.role == "note":
                note.body = self.body(r, note)
            elif note.role == "toc":
                nb = self.notebooks[note.notebook]
                lines = []
                for member in nb.members:
                    other = member[0]
                    if other.visibility != "Public" or other is note:
                        continue
                    number = f"{member[2]}. " if member[2] else ""
                    lines.append(f"- {number}{other.title}")
                note.body = ("Table des matières du carnet. Elle ne reprend que les notes "
                             "publiques.\n\n" + "\n".join(lines))
            elif note.role == "summary":
                nb = self.notebooks[note.notebook]
                first = f"Résumé du carnet «{NBSP}{nb.title}{NBSP}»."
                note.body = "\n\n".join(
                    [first] + [self.paragraph(r, r.randint(2, 5)) for _ in range(r.randint(1, 3))])
            else:
                refs = []
                for _ in range(r.randint(3, 25)):
                    author = f"{r.choice(LAST_NAMES)}, {r.choice(FIRST_NAMES)[0]}."
                    np = self.noun_phrase(r)
                    refs.append(f"- {author} ({r.randint(1995, 2024)}). *{cap(art(np))} "
                                f"{r.choice(CONTEXTS)[0]}*. {r.choice(PUBLISHERS)}.")
                note.body = ("Cette note rassemble les références citées dans les notes du "
                             "carnet.\n\n" + "\n".join(sorted(refs)))

    # -- writing -----------------------------------------------------------------------------

    def header(self, what: str) -> str:
        return (f"# carnet-kg generated data ({what}): SYNTHETIC, written by bench/generate.py\n"
                f"# (seed {self.seed}, {self.n} notes). Names, texts, dates and external\n"
                "# identifiers are made up. IRIs are relative (no @base), as in data/sample.\n")

    def write(self, folder: Path, sssom: bool) -> dict:
        names: list[str] = []
        triples = size = 0

        def save(name: str, text: str) -> None:
            nonlocal size
            data = text.encode("utf-8")
            (folder / name).write_bytes(data)
            names.append(name)
            size += len(data)

        def emit(name: str, out: Out) -> None:
            nonlocal triples
            save(name, out.text())
            triples += out.triples

        emit("knowledge-base.ttl", self.write_kbs())
        emit("organisations.ttl", self.write_agents("organisation"))
        emit("communities.ttl", self.write_agents("community"))
        emit("people.ttl", self.write_agents("person"))
        for i in range(self.n_lexicons):
            emit(f"lexicon-{i + 1:02d}.ttl", self.write_lexicon(i))
            if sssom:
                save(f"lexicon-{i + 1:02d}.sssom.tsv", self.write_sssom(i))
        for start in range(0, self.n_notebooks, NOTEBOOKS_PER_FILE):
            emit(f"notebooks-{start // NOTEBOOKS_PER_FILE:04d}.ttl",
                 self.write_notebooks(self.notebooks[start:start + NOTEBOOKS_PER_FILE]))
        for start in range(0, self.n, NOTES_PER_FILE):
            emit(f"notes-{start // NOTES_PER_FILE:04d}.ttl",
                 self.write_notes(self.notes[start:start + NOTES_PER_FILE]))
        return {"file_names": names, "bytes": size, "triples": triples}

    def write_kbs(self) -> Out:
        out = Out(self.header("knowledge bases"), ["ckg", "dcterms", "xsd"])
        for k in range(self.n_kbs):
            theme = LEXICON_THEMES[k % len(LEXICON_THEMES)]
            key = "exemple-generee" if k == 0 else f"exemple-generee-{k + 1}"
            out.resource(iri("knowledge-base", key), ["ckg:KnowledgeBase"], [
                ("dcterms:title", [lit(f"Base de connaissances générée — {theme[0]}", "fr"),
                                   lit(f"Generated knowledge base — {theme[1]}", "en")]),
                ("dcterms:description", [lit(
                    f"Base de connaissances synthétique de {self.n} notes, produite par "
                    "bench/generate.py pour mesurer carnet-kg : aucun de ses contenus n'est "
                    "réel.", "fr")]),
                ("dcterms:language", [lit("fr")]),
                ("dcterms:license", [f"<{CC_BY}>"]),
                ("ckg:visibility", ["ckg:Public"]),
                ("dcterms:issued", [stamp(self.epoch)]),
                ("dcterms:modified", [stamp(self.epoch + self.span)]),
                ("ckg:includesNotebook", [iri("notebook", nb.key) for nb in self.notebooks
                                          if nb.index % self.n_kbs == k]),
                ("ckg:hasLexicon", [iri("lexicon", key) for key, _ in self.lexicon_keys]),
            ])
        return out

    def write_agents(self, kind: str) -> Out:
        if kind == "person":
            out = Out(self.header("persons"), ["ckg", "foaf", "org", "schema"])
            for p in self.people:
                out.resource(iri("person", p.key), ["ckg:Person", "foaf:Person"], [
                    ("foaf:name", [lit(p.name)]),
                    ("foaf:homepage", [f"<{p.homepage}>"] if p.homepage else []),
                    ("org:memberOf", p.member_of),
                    ("schema:sameAs", [f"<{s}>" for s in p.same_as]),
                ])
        elif kind == "organisation":
            out = Out(self.header("organisations"), ["ckg", "foaf", "schema"])
            for o in self.organisations:
                out.resource(iri("organisation", o.key), ["ckg:Organisation"], [
                    ("foaf:name", [lit(o.name)]),
                    ("foaf:homepage", [f"<{o.homepage}>"] if o.homepage else []),
                    ("schema:sameAs", [f"<{s}>" for s in o.same_as]),
                ])
        else:
            out = Out(self.header("communities"), ["ckg", "dcterms", "schema"])
            for c in self.communities:
                titles = [lit(c.name, "fr")] + ([lit(c.name_en, "en")] if c.name_en else [])
                out.resource(iri("community", c.key), ["ckg:Community"], [
                    ("dcterms:title", titles),
                    ("dcterms:description", [lit(c.description, "fr")] if c.description
                     else []),
                    ("schema:sameAs", [f"<{s}>" for s in c.same_as]),
                ])
        return out

    def write_lexicon(self, i: int) -> Out:
        key, theme = self.lexicon_keys[i]
        out = Out(self.header(f"lexicon {theme[0]}"), ["ckg", "dcterms", "skos", "xsd"])
        terms = [t for t in self.terms if t.lexicon == i]
        tops = [t for t in terms if t.parent is None]
        first = min(t.issued for t in terms)
        out.resource(iri("lexicon", key), ["ckg:Lexicon"], [
            ("dcterms:title", [lit(f"Lexique {theme[0]}", "fr"), lit(f"{theme[1]} lexicon",
                                                                     "en")]),
            ("dcterms:description", [lit(
                f"Lexique synthétique des notions employées dans les carnets ({theme[0]}).",
                "fr")]),
            ("dcterms:language", [lit("fr")]),
            ("dcterms:license", [f"<{CC_BY}>"]),
            ("dcterms:issued", [stamp(first)]),
            ("dcterms:modified", [stamp(max(t.modified for t in terms))]),
            ("skos:hasTopConcept", [iri("term", t.key) for t in tops]),
        ])
        lex = iri("lexicon", key)
        for t in terms:
            labels = [lit(t.np[0], "fr")] + ([lit(t.en, "en")] if t.en else [])
            alts = ([lit(t.alt_fr, "fr")] if t.alt_fr else []) + \
                ([lit(t.alt_en, "en")] if t.alt_en else [])
            definitions = [lit(self.definition(t), "fr")]
            if t.en and t.index % 2 == 0:
                definitions.append(lit(self.definition_en(t), "en"))
            props = [
                ("skos:prefLabel", labels),
                ("skos:altLabel", alts),
                ("skos:definition", definitions),
                ("skos:inScheme", [lex]),
                ("skos:topConceptOf", [lex] if t.parent is None else []),
                ("skos:broader", [iri("term", self.terms[t.parent].key)]
                 if t.parent is not None else []),
                ("skos:narrower", [iri("term", self.terms[c].key) for c in t.children]),
                ("skos:related", [iri("term", self.terms[c].key) for c in t.related]),
            ]
            for predicate in ("skos:exactMatch", "skos:closeMatch", "skos:broadMatch",
                              "skos:relatedMatch"):
                props.append((predicate, [f"<{m[1]}>" for m in t.mappings if m[0] == predicate]))
            props += [
                ("ckg:visibility", ["ckg:Public"]),
                ("dcterms:license", [f"<{CC_BY}>"]),
                ("dcterms:issued", [stamp(t.issued)]),
                ("dcterms:modified", [stamp(t.modified)]),
            ]
            out.resource(iri("term", t.key), ["ckg:Term", "skos:Concept"], props)
        return out

    def definition(self, t: Term) -> str:
        if t.parent is None:
            return (f"Notion qui désigne {art(t.np)}, au sens où les communautés et leurs "
                    f"partenaires l{APOS}entendent dans leurs carnets.")
        parent = self.terms[t.parent]
        return (f"Forme particulière {de(parent.np)} : {art(t.np)}, telle qu{APOS}elle est "
                "décrite dans les notes qui s'y rapportent.")

    def definition_en(self, t: Term) -> str:
        if t.parent is None:
            return f"The notion of {t.en} as communities and their partners practise it."
        parent = self.terms[t.parent]
        return f"A particular form of {parent.en or parent.np[2]}: {t.en}."

    def write_sssom(self, i: int) -> str:
        key, theme = self.lexicon_keys[i]
        day = time.strftime("%Y-%m-%d", time.gmtime(self.epoch + self.span))
        lines = [
            f"## Alignments of the generated lexicon {theme[1]} (SYNTHETIC, bench/generate.py:",
            "## the identifiers are made up, see the module's docstring).",
            "#curie_map:",
            '#  kb: "id/"',
            '#  kbmap: "mappings/"',
        ]
        for vocabulary, _ in VOCABULARIES:
            prefix, namespace = VOCABULARY_PREFIXES[vocabulary]
            lines.append(f'#  {prefix}: "{namespace}"')
        lines += [
            f"#mapping_set_id: kbmap:{key}",
            f"#mapping_set_title: Alignements du lexique {theme[0]} (générés)",
            f"#license: {CC_BY}",
            "#creator_label: bench/generate.py",
            f"#mapping_date: {day}",
            "\t".join(["subject_id", "predicate_id", "object_id", "mapping_justification",
                       "subject_label", "object_label", "author_label", "reviewer_label",
                       "mapping_date", "confidence", "mapping_tool", "comment"]),
        ]
        r = self.rng(f"sssom-{i}")
        for t in self.terms:
            if t.lexicon != i:
                continue
            for rows, reviewed in ((t.mappings, True), (t.candidates, False)):
                for predicate, target, vocabulary in rows:
                    prefix, namespace = VOCABULARY_PREFIXES[vocabulary]
                    label = cap(t.en or t.np[0])
                    if reviewed:
                        confidence = "1.0" if predicate == "skos:exactMatch" else \
                            f"0.{r.randint(6, 9)}"
                        row = ["semapv:ManualMappingCuration", t.np[0], label,
                               "Équipe carnet-kg", r.choice(["Équipe carnet-kg",
                                                             "Comité du lexique"]),
                               day, confidence, "", ""]
                    else:
                        row = ["semapv:LexicalMatching", t.np[0], label, "carnet-kg link", "",
                               day, f"0.{r.randint(75, 94)}", "carnet-kg link",
                               "candidate awaiting review: not published"]
                    lines.append("\t".join([f"kb:term/{t.key}", predicate,
                                            f"{prefix}:{target[len(namespace):]}", *row]))
        return "\n".join(lines) + "\n"

    def write_notebooks(self, notebooks: list[Notebook]) -> Out:
        out = Out(self.header("notebooks, their categories and memberships"),
                  ["ckg", "dcterms", "xsd"])
        for nb in notebooks:
            subject = iri("notebook", nb.key)
            titles = [lit(nb.title, "fr")] + ([lit(nb.title_en, "en")] if nb.title_en else [])
            descriptions = ([lit(nb.description, "fr")] if nb.description else []) + \
                ([lit(nb.description_en, "en")] if nb.description_en else [])
            last = max([m[4] or m[0].issued for m in nb.members] + [nb.start])
            out.resource(subject, ["ckg:Notebook"], [
                ("dcterms:title", titles),
                ("dcterms:description", descriptions),
                ("dcterms:language", [lit("fr")]),
                ("dcterms:creator", [iri("person", self.people[p].key) for p in nb.creators]),
                ("dcterms:license", [f"<{nb.licence}>"] if nb.licence else []),
                ("ckg:visibility", [f"ckg:{nb.visibility}"]),
                ("ckg:visibleTo", [iri("community", self.communities[c].key)
                                   for c in nb.visible_to]),
                ("dcterms:issued", [stamp(nb.start - 3600)] if nb.dated else []),
                ("dcterms:modified", [stamp(last)] if nb.dated else []),
                ("ckg:linkedCommunity", [iri("community", self.communities[c].key)
                                         for c in nb.communities]),
                ("ckg:linkedOrganisation", [iri("organisation", self.organisations[o].key)
                                            for o in nb.organisations]),
                ("ckg:hasCategory", [iri("category", c[0]) for c in nb.categories]),
                ("ckg:tableOfContentsNote", [iri("note", self.notes[nb.toc].key)]
                 if nb.toc is not None else []),
                ("ckg:summaryNote", [iri("note", self.notes[nb.summary].key)]
                 if nb.summary is not None else []),
                ("ckg:referencesNote", [iri("note", self.notes[nb.references].key)]
                 if nb.references is not None else []),
                ("ckg:hasMembership", [f"<id/notebook/{nb.key}#m-{p + 1}>"
                                       for p in range(len(nb.members))]),
            ])
            for key, fr, en in nb.categories:
                out.resource(iri("category", key), ["ckg:Category"], [
                    ("dcterms:title", [lit(fr, "fr"), lit(en, "en")]),
                    ("ckg:categoryOf", [subject]),
                ])
            for p, (note, category, section, who, at) in enumerate(nb.members):
                out.resource(f"<id/notebook/{nb.key}#m-{p + 1}>", ["ckg:Membership"], [
                    ("ckg:member", [iri("note", note.key)]),
                    ("ckg:position", [str(p + 1)]),
                    ("ckg:sectionNumber", [lit(section)] if section else []),
                    ("ckg:category", [iri("category", nb.categories[category][0])]),
                    ("ckg:integratedBy", [iri("person", self.people[who].key)]
                     if who is not None else []),
                    ("ckg:integratedAt", [stamp(at)] if who is not None else []),
                ])
        return out

    def write_notes(self, notes: list[Note]) -> Out:
        out = Out(self.header("notes"), ["ckg", "dcterms", "xsd"])
        for note in notes:
            titles = [lit(note.title, "fr")] + ([lit(note.title_en, "en")] if note.title_en
                                                 else [])
            out.resource(iri("note", note.key), ["ckg:GeneralNote"], [
                ("dcterms:title", titles),
                ("dcterms:description", [lit(note.description, "fr")] if note.description
                 else []),
                ("ckg:body", [lit(note.body, "fr")] if note.body else []),
                ("dcterms:language", [lit("fr")]),
                ("dcterms:creator", [iri("person", self.people[p].key) for p in note.creators]),
                ("ckg:visibility", [f"ckg:{note.visibility}"]),
                ("ckg:visibleTo", [iri("community", self.communities[c].key)
                                   for c in note.visible_to]),
                ("dcterms:license", [f"<{note.licence}>"] if note.licence else []),
                ("dcterms:issued", [stamp(note.issued)]),
                ("dcterms:modified", [stamp(note.modified)]),
                ("ckg:linkedCommunity", [iri("community", self.communities[c].key)
                                         for c in note.communities]),
                ("ckg:linkedOrganisation", [iri("organisation", self.organisations[o].key)
                                            for o in note.organisations]),
                ("ckg:relatedTerm", [iri("term", self.terms[t].key) for t in note.terms]),
                ("ckg:relatedNote", [iri("note", self.notes[o].key) for o in note.related]),
                ("ckg:relatedNotebook", [iri("notebook", self.notebooks[b].key)
                                         for b in note.related_notebooks]),
            ])
        return out


LEXICON_THEMES = [
    ("Innovation sociale", "Social innovation"),
    ("Communautés de pratique", "Communities of practice"),
    ("Développement des communautés", "Community development"),
    ("Éducation populaire", "Popular education"),
    ("Santé communautaire", "Community health"),
    ("Transition socioécologique", "Socio-ecological transition"),
    ("Évaluation participative", "Participatory evaluation"),
    ("Gouvernance partagée", "Shared governance"),
]


def kind_en(kind: str) -> str:
    return {"Communauté de pratique": "community of practice", "Réseau": "network",
            "Cercle": "circle", "Collectif": "collective", "Table de concertation":
            "round table", "Groupe de travail": "working group", "Communauté": "community"}[kind]


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------

GENERATED = re.compile(r"(notes|notebooks)-\d{4}\.ttl|lexicon-\d{2}\.(ttl|sssom\.tsv)|"
                       r"(knowledge-base|people|communities|organisations)\.ttl")


def note_file(folder: Path, note_iri: str) -> Path:
    """The file that holds a generated note (its key ends with ``-n{index}``)."""
    index = int(note_iri.rstrip(">").rsplit("-n", 1)[1])
    return Path(folder) / f"notes-{index // NOTES_PER_FILE:04d}.ttl"


def _prepare(folder: Path, force: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    existing = sorted(p for p in folder.iterdir())
    if existing and not force:
        raise FileExistsError(f"{folder} is not empty (use --force / force=True to overwrite "
                              "the generated files there)")
    for path in existing:
        if path.is_file() and GENERATED.fullmatch(path.name):
            path.unlink()
    left = [p.name for p in folder.iterdir()]
    if left:
        print(f"warning: {folder} also holds {', '.join(sorted(left)[:5])}"
              f"{' …' if len(left) > 5 else ''}, which a load of the folder would read too",
              file=sys.stderr)


def _summary(values: list[int]) -> dict[str, float]:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def write_kb(notes: int, folder: Path, seed: int = 1, *, force: bool = False,
             sssom: bool = True) -> dict:
    """Generate a knowledge base of ``notes`` notes into ``folder`` (created; refused if it is
    not empty, unless ``force``, which replaces the generated files there). ``sssom``: also
    write each lexicon's SSSOM mapping set. Returns what it wrote::

        folder, seed, base        the folder (str), the seed, the base the IRIs below use
        files, file_names         number of files written, their names (in writing order)
        bytes, triples, seconds   total size, Turtle triples (not counting SSSOM rows), time
        notes, public_notes, private_notes, community_notes
        notebooks, public_notebooks, categories, memberships (secondary_memberships of them)
        lexicons, terms, top_concepts, mapped_terms, mappings (SKOS statements in Turtle),
        mapping_rows (SSSOM rows: the mappings and unreviewed candidates; 0 without sssom)
        people, communities, organisations, knowledge_bases
        by_kind                   resources per IRI kind ({"note": …, "term": …, …})
        public_note_iris, private_note_iris, community_note_iris   10 of each (absolute)
        term_iris                 the 10 most used terms, most used first
        notebook_iris             10 public notebooks; largest_notebook: the one with most
                                  memberships
        community_iris, person_iris, organisation_iris, lexicon_iris, knowledge_base_iris
        note_files                {note IRI: file path} for the sampled notes (any note:
                                  ``note_file(folder, iri)``)
        term_usage, notebook_sizes, body_chars   {"min", "median", "max"} (notes per term,
                                  memberships per notebook, characters per body)
    """
    started = time.perf_counter()
    folder = Path(folder)
    _prepare(folder, force)
    g = Generator(notes, seed)
    g.agents()
    g.lexicons()
    g.plan()
    g.describe_notes()
    g.titles()
    g.sentence_pool()
    g.bodies()
    written = g.write(folder, sssom)

    def absolute(kind: str, key: str) -> str:
        return f"{BASE}id/{kind}/{key}"

    by_visibility: dict[str, list[Note]] = {"Public": [], "Private": [], "CommunityOnly": []}
    for note in g.notes:
        by_visibility[note.visibility].append(note)
    r = random.Random(f"{seed}:samples")

    def sample(items: list, k: int = 10) -> list:
        return sorted(r.sample(items, min(k, len(items))), key=lambda x: getattr(x, "index", 0))

    public_notes = sample(by_visibility["Public"])
    notebooks = g.notebooks
    n_categories = sum(len(nb.categories) for nb in notebooks)
    n_memberships = sum(len(nb.members) for nb in notebooks)
    top_terms = sorted(g.terms, key=lambda t: (-t.uses, t.index))[:10]
    largest = max(notebooks, key=lambda nb: (len(nb.members), -nb.index))
    bodies = [len(n.body) for n in g.notes if n.body]
    result = {
        "folder": str(folder), "seed": seed, "base": BASE,
        "files": len(written["file_names"]), "file_names": written["file_names"],
        "bytes": written["bytes"], "triples": written["triples"],
        "notes": g.n, "public_notes": len(by_visibility["Public"]),
        "private_notes": len(by_visibility["Private"]),
        "community_notes": len(by_visibility["CommunityOnly"]),
        "notebooks": len(notebooks),
        "public_notebooks": sum(1 for nb in notebooks if nb.visibility == "Public"),
        "categories": n_categories, "memberships": n_memberships,
        "secondary_memberships": g.extra_memberships,
        "lexicons": g.n_lexicons, "terms": len(g.terms),
        "top_concepts": sum(1 for t in g.terms if t.parent is None),
        "mapped_terms": sum(1 for t in g.terms if t.mappings),
        "mappings": sum(len(t.mappings) for t in g.terms),
        "mapping_rows": sum(len(t.mappings) + len(t.candidates) for t in g.terms) if sssom
        else 0,
        "people": len(g.people), "communities": len(g.communities),
        "organisations": len(g.organisations), "knowledge_bases": g.n_kbs,
        "by_kind": {"note": g.n, "notebook": len(notebooks), "category": n_categories,
                    "term": len(g.terms), "lexicon": g.n_lexicons, "person": len(g.people),
                    "community": len(g.communities), "organisation": len(g.organisations),
                    "knowledge-base": g.n_kbs},
        "public_note_iris": [absolute("note", n.key) for n in public_notes],
        "private_note_iris": [absolute("note", n.key) for n in sample(by_visibility["Private"])],
        "community_note_iris": [absolute("note", n.key)
                                for n in sample(by_visibility["CommunityOnly"])],
        "term_iris": [absolute("term", t.key) for t in top_terms],
        "notebook_iris": [absolute("notebook", nb.key) for nb in
                          sample([nb for nb in notebooks if nb.visibility == "Public"])],
        "largest_notebook": absolute("notebook", largest.key),
        "community_iris": [absolute("community", c.key) for c in g.communities[:10]],
        "person_iris": [absolute("person", p.key) for p in g.people[:10]],
        "organisation_iris": [absolute("organisation", o.key) for o in g.organisations[:10]],
        "lexicon_iris": [absolute("lexicon", key) for key, _ in g.lexicon_keys],
        "knowledge_base_iris": [absolute("knowledge-base", "exemple-generee" if k == 0 else
                                         f"exemple-generee-{k + 1}") for k in range(g.n_kbs)],
        "note_files": {absolute("note", n.key): str(note_file(folder, n.key))
                       for n in public_notes},
        "term_usage": _summary([t.uses for t in g.terms]),
        "notebook_sizes": _summary([len(nb.members) for nb in notebooks]),
        "body_chars": _summary(bodies),
    }
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, required=True, help="number of notes (>= 10)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (created)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true",
                        help="write into a non-empty folder, replacing generated files")
    parser.add_argument("--no-sssom", action="store_true",
                        help="no SSSOM mapping sets (mappings only as SKOS statements)")
    args = parser.parse_args(argv)
    try:
        info = write_kb(args.notes, args.out, args.seed, force=args.force,
                        sssom=not args.no_sssom)
    except (FileExistsError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {info['files']} files to {info['folder']} "
          f"({info['bytes'] / 1e6:.1f} MB) in {info['seconds']} s")
    print(f"triples: {info['triples']} (Turtle; plus {info['mapping_rows']} SSSOM rows)")
    for kind, count in info["by_kind"].items():
        print(f"  {kind:<15} {count:>8}")
    print(f"  {'membership':<15} {info['memberships']:>8}")
    print(f"notes: {info['public_notes']} public, {info['private_notes']} private, "
          f"{info['community_notes']} community-only")
    print(f"mappings: {info['mappings']} SKOS statements on {info['mapped_terms']} terms")
    for name in ("term_usage", "notebook_sizes", "body_chars"):
        values = info[name]
        print(f"{name}: min {values['min']}, median {values['median']}, max {values['max']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
