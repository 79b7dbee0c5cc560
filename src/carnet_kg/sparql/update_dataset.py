"""The protocol's ``using-graph-uri`` / ``using-named-graph-uri`` for updates, as USING clauses.

pyoxigraph takes an update's dataset only from its text, so the protocol's dataset is written
into it: ``USING <g>`` / ``USING NAMED <g>`` before the WHERE of every operation that has one
(``DELETE WHERE`` cannot carry USING and is left as is), found with ``lexer.tokens``.
"""

from __future__ import annotations

from .lexer import tokens


def add_using(text: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """``text`` with the protocol dataset as USING clauses on each operation with a WHERE."""
    clauses = " ".join(
        [f"USING <{g}>" for g in default_graphs] + [f"USING NAMED <{g}>" for g in named_graphs]
    )
    if not clauses:
        return text
    pieces, previous, last = [], "", 0
    for token in tokens(text):
        if token.kind == "word" and token.depth == 0 and token.upper == "WHERE" \
                and previous != "DELETE":
            pieces.append(text[last:token.start] + clauses + " ")
            last = token.start
        previous = token.upper
    pieces.append(text[last:])
    return "".join(pieces)
