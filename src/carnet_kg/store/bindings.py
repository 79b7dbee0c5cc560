"""Pre-bound variables for a query sent as text: a ``VALUES`` block opening its WHERE clause.

The embedded store substitutes variables itself; a remote engine only receives text, so the
values are written into it, each term in its N-Triples form (never pasted from a client's
string: terms are rdflib nodes, serialised by rdflib).
"""

from __future__ import annotations

from rdflib.term import Node

from ..sparql.lexer import tokens

FORMS = {"SELECT", "ASK", "DESCRIBE"}


def with_bindings(query: str, bindings: dict[str, Node] | None) -> str:
    """``query`` with ``bindings`` as the first element of its WHERE group pattern."""
    if not bindings:
        return query
    names = sorted(bindings)
    block = (f" VALUES ({' '.join('?' + n for n in names)}) "
             f"{{ ({' '.join(bindings[n].n3() for n in names)}) }} ")
    position = _where_opening(query)
    return query[:position] + block + query[position:]


def _where_opening(query: str) -> int:
    """Just after the ``{`` opening the query's WHERE clause (``WHERE`` may be left out)."""
    form_seen = where_seen = False
    for token in tokens(query):
        if token.depth:
            continue
        if token.kind == "word" and token.upper in FORMS:
            form_seen = True
        elif token.kind == "word" and token.upper == "WHERE":
            where_seen = True
        elif token.kind == "open" and (where_seen or (form_seen and not _is_construct(query))):
            return token.start + 1
    raise ValueError("no WHERE clause to bind variables in")


def _is_construct(query: str) -> bool:
    return any(t.kind == "word" and t.upper == "CONSTRUCT" and not t.depth for t in tokens(query))
