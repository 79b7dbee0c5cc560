"""Error pages: the right status code and a short explanation, never a stack trace."""

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _wants_json():
            body = jsonify(status=error.code, error=error.name, message=error.description)
            return body, error.code
        return render_template("error.html", error=error), error.code
