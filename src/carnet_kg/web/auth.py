"""Who may write: a bearer token among the configured ones, whose name attributes the change.

Tokens are compared in constant time, every configured token is tried (the time does not say
which one nearly matched), and no token is ever logged or echoed.
"""

from __future__ import annotations

import hmac

from flask import Response, request

from . import context


def _refusal(status: int, message: str) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="carnet-kg"'} if status == 401 else {}
    return Response(message + "\n", status, mimetype="text/plain", headers=headers)


def writer() -> tuple[str | None, Response | None]:
    """(the token's name, None) for an authorised request, else (None, the refusal)."""
    tokens = context.settings().tokens
    if not tokens:
        return None, _refusal(403, "writes are disabled: this server has no write token "
                                   "configured (CARNET_KG_WRITE_TOKEN or CARNET_KG_WRITE_TOKENS)")
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None, _refusal(401, "a write needs 'Authorization: Bearer <token>'")
    sent = credentials.strip().encode()
    matched = None
    for name, token in tokens.items():
        if hmac.compare_digest(sent, token.encode()) and matched is None:
            matched = name
    if matched is None:
        return None, _refusal(403, "the write token is not valid")
    return matched, None
