"""``/reconcile``: the W3C Reconciliation Service API 0.2, as OpenRefine speaks it. Thin: the work
is done in ``carnet_kg.reconcile``; this module reads requests (URL, form or JSON body), writes
JSON (HTML for previews), turns bad input into 400 ``{"error": …}`` and opens every answer to
other origins (CORS, preflight included)."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request
from werkzeug.exceptions import HTTPException

from ..identifiers import Identifiers
from ..reconcile import RequestError, Service, candidates, extend, parsing, preview, suggest, types
from ..reconcile.entities import parse_id
from ..reconcile.manifest import manifest
from ..validation import ontology_graph
from . import context, search, security
from .i18n_context import lang

blueprint = Blueprint("reconcile", __name__, url_prefix="/reconcile")

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept, Accept-Language",
    "Access-Control-Max-Age": "86400",
}
# OpenRefine shows previews in an iframe of its own page: only framing changes
PREVIEW_POLICY = security.POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")
MAX_PREFIX = 200


def _service() -> Service:
    settings = context.settings()
    return Service(context.store(), Identifiers(settings.base), ontology_graph(settings),
                   search.index, lang())


@blueprint.before_request
def preflight_and_size():
    if request.method == "OPTIONS":
        return Response(status=204)
    limit = context.settings().max_request_bytes
    if (request.content_length or 0) > limit or len(request.query_string) > limit:
        abort(413, f"requests are limited to {limit} bytes")
    return None


@blueprint.after_request
def open_to_all(response: Response) -> Response:
    response.headers.update(CORS)
    return response


@blueprint.errorhandler(RequestError)
def bad_request(error: RequestError):
    return jsonify(error=str(error)), 400


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException):
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    return jsonify(error=error.description or error.name), error.code, headers


def _payload() -> dict:
    """``queries`` and ``extend`` from the URL, a form, or a JSON body (either ``{"queries":
    …}`` / ``{"extend": …}``, or the query batch itself)."""
    if request.is_json:
        body = parsing.parse_json(request.get_data(), "request body")
        if isinstance(body, dict) and body.keys() & {"queries", "extend"}:
            return body
        return {"queries": body}
    return {name: request.values[name] for name in ("queries", "extend") if name in request.values}


@blueprint.route("", methods=["GET", "POST"])
def endpoint():
    payload, service = _payload(), _service()
    if "queries" in payload and "extend" in payload:
        raise RequestError("send either queries or extend, not both")
    if "queries" in payload:
        return jsonify(candidates.reconcile(service, parsing.batch(payload["queries"])))
    if "extend" in payload:
        return jsonify(extend.extend(service, parsing.extension(payload["extend"])))
    if request.method == "POST":
        raise RequestError("nothing to answer: send queries= (or extend=)")
    return jsonify(manifest(service, request.url_root.rstrip("/")))


def _cursor() -> int:
    value = request.args.get("cursor", "0")
    if not re.fullmatch(r"[0-9]{1,7}", value):
        raise RequestError(f"cursor must be a whole number from 0, not {value!r}")
    return int(value)


def _prefix() -> str:
    value = request.args.get("prefix", "")
    if len(value) > MAX_PREFIX:
        raise RequestError(f"prefix is longer than {MAX_PREFIX} characters")
    return value


def _page() -> tuple[str, int, int]:
    """prefix, cursor and limit of a suggest request."""
    return _prefix(), _cursor(), parsing.limit(request.args.get("limit"),
                                               default=suggest.PAGE)


@blueprint.get("/suggest/entity")
def suggest_entity():
    kinds = tuple(types.kind_of(t) for t in request.args.getlist("type") if t) or None
    prefix, cursor, count = _page()
    return jsonify(suggest.entities(_service(), prefix, kinds, cursor, count))


@blueprint.get("/suggest/type")
def suggest_type():
    return jsonify(suggest.type_list(_service(), *_page()))


@blueprint.get("/suggest/property")
def suggest_property():
    return jsonify(suggest.property_list(_service(), *_page()))


@blueprint.get("/propose_properties")
def propose_properties():
    requested = request.args.get("limit")
    count = parsing.limit(requested) if requested is not None else None
    return jsonify(extend.propose(_service(), request.args.get("type") or None, count))


def _given_id() -> str:
    given = request.args.get("id", "")
    if not given:
        raise RequestError("id is missing")
    return given


@blueprint.get("/preview")
def preview_card():
    card = preview.card(_service(), _given_id())
    if card is None:
        abort(404, "no resource of ours has this id")
    response = Response(render_template("reconcile_preview.html", card=card))
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    return response


@blueprint.get("/view")
def view():
    settings = context.settings()
    iri = parse_id(Identifiers(settings.base), _given_id())
    if iri is None:
        raise RequestError("id is not the identifier of one of our resources")
    thing = Identifiers(settings.base).parse_thing(str(iri))
    return redirect(f"/doc/{thing.kind}/{thing.key}", 303)
