"""Label matching shared by ``carnet-kg link`` and the reconciliation service.

Labels are compared once normalised: case folded, accents and punctuation removed, French and
English plurals reduced to the singular, articles and elisions dropped ("l'épistémologie" and
"Epistemologies" meet), and words sorted so that word order does not count. A candidate's score
is the best over every pair of labels (ours × theirs), weighted by how preferred they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

WORD = re.compile(r"[^\W_]+", re.UNICODE)
ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|t|m|c)['’]", re.IGNORECASE)
STOP_WORDS = frozenset({
    "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "et", "ou", "en", "au", "aux",
    "a", "the", "an", "of", "and", "or", "to", "in", "for", "on",
})
# words whose final s or x is not a plural mark (short words are never reduced)
INVARIABLE = frozenset({
    "corpus", "temps", "pays", "fois", "prix", "choix", "croix", "voix", "cas", "bras", "mois",
    "processus", "analysis", "basis", "thesis", "series", "species",
})
PREFERRED, ALTERNATIVE = 1.0, 0.9  # weight of a label by its kind
EXACT = 0.95  # at or above this score a candidate is proposed as an exact match


def _singular(word: str) -> str:
    if len(word) <= 3 or word in INVARIABLE:
        return word
    if word.endswith("als"):  # festivals, journals (English): the singular first
        word = word[:-1]
    if word.endswith(("aux", "al")):  # journal / journaux, noyau / noyaux all meet at -au
        return word[:-3] + "au" if word.endswith("aux") else word[:-2] + "au"
    if word.endswith("ies") and len(word) > 4:  # communities → community
        return word[:-3] + "y"
    if word.endswith(("s", "x")) and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(label: str) -> list[str]:
    """The normalised words of a label, in their order."""
    text = ELISION.sub(" ", label)
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return [_singular(w) for w in WORD.findall(text) if w not in STOP_WORDS]


def normalise(label: str) -> str:
    """A label's comparison key: its normalised words, sorted."""
    found = words(label)
    return " ".join(sorted(found)) if found else label.casefold().strip()


def similarity(left: str, right: str) -> float:
    """How alike two labels are, from 0 to 1 (1: the same once normalised)."""
    a, b = normalise(left), normalise(right)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    set_a, set_b = set(a.split()), set(b.split())
    overlap = len(set_a & set_b) / len(set_a | set_b)
    spelling = SequenceMatcher(None, a, b, autojunk=False).ratio()
    return round(max(overlap * 0.9, spelling * 0.9), 4)


@dataclass(frozen=True)
class Labelled:
    """Something with labels: preferred ones first, then alternative ones."""

    iri: str
    preferred: tuple[str, ...]
    alternative: tuple[str, ...] = ()

    def weighted(self) -> Iterable[tuple[str, float]]:
        yield from ((label, PREFERRED) for label in self.preferred)
        yield from ((label, ALTERNATIVE) for label in self.alternative)


def score(ours: Labelled, theirs: Labelled) -> tuple[float, str, str]:
    """The best score over all label pairs, with the two labels that gave it."""
    best = (0.0, "", "")
    for mine, weight_mine in ours.weighted():
        for other, weight_other in theirs.weighted():
            value = round(similarity(mine, other) * weight_mine * weight_other, 4)
            if value > best[0]:
                best = (value, mine, other)
    return best


def rank(ours: Labelled, candidates: Iterable[Labelled], threshold: float = 0.6,
         limit: int = 5) -> list[tuple[Labelled, float, str, str]]:
    """Candidates scoring at least ``threshold``, best first (ties by IRI), at most ``limit``."""
    scored = []
    for candidate in candidates:
        value, mine, other = score(ours, candidate)
        if value >= threshold:
            scored.append((candidate, value, mine, other))
    scored.sort(key=lambda item: (-item[1], item[0].iri))
    return scored[:limit]


class Index:
    """Concepts by their normalised words: only those sharing a word with an item are scored
    (a vocabulary of thousands of concepts is not compared whole with every term)."""

    def __init__(self, concepts: Iterable[Labelled]) -> None:
        self._by_word: dict[str, list[Labelled]] = {}
        for concept in concepts:
            for word in {w for label, _ in concept.weighted() for w in words(label)}:
                self._by_word.setdefault(word, []).append(concept)

    def candidates(self, item: Labelled) -> list[Labelled]:
        found: dict[str, Labelled] = {}
        for label, _ in item.weighted():
            for word in words(label):
                for concept in self._by_word.get(word, ()):
                    found.setdefault(concept.iri, concept)
        return list(found.values())
