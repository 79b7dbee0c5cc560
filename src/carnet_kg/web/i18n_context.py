"""The request's UI language, and what every template needs to speak it."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, g, request

from .. import i18n


def lang() -> str:
    if "lang" not in g:
        g.lang = i18n.choose((request.args.get("lang") or "").lower(), request.accept_languages)
    return g.lang


def switch_url(to: str) -> str:
    """This page in the other language: the same path and parameters, ``lang`` replaced."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", to)]
    return f"{request.path}?{urlencode(args)}"


def register(app: Flask) -> None:
    @app.context_processor
    def inject() -> dict:
        current = lang()
        return {
            "lang": current,
            "t": lambda key: i18n.t(key, current),
            "kind_label": lambda kind: i18n.KIND_LABELS[kind][current],
            "other_lang": "en" if current == "fr" else "fr",
            "switch_url": switch_url,
            "format_datetime": lambda value: i18n.format_datetime(value, current),
        }

    @app.after_request
    def vary_on_language(response):
        """Pages and their JSON speak the reader's language: say so to caches."""
        if request.endpoint and response.mimetype in ("text/html", "application/json"):
            response.vary.add("Accept-Language")
            response.headers["Content-Language"] = lang()
        return response
