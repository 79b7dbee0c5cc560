"""Sitemaps (sitemaps.org 0.9): every public resource's page with its last change; an index of
sitemaps of at most 50 000 URLs each when there are more."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from ..identifiers import Identifiers
from ..store import Store
from . import records
from .records import Selection

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
LIMIT = 50_000


def _document(tag: str) -> ET.Element:
    return ET.Element(f"{{{NS}}}{tag}")


def _page_url(site: str, record: records.Record, ids: Identifiers) -> str:
    thing = ids.parse_thing(record.identifier)
    return f"{site}/doc/{thing.kind}/{thing.key}"


def root(store: Store, ids: Identifiers, site: str, limit: int = LIMIT) -> bytes:
    """The sitemap itself, or an index of sitemaps past ``limit`` URLs."""
    total = records.count_records(store, ids, Selection(live_only=True))
    if total <= limit:
        return part(store, ids, site, 0, limit)
    index = _document("sitemapindex")
    for number in range((total + limit - 1) // limit):
        entry = ET.SubElement(index, f"{{{NS}}}sitemap")
        ET.SubElement(entry, f"{{{NS}}}loc").text = f"{site}/sitemap-{number + 1}.xml"
    return ET.tostring(index, encoding="utf-8", xml_declaration=True, default_namespace=NS)


def part(store: Store, ids: Identifiers, site: str, number: int, limit: int = LIMIT) -> bytes:
    """URLs ``number * limit`` to ``(number + 1) * limit``; the site's indexes in the first."""
    urlset = _document("urlset")
    if number == 0:
        for path in ("/", "/notebooks", "/lexicon", "/communities", "/people", "/ontology"):
            ET.SubElement(ET.SubElement(urlset, f"{{{NS}}}url"), f"{{{NS}}}loc").text = \
                site + path
    selection = Selection(live_only=True, offset=number * limit)
    for record in records.list_records(store, ids, selection, limit):
        url = ET.SubElement(urlset, f"{{{NS}}}url")
        ET.SubElement(url, f"{{{NS}}}loc").text = _page_url(site, record, ids)
        ET.SubElement(url, f"{{{NS}}}lastmod").text = record.datestamp.strftime(
            "%Y-%m-%dT%H:%M:%S+00:00")
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True, default_namespace=NS)
