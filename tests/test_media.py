"""Media of notes: described with schema.org (alt text required for images), shown on note
pages with alt text, caption, credit, type and size; embedded only from hosts the operator
allows, linked otherwise."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from carnet_kg import pipeline
from carnet_kg.web import create_app

from .conftest import BASE, write

MEDIA = """@prefix schema: <https://schema.org/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
<id/note/illustree> a ckg:GeneralNote ;
    dcterms:title "Une note illustrée"@fr ;
    ckg:visibility ckg:Public ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-02T10:00:00Z"^^xsd:dateTime ;
    schema:associatedMedia <id/note/illustree#schema> , <id/note/illustree#photo> ,
        <id/note/illustree#rapport> .
<id/note/illustree#schema> a schema:ImageObject ;
    schema:contentUrl <https://example.org/kb/media/schema.png> ;
    schema:encodingFormat "image/png" ;
    ckg:altText "Schéma des cinq communautés étudiées"@fr , "Diagram of the five communities"@en ;
    schema:caption "Les cinq communautés"@fr ;
    schema:creditText "Joël Nadeau" ;
    schema:license <http://creativecommons.org/licenses/by/4.0/> .
<id/note/illustree#photo> a schema:ImageObject ;
    schema:contentUrl <https://images.elsewhere.example/photo.jpg> ;
    schema:encodingFormat "image/jpeg" ;
    ckg:altText "Une rencontre de la communauté"@fr .
<id/note/illustree#rapport> a schema:MediaObject ;
    schema:contentUrl <https://example.org/kb/media/rapport.pdf> ;
    schema:encodingFormat "application/pdf" ;
    schema:caption "Rapport final"@fr ;
    dcat:byteSize 2400000 .
"""


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _elements(html: str, tag: str) -> list[dict]:
    parser = _Elements()
    parser.feed(html)
    return [attrs for name, attrs in parser.found if name == tag]


@pytest.fixture
def page_of(settings, store, tmp_path):
    pipeline.load([write(tmp_path / "m.ttl", MEDIA)], settings, store)

    def page(media_hosts: str = "", lang: str = "fr"):
        app = create_app(settings.with_(media_hosts=media_hosts, query_workers=1), store)
        return app.test_client().get("/doc/note/illustree",
                                     headers={"Accept": "text/html", "Accept-Language": lang})
    return page


def test_images_show_with_alt_text_caption_and_credit(page_of):
    html = page_of().text
    images = _elements(html, "img")
    assert [(i["src"], i["alt"]) for i in images] == [
        (BASE + "media/schema.png", "Schéma des cinq communautés étudiées")]
    assert "Les cinq communautés" in html and "Crédit : Joël Nadeau" in html
    assert "(document, application/pdf, 2,4 Mo)" in html
    assert "Diagram of the five communities" in page_of(lang="en").text
    assert "2.4 MB" in page_of(lang="en").text


def test_media_of_other_hosts_are_linked_not_hot_linked(page_of):
    response = page_of()
    links = [a["href"] for a in _elements(response.text, "a")]
    assert "https://images.elsewhere.example/photo.jpg" in links
    assert "images.elsewhere.example" not in response.headers["Content-Security-Policy"]
    allowed = page_of(media_hosts="images.elsewhere.example")
    sources = [i["src"] for i in _elements(allowed.text, "img")]
    assert "https://images.elsewhere.example/photo.jpg" in sources
    assert "https://images.elsewhere.example" in allowed.headers["Content-Security-Policy"]


def test_an_image_without_alt_text_is_refused(settings, store, tmp_path):
    broken = MEDIA.replace('    ckg:altText "Une rencontre de la communauté"@fr .',
                           '    schema:caption "Une rencontre"@fr .')
    with pytest.raises(pipeline.LoadFailed, match="alternative text"):
        pipeline.load([write(tmp_path / "m.ttl", broken)], settings, store)
    assert store.is_empty()

