"""The protocol's ``using-graph-uri`` / ``using-named-graph-uri`` for updates, as USING clauses.

pyoxigraph takes an update's dataset only from its text, so the protocol's dataset is written
into it: ``USING <g>`` / ``USING NAMED <g>`` before the WHERE of every operation that has one
(``DELETE WHERE`` cannot carry USING and is left as is). Finding those WHERE keywords needs to
skip IRIs, strings and comments and to count braces; nothing else of the grammar matters here.
"""

from __future__ import annotations

import re

TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<open>\{)
    | (?P<close>\})
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def add_using(text: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """``text`` with the protocol dataset as USING clauses on each operation with a WHERE."""
    clauses = " ".join(
        [f"USING <{g}>" for g in default_graphs] + [f"USING NAMED <{g}>" for g in named_graphs]
    )
    if not clauses:
        return text
    pieces, depth, previous, last = [], 0, "", 0
    for match in TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "comment" or token.isspace():
            continue
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "word" and depth == 0 and token.upper() == "WHERE" and previous != "DELETE":
            pieces.append(text[last:match.start()] + clauses + " ")
            last = match.start()
        previous = token.upper()
    pieces.append(text[last:])
    return "".join(pieces)
