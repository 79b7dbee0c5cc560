"""Candidates from a remote SPARQL endpoint (Wikidata-like), through SPARQLWrapper: label
lookups with language tags, a timeout, retries with back-off, a polite User-Agent, and a cache
on disk so that a rerun asks nothing again."""

from __future__ import annotations

import hashlib
import json
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


def _literal(text: str, language: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"@{language}' if language else f'"{escaped}"'


def _variants(label: str) -> set[str]:
    """The spellings an exact lookup tries: as written, lower case, capitalised."""
    return {label, label.casefold(), label[:1].upper() + label[1:].casefold()}


def _stem(label: str) -> str:
    """The longest word of a label as written (accents kept: SPARQL's LCASE does not remove
    them), a plural's final letter dropped so that the singular is found too."""
    longest = max(WORD.findall(label.casefold()), key=len, default="")
    return longest[:-1] if len(longest) > 4 and longest[-1] in "sx" else longest


def label_query(item: Labelled, languages: tuple[str, ...], limit: int) -> str:
    """Concepts whose label is one of ours (exactly, in each language and usual casings), or
    contains the longest word of one of our preferred labels."""
    exact = " ".join(sorted(_literal(variant, lang)
                            for label in (*item.preferred, *item.alternative)
                            for variant in _variants(label) for lang in languages))
    props = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    langs = ", ".join(_literal(lang, "") for lang in languages)
    stems = sorted({stem for label in item.preferred if len(stem := _stem(label)) >= 4})
    contains = " || ".join(f"CONTAINS(LCASE(STR(?label)), {_literal(stem, '')})"
                           for stem in stems)
    search = (f"UNION {{ VALUES ?p {{ {props} }} ?c ?p ?label "
              f"FILTER(LANG(?label) IN ({langs}) && ({contains})) }}") if stems else ""
    return (f"SELECT DISTINCT ?c ?p ?label WHERE {{ "
            f"{{ VALUES ?label {{ {exact} }} VALUES ?p {{ {props} }} ?c ?p ?label }} "
            f"{search} FILTER(isIRI(?c)) }} LIMIT {limit}")


class RemoteVocabulary:
    """One endpoint; ``sleep`` is injectable so tests of the back-off need not wait."""

    def __init__(self, endpoint: str, cache: Path, timeout: float = 20.0, retries: int = 3,
                 languages: tuple[str, ...] = ("fr", "en"), limit: int = 50,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.endpoint, self.cache, self.timeout = endpoint, cache, timeout
        self.retries, self.languages, self.limit, self.sleep = retries, languages, limit, sleep
        self.asked = self.cached = 0

    def candidates(self, item: Labelled) -> list[Labelled]:
        rows = self._rows(label_query(item, self.languages, self.limit))
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
            self.cached += 1
            return json.loads(path.read_text(encoding="utf-8"))
        rows = self._ask(query)
        self.cache.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(rows), encoding="utf-8")
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
