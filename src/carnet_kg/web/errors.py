"""Error pages: the right status code and a short explanation, never a stack trace."""

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException, ServiceUnavailable

from ..store import StoreError


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # keep what the exception says about itself (Allow on 405, WWW-Authenticate on 401…)
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        headers["Vary"] = "Accept"  # JSON or HTML, by Accept
        if _wants_json():
            body = jsonify(status=error.code, error=error.name, message=error.description)
            return body, error.code, headers
        return render_template("error.html", error=error), error.code, headers

    @app.errorhandler(StoreError)
    def store_unavailable(error: StoreError):
        """The store failed (a remote engine down or too slow): the client may retry; where
        the engine lives stays in the log, not in the answer."""
        current_app.logger.error("store error: %s", error)
        response = http_error(ServiceUnavailable("the data store is unavailable; retry later"))
        response[2]["Retry-After"] = "5"
        return response

    @app.errorhandler(RecursionError)
    def too_deep(_error: RecursionError):
        """Only what a client sent nests that deep (a query of a thousand parentheses, JSON of
        a thousand arrays): its fault, said as a 400, not a crash."""
        return http_error(BadRequest("the request is nested too deeply to be read (brackets, "
                                     "parentheses or JSON levels): simplify it"))
