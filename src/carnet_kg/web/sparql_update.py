"""SPARQL Update over HTTP: a bearer token, one update at a time, the checks of ``load``."""

from __future__ import annotations

import hmac
import threading

from flask import Response, current_app, request

from ..sparql.protocol import Operation
from ..sparql.update import UpdateRejected, apply_update
from . import context

_lock = threading.Lock()


def _plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    from .sparql import plain

    return plain(status, message, headers)


def authorised() -> Response | None:
    """None when the request carries the configured write token; else the refusal."""
    token = context.settings().write_token
    if not token:
        return _plain(403, "updates are disabled: this server has no write token configured "
                           "(CARNET_KG_WRITE_TOKEN)")
    sent = request.headers.get("Authorization", "")
    scheme, _, credentials = sent.partition(" ")
    if scheme.lower() != "bearer" or not credentials:
        return _plain(401, "an update needs 'Authorization: Bearer <token>'",
                      {"WWW-Authenticate": 'Bearer realm="carnet-kg"'})
    if not hmac.compare_digest(credentials.strip().encode(), token.encode()):
        return _plain(403, "the write token is not valid")
    return None


def run_update(operation: Operation) -> Response:
    refusal = authorised()
    if refusal is not None:
        return refusal
    endpoint = request.base_url
    settings = context.settings()
    if not _lock.acquire(timeout=settings.update_timeout):
        return _plain(503, "another update is running; retry later", {"Retry-After": "5"})
    try:
        try:
            outcome = apply_update(
                context.store(), context.settings(), operation.text,
                operation.default_graphs, operation.named_graphs, endpoint,
            )
        except UpdateRejected as error:
            details = f"\n{error.report.text()}" if error.report is not None else ""
            return _plain(error.status, error.message + details)
        current_app.extensions["carnet_kg.executor"].invalidate()
        current_app.extensions["carnet_kg.cache"].clear()
    finally:
        _lock.release()
    return _plain(200, f"update applied: {outcome.written} graph(s) written, "
                       f"{outcome.removed} removed, {outcome.withheld} non-public resource(s) "
                       "withheld")
