"""``/doc/{kind}/{key}/revisions``: a resource's change history (HTML, or PROV-O in RDF), and
``…/revisions/{n}``: an earlier version, as a page or RDF. Only while the resource is public:
a withdrawn resource takes its past with it."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from .. import page_model, revisions
from ..describe import Document, describe
from ..identifiers import Identifiers
from ..namespaces import bind_prefixes
from ..policy import PublishPolicy
from ..sparql.formats import BY_KEY
from . import context
from .i18n_context import lang
from .rdf_response import RDFLIB_NAMES
from .resources import EXTENSIONS, missing, negotiate, valid_address

blueprint = Blueprint("history", __name__)


def _format(extension: str | None) -> str | None:
    if extension is None:
        return negotiate()
    return EXTENSIONS.get(extension)


def _current(kind: str, key: str, fmt: str | None) -> Document | Response:
    if fmt is None:
        return Response("not acceptable: ask for text/html or an RDF format\n", 406,
                        mimetype="text/plain")
    if not valid_address(kind, key):
        return missing(Document(404), fmt)
    document = describe(context.store(), context.settings(), kind, key, per_page=1)
    return document if document.status == 200 else missing(document, fmt)


def _rdf(graph, fmt: str) -> Response:
    return Response(graph.serialize(format=RDFLIB_NAMES[fmt]), mimetype=BY_KEY[fmt].media_type)


@blueprint.get("/doc/<kind>/<key>/revisions")
@blueprint.get("/doc/<kind>/<key>/revisions.<extension>")
def listing(kind: str, key: str, extension: str | None = None):
    fmt = _format(extension)
    current = _current(kind, key, fmt)
    if isinstance(current, Response):
        return current
    ids = Identifiers(context.settings().base)
    store = context.store()
    if fmt != "html":
        return _rdf(revisions.provenance(store, ids, current.document), fmt)
    title = page_model.label_of(current.graph, current.thing, lang())
    return render_template("revisions.html", kind=kind, key=key, title=title,
                           revisions=store.history.revisions(str(current.document)))


@blueprint.get("/doc/<kind>/<key>/revisions/<name>")
def version(kind: str, key: str, name: str):
    number, dot, extension = name.partition(".")
    fmt = _format(extension if dot else None)
    current = _current(kind, key, fmt)
    if isinstance(current, Response):
        return current
    found = revisions.version(context.store(), current.document, int(number)) \
        if number.isdigit() and len(number) < 10 else None
    if found is None:
        return missing(Document(404), fmt)
    if found.graph is None:  # the revision that withdrew it: nothing to show
        return missing(Document(410, document=current.document), fmt)
    # an old version may link to what is not public any more: those links go, as in the
    # current version (the publish policy, judged against the store now)
    store = context.store()
    policy = PublishPolicy(Identifiers(context.settings().base), {}, store.has_resource)
    found.graph, _ = policy.filter_links(current.thing, found.graph)
    bind_prefixes(found.graph)
    response = _rdf(found.graph, fmt) if fmt != "html" else _page(found, current, kind, key)
    response.headers["Link"] = (f'</doc/{kind}/{key}>; rel="latest-version", '
                                f'</doc/{kind}/{key}/revisions>; rel="version-history"')
    return response


def _page(found: revisions.Version, current: Document, kind: str, key: str) -> Response:
    ids = Identifiers(context.settings().base)
    snapshot = Document(200, found.graph, current.thing, current.document)
    page = page_model.build(context.store(), ids, snapshot, kind, key, lang(),
                            context.settings().embeddable_hosts)
    return Response(render_template("resource.html", page=page, jsonld="{}",
                                    iri=str(current.thing), archived=found.revision),
                    mimetype="text/html")
