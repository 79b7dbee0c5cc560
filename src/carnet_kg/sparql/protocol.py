"""SPARQL 1.1 Protocol: turn an HTTP request into one operation, or a precise 4xx error.

Pure functions over the parts of a request (method, media type, URL parameters, body), so the
rules are tested without a server.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import parse_qs

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"


class ProtocolError(Exception):
    """A request the protocol does not allow: ``status`` and a message saying why."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class Operation:
    """One query or update with its protocol-specified dataset."""

    kind: str  # "query" or "update"
    text: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format_names: list[str] = field(default_factory=list)
    timeout: float | None = None


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise ProtocolError(400, f"{len(values)} '{name}' parameters: send exactly one")
    return values[0] if values else None


def _decode(body: bytes, charset: str | None, what: str) -> str:
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ProtocolError(
            415, f"{what} in charset {charset}: the SPARQL protocol requires UTF-8"
        )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(
            400, f"{what} is not valid UTF-8 (byte {error.start}): the protocol requires UTF-8"
        ) from error


def _timeout(params: dict[str, list[str]]) -> float | None:
    value = _one(params, "timeout")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError as error:
        raise ProtocolError(400, f"timeout={value!r} is not a number of seconds") from error
    if not math.isfinite(seconds) or seconds <= 0:
        raise ProtocolError(400, f"timeout={value!r} must be a positive number of seconds")
    return seconds


def parse(
    method: str, media_type: str | None, charset: str | None, url_query: str, body: bytes
) -> Operation | None:
    """The operation a request asks for; None for a GET without query (service description)."""
    params = parse_qs(url_query, keep_blank_values=True)
    if method in ("GET", "HEAD"):
        if "update" in params:
            raise ProtocolError(400, "an update must be sent by POST, not GET")
        text = _one(params, "query")
        return None if text is None else _operation("query", text, params)
    if method != "POST":
        raise ProtocolError(
            405, f"method {method} is not allowed: use GET or POST", {"Allow": "GET, POST, HEAD"}
        )
    if media_type == FORM_TYPE:
        form = parse_qs(_decode(body, charset, "the form"), keep_blank_values=True)
        for name, values in form.items():
            params.setdefault(name, []).extend(values)
        query, update = _one(params, "query"), _one(params, "update")
        if (query is None) == (update is None):
            raise ProtocolError(400, "the form must hold exactly one 'query' or one 'update'")
        if update is None:  # an empty query= is still the query (and gets its own 400)
            return _operation("query", query, params)
        return _operation("update", update, params)
    if media_type in (QUERY_TYPE, UPDATE_TYPE):
        kind = "query" if media_type == QUERY_TYPE else "update"
        return _operation(kind, _decode(body, charset, f"the {kind}"), params)
    shown = media_type or "no Content-Type"
    raise ProtocolError(
        400,
        f"POST with {shown}: use {FORM_TYPE} (query= or update=), {QUERY_TYPE} or {UPDATE_TYPE}",
    )


def _operation(kind: str, text: str, params: dict[str, list[str]]) -> Operation:
    if not text.strip():
        raise ProtocolError(400, f"the {kind} is empty")
    prefix = "" if kind == "query" else "using-"
    return Operation(
        kind=kind,
        text=text,
        default_graphs=params.get(f"{prefix}default-graph-uri" if kind == "query"
                                  else "using-graph-uri", []),
        named_graphs=params.get(f"{prefix}named-graph-uri", []),
        format_names=params.get("format", []),
        timeout=_timeout(params),
    )
