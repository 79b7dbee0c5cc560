"""Security headers on every response: a Content-Security-Policy with no inline script, no
framing, no MIME sniffing, no referrer leaks to other sites."""

from __future__ import annotations

from flask import Flask

# Scripts only from this server (YASGUI and the query page's starter, no inline code); styles
# from this server plus inline ones, which YASGUI sets on its elements; connections (YASGUI's
# queries) to this server only.
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
          "form-action 'self'; object-src 'none'")


def policy(embeddable_hosts: frozenset[str]) -> str:
    """POLICY, with media (images, audio, video) also from the hosts an operator allows."""
    hosts = " ".join(f"https://{h} http://{h}" for h in sorted(embeddable_hosts))
    return POLICY.replace("img-src 'self' data:;", f"img-src 'self' data: {hosts}; "
                          f"media-src 'self' {hosts};")


def register(app: Flask) -> None:
    chosen = policy(app.config["CARNET_KG"].embeddable_hosts)

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", chosen)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]:
            # the old header for old browsers; a view that may be framed (the reconciliation
            # preview, shown by OpenRefine) says so in its own policy
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response
