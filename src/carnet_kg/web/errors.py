"""Error pages: the right status code and a short explanation, never a stack trace."""

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException


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

    @app.errorhandler(RecursionError)
    def too_deep(_error: RecursionError):
        """Only what a client sent nests that deep (a query of a thousand parentheses, JSON of
        a thousand arrays): its fault, said as a 400, not a crash."""
        return http_error(BadRequest("the request is nested too deeply to be read (brackets, "
                                     "parentheses or JSON levels): simplify it"))
