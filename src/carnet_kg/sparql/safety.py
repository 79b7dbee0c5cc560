"""What a client's SPARQL may not do: call out (SERVICE, LOAD) unless the operator allows it.

pyoxigraph would fetch a ``SERVICE`` endpoint or a ``LOAD`` source from the web, so requests
are checked before they run. The check is cheap when the keyword does not appear at all (the
common case); otherwise rdflib's SPARQL parser finds the real uses. A request we cannot check is
refused, never run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pyparsing import ParseException
from rdflib import URIRef
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .lexer import nesting

# Substrings, not words: SPARQL needs no space before a keyword ("1SERVICE"), so any query
# that contains the letters at all is parsed (or refused when it cannot be).
SERVICE_WORD = re.compile(r"service", re.IGNORECASE)
LOAD_WORD = re.compile(r"load", re.IGNORECASE)


class Refused(Exception):
    """The request would make the server call out: the message says what and why."""


@dataclass
class UpdateFacts:
    """What the update checks learnt: whether it names its own dataset (USING / WITH)."""

    has_dataset_clause: bool


def _nodes(tree) -> Iterator[CompValue]:
    """Every CompValue in a parse tree, depth first."""
    if isinstance(tree, CompValue):
        yield tree
        children = tree.values()
    elif isinstance(tree, (list, tuple)) or hasattr(tree, "asList"):
        children = tree
    else:
        return
    for child in children:
        yield from _nodes(child)


def _check_services(tree, allowed: frozenset[str]) -> None:
    for node in _nodes(tree):
        if node.name != "ServiceGraphPattern":
            continue
        endpoint = node["term"]
        if not isinstance(endpoint, URIRef):
            raise Refused("SERVICE needs an endpoint written as a full IRI <…> to be checked")
        if str(endpoint) not in allowed:
            raise Refused(
                f"SERVICE <{endpoint}> is not allowed: this server calls no other endpoint "
                "unless its operator lists it (CARNET_KG_SERVICE_ALLOW)"
            )


MAX_NESTING = 200  # no real query nests deeper; parsers (ours, Oxigraph's) recurse per level


def check_nesting(text: str) -> None:
    """Raise Refused for a request nested so deep that parsing it would exhaust the stack."""
    if nesting(text) > MAX_NESTING:
        raise Refused(f"the request nests braces, parentheses or brackets more than "
                      f"{MAX_NESTING} levels deep: simplify it")


def check_query(text: str, allowed: frozenset[str]) -> None:
    """Raise Refused if the query nests absurdly deep, or would call an endpoint that is not
    allowed."""
    check_nesting(text)
    if not SERVICE_WORD.search(text):
        return
    try:
        tree = parseQuery(text)
    except ParseException as error:
        raise Refused(
            "the query mentions SERVICE and could not be checked, so it is not run: "
            f"{error.msg} (line {error.lineno}, column {error.col})"
        ) from error
    _check_services(tree, allowed)


def check_update(text: str, allowed: frozenset[str]) -> UpdateFacts:
    """Raise Refused for LOAD and for SERVICE calls that are not allowed."""
    check_nesting(text)
    try:
        tree = parseUpdate(text)
    except ParseException as error:
        if LOAD_WORD.search(text) or SERVICE_WORD.search(text):
            raise Refused(
                "the update mentions LOAD or SERVICE and could not be checked, so it is not run: "
                f"{error.msg} (line {error.lineno}, column {error.col})"
            ) from error
        return UpdateFacts(has_dataset_clause=_dataset_words(text))
    if any(node.name == "Load" for node in _nodes(tree)):
        raise Refused("LOAD is refused: this server fetches nothing from the web")
    _check_services(tree, allowed)
    modifies = [node for node in _nodes(tree) if node.name == "Modify"]
    return UpdateFacts(
        has_dataset_clause=any("using" in m or "withClause" in m for m in modifies)
    )


def _dataset_words(text: str) -> bool:
    return bool(re.search(r"(using|with)", text, re.IGNORECASE))
