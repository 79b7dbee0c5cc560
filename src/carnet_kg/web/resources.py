"""Cool URIs: ``/id/{kind}/{key}`` answers 303 to its document; ``/doc/{kind}/{key}[.ext]``
is the document, as an HTML page or RDF, negotiated, with ETag / Last-Modified / 304."""

from __future__ import annotations

import hashlib
import re

from flask import Blueprint, Response, abort, redirect, render_template, request

from .. import __version__, page_model
from ..describe import Document, describe, status
from ..identifiers import KEY_PATTERN, KINDS, Identifiers
from ..sparql.formats import BY_KEY, GRAPH_FORMATS
from . import context
from .i18n_context import lang
from .rdf_response import RDFLIB_NAMES

blueprint = Blueprint("resources", __name__)
PAGE = re.compile(r"[0-9]{1,6}")

EXTENSIONS = {"html": "html", "ttl": "turtle", "jsonld": "jsonld", "rdf": "rdfxml",
              "nt": "ntriples"}
EXTENSION_OF = {v: k for k, v in EXTENSIONS.items()}


def negotiate() -> str | None:
    """``html`` or a graph format key; None when nothing fits. */* gets Turtle."""
    offers = [f.media_type for f in GRAPH_FORMATS] + ["text/html"]
    best = request.accept_mimetypes.best_match(offers) if request.accept_mimetypes else offers[0]
    if best is None:
        return None
    return "html" if best == "text/html" else next(
        f.key for f in GRAPH_FORMATS if f.media_type == best)


def valid_address(kind: str, key: str) -> bool:
    return kind in KINDS and bool(KEY_PATTERN.fullmatch(key))


def _not_acceptable() -> Response:
    offered = ", ".join(["text/html"] + [f.media_type for f in GRAPH_FORMATS])
    return Response(f"not acceptable: offered as {offered}\n", 406, mimetype="text/plain",
                    headers={"Vary": "Accept"})


@blueprint.get("/id/<kind>/<key>")
def thing(kind: str, key: str):
    fmt = negotiate()
    if fmt is None:
        return _not_acceptable()
    if not valid_address(kind, key):
        return missing(Document(404), fmt)
    found = status(context.store(), context.settings(), kind, key)
    if found != 200:
        return missing(Document(found), fmt)
    target = f"/doc/{kind}/{key}" if fmt == "html" else f"/doc/{kind}/{key}.{EXTENSION_OF[fmt]}"
    response = redirect(target, code=303)
    response.vary.add("Accept")
    return response


@blueprint.get("/doc/<kind>/<name>")
def document(kind: str, name: str):
    key, dot, extension = name.partition(".")
    if dot and extension in EXTENSIONS:
        fmt = EXTENSIONS[extension]
    else:
        fmt = negotiate()
        if fmt is None:
            return _not_acceptable()
    if not valid_address(kind, key) or (dot and extension not in EXTENSIONS):
        return missing(Document(404), fmt)
    page = request.args.get("page", "1")
    if not PAGE.fullmatch(page) or int(page) < 1:
        abort(400, description="page must be a whole number from 1 to 999999")
    document = describe(context.store(), context.settings(), kind, key, page=int(page))
    if document.status != 200:
        return missing(document, fmt)
    response = _html(document, kind, key) if fmt == "html" else _rdf(document, fmt)
    if not dot:
        response.vary.add("Accept")
    _alternates(response, kind, key, document)
    response.set_etag(_etag(document, fmt, page))
    # the page also shows other resources (labels, incoming links, previous / next): it is as
    # new as the store's last write, and caches must check before reuse (a resource may have
    # been made private since)
    _, last_write = context.store_state()
    response.last_modified = max(filter(None, (document.modified, last_write)))
    response.cache_control.public = True
    response.cache_control.no_cache = True
    return response.make_conditional(request)


def _etag(document: Document, fmt: str, page: str) -> str:
    """Per representation (format, language, page, the store's state for labels), and led by
    the resource's revision: a write's If-Match is checked against that (``writes``)."""
    state = f"{__version__}|{document.checksum}|{context.last_write()}|{fmt}|{lang()}|{page}"
    return f"r{document.revision}-{hashlib.sha256(state.encode()).hexdigest()[:24]}"


def _rdf(document: Document, fmt: str) -> Response:
    body = document.graph.serialize(format=RDFLIB_NAMES[fmt])
    return Response(body, mimetype=BY_KEY[fmt].media_type)


def _html(document: Document, kind: str, key: str) -> Response:
    ids = Identifiers(context.settings().base)
    page = page_model.build(context.store(), ids, document, kind, key, lang(),
                            context.settings().embeddable_hosts)
    jsonld = _script_safe(document.graph.serialize(format="json-ld"))
    history = context.store().history.revisions(str(document.document))
    return Response(render_template("resource.html", page=page, jsonld=jsonld,
                                    iri=str(document.thing), history=history),
                    mimetype="text/html")


def _script_safe(json_text: str) -> str:
    """JSON that cannot end or confuse the <script> element it is embedded in."""
    return (json_text.replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))


def _alternates(response: Response, kind: str, key: str, document: Document) -> None:
    links = [f'</doc/{kind}/{key}.{ext}>; rel="alternate"; type="{BY_KEY[fmt].media_type}"'
             for ext, fmt in EXTENSIONS.items() if fmt != "html"]
    links.append(f'</doc/{kind}/{key}.html>; rel="alternate"; type="text/html"')
    if document.next_page:
        links.append(f'</doc/{kind}/{key}?page={document.next_page}>; rel="next"')
    links.append(f'</doc/{kind}/{key}/revisions>; rel="version-history"')  # RFC 5829
    response.headers["Link"] = ", ".join(links)


def missing(document: Document, fmt: str) -> Response:
    status = document.status
    last = context.store().history.last(str(document.document)) \
        if status == 410 and document.document is not None else None
    if fmt == "html":
        key = "not_found" if status == 404 else "gone"
        body = render_template("missing.html", status=status, title_key=key,
                               text_key=f"{key}_text", tombstone=last)
        response = Response(body, status, mimetype="text/html")
    else:
        text = "# not found: no public resource has this identifier\n" if status == 404 else \
            "# gone: this resource has been withdrawn from publication\n"
        if last is not None:  # a tombstone: when, and by whom (a token's name, the CLI)
            text += (f"# {last.action} at {last.time.isoformat()} by {last.agent} "
                     f"(revision {last.revision})\n")
        response = Response(text, status, mimetype=BY_KEY[fmt].media_type
                            if fmt == "turtle" else "text/plain")
    response.vary.add("Accept")
    return response
