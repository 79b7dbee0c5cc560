"""Just enough SPARQL lexing to find top-level keywords: skips IRIs, strings and comments and
counts braces; nothing else of the grammar matters to its users (USING clauses for the
protocol's update dataset, whether a query names its own dataset with FROM)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<open>\{)
    | (?P<close>\})
    | (?P<var>[?$][A-Za-z0-9_\u00b7-\uffff]+)
    | (?P<pname>[A-Za-z_][\w.-]*:[\w.%-]*|:[\w.%-]*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # string, iri, var, pname, open, close, word or other
    text: str
    start: int
    depth: int  # braces open before it

    @property
    def upper(self) -> str:
        return self.text.upper()


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of ``text`` (no spaces, no comments), with their brace depth."""
    depth = 0
    for match in TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "comment" or token.isspace():
            continue
        if kind == "close":
            depth -= 1
        yield Token(kind, token, match.start(), depth)
        if kind == "open":
            depth += 1


def names_dataset(query: str) -> bool:
    """Whether a query has its own FROM / FROM NAMED clause (outside strings and comments)."""
    return any(t.kind == "word" and t.depth == 0 and t.upper == "FROM" for t in tokens(query))


def dataset(query: str, base: str | None = None) -> tuple[list[str], list[str]] | None:
    """The graphs of a query's FROM and FROM NAMED clauses, as IRIs (prefixed names and relative
    IRIs resolved): (default graphs, named graphs); None if the query names none, or one
    this lexer cannot resolve (then the engine reads the clauses itself)."""
    import urllib.parse

    prefixes: dict[str, str] = {}
    defaults: list[str] = []
    named: list[str] = []
    significant = [t for t in tokens(query) if t.depth == 0]
    for number, token in enumerate(significant):
        following = significant[number + 1:number + 3]
        if token.kind == "word" and token.upper == "BASE" and following \
                and following[0].kind == "iri":
            base = urllib.parse.urljoin(base or "", following[0].text[1:-1])
        elif token.kind == "word" and token.upper == "PREFIX" and len(following) == 2:
            prefixes[following[0].text] = urllib.parse.urljoin(base or "",
                                                                following[1].text[1:-1])
        elif token.kind == "word" and token.upper == "FROM" and following:
            target, into = following[0], defaults
            if target.kind == "word" and target.upper == "NAMED" and len(following) == 2:
                target, into = following[1], named
            if target.kind == "iri":
                into.append(urllib.parse.urljoin(base or "", target.text[1:-1]))
            elif target.kind == "pname" and target.text.split(":", 1)[0] + ":" in prefixes:
                prefix, local = target.text.split(":", 1)
                into.append(prefixes[prefix + ":"] + local)
            else:
                return None
    return (defaults, named) if defaults or named else None


def has_relative_iri(query: str) -> bool:
    """Whether an IRI of the query is relative (it then resolves against the endpoint's URL)."""
    return any(t.kind == "iri" and ":" not in t.text for t in tokens(query))


OPENERS, CLOSERS = {"{", "(", "["}, {"}", ")", "]"}


def nesting(text: str) -> int:
    """The deepest nesting of braces, parentheses and brackets (outside strings, IRIs and
    comments)."""
    depth = deepest = 0
    for token in tokens(text):
        if token.text in OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif token.text in CLOSERS:
            depth -= 1
    return deepest
