"""The request's UI language, and what every template needs to speak it."""

from __future__ import annotations

from flask import Flask, g, request

from .. import i18n


def lang() -> str:
    if "lang" not in g:
        g.lang = i18n.choose(request.args.get("lang"), request.accept_languages)
    return g.lang


def register(app: Flask) -> None:
    @app.context_processor
    def inject() -> dict:
        current = lang()
        return {
            "lang": current,
            "t": lambda key: i18n.t(key, current),
            "kind_label": lambda kind: i18n.KIND_LABELS[kind][current],
            "other_lang": "en" if current == "fr" else "fr",
        }

    @app.after_request
    def vary_on_language(response):
        if request.endpoint and response.mimetype == "text/html":
            response.vary.add("Accept-Language")
            response.headers["Content-Language"] = lang()
        return response
