"""SPARQL Update over HTTP: a bearer token, one update at a time, the checks of ``load``."""

from __future__ import annotations

from flask import Response, current_app, request

from ..sparql.protocol import Operation
from ..sparql.update import UpdateRejected, apply_update
from ..writes import WRITE_LOCK
from . import context
from .auth import writer


def _plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    from .sparql import plain

    return plain(status, message, headers)


def run_update(operation: Operation) -> Response:
    agent, refusal = writer()
    if refusal is not None:
        return refusal
    endpoint = request.base_url
    settings = context.settings()
    if not WRITE_LOCK.acquire(timeout=settings.update_timeout):
        return _plain(503, "another update is running; retry later", {"Retry-After": "5"})
    try:
        try:
            with context.store().exclusive():
                outcome = apply_update(
                    context.store(), context.settings(), operation.text,
                    operation.default_graphs, operation.named_graphs, endpoint, agent=agent,
                )
        except UpdateRejected as error:
            details = f"\n{error.report.text()}" if error.report is not None else ""
            return _plain(error.status, error.message + details)
        current_app.extensions["carnet_kg.executor"].invalidate()
        current_app.extensions["carnet_kg.cache"].clear()
    finally:
        WRITE_LOCK.release()
    return _plain(200, f"update applied: {outcome.written} graph(s) written, "
                       f"{outcome.removed} removed, {outcome.withheld} non-public resource(s) "
                       "withheld")
