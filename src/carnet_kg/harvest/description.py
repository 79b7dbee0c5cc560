"""The dataset described for harvesters: VoID (counts, endpoint, dumps, URI space, link sets)
and a DCAT catalogue (DCAT-AP 3 mandatory properties) in one graph, served at
``/.well-known/void`` and ``/catalog``."""

from __future__ import annotations

import re
from collections import Counter

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from .. import queries
from ..config import Settings
from ..identifiers import Identifiers
from ..linking.vocabularies import Vocabulary, vocabulary_of
from ..namespaces import CKG, SCHEMA, VOID, bind_prefixes, compact
from ..store import Store
from .dumps import Dump

SPDX = Namespace("http://spdx.org/rdf/terms#")
MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
            SKOS.relatedMatch, SCHEMA.sameAs)
LICENCE = URIRef("http://creativecommons.org/licenses/by/4.0/")


def _texts(graph: Graph, node, prop, fr: str, en: str) -> None:
    graph.add((node, prop, Literal(fr, lang="fr")))
    graph.add((node, prop, Literal(en, lang="en")))


def _linksets(graph: Graph, store: Store, dataset: URIRef, dataset_base: str) -> None:
    """One void:Linkset per mapping predicate and target vocabulary, with its count: the
    reviewed mappings (only those are published as statements)."""
    values = " ".join(f"<{p}>" for p in MAPPINGS)
    rows = store.query(
        f"SELECT ?p ?target WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?target "
        f"FILTER(isIRI(?target) && STRSTARTS(STR(?s), {Literal(str(dataset_base)).n3()})) }}"
    ).rows
    counts: Counter[tuple[URIRef, str]] = Counter()
    vocabularies: dict[str, Vocabulary] = {}
    for row in rows:
        vocabulary = vocabulary_of(str(row["target"]))
        vocabularies[vocabulary.key] = vocabulary
        counts[(row["p"], vocabulary.key)] += 1
    for (predicate, key), count in sorted(counts.items()):
        vocabulary = vocabularies[key]
        target = URIRef(vocabulary.namespace)
        slug = re.sub(r"[^A-Za-z0-9-]+", "-", key).strip("-") or "other"
        linkset = URIRef(f"{dataset}-links-{slug}-{predicate.split('#')[-1].split('/')[-1]}")
        graph.add((dataset, VOID.subset, linkset))
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, DCTERMS.title, Literal(
            f"{vocabulary.name} ({compact(str(predicate))})")))
        graph.add((linkset, VOID.linkPredicate, predicate))
        graph.add((linkset, VOID.subjectsTarget, dataset))
        graph.add((linkset, VOID.objectsTarget, target))
        graph.add((linkset, VOID.triples, Literal(count, datatype=XSD.integer)))
        graph.add((target, RDF.type, VOID.Dataset))
        graph.add((target, DCTERMS.title, Literal(vocabulary.name)))
        graph.add((target, VOID.uriSpace, Literal(vocabulary.namespace)))


def describe(store: Store, settings: Settings, site: str, dumps: list[Dump]) -> Graph:
    """``site`` is this server's URL (endpoints and downloads are reached there)."""
    graph = Graph()
    bind_prefixes(graph)
    graph.bind("dcat", DCAT)
    graph.bind("spdx", SPDX)
    dataset = Identifiers(settings.base).dataset
    catalog = URIRef(f"{settings.base}catalog#catalog")
    service = URIRef(f"{settings.base}sparql#service")
    publisher = URIRef(f"{settings.base}catalog#publisher")
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(settings.publisher)))
    # the catalogue
    graph.add((catalog, RDF.type, DCAT.Catalog))
    _texts(graph, catalog, DCTERMS.title, "Catalogue carnet-kg", "carnet-kg catalogue")
    _texts(graph, catalog, DCTERMS.description,
           "Les jeux de données et services publiés par ce serveur carnet-kg.",
           "The datasets and services this carnet-kg server publishes.")
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCAT.dataset, dataset))
    graph.add((catalog, DCAT.service, service))
    graph.add((catalog, FOAF.homepage, URIRef(site + "/")))
    # the dataset (VoID and DCAT)
    sizes = queries.run(store, "public-size", metadata=store.metadata_graph).rows
    triples = int(sizes[0]["triples"]) if sizes else 0
    for cls in (VOID.Dataset, DCAT.Dataset):
        graph.add((dataset, RDF.type, cls))
    _texts(graph, dataset, DCTERMS.title, "Base de connaissances carnet-kg",
           "carnet-kg knowledge base")
    _texts(graph, dataset, DCTERMS.description,
           "Les notes, termes, carnets, communautés et personnes publics de cette base de "
           "connaissances, en RDF.",
           "The public notes, terms, notebooks, communities and people of this knowledge "
           "base, as RDF.")
    graph.add((dataset, DCTERMS.license, LICENCE))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(site + "/sparql")))
    graph.add((dataset, VOID.uriSpace, Literal(settings.base + "id/")))
    graph.add((dataset, VOID.rootResource, URIRef(site + "/")))
    graph.add((dataset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    for vocabulary in (CKG, SKOS, DCTERMS, FOAF, SCHEMA):
        graph.add((dataset, VOID.vocabulary, URIRef(str(vocabulary))))
    for row in queries.run(store, "notebooks", lang=Literal("fr")).rows[:3]:
        graph.add((dataset, VOID.exampleResource, row["notebook"]))
    for row in queries.run(store, "stats-by-class").rows:
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], row["class"]))
        graph.add((partition, VOID.entities, Literal(int(row["count"]), datatype=XSD.integer)))
    _linksets(graph, store, dataset, f"{settings.base}id/")  # links from our resources
    # distributions: the dumps, and the SPARQL endpoint as a service
    for dump in dumps:
        url = URIRef(f"{site}/dumps/{dump.name}")
        distribution = URIRef(f"{settings.base}dumps/{dump.name}#distribution")
        graph.add((dataset, VOID.dataDump, url))
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCAT.mediaType,
                   URIRef(f"http://www.iana.org/assignments/media-types/{dump.media_type}")))
        graph.add((distribution, DCAT.compressFormat,
                   URIRef("http://www.iana.org/assignments/media-types/application/gzip")))
        graph.add((distribution, DCAT.byteSize,
                   Literal(dump.size, datatype=XSD.nonNegativeInteger)))
        graph.add((distribution, DCTERMS.modified, Literal(dump.modified, datatype=XSD.dateTime)))
        graph.add((distribution, DCTERMS.license, LICENCE))
        checksum = BNode()
        graph.add((distribution, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    graph.add((service, RDF.type, DCAT.DataService))
    _texts(graph, service, DCTERMS.title, "Point d'accès SPARQL", "SPARQL endpoint")
    graph.add((service, DCAT.endpointURL, URIRef(site + "/sparql")))
    graph.add((service, DCAT.endpointDescription, URIRef(site + "/sparql")))
    graph.add((service, DCAT.servesDataset, dataset))
    graph.add((service, DCTERMS.license, LICENCE))
    _type_values(graph)
    return graph


# The classes DCAT-AP 3 expects the values of these properties to have (its shapes check them
# with sh:class, without inference): stated, so that the catalogue validates.
VALUE_CLASSES = {
    FOAF.homepage: FOAF.Document,
    DCTERMS.license: DCTERMS.LicenseDocument,
    DCAT.endpointURL: RDFS.Resource,
    DCAT.endpointDescription: RDFS.Resource,
    DCAT.accessURL: RDFS.Resource,
    DCAT.downloadURL: RDFS.Resource,
    DCAT.mediaType: DCTERMS.MediaType,
    DCAT.compressFormat: DCTERMS.MediaType,
    SPDX.algorithm: SPDX.ChecksumAlgorithm,
}


def _type_values(graph: Graph) -> None:
    for prop, cls in VALUE_CLASSES.items():
        for value in set(graph.objects(None, prop)):
            graph.add((value, RDF.type, cls))
