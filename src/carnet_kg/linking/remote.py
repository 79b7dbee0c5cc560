"""Candidates from a remote SPARQL endpoint (Wikidata-like), through SPARQLWrapper: label
lookups with language tags, a timeout, retries with back-off, a polite User-Agent, and a cache
on disk so that a rerun asks nothing again."""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.error
from collections.abc import Callable
from pathlib import Path

from rdflib.namespace import RDFS, SKOS
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, SPARQLWrapperException

from .. import __version__
from .matching import WORD, Labelled

USER_AGENT = f"carnet-kg/{__version__} (linking; +https://w3id.org/carnet-kg)"
LABEL_PROPERTIES = (SKOS.prefLabel, SKOS.altLabel, RDFS.label)


class RemoteError(Exception):
    """The endpoint could not be asked (after retries): the message says which and why."""


ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
           "\b": "\\b", "\f": "\\f"}


def _literal(text: str, language: str) -> str:
    escaped = "".join(ESCAPES.get(c, c) for c in text)
    return f'"{escaped}"@{language}' if language else f'"{escaped}"'


def _variants(label: str) -> set[str]:
    """The spellings an exact lookup tries: as written, lower case, capitalised."""
    return {label, label.casefold(), label[:1].upper() + label[1:].casefold()}


def _stem(label: str) -> str:
    """The longest word of a label as written (accents kept: SPARQL's LCASE does not remove
    them), a plural's final letter dropped so that the singular is found too."""
    longest = max(WORD.findall(label.casefold()), key=len, default="")
    return longest[:-1] if len(longest) > 4 and longest[-1] in "sx" else longest


def exact_query(item: Labelled, languages: tuple[str, ...], limit: int) -> str:
    """Concepts whose label is one of ours, exactly, in each language and usual casings: an
    index lookup for the endpoint, cheap even on Wikidata."""
    exact = " ".join(sorted(_literal(variant, lang)
                            for label in (*item.preferred, *item.alternative)
                            for variant in _variants(label) for lang in languages))
    props = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    return (f"SELECT DISTINCT ?c ?p ?label WHERE {{ VALUES ?label {{ {exact} }} "
            f"VALUES ?p {{ {props} }} ?c ?p ?label FILTER(isIRI(?c)) }} LIMIT {limit}")


def contains_query(item: Labelled, languages: tuple[str, ...], limit: int) -> str | None:
    """Concepts whose label contains the longest word of one of our preferred labels: a scan
    of the endpoint's labels (asked only when the exact lookup found nothing)."""
    stems = sorted({stem for label in item.preferred if len(stem := _stem(label)) >= 4})
    if not stems:
        return None
    props = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    langs = ", ".join(_literal(lang, "") for lang in languages)
    contains = " || ".join(f"CONTAINS(LCASE(STR(?label)), {_literal(stem, '')})"
                           for stem in stems)
    return (f"SELECT DISTINCT ?c ?p ?label WHERE {{ VALUES ?p {{ {props} }} ?c ?p ?label "
            f"FILTER(isIRI(?c) && LANG(?label) IN ({langs}) && ({contains})) }} "
            f"LIMIT {limit}")


class RemoteVocabulary:
    """One endpoint; ``sleep`` is injectable so tests of the back-off need not wait."""

    def __init__(self, endpoint: str, cache: Path, timeout: float = 20.0, retries: int = 3,
                 languages: tuple[str, ...] = ("fr", "en"), limit: int = 50,
                 sleep: Callable[[float], None] = time.sleep, search: bool = True) -> None:
        self.endpoint, self.cache, self.timeout, self.search = endpoint, cache, timeout, search
        self.retries, self.languages, self.limit, self.sleep = retries, languages, limit, sleep
        self.asked = self.cached = 0

    def candidates(self, item: Labelled) -> list[Labelled]:
        rows = self._rows(exact_query(item, self.languages, self.limit))
        fallback = contains_query(item, self.languages, self.limit) if self.search else None
        if not rows and fallback is not None:
            rows = self._rows(fallback)
        preferred: dict[str, set[str]] = {}
        alternative: dict[str, set[str]] = {}
        for row in rows:
            table = alternative if row["p"]["value"] == str(SKOS.altLabel) else preferred
            table.setdefault(row["c"]["value"], set()).add(row["label"]["value"])
        return [Labelled(iri, tuple(sorted(preferred.get(iri, ()))),
                         tuple(sorted(alternative.get(iri, set()) - preferred.get(iri, set()))))
                for iri in sorted(set(preferred) | set(alternative))]

    def _rows(self, query: str) -> list[dict]:
        key = hashlib.sha256(f"{self.endpoint}\n{query}".encode()).hexdigest()
        path = self.cache / f"{key}.json"
        if path.is_file():
            try:
                rows = json.loads(path.read_text(encoding="utf-8"))
                self.cached += 1
                return rows
            except (OSError, ValueError):
                pass  # a damaged entry: ask again
        rows = self._ask(query)
        self.cache.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")  # a run stopped mid-write leaves no broken entry
        partial.write_text(json.dumps(rows), encoding="utf-8")
        os.replace(partial, path)
        return rows

    def _ask(self, query: str) -> list[dict]:
        client = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        client.setQuery(query)
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setTimeout(int(max(1, self.timeout)))
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(min(30.0, 2.0 ** (attempt - 1)))  # 1, 2, 4… seconds
            try:
                self.asked += 1
                return client.queryAndConvert()["results"]["bindings"]
            except urllib.error.HTTPError as error:
                problem = f"HTTP {error.code}"
                if error.code not in (429, 500, 502, 503, 504):
                    break  # the query is wrong: asking again will not help
            except (urllib.error.URLError, TimeoutError, OSError) as error:
                problem = str(getattr(error, "reason", error))
            except EndPointInternalError as error:  # HTTP 500: perhaps passing
                problem = " ".join(str(error).split())[:200]
            except SPARQLWrapperException as error:  # bad query, not found, unauthorised
                problem = " ".join(str(error).split())[:200]
                break
        raise RemoteError(f"{self.endpoint}: {problem} (after {attempt + 1} attempt(s))")
