"""``/sparql``: the SPARQL 1.1 Protocol endpoint. Thin: parsing, safety, formats and execution
live in ``carnet_kg.sparql``; this module maps them to HTTP."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from flask import Blueprint, Response, current_app, request, url_for

from ..sparql import formats, protocol, safety
from ..sparql.executor import QueryTimeout
from ..sparql.service_description import describe
from ..sparql.worker import Job
from . import context, query_ui
from .rdf_response import rdf_response
from .void import void_iri

blueprint = Blueprint("sparql", __name__)

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Expose-Headers": "X-Result-Truncated, X-Result-Limit",
}


MIN_TIMEOUT = 0.5
_running: dict[str, int] = {}
_running_lock = threading.Lock()


@contextmanager
def client_slot(limit: int):
    """One of the ``limit`` queries a client (its address) may run at once; False if none is
    free, so that one client cannot hold every worker."""
    client = request.remote_addr or "unknown"
    with _running_lock:
        admitted = _running.get(client, 0) < limit
        if admitted:
            _running[client] = _running.get(client, 0) + 1
    try:
        yield admitted
    finally:
        if admitted:
            with _running_lock:
                _running[client] -= 1
                if not _running[client]:
                    del _running[client]


def executor():
    return current_app.extensions["carnet_kg.executor"]


def plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    response = Response(message.rstrip("\n") + "\n", status, mimetype="text/plain")
    response.headers.update({"Vary": "Accept", **CORS, **(headers or {})})
    return response


def _prefers_html() -> bool:
    """A browser asking for the endpoint itself gets the query page; */* gets RDF."""
    offers = [f.media_type for f in formats.GRAPH_FORMATS] + ["text/html"]
    return not request.args.get("format") and (
        request.accept_mimetypes.best_match(offers, default=None) == "text/html"
    )


def _endpoint_url() -> str:
    return request.host_url.rstrip("/") + url_for("sparql.endpoint")


@blueprint.route("/sparql", methods=["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def endpoint():
    if request.method == "OPTIONS":
        return Response(status=204, headers=CORS)
    settings = context.settings()
    if (request.content_length or 0) > settings.max_request_bytes:
        return plain(413, f"request body over {settings.max_request_bytes} bytes")
    try:
        query_string = request.query_string.decode("utf-8")
        operation = protocol.parse(
            request.method, request.mimetype or None, request.mimetype_params.get("charset"),
            query_string, request.get_data(cache=False),
        )
    except UnicodeDecodeError:
        return plain(400, "the URL's query string is not valid UTF-8")
    except protocol.ProtocolError as error:
        return plain(error.status, error.message, error.headers)
    if operation is None:
        if _prefers_html():
            page = Response(query_ui.page(), mimetype="text/html")
            page.vary.add("Accept")
            return page
        response = rdf_response(describe(_endpoint_url(), void_iri(), settings))
        response.headers.update(CORS)
        return response
    if len(operation.text.encode("utf-8")) > settings.max_request_bytes:
        return plain(413, f"{operation.kind} over {settings.max_request_bytes} bytes")
    if operation.kind == "update":
        from .sparql_update import run_update

        return run_update(operation)
    return _query(operation)


def _query(operation: protocol.Operation) -> Response:
    settings = context.settings()
    try:
        safety.check_query(operation.text, settings.allowed_services)
        choice = formats.choose(request.accept_mimetypes, operation.format_names)
    except safety.Refused as error:
        return plain(400, str(error))
    except formats.NotAcceptable as error:
        return plain(400, str(error))
    # a client may ask for less time, never more, and not so little that it only churns workers
    timeout = min(max(operation.timeout or settings.query_timeout, MIN_TIMEOUT),
                  settings.query_timeout)
    job = Job(
        text=operation.text,
        default_graphs=operation.default_graphs,
        named_graphs=operation.named_graphs,
        results_format=choice.results.key if choice.results else None,
        graph_format=choice.graph.key if choice.graph else None,
        boolean_format=choice.boolean.key if choice.boolean else None,
        max_rows=settings.max_rows,
        base_iri=_endpoint_url(),
        generation=executor().generation,  # a cached result is valid for one store state
    )
    cache = current_app.extensions["carnet_kg.cache"]
    reply = cache.get(job)
    if reply is None:
        with client_slot(settings.queries_per_client) as admitted:
            if not admitted:
                return plain(429, f"too many queries at once from this client (at most "
                                  f"{settings.queries_per_client}); retry when one ends",
                             {"Retry-After": "1"})
            try:
                reply = executor().run(job, timeout)
            except QueryTimeout as error:
                return plain(503, f"query timed out: {error}", {"Retry-After": "1"})
        cache.put(job, reply)
    if reply.status == 406:
        return plain(406, f"not acceptable: the {reply.kind.upper()} result is offered as "
                          f"{formats.offered(reply.kind)}")
    if reply.status != 200:
        return plain(reply.status, reply.body.decode("utf-8", "replace"))
    media_type = formats.BY_KEY[reply.format_key].media_type
    response = Response(reply.body, 200, content_type=f"{media_type}; charset=utf-8")
    response.headers.update({"Vary": "Accept", **CORS})
    if reply.truncated:
        response.headers["X-Result-Truncated"] = "true"
        response.headers["X-Result-Limit"] = str(settings.max_rows)
    return response
