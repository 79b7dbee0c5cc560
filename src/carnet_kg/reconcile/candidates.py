"""Reconciliation proper: candidates for each query of a batch, scored 0–100, best first.

1. Prefilter: the search index (SQLite FTS5) finds the titles, labels and names holding every
   word of the query as a word prefix (and, when those are few and none equals the query, any
   of them), among the wanted types only: at most ``CANDIDATES`` per query, whatever the size
   of the knowledge base (no scan of every label).
2. Their labels are read from the store and scored with ``carnet_kg.linking.matching``: case,
   accents, punctuation, plurals, articles and word order do not count; an alternative label
   weighs 0.9. Candidates under ``MIN_NAME`` are dropped.
3. Each property constraint scores 0–1 (the best pair of a value asked for and a stored value)
   and counts once, the name twice: ``score = 100 × (2·name + Σ properties) / (2 + n)``.
   A query with properties and no text finds candidates by their links to the entities named.
4. ``match`` is true for the first candidate only, when it scores at least ``MATCH_SCORE`` and
   ``MATCH_MARGIN`` points more than the second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..linking import matching
from ..search import title_query
from . import Service, properties, types
from .entities import Entity, descriptions, load, parse_id
from .parsing import Constraint, Query, Wanted

CANDIDATES = 100  # hits of the search index scored per query
ENOUGH = 20  # hits holding every word, under which those holding any word are looked up too
MIN_NAME = 0.5  # name similarity under which a candidate is dropped
NAME_WEIGHT = 2.0  # the name counts as much as two properties
MATCH_SCORE, MATCH_MARGIN = 95.0, 10.0
PREFIX_MIN = 4  # search prefixes are shortened by up to two letters, never under this


@dataclass
class Candidate:
    entity: Entity
    name: float | None  # name similarity 0–1 (None: found by its properties alone)
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    match: bool = False


def search_terms(text: str) -> list[str]:
    """Word prefixes that find a label's variants: the normalised words (accents, plurals and
    articles gone), shortened by up to two letters so that "journal" also finds "journaux"."""
    found = matching.words(text) or matching.WORD.findall(text.casefold())
    return [w if len(w) <= PREFIX_MIN else w[:max(PREFIX_MIN, len(w) - 2)] for w in found]


def _kinds(query: Query) -> tuple[str, ...]:
    kinds = query.kinds or tuple(types.TYPES)
    if query.strict == "all" and len(kinds) > 1:
        return ()  # each of our resources has one type: none has all of them
    return kinds


def _scored(service: Service, text: str, iris: list[str]) -> list[Candidate]:
    """Those of ``iris`` whose labels are like ``text``, best first."""
    entities = load(service.store, service.ids, iris)
    ranked = matching.rank(matching.Labelled("", (text,)),
                           [e.labelled() for e in entities.values()], MIN_NAME, CANDIDATES)
    return [Candidate(entities[found.iri], value) for found, value, _, _ in ranked]


def _by_name(service: Service, query: Query, kinds: tuple[str, ...]) -> list[Candidate]:
    """Resources whose labels hold every word of the query (as word prefixes); when those are
    few, also those holding any of them, unless a label equals the query and no property
    could lift another candidate (one lacking a word scores at most 90: the match stands)."""
    terms = search_terms(query.text)
    every = title_query(terms, every=True)
    if every is None or not kinds:
        return []
    hits = [iri for iri, _ in service.search().lookup(every, kinds, CANDIDATES)]
    found = _scored(service, query.text, hits)
    exact = bool(found) and found[0].name == 1.0 and not query.constraints
    if len(hits) >= ENOUGH or len(set(terms)) < 2 or exact:
        return found
    known = set(hits)
    more = [iri for iri, _ in service.search().lookup(title_query(terms), kinds, CANDIDATES)
            if iri not in known]
    found += _scored(service, query.text, more[:CANDIDATES - len(hits)])
    return sorted(found, key=lambda c: (-(c.name or 0.0), c.entity.iri))


def _by_links(service: Service, query: Query, kinds: tuple[str, ...]) -> list[Candidate]:
    """Resources linked to an entity a constraint names (for queries without text)."""
    found: set[str] = set()
    for constraint in query.constraints:
        for wanted in constraint.wanted:
            target = parse_id(service.ids, wanted.id or wanted.text)
            if target is None or constraint.prop.values != "entity":
                continue
            rows = service.store.query(
                f"SELECT DISTINCT ?item ?target WHERE {{ ?item {constraint.prop.path} ?target }} "
                f"LIMIT {CANDIDATES}", {"target": target}).rows
            found.update(str(row["item"]) for row in rows)
    ours = [iri for iri in found
            if parse_id(service.ids, iri) and service.ids.parse_thing(iri).kind in kinds]
    return [Candidate(e, None) for e in load(service.store, service.ids, ours).values()]


def _compare(service: Service, constraint: Constraint, wanted: Wanted,
             value: properties.Value) -> float:
    if value.entity is not None:
        target = parse_id(service.ids, wanted.id or wanted.text)
        if target is not None:  # an identifier of ours: that entity or not
            return 1.0 if str(target) == value.entity.iri else 0.0
        return max((matching.similarity(wanted.text, str(label))
                    for label in value.entity.preferred), default=0.0)
    stored = str(value.node)
    if constraint.prop.values == "date":  # "2024" or "2024-01" match a date of that period
        return 1.0 if wanted.text and stored.startswith(wanted.text) else 0.0
    return matching.similarity(wanted.text, stored)


def _constrain(service: Service, query: Query, found: list[Candidate]) -> None:
    """Score each constraint for each candidate (in its features) and set the scores."""
    iris = [c.entity.iri for c in found]
    parts: dict[str, list[float]] = {iri: [] for iri in iris}
    for constraint in query.constraints:
        stored = properties.read(service.store, service.ids, constraint.prop, iris)
        for candidate in found:
            best = max((_compare(service, constraint, wanted, value)
                        for wanted in constraint.wanted
                        for value in stored.get(candidate.entity.iri, [])), default=0.0)
            parts[candidate.entity.iri].append(best)
            pid = constraint.prop.id
            candidate.features[pid] = max(candidate.features.get(pid, 0.0), round(best, 4))
    for candidate in found:
        values = parts[candidate.entity.iri]
        if candidate.name is None:
            total = sum(values) / len(values) if values else 0.0
        else:
            candidate.features = {"name": round(candidate.name, 4), **candidate.features}
            total = (NAME_WEIGHT * candidate.name + sum(values)) / (NAME_WEIGHT + len(values))
        candidate.score = round(100 * total, 1)


def candidates(service: Service, query: Query) -> list[Candidate]:
    """The best candidates for one query, at most its limit, best first."""
    kinds = _kinds(query)
    search = _by_name if query.text else _by_links
    found = search(service, query, kinds)
    _constrain(service, query, found)
    found.sort(key=lambda c: (-c.score, -(c.name or 0.0), c.entity.iri))
    if found:  # judged before the limit cuts: a tie stays a tie with limit 1
        found[0].match = is_clear_best([c.score for c in found])
    return found[:query.limit]


def is_clear_best(scores: list[float]) -> bool:
    """Whether the first of these scores (sorted, best first) is high and well ahead."""
    if not scores or scores[0] < MATCH_SCORE:
        return False
    return len(scores) == 1 or scores[0] - scores[1] >= MATCH_MARGIN


def _as_json(service: Service, found: list[Candidate], texts: dict[str, str]) -> list[dict]:
    results = []
    for candidate in found:
        entity = candidate.entity
        result = {"id": entity.iri, "name": entity.name(service.lang), "score": candidate.score,
                  "match": candidate.match,
                  "type": [types.as_json(service.ontology, entity.kind, service.lang)],
                  "features": [{"id": k, "value": v} for k, v in candidate.features.items()]}
        if texts.get(entity.iri):
            result["description"] = texts[entity.iri]
        results.append(result)
    return results


def reconcile(service: Service, batch: dict[str, Query]) -> dict[str, dict]:
    """Answers to a batch of queries, by query key: ``{"q0": {"result": [...]}, ...}``."""
    found = {key: candidates(service, query) for key, query in batch.items()}
    texts = descriptions(service.store, {c.entity.iri for cs in found.values() for c in cs},
                         service.lang)
    return {key: {"result": _as_json(service, cs, texts)} for key, cs in found.items()}
