"""The SHACL shapes: the sample conforms, and each broken fixture gives exactly its violations.

Every file in tests/fixtures/broken/ is a small Turtle document, valid but for ONE defect named
in its first comment line. EXPECTED below says which violations it must give: focus, path, value
and the exact English and French messages. The table is written out here on purpose, not
derived from the shapes, so that a change of a shape's behaviour or wording shows up as a
failing test.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from carnet_kg.config import PROJECT_ROOT
from carnet_kg.validation import validate

BASE = "https://example.org/kb/"
FIXTURES = Path(__file__).parent / "fixtures" / "broken"
SHAPES = PROJECT_ROOT / "shapes" / "carnet.shacl.ttl"
SAMPLE = PROJECT_ROOT / "data"
XSD = "http://www.w3.org/2001/XMLSchema#"

NOTE = BASE + "id/note/n"
TERM = BASE + "id/term/t"
NOTEBOOK = BASE + "id/notebook/b"
MEMBERSHIP = BASE + "id/notebook/b#m-1"


class Expected(NamedTuple):
    focus: str
    path: str | None
    value: str | None
    en: str
    fr: str


def parse(*sources: Path | str) -> Graph:
    """One graph from Turtle files or strings, relative IRIs resolved against BASE."""
    graph = Graph()
    for source in sources:
        if isinstance(source, Path):
            graph.parse(source, format="turtle", publicID=BASE)
        else:
            graph.parse(data=source, format="turtle", publicID=BASE)
    return graph


def found(report) -> list[tuple]:
    return sorted(
        (v.focus, v.path, v.value, v.messages.get("en"), v.messages.get("fr"), v.severity)
        for v in report.violations
    )


# Messages used by more than one fixture.
NOTE_CLOSED = (
    "This property is not allowed on a note (a typo?): a note uses only the properties of "
    "the carnet-kg model (docs/model.md).",
    "Cette propriété n'est pas admise sur une note (faute de frappe ?) : une note n'utilise "
    "que les propriétés du modèle carnet-kg (docs/model.md).",
)
NOTE_TITLE_FORM = (
    "The title (dcterms:title) of a note must have a language tag (rdf:langString), at most "
    "one per language.",
    "Le titre (dcterms:title) d'une note doit avoir une étiquette de langue (rdf:langString), "
    "un au plus par langue.",
)
VISIBILITY = (
    "Exactly one visibility (ckg:visibility) is required: ckg:Public, ckg:Private or "
    "ckg:CommunityOnly.",
    "Il faut exactement une visibilité (ckg:visibility) : ckg:Public, ckg:Private ou "
    "ckg:CommunityOnly.",
)
LICENCE = (
    "The licence (dcterms:license) must be one IRI of the known list: Creative Commons 4.0 BY, "
    "BY-SA, BY-NC, BY-NC-SA, BY-ND, BY-NC-ND (http://creativecommons.org/licenses/…/4.0/) or "
    "CC0 1.0 (http://creativecommons.org/publicdomain/zero/1.0/); at most one.",
    "La licence (dcterms:license) doit être une IRI de la liste connue : Creative Commons 4.0 "
    "BY, BY-SA, BY-NC, BY-NC-SA, BY-ND, BY-NC-ND (http://creativecommons.org/licenses/…/4.0/) "
    "ou CC0 1.0 (http://creativecommons.org/publicdomain/zero/1.0/) ; une au plus.",
)
MODIFIED_NOT_BEFORE_ISSUED = (
    "The modification date (dcterms:modified) must not be before the publication date "
    "(dcterms:issued).",
    "La date de modification (dcterms:modified) ne doit pas précéder la date de publication "
    "(dcterms:issued).",
)
PREF_LABEL = (
    "A term needs a preferred label (skos:prefLabel) with a language tag, exactly one per "
    "language (SKOS S14).",
    "Un terme doit avoir un libellé préféré (skos:prefLabel) avec une étiquette de langue, "
    "exactement un par langue (SKOS S14).",
)
ISSUED_VALUE = f'"2023-12-06T10:18:00-05:00"^^<{XSD}dateTime>'


def mapping_message(prop: str) -> tuple[str, str]:
    return (
        f"A mapping ({prop}) must be an http(s) IRI of an external concept, in the identifier "
        "form of its vocabulary when it is a known one, and not a term of ours (use "
        "skos:broader / related inside the lexicon).",
        f"Un alignement ({prop}) doit être une IRI http(s) d'un concept externe, sous la forme "
        "d'identifiant de son vocabulaire s'il est connu, et non un terme du lexique (utiliser "
        "skos:broader / related à l'intérieur du lexique).",
    )


def one(focus, path, value, messages) -> list[Expected]:
    return [Expected(focus, path, value, *messages)]


EXPECTED: dict[str, list[Expected]] = {
    "note-closed-typo": one(NOTE, "dcterms:titel", '"A note"@en', NOTE_CLOSED),
    "note-missing-title": one(NOTE, "dcterms:title", None, (
        "A note needs a title (dcterms:title) with a language tag, at most one per language; "
        "only a term goes without one (it is named by skos:prefLabel).",
        "Une note doit avoir un titre (dcterms:title) avec une étiquette de langue, un au plus "
        "par langue ; seul un terme peut s'en passer (il est nommé par skos:prefLabel).",
    )),
    "note-title-without-language": one(NOTE, "dcterms:title", '"Une note"', NOTE_TITLE_FORM),
    "note-two-titles-same-language": one(NOTE, "dcterms:title", None, NOTE_TITLE_FORM),
    "note-abstract-class": one(NOTE, "rdf:type", None, (
        "A note must be typed (rdf:type) with exactly one of the note classes ckg:GeneralNote, "
        "ckg:Term, ckg:OrganisationNote (ckg:Note itself is abstract).",
        "Une note doit être typée (rdf:type) avec exactement une des classes de notes "
        "ckg:GeneralNote, ckg:Term, ckg:OrganisationNote (ckg:Note elle-même est abstraite).",
    )),
    "note-missing-issued": one(NOTE, "dcterms:issued", None, (
        "A note needs exactly one publication date (dcterms:issued), an xsd:dateTime.",
        "Une note doit avoir exactement une date de publication (dcterms:issued), de type "
        "xsd:dateTime.",
    )),
    # One defect, two violations: an xsd:date cannot be compared with the xsd:dateTime of
    # dcterms:issued, and sh:lessThanOrEquals counts an incomparable pair as a violation.
    "note-modified-not-datetime": [
        Expected(NOTE, "dcterms:modified", f'"2023-12-07"^^<{XSD}date>',
                 "A note needs exactly one modification date (dcterms:modified), an "
                 "xsd:dateTime.",
                 "Une note doit avoir exactement une date de modification (dcterms:modified), "
                 "de type xsd:dateTime."),
        Expected(NOTE, "dcterms:issued", ISSUED_VALUE, *MODIFIED_NOT_BEFORE_ISSUED),
    ],
    "note-modified-before-issued": one(
        NOTE, "dcterms:issued", ISSUED_VALUE, MODIFIED_NOT_BEFORE_ISSUED
    ),
    "note-missing-visibility": one(NOTE, "ckg:visibility", None, VISIBILITY),
    "note-unknown-visibility": one(
        NOTE, "ckg:visibility", "https://w3id.org/carnet-kg/ontology#Secret", VISIBILITY
    ),
    # Conditional rules are node-level sh:or: no result path, the value is the focus node.
    "note-community-only-without-audience": one(NOTE, None, NOTE, (
        "A resource whose visibility is ckg:CommunityOnly needs at least one community it is "
        "visible to (ckg:visibleTo).",
        "Une ressource dont la visibilité est ckg:CommunityOnly doit indiquer au moins une "
        "communauté qui peut la lire (ckg:visibleTo).",
    )),
    "note-public-without-licence": one(NOTE, None, NOTE, (
        "A public note (ckg:visibility ckg:Public) must carry exactly one licence "
        "(dcterms:license) from the known list.",
        "Une note publique (ckg:visibility ckg:Public) doit porter exactement une licence "
        "(dcterms:license) de la liste connue.",
    )),
    "note-unknown-licence": one(
        NOTE, "dcterms:license", "http://creativecommons.org/licenses/by/3.0/", LICENCE
    ),
    "note-two-licences": one(NOTE, "dcterms:license", None, LICENCE),
    "note-creator-not-person": one(NOTE, "dcterms:creator", BASE + "id/organisation/o", (
        "An author (dcterms:creator) must be a person (ckg:Person).",
        "Un·e auteur·trice (dcterms:creator) doit être une personne (ckg:Person).",
    )),
    "note-related-note-not-a-note": one(NOTE, "ckg:relatedNote", NOTEBOOK, (
        "A related note (ckg:relatedNote) must be a note (ckg:Note).",
        "Une note liée (ckg:relatedNote) doit être une note (ckg:Note).",
    )),
    "note-related-term-not-a-term": one(NOTE, "ckg:relatedTerm", BASE + "id/note/m", (
        "A related term (ckg:relatedTerm) must be a term (ckg:Term).",
        "Un terme relié (ckg:relatedTerm) doit être un terme (ckg:Term).",
    )),
    "term-missing-preflabel": one(TERM, "skos:prefLabel", None, PREF_LABEL),
    "term-two-preflabels-same-language": one(TERM, "skos:prefLabel", None, PREF_LABEL),
    "term-preflabel-also-altlabel": one(TERM, "skos:prefLabel", '"autonomie"@fr', (
        "A preferred label (skos:prefLabel) of a term must not also be one of its alternative "
        "labels (skos:altLabel) (SKOS S13).",
        "Un libellé préféré (skos:prefLabel) d'un terme ne doit pas être aussi un de ses "
        "libellés alternatifs (skos:altLabel) (SKOS S13).",
    )),
    "term-without-skos-concept": one(TERM, "rdf:type", None, (
        "A term must also be typed skos:Concept (rdf:type), for SKOS consumers.",
        "Un terme doit aussi être typé skos:Concept (rdf:type), pour les outils SKOS.",
    )),
    "term-broader-not-a-term": one(
        TERM, "skos:broader", "http://example.com/thesaurus/gouvernance", (
            "A broader term (skos:broader) must be a term (ckg:Term); use skos:broadMatch for "
            "an external concept.",
            "Un terme générique (skos:broader) doit être un terme (ckg:Term) ; pour un concept "
            "externe, utiliser skos:broadMatch.",
        )),
    "term-mapping-not-an-iri": one(
        TERM, "skos:closeMatch", '"https://www.wikidata.org/wiki/Q484105"',
        mapping_message("skos:closeMatch")),
    "term-mapping-wikidata-page": one(
        TERM, "skos:exactMatch", "https://www.wikidata.org/wiki/Q484105",
        mapping_message("skos:exactMatch")),
    "term-mapping-own-term": one(
        TERM, "skos:closeMatch", BASE + "id/term/u", mapping_message("skos:closeMatch")),
    "note-image-without-alt-text": one(
        NOTE + "#media-1", "ckg:altText", None, (
            "An image needs an alternative text (ckg:altText) saying what it shows, for those "
            "who cannot see it.",
            "Une image doit avoir un texte alternatif (ckg:altText) disant ce qu'elle montre, "
            "pour qui ne la voit pas.",
        )),
    "person-sameas-bad-orcid": one(
        BASE + "id/person/p", "schema:sameAs", "https://orcid.org/0000-0002-1825-009", (
            "An identity link (schema:sameAs) must be an http(s) IRI of an external record "
            "(ORCID, IdRef, Wikidata…), in the identifier form of its vocabulary when it is a "
            "known one.",
            "Un lien d'identité (schema:sameAs) doit être une IRI http(s) d'une notice externe "
            "(ORCID, IdRef, Wikidata…), sous la forme d'identifiant de son vocabulaire s'il est "
            "connu.",
        )),
    "term-exact-and-broad-match": one(
        TERM, "skos:exactMatch", "http://www.wikidata.org/entity/Q484105", (
            "A concept cannot be both an exact match (skos:exactMatch) and a broader or related "
            "match (skos:broadMatch, skos:relatedMatch) of the same term (SKOS S46).",
            "Un concept ne peut pas être à la fois équivalence exacte (skos:exactMatch) et "
            "correspondance générique ou associée (skos:broadMatch, skos:relatedMatch) d'un "
            "même terme (SKOS S46).",
        )),
    "notebook-missing-title": one(NOTEBOOK, "dcterms:title", None, (
        "A notebook needs a title (dcterms:title) with a language tag, at most one per "
        "language.",
        "Un carnet doit avoir un titre (dcterms:title) avec une étiquette de langue, au plus un "
        "par langue.",
    )),
    "notebook-closed-typo": one(NOTEBOOK, "ckg:hasMember", NOTE, (
        "This property is not allowed on a notebook (a typo?): a notebook uses only the "
        "properties of the carnet-kg model (docs/model.md).",
        "Cette propriété n'est pas admise sur un carnet (faute de frappe ?) : un carnet "
        "n'utilise que les propriétés du modèle carnet-kg (docs/model.md).",
    )),
    "notebook-duplicate-position": one(
        NOTEBOOK, "ckg:hasMembership", f'"2"^^<{XSD}integer>', (
            "Two memberships (ckg:hasMembership) of this notebook have the same position "
            "(ckg:position) 2; each position must be unique within a notebook.",
            "Deux appartenances (ckg:hasMembership) de ce carnet ont la même position "
            "(ckg:position) 2 ; chaque position doit être unique dans un carnet.",
        )),
    "membership-missing-member": one(MEMBERSHIP, "ckg:member", None, (
        "A membership needs exactly one member (ckg:member), a note (ckg:Note).",
        "Une appartenance doit avoir exactement un membre (ckg:member), une note (ckg:Note).",
    )),
    "membership-position-below-one": one(MEMBERSHIP, "ckg:position", f'"0"^^<{XSD}integer>', (
        "A membership needs exactly one position (ckg:position), an xsd:integer of at least 1 "
        "(1, 2, …).",
        "Une appartenance doit avoir exactement une position (ckg:position), un xsd:integer "
        "supérieur ou égal à 1 (1, 2, …).",
    )),
    "membership-category-of-another-notebook": one(
        NOTEBOOK, "ckg:hasMembership", BASE + "id/category/resultats", (
            "The category of a membership (ckg:category) must be a category of its notebook "
            "(ckg:hasCategory / ckg:categoryOf).",
            "La catégorie d'une appartenance (ckg:category) doit être une catégorie de son "
            "carnet (ckg:hasCategory / ckg:categoryOf).",
        )),
    "category-without-notebook": one(BASE + "id/category/resultats", "ckg:categoryOf", None, (
        "A category belongs to exactly one notebook (ckg:categoryOf), a ckg:Notebook.",
        "Une catégorie appartient à exactement un carnet (ckg:categoryOf), un ckg:Notebook.",
    )),
    "knowledge-base-missing-visibility": one(
        BASE + "id/knowledge-base/kb", "ckg:visibility", None, VISIBILITY
    ),
    "lexicon-missing-title": one(BASE + "id/lexicon/l", "dcterms:title", None, (
        "A lexicon needs a title (dcterms:title) with a language tag, at most one per language.",
        "Un lexique doit avoir un titre (dcterms:title) avec une étiquette de langue, au plus "
        "un par langue.",
    )),
    "person-name-with-language": one(
        BASE + "id/person/p", "foaf:name", '"Camille Exemple"@fr', (
            "A person needs a name (foaf:name), a plain string without language tag.",
            "Une personne doit avoir un nom (foaf:name), une chaîne simple sans étiquette de "
            "langue.",
        )),
    "person-closed-typo": one(
        BASE + "id/person/p", "foaf:homePage", "https://example.com/camille", (
            "This property is not allowed on a person (a typo?): a person uses only foaf:name, "
            "foaf:homepage, org:memberOf and mappings (schema:sameAs, SKOS mapping "
            "properties).",
            "Cette propriété n'est pas admise sur une personne (faute de frappe ?) : une "
            "personne n'utilise que foaf:name, foaf:homepage, org:memberOf et des alignements "
            "(schema:sameAs, propriétés d'alignement SKOS).",
        )),
}


# A small knowledge base that touches every class and every conditional rule, and is valid.
VALID = """\
@prefix ckg: <https://w3id.org/carnet-kg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<id/knowledge-base/kb> a ckg:KnowledgeBase ;
    dcterms:title "Base"@fr , "Base"@en ;
    ckg:visibility ckg:Public ;
    ckg:includesNotebook <id/notebook/b> ;
    ckg:hasLexicon <id/lexicon/l> .

<id/notebook/b> a ckg:Notebook ;
    dcterms:title "Carnet"@fr ;
    dcterms:creator <id/person/p> ;
    dcterms:license <http://creativecommons.org/publicdomain/zero/1.0/> ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    ckg:visibility ckg:Public ;
    ckg:hasCategory <id/category/c> ;
    ckg:summaryNote <id/note/n> ;
    ckg:hasMembership <id/notebook/b#m-1> , _:m2 .

<id/category/c> a ckg:Category ;
    dcterms:title "Résultats"@fr ;
    ckg:categoryOf <id/notebook/b> .

<id/notebook/b#m-1> a ckg:Membership ;
    ckg:member <id/note/n> ;
    ckg:position 1 ;
    ckg:sectionNumber "4.5" ;
    ckg:category <id/category/c> ;
    ckg:integratedBy <id/person/p> ;
    ckg:integratedAt "2024-01-01T10:00:00Z"^^xsd:dateTime .

_:m2 a ckg:Membership ;
    ckg:member <id/note/o> ;
    ckg:position 2 .

# A public general note: title, licence, links.
<id/note/n> a ckg:GeneralNote ;
    dcterms:title "Une note"@fr , "A note"@en ;
    ckg:body "Du *Markdown*."@fr ;
    dcterms:language "fr" ;
    dcterms:creator <id/person/p> ;
    ckg:visibility ckg:Public ;
    dcterms:license <http://creativecommons.org/licenses/by-sa/4.0/> ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-02T10:00:00Z"^^xsd:dateTime ;
    ckg:relatedTerm <id/term/t> ;
    ckg:relatedNote <id/note/o> ;
    ckg:relatedNotebook <id/notebook/b> ;
    ckg:linkedCommunity <id/community/c> ;
    ckg:linkedOrganisation <id/organisation/o> ;
    ckg:hasRevision <id/note/n#r-1> .

<id/note/n#r-1> a ckg:Revision ;
    ckg:revisionNumber 1 ;
    prov:generatedAtTime "2024-01-02T10:00:00Z"^^xsd:dateTime ;
    prov:wasAttributedTo <id/person/p> .

# A community-only organisation note, without licence (not public).
<id/note/o> a ckg:OrganisationNote ;
    dcterms:title "En commun"@fr ;
    ckg:aboutOrganisation <id/organisation/o> ;
    ckg:visibility ckg:CommunityOnly ;
    ckg:visibleTo <id/community/c> ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-01T10:00:00Z"^^xsd:dateTime .

# A term has no dcterms:title: it is named by skos:prefLabel.
<id/term/t> a ckg:Term , skos:Concept ;
    skos:prefLabel "autonomie"@fr , "autonomy"@en ;
    skos:altLabel "autogestion"@fr ;
    skos:definition "Capacité d'un groupe à fixer ses objectifs."@fr ;
    skos:inScheme <id/lexicon/l> ;
    skos:topConceptOf <id/lexicon/l> ;
    skos:related <id/term/u> ;
    skos:exactMatch <http://www.wikidata.org/entity/Q484105> ;
    skos:broadMatch <http://www.wikidata.org/entity/Q1> ;
    ckg:visibility ckg:Private ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-01T10:00:00Z"^^xsd:dateTime .

# A term may also have a title.
<id/term/u> a ckg:Term , skos:Concept ;
    skos:prefLabel "mandat"@fr ;
    dcterms:title "Mandat"@fr ;
    skos:broader <id/term/t> ;
    ckg:visibility ckg:Public ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-01T10:00:00Z"^^xsd:dateTime .

<id/lexicon/l> a ckg:Lexicon ;
    dcterms:title "Lexique"@fr ;
    skos:hasTopConcept <id/term/t> .

<id/community/c> a ckg:Community ;
    dcterms:title "Communauté"@fr .

<id/organisation/o> a ckg:Organisation ;
    foaf:name "En commun" ;
    foaf:homepage <https://example.org/en-commun> .

<id/person/p> a ckg:Person , foaf:Person ;
    foaf:name "Camille Exemple" ;
    org:memberOf <id/community/c> , <id/organisation/o> .
"""


def test_sample_conforms():
    files = sorted(SAMPLE.rglob("*.ttl"))
    assert files, f"no sample data under {SAMPLE}"
    report = validate(parse(*files))
    assert report.conforms, report.text()
    assert report.violations == [], report.text()


def test_a_small_valid_knowledge_base_conforms():
    report = validate(parse(VALID))
    assert report.conforms, report.text()
    assert report.violations == [], report.text()


def test_the_table_covers_every_fixture():
    assert sorted(p.stem for p in FIXTURES.glob("*.ttl")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_fixture(name: str):
    path = FIXTURES / f"{name}.ttl"
    assert path.read_text(encoding="utf-8").startswith("# Breaks: "), (
        f"{path.name} must say on its first line which rule it breaks"
    )
    report = validate(parse(path))
    assert report.conforms is False, f"{name} should not conform"
    expected = sorted(
        (e.focus, e.path, e.value, e.en, e.fr, "Violation") for e in EXPECTED[name]
    )
    assert found(report) == expected, report.text()


def test_every_constraint_has_a_french_and_english_message():
    """Each shape that states a constraint (or holds a SPARQL one) has sh:message @fr and @en."""
    shapes = Graph().parse(SHAPES, format="turtle")
    parameters = {
        SH[name]
        for name in [
            "class", "datatype", "nodeKind", "minCount", "maxCount", "minInclusive",
            "maxInclusive", "pattern", "uniqueLang", "in", "hasValue", "equals", "disjoint",
            "lessThan", "lessThanOrEquals", "or", "and", "not", "xone", "node",
            "qualifiedValueShape", "closed", "sparql",
        ]
    }
    nested = set(shapes.objects(None, SH["not"]))
    for lst in list(shapes.objects(None, SH["or"])):
        nested.update(shapes.items(lst))
    nested.update(shapes.objects(None, SH.qualifiedValueShape))
    missing = []
    for shape in set(shapes.subjects(SH.path, None)) | set(shapes.subjects(RDF.type, SH.NodeShape)):
        if shape in nested or not any((shape, p, None) in shapes for p in parameters):
            continue
        langs = {m.language for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)}
        if not {"fr", "en"} <= langs:
            missing.append(str(shape))
    assert missing == []


def test_shapes_have_one_node_shape_per_class_of_the_model():
    shapes = Graph().parse(SHAPES, format="turtle")
    ckg = "https://w3id.org/carnet-kg/ontology#"
    targeted = {str(c) for c in shapes.objects(None, SH.targetClass)}
    for name in [
        "Note", "Term", "Notebook", "Membership", "Category", "KnowledgeBase", "Lexicon",
        "Community", "Person", "Organisation", "Revision",
    ]:
        assert ckg + name in targeted, name
    note_shape = URIRef("https://w3id.org/carnet-kg/shapes#NoteShape")
    assert (note_shape, SH.closed, Literal(True)) in shapes
