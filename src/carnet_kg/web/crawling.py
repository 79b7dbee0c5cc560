"""For crawlers and harvesters: ``/sitemap.xml`` (and its parts), ``/robots.txt``, and the
change feed ``/changes`` (ActivityStreams 2.0, IIIF Change Discovery)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request

from ..harvest import changes, sitemap
from ..identifiers import Identifiers
from . import context

blueprint = Blueprint("crawling", __name__)
ACTIVITY_STREAMS = 'application/ld+json;profile="https://www.w3.org/ns/activitystreams"'


def _site() -> str:
    return request.host_url.rstrip("/")


def _ids() -> Identifiers:
    return Identifiers(context.settings().base)


@blueprint.get("/sitemap.xml")
def sitemap_root():
    return Response(sitemap.root(context.store(), _ids(), _site()), mimetype="application/xml")


@blueprint.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int):
    if number < 1 or number > 10_000:
        abort(404)
    return Response(sitemap.part(context.store(), _ids(), _site(), number - 1),
                    mimetype="application/xml")


@blueprint.get("/robots.txt")
def robots():
    text = ("User-agent: *\n"
            "Disallow: /sparql\n"  # query links are not pages to crawl
            "Disallow: /search\n"
            f"Sitemap: {_site()}/sitemap.xml\n")
    return Response(text, mimetype="text/plain")


def _activity_streams(document: dict) -> Response:
    response = jsonify(document)
    response.headers["Content-Type"] = ACTIVITY_STREAMS
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/changes")
def change_collection():
    return _activity_streams(changes.collection(context.store(), _ids(), _site()))


@blueprint.get("/changes/<int:number>")
def change_page(number: int):
    found = changes.page(context.store(), _ids(), _site(), number) if number < 10**7 else None
    if found is None:
        abort(404)
    return _activity_streams(found)
