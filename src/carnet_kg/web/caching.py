"""Validators for every page and JSON view that does not set its own: an ETag from the body
and Last-Modified from the store's last write, so that conditional requests get 304."""

from __future__ import annotations

from flask import Flask, request

from . import context


def register(app: Flask) -> None:
    @app.after_request
    def validators(response):
        if request.method not in ("GET", "HEAD") or response.status_code != 200 \
                or response.mimetype not in ("text/html", "application/json") \
                or response.headers.get("ETag") or response.direct_passthrough:
            return response
        response.add_etag()
        _, last_write = context.store_state()
        if last_write is not None:
            response.last_modified = last_write
        response.cache_control.no_cache = True
        return response.make_conditional(request)
