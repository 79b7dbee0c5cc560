"""The external vocabularies we know: their names, namespaces and identifier patterns.

Used to label outbound links on pages, to count VoID link sets per target vocabulary, and (the
same patterns, written again in SHACL) to check mapping IRIs. An IRI of an unknown vocabulary is
accepted and labelled by its host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Vocabulary:
    key: str
    name: str
    namespace: str  # the IRI prefix of its concepts (VoID: void:uriSpace)
    pattern: re.Pattern[str] | None  # what a well-formed identifier looks like, when we know
    hosts: re.Pattern[str] | None = None  # IRIs there must have the pattern (else: namespace)
    example: str = ""


VOCABULARIES: tuple[Vocabulary, ...] = (
    Vocabulary("wikidata", "Wikidata", "http://www.wikidata.org/entity/",
               re.compile(r"http://www\.wikidata\.org/entity/Q[1-9][0-9]*"),
               re.compile(r"https?://(www\.)?wikidata\.org/"),
               example="http://www.wikidata.org/entity/Q42"),
    Vocabulary("orcid", "ORCID", "https://orcid.org/",
               re.compile(r"https://orcid\.org/[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]"),
               re.compile(r"https?://orcid\.org/"),
               example="https://orcid.org/0000-0002-1825-0097"),
    Vocabulary("idref", "IdRef", "https://www.idref.fr/",
               re.compile(r"https://www\.idref\.fr/[0-9]{8}[0-9X](/id)?"),
               re.compile(r"https?://(www\.)?idref\.fr/"),
               example="https://www.idref.fr/02659864X"),
    Vocabulary("unesco", "UNESCO Thesaurus", "http://vocabularies.unesco.org/thesaurus/",
               re.compile(r"http://vocabularies\.unesco\.org/thesaurus/concept[0-9]+"),
               re.compile(r"https?://vocabularies\.unesco\.org/"),
               example="http://vocabularies.unesco.org/thesaurus/concept1234"),
    Vocabulary("rameau", "RAMEAU", "http://data.bnf.fr/ark:/12148/",
               re.compile(r"http://data\.bnf\.fr/ark:/12148/cb[0-9]{8}[0-9bcdfghjkmnpqrstvwxz]"),
               re.compile(r"https?://data\.bnf\.fr/"),
               example="http://data.bnf.fr/ark:/12148/cb11931827t"),
    Vocabulary("eurovoc", "EuroVoc", "http://eurovoc.europa.eu/",
               re.compile(r"http://eurovoc\.europa\.eu/[0-9]+"),
               re.compile(r"https?://eurovoc\.europa\.eu/"),
               example="http://eurovoc.europa.eu/1234"),
    Vocabulary("loterre", "Loterre", "http://data.loterre.fr/", None),
    Vocabulary("dbpedia", "DBpedia", "http://dbpedia.org/resource/",
               re.compile(r"http://dbpedia\.org/resource/[^\s/?#]+"),
               re.compile(r"https?://dbpedia\.org/"),
               example="http://dbpedia.org/resource/Leadership"),
    Vocabulary("dbpedia-fr", "DBpedia (fr)", "http://fr.dbpedia.org/resource/",
               re.compile(r"http://fr\.dbpedia\.org/resource/[^\s/?#]+"),
               re.compile(r"https?://[a-z]+\.dbpedia\.org/"),
               example="http://fr.dbpedia.org/resource/Autogestion"),
)


def vocabulary_of(iri: str) -> Vocabulary:
    """The vocabulary an IRI belongs to; for an unknown one, a vocabulary named by its host."""
    for vocabulary in VOCABULARIES:
        if iri.startswith(vocabulary.namespace):
            return vocabulary
    for vocabulary in VOCABULARIES:
        if vocabulary.hosts is not None and vocabulary.hosts.match(iri):
            return vocabulary
    parts = urlsplit(iri)
    host = parts.hostname or iri
    return Vocabulary(host, host, f"{parts.scheme}://{parts.netloc}/", None)


def malformed(iri: str) -> str | None:
    """Why a mapping IRI is not acceptable (None when it is)."""
    if not re.match(r"https?://[^/\s]+", iri):
        return "a mapping must be an absolute http(s) IRI"
    vocabulary = vocabulary_of(iri)
    if vocabulary.pattern is not None and not vocabulary.pattern.fullmatch(iri):
        return f"not a {vocabulary.name} identifier (of the form {vocabulary.example})"
    return None
