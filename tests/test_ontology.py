"""The ontology parses, documents every term in French and English, and meets OntPub."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from carnet_kg.config import PROJECT_ROOT
from carnet_kg.namespaces import CKG, CKG_ONTOLOGY, SH, VANN

ONTOLOGY = PROJECT_ROOT / "ontology" / "carnet.ttl"
ONTPUB = PROJECT_ROOT.parent / "shared" / "validators" / "ontpub-validator.shacl.ttl"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def own_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(str(CKG))}


def test_every_term_has_fr_and_en_label_and_comment(ontology):
    terms = own_terms(ontology)
    assert len(terms) > 40
    missing = []
    for term in sorted(terms):
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in ontology.objects(term, prop)}
            missing += [f"{term} {prop} @{lang}" for lang in ("fr", "en") if lang not in langs]
        if (term, RDFS.isDefinedBy, URIRef(CKG_ONTOLOGY)) not in ontology:
            missing.append(f"{term} rdfs:isDefinedBy")
    assert missing == []


def test_ontology_metadata(ontology):
    onto = URIRef(CKG_ONTOLOGY)
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(onto, OWL.versionIRI) is not None
    assert ontology.value(onto, OWL.versionInfo) is not None
    assert str(ontology.value(onto, VANN.preferredNamespacePrefix)) == "ckg"
    assert str(ontology.value(onto, VANN.preferredNamespaceUri)) == str(CKG)


def test_every_class_and_property_of_the_model_is_declared(ontology):
    model = (PROJECT_ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    import re

    named = {CKG[name] for name in re.findall(r"`ckg:([A-Za-z]+)`", model)}
    assert named - own_terms(ontology) == set()


def test_no_identity_claims(ontology):
    for prop in (OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty):
        assert list(ontology.triples((None, prop, None))) == []


def test_ontpub_profile(ontology):
    if not ONTPUB.exists():
        pytest.fail(f"missing OntPub shapes at {ONTPUB} (../shared/validators)")
    conforms, report, text = pyshacl.validate(
        ontology, shacl_graph=Graph().parse(ONTPUB, format="turtle"), advanced=True,
        allow_warnings=True,
    )
    assert conforms, text
    # The one warning we accept: no schema:codeRepository, as the project has no public
    # repository address yet (README, "Known gaps").
    warnings = {str(m) for m in report.objects(None, SH.resultMessage)}
    assert all("codeRepository" in m for m in warnings), warnings


def test_file_is_where_the_settings_say():
    from carnet_kg.config import Settings

    assert Path(Settings().ontology) == ONTOLOGY
